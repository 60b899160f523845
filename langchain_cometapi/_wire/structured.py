"""with_structured_output: a forced tool call, or output_config.format (Claude's JSON outputs).

Both ways validate against the schema on our side too (pydantic or JSON parsing), so a reply
that does not fit raises an OutputParserException (or lands in ``parsing_error`` with
include_raw=True) instead of passing silently.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import (
    Runnable,
    RunnableGenerator,
    RunnableMap,
    RunnablePassthrough,
)
from pydantic import BaseModel
from pydantic.v1 import BaseModel as BaseModelV1

from . import tools as _tools

Method = Literal["function_calling", "json_schema", "json_mode"]

# JSON-schema keywords Claude's structured outputs do not enforce; the API rejects some of them,
# so they move into the description, where the model still reads them.
_UNSUPPORTED = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)


def is_pydantic(schema: Any) -> bool:
    return isinstance(schema, type) and issubclass(schema, (BaseModel, BaseModelV1))


#: Keywords whose value is a map of names to subschemas (``properties``: field name -> schema),
#: one subschema, or a list of them; every other keyword's value is data (``required``,
#: ``enum``, ``default``...), never a schema. A field may be named ``minimum`` or
#: ``description``: only this tells the field from the keyword.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SCHEMA_VALUES = frozenset(
    {
        "items", "additionalProperties", "not", "if", "then", "else", "contains",
        "propertyNames", "additionalItems", "unevaluatedItems", "unevaluatedProperties",
        "anyOf", "oneOf", "allOf", "prefixItems",
    }
)  # fmt: skip


def output_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema as structured outputs take it: closed objects, unsupported limits described."""
    result = _output_node(schema)
    assert isinstance(result, dict)
    return result


def _output_node(node: Any) -> Any:
    """One schema (a dict; a boolean schema is kept), its subschemas rewritten the same way."""
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _UNSUPPORTED:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            out[key] = {name: _output_node(sub) for name, sub in value.items()}
        elif key in _SCHEMA_VALUES and isinstance(value, list):
            out[key] = [_output_node(v) for v in value]
        elif key in _SCHEMA_VALUES:
            out[key] = _output_node(value)
        else:
            out[key] = value
    notes = [f"{k}: {node[k]}" for k in _UNSUPPORTED if k in node]
    if isinstance(node.get("minItems"), int) and node["minItems"] > 1:
        notes.append(f"minItems: {node['minItems']}")
        out.pop("minItems")
    if notes:
        described = str(out.get("description") or "").strip()
        out["description"] = (described + " " if described else "") + f"({', '.join(notes)})"
    if out.get("type") == "object" or "properties" in out:
        out["additionalProperties"] = False
    return out


def output_format(response_format: Any) -> dict[str, Any]:
    """A ``response_format`` call option -> ``output_config.format``.

    ``create_agent``'s ProviderStrategy (its default for Claude 4.5+) binds an OpenAI-style
    ``{"type": "json_schema", "json_schema": {"schema": ...}}``; an Anthropic-style format, a
    bare JSON schema, a pydantic model or a TypedDict are taken too.
    """
    value = response_format
    if isinstance(value, Mapping) and value.get("type") == "json_schema":
        inner = value.get("json_schema")
        value = inner.get("schema") if isinstance(inner, Mapping) else value.get("schema")
    if value is None:
        raise ValueError(f"response_format has no JSON schema: {response_format!r}")
    return {"type": "json_schema", "schema": output_schema(described_schema(value))}


def described_schema(schema: Any) -> dict[str, Any]:
    """The JSON schema for ``output_config.format``, with the top-level ``description`` and
    ``title`` kept, as ChatAnthropic sends them: the description carries the instructions a
    pydantic docstring or a schema author wrote for the model, the title names what it fills."""
    name, json_schema = _tools.schema_of(schema)
    description = _tools.schema_description(schema)
    title = schema.get("title") if isinstance(schema, Mapping) else name
    if title and "title" not in json_schema:
        json_schema = {"title": title, **json_schema}
    if description and "description" not in json_schema:
        json_schema = {"description": description, **json_schema}
    return json_schema


@dataclass(frozen=True)
class StructuredSpec:
    """What ``with_structured_output`` binds and how it parses; the chat model does the binding.

    ``tool`` set: bind it with ``tool_choice=forced`` (function calling); otherwise bind
    ``bind_kwargs`` alone (``output_config.format``). ``bind_kwargs`` always carries the
    tracing hint ``ls_structured_output_format``.
    """

    tool: dict[str, Any] | None
    forced: str | None
    bind_kwargs: dict[str, Any]
    parser: Runnable[Any, Any]


