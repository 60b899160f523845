"""A reply id that is empty or not a string never becomes the message id.

The message id is the reply's ``id`` (``msg_...``, or a converted channel's ``chatcmpl-...``).
A gateway's ``"id": ""`` became ``AIMessage.id == ""`` on invoke: LangGraph's ``add_messages``
assigns a fresh id only to ``None``, so every such reply had the same id and each one replaced
the previous AI message in the agent's state. A non-string id (an object) lost the whole reply
(InvalidResponseError); a number became its text on invoke and was dropped on a stream. Such an
id is left to LangChain (its run id), as when there is none; ``response_metadata["id"]`` still
shows what the server sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.graph.message import add_messages

from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)


def _answer(path: str, ident: Any, text: str = "hi") -> Any:
    if "stream" in path:
        events = text_stream(text)
        events[0]["message"]["id"] = ident
        return sse_response(events)
    return json_response({**message([{"type": "text", "text": text}]), "id": ident})


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("ident", ["", "   ", 123, {"a": 1}, ["x"]], ids=repr)
async def test_an_unusable_reply_id_is_left_to_langchain(path: str, ident: Any) -> None:
    reply = await call(model_with(Recorder(_answer(path, ident))), path)
    assert reply.text == "hi"
    assert isinstance(reply.id, str) and reply.id.startswith("lc_run")


@pytest.mark.parametrize("path", PATHS)
async def test_a_usable_reply_id_is_the_message_id(path: str) -> None:
    reply = await call(model_with(Recorder(_answer(path, "chatcmpl-abc"))), path)
    assert reply.id == "chatcmpl-abc"


@pytest.mark.parametrize("path", PATHS)
async def test_two_replies_with_an_empty_id_are_two_messages_in_langgraph_state(path: str) -> None:
    llm = model_with(Recorder(_answer(path, "", "first"), _answer(path, "", "second")))
    first, second = await call(llm, path), await call(llm, path)
    state = add_messages([], [first])
    state = add_messages(state, [second])
    assert [m.text for m in state] == ["first", "second"]
