"""bind_tools / tool_choice / streamed tool calls / server tools, against the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_cometapi.testing import Reply
from tests.helpers.chat_model import call_text, emulated, stream_sum


@tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    return f"Sunny in {city}"


class Lookup(BaseModel):
    """Look a word up."""

    word: str = Field(description="the word")


class Search(TypedDict):
    """Search the docs."""

    query: str


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


OPENAI_TOOL = {
    "type": "function",
    "function": {
        "name": "translate",
        "description": "Translate text.",
        "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
}
ANTHROPIC_TOOL = {
    "name": "color_picker",
    "description": "Pick a colour.",
    "input_schema": {"type": "object", "properties": {"color": {"type": "string"}}},
    "cache_control": {"type": "ephemeral"},
}
SERVER_TOOLS = [
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
    {"type": "web_fetch_20250910", "name": "web_fetch"},
    {"type": "code_execution_20250825", "name": "code_execution"},
    {"type": "bash_20250124", "name": "bash"},
]


def test_every_tool_shape_reaches_the_wire_in_anthropic_form() -> None:
    llm, emu = emulated()
    tools: list[Any] = [get_weather, Lookup, Search, add, OPENAI_TOOL, ANTHROPIC_TOOL]
    tools += SERVER_TOOLS
    llm.bind_tools(tools, tool_choice="none").invoke("hi")
    sent = emu.last_request["body"]["tools"]
    by_name = {t["name"]: t for t in sent}
    assert by_name["get_weather"]["input_schema"]["properties"]["city"]["type"] == "string"
    assert by_name["get_weather"]["description"] == "Weather in a city."
    assert by_name["Lookup"]["input_schema"]["required"] == ["word"]
    assert by_name["Search"]["input_schema"]["properties"]["query"]["type"] == "string"
    assert set(by_name["add"]["input_schema"]["properties"]) == {"a", "b"}
    assert by_name["translate"] == {
        "name": "translate",
        "input_schema": OPENAI_TOOL["function"]["parameters"],  # type: ignore[index]
        "description": "Translate text.",
    }
    assert by_name["color_picker"] == ANTHROPIC_TOOL  # cache_control kept
    for server in SERVER_TOOLS:
        assert by_name[server["name"]] == server  # passed through unchanged
    assert all("type" not in t or t["type"] != "function" for t in sent)


@pytest.mark.parametrize(
    ("choice", "parallel", "expected"),
    [
        ("auto", None, {"type": "auto"}),
        ("any", None, {"type": "any"}),
        ("none", None, {"type": "none"}),
        (True, None, {"type": "any"}),
        ("get_weather", None, {"type": "tool", "name": "get_weather"}),
        ({"type": "tool", "name": "add"}, None, {"type": "tool", "name": "add"}),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
        ("any", False, {"type": "any", "disable_parallel_tool_use": True}),
        (None, None, None),
    ],
)
def test_tool_choice_on_the_wire(choice: Any, parallel: bool | None, expected: Any) -> None:
    llm, emu = emulated()
    llm.bind_tools([get_weather, add], tool_choice=choice, parallel_tool_calls=parallel).invoke(
        "Weather in 'Paris'?"
    )
    assert emu.last_request["body"].get("tool_choice") == expected


def test_unknown_tool_choice_name_rejected_before_sending() -> None:
    llm, emu = emulated()
    with pytest.raises(ValueError, match="not one of the bound tools"):
        llm.bind_tools([get_weather], tool_choice="nope")
    assert emu.requests == []


@pytest.mark.parametrize("choice", ["any", "get_weather"])
def test_forced_tool_choice_with_thinking_falls_back_to_auto(choice: str) -> None:
    thinking = {"type": "enabled", "budget_tokens": 2048}
    for llm, emu, kwargs in (
        (*emulated(thinking=thinking), {}),
        (*emulated(), {"thinking": thinking}),
    ):
        bound = llm.bind_tools([get_weather], tool_choice=choice, parallel_tool_calls=False)
        with pytest.warns(UserWarning, match="tool_choice='auto'"):
            bound.invoke("Weather in 'Oslo'?", **kwargs)
        assert emu.last_request["body"]["tool_choice"] == {
            "type": "auto",
            "disable_parallel_tool_use": True,
        }  # never a 400 at run time


def test_thinking_with_auto_tool_choice_is_sent() -> None:
    llm, emu = emulated(thinking={"type": "enabled", "budget_tokens": 2048})
    out = llm.bind_tools([get_weather], tool_choice="auto").invoke("Weather in 'Oslo'?")
    assert out.tool_calls[0]["args"] == {"city": "Oslo"}
    assert emu.last_request["body"]["thinking"]["budget_tokens"] == 2048


def test_streamed_parallel_tool_calls_sum_to_invoke() -> None:
    reply = Reply.tool_calls(
        [("get_weather", {"city": "Paris"}), ("add", {"a": 2, "b": 40}), ("ping", {})],
        text="Checking.",
    )
    llm, emu = emulated()
    emu.script(reply, reply)
    bound = llm.bind_tools([get_weather, add, {"name": "ping", "input_schema": {"type": "object"}}])
    invoked = bound.invoke("go")
    full, chunks = stream_sum(bound, "go")
    assert [(c["name"], c["args"]) for c in full.tool_calls] == [
        (c["name"], c["args"]) for c in invoked.tool_calls
    ] == [("get_weather", {"city": "Paris"}), ("add", {"a": 2, "b": 40}), ("ping", {})]
    ids = [c["id"] for c in full.tool_calls]
    assert len(set(ids)) == 3 and all(i.startswith("toolu_") for i in ids)
    indexes = {tc["index"] for ch in chunks for tc in ch.tool_call_chunks}
    assert indexes == {1, 2, 3}  # block indexes (0 is the text)
    assert full.text == invoked.text == "Checking."
    assert full.response_metadata["stop_reason"] == "tool_use"


def test_streamed_no_argument_tool_call() -> None:
    llm, emu = emulated()
    emu.script(Reply.tool_use("ping", {}))
    ping = {"name": "ping", "input_schema": {"type": "object"}}
    full, _ = stream_sum(llm.bind_tools([ping]), "x")
    assert full.tool_calls[0]["name"] == "ping"
    assert full.tool_calls[0]["args"] == {}


def test_streamed_tool_call_round_trips_into_the_next_request() -> None:
    llm, emu = emulated()
    emu.script(Reply.tool_use("get_weather", {"city": "Rome"}, text="Let me look."))
    bound = llm.bind_tools([get_weather])
    full, _ = stream_sum(bound, "Weather in Rome?")
    call = full.tool_calls[0]
    history = [
        HumanMessage("Weather in Rome?"),
        full,
        ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]),
    ]
    answer = bound.invoke(history)
    sent = emu.last_request["body"]["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Let me look."},
            {
                "type": "tool_use",
                "id": call["id"],
                "name": "get_weather",
                "input": {"city": "Rome"},
            },
        ],
    }
    assert sent[2]["content"][0] == {
        "type": "tool_result",
        "tool_use_id": call["id"],
        "content": "Sunny in Rome",
    }
    assert "Sunny in Rome" in answer.text


SERVER_BLOCKS: list[dict[str, Any]] = [
    {"type": "text", "text": "Searching."},
    {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {"query": "langchain"},
    },
    {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [
            {
                "type": "web_search_result",
                "url": "https://example.com",
                "title": "Example",
                "encrypted_content": "EqQB...",
                "page_age": None,
            }
        ],
    },
    {
        "type": "server_tool_use",
        "id": "srvtoolu_2",
        "name": "web_fetch",
        "input": {"url": "https://example.com"},
    },
    {
        "type": "web_fetch_tool_result",
        "tool_use_id": "srvtoolu_2",
        "content": {"type": "web_fetch_result", "url": "https://example.com", "content": {
            "type": "document", "source": {"type": "text", "media_type": "text/plain",
                                            "data": "hello"}}},
    },
    {
        "type": "server_tool_use",
        "id": "srvtoolu_3",
        "name": "code_execution",
        "input": {"code": "print(1)"},
    },
    {
        "type": "code_execution_tool_result",
        "tool_use_id": "srvtoolu_3",
        "content": {"type": "code_execution_result", "stdout": "1\n", "stderr": "",
                    "return_code": 0, "content": []},
    },
    {"type": "text", "text": "Done."},
]


@pytest.mark.parametrize("streaming", [False, True])
def test_server_tool_blocks_kept_and_round_tripped(streaming: bool) -> None:
    llm, emu = emulated(streaming=streaming)
    emu.script(Reply.content(SERVER_BLOCKS, stop_reason="end_turn"), Reply.text("ok"))
    bound = llm.bind_tools(SERVER_TOOLS[:3])
    first = bound.invoke("search")
    assert first.tool_calls == []  # server tools are not client tool calls
    kept = [
        {k: v for k, v in b.items() if k != "index"}
        for b in first.content
        if isinstance(b, dict)
    ]
    assert [b["type"] for b in kept] == [b["type"] for b in SERVER_BLOCKS]
    assert kept[1:7] == SERVER_BLOCKS[1:7]
    bound.invoke([HumanMessage("search"), first, HumanMessage("thanks")])
    assert emu.last_request["body"]["messages"][1]["content"] == SERVER_BLOCKS


def test_get_num_tokens_counts_tools_offline() -> None:
    llm, emu = emulated()
    bare = llm.get_num_tokens_from_messages([HumanMessage("What is the weather in Paris?")])
    with_tools = llm.get_num_tokens_from_messages(
        [HumanMessage("What is the weather in Paris?")], tools=[get_weather, add]
    )
    assert 5 < bare < with_tools
    assert emu.requests == []


def test_tool_arguments_with_unicode_are_not_escaped_on_the_wire() -> None:
    llm, emu = emulated()
    history = [
        HumanMessage("x"),
        AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "東京"}, "id": "t1"}]),
        ToolMessage("晴れ", tool_call_id="t1"),
    ]
    llm.bind_tools([get_weather]).invoke(history)
    raw = emu.requests[-1]
    assert raw["body"]["messages"][1]["content"][0]["input"] == {"city": "東京"}
    assert "東京" in json.dumps(raw["body"], ensure_ascii=False)


def _named(name: str) -> dict[str, Any]:
    return {"name": name, "description": "d", "input_schema": {"type": "object"}}


@pytest.mark.parametrize("path", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize(
    ("tools", "fragment"),
    [
        ([_named("github.create_issue")], "Rename the tool, e.g. 'github_create_issue'"),
        ([_named("get weather")], "only letters, digits"),
        ([_named("météo")], "only letters, digits"),
        ([_named("a" * 129)], "1 to 128 characters"),
        ([_named("lookup"), get_weather, _named("lookup")], "already named 'lookup'"),
    ],
    ids=["dotted", "space", "accent", "too_long", "duplicate"],
)
async def test_tool_names_the_api_refuses_are_a_value_error_before_sending(
    path: str, tools: list[Any], fragment: str
) -> None:
    llm, emu = emulated()
    bound = llm.bind_tools(tools)
    with pytest.raises(ValueError, match=fragment):
        await call_text(bound, path)
    assert emu.requests == []


def test_longest_tool_name_the_api_takes_is_sent() -> None:
    llm, emu = emulated()
    llm.bind_tools([_named("a" * 128), _named("Get-Weather_2")]).invoke("hi")
    assert [t["name"] for t in emu.last_request["body"]["tools"]] == ["a" * 128, "Get-Weather_2"]


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_a_titled_json_schema_without_properties_is_bound_whole(mode: str) -> None:
    """A map-shaped JSON schema as a tool: langchain-core keeps only its title, so the tool was
    sent with an empty input and the model could only call it with ``{}``."""
    llm, emu = emulated()
    schema = {"title": "set_labels", "description": "Label -> colour.", "type": "object",
              "additionalProperties": {"type": "string"}}  # fmt: skip
    bound = llm.bind_tools([schema])
    await bound.ainvoke("x") if mode == "ainvoke" else bound.invoke("x")
    (tool,) = emu.last_request["body"]["tools"]
    assert (tool["name"], tool["description"]) == ("set_labels", "Label -> colour.")
    assert tool["input_schema"]["additionalProperties"] == {"type": "string"}
