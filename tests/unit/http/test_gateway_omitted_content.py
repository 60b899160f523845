"""A Messages reply whose empty ``content`` list the gateway left out.

new-api writes the replies it builds (its OpenAI -> Claude conversion, ``ResponseOpenAI2Claude``)
from a Go struct whose ``content`` is ``omitempty``: an upstream answer with no choices, or a
``tool_calls`` finish with no call, comes back as ``{"type": "message", "role": "assistant",
"usage": {...}}`` with no ``content`` at all. That is an empty reply, not a foreign object: it
used to be an InvalidResponseError ("expected a Messages response"), the usage lost with it.
Objects that are not Messages replies (an OpenAI ``chat.completion``) are still refused.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import MODES, answer, call, json_reply, no_sleep, serving

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

OMITTED: dict[str, Any] = {
    "id": "chatcmpl-abc123",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "usage": {"input_tokens": 12, "cache_creation_input_tokens": 0,
              "cache_read_input_tokens": 0, "output_tokens": 0},
}  # fmt: skip


def _llm(url: str) -> ChatCometAPI:
    return no_sleep(
        ChatCometAPI(base_url=url, api_key="sk-omitted-0123456789", prompt_cache="off",
                     max_retries=0)
    )  # fmt: skip


def _invoke(llm: ChatCometAPI, mode: str) -> Any:
    import asyncio

    if mode == "sync":
        return llm.invoke("hi")
    return asyncio.run(llm.ainvoke("hi"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("content", ["omitted", None], ids=["omitted", "null"])
def test_a_message_without_content_is_an_empty_reply(mode: str, content: Any) -> None:
    data = dict(OMITTED) if content == "omitted" else {**OMITTED, "content": None}
    with serving(answer(json_reply(data))) as srv:
        reply = _invoke(_llm(srv.base_url), mode)
    assert reply.content == ""
    assert reply.id == "chatcmpl-abc123"
    assert reply.usage_metadata["input_tokens"] == 12


@pytest.mark.parametrize("mode", MODES)
def test_a_chat_completion_is_still_refused(mode: str) -> None:
    data = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [], "usage": {}}
    with serving(answer(json_reply(data))) as srv, pytest.raises(errors.InvalidResponseError):
        call(_llm(srv.base_url), mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_message_with_another_role_is_still_refused(mode: str) -> None:
    data = {**OMITTED, "role": "user"}
    with serving(answer(json_reply(data))) as srv, pytest.raises(errors.InvalidResponseError):
        call(_llm(srv.base_url), mode)
