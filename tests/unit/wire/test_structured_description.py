"""``method="json_schema"`` (and create_agent's ProviderStrategy ``response_format``) keep the
schema's top-level description (instructions written in a pydantic docstring reach the model)
and its title."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_model import emulated

INSTRUCTIONS = "Rate the review from 1 (awful) to 5 (great); never guess."


class Rating(BaseModel):
    """Rate the review from 1 (awful) to 5 (great); never guess."""

    stars: int


class RatingDict(TypedDict):
    """Rate the review from 1 (awful) to 5 (great); never guess."""

    stars: int


SCHEMA = {
    "title": "Rating",
    "description": INSTRUCTIONS,
    "type": "object",
    "properties": {"stars": {"type": "integer"}},
    "required": ["stars"],
}


@pytest.mark.parametrize("schema", [Rating, RatingDict, SCHEMA])
def test_json_schema_keeps_the_description(schema: Any) -> None:
    llm, emu = emulated()  # answers output_config.format with schema-valid JSON
    llm.with_structured_output(schema, method="json_schema").invoke("Great food!")
    sent = emu.last_request["body"]["output_config"]["format"]["schema"]
    assert sent["description"] == INSTRUCTIONS
    # the schema's name, as ChatAnthropic sends it (recorded real traffic carries it: accepted)
    assert sent["title"] == (schema["title"] if isinstance(schema, dict) else schema.__name__)


async def test_provider_strategy_response_format_keeps_the_description() -> None:
    llm, emu = emulated(MessagesEmulator())
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "Rating", "schema": Rating.model_json_schema(), "strict": True},
    }
    await llm.ainvoke("Great food!", response_format=response_format)
    sent = emu.last_request["body"]["output_config"]["format"]["schema"]
    assert sent["description"] == INSTRUCTIONS


OPENAI_TOOL = {
    "type": "function",
    "function": {
        "name": "Rating",
        "description": INSTRUCTIONS,
        "parameters": {"type": "object", "properties": {"stars": {"type": "integer"}}},
    },
}
OPENAI_FUNCTION = OPENAI_TOOL["function"]


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize(
    "schema",
    [Rating, RatingDict, SCHEMA, OPENAI_TOOL, OPENAI_FUNCTION],
    ids=["pydantic", "typeddict", "json_schema", "openai_tool", "openai_function"],
)
async def test_function_calling_keeps_the_description(schema: Any, mode: str) -> None:
    """The forced tool carries the description a docstring or an OpenAI function wrote, as
    ``bind_tools`` of the same schema does (and ChatAnthropic's ``with_structured_output``)."""
    llm, emu = emulated()  # answers a forced tool with schema-valid input
    structured = llm.with_structured_output(schema, method="function_calling")
    if mode == "invoke":
        structured.invoke("Great food!")
    else:
        await structured.ainvoke("Great food!")
    (tool,) = emu.last_request["body"]["tools"]
    assert tool["description"] == INSTRUCTIONS


@pytest.mark.parametrize("schema", [OPENAI_TOOL, OPENAI_FUNCTION], ids=["tool", "function"])
def test_json_schema_of_an_openai_function_keeps_its_description(schema: Any) -> None:
    llm, emu = emulated()
    llm.with_structured_output(schema, method="json_schema").invoke("Great food!")
    sent = emu.last_request["body"]["output_config"]["format"]["schema"]
    assert sent["description"] == INSTRUCTIONS
