"""A JSON Messages response -> AIMessage and ChatResult (``_wire.response``), field by field.

What callers read besides the text: the message id (LangChain keeps the provider's), the raw
usage in ``response_metadata`` and ``llm_output`` (callbacks and ``generate()`` read those), and
odd shapes a gateway may send (no usage, junk usage, blocks missing fields) parsed, not fatal.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from langchain_cometapi._wire.response import chat_result, message_from_response
from langchain_cometapi.errors import InvalidResponseError
from tests.helpers.responses import PATHS, Recorder, call, json_response, message, model_with


def test_the_message_carries_the_response_id_and_its_raw_usage() -> None:
    data = message(cache_read_input_tokens=7)
    out = message_from_response(data)
    assert out.id == "msg_1"
    assert out.response_metadata["usage"] == data["usage"]
    assert out.response_metadata["usage"] is not data["usage"]  # a copy: callers may edit it


def test_llm_output_has_the_id_model_and_raw_usage() -> None:
    data = message()
    result = chat_result(message_from_response(data))
    assert result.llm_output == {
        "id": "msg_1", "model_name": "claude-sonnet-4-6-20260101", "usage": data["usage"],
    }  # fmt: skip


class _Outputs(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[dict[str, Any] | None] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.seen.append(response.llm_output)


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
async def test_callbacks_get_the_id_with_the_message(path: str) -> None:
    llm = model_with(Recorder(json_response(message())))
    outputs = _Outputs()
    out = await call(llm.with_config(callbacks=[outputs]), path)
    assert out.id == "msg_1"
    assert [o and o.get("id") for o in outputs.seen] == ["msg_1"]


@pytest.mark.parametrize("usage", [None, "n/a", 42])
def test_a_response_with_missing_or_junk_usage_still_parses(usage: Any) -> None:
    data = {**message(), "usage": usage}
    out = message_from_response(data)
    assert out.content == "Hello!"
    assert out.response_metadata["usage"] == usage
    assert out.usage_metadata is None or out.usage_metadata["total_tokens"] == 0


def test_text_blocks_are_joined_as_they_are_and_a_missing_text_is_empty() -> None:
    out = message_from_response(message([
        {"type": "text", "text": "Hel"}, {"type": "text"}, {"type": "text", "text": "lo"},
    ]))  # fmt: skip
    assert out.content == "Hello"


def test_a_tool_use_missing_its_id_or_name_gets_empty_strings() -> None:
    out = message_from_response(message([{"type": "tool_use", "input": {"a": 1}}]))
    assert [(c["id"], c["name"], c["args"]) for c in out.tool_calls] == [("", "", {"a": 1})]


def test_a_wrongly_shaped_response_names_what_went_wrong() -> None:
    with pytest.raises(InvalidResponseError, match="malformed Messages response: AttributeError"):
        message_from_response([])  # type: ignore[arg-type]


@pytest.mark.parametrize("path", PATHS)
async def test_no_usage_is_no_error_on_any_path(path: str) -> None:
    data = {**message(), "usage": None}
    out = await call(model_with(Recorder(json_response(data))), path)
    assert out.content == "Hello!"


def test_response_metadata_has_chat_anthropics_keys_and_only_those_present() -> None:
    data = {**message(), "stop_sequence": "END", "container": {"id": "c1"},
            "context_management": {"applied_edits": []}}  # fmt: skip
    meta = message_from_response(data).response_metadata
    assert {k: v for k, v in meta.items() if k != "usage"} == {
        "id": "msg_1",
        "model": "claude-sonnet-4-6-20260101",
        "model_name": "claude-sonnet-4-6-20260101",
        "model_provider": "anthropic",
        "stop_reason": "end_turn",
        "stop_sequence": "END",
        "container": {"id": "c1"},
        "context_management": {"applied_edits": []},
    }
    bare = {k: v for k, v in message().items() if k not in ("stop_reason", "stop_sequence")}
    assert "stop_reason" not in message_from_response(bare).response_metadata
