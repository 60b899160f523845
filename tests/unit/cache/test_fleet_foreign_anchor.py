"""A fleet worker marks where it can read the previous turn's tail another worker wrote
(``_fleet``): read, that prefix costs 0.1x instead of being written again, so a marker within
reach of it is worth ``P(live) x (0.9 + premium)`` per token above the head, and ``P(live)`` is
learnt from whether such markers were read (``PrefixKind.FOREIGN_TAIL``)."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._select import Candidate, ForeignAnchor, choose
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import agent_body, words
from tests.helpers.cache_traffic import exchange

_FOREIGN = PrefixKind.FOREIGN_TAIL


def _sunk(planner: CachePlanner, fleet: bool = True) -> None:
    """A worker whose own tail trials lapsed unseen (the next turns went to other workers):
    it believes a continued conversation's tail is seldom read again; ``fleet``: it has seen
    the API read a prefix it did not know was cached (a head another worker wrote)."""
    planner.state.foreign_reads = int(fleet)
    for kind in (PrefixKind.TAIL_CONTINUED, PrefixKind.HEAD):
        bucket = planner.state.bucket((kind, None))
        for _ in range(12):
            bucket.add_trial(kind is PrefixKind.HEAD)


def _fleet_step(
    gap: float = 10.0, clock_line: bool = False, fleet: bool = True
) -> tuple[CachePlanner, dict[str, Any], Any]:
    """Step 3 of an agent task planned by one worker, step 4 ``gap`` seconds later by another
    whose tail belief sank: (that worker, step 4's usage, its plan)."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    here, elsewhere = CachePlanner(clock=clock), CachePlanner(clock=clock)
    first, second = agent_body(0, 3), agent_body(0, 4)
    if clock_line:
        for body, stamp in ((first, "10:00:01"), (second, "10:00:11")):
            body["system"] = body["system"] + f"\nNow: {stamp}\n"
    exchange(elsewhere, emulator, first)
    _sunk(here, fleet)
    clock.advance(gap)
    out, plan = here.plan(second)
    response = emulator.handle("POST", "/v1/messages", {"x-api-key": "k"}, out)
    usage = response.json()["usage"]
    here.observe(plan, usage, dict(response.headers))
    return here, usage, plan


def test_a_worker_reads_the_tail_another_worker_wrote_seconds_ago() -> None:
    here, usage, plan = _fleet_step()
    segments = [b.segment for b in plan.breakpoints]
    assert "tail" in segments, segments
    head = next(b.prefix_tokens for b in plan.breakpoints if b.segment == "system")
    assert usage["cache_read_input_tokens"] > 1.15 * head, usage  # the previous tail, not the head
    bucket = here.state.bucket((_FOREIGN, None))
    assert (bucket.hits, bucket.trials) == (1.0, 1.0)


def test_no_foreign_anchor_before_the_api_read_anything_unknown_here() -> None:
    """Alone, a previous turn unknown here sat behind a prefix that changed since (a document
    edited in the system prompt): its entry, if any, can never be read."""
    here, _, plan = _fleet_step(fleet=False)
    assert "tail" not in [b.segment for b in plan.breakpoints]
    assert here.state.bucket((_FOREIGN, None)).trials == 0.0


def test_a_foreign_tail_that_expired_is_a_miss_seen() -> None:
    here, usage, _ = _fleet_step(gap=6 * 60.0)
    assert usage["cache_read_input_tokens"] == 0, usage
    bucket = here.state.bucket((_FOREIGN, None))
    assert (bucket.hits, bucket.trials) == (0.0, 1.0)
    assert bucket.p(0.7) < 0.7


def test_no_foreign_anchor_behind_a_system_text_that_changes() -> None:
    """The previous turn's entry sits behind the system text of its own second: another prefix."""
    here, _, plan = _fleet_step(clock_line=True)
    assert "tail" not in [b.segment for b in plan.breakpoints]
    assert here.state.bucket((_FOREIGN, None)).trials == 0.0


def _tail_chosen(anchor: ForeignAnchor | None) -> bool:
    cumulative = [1000.0 * (i + 1) for i in range(30)]  # head ends at 9, anchor at 25, tail 28
    head = Candidate(9, "system", "head", "5m", {"5m": 5.0, "1h": 5.0}, shared=True)
    tail = Candidate(28, "tail", "tail", "5m", {"5m": 0.1, "1h": 0.1})
    choice = choose([head, tail], [], 4, cumulative, [], 1024.0, 0.0, anchor)
    return any(c.segment == "tail" for c, _ in choice.marks)


def test_a_tail_within_reach_of_a_likely_live_foreign_anchor_is_marked() -> None:
    assert not _tail_chosen(None)  # its own later reads do not pay for its write
    assert _tail_chosen(ForeignAnchor(25, 26_000.0, 0.7, 10_000.0))
    assert not _tail_chosen(ForeignAnchor(25, 26_000.0, 0.05, 10_000.0))  # seldom live


def test_the_foreign_anchor_pays_only_above_the_head_other_workers_keep_warm() -> None:
    assert not _tail_chosen(ForeignAnchor(25, 26_000.0, 0.7, 25_500.0))


def test_no_foreign_anchor_out_of_reach_of_every_marker() -> None:
    assert not _tail_chosen(ForeignAnchor(5, 26_000.0, 0.9, 1_000.0))


def _parallel_step(task: int, calls: int) -> dict[str, Any]:
    """An agent task's second turn: one model turn of ``calls`` parallel tool calls and their
    results (more blocks than the API's lookback spans)."""
    body = agent_body(task, 1)
    idents = [f"toolu_{task:03d}_p{i:02d}" for i in range(calls)]
    body["messages"] = [*body["messages"], {"role": "assistant", "content": [
        {"type": "tool_use", "id": i, "name": "tool_2", "input": {"p": i}} for i in idents]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": i, "content": words(80, n)}
            for n, i in enumerate(idents)]}]
    return body


