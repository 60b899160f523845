"""``python -m langchain_cometapi.demo``: the package end to end in under a minute.

A chain, a stream, a tool call, then a multi-turn RAG conversation whose prompt-cache report
prints turn by turn: tokens read from cache, written and uncached, and the cost against the
same conversation without caching. Offline on the emulator when ``COMETAPI_KEY`` is unset
(the output says so first), live against CometAPI when it is set.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import TextIO

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import tool

from ..cache._report import CacheReport, CacheTurn
from ..chat_models import ChatCometAPI
from ..errors import CometAPIError
from ..testing import MessagesEmulator
from ._data import QUESTIONS, retrieve, system_prompt, with_documents
from ._offline import build_model
from ._ui import Console

__all__ = ["main", "rag_conversation", "turn_of"]

_STOCK = {("Volt C", "M", "Utrecht"): 3}


@tool
def check_stock(model: str, size: str, shop: str) -> str:
    """How many bikes of a model and frame size a Larkspur shop has in stock."""
    count = _STOCK.get((model, size, shop), 0)
    return f"the {shop} shop has {count} {model} in size {size} in stock."


def turn_of(message: AIMessage) -> CacheTurn:
    """The cache split of one response: the raw API usage when present (exact 5m/1h split)."""
    raw = message.response_metadata.get("usage")
    model = str(message.response_metadata.get("model_name") or "")
    if isinstance(raw, dict) and "input_tokens" in raw:
        return CacheTurn.from_usage(raw, model)
    return CacheTurn.from_usage_metadata(dict(message.usage_metadata or {}), model)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _saving(turn: CacheTurn) -> str:
    if not turn.total:
        return "-"
    return f"{1 - turn.cost / turn.total:+.0%}"


# -- sections ----------------------------------------------------------------------------------
def chain(llm: ChatCometAPI, con: Console) -> None:
    con.heading("1. A chain: prompt | model | parser")
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You explain technical terms to newcomers."),
            ("human", "In one sentence: what is {topic}?"),
        ]
    )
    runnable = prompt | llm | StrOutputParser()
    con.print('runnable.invoke({"topic": "prompt caching"})', "dim")
    with con.progress("calling the model"):
        answer = runnable.invoke({"topic": "prompt caching"})
    con.print(answer)


def stream(llm: ChatCometAPI, con: Console, *, offline: bool) -> None:
    con.heading("2. Streaming: tokens as they arrive")
    con.print('for chunk in llm.stream("Write a four-line poem about cycling ..."):', "dim")
    chunks = 0
    for chunk in llm.stream("Write a four-line poem about cycling to work in the rain."):
        con.print(chunk.text, end="")
        chunks += 1
        if offline and con.tty:
            time.sleep(0.02)  # the emulator answers instantly; let a person see it stream
    con.print()
    con.print(f"({chunks} chunks)", "dim")


def tool_call(llm: ChatCometAPI, con: Console) -> None:
    con.heading("3. A tool call, answered")
    question = "Is the Volt C in size M in stock in Utrecht?"
    with_tools = llm.bind_tools([check_stock])
    messages: list[BaseMessage] = [HumanMessage(question)]
    con.print(f"user: {question}")
    with con.progress("calling the model"):
        reply = with_tools.invoke(messages)
    messages.append(reply)
    if reply.text:
        con.print(f"assistant: {reply.text}")
    for call in reply.tool_calls:
        con.print(f"tool call: {call['name']}({call['args']})", "yellow")
        result = check_stock.invoke(call)
        con.print(f"tool result: {result.content}", "dim")
        messages.append(result)
    if reply.tool_calls:
        with con.progress("calling the model"):
            final = with_tools.invoke(messages)
        con.print(f"assistant: {final.text}")


def rag_conversation(
    llm: ChatCometAPI, con: Console, questions: Sequence[str] = QUESTIONS
) -> list[CacheTurn]:
    """The main act: retrieval per turn, history kept, the planner placing cache breakpoints."""
    con.heading("4. A RAG conversation with automatic prompt caching")
    con.note(
        "Every turn sends the whole conversation: the shop's catalogue in the system prompt,",
        "then each question with the passages retrieved for it. No cache_control anywhere in",
        "this code: the planner decides per request where the breakpoints go.",
    )
    history: list[BaseMessage] = [SystemMessage(system_prompt())]
    turns: list[CacheTurn] = []
    for number, question in enumerate(questions, 1):
        passages = retrieve(question)
        history.append(HumanMessage(with_documents(question, passages)))
        con.print()
        con.print(f"Turn {number}  {question}", "bold")
        con.print(f"  retrieved: {', '.join(p.title for p in passages)}", "dim")
        with con.progress(f"turn {number}: calling the model"):
            answer = llm.invoke(history)
        assert isinstance(answer, AIMessage)
        history.append(answer)
        turn = turn_of(answer)
        turns.append(turn)
        con.print(f"  {_short(answer.text, 360)}")
        con.print(
            f"  cache: read {turn.read:,} · written {turn.write_5m + turn.write_1h:,} · "
            f"uncached {turn.uncached:,} → cost {turn.cost:,.0f} vs {turn.total:,} without "
            f"caching ({_saving(turn)})",
            "green" if turn.cost < turn.total else "yellow",
        )
    cache_table(turns, questions, con)
    return turns


def cache_table(turns: Sequence[CacheTurn], questions: Sequence[str], con: Console) -> None:
    report = CacheReport()
    rows = []
    for number, (turn, question) in enumerate(zip(turns, questions, strict=False), 1):
        report.add_turn(turn)
        written = turn.write_5m + turn.write_1h
        rows.append([
            str(number), _short(question, 30), f"{turn.read:,}", f"{written:,}",
            f"{turn.uncached:,}", f"{turn.cost:,.0f}", f"{turn.total:,}", _saving(turn),
        ])  # fmt: skip
    footer = [
        "all", f"{report.requests} requests", f"{report.read_tokens:,}",
        f"{report.write_5m_tokens + report.write_1h_tokens:,}", f"{report.uncached_tokens:,}",
        f"{report.cost:,.0f}", f"{report.input_tokens:,}", f"{report.saved:+.0%}",
    ]  # fmt: skip
    con.print()
    con.print("Cache report (tokens; cost in input-token units)", "bold")
    con.table(
        ["turn", "question", "read", "written", "uncached", "cost", "no cache", "saved"],
        rows,
        align="llrrrrrr",
        footer=footer,
    )
    con.note(
        "Cost units: uncached input 1x, cache read 0.1x, 5-minute write 1.25x, 1-hour write 2x",
        "the model's base input price, so the saving holds for every model. A turn that writes",
        "pays a little extra (1.25x) for tokens that every later turn reads back at 0.1x.",
    )


# -- entry point -------------------------------------------------------------------------------
def _mode_banner(llm: ChatCometAPI, emulator: MessagesEmulator | None, con: Console) -> None:
    if emulator is not None:
        con.banner(
            [
                "OFFLINE DEMO: COMETAPI_KEY is not set, so every call below goes to the built-in",
                "emulator of the Messages API (langchain_cometapi.testing). Its answers are",
                "scripted; its validation, streaming and prompt-cache accounting follow",
                "Anthropic's rules. Set COMETAPI_KEY and run again to call CometAPI for real.",
            ],
            "yellow",
        )
    else:
        con.banner(
            [
                f"LIVE DEMO: calling CometAPI at {llm.base_url} with model {llm.model}.",
                "This sends about ten requests and spends tokens.",
            ],
            "green",
        )


def main(argv: Sequence[str] | None = None, *, stream_to: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m langchain_cometapi.demo", description=__doc__)
    parser.add_argument(
        "--model",
        default=os.environ.get("COMETAPI_MODEL"),
        help="model name (default: $COMETAPI_MODEL, else ChatCometAPI's default)",
    )
    parser.add_argument("--only-rag", action="store_true", help="skip the chain, stream, tool")
    args = parser.parse_args(argv)
    con = Console(stream_to)
    started = time.perf_counter()
    llm, emulator = build_model(args.model)
    con.print("langchain-cometapi demo", "bold")
    _mode_banner(llm, emulator, con)
    try:
        if not args.only_rag:
            chain(llm, con)
            stream(llm, con, offline=emulator is not None)
            tool_call(llm, con)
        rag_conversation(llm, con)
    except CometAPIError as exc:
        con.print(f"\nThe API call failed: {type(exc).__name__}: {exc}", "red")
        return 1
    elapsed = time.perf_counter() - started
    where = "offline on the emulator" if emulator is not None else "live"
    con.print(f"\nDone in {elapsed:.2f} s, {where}.", "bold")
    return 0

