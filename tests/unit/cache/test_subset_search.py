"""The breakpoint subset search (``_select.choose``): what a set reads is not also written."""

from __future__ import annotations

from itertools import combinations

from langchain_cometapi.cache._select import Candidate, _facts, _scored, choose

#: prefix tokens at positions 0..9, past the 1024-token minimum from position 2 on
CUMULATIVE = [float(600 * (i + 1)) for i in range(10)]


def test_user_marker_on_the_live_entry_it_reads_is_a_read_not_a_write() -> None:
    # The user's marker sits on an entry this planner believes live: the request reads it, so
    # it must not be counted (nor learnt, nor priced) as a write of the same prefix.
    marker = Candidate(6, "messages", "user marker", "5m", fixed=True)
    choice = choose([], [marker], 3, CUMULATIVE, [6], 1024.0)
    assert choice.read_pos == 6
    assert choice.written == []
    assert (choice.read_tokens, choice.write_5m, choice.write_1h) == (4200, 0, 0)


def test_candidate_after_the_live_entry_is_written_past_what_it_reads() -> None:
    live = Candidate(6, "messages", "read", "5m", {}, alive=True)
    tail = Candidate(8, "messages", "tail", "5m", {"5m": 20.0, "1h": 20.0})
    choice = choose([tail, live], [], 4, CUMULATIVE, [6], 1024.0)
    assert [c.pos for c, _ in choice.marks] == [6, 8]
    assert choice.read_pos == 6
    assert choice.written == [8]
    assert (choice.read_tokens, choice.write_5m, choice.write_1h) == (4200, 1200, 0)


def test_upgraded_candidate_earns_the_later_reads_of_its_new_ttl() -> None:
    # No 1h marker may follow a 5m one, so the 5m candidate before a 1h one is upgraded; its
    # later reads must then be those at 1h (5.0), not at the 5m it asked for (0.0): with them
    # the pair pays (0.9 x 1.0 x 3600 + 0.9 x 5.0 x 1800 - 5400 = 5940), without it marking
    # nothing would win.
    head = Candidate(2, "system", "head", "5m", {"5m": 0.0, "1h": 5.0})
    tail = Candidate(8, "tail", "tail", "1h", {"1h": 1.0})
    choice = choose([tail, head], [], 4, CUMULATIVE, [], 1024.0)
    assert [(c.pos, ttl) for c, ttl in choice.marks] == [(2, "1h"), (8, "1h")]
    assert choice.written == [2, 8]
    assert (choice.read_tokens, choice.write_5m, choice.write_1h) == (0, 0, 5400)
    assert abs(choice.value - 5940.0) < 1e-6


def test_all_5m_search_scores_sets_as_the_general_path() -> None:
    # The search skips the TTL cap/upgrade when every candidate asks 5m: the same sets must
    # then score as they do through the general path (shared head, own tail, a live read).
    head = Candidate(1, "system", "head", "5m", {"5m": 0.8}, shared=True,
                     own_reuse={"5m": 3.0})  # fmt: skip
    live = Candidate(4, "read", "live", "5m", {}, alive=True)
    tail = Candidate(9, "tail", "tail", "5m", {"5m": 2.0})
    pool = [head, live, tail]
    facts = _facts(pool, CUMULATIVE, [4], 1024.0)
    for size in range(len(pool) + 1):
        for subset in combinations(facts, size):
            fast = _scored(subset, CUMULATIVE, CUMULATIVE[4], True)
            general = _scored(subset, CUMULATIVE, CUMULATIVE[4], False)
            assert fast == general
            assert [f[0] for f in fast[2]] == [f[0] for f in subset if f[4] and f[1] > fast[3]]
