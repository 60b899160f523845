"""An image URL without an http(s) scheme (``dummyimage.com/...``) and an image media type the
API does not read are ValueErrors before anything is sent, not a 400 after a round trip."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_model import emulated

SCHEMELESS = [
    {"type": "image_url", "image_url": {"url": "dummyimage.com/600x400/000/fff"}},
    {"type": "image_url", "image_url": "//dummyimage.com/1x1"},
    {"type": "image", "url": "dummyimage.com/600x400"},
    {"type": "file", "url": "ftp://example.com/a.pdf", "mime_type": "application/pdf"},
]


@pytest.mark.parametrize("block", SCHEMELESS)
def test_schemeless_url_is_refused_before_sending(block: dict[str, object]) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="not an http"):
        llm.invoke([HumanMessage([{"type": "text", "text": "describe"}, block])])
    assert emu.requests == []


async def test_schemeless_url_is_refused_before_sending_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="not an http"):
        await llm.ainvoke([HumanMessage([SCHEMELESS[0]])])
    assert emu.requests == []


def test_unsupported_image_media_type_is_refused() -> None:
    llm, emu = emulated(MessagesEmulator())
    bmp = {"type": "image_url", "image_url": {"url": "data:image/bmp;base64,Qk0="}}
    with pytest.raises(ValueError, match="image/bmp"):
        llm.invoke([HumanMessage([bmp])])
    assert emu.requests == []


def test_https_and_data_urls_still_go_through() -> None:
    llm, emu = emulated(MessagesEmulator())
    llm.invoke(
        [
            HumanMessage(
                [
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
                ]
            )
        ]
    )
    sources = [b["source"] for b in emu.last_request["body"]["messages"][0]["content"]]
    assert sources == [
        {"type": "url", "url": "https://example.com/a.png"},
        {"type": "base64", "media_type": "image/png", "data": "iVBO"},
    ]


def _native_image(media_type: str) -> dict[str, object]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": "AA=="}}


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize("in_tool_result", [False, True], ids=["user_turn", "tool_result"])
async def test_native_image_of_a_type_the_api_does_not_read_is_refused(
    mode: str, in_tool_result: bool
) -> None:
    """``image/jpg`` (for ``image/jpeg``) in a hand-written Anthropic block: the emulator, like
    the API, answers 400, so it is named before sending, with the spelling that works."""
    llm, emu = emulated(MessagesEmulator())
    image = _native_image("image/jpg")
    if in_tool_result:
        history: list[BaseMessage] = [
            HumanMessage("look"),
            AIMessage("", tool_calls=[{"name": "shot", "args": {}, "id": "t1"}]),
            ToolMessage([image], tool_call_id="t1"),
        ]
    else:
        history = [HumanMessage([image, {"type": "text", "text": "describe"}])]
    with pytest.raises(ValueError, match=r"image/jpg is written image/jpeg"):
        if mode == "invoke":
            llm.invoke(history)
        else:
            await llm.ainvoke(history)
    assert emu.requests == []


def test_native_image_of_a_type_the_api_reads_is_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    llm.invoke([HumanMessage([_native_image("image/webp"), {"type": "text", "text": "x"}])])
    assert emu.last_request["body"]["messages"][0]["content"][0] == _native_image("image/webp")