def structured_spec(
    schema: Mapping[str, Any] | type,
    *,
    method: Method = "function_calling",
    strict: bool | None = None,
    forcing_blocked: bool = False,
) -> StructuredSpec:
    """The binding and parser for ``schema`` (``forcing_blocked``: thinking refuses forcing)."""
    if method == "json_mode":
        method = "json_schema"  # Claude has no schema-less JSON mode; the schema is required
    trace = {"kwargs": {"method": method}, "schema": schema}
    if method == "json_schema":
        return _json_schema_spec(schema, trace)
    if method == "function_calling":
        return _tool_spec(schema, trace, strict, forcing_blocked)
    raise ValueError(f"method must be 'function_calling' or 'json_schema', not {method!r}")


def _json_schema_spec(schema: Mapping[str, Any] | type, trace: dict[str, Any]) -> StructuredSpec:
    fmt = {"type": "json_schema", "schema": output_schema(described_schema(schema))}
    parser: Runnable[Any, Any] = (
        PydanticOutputParser(pydantic_object=schema)  # type: ignore[arg-type,type-var]
        if is_pydantic(schema)
        else JsonOutputParser()
    )
    kwargs = {"output_config": {"format": fmt}, "ls_structured_output_format": trace}
    return StructuredSpec(None, None, kwargs, parser)


def _tool_spec(
    schema: Mapping[str, Any] | type,
    trace: dict[str, Any],
    strict: bool | None,
    forcing_blocked: bool,
) -> StructuredSpec:
    name, json_schema = _tools.schema_of(schema)
    model_schema = is_pydantic(schema)
    if not model_schema:  # the tool is ours, named from the schema: its title may be any text
        name = _tools.safe_tool_name(name)
        json_schema = _object_input(json_schema)
    tool: dict[str, Any] = (
        _tools.convert_tool(schema)  # type: ignore[arg-type]
        if model_schema
        else {"name": name, "input_schema": json_schema}
    )
    description = _tools.schema_description(schema)
    if description and not model_schema:  # a model's tool already has its docstring
        tool["description"] = description
    if strict:
        tool["input_schema"] = output_schema(tool["input_schema"])
    if strict is not None:
        tool["strict"] = strict
    forced: str | None = name
    if forcing_blocked:
        warnings.warn(
            "thinking is enabled (budget_tokens), so structured output cannot force the tool "
            "call (the API rejects it); using tool_choice='auto'. method='json_schema' or "
            "adaptive thinking avoids this.",
            stacklevel=4,
        )
        forced = None
    parser: Runnable[Any, Any] = (
        PydanticToolsParser(tools=[schema], first_tool_only=True)  # type: ignore[list-item]
        if model_schema
        else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
    )
    checked = _requiring_tool_call(name) | parser
    return StructuredSpec(tool, forced, {"ls_structured_output_format": trace}, checked)


def _object_input(schema: dict[str, Any]) -> dict[str, Any]:
    """A tool's ``input_schema`` is a JSON object (the API answers 400 otherwise): a schema
    with ``properties`` and no ``type`` is one; an array or a bare union is not, and is a
    ValueError naming the way that takes it."""
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind != "object":
        raise ValueError(
            f"with_structured_output(method='function_calling') sends the schema as a tool's "
            f"input, which must be a JSON object; this schema's root is {kind or 'a union'!r}. "
            "Wrap it in an object (a property holding it) or use method='json_schema'."
        )
    return {"type": "object", **schema}


def _requiring_tool_call(name: str) -> Runnable[Any, Any]:
    """A reply without a call of the schema's tool is an OutputParserException, not ``None``:
    with thinking the call cannot be forced, and Claude may answer in text instead.

    A generator, not a lambda: a lambda receives the whole reply, so ``stream()`` of a dict
    schema yielded one object at the end; this passes each chunk on as it comes (the parser
    after it yields the growing object) and checks the reply once it is complete."""

    def check(reply: Any) -> None:
        calls = reply.tool_calls if isinstance(reply, AIMessage) else []
        if not any(call["name"] == name for call in calls):
            raise OutputParserException(
                f"the reply has no {name!r} tool call to parse (thinking is enabled, so the "
                "call could not be forced; Claude answered without it). Retry, adjust the "
                "prompt, or use method='json_schema'.",
                llm_output=reply.text if isinstance(reply, AIMessage) else str(reply),
            )

    def transform(chunks: Iterator[Any]) -> Iterator[Any]:
        reply = None
        for chunk in chunks:
            reply = chunk if reply is None else reply + chunk
            yield chunk
        check(reply)

    async def atransform(chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        reply = None
        async for chunk in chunks:
            reply = chunk if reply is None else reply + chunk
            yield chunk
        check(reply)

    return RunnableGenerator(transform, atransform, name="require_tool_call")


def with_parser(
    bound: Runnable[LanguageModelInput, Any], parser: Runnable[Any, Any], include_raw: bool
) -> Runnable[LanguageModelInput, Any]:
    """``bound | parser``; with ``include_raw``, ``{"raw", "parsed", "parsing_error"}``."""
    if not include_raw:
        return bound | parser
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    fallback = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=bound) | parsed.with_fallbacks(
        [fallback], exception_key="parsing_error"
    )
