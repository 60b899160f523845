"""Invariants of the planner on random agent traffic over rotating tool lists (shared heads,
lists that extend others, reordered and edited tools, user markers on tools, a changing
``tool_choice``) with approval pauses of 5-90 minutes, single planners and fleets, replayed end
to end against the offline emulator on a manual clock."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy, plan_cache
from langchain_cometapi.cache._tool_lists import MAX_LISTS
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import markers, strip_markers
from tests.helpers.cache_traffic import HEADERS, Replay, assert_previews_record_nothing
from tests.helpers.threads import errors_in_threads
from tests.helpers.tool_traffic import LIST_STYLES, ToolTrafficShape, tool_script

_SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])
shapes = st.builds(
    ToolTrafficShape,
    styles=st.lists(st.sampled_from(LIST_STYLES), min_size=1, max_size=4, unique=True).map(tuple),
    agents=st.integers(1, 5),
    planners=st.integers(1, 3),
    requests=st.integers(8, 30),
    step_gap=st.sampled_from([5.0, 60.0, 200.0]),
    pauses=st.sampled_from([0.0, 0.15, 0.4]),
    choices=st.sampled_from([0.0, 0.2]),
)


def _user_marks(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {loc: ttl for loc, _, ttl in markers(body)}


def _check_body(sent: dict[str, Any], body: dict[str, Any]) -> None:
    """What the API would refuse, or what would change the prompt, in one planned body."""
    found = list(markers(sent))
    assert len(found) <= 4
    ttls = [ttl for _, _, ttl in found]
    if "5m" in ttls:
        assert "1h" not in ttls[ttls.index("5m"):], ttls
    assert strip_markers(sent["tools"]) == strip_markers(body["tools"])
    assert sent.get("tool_choice") == body.get("tool_choice")
    mine = _user_marks(sent)
    for loc, ttl in _user_marks(body).items():  # the caller's own markers stay as they were
        assert mine.get(loc) == ttl, (loc, ttl, mine)
    system = sent["system"]
    text = system if isinstance(system, str) else "".join(b["text"] for b in system)
    assert text == body["system"]
    for m_out, m_in in zip(strip_markers(sent["messages"]), body["messages"], strict=True):
        content = m_in["content"]
        if isinstance(content, str) and isinstance(m_out["content"], list):
            content = [{"type": "text", "text": content}]
        assert m_out["content"] == content


def _planner_ttls(sent: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """TTLs of the markers the planner placed (not the caller's)."""
    own = _user_marks(body)
    return [ttl for loc, _, ttl in markers(sent) if loc not in own]


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes, ttl=st.sampled_from(["auto", "5m", "1h"]))
def test_tool_list_traffic_is_never_refused_and_keeps_the_prompt(
    seed: int, shape: ToolTrafficShape, ttl: Literal["auto", "5m", "1h"]
) -> None:
    replay = Replay.new(shape.planners, lambda c: CachePlanner(CachePolicy(ttl=ttl), clock=c))
    for request, sent, plan, _ in replay.steps(tool_script(seed, shape)):
        _check_body(sent, request.body)
        assert len(plan.breakpoints) == len(list(markers(sent)))
        if ttl != "auto":  # one TTL allowed: the planner's markers all have it
            assert set(_planner_ttls(sent, request.body)) <= {ttl}
    assert replay.refused == []


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes)
def test_no_tool_marker_when_the_policy_excludes_tools(
    seed: int, shape: ToolTrafficShape
) -> None:
    """No breakpoint of the tools segment (neither a list's end nor where lists part). A read
    point may still sit in the tools: marking an entry another list's own marker wrote there
    reads it for free (read points are no segment of the policy)."""
    policy = CachePolicy(segments=frozenset({"system", "documents", "tail", "bridge"}))
    replay = Replay.new(shape.planners, lambda c: CachePlanner(policy, clock=c))
    for request, sent, plan, _ in replay.steps(tool_script(seed, shape)):
        own = _user_marks(request.body)
        kinds = {bp.location: bp.segment for bp in plan.breakpoints if bp.location not in own}
        placed = [loc for loc, _, _ in markers(sent) if loc not in own]
        assert sorted(placed) == sorted(kinds)
        assert all(kinds[loc] == "read" for loc in placed if loc[0] == "tools"), kinds
        assert "tools" not in kinds.values()
    assert replay.refused == []


