"""Histories from any provider: block types the Messages API does not accept are converted or
left out by one table (``_wire.blocks``), for other providers' messages and our own."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.blocks import ACCEPTED, CONVERTED, DROPPED
from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

OPENAI = {"model_provider": "openai"}


def _openai_responses_turn() -> AIMessage:
    """What ChatOpenAI (Responses API, output_version="responses/v1") returns for a tool call."""
    return AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "text", "text": "Checking.", "annotations": [], "id": "msg_1"},
            {"type": "function_call", "name": "get", "arguments": '{"q": 1}',
             "call_id": "call_1", "id": "fc_1"},
        ],
        tool_calls=[{"id": "call_1", "name": "get", "args": {"q": 1}}],
        response_metadata=OPENAI,
    )  # fmt: skip


def test_openai_function_call_blocks_are_not_forwarded() -> None:
    _, turns = convert_messages(
        [HumanMessage("q"), _openai_responses_turn(), ToolMessage("r", tool_call_id="call_1")]
    )
    assert turns[1]["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "call_1", "name": "get", "input": {"q": 1}},
    ]


@pytest.mark.parametrize("provider", [OPENAI, {"model_provider": "anthropic"}, {}])
def test_refusal_block_is_left_out(provider: dict[str, Any]) -> None:
    refused = AIMessage(
        [{"type": "text", "text": "Sorry."}, {"type": "refusal", "refusal": "I can't."}],
        response_metadata=provider,
    )
    _, turns = convert_messages([HumanMessage("q"), refused, HumanMessage("again")])
    assert turns[1]["content"] == [{"type": "text", "text": "Sorry."}]


def test_v1_refusal_thread_keeps_working_against_the_emulator() -> None:
    llm, emu = emulated(MessagesEmulator(), output_version="v1")
    emu.script(Reply.text("ok"), Reply.text("ok"))
    refused = AIMessage(
        [{"type": "non_standard", "value": {"type": "refusal", "refusal": "no"}},
         {"type": "text", "text": "Sorry."}],
        response_metadata={"model_provider": "anthropic", "output_version": "v1"},
    )  # fmt: skip
    history = [HumanMessage("q"), refused, HumanMessage("again")]
    llm.invoke(history)
    assert emu.last_request["body"]["messages"][1]["content"] == [
        {"type": "text", "text": "Sorry."}
    ]


async def test_foreign_history_reaches_the_api_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("done"))
    history = [HumanMessage("q"), _openai_responses_turn(), ToolMessage("r", tool_call_id="call_1")]
    await llm.ainvoke(history)
    types = [b["type"] for b in emu.last_request["body"]["messages"][1]["content"]]
    assert types == ["text", "tool_use"]


def test_unknown_foreign_block_is_dropped_with_a_warning() -> None:
    ai = AIMessage(
        [{"type": "text", "text": "hi"}, {"type": "executable_code", "code": "print(1)"}],
        response_metadata={"model_provider": "google_genai"},
    )
    with pytest.warns(UserWarning, match="executable_code"):
        _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("more")])
    assert turns[1]["content"] == [{"type": "text", "text": "hi"}]


def test_unknown_block_of_our_own_is_kept() -> None:
    """A newer Anthropic block type must still reach the API (it, not we, decides)."""
    ai = AIMessage([{"type": "advisor_tool_result", "tool_use_id": "srvtoolu_1", "content": {}}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("more")])
    assert turns[1]["content"][0]["type"] == "advisor_tool_result"


def test_tool_result_in_an_ai_message_is_a_value_error() -> None:
    ai = AIMessage([{"type": "tool_result", "tool_use_id": "t1", "content": "x"}])
    with pytest.raises(ValueError, match="tool_result"):
        convert_messages([HumanMessage("q"), ai, HumanMessage("more")])


def test_one_table() -> None:
    """Every type is in exactly one column of the table."""
    accepted = set().union(*ACCEPTED.values())
    assert not accepted & set(DROPPED)
    assert not accepted & CONVERTED
    assert not CONVERTED & set(DROPPED)


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
    "rkJggg=="
)
GENERATED_IMAGES = {
    "gemini_v1_image": ({"type": "image", "base64": PNG, "mime_type": "image/png"},
                        "google_genai"),
    "openai_image_url": ({"type": "image_url",
                          "image_url": {"url": f"data:image/png;base64,{PNG}"}}, "openai"),
    "image_file": ({"type": "file", "base64": PNG, "mime_type": "image/png"}, "openai"),
}  # fmt: skip


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize("name", sorted(GENERATED_IMAGES))
async def test_another_providers_generated_image_is_left_out_with_a_warning(
    mode: str, name: str
) -> None:
    """The API refuses an image in an assistant turn (the emulator answers its 400): the thread
    goes on without it, its text kept, and the caller is told."""
    image, provider = GENERATED_IMAGES[name]
    ai = AIMessage([{"type": "text", "text": "Here it is."}, image],
                   response_metadata={"model_provider": provider})  # fmt: skip
    history = [HumanMessage("draw a cat"), ai, HumanMessage("describe it")]
    llm, emu = emulated(MessagesEmulator())
    with pytest.warns(UserWarning, match="image from another provider"):
        if mode == "invoke":
            llm.invoke(history)
        else:
            await llm.ainvoke(history)
    assert emu.last_request["body"]["messages"][1]["content"] == [
        {"type": "text", "text": "Here it is."}
    ]


@pytest.mark.parametrize(
    "image",
    [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
     {"type": "image", "url": "https://example.com/cat.png"}],
    ids=["native", "v1_url"],
)  # fmt: skip
def test_an_image_written_into_an_ai_message_is_a_value_error(image: dict[str, Any]) -> None:
    llm, emu = emulated(MessagesEmulator())
    history = [HumanMessage("q"), AIMessage([{"type": "text", "text": "a"}, image]),
               HumanMessage("more")]  # fmt: skip
    with pytest.raises(ValueError, match="'image' block cannot be in an assistant message"):
        llm.invoke(history)
    assert emu.requests == []


def test_the_emulator_refuses_an_image_in_an_assistant_turn() -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 32,
        "messages": [
            {"role": "user", "content": "draw"},
            {"role": "assistant", "content": [image]},
            {"role": "user", "content": "describe it"},
        ],
    }
    answer = MessagesEmulator().handle("POST", "/v1/messages", {"x-api-key": "k"}, body)
    assert answer.status == 400
    assert b"'image' blocks are not permitted within assistant turns" in answer.body
