"""A system prompt whose tail carries a time-of-day stamp is split before it at first sight."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._system_split import (
    SystemSplitter,
    stamped_at_start,
    stamped_line,
)
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
STATIC = "You answer from the documents provided.\n" + words(1500) + "\n"


def test_a_stamp_with_seconds_is_cut_at_first_sight_as_per_request() -> None:
    splitter = SystemSplitter()
    assert splitter.split_point(STATIC + "Now: 2025-06-01T10:05:07Z") == len(STATIC)
    assert splitter.confirmed


def test_a_minute_clock_is_cut_at_first_sight_but_not_known_to_change() -> None:
    splitter = SystemSplitter()
    assert splitter.split_point(STATIC + "Current time: 2025-06-01 12:05 UTC") == len(STATIC)
    assert not splitter.confirmed


def test_a_guessed_cut_is_confirmed_once_the_tail_is_seen_to_change() -> None:
    splitter = SystemSplitter()
    splitter.split_point(STATIC + "Current time: 12:05")
    assert splitter.split_point(STATIC + "Current time: 12:06") == len(STATIC)
    assert splitter.confirmed


def test_a_stamp_in_the_middle_cuts_at_its_line() -> None:
    text = STATIC + "Request 0a1b2c3d at 10:05:07\n" + words(300, 5)
    assert stamped_line(text) == (len(STATIC), True)


def test_no_stamp_or_a_stamp_too_early_is_not_cut() -> None:
    assert SystemSplitter().split_point(STATIC + "Be brief.") is None
    assert stamped_line("Now: 10:05:07\n" + STATIC) is None
    assert stamped_line(STATIC + "Ratio 3:1 and version 10:5") is None


def test_the_first_request_of_a_planner_already_sends_the_static_head_apart() -> None:
    """Each worker of a fleet sees a stamped system text for the first time: without the guess
    it would need two texts before it could cache the static head."""
    planner = CachePlanner(clock=ManualClock())
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": STATIC + "Now: 2025-06-01T10:05:07Z",
            "messages": [{"role": "user", "content": "hi " + words(40)}]}
    out, plan = planner.plan(body)
    assert plan.system_split_at == len(STATIC)
    assert [b["text"] for b in out["system"]] == [STATIC, "Now: 2025-06-01T10:05:07Z"]
    assert out["system"][0].get("cache_control") and "cache_control" not in out["system"][1]


def _stamped_first(second: int) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": f"Now: 2025-06-01T10:05:{second:02d}Z\n" + STATIC,
            "messages": [{"role": "user", "content": "Question: " + words(60)}]}


def test_a_system_prompt_headed_by_a_per_request_stamp_is_not_written() -> None:
    """Nothing precedes the stamp, so no prefix of this text recurs: a write only costs."""
    assert stamped_at_start("Now: 2025-06-01T10:05:07Z\n" + STATIC)
    assert not stamped_at_start("Now: 2025-06-01T10:05Z\n" + STATIC)  # a minute clock recurs
    planner = CachePlanner(clock=ManualClock())
    _, plan = planner.plan(_stamped_first(7))
    assert not [bp for bp in plan.breakpoints if bp.action == "write"], plan.explain()


def test_a_stamped_system_prompt_sent_again_unchanged_is_written() -> None:
    """The same text twice (a stamp that is a fixed header, not per request) does recur."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(_stamped_first(7))
    clock.advance(10)
    _, plan = planner.plan(_stamped_first(7))
    assert any(bp.segment == "system" for bp in plan.breakpoints), plan.explain()


def _user_system(user: str, second: int) -> str:
    """A head every user shares, a user's own lines, a per-request clock."""
    return (STATIC + f"User: {user}; locale en-GB\n" + words(800, 3)
            + f"\nCurrent time: 10:05:{second:02d}")


def test_a_user_s_own_lines_join_the_static_part_once_they_recur() -> None:
    splitter = SystemSplitter()
    shared = len(STATIC)
    assert splitter.split_point(_user_system("Ana", 1)) == len(STATIC) + len(
        "User: Ana; locale en-GB\n" + words(800, 3) + "\n"
    )  # first sight: the stamp line
    assert splitter.split_point(_user_system("Bo", 2)) == shared  # compared with Ana's
    own = _user_system("Ana", 3)
    assert splitter.split_point(own) == own.index("Current time")  # Ana's lines recur
    assert splitter.confirmed
    assert splitter.split_point(_user_system("Ana", 4)) == own.index("Current time")
    other = _user_system("Chen", 5)
    assert splitter.split_point(other) == shared  # Chen's lines: not seen before


def test_a_user_s_recurring_lines_get_a_block_of_their_own_after_the_shared_head() -> None:
    """Once a user's lines join the static part, the head every user shares stays a block of
    its own, so other users (and other workers of a fleet, which cut before the user's lines)
    still read it."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    sent: list[dict[str, Any]] = []
    usages: list[dict[str, Any]] = []
    for second, user in enumerate(("Ana", "Bo", "Ana", "Ana", "Chen")):
        clock.advance(20)
        body = {"model": "claude-sonnet-4-5", "max_tokens": 64,
                "system": _user_system(user, second),
                "messages": [{"role": "user", "content": f"question {second}: " + words(40)}]}
        out, plan = planner.plan(body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200
        usages.append(response.json()["usage"])
        planner.observe(plan, usages[-1], dict(response.headers))
        sent.append(out)
    texts = [block["text"] for block in sent[3]["system"]]
    assert "".join(texts) == _user_system("Ana", 3)  # nothing added, dropped or reordered
    assert texts[0] == STATIC and texts[1].startswith("User: Ana")
    assert texts[2].startswith("Current time")
    assert all("cache_control" in block for block in sent[3]["system"][:2])
    assert usages[3]["cache_read_input_tokens"] > 0
    assert usages[4]["cache_read_input_tokens"] > 0  # a new user reads the shared head