def _decoy(body: dict[str, Any]) -> dict[str, Any]:
    """The request with a tool list that shares its first tools and then parts."""
    extra = {"name": "decoy", "description": "Never sent.", "input_schema": {"type": "object"}}
    return {**body, "tools": [*body["tools"][:3], extra]}


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes, where=st.sampled_from(["before", "between"]))
def test_previews_of_tool_list_traffic_record_nothing(
    seed: int, shape: ToolTrafficShape, where: str
) -> None:
    """Twin planners get the same traffic; one also previews each request (just before planning
    it, or while the previous answer is not yet observed) and a list parting from it that is never
    sent (also with ``plan_cache(learn=False)`` on its state), and must plan exactly like the
    other."""

    def decoys(planner: CachePlanner, body: dict[str, Any]) -> None:
        planner.preview(_decoy(body))  # never planned: a list parting from this one
        plan_cache(_decoy(body), planner.policy, planner.state, learn=False)

    assert_previews_record_nothing(tool_script(seed, shape), shape.planners, where, decoys)


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes)
def test_automatic_ttl_on_tool_loops_without_a_long_gap_writes_no_1h_and_costs_no_more(
    seed: int, shape: ToolTrafficShape
) -> None:
    """One agent (one tool list), no pause, requests at most a minute apart, a new task at
    least every four minutes and none going on after four idle minutes, one planner: nothing is
    needed again after more than four minutes, so a 1h entry never pays."""
    shape = ToolTrafficShape(**{**shape.__dict__, "pauses": 0.0, "planners": 1, "agents": 1,
                                "step_gap": min(shape.step_gap, 60.0), "stale_after": 240.0,
                                "fresh_every": 180.0})
    requests = tool_script(seed, shape)
    auto = Replay.new(1, lambda c: CachePlanner(clock=c))
    five = Replay.new(1, lambda c: CachePlanner(CachePolicy(ttl="5m"), clock=c))
    for request, sent, _, _ in auto.steps(requests):
        assert "1h" not in _planner_ttls(sent, request.body)
    for _ in five.steps(requests):
        pass
    assert auto.cost <= five.cost * 1.001 + 1.0, (auto.cost, five.cost)


def test_automatic_ttl_on_agent_traffic_with_approvals_within_90_minutes_costs_less_in_total(
) -> None:
    """12 seeds x 8 shapes (3 agents, 40 requests, one planner or three, pauses at 15% or 40%
    of the steps, steps up to 60 or 20 s apart), approvals of 5-90 minutes: auto may lose to
    5m-only on one script (a bet on a late step that does not come) but not in total, where it
    saves at least 1% (0.9836x; 0.9923x before a tool loop's tail stopped betting the hour on
    one late gap once loops were seen, ``_ttl.loop_seen``)."""
    auto = five = 0.0
    for planners, pauses, step_gap in itertools.product((1, 3), (0.15, 0.4), (60.0, 20.0)):
        shape = ToolTrafficShape(agents=3, requests=40, planners=planners, pauses=pauses,
                                 pause=(300.0, 5400.0), step_gap=step_gap)
        for seed in range(12):
            requests = tool_script(seed, shape)
            replays = [Replay.new(planners, lambda c, p=p: CachePlanner(p, clock=c))
                       for p in (CachePolicy(), CachePolicy(ttl="5m"))]
            for replay in replays:
                for _ in replay.steps(requests):
                    pass
            auto += replays[0].cost
            five += replays[1].cost
    assert auto <= 0.99 * five, auto / five


def test_tool_lists_stay_bounded_on_endless_new_lists() -> None:
    """Every task binds a list never seen before (tools picked per agent, so the lists part at
    ever new places): at most ``MAX_LISTS`` lists are remembered, the planner's other memory
    stays within its history, and the plans stay valid."""
    shape = ToolTrafficShape(styles=("picked", "own"), agents=200, requests=120, step_gap=20.0,
                             new_tasks=0.7)
    replay = Replay.new(1, lambda c: CachePlanner(CachePolicy(history_size=16), clock=c))
    state = replay.planners[0].state
    for request, sent, _, _ in replay.steps(tool_script(3, shape)):
        _check_body(sent, request.body)
        assert len(state.tool_lists._runs) <= MAX_LISTS
        assert len(state.entries) <= 16 and len(state.tails) <= 16
        assert len(state._trials) <= 16 * 4 and len(state.buckets) <= 512
    assert len(state.tool_lists._runs) == MAX_LISTS
    assert replay.refused == []


def test_concurrent_plans_and_observes_over_rotating_tool_lists() -> None:
    """Four threads share one planner over rotating tool lists: every body stays valid and the
    remembered lists stay bounded (one lock guards the tool lists with the rest of the state)."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    emulator = MessagesEmulator(clock=clock)
    requests = tool_script(11, ToolTrafficShape(agents=12, requests=120, step_gap=5.0))
    lock = threading.Lock()

    def worker(part: int) -> None:
        for request in requests[part::4]:
            out, plan = planner.plan(request.body)
            _check_body(out, request.body)
            with lock:
                response = emulator.handle("POST", "/v1/messages", HEADERS, out)
            assert response.status == 200, response.body
            planner.observe(plan, response.json()["usage"], dict(response.headers))
            clock.advance(1.0)

    assert errors_in_threads(worker, 4) == []
    assert len(planner.state.tool_lists._runs) <= MAX_LISTS