def _tail_written_after(foreign_reads: int) -> bool:
    """A worker whose own tail belief sank plans a long turn of a task another worker served,
    after ``foreign_reads`` other workers' tails were read here (and one was not)."""
    planner = CachePlanner(clock=ManualClock())
    _sunk(planner)
    bucket = planner.state.bucket((_FOREIGN, None))
    bucket.add_trial(False)
    for _ in range(foreign_reads):
        bucket.add_trial(True)
    _, plan = planner.plan(_parallel_step(0, 12))
    return any(b.segment == "tail" and b.action == "write" for b in plan.breakpoints)


def test_a_worker_that_saw_other_workers_tails_read_writes_its_own() -> None:
    """The next turn goes to another worker, which reads this tail as this worker read theirs:
    the tail's odds are at least those (``_fleet.fleet_view``), not what its own trials, lapsed
    unseen, say."""
    assert _tail_written_after(foreign_reads=3)


def test_a_planner_that_never_read_another_planners_tail_keeps_its_own_odds() -> None:
    """No read of another planner's tail: nothing tells of a fleet (a history this planner
    cannot link, a window that slid, looks the same), so its own trials decide."""
    assert not _tail_written_after(foreign_reads=0)


def test_a_planner_does_not_take_its_own_turn_behind_a_slid_window_for_another_planners() -> None:
    """A window that slid past the reply before the previous turn's tail: that tail block was
    this planner's own tail (``_fleet.own_tail_key``), behind another prefix then, so no other
    planner's entry is there to read, and none is probed for."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": words(400, i)}
             for i in range(5)]
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": words(300),
            "messages": turns[:3]}  # u0 a0 u1
    exchange(planner, emulator, body)  # its own previous turn (u0) unknown: probed once
    before = planner.state.bucket((_FOREIGN, None)).trials
    clock.advance(20.0)
    exchange(planner, emulator, {**body, "messages": turns[2:]})  # u1 a1 u2
    assert planner.state.bucket((_FOREIGN, None)).trials == before
