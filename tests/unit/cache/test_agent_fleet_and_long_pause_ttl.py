"""The automatic TTL of agents (tool loops) whose steps a round-robin fleet spreads over its
workers, and of agents whose approval pauses mostly outlast the hour: 1h only on evidence that
the reuse it bets on comes within the hour."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._context import PlanContext
from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.cache._ttl import odds
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import agent_body
from tests.helpers.cache_traffic import exchange

_TAIL = PrefixKind.TAIL_CONTINUED


def _tail_ttls(plan: Any) -> list[str]:
    return [bp.ttl for bp in plan.breakpoints if bp.segment == "tail" and bp.action == "write"]


def test_agent_steps_seen_turns_ago_after_a_pause_do_not_bet_on_a_late_next_step() -> None:
    """Steps 3-4 of this task went to other workers and one of them waited 45 minutes for an
    approval: the mean gap (15 minutes) tells of that pause, not of the next step, which is the
    model's own. No 1h tail (a chat with the same mean gap writes one: ``test_fleet``)."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(agent_body(1, 2))
    clock.advance(45 * 60)
    _, plan = planner.plan(agent_body(1, 5))
    assert "1h" not in _tail_ttls(plan), plan.explain()


def _fleet_cost(policy: CachePolicy, workers: int, pause: float) -> tuple[float, int]:
    """Eight agent tasks of 9 steps, 10 s apart, each step sent to the next of ``workers``
    planners; every other task waits ``pause`` seconds before its fifth step."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planners = [CachePlanner(policy, clock=clock) for _ in range(workers)]
    cost, refused, sent = 0.0, 0, 0
    for task in range(8):
        for step in range(9):
            clock.advance(pause if task % 2 and step == 4 else 10.0)
            _, price = exchange(planners[sent % workers], emulator, agent_body(task, step))
            sent += 1
            refused += price is None
            cost += price or 0.0
        clock.advance(120.0)
    return cost, refused


def test_agents_spread_round_robin_over_a_fleet_cost_no_more_than_5m_only() -> None:
    auto, refused = _fleet_cost(CachePolicy(), 4, 1800.0)
    five, _ = _fleet_cost(CachePolicy(ttl="5m"), 4, 1800.0)
    assert refused == 0
    assert auto <= five, auto / five


def _context(state: CacheState) -> PlanContext:
    return PlanContext(CachePolicy(), state, 0.0, True, 1024.0, ("5m", "1h"))


def test_a_missed_prefix_seen_again_after_the_hour_is_a_return_beyond_it() -> None:
    state = CacheState()
    state.record(1, 0.0, (_TAIL, "app"), True)
    state.sweep(301.0)  # 5 minutes passed: a miss, waiting for a late reuse
    state.sighted(1, 2 * 3600.0)
    bucket = state.bucket((_TAIL, "app"))
    assert (bucket.late, bucket.beyond) == (0.0, 1.0)
    state.sweep(2 * 3600.0 + 301.0)
    state.sighted(1, 2 * 3600.0 + 900.0)  # back within the hour this time
    assert bucket.late == 1.0
    assert state.return_share(_TAIL, "app") < CacheState().return_share(_TAIL, "app") == 1.0


def test_a_late_gap_is_a_habit_only_as_often_as_returns_come_within_the_hour() -> None:
    """This conversation came back after 15 minutes: for a kind whose returns come after the
    hour (an agent waiting hours for approvals) that is less evidence of a late next turn."""
    fresh, beyond = CacheState(), CacheState()
    for _ in range(3):
        beyond.bucket((_TAIL, "app")).add_beyond()
    late_fresh = odds(_context(fresh), _TAIL, "app", gap=900.0)[1]
    late_beyond = odds(_context(beyond), _TAIL, "app", gap=900.0)[1]
    assert late_beyond < late_fresh
    assert odds(_context(beyond), _TAIL, "app")[1] == odds(_context(fresh), _TAIL, "app")[1]


def _paused_cost(policy: CachePolicy, pauses: list[float]) -> float:
    """One planner, one agent task of 9 steps per pause, each waiting that long before its
    fifth step, two minutes between tasks."""
    return _head_need_cost(policy, pauses, 120.0)


def test_agents_whose_pauses_mostly_outlast_the_hour_cost_no_more_than_5m_only() -> None:
    pauses = [7200.0, 900.0, 7200.0, 7200.0, 900.0, 7200.0, 7200.0, 7200.0]
    auto = _paused_cost(CachePolicy(), pauses)
    five = _paused_cost(CachePolicy(ttl="5m"), pauses)
    assert auto <= five, auto / five


def _head_need_cost(policy: CachePolicy, pauses: list[float], between: float) -> float:
    """One planner; agent tasks of 9 steps 10 s apart, each waiting ``pause`` before its fifth
    step, the next task starting ``between`` seconds after the last step of the one before."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(policy, clock=clock)
    cost = 0.0
    for task, pause in enumerate(pauses):
        for step in range(9):
            clock.advance(pause if step == 4 else 10.0)
            _, price = exchange(planner, emulator, agent_body(task, step))
            assert price is not None
            cost += price
        clock.advance(between)
    return cost


def test_a_head_needed_by_a_new_task_learns_its_late_share_apart_from_returns() -> None:
    """Each task's start needs the head, then its approval (past the hour) the next time; the
    return from that approval needs it, then the next task's start 10 minutes later. The head
    kind's one late share (half late) would bet the hour at a start; a start's own is low.
    The last task needs no approval (the return before it has a next start to be read by)."""
    pauses = [7200.0, 5400.0, 9000.0, 7200.0, 6300.0, 8100.0, 7200.0, 9000.0, 10.0]
    auto = _head_need_cost(CachePolicy(), pauses, 600.0)
    five = _head_need_cost(CachePolicy(ttl="5m"), pauses, 600.0)
    assert auto <= five, auto / five


def test_the_late_share_of_a_need_only_lowers_the_kind_s_own() -> None:
    """1h on a head only when both its kind and this need show late reuse (``odds``)."""
    state = CacheState()
    head, new, back = PrefixKind.HEAD, PrefixKind.HEAD_NEW, PrefixKind.HEAD_RETURN
    assert state.need_share(new, "app") is None  # no outcome of this need yet: the kind's
    for _ in range(4):
        state.bucket((head, "app")).add_trial(False)
        state.bucket((head, "app")).add_late()
        state.bucket((back, "app")).add_trial(False)
        state.bucket((back, "app")).add_late()
        state.bucket((new, "app")).add_trial(False)
        state.bucket((head, "app")).add_trial(False)  # more misses: a returns' share above
    kind_late = odds(_context(state), head, "app")[1]
    assert odds(_context(state), head, "app", need=new)[1] < kind_late
    assert odds(_context(state), head, "app", need=back)[1] == kind_late
    assert kind_late < (state.need_share(back, "app") or 0.0)

