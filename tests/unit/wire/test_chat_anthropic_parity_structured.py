"""Structured output: the same reply parses to the same value in both models.

langchain-anthropic's output-parser tests pin how a forced tool call becomes the pydantic
object, dict or TypedDict asked for, how bad arguments fail, and what ``include_raw`` returns;
``method="json_schema"`` parses the text. The one deviation (a text reply to a forced tool:
ChatAnthropic returns None, we raise) is in test_chat_anthropic_deviations.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from tests.helpers.chat_anthropic import structured

pytest.importorskip("langchain_anthropic")


class Person(BaseModel):
    """A person."""

    name: str
    age: int


class PersonDict(TypedDict):
    """A person."""

    name: str
    age: int


SCHEMA = {**Person.model_json_schema(), "title": "Person"}


def _reply(block: dict[str, Any], stop: str = "tool_use") -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [block],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }


def _called(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return _reply({"type": "tool_use", "id": "toolu_1", "name": name, "input": args})


def _said(text: str) -> dict[str, Any]:
    return _reply({"type": "text", "text": text}, "end_turn")


AL = {"name": "Al", "age": 3}
CASES: dict[str, tuple[dict[str, Any], Any, dict[str, Any]]] = {
    "pydantic": (_called("Person", AL), Person, {}),
    "TypedDict": (_called("PersonDict", AL), PersonDict, {}),
    "JSON schema": (_called("Person", AL), SCHEMA, {}),
    "include_raw": (_called("Person", AL), Person, {"include_raw": True}),
    "invalid arguments": (_called("Person", {"name": "Al"}), Person, {}),
    "invalid arguments, include_raw": (_called("Person", {"name": "Al"}), Person,
                                       {"include_raw": True}),
    "json_schema, pydantic": (_said('{"name": "Al", "age": 3}'), Person,
                              {"method": "json_schema"}),
    "json_schema, dict": (_said('{"name": "Al", "age": 3}'), SCHEMA, {"method": "json_schema"}),
    "json_schema, cut JSON": (_said('{"name": "Al"'), Person, {"method": "json_schema"}),
    "json_schema, cut JSON, include_raw": (_said('{"name": "Al"'), Person,
                                           {"method": "json_schema", "include_raw": True}),
}  # fmt: skip


@pytest.mark.parametrize(("data", "schema", "kwargs"), CASES.values(), ids=list(CASES))
def test_reply_parses_to_the_same_value(data: Any, schema: Any, kwargs: dict[str, Any]) -> None:
    ours = structured("ours", data, schema, {}, **kwargs)
    assert ours == structured("theirs", data, schema, {}, **kwargs)


def test_text_reply_with_thinking_fails_the_same_way() -> None:
    settings = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    data = _said("I would rather not.")
    assert structured("ours", data, Person, settings) == "OutputParserException"
    assert structured("theirs", data, Person, settings) == "OutputParserException"
