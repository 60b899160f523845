"""Planners behind a round-robin balancer (each worker its own state) cost about what one does."""

from __future__ import annotations

import random
from typing import Any

from langchain_cometapi._wire.usage import Usage
from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._pricing import usage_cost
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.cache._ttl import LATE_EVIDENCE
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _chats(users: int = 6, turns: int = 8) -> list[tuple[float, dict[str, Any]]]:
    rng = random.Random(7)
    system = "You are the support desk.\n" + words(2400)
    out = []
    for user in range(users):
        t = rng.uniform(0, 120)
        messages: list[dict[str, Any]] = []
        for turn in range(turns):
            question = f"user {user} turn {turn}: " + words(rng.randint(30, 120), user * 31 + turn)
            messages = [*messages, {"role": "user", "content": question}]
            out.append((t, {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": system,
                            "messages": messages}))
            reply = words(rng.randint(100, 300), user * 17 + turn + 5)
            messages = [*messages, {"role": "assistant", "content": reply}]
            t += rng.uniform(20, 120)
    return sorted(out, key=lambda r: r[0])


def _cost(workers: int) -> tuple[float, int]:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planners = [CachePlanner(clock=clock) for _ in range(workers)]
    cost, refused = 0.0, 0
    for i, (t, body) in enumerate(_chats()):
        clock.set(max(t, clock()))
        planner = planners[i % workers]
        out, plan = planner.plan(body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        if response.status != 200:
            refused += 1
            continue
        usage = response.json()["usage"]
        cost += usage_cost(Usage.parse(usage))
        planner.observe(plan, usage, dict(response.headers))
    return cost, refused


def test_a_fleet_of_8_costs_at_most_3_percent_more_than_one_planner() -> None:
    one, refused_one = _cost(1)
    fleet, refused_fleet = _cost(8)
    assert refused_one == refused_fleet == 0
    assert fleet <= 1.03 * one, fleet / one


def _system_only_chat(user: int) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": "You are the support desk.\n" + words(2400),
            "messages": [{"role": "user", "content": f"user {user}: " + words(80, user)}]}


def test_a_prefix_other_planners_keep_warm_is_not_written_for_an_hour() -> None:
    """This worker sees the system prompt every 12 minutes, but the API reads it each time:
    other workers reuse it within 5 minutes, so 1h would only cost."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    ttls: list[str] = []
    for user in range(6):
        _, plan = planner.plan(_system_only_chat(user))
        ttls += [bp.ttl for bp in plan.breakpoints if bp.action == "write"]
        system = plan.breakpoints[0].prefix_tokens if plan.breakpoints else 3000
        read = 0 if user == 0 else system  # kept warm by the other workers
        planner.observe(plan, {"input_tokens": 100, "cache_read_input_tokens": read,
                               "cache_creation_input_tokens": 0 if read else system})
        clock.advance(720)
    assert "1h" not in ttls, ttls


def _conversation(turns: int, salt: int = 0) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for turn in range(turns):
        question = f"c{salt} turn {turn}: " + words(80, salt + turn)
        messages.append({"role": "user", "content": question})
        if turn < turns - 1:
            messages.append({"role": "assistant", "content": words(250, salt + turn + 50)})
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": "You are the support desk.\n" + words(2400), "messages": messages}


def _tail_write(plan: Any) -> str | None:
    return next((bp.ttl for bp in plan.breakpoints
                 if bp.segment == "tail" and bp.action == "write"), None)


def test_a_conversation_seen_turns_ago_gives_its_mean_gap_and_a_1h_tail() -> None:
    """Turns 2-4 went to other workers: 45 minutes over 3 turns is a 15-minute gap, so this
    worker writes the tail for the hour."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(_conversation(1))
    clock.advance(45 * 60)
    _, plan = planner.plan(_conversation(4))
    assert _tail_write(plan) == "1h", plan.explain()


def test_a_conversation_seen_turns_ago_within_minutes_keeps_5m() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(_conversation(1))
    clock.advance(3 * 60)
    _, plan = planner.plan(_conversation(4))
    assert _tail_write(plan) == "5m", plan.explain()


