"""CacheReport accounting and the LangChain callback that feeds it."""

from __future__ import annotations

import io
import threading

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from langchain_cometapi.cache_report import CacheReport, CacheReportCallback, CacheTurn
from tests.helpers.threads import Contended, interleave

RAW = {
    "input_tokens": 100,
    "cache_read_input_tokens": 1000,
    "cache_creation_input_tokens": 300,
    "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 100},
    "output_tokens": 7,
}


def test_raw_usage_is_split_and_priced() -> None:
    report = CacheReport()
    report.add(RAW, "claude-sonnet-4-5")
    report.add({"input_tokens": 50, "cache_creation_input_tokens": 40}, "claude-sonnet-4-5")
    d = report.as_dict()
    assert d["requests"] == 2 and d["requests_with_reads"] == 1
    assert (d["uncached_tokens"], d["read_tokens"]) == (150, 1000)
    assert (d["write_5m_tokens"], d["write_1h_tokens"]) == (240, 100)
    assert d["input_tokens"] == 1490
    expected = 150 + 0.1 * 1000 + 1.25 * 240 + 2.0 * 100
    assert abs(d["cost"] - expected) < 1e-9
    assert abs(d["saved"] - (1 - expected / 1490)) < 1e-9
    assert abs(d["hit_rate"] - 1000 / 1490) < 1e-9
    text = str(report)
    assert "hit rate" in text and "saved" in text and "1,490" in text


def test_usage_metadata_counts_cache_tokens_inside_input_tokens() -> None:
    turn = CacheTurn.from_usage_metadata(
        {
            "input_tokens": 1400,
            "output_tokens": 5,
            "total_tokens": 1405,
            "input_token_details": {
                "cache_read": 1000,
                "cache_creation": 300,
                "ephemeral_1h_input_tokens": 100,
            },
        },
        "m",
    )
    assert (turn.uncached, turn.read, turn.write_5m, turn.write_1h) == (100, 1000, 200, 100)


def test_callback_prefers_raw_usage_and_prints_rows() -> None:
    out = io.StringIO()
    callback = CacheReportCallback(print_turns=True, file=out)
    raw_msg = AIMessage(
        content="hi",
        response_metadata={"usage": RAW, "model": "claude-x"},
        usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
    )
    meta_msg = AIMessage(
        content="hi",
        usage_metadata={
            "input_tokens": 500,
            "output_tokens": 1,
            "total_tokens": 501,
            "input_token_details": {"cache_read": 400},
        },
    )
    result = LLMResult(
        generations=[[ChatGeneration(message=raw_msg)], [ChatGeneration(message=meta_msg)]]
    )
    callback.on_llm_end(result)
    d = callback.report.as_dict()
    assert d["requests"] == 2
    assert d["read_tokens"] == 1400 and d["uncached_tokens"] == 200
    assert out.getvalue().count("[cache]") == 2 and "claude-x" in out.getvalue()


def _ended(read: int) -> LLMResult:
    """A model run that ended with one response reading ``read`` tokens from the cache."""
    usage = {"input_tokens": 100, "cache_read_input_tokens": read}
    message = AIMessage(content="hi", response_metadata={"usage": usage, "model": "claude-x"})
    return LLMResult(generations=[[ChatGeneration(message=message)]])


class _StoppingReport(CacheReport):
    """Stops the first thread right after its turn was added: where the interpreter may switch
    to another thread that adds its own."""

    def __init__(self, stopped: threading.Event, moved: threading.Event) -> None:
        super().__init__()
        self._stopped, self._moved = stopped, moved
        self._lock = Contended(moved)  # type: ignore[assignment]

    def add_turn(self, turn: CacheTurn) -> int:
        number = super().add_turn(turn)
        self._stop()
        return number

    def _stop(self) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self._moved.wait(10.0)


def test_concurrent_responses_print_their_own_numbers() -> None:
    """Two responses ending at once (a thread pool behind one callback) are #1 and #2, never
    both #2."""
    stopped, moved = threading.Event(), threading.Event()
    out = io.StringIO()
    callback = CacheReportCallback(_StoppingReport(stopped, moved), print_turns=True, file=out)
    errors = interleave(
        lambda: callback.on_llm_end(_ended(0)), lambda: callback.on_llm_end(_ended(900)),
        stopped, moved,
    )
    assert errors == []
    numbers = sorted(line.split()[1] for line in out.getvalue().splitlines())
    assert numbers == ["#1", "#2"]


class _StoppingTotals(CacheReport):
    """Stops the first reader of ``input_tokens`` after it summed the totals."""

    def __init__(self, stopped: threading.Event, moved: threading.Event) -> None:
        super().__init__()
        self._stopped, self._moved = stopped, moved
        self._lock = Contended(moved)  # type: ignore[assignment]

    @property
    def input_tokens(self) -> int:
        total = super().input_tokens
        if not self._stopped.is_set():
            self._stopped.set()
            self._moved.wait(10.0)
        return total


def test_rates_read_while_a_turn_is_added_come_from_one_set_of_totals() -> None:
    """``hit_rate`` and ``saved`` read by a dashboard thread while a response is counted: one
    consistent state, before or after the turn (a share of 10.0 mixed the two)."""
    stopped, moved = threading.Event(), threading.Event()
    report = _StoppingTotals(stopped, moved)
    report.add({"input_tokens": 100})
    seen: list[float] = []
    errors = interleave(lambda: seen.append(report.hit_rate),
                        lambda: report.add({"input_tokens": 100, "cache_read_input_tokens": 900}),
                        stopped, moved)
    assert errors == []
    assert seen[0] in (0.0, 900 / 1100)
