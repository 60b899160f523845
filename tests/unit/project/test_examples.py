"""Every example runs offline (no key, no network) exactly as a reader would run it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
OFFLINE_BANNER = "[offline: the built-in emulator answers; set COMETAPI_KEY to run live]"


def run_example(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMETAPI_")}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    assert proc.stdout.splitlines()[0] == OFFLINE_BANNER
    return proc.stdout


def check_chain(out: str) -> None:
    answers = out.splitlines()[1:]
    assert len(answers) == 3
    for answer, topic in zip(answers, ["prompt caching", "streaming", "tool calling"], strict=True):
        assert topic in answer  # the emulator echoes the prompt the template produced


def check_streaming_chat(out: str) -> None:
    assert out.count("assistant> ") == 3
    sizes = [int(n) for n in re.findall(r"\((\d+) in, \d+ out\)", out)]
    assert len(sizes) == 3 and sizes[0] < sizes[1] < sizes[2]  # the history is re-sent and grows


def check_agent(out: str) -> None:
    lines = out.splitlines()
    assert "tool call   get_weather({'city': 'Lisbon'})" in lines
    assert "tool result 24 °C, sunny" in lines  # the real tool ran
    assert "tool result 75.2 °F" in lines  # 24 °C converted by the real tool
    assert lines[-1].startswith("answer      ") and len(lines[-1]) > 20


def check_rag_cache(out: str) -> None:
    assert out.count("\nQ: ") == 4 and out.count("\nA: From [") == 4
    read = int(re.search(r"read from cache\s+([\d,]+)", out)[1].replace(",", ""))  # type: ignore[index]
    saved = float(re.search(r"saved\s+(-?[\d.]+)%", out)[1])  # type: ignore[index]
    assert read > 0 and saved > 0
    per_turn = re.findall(r"\[cache\] #(\d+) .*: read (\d+)", out)
    assert [n for n, _ in per_turn] == ["1", "2", "3", "4"]
    assert int(per_turn[-1][1]) > 0  # by the last turn the conversation is read from cache


CHECKS = {
    "chain.py": check_chain,
    "streaming_chat.py": check_streaming_chat,
    "agent.py": check_agent,
    "rag_cache.py": check_rag_cache,
}


def test_every_example_is_checked() -> None:
    found = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert found == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_runs_offline(name: str) -> None:
    CHECKS[name](run_example(name))


def _load_model_helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_examples_model", EXAMPLES / "_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_go_live_when_a_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMETAPI_KEY", "sk-test-not-real")
    helper = _load_model_helper()
    assert helper.OFFLINE is False
    llm = helper.chat_model(max_tokens=10)
    assert llm.http_client is None and llm.base_url.startswith("https://")
    assert llm.api_key.get_secret_value() == "sk-test-not-real"


def test_examples_use_the_emulator_without_a_key() -> None:
    helper = _load_model_helper()
    assert helper.OFFLINE is True
    llm = helper.chat_model()
    assert llm.http_client is not None and llm.http_async_client is not None
    assert llm.invoke("ping").text == "You said: ping"
