"""RAG first turns that carry a few shared documents before the question: what another
conversation sent earlier is no evidence of this conversation's own pace, and documents never
seen here are not bet on the hour."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import markers, words
from tests.helpers.cache_traffic import HEADERS

MANUALS = [words(1400, salt) for salt in range(4)]


def _first_turn(docs: tuple[int, ...], question: int) -> dict[str, Any]:
    """A new conversation's only user turn: the chosen manuals as blocks, then the question."""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": MANUALS[d]} for d in docs]
    blocks.append({"type": "text", "text": f"question {question}: " + words(30, question)})
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 256,
        "system": "You answer from the manuals.\n" + words(900),
        "messages": [{"role": "user", "content": blocks}],
    }


def _second_turn(docs: tuple[int, ...], question: int) -> dict[str, Any]:
    body = _first_turn(docs, question)
    body["messages"] += [
        {"role": "assistant", "content": [{"type": "text", "text": words(200, question + 7)}]},
        {"role": "user", "content": f"and then {question}? " + words(20, question + 3)},
    ]
    return body


def _send(planner: CachePlanner, emulator: MessagesEmulator, body: dict[str, Any]) -> list[str]:
    """Plan, send, observe; the TTLs of the markers the planner placed in the messages."""
    out, plan = planner.plan(body)
    response = emulator.handle("POST", "/v1/messages", HEADERS, out)
    planner.observe(plan, response.json()["usage"], dict(response.headers))
    return [ttl for where, _, ttl in markers(out) if where[0] == "messages"]


def test_a_first_turn_takes_no_gap_from_documents_another_conversation_sent() -> None:
    """Conversation B starts 7 minutes after A with A's manuals: the time since A's request is
    not B's habit of coming back after minutes, so B's turn is not written for the hour."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    _send(planner, emulator, _first_turn((0, 1), 0))
    clock.advance(420)
    assert "1h" not in _send(planner, emulator, _first_turn((0, 1), 1))


def test_documents_seen_for_the_first_time_are_not_written_for_the_hour() -> None:
    """Conversations on the same popular manuals, one every 7 minutes, every other one going
    on for a second turn: the documents come back late each time and earn 1h bets. Manuals
    no request held before are not what that evidence is about: a first turn holding them is
    not written for the hour (the popular set's later first turns still are)."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    popular: list[list[str]] = []
    for question in range(6):
        popular.append(_send(planner, emulator, _first_turn((0, 1), question)))
        clock.advance(60)
        if question % 2 == 0:
            popular.append(_send(planner, emulator, _second_turn((0, 1), question)))
        clock.advance(360)
    assert any("1h" in ttls for ttls in popular), popular
    assert "1h" not in _send(planner, emulator, _first_turn((2, 3), 99))


def _turn(docs: tuple[int, ...], question: int, turns: int) -> dict[str, Any]:
    """A conversation on these manuals at its ``turns``-th user turn."""
    body = _first_turn(docs, question)
    for turn in range(1, turns):
        body["messages"] += [
            {"role": "assistant", "content": [{"type": "text", "text": words(200, turn)}]},
            {"role": "user", "content": f"and {turn}? " + words(20, question + turn)},
        ]
    return body


def test_one_late_return_of_the_documents_is_no_habit_to_bet_the_hour_on() -> None:
    """A conversation on two manuals goes on a minute a turn, its user comes back once after 7
    minutes and goes on again: the documents' only late return. Over the few misses of a prefix
    read that often, one late return already makes a late share above ``LATE_EVIDENCE``; a new
    conversation on the same manuals right after is still not written for the hour (random
    RAG traffic lost on such bets: they were read again within 5 minutes or not at all)."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    turn = 1
    for gap in (60, 60, 420, 60, 60, 60, 60):
        _send(planner, emulator, _turn((0, 1), 0, turn))
        clock.advance(gap)
        turn += 1
    assert "1h" not in _send(planner, emulator, _first_turn((0, 1), 1))


def test_documents_that_came_back_late_twice_are_written_for_the_hour() -> None:
    """The same, with a second late return before the new conversation: a habit now, and the
    new conversation's manuals are written for the hour."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    turn = 1
    for gap in (60, 60, 420, 60, 60, 420, 60, 60, 60, 60):
        _send(planner, emulator, _turn((0, 1), 0, turn))
        clock.advance(gap)
        turn += 1
    assert "1h" in _send(planner, emulator, _first_turn((0, 1), 1))
