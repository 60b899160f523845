"""The breakpoint subset search (``_select.choose``): what a set reads is not also written."""

from __future__ import annotations

from langchain_cometapi.cache._select import Candidate, choose

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
