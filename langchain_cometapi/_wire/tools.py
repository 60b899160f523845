"""Tools and tool_choice in the Messages API's shape, and JSON schemas for structured output."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

ToolLike = Mapping[str, Any] | type | Callable[..., Any] | BaseTool

_VERSIONED = re.compile(r"_\d{8}$")
# BaseTool.extras keys that are Anthropic tool-definition fields (what ChatAnthropic copies over;
# AnthropicPromptCachingMiddleware marks the last tool through extras["cache_control"]).
_TOOL_EXTRAS = (
    "cache_control",
    "defer_loading",
    "input_examples",
    "allowed_callers",
    "eager_input_streaming",
)


#: Anthropic tool types without a date suffix (``mcp_toolset`` names an ``mcp_servers`` entry).
_UNVERSIONED_SERVER_TOOLS = frozenset({"mcp_toolset"})


def _openai_function(tool: Any, strict: bool | None) -> dict[str, Any]:
    try:
        fn: dict[str, Any] = convert_to_openai_tool(tool, strict=strict)["function"]
    except Exception as exc:  # langchain-core raises several types for unusable tools
        raise ValueError(f"cannot use {tool!r} as a tool: {exc}") from exc
    return fn


def is_server_tool(tool: Mapping[str, Any]) -> bool:
    """Anthropic server/built-in tools (web_search_20250305, code_execution_..., mcp_toolset)
    pass unchanged."""
    kind = tool.get("type")
    if kind in _UNVERSIONED_SERVER_TOOLS:
        return True
    return isinstance(kind, str) and kind != "custom" and bool(_VERSIONED.search(kind))


def convert_tool(tool: ToolLike, *, strict: bool | None = None) -> dict[str, Any]:
    """Any LangChain tool shape -> an Anthropic tool definition (Anthropic dicts kept as given)."""
    extras = tool.extras if isinstance(tool, BaseTool) and isinstance(tool.extras, dict) else {}
    if isinstance(extras.get("provider_tool_definition"), Mapping):
        return dict(extras["provider_tool_definition"])  # a server tool wrapped as a BaseTool
    if isinstance(tool, Mapping) and (is_server_tool(tool) or "input_schema" in tool):
        out = dict(tool)
        if strict is not None and "input_schema" in out:
            out["strict"] = strict
        return out
    if _is_json_schema(tool) and "properties" not in tool and isinstance(tool.get("title"), str):
        # a titled JSON schema without properties (a map): langchain-core keeps only its name
        rest = {k: v for k, v in tool.items() if k not in ("title", "description")}
        fn = {"name": tool["title"], "description": tool.get("description"), "parameters": rest}
    else:
        fn = _openai_function(tool, strict)
    schema = dict(fn.get("parameters") or {"type": "object", "properties": {}})
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    out = {"name": fn["name"], "input_schema": schema}
    if fn.get("description"):
        out["description"] = fn["description"]
    if strict is not None:
        out["strict"] = strict
    if isinstance(tool, Mapping) and "cache_control" in tool:
        out["cache_control"] = tool["cache_control"]
    out.update({k: extras[k] for k in _TOOL_EXTRAS if k in extras})
    return out


# Tool types (and features) the API serves only behind an anthropic-beta header; added for
# the user, as ChatAnthropic does, so binding such a tool works without knowing the header.
_TOOL_BETAS = {
    "web_fetch_20250910": "web-fetch-2025-09-10",
    "code_execution_20250522": "code-execution-2025-05-22",
    "mcp_toolset": "mcp-client-2025-11-20",
    "memory_20250818": "context-management-2025-06-27",
    "computer_20250124": "computer-use-2025-01-24",
    "computer_20251124": "computer-use-2025-11-24",
    "tool_search_tool_regex_20251119": "advanced-tool-use-2025-11-20",
    "tool_search_tool_bm25_20251119": "advanced-tool-use-2025-11-20",
    "advisor_20260301": "advisor-tool-2026-03-01",
}
# Body features behind a beta header (the list ChatAnthropic keeps, checked against its
# _get_request_payload): the task budget, the "updates" thinking display and user profiles.
TASK_BUDGET_BETA = "task-budgets-2026-03-13"
THINKING_UPDATES_BETA = "thinking-display-updates-2026-08-18"
USER_PROFILES_BETA = "user-profiles-2026-03-24"
FILES_BETA = "files-api-2025-04-14"
MCP_BETA = "mcp-client-2025-11-20"
# Context editing (clear_tool_uses_*, clear_thinking_*) and compaction (compact_*) edits.
CONTEXT_MANAGEMENT_BETA = "context-management-2025-06-27"
COMPACT_BETA = "compact-2026-01-12"


def _context_betas(context: Any) -> list[str]:
    """The betas ``context_management`` needs: context editing's for ``clear_*`` edits,
    compaction's for ``compact_*``; the field alone (no edit of either kind) is known only
    under context editing's, so it gets that one."""
    if context is None:
        return []
    edits = context.get("edits") if isinstance(context, Mapping) else None
    kinds = [str(e.get("type", "")) for e in edits or () if isinstance(e, Mapping)]
    needed = [CONTEXT_MANAGEMENT_BETA] if any(k.startswith("clear_") for k in kinds) else []
    if any(k.startswith("compact") for k in kinds):
        needed.append(COMPACT_BETA)
    return needed or [CONTEXT_MANAGEMENT_BETA]


