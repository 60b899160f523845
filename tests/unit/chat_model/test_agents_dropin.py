"""``create_agent`` with ChatCometAPI behaves as with ChatAnthropic (tests/helpers/dropin.py).

Each scenario runs once per model over HTTP against its own loopback emulator with the same
scripted replies; the final state (message types, texts, tool calls and results, usage fields),
the number of model calls and the structured response must be the same.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Any

import pytest
from pydantic import BaseModel, Field

pytest.importorskip("langchain_anthropic")
agents = pytest.importorskip("langchain.agents")

from langchain.agents.middleware import (  # noqa: E402
    HumanInTheLoopMiddleware,
    ModelCallLimitMiddleware,
    ProviderToolSearchMiddleware,
    SummarizationMiddleware,
)
from langchain.agents.structured_output import ProviderStrategy, ToolStrategy  # noqa: E402
from langchain_core.messages import AIMessage, HumanMessage  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.types import Command  # noqa: E402

from langchain_cometapi.testing import Reply  # noqa: E402
from tests.helpers.dropin import TOOLS, Run, both, seen_all, tool_loop  # noqa: E402

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
ASK = {"messages": [("user", "Weather in Paris, and 1 + 2?")]}


class Forecast(BaseModel):
    """A forecast for the user: fill every field."""

    city: str = Field(description="the city")
    celsius: int


def _same(theirs: Run, ours: Run) -> None:
    assert ours.result == theirs.result
    assert ours.model_calls == theirs.model_calls


def test_a_tool_loop_with_parallel_calls_and_a_failing_tool() -> None:
    def scenario(llm: Any) -> Any:
        return seen_all(agents.create_agent(llm, TOOLS).invoke(ASK)["messages"])

    theirs, ours = both(scenario, tool_loop())
    _same(theirs, ours)
    assert ours.model_calls == 3
    statuses = [m.get("status") for m in ours.result if m["type"] == "ToolMessage"]
    assert statuses == ["success", "success", "error"]


def test_a_tool_loop_async() -> None:
    async def scenario(llm: Any) -> Any:
        return seen_all((await agents.create_agent(llm, TOOLS).ainvoke(ASK))["messages"])

    _same(*both(scenario, tool_loop()))


def test_the_default_max_tokens_of_chatanthropic_is_accepted() -> None:
    """ChatAnthropic sends the model's maximum output (128K for Sonnet 4.6) by default."""

    def scenario(llm: Any) -> Any:
        return seen_all(agents.create_agent(llm, TOOLS).invoke(ASK)["messages"])

    theirs, ours = both(scenario, [Reply.text("Hello.")])
    _same(theirs, ours)
    assert theirs.requests[0]["body"]["max_tokens"] == 128_000


def _streamed(llm: Any) -> list[Any]:
    """The ``stream_mode="messages"`` chunks a UI renders: node, text, tool-call names (the
    empty chunk ChatAnthropic opens each stream with is a documented difference; parallel
    tools finish in any order, so each step's tool messages are sorted)."""
    shown: list[Any] = []
    for chunk, meta in agents.create_agent(llm, TOOLS).stream(ASK, stream_mode="messages"):
        names = [c["name"] for c in getattr(chunk, "tool_call_chunks", []) if c.get("name")]
        if chunk.content or names:
            shown.append((meta["langgraph_node"], type(chunk).__name__, chunk.text, names))
    steps = groupby(shown, key=lambda item: item[0])
    return [sorted(items) if node == "tools" else list(items) for node, items in steps]


def test_streamed_messages() -> None:
    theirs, ours = both(_streamed, tool_loop())
    _same(theirs, ours)
    assert ("model", "AIMessageChunk", "", ["get_weather"]) in ours.result[0]


async def _events(llm: Any) -> Any:
    """``astream_events(version="v2")``: model start/end per call in order, tool runs (in any
    order within a step: parallel tools interleave), and that chunks were streamed."""
    order, tools, streamed = [], Counter[str](), 0
    async for event in agents.create_agent(llm, TOOLS).astream_events(ASK, version="v2"):
        kind = event["event"]
        if kind in ("on_chat_model_start", "on_chat_model_end"):
            order.append(kind)
        elif kind in ("on_tool_start", "on_tool_end"):
            tools[f"{kind}:{event['name']}"] += 1
        elif kind == "on_chat_model_stream":
            streamed += 1
    return order, dict(tools), streamed > 0


def test_astream_events_v2() -> None:
    _same(*both(_events, tool_loop()))


@pytest.mark.parametrize(
    ("strategy", "answer"),
    [
        (ToolStrategy(Forecast), Reply.tool_use("Forecast", {"city": "Paris", "celsius": 18})),
        (ProviderStrategy(Forecast), Reply.text('{"city": "Paris", "celsius": 18}')),
        (Forecast, Reply.text('{"city": "Paris", "celsius": 18}')),
    ],
    ids=["tool", "provider", "auto"],
)
def test_response_format(strategy: Any, answer: Reply) -> None:
    def scenario(llm: Any) -> Any:
        state = agents.create_agent(llm, TOOLS, response_format=strategy).invoke(ASK)
        return seen_all(state["messages"]), state["structured_response"]

    theirs, ours = both(scenario, [Reply.tool_use("get_weather", {"city": "Paris"}), answer])
    _same(theirs, ours)
    assert ours.result[1] == Forecast(city="Paris", celsius=18)


