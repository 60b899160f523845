"""with_structured_output: both methods, every schema kind, include_raw, strict, thinking."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_cometapi._wire.structured import output_schema
from langchain_cometapi.testing import Reply
from tests.helpers.chat_model import emulated


class Person(BaseModel):
    """A person."""

    name: str = Field(description="full name")
    age: int = Field(ge=0, le=150)


class PersonDict(TypedDict):
    """A person."""

    name: str
    age: int


PERSON_SCHEMA: dict[str, Any] = {
    "title": "person",
    "description": "A person.",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


@pytest.mark.parametrize("schema", [Person, PersonDict, PERSON_SCHEMA])
@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_structured_output_every_schema_kind(schema: Any, method: str) -> None:
    llm, emu = emulated()
    result = llm.with_structured_output(schema, method=method).invoke("Ann, 31")  # type: ignore[arg-type]
    body = emu.last_request["body"]
    if method == "json_schema":
        fmt = body["output_config"]["format"]
        assert fmt["type"] == "json_schema"
        assert fmt["schema"]["additionalProperties"] is False
        assert "tools" not in body
    else:
        assert body["tool_choice"]["type"] == "tool"
        assert body["tools"][0]["name"] == body["tool_choice"]["name"]
    if schema is Person:
        assert isinstance(result, Person)
    else:
        assert isinstance(result, dict) and set(result) == {"name", "age"}


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_streamed_structured_output_ends_with_the_full_object(method: str) -> None:
    llm, _ = emulated()
    chunks = list(llm.with_structured_output(Person, method=method).stream("Ann"))  # type: ignore[arg-type]
    assert chunks and isinstance(chunks[-1], Person)


def test_include_raw_reports_parsing_errors_instead_of_raising() -> None:
    llm, emu = emulated()
    emu.script(Reply.text('{"name": "Ann"}'))  # misses the required age
    out = llm.with_structured_output(Person, method="json_schema", include_raw=True).invoke("x")
    assert out["parsed"] is None  # type: ignore[index]
    assert out["parsing_error"] is not None  # type: ignore[index]
    assert out["raw"].content == '{"name": "Ann"}'  # type: ignore[index]
    emu.script(Reply.text('{"name": "Ann"}'))
    with pytest.raises(Exception, match="age"):
        llm.with_structured_output(Person, method="json_schema").invoke("x")


def test_structured_schema_moves_unsupported_limits_into_descriptions() -> None:
    schema = output_schema(Person.model_json_schema())
    age = schema["properties"]["age"]
    assert "minimum" not in age and "maximum" not in age
    assert "minimum: 0" in age["description"] and "maximum: 150" in age["description"]
    assert schema["additionalProperties"] is False


def test_strict_function_calling_sends_strict_tool() -> None:
    llm, emu = emulated()
    llm.with_structured_output(Person, strict=True).invoke("Ann, 31")
    tool = emu.last_request["body"]["tools"][0]
    assert tool["strict"] is True
    assert tool["input_schema"]["additionalProperties"] is False


def test_thinking_falls_back_to_auto_tool_choice_with_a_warning() -> None:
    llm, emu = emulated(thinking={"type": "enabled", "budget_tokens": 2048})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        structured = llm.with_structured_output(Person)
    assert any("thinking" in str(w.message) for w in caught)
    result = structured.invoke("Ann, 31")
    assert isinstance(result, Person)
    assert emu.last_request["body"].get("tool_choice") is None


def test_json_mode_is_json_schema() -> None:
    llm, emu = emulated()
    llm.with_structured_output(Person, method="json_mode").invoke("x")
    assert emu.last_request["body"]["output_config"]["format"]["type"] == "json_schema"


def test_unknown_method_rejected() -> None:
    llm, _ = emulated()
    with pytest.raises(ValueError, match="method"):
        llm.with_structured_output(Person, method="xml")  # type: ignore[arg-type]


class Bounds(BaseModel):
    """Fields named like JSON-schema keywords, as real schemas name them."""

    minimum: float = Field(description="lower bound", ge=0)
    maximum: float
    description: str
    type: str
    properties: list[str]
    items: list[int]
    additionalProperties: bool


def _sent_schema(body: dict[str, Any]) -> dict[str, Any]:
    if "output_config" in body:
        schema: dict[str, Any] = body["output_config"]["format"]["schema"]
        return schema
    tool: dict[str, Any] = body["tools"][0]["input_schema"]
    return tool


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize(
    ("method", "strict"), [("json_schema", None), ("function_calling", True)], ids=["json", "tool"]
)
async def test_fields_named_like_schema_keywords_are_kept(
    mode: str, method: str, strict: bool | None
) -> None:
    llm, emu = emulated()
    structured = llm.with_structured_output(Bounds, method=method, strict=strict)  # type: ignore[arg-type]
    result = structured.invoke("1 to 5") if mode == "invoke" else await structured.ainvoke("1 to 5")
    assert isinstance(result, Bounds)
    sent = _sent_schema(emu.last_request["body"])
    assert list(sent["properties"]) == list(Bounds.model_fields)
    assert all(isinstance(s, dict) and "type" in s for s in sent["properties"].values())
    minimum = sent["properties"]["minimum"]
    assert minimum["description"] == "lower bound (minimum: 0)" and "minimum" not in minimum
    assert sent["required"] == list(Bounds.model_fields)
    assert sent["additionalProperties"] is False


def test_schema_keywords_in_data_are_data() -> None:
    """``default`` / ``enum`` / ``const`` values are data, never rewritten as schemas."""
    schema = {
        "type": "object",
        "properties": {"limits": {"type": "object", "default": {"minimum": 1, "type": "object"},
                                  "properties": {"minimum": {"type": "integer"}}},
                       "kind": {"enum": [{"maxLength": 3}], "const": {"maxLength": 3}}},
    }  # fmt: skip
    limits = output_schema(schema)["properties"]["limits"]
    assert limits["default"] == {"minimum": 1, "type": "object"}
    assert limits["properties"] == {"minimum": {"type": "integer"}}
    kind = output_schema(schema)["properties"]["kind"]
    assert kind == {"enum": [{"maxLength": 3}], "const": {"maxLength": 3}}


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize(
    ("title", "tool_name"),
    [("Person Info", "Person_Info"), ("person.v2", "person_v2"), ("人物", "output")],
)
async def test_a_json_schema_title_any_text_names_a_valid_tool(
    mode: str, title: str, tool_name: str
) -> None:
    """The forced tool is this package's own, named from the schema's free-text title: it is
    given a name the API takes rather than refused (ChatAnthropic sends it: a 400)."""
    llm, emu = emulated()
    structured = llm.with_structured_output({**PERSON_SCHEMA, "title": title})
    result = structured.invoke("Ann, 31") if mode == "invoke" else await structured.ainvoke("x")
    assert isinstance(result, dict) and set(result) == {"name", "age"}
    body = emu.last_request["body"]
    assert body["tools"][0]["name"] == body["tool_choice"]["name"] == tool_name


MAP_SCHEMA = {"title": "tags", "description": "Tag -> meaning.", "type": "object",
              "additionalProperties": {"type": "string"}}  # fmt: skip
LIST_SCHEMA = {"title": "names", "description": "Names.", "type": "array",
               "items": {"type": "string"}}  # fmt: skip


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_a_json_schema_without_properties_reaches_the_tool_whole(mode: str) -> None:
    """A map-shaped schema (no ``properties``): it was read as a function definition, sent as
    an empty object, and the reply was always ``{}``."""
    llm, emu = emulated()
    structured = llm.with_structured_output(MAP_SCHEMA, method="function_calling")
    await structured.ainvoke("x") if mode == "ainvoke" else structured.invoke("x")
    tool = emu.last_request["body"]["tools"][0]
    assert tool["input_schema"] == {"type": "object", "additionalProperties": {"type": "string"}}
    assert (tool["name"], tool["description"]) == ("tags", "Tag -> meaning.")


def test_an_array_schema_reaches_structured_outputs_whole() -> None:
    llm, emu = emulated()
    result = llm.with_structured_output(LIST_SCHEMA, method="json_schema").invoke("x")
    assert isinstance(result, list)
    schema = emu.last_request["body"]["output_config"]["format"]["schema"]
    assert (schema["type"], schema["items"]) == ("array", {"type": "string"})


@pytest.mark.parametrize(
    "schema",
    [LIST_SCHEMA, {"title": "u", "anyOf": [{"type": "string"}, {"type": "integer"}]}],
    ids=["array", "union"],
)
def test_a_tool_input_that_is_no_object_is_refused_before_sending(schema: Any) -> None:
    llm, emu = emulated()
    with pytest.raises(ValueError, match="must be a JSON object"):
        llm.with_structured_output(schema, method="function_calling").invoke("x")
    assert emu.requests == []