def _feature_betas(body: Mapping[str, Any]) -> list[str]:
    needed: list[str] = []
    if body.get("mcp_servers"):
        needed.append(MCP_BETA)
    config = body.get("output_config")
    if isinstance(config, Mapping) and config.get("task_budget"):
        needed.append(TASK_BUDGET_BETA)
    thinking = body.get("thinking")
    if isinstance(thinking, Mapping) and thinking.get("display") == "updates":
        needed.append(THINKING_UPDATES_BETA)
    if body.get("user_profile_id"):
        needed.append(USER_PROFILES_BETA)
    needed.extend(_context_betas(body.get("context_management")))
    if _uses_file_ids(body.get("messages")):
        needed.append(FILES_BETA)
    return needed


def _uses_file_ids(turns: Any) -> bool:
    """An image or document given by Files API ``file_id`` (also inside a tool_result): the API
    knows the ``file`` source only under the Files API beta."""
    for turn in turns if isinstance(turns, Sequence) else ():
        content = turn.get("content") if isinstance(turn, Mapping) else None
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, Mapping):
                continue
            nested = block.get("content") if block.get("type") == "tool_result" else None
            for item in [block, *(nested if isinstance(nested, list) else ())]:
                source = item.get("source") if isinstance(item, Mapping) else None
                if isinstance(source, Mapping) and source.get("type") == "file":
                    return True
    return False


def required_betas(body: Mapping[str, Any]) -> list[str]:
    """Beta headers the body needs: tool types, ``input_examples``, ``mcp_servers``,
    ``output_config.task_budget``, thinking ``display="updates"``, ``user_profile_id``,
    ``context_management`` edits (context editing, compaction) and Files API ``file_id``
    sources."""
    needed: list[str] = []
    for tool in body.get("tools") or ():
        if not isinstance(tool, Mapping):
            continue
        if str(tool.get("type")) in _TOOL_BETAS:
            needed.append(_TOOL_BETAS[str(tool.get("type"))])
        if tool.get("input_examples"):
            needed.append("advanced-tool-use-2025-11-20")
    needed.extend(_feature_betas(body))
    return list(dict.fromkeys(needed))


def tool_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(t["name"]) for t in tools if "name" in t]


def convert_tool_choice(
    choice: Any, tools: Sequence[Mapping[str, Any]], parallel_tool_calls: bool | None
) -> dict[str, Any] | None:
    """LangChain's tool_choice vocabulary -> the API's tool_choice object."""
    names = tool_names(tools)
    result: dict[str, Any] | None
    if choice is None:
        result = None
    elif isinstance(choice, Mapping) and choice.get("type") == "function":
        # OpenAI's {"type": "function", "function": {"name": ...}} (or Responses' flat name)
        function = choice.get("function")
        name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
        result = {"type": "tool", "name": name}
    elif isinstance(choice, Mapping):
        result = dict(choice)
        if result.get("type") not in ("auto", "any", "tool", "none"):
            raise ValueError(f"unknown tool_choice type {result.get('type')!r}.")
    elif choice is True or choice in ("any", "required"):
        result = {"type": "any"}
    elif choice == "auto":
        result = {"type": "auto"}
    elif choice == "none" or choice is False:
        result = {"type": "none"}
    elif isinstance(choice, str):
        if choice not in names:
            raise ValueError(
                f"tool_choice {choice!r} is not one of the bound tools {names}; use "
                "'auto', 'any', 'none' or a bound tool's name."
            )
        result = {"type": "tool", "name": choice}
    else:
        raise ValueError(f"unsupported tool_choice {choice!r}.")
    if result is not None and result.get("type") == "tool" and result.get("name") not in names:
        raise ValueError(f"tool_choice names {result.get('name')!r}, not a bound tool {names}.")
    if parallel_tool_calls is False:
        result = dict(result or {"type": "auto"})
        if result["type"] != "none":
            result["disable_parallel_tool_use"] = True
    return result


def safe_tool_name(name: str) -> str:
    """``name`` as the API takes a tool name (``^[a-zA-Z0-9_-]{1,128}$``). Only for a tool this
    package names itself, as with_structured_output does from a JSON schema's free-text
    ``title`` ("Person Info"); a user's own tool keeps its name, or is refused by name."""
    safe = re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:128]
    return safe if safe.strip("_") else "output"


#: Keys that make a dict a JSON schema rather than a tool or function definition (a tool has
#: ``input_schema``, an OpenAI function ``parameters``, an OpenAI tool ``function``).
_SCHEMA_KEYS = ("properties", "type", "anyOf", "oneOf", "allOf", "$ref", "additionalProperties")


def _is_json_schema(schema: Any) -> TypeGuard[Mapping[str, Any]]:
    """A JSON-schema dict, with or without ``properties`` (a map, an array, a union): read as
    a function definition instead, langchain-core keeps only its name, and the schema, sent
    as an empty object, would ask the model for ``{}``."""
    if not isinstance(schema, Mapping):
        return False
    if any(key in schema for key in ("input_schema", "parameters", "function")):
        return False
    return any(key in schema for key in _SCHEMA_KEYS)


def schema_of(schema: Any) -> tuple[str, dict[str, Any]]:
    """(name, JSON schema) for a pydantic model, TypedDict, function or JSON-schema dict."""
    if _is_json_schema(schema):
        name = str(schema.get("title") or "output")
        body = {k: v for k, v in schema.items() if k not in ("title", "description")}
        return name, body
    tool = convert_tool(schema)
    return str(tool["name"]), dict(tool["input_schema"])


def schema_description(schema: Any) -> str | None:
    """What the schema's author wrote for the model: a JSON schema's ``description``, else the
    one its tool form carries (a pydantic or TypedDict docstring, an OpenAI function's, nested
    under ``function`` too). with_structured_output sends it, as ``bind_tools`` does."""
    if _is_json_schema(schema):
        return str(schema.get("description") or "") or None
    return str(convert_tool(schema).get("description") or "") or None