def _long_history() -> list[Any]:
    """~13,200 characters: 4,000 tokens at Claude's 3.3 characters per token, 3,300 at the
    generic 4 that SummarizationMiddleware uses for a model it does not know as Anthropic's."""
    return [HumanMessage("q" * 3300), AIMessage("a" * 3300), HumanMessage("r" * 3300),
            AIMessage("b" * 3300), HumanMessage("And now?")]  # fmt: skip


def test_summarization_triggers_at_the_same_point() -> None:
    def scenario(llm: Any) -> Any:
        summarize = SummarizationMiddleware(model=llm, trigger=("tokens", 3600),
                                            keep=("messages", 2))  # fmt: skip
        state = agents.create_agent(llm, TOOLS, middleware=[summarize]).invoke(
            {"messages": _long_history()}
        )
        return seen_all(state["messages"])

    theirs, ours = both(scenario, [Reply.text("SUMMARY"), Reply.text("Final.")])
    _same(theirs, ours)
    assert ours.model_calls == 2 and "SUMMARY" in ours.result[0]["text"]


def test_summarization_by_fraction_of_the_profiles_window() -> None:
    def scenario(llm: Any) -> Any:
        summarize = SummarizationMiddleware(model=llm, trigger=("fraction", 0.003),
                                            keep=("messages", 2))  # fmt: skip
        state = agents.create_agent(llm, TOOLS, middleware=[summarize]).invoke(
            {"messages": _long_history()}
        )
        return seen_all(state["messages"]), llm.profile["max_input_tokens"]

    theirs, ours = both(scenario, [Reply.text("SUMMARY"), Reply.text("Final.")])
    _same(theirs, ours)
    assert ours.model_calls == 2


def test_summarization_triggers_on_the_usage_the_api_reported() -> None:
    """The conversation is short by estimate, but the first reply reported ~700 tokens (the
    tool definitions count): SummarizationMiddleware trusts that report only from a model
    whose provider matches the messages' ``model_provider``."""

    def scenario(llm: Any) -> Any:
        summarize = SummarizationMiddleware(model=llm, trigger=("tokens", 500),
                                            keep=("messages", 1))  # fmt: skip
        state = agents.create_agent(llm, TOOLS, middleware=[summarize]).invoke(ASK)
        return seen_all(state["messages"])

    replies = [Reply.tool_use("get_weather", {"city": "Paris"}), Reply.text("SUMMARY"),
               Reply.text("Final.")]  # fmt: skip
    theirs, ours = both(scenario, replies)
    _same(theirs, ours)
    assert ours.model_calls == 3 and "SUMMARY" in ours.result[0]["text"]


def test_provider_tool_search() -> None:
    """ProviderToolSearchMiddleware defers tools behind Anthropic's tool search tool; it
    picks the tool by the model's ``ls_provider`` (it raised for an unknown provider)."""

    def scenario(llm: Any) -> Any:
        search = ProviderToolSearchMiddleware(searchable_tools=["add", "fail"])
        state = agents.create_agent(llm, TOOLS, middleware=[search]).invoke(ASK)
        return seen_all(state["messages"])

    theirs, ours = both(scenario, [Reply.text("Done.")])
    _same(theirs, ours)
    tools = ours.requests[0]["body"]["tools"]
    assert tools[-1]["type"].startswith("tool_search_tool_bm25")
    assert [t.get("defer_loading") for t in tools[:3]] == [None, True, True]


def test_anthropic_prompt_caching_middleware_warns_and_changes_nothing_else() -> None:
    from langchain_anthropic.middleware import AnthropicPromptCachingMiddleware

    def scenario(llm: Any) -> Any:
        middleware = [AnthropicPromptCachingMiddleware()]
        return seen_all(agents.create_agent(llm, TOOLS, middleware=middleware).invoke(ASK)[
            "messages"])  # fmt: skip

    theirs, ours = both(scenario, tool_loop())
    _same(theirs, ours)
    assert any("AnthropicPromptCachingMiddleware" in w for w in ours.warnings), ours.warnings


def test_model_call_limit() -> None:
    def scenario(llm: Any) -> Any:
        limit = ModelCallLimitMiddleware(run_limit=2, exit_behavior="end")
        state = agents.create_agent(llm, TOOLS, middleware=[limit]).invoke(ASK)
        return seen_all(state["messages"])

    theirs, ours = both(scenario, tool_loop())
    _same(theirs, ours)
    assert ours.model_calls == 2


@pytest.mark.parametrize(
    "decision",
    [
        {"type": "approve"},
        {"type": "edit", "edited_action": {"name": "get_weather", "args": {"city": "Rome"}}},
        {"type": "reject", "message": "Not now."},
    ],
    ids=lambda d: d["type"],
)
def test_human_in_the_loop_interrupt_and_resume(decision: dict[str, Any]) -> None:
    def scenario(llm: Any) -> Any:
        hitl = HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})
        agent = agents.create_agent(llm, TOOLS, middleware=[hitl], checkpointer=InMemorySaver())
        config: Any = {"configurable": {"thread_id": "t1"}}
        paused = agent.invoke(ASK, config)
        requests = [i.value["action_requests"] for i in paused["__interrupt__"]]
        agent.invoke(Command(resume={"decisions": [decision]}), config)
        state = agent.invoke({"messages": [("user", "Thanks.")]}, config)
        return requests, seen_all(state["messages"])

    replies = [Reply.tool_use("get_weather", {"city": "Paris"}), Reply.text("Done."),
               Reply.text("You're welcome.")]  # fmt: skip
    theirs, ours = both(scenario, replies)
    _same(theirs, ours)
    assert ours.model_calls == 3
