"""The automatic TTL's account of its 1h bets (``_bets``): a bet on a shared prefix under a 5m
tail is made only while earlier bets, and the late needs seen at 5m, have paid for it.

On small traffic a head written for the hour on its kind's late share, then never needed late
again (the traffic ends, the next need comes after the hour), is what makes auto cost more than
5m-only. The account bounds that: the premium of 1h writes against what late reads of 1h
entries saved, plus what 1h entries would have saved where a shared prefix at 5m was needed
again within the hour.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langchain_cometapi.cache._bets import PREMIUM, RESCUE, BetAccount, rescued_tokens
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._select import Candidate, Choice
from langchain_cometapi.cache._state import Entry
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body, words
from tests.helpers.cache_traffic import exchange

NOW = 10_000.0


def _body(conversation: int, turns: int) -> dict[str, Any]:
    body = chat_body(turns)
    body["messages"][0]["content"] = f"conversation {conversation}: " + words(300, conversation)
    return body


def _system_ttl(planner: CachePlanner, body: dict[str, Any]) -> str:
    plan = planner.preview(body)
    return next(bp.ttl for bp in plan.breakpoints if bp.segment == "system")


def _short_chats_every_quarter_hour(
    conversations: int,
) -> tuple[CachePlanner, ManualClock, MessagesEmulator]:
    """Two quick turns per conversation, a new one every ~16 minutes: the system prompt is
    needed again after its 5m entry expired, within the hour, at every start."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    for conversation in range(conversations):
        for turns in (1, 2):
            exchange(planner, emulator, _body(conversation, turns))
            clock.advance(30.0)
        clock.advance(15 * 60.0)
    return planner, clock, emulator


def test_shared_prefix_is_bet_for_the_hour_once_late_needs_paid_for_it() -> None:
    planner, _, _ = _short_chats_every_quarter_hour(3)
    account = planner.state.bets
    assert account.paid == 0.0 and account.foregone > 0.0  # late needs seen, at 5m
    assert _system_ttl(planner, _body(3, 1)) == "1h"


def test_shared_prefix_is_not_bet_for_the_hour_on_an_account_that_cannot_stand_it() -> None:
    planner, _, _ = _short_chats_every_quarter_hour(3)
    spent = planner.state.bets.spent
    # the same odds, after earlier 1h bets that were never read late (3 heads' premium lost)
    planner.state.bets = BetAccount(spent=spent, paid=planner.state.bets.foregone * 3)
    plan = planner.preview(_body(3, 1))
    assert all(bp.ttl == "5m" for bp in plan.breakpoints)
    assert any("earlier 1h bets" in note for note in plan.notes)


def test_a_conversations_own_one_hour_tail_is_not_limited_by_the_account() -> None:
    broke = BetAccount(spent=100.0, paid=1e6)
    tail, head = Candidate(9, "tail", "", "1h"), Candidate(4, "system", "", "1h")
    own = Choice([(head, "1h"), (tail, "1h")], 0.0, -1, [4, 9], 0, 0, 5000)
    shared = Choice([(head, "1h"), (replace(tail, ttl="5m"), "5m")], 0.0, -1, [4, 9], 0, 3000, 2000)
    assert broke.affords_shared(own)
    assert not broke.affords_shared(shared)
    assert BetAccount(spent=100.0, paid=1e6, foregone=2e6).affords_shared(shared)


def test_late_reads_of_one_hour_entries_are_counted_as_rescued() -> None:
    planner, clock, emulator = _short_chats_every_quarter_hour(4)  # the 4th start bets 1h
    paid, rescued = planner.state.bets.paid, planner.state.bets.rescued
    assert paid > 0.0 and rescued == 0.0
    plan, _ = exchange(planner, emulator, _body(4, 1))  # 15 minutes later: a late read
    late = planner.state.bets.rescued - rescued
    head = next(bp.prefix_tokens for bp in plan.breakpoints if bp.segment == "system")
    assert late > 0.9 * RESCUE * head
    clock.advance(30.0)
    exchange(planner, emulator, _body(4, 2))  # half a minute later: a 5m entry would serve
    assert planner.state.bets.rescued == rescued + late
    assert planner.state.bets.paid == paid


def _entry(ttl: str, used_ago: float) -> Entry:
    life = 3600.0 if ttl == "1h" else 300.0
    return Entry(last_seen=NOW - used_ago, alive_until=NOW - used_ago + life, ttl=ttl)


def test_only_a_read_a_5m_entry_could_not_have_served_is_rescued() -> None:
    tokens = [0.0] * 10
    tokens[4], tokens[9] = 2000.0, 5000.0
    late_1h, fresh_1h = _entry("1h", 900.0), _entry("1h", 120.0)
    assert rescued_tokens([late_1h], tokens, [9], 9, NOW) == 5000.0
    assert rescued_tokens([fresh_1h], tokens, [9], 9, NOW) == 0.0  # used 2 minutes ago
    assert rescued_tokens([_entry("5m", 60.0)], tokens, [9], 9, NOW) == 0.0
    # a 5m entry used a minute ago would still hold the first 2000 tokens
    both = [_entry("5m", 60.0), late_1h]
    assert rescued_tokens(both, tokens, [4, 9], 9, NOW) == 3000.0
    assert rescued_tokens([late_1h], tokens, [9], -1, NOW) == 0.0  # nothing read


def test_account_settles_what_the_api_billed() -> None:
    account = BetAccount()
    account.settle(cost=1000.0, written_1h=400, rescued=0.0)
    account.settle(cost=200.0, written_1h=0, rescued=400.0)
    assert account.spent == 1200.0
    assert account.paid == PREMIUM * 400
    assert account.rescued == RESCUE * 400
