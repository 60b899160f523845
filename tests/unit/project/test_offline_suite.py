"""`make test` is offline whatever the shell holds: a key in the environment never switches the
cassette tests to live traffic or rewrites cassettes; recording is an explicit command."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CASSETTES = ROOT / "cassettes"


def _snapshot() -> dict[str, str]:
    return {
        str(p.relative_to(CASSETTES)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(CASSETTES.rglob("*"))
        if p.is_file()
    }


def _pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False,
    )


def test_cassette_tests_replay_even_with_a_key_in_the_environment() -> None:
    env = {
        **os.environ,
        "COMETAPI_KEY": "sk-not-a-real-key-for-this-test",
        "COMETAPI_API_KEY": "sk-not-a-real-key-for-this-test",
        # were it contacted, nothing listens there: the test would fail, not spend money
        "COMETAPI_BASE_URL": "http://127.0.0.1:9",
        "RECORD_EMULATOR": "1",  # the old switch: no longer read
    }
    before = _snapshot()
    run = _pytest("tests/integration/test_features.py", env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "3 passed" in run.stdout
    assert _snapshot() == before  # nothing re-recorded, no cassettes/live/ appeared


def test_live_recording_needs_the_explicit_option_and_a_key() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMETAPI_")}
    run = _pytest("tests/integration", "--collect-only", "--record-cassettes=live", env=env)
    assert run.returncode != 0
    assert "needs COMETAPI_KEY" in run.stderr + run.stdout


def test_make_test_does_not_record_and_make_record_does() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = {
        line.split(":", 1)[0]: line for line in makefile.splitlines() if ":" in line[:40]
    }
    assert "record" in targets and "record-emulator" in targets
    body = makefile.split("\nrecord:", 1)[1].split("\n\n", 1)[0]
    assert "--record-cassettes=live" in body
    unit = makefile.split("\nunit:", 1)[1].split("\n\n", 1)[0]
    assert "record" not in unit
