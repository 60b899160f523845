"""The demo (README's first command): offline by default, says so first, honest cache table."""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from langchain_cometapi.cache_report import CacheTurn
from langchain_cometapi.demo import _main as demo
from langchain_cometapi.demo._data import POLICIES, QUESTIONS, retrieve
from langchain_cometapi.demo._offline import build_model, extractive_answer
from langchain_cometapi.demo._ui import Console

ROOT = Path(__file__).resolve().parents[3]
ROW = re.compile(r"^[│|] (\d+|all) +[│|]")


def _run(*args: str) -> tuple[int, str, float]:
    out = io.StringIO()
    start = time.perf_counter()
    code = demo.main(list(args), stream_to=out)
    return code, out.getvalue(), time.perf_counter() - start


def _table_rows(text: str) -> dict[str, list[str]]:
    """Cells of the cache table's rows (turn number or 'all' -> the other cells)."""
    rows = {}
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            cells = [c.strip() for c in re.split(r"[│|]", line)[1:-1]]
            rows[cells[0]] = cells[1:]
    return rows


def _num(cell: str) -> int:
    return int(cell.replace(",", ""))


def test_demo_runs_offline_fast_and_says_so_first() -> None:
    code, text, seconds = _run()
    assert code == 0
    head = "\n".join(text.splitlines()[:4])
    assert "OFFLINE DEMO" in head and "COMETAPI_KEY is not set" in head
    for section in ("1. A chain", "2. Streaming", "3. A tool call", "4. A RAG conversation"):
        assert section in text
    assert "tool result: the Utrecht shop has 3 Volt C in size M in stock." in text
    assert "offline on the emulator" in text.splitlines()[-1]
    assert seconds < 10
    assert "\x1b[" not in text  # not a terminal: no colour codes


def test_cache_table_rows_match_the_turns_and_add_up() -> None:
    _, text, _ = _run("--only-rag")
    rows = _table_rows(text)
    assert set(rows) == {str(i) for i in range(1, len(QUESTIONS) + 1)} | {"all"}
    # columns: question, read, written, uncached, cost, no cache, saved
    numbered = [rows[str(i)] for i in range(1, len(QUESTIONS) + 1)]
    for column in (1, 2, 3, 4, 5):
        assert sum(_num(r[column]) for r in numbered) == pytest.approx(
            _num(rows["all"][column]), abs=len(numbered)  # per-row cost is rounded
        )
    for r in numbered:  # no cache = read + written + uncached, every row
        assert _num(r[5]) == _num(r[1]) + _num(r[2]) + _num(r[3])


def test_conversation_reads_the_cache_after_the_first_turn_and_saves() -> None:
    llm, emulator = build_model()
    assert emulator is not None
    turns = demo.rag_conversation(llm, Console(io.StringIO(), tty=False))
    assert len(turns) == len(QUESTIONS) == len(emulator.requests)
    assert turns[0].read == 0  # nothing to read on a cold cache
    assert all(t.read > 0 for t in turns[1:])
    # each later turn reads at least everything the previous turn sent (its whole prefix)
    for before, after in itertools.pairwise(turns):
        assert after.read >= before.read
    total = sum(t.total for t in turns)
    assert sum(t.cost for t in turns) < 0.6 * total
    # the planner, not the demo, put the breakpoints there
    bodies = [r["body"] for r in emulator.requests]
    assert all("cache_control" in str(b) for b in bodies)


def test_turn_of_prefers_raw_usage_and_falls_back_to_usage_metadata() -> None:
    raw = AIMessage(
        "x",
        response_metadata={"model_name": "m", "usage": {
            "input_tokens": 5, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 30,
            "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 20},
        }},
    )  # fmt: skip
    assert demo.turn_of(raw) == CacheTurn("m", 5, 100, 10, 20)
    meta_only = AIMessage(
        "x",
        usage_metadata={
            "input_tokens": 135, "output_tokens": 1, "total_tokens": 136,
            "input_token_details": {"cache_read": 100, "cache_creation": 30},
        },
    )  # fmt: skip
    assert demo.turn_of(meta_only) == CacheTurn("", 5, 100, 30, 0)


def test_live_mode_when_a_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMETAPI_KEY", "sk-test-not-real")
    llm, emulator = build_model("claude-opus-4-6")
    assert emulator is None
    assert llm.http_client is None and llm.model == "claude-opus-4-6"
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "sk-test-not-real"
    assert llm.base_url.startswith("https://")


def test_retrieval_picks_the_matching_policy_first() -> None:
    titles = {p.title for p in POLICIES}
    assert retrieve("how do I store my bike in winter")[0].title == "Winter storage"
    assert retrieve("which frame size for my height")[0].title == "Sizing"
    assert {p.title for p in retrieve("anything at all", k=3)} <= titles


def test_extractive_answer_quotes_the_best_sentence_of_the_first_passage() -> None:
    user = (
        '<documents>\n<document title="A">\nCats sleep a lot. Dogs bark at night.\n</document>\n'
        '<document title="B">\nDogs bark loudly at night when bored.\n</document>\n</documents>'
        "\n\nWhy do dogs bark at night?"
    )
    assert extractive_answer(user) == "From our a policy: Dogs bark at night."


def test_console_degrades_without_a_terminal_or_unicode() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    con = Console(stream, tty=False)
    con.table(["a", "b"], [["x…", "1"]], align="lr", footer=["all", "1"])
    con.print("read 1 · written 2 → cost")
    with con.progress("waiting"):
        time.sleep(0.2)  # no spinner without a terminal
    stream.flush()
    text = raw.getvalue().decode("ascii")
    lines = text.splitlines()
    assert lines[0].startswith("+-") and "| x... |" in text
    assert len({len(line) for line in lines[:-1]}) == 1  # the table's lines line up
    assert lines[-1] == "read 1 - written 2 -> cost"
    assert "waiting" not in text


def test_spinner_animates_on_a_terminal_and_clears_its_line() -> None:
    out = io.StringIO()
    con = Console(out, tty=True)
    with con.progress("calling the model"):
        time.sleep(0.3)
    text = out.getvalue()
    assert text.count("calling the model") >= 2  # several frames
    assert text.endswith("\r\x1b[2K")


def test_module_entry_point_in_a_subprocess() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMETAPI_")}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "langchain_cometapi.demo", "--only-rag"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert time.perf_counter() - start < 10
    assert proc.stdout.splitlines()[1].lstrip("┌+").startswith(("─", "-"))
    assert "OFFLINE DEMO" in proc.stdout.splitlines()[2]
    assert "Cache report" in proc.stdout
