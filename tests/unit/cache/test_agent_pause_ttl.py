"""The automatic TTL in tool loops whose human approval pauses them for minutes: 1h on the tail
only where what it keeps through the pause pays for it (``_select._staked``)."""

from __future__ import annotations

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._candidates import CandidateFinder, _tool_turn
from langchain_cometapi.cache._context import PlanContext
from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._scan import scan_body
from langchain_cometapi.cache._select import Candidate, choose
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.cache._ttl import foreign_ttl, late_next, loop_seen, odds
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import agent_body, chat_body, words
from tests.helpers.cache_traffic import exchange

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _replay(policy: CachePolicy) -> tuple[float, int]:
    """Eight agent tasks of 9 steps, 10 s apart; every other task waits 15 minutes for approval
    before its fifth step. Total input cost (base-input units) and refused requests."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(policy, clock=clock)
    cost, refused = 0.0, 0
    for task in range(8):
        for step in range(9):
            clock.advance(900.0 if task % 2 and step == 4 else 10.0)
            _, price = exchange(planner, emulator, agent_body(task, step))
            refused += price is None
            cost += price or 0.0
        clock.advance(120.0)
    return cost, refused


def test_agent_loop_with_approval_pauses_costs_no_more_than_5m_only() -> None:
    auto, refused = _replay(CachePolicy())
    five, _ = _replay(CachePolicy(ttl="5m"))
    assert refused == 0
    assert auto <= five


def _pool(late: float, floor: float) -> tuple[list[Candidate], list[float], list[int]]:
    cumulative = [float(1000 * (i + 1)) for i in range(30)]  # 1k tokens a block
    reads = {"5m": 9.0, "1h": 9.0}
    head = Candidate(2, "system", "system", "5m", dict(reads), alive=True)
    tail = Candidate(29, "tail", "tail", "5m", dict(reads), late=late, stake_floor=floor)
    return [head, tail], cumulative, [2, 28]


def test_small_turn_on_a_long_unprotected_conversation_is_written_at_1h() -> None:
    pool, cumulative, alive = _pool(late=0.1, floor=0.0)
    choice = choose(pool, [], 4, cumulative, alive, 1024.0)
    assert dict((c.segment, ttl) for c, ttl in choice.marks)["tail"] == "1h"


def test_tail_stays_5m_when_an_entry_live_at_1h_already_keeps_the_conversation() -> None:
    pool, cumulative, alive = _pool(late=0.1, floor=28_000.0)
    choice = choose(pool, [], 4, cumulative, alive, 1024.0)
    assert dict((c.segment, ttl) for c, ttl in choice.marks)["tail"] == "5m"


def test_full_rewrite_after_a_pause_stays_5m_unless_a_late_turn_is_likely() -> None:
    pool, cumulative, _ = _pool(late=0.4, floor=0.0)
    pool[0].alive = False
    ttls = dict((c.segment, t) for c, t in choose(pool, [], 4, cumulative, [], 1024.0).marks)
    assert ttls["tail"] == "5m"
    pool[1].late = 0.9
    ttls = dict((c.segment, t) for c, t in choose(pool, [], 4, cumulative, [], 1024.0).marks)
    assert ttls["tail"] == "1h"


def test_fleet_guess_of_the_previous_tail_ttl_is_this_plans_tail_ttl() -> None:
    tail = Candidate(10, "tail", "tail", "5m", {"5m": 3.0, "1h": 3.0})
    reuse = {"5m": 3.0, "1h": 3.0}
    assert foreign_ttl(reuse, 8, [(tail, "1h")]) == "1h"
    assert foreign_ttl(reuse, 8, [(tail, "5m")]) == "5m"
    assert foreign_ttl(reuse, 8, [(Candidate(9, "read", "r", "5m"), "5m")]) == "5m"


def test_entry_written_at_1h_by_the_same_request_counts_as_kept() -> None:
    """A head written at 1h now survives the pause too: only the turns above it are at stake."""
    cumulative = [float(1000 * (i + 1)) for i in range(30)]
    reads = {"5m": 9.0, "1h": 9.0}
    head = Candidate(26, "system", "system", "1h", {"5m": 9.0, "1h": 9.0}, fixed=True)
    tail = Candidate(29, "tail", "tail", "5m", dict(reads), late=0.1)
    choice = choose([tail], [head], 3, cumulative, [], 1024.0)
    assert dict((c.segment, ttl) for c, ttl in choice.marks)["tail"] == "5m"


def test_previous_tail_another_worker_wrote_is_not_counted_as_a_1h_rewrite() -> None:
    """Nothing live here, but the previous turn's tail (another planner's) will be read: the
    1h premium falls on the new turn only, so a likely late turn pays for it."""
    cumulative = [float(1000 * (i + 1)) for i in range(30)]
    reads = {"5m": 2.0, "1h": 2.0}
    tail = Candidate(29, "tail", "tail", "5m", dict(reads), late=0.3)
    assert dict((c.segment, t) for c, t in choose([tail], [], 4, cumulative, [], 1024.0).marks) \
        == {"tail": "5m"}
    tail.likely_read = 28_000.0
    assert dict((c.segment, t) for c, t in choose([tail], [], 4, cumulative, [], 1024.0).marks) \
        == {"tail": "1h"}


def _context(state: CacheState, ttls: tuple[str, ...] = ("5m", "1h")) -> PlanContext:
    return PlanContext(CachePolicy(), state, 0.0, True, 1024.0, ttls)


def test_a_loop_is_seen_once_its_tail_kind_has_outcomes_in_any_application() -> None:
    state = CacheState()
    kind = PrefixKind.TAIL_CONTINUED
    assert not loop_seen(_context(state), kind)  # the prior is no evidence
    for _ in range(2):
        state._add_trial((kind, "other app"), False)
    assert not loop_seen(_context(state), kind)  # 1.9 decayed trials
    state._add_trial((kind, "other app"), False)  # all missed: still a loop seen
    assert loop_seen(_context(state), kind)
    assert not loop_seen(_context(state), PrefixKind.TAIL_FIRST)


def _return_after_a_pause(seen: int) -> list[str]:
    """TTLs the planner gives a tool loop's turn that comes back 20 minutes after its second
    step, when ``seen`` outcomes of continued tails (other applications', all missed) were
    learnt before."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    for _ in range(seen):
        planner.state._add_trial((PrefixKind.TAIL_CONTINUED, None), False)
    for step, wait in enumerate((0.0, 10.0, 1200.0)):
        clock.advance(wait)
        out, plan = planner.plan(agent_body(4, step))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        planner.observe(plan, response.json()["usage"], dict(response.headers))
    return [bp.ttl for bp in plan.breakpoints if bp.source == "planner"]


def test_tool_loop_tail_is_no_chain_of_its_own_at_1h_once_loops_were_seen() -> None:
    """One late gap of this conversation (and the return share's prior "within the hour") made
    a tool loop's tail, not yet seen to chain in this application, a 1h chain of its own, and
    the head with it; on random agent traffic those bets lost. Once continued tails have
    outcomes anywhere in the state, the tail is valued as a loop's step: here a full rewrite
    after the pause, which the stake does not pay for at this late share."""
    assert "1h" not in _return_after_a_pause(seen=3)


def test_tool_loop_tail_keeps_the_late_gap_bet_before_any_outcome() -> None:
    """Before the state has seen any continued tail to an outcome, the late gap still counts
    (the exception ``loop_seen`` names): the same return writes for the hour."""
    assert "1h" in _return_after_a_pause(seen=0)


def test_late_next_turn_is_zero_without_late_evidence_or_a_choice_of_ttl() -> None:
    state = CacheState()
    kind = PrefixKind.TAIL_CONTINUED

    def late(ttls: tuple[str, ...] = ("5m", "1h")) -> float:
        context = _context(state, ttls)
        return late_next(context, *odds(context, kind, "app"))

    assert late() == 0.0  # the late prior is below evidence
    for _ in range(3):
        state._add_trial((kind, "app"), False)
        state.bucket((kind, "app")).add_late()
    assert late() > 0.3
    assert late(("5m",)) == 0.0


def test_only_a_request_answering_tool_calls_is_a_tool_turn() -> None:
    agent = agent_body(1, 3)
    chat = {"model": "claude-sonnet-4-6", "system": "s " + words(50), "messages": [
        {"role": "user", "content": "hello " + words(20)},
        {"role": "assistant", "content": [{"type": "text", "text": words(30)}]},
        {"role": "user", "content": "and then? " + words(20)}]}
    assert _tool_turn(scan_body(agent, [{"type": "text", "text": agent["system"]}], {}))
    assert not _tool_turn(scan_body(chat, [{"type": "text", "text": chat["system"]}], {}))


def test_chat_turns_keep_the_late_share_rule_not_the_tool_loop_stake() -> None:
    """A person who leaves for 20 minutes every fourth turn: the late share says 1h for every
    tail (the person's habit), where the tool-loop stake would write 5m tails between pauses."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    written: list[str] = []
    for turn in range(1, 17):
        clock.advance(1200.0 if turn % 4 == 0 else 15.0)
        out, plan = planner.plan(chat_body(turn))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        planner.observe(plan, response.json()["usage"], dict(response.headers))
        written += [bp.ttl for bp in plan.breakpoints if bp.segment == "tail" and turn > 8]
    assert written and set(written) == {"1h"}


def _stake_floor(shared: float) -> tuple[float, float]:
    """What a 1h tail is believed not to keep (``stake_floor``) on an agent body, and the
    head's prefix tokens, when ``shared`` of the reads come from other planners' entries."""
    body = agent_body(1, 3)
    scan = scan_body(body, [{"type": "text", "text": body["system"]}], {})
    state = CacheState()
    state.shared = shared
    context = PlanContext(CachePolicy(), state, 0.0, False, 1024.0, ("5m", "1h"))
    tokens = [float(t) for t in scan.prefix_tokens]
    finder = CandidateFinder(context, scan, tokens, "app", None, False, None)
    return finder._lasting_1h([], len(tokens) - 1), tokens[scan.system_end]


def test_a_head_other_planners_keep_warm_is_not_at_stake_in_a_pause() -> None:
    """Behind a fleet whose planners share the API's cache, other conversations need the
    tools and system (their starts) and keep that entry warm through this one's pause: a 1h
    tail is worth what it keeps above it, in the share of reads others make."""
    alone, head = _stake_floor(0.0)
    fleet, _ = _stake_floor(0.5)
    assert alone == 0.0
    assert fleet == 0.5 * head > 0.0
