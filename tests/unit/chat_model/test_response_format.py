"""``response_format`` (create_agent's ProviderStrategy) becomes ``output_config.format``.

create_agent picks ProviderStrategy for Claude 4.5+ when given a bare schema, and binds an
OpenAI-style ``response_format``; sent as a body field the API answers 400.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


class Answer(BaseModel):
    """The final answer."""

    city: str
    score: int = Field(ge=0)


@tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"sunny in {city}"


@pytest.mark.parametrize("response_format", [Answer, ProviderStrategy(Answer)])
def test_create_agent_structured_response(response_format: Any) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-5", effort="low")
    emu.script(
        Reply.tool_use("get_weather", {"city": "Paris"}),
        Reply.text('{"city": "Paris", "score": 7}'),
    )
    agent = create_agent(llm, [get_weather], response_format=response_format)
    result = agent.invoke({"messages": [("user", "rate the weather in Paris")]})
    assert result["structured_response"] == Answer(city="Paris", score=7)
    body = emu.last_request["body"]
    assert "response_format" not in body
    fmt = body["output_config"]["format"]
    assert body["output_config"]["effort"] == "low"  # merged, not replaced
    assert fmt["type"] == "json_schema"
    assert fmt["schema"]["additionalProperties"] is False
    assert set(fmt["schema"]["properties"]) == {"city", "score"}
    assert "minimum" not in fmt["schema"]["properties"]["score"]  # moved into the description


@pytest.mark.parametrize(
    "value",
    [
        {"type": "json_schema", "json_schema": {"name": "A", "schema": Answer.model_json_schema()}},
        {"type": "json_schema", "schema": Answer.model_json_schema()},
        Answer,
    ],
)
def test_response_format_shapes_on_invoke(value: Any) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text('{"city": "Rome", "score": 1}'))
    llm.invoke("rate Rome", response_format=value)
    fmt = emu.last_request["body"]["output_config"]["format"]
    assert fmt["type"] == "json_schema"
    assert fmt["schema"]["required"] == ["city", "score"]


def test_response_format_without_schema_is_refused() -> None:
    llm, _ = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="no JSON schema"):
        llm.invoke("x", response_format={"type": "json_schema"})
