"""Settings, call options and tools: ChatCometAPI sends what ChatAnthropic sends.

Constructor settings and call options langchain-anthropic's tests pin (sampling, stop, betas,
mcp_servers, container, effort and output_config merging, task_budget and other betas,
response_format, top-level cache_control); every tool shape its tests convert (pydantic
model, function, BaseTool, JSON schema, OpenAI dict, Anthropic dict, ``BaseTool.extras``), its
built-in tools with the beta each needs, ``tool_choice``, ``parallel_tool_calls`` and
``strict``; compared as whole request bodies (``tests.helpers.chat_anthropic``). Deviations:
test_chat_anthropic_deviations.py.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from tests.helpers.chat_anthropic import ours_body, theirs_body

pytest.importorskip("langchain_anthropic")


class GetWeather(BaseModel):
    """Get the current weather in a given location."""

    location: str = Field(..., description="The city and state")


def dummy_function(arg1: int, arg2: Literal["bar", "baz"]) -> None:
    """Dummy function.

    Args:
        arg1: foo
        arg2: one of 'bar', 'baz'
    """


@tool(
    extras={
        "defer_loading": True,
        "cache_control": {"type": "ephemeral"},
        "input_examples": [{"query": "python files"}],
        "eager_input_streaming": True,
    }
)
def search_code(query: str) -> str:
    """Search code."""
    return query


OPENAI = {
    "type": "function",
    "function": {
        "name": "dummy_function",
        "description": "Dummy.",
        "parameters": {"type": "object", "properties": {"arg1": {"type": "integer"}}},
    },
}
ANTHROPIC = {
    "name": "calc",
    "description": "c",
    "defer_loading": True,
    "input_schema": {"type": "object", "properties": {"e": {"type": "string"}}},
}
SCHEMA = {
    "title": "dummy_function",
    "description": "Dummy function.",
    "type": "object",
    "properties": {"arg1": {"description": "foo", "type": "integer"}},
    "required": ["arg1"],
}
TOOLS: dict[str, list[Any]] = {
    "pydantic model": [GetWeather],
    "function": [dummy_function],
    "OpenAI dict": [OPENAI],
    "Anthropic dict": [ANTHROPIC],
    "JSON schema": [SCHEMA],
    "BaseTool extras (and the input_examples beta)": [search_code],
    "web_search": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
    "web_fetch and its beta": [{"type": "web_fetch_20250910", "name": "web_fetch"}],
    "code_execution_20250522 and its beta": [
        {"type": "code_execution_20250522", "name": "code_execution"}
    ],
    "code_execution_20250825": [{"type": "code_execution_20250825", "name": "code_execution"}],
    "memory and its beta": [{"type": "memory_20250818", "name": "memory"}],
    "tool search with a deferred tool": [
        {"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"},
        ANTHROPIC,
    ],
    "tool search bm25": [
        {"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"}
    ],
    "bash": [{"type": "bash_20250124", "name": "bash"}],
    "text editor": [{"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}],
    "computer use and its beta": [
        {
            "type": "computer_20250124",
            "name": "computer",
            "display_width_px": 1024,
            "display_height_px": 768,
        }
    ],
    "mcp_toolset and its beta": [{"type": "mcp_toolset", "mcp_server_name": "deepwiki"}],
    "two tools, two betas": [
        {"type": "web_fetch_20250910", "name": "web_fetch"},
        {"type": "code_execution_20250522", "name": "code_execution"},
    ],
}
H = [HumanMessage("What's the weather in SF?")]
CC = {"type": "ephemeral"}


@pytest.mark.parametrize("tools", TOOLS.values(), ids=list(TOOLS))
def test_bound_tools_become_the_same_body(tools: list[Any]) -> None:
    bind = {"tools": tools}
    assert ours_body(H, bind=bind) == theirs_body(H, bind=bind)


@pytest.mark.parametrize(
    "choice", ["auto", "any", "GetWeather", {"type": "tool", "name": "GetWeather"}, {"type": "any"}]
)
def test_tool_choice_becomes_the_same_body(choice: Any) -> None:
    bind = {"tools": [GetWeather], "tool_choice": choice}
    assert ours_body(H, bind=bind) == theirs_body(H, bind=bind)


@pytest.mark.parametrize("choice", [None, "any"])
def test_parallel_tool_calls_off_becomes_the_same_body(choice: Any) -> None:
    bind = {"tools": [GetWeather], "tool_choice": choice, "parallel_tool_calls": False}
    assert ours_body(H, bind=bind) == theirs_body(H, bind=bind)


@pytest.mark.parametrize("strict", [True, False])
def test_strict_becomes_the_same_body(strict: bool) -> None:
    bind = {"tools": [dummy_function], "strict": strict}
    assert ours_body(H, bind=bind) == theirs_body(H, bind=bind)


def test_beta_named_by_the_model_and_a_tool_becomes_the_same_body() -> None:
    settings = {"betas": ["mcp-client-2025-04-04"]}
    bind = {"tools": [{"type": "web_fetch_20250910", "name": "web_fetch"}]}
    assert ours_body(H, settings, bind) == theirs_body(H, settings, bind)


def test_skills_container_with_code_execution_becomes_the_same_body() -> None:
    settings = {"container": {"skills": [{"type": "anthropic", "skill_id": "pptx"}]}}
    bind = {"tools": [{"type": "code_execution_20250825", "name": "code_execution"}]}
    assert ours_body(H, settings, bind) == theirs_body(H, settings, bind)


SETTINGS: dict[str, dict[str, Any]] = {
    "temperature, top_k, top_p": {"temperature": 0.5, "top_k": 3, "top_p": 0.9},
    "stop_sequences": {"stop_sequences": ["END"]},
    "betas": {"betas": ["context-1m-2025-08-07"]},
    "mcp_servers": {
        "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/mcp", "name": "ex"}]
    },
    "inference_geo": {"inference_geo": "us"},
    "container id": {"container": "cont_1"},
    "user_profile_id": {"user_profile_id": "up_1"},
    "effort": {"effort": "medium"},
    "reasoning_effort": {"reasoning_effort": "low"},
    "effort xhigh": {"effort": "xhigh"},
    "output_config effort": {"output_config": {"effort": "low"}},
    "effort wins over output_config": {"effort": "high", "output_config": {"effort": "low"}},
    "output_config future field": {"output_config": {"some_future_param": "value"}},
    "task_budget with its beta": {
        "output_config": {"task_budget": {"type": "tokens", "total": 128000}}
    },
    "task_budget beta not repeated": {
        "betas": ["task-budgets-2026-03-13"],
        "output_config": {"task_budget": {"type": "tokens", "total": 1}},
    },
    "thinking display updates with its beta": {
        "thinking": {"type": "adaptive", "display": "updates"}
    },
    "thinking budget": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
    "model_kwargs field": {"model_kwargs": {"metadata": {"user_id": "u-1"}}},
    "context_management with the beta named": {
        "betas": ["context-management-2025-06-27"],
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
    },
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=list(SETTINGS))
def test_constructor_settings_become_the_same_body(settings: dict[str, Any]) -> None:
    assert ours_body(H, settings) == theirs_body(H, settings)


PERSON = {
    "title": "Person",
    "description": "A person.",
    "type": "object",
    "properties": {"name": {"type": "string", "title": "Name"}},
    "required": ["name"],
}
CALLS: dict[str, dict[str, Any]] = {
    "stop": {"stop": ["END"]},
    "mcp_servers": {
        "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/mcp", "name": "ex"}]
    },
    "output_config": {
        "output_config": {"effort": "high", "task_budget": {"type": "tokens", "total": 5}}
    },
    "effort": {"effort": "low"},
    "top-level cache_control": {"cache_control": CC},
    "response_format JSON schema": {"response_format": PERSON},
    "response_format, OpenAI style": {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "Person", "schema": PERSON},
        }
    },
}


@pytest.mark.parametrize("kwargs", CALLS.values(), ids=list(CALLS))
def test_call_arguments_become_the_same_body(kwargs: dict[str, Any]) -> None:
    history = [*H, AIMessage("bar"), HumanMessage("baz")]
    assert ours_body(history, **kwargs) == theirs_body(history, **kwargs)


@pytest.mark.parametrize(
    "model", ["claude-opus-4-7", "claude-opus-4-8", "claude-sonnet-5", "claude-opus-4-6",
              "claude-mythos-5"]
)  # fmt: skip
@pytest.mark.parametrize(
    "settings",
    [{"effort": "high"}, {"reasoning_effort": "low"}, {"output_config": {"effort": "max"}},
     {"effort": "high", "thinking": {"type": "adaptive"}}],
    ids=["effort", "reasoning_effort", "output_config effort", "effort and thinking"],
)  # fmt: skip
def test_effort_on_each_model_becomes_the_same_body(model: str, settings: dict[str, Any]) -> None:
    """On Opus 4.7+ and the 5 series an effort without thinking turns adaptive thinking on."""
    settings = {"model": model, **settings}
    assert ours_body(H, settings) == theirs_body(H, settings)
    assert ours_body(H, settings, effort="medium") == theirs_body(H, settings, effort="medium")
