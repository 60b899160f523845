"""LCEL chains with ChatCometAPI behave as with ChatAnthropic (tests/helpers/dropin.py).

Each chain runs once per model over HTTP against its own loopback emulator with the same
scripted replies; what the chain returns and how many model calls it made must be the same.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables.history import RunnableWithMessageHistory
from pydantic import BaseModel, Field

from langchain_cometapi.testing import Reply
from tests.helpers.chat_anthropic import same_request
from tests.helpers.dropin import TOOLS, Run, both, seen, seen_all

pytest.importorskip("langchain_anthropic")
pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


class Forecast(BaseModel):
    """A forecast for the user: fill every field."""

    city: str = Field(description="the city")
    celsius: int


def lookup(query: str) -> str:
    """Look a query up."""
    return query


ANTHROPIC_TOOL = {
    "name": "search_docs",
    "description": "Search the docs.",
    "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
}
OPENAI_TOOL = {
    "type": "function",
    "function": {
        "name": "search_web",
        "description": "Search the web.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
    },
}
FORECAST: dict[str, Any] = {"city": "Paris", "celsius": 18}


def _same(theirs: Run, ours: Run) -> None:
    assert ours.result == theirs.result
    assert ours.model_calls == theirs.model_calls


def test_prompt_model_parser() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be terse."), ("human", "{q}")])
    theirs, ours = both(lambda llm: (prompt | llm | StrOutputParser()).invoke({"q": "Hi there"}))
    _same(theirs, ours)
    assert ours.result == "You said: Hi there"


@pytest.mark.parametrize("include_raw", [False, True])
@pytest.mark.parametrize(
    ("method", "answer"),
    [
        ("function_calling", Reply.tool_use("Forecast", FORECAST)),
        ("json_schema", Reply.text('{"city": "Paris", "celsius": 18}')),
    ],
)
@pytest.mark.parametrize("schema", [Forecast, Forecast.model_json_schema()], ids=["model", "dict"])
def test_with_structured_output(method: str, answer: Reply, include_raw: bool, schema: Any) -> None:
    def scenario(llm: Any) -> Any:
        result = llm.with_structured_output(schema, method=method, include_raw=include_raw).invoke(
            "Forecast for Paris?"
        )
        if include_raw:
            return result["parsed"], result["parsing_error"], seen(result["raw"])
        return result

    theirs, ours = both(scenario, [answer])
    _same(theirs, ours)
    parsed = ours.result[0] if include_raw else ours.result
    assert parsed in (Forecast(**FORECAST), FORECAST)


def test_with_structured_output_batch_async() -> None:
    async def scenario(llm: Any) -> Any:
        structured = llm.with_structured_output(Forecast)
        return await structured.abatch(["Paris?", "Paris again?"])

    replies = [Reply.tool_use("Forecast", FORECAST), Reply.tool_use("Forecast", FORECAST)]
    theirs, ours = both(scenario, replies)
    _same(theirs, ours)


@pytest.mark.parametrize("tool_choice", [None, "any", "lookup"])
def test_bind_tools_of_every_kind(tool_choice: str | None) -> None:
    tools = [Forecast, lookup, ANTHROPIC_TOOL, OPENAI_TOOL, *TOOLS]

    def scenario(llm: Any) -> Any:
        return seen(llm.bind_tools(tools, tool_choice=tool_choice).invoke("Find the docs."))

    theirs, ours = both(scenario)
    _same(theirs, ours)
    expected = "lookup" if tool_choice == "lookup" else "Forecast"
    assert ours.result["tool_calls"][0][0] == expected


def test_with_retry() -> None:
    def scenario(llm: Any) -> Any:
        retrying = llm.with_retry(stop_after_attempt=3, wait_exponential_jitter=False)
        return retrying.invoke("Hi").text

    theirs, ours = both(scenario, [Reply.overloaded(), Reply.text("Recovered.")])
    _same(theirs, ours)
    assert ours.model_calls == 2


def test_with_fallbacks() -> None:
    def scenario(llm: Any) -> Any:
        return llm.with_fallbacks([llm]).invoke("Hi").text

    theirs, ours = both(scenario, [Reply.error(400, "bad request"), Reply.text("Fallback.")])
    _same(theirs, ours)
    assert ours.result == "Fallback."


def test_batch_with_max_concurrency() -> None:
    def scenario(llm: Any) -> Any:
        return sorted(m.text for m in llm.batch(list("abcd"), config={"max_concurrency": 2}))

    _same(*both(scenario))


def test_abatch_with_max_concurrency() -> None:
    async def scenario(llm: Any) -> Any:
        replies = await llm.abatch(list("abcd"), config={"max_concurrency": 2})
        return sorted(m.text for m in replies)

    _same(*both(scenario))


def test_runnable_with_message_history() -> None:
    def scenario(llm: Any) -> Any:
        store: dict[str, InMemoryChatMessageHistory] = {}
        prompt = ChatPromptTemplate.from_messages(
            [("system", "Be brief."), MessagesPlaceholder("history"), ("human", "{q}")]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            chain = RunnableWithMessageHistory(
                prompt | llm,
                lambda sid: store.setdefault(sid, InMemoryChatMessageHistory()),
                input_messages_key="q",
                history_messages_key="history",
            )
        config: Any = {"configurable": {"session_id": "s1"}}
        answers = [chain.invoke({"q": q}, config=config).text for q in ("one", "two", "three")]
        return answers, seen_all(store["s1"].messages)

    theirs, ours = both(scenario)
    _same(theirs, ours)
    assert len(ours.result[1]) == 6


DOCS = [
    "The X100 battery lasts 12 hours.",
    "The X100 warranty covers two years.",
    "Store the X100 battery at 40% charge.",
]


def test_rag_with_documents_in_the_system_prompt_over_several_turns() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "Answer from these documents only:\n{context}"),
            MessagesPlaceholder("history"),
            ("human", "{question}"),
        ]
    )

    def scenario(llm: Any) -> Any:
        chain = prompt | llm
        history: list[Any] = []
        for question in ("How long does the battery last?", "And the warranty?", "Storage?"):
            answer = chain.invoke(
                {"context": "\n".join(DOCS), "history": history, "question": question}
            )
            history += [HumanMessage(question), answer]
        return seen_all(history)

    theirs, ours = both(scenario)
    _same(theirs, ours)
    system = ours.requests[-1]["body"]["system"]
    assert "warranty covers two years" in str(system)


def test_a_history_written_by_chatanthropic_continues_with_chatcometapi() -> None:
    """A thread saved from ChatAnthropic (its AIMessages as they are) sent on by ChatCometAPI:
    the same request reaches the emulator, whichever model wrote the history."""

    def scenario(llm: Any) -> Any:
        bound = llm.bind_tools(TOOLS)
        history: list[Any] = [SystemMessage("Be brief."), HumanMessage("Weather in Paris?")]
        history.append(bound.invoke(history))
        return history

    theirs, _ = both(scenario, [Reply.tool_use("get_weather", {"city": "Paris"}, text="Hm.")])
    saved: list[Any] = theirs.result
    assert isinstance(saved[-1], AIMessage) and saved[-1].tool_calls
    call_id = saved[-1].tool_calls[0]["id"]
    follow_up = [*saved, ToolMessage("sunny", tool_call_id=call_id), HumanMessage("Thanks!")]
    them, us = both(lambda llm: llm.bind_tools(TOOLS).invoke(follow_up).text)
    _same(them, us)
    ours_sent, theirs_sent = us.requests[0]["body"], them.requests[0]["body"]
    assert same_request(ours_sent)["messages"] == same_request(theirs_sent)["messages"]