def _foreign_continuations(read_tail: bool, count: int) -> list[str | None]:
    """A worker plans turn 3 of conversations whose earlier turns other workers planned; the
    API reads the system prompt, and the previous turn's tail only when ``read_tail``."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    ttls = []
    for salt in range(count):
        _, plan = planner.plan(_conversation(3, salt * 100))
        ttls.append(_tail_write(plan))
        total = plan.estimated_input_tokens
        head = next(bp.prefix_tokens for bp in plan.breakpoints if bp.segment == "system")
        read = total - 400 if read_tail else head  # the previous turn's tail, or the head only
        planner.observe(plan, {"input_tokens": 10, "cache_read_input_tokens": read,
                               "cache_creation_input_tokens": total - read - 10})
        clock.advance(20)
    return ttls


def test_continuations_whose_previous_turn_is_never_read_stop_writing_their_tail() -> None:
    """A shifting window or slow users, seen through the API's usage by a worker that did not
    plan the previous turns: each marker that reached the previous turn's tail and was not read
    lowers the odds that such a tail is live (``_fleet``, prior 0.7), and the tail written to
    reach it stops once a read is no longer worth its write (here after five such markers, on
    plans 2-6: the first plan reaches for no other planner's tail, since this planner has not
    yet seen the API read what it did not know was cached; a written entry seen unread already
    lowers the tail's own reads, ``CacheState.foreign_turn``)."""
    ttls = _foreign_continuations(read_tail=False, count=8)
    assert ttls == ["5m"] * 6 + [None] * 2, ttls


def test_continuations_whose_previous_turn_is_read_keep_writing_their_tail() -> None:
    ttls = _foreign_continuations(read_tail=True, count=5)
    assert ttls == ["5m"] * 5, ttls


def test_a_1h_previous_turn_read_by_a_slow_app_counts_as_a_late_reuse() -> None:
    """Once this worker writes tails for the hour, another worker's 1h tail read back (in an
    app whose turns come after 5 minutes) is a late reuse; one not read back is not."""
    read = CacheState()
    unread = CacheState()
    for state in (read, unread):
        for _ in range(3):
            state.foreign_turn(PrefixKind.TAIL_CONTINUED, "app", False, "5m")
    before = read.late_share(PrefixKind.TAIL_CONTINUED, "app")
    for _ in range(3):
        read.foreign_turn(PrefixKind.TAIL_CONTINUED, "app", True, "1h")
        unread.foreign_turn(PrefixKind.TAIL_CONTINUED, "app", False, "1h")
    assert read.late_share(PrefixKind.TAIL_CONTINUED, "app") > LATE_EVIDENCE > before
    assert unread.late_share(PrefixKind.TAIL_CONTINUED, "app") < before


def _rag(minute: int, question: int) -> dict[str, Any]:
    docs = [{"type": "text", "text": f"<doc {d}>\n" + words(900, d * 7) + "\n</doc>"}
            for d in range(3)]
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": "You answer from the documents.\n" + words(1500)
            + f"\nCurrent time: 2025-06-01 12:{minute:02d} UTC",
            "messages": [{"role": "user", "content": [
                *docs, {"type": "text", "text": f"Question {question}: " + words(30, question)}]}]}


def _documents_written_after(read_documents: bool) -> bool:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    _, plan = planner.plan(_rag(0, 0))
    docs = next(bp.prefix_tokens for bp in plan.breakpoints if bp.segment == "documents")
    total = plan.estimated_input_tokens
    read = docs if read_documents else 0  # other workers wrote these documents a moment ago
    planner.observe(plan, {"input_tokens": 10, "cache_read_input_tokens": read,
                           "cache_creation_input_tokens": total - read - 10})
    clock.advance(70)  # another minute: the clock line changed, the split is confirmed
    _, plan = planner.plan(_rag(1, 1))
    return any(bp.segment == "documents" and bp.action == "write" for bp in plan.breakpoints)


def test_documents_behind_a_clock_that_others_read_are_written() -> None:
    """Behind a changing system tail, documents recur only when the full text does; a read of
    them that other workers wrote within the same minute shows it does."""
    assert _documents_written_after(read_documents=True)
    assert not _documents_written_after(read_documents=False)
