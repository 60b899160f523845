"""An image or document given by Files API ``file_id`` sends the Files API beta by itself: the
API (and the emulator) know the ``file`` source only under that beta, also inside a
tool_result."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.tools import required_betas
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

FILES = "files-api-2025-04-14"
FILE_IMAGE = {"type": "image", "source": {"type": "file", "file_id": "file_011abc"}}


def _user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def test_a_file_source_needs_the_files_beta() -> None:
    assert required_betas({"messages": [_user(FILE_IMAGE)]}) == [FILES]


def test_a_file_source_inside_a_tool_result_needs_the_files_beta() -> None:
    result = {"type": "tool_result", "tool_use_id": "t1", "content": [FILE_IMAGE]}
    assert required_betas({"messages": [_user(result)]}) == [FILES]


def test_base64_and_url_sources_need_no_beta() -> None:
    image = {"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}}
    assert required_betas({"messages": [_user(image)]}) == []


def _file_message() -> HumanMessage:
    return HumanMessage([{"type": "image", "file_id": "file_011abc"}, "Describe it."])


def _tool_history() -> list[Any]:
    call = {"name": "get_file", "args": {}, "id": "toolu_1"}
    return [
        HumanMessage("Get the file."),
        AIMessage("", tool_calls=[call]),
        ToolMessage([{"type": "image", "file_id": "file_011abc"}], tool_call_id="toolu_1"),
    ]


@pytest.mark.parametrize("history", [[_file_message()], _tool_history()], ids=["user", "tool"])
def test_a_file_id_request_is_accepted_with_its_beta(history: list[Any]) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("A kiwi."))
    assert llm.invoke(history).text == "A kiwi."
    assert FILES in emu.last_request["headers"]["anthropic-beta"].split(",")


async def test_a_file_id_request_is_accepted_with_its_beta_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("A kiwi."))
    assert (await llm.ainvoke([_file_message()])).text == "A kiwi."
    assert FILES in emu.last_request["headers"]["anthropic-beta"].split(",")
