"""Offline token estimation: synthetic bodies, media sizing, caching, no network, calibration."""

from __future__ import annotations

import base64
import random
import socket
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_cometapi.tokens import _text as _tok_text
from langchain_cometapi.tokens import (
    estimate_block_tokens,
    estimate_request_tokens,
    estimate_text_tokens,
    estimate_tool_tokens,
    message_overhead_tokens,
    request_overhead_tokens,
    request_token_breakdown,
)
from langchain_cometapi.tokens._media import image_dimensions, image_tokens, pdf_page_count

CASES = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "cases"
WORDS = [
    "the",
    "cache",
    "planner",
    "places",
    "breakpoints",
    "where",
    "prompt",
    "prefixes",
    "repeat",
    "across",
    "turns",
]


def _prose(n_words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": text}]}


def _png_b64(width: int, height: int) -> str:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(ihdr))
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 32).decode()


@pytest.fixture
def offline_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty tiktoken cache dir: the estimator must fall back, never download."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setattr(_tok_text, "_local_cl100k_file", lambda: None)
    _tok_text._reset_backend()
    yield
    _tok_text._reset_backend()


def test_text_tokens_monotonic_in_length(offline_fallback: None) -> None:
    counts = [estimate_text_tokens(_prose(n)) for n in (10, 100, 1000, 5000)]
    assert counts == sorted(counts) and len(set(counts)) == 4
    # ~1 token per common English word (not chars/4 of a long text, not per character)
    assert 800 < counts[2] < 1400
    assert estimate_text_tokens("") == 0


def test_character_classes_matter(offline_fallback: None) -> None:
    latin = estimate_text_tokens("word " * 200)
    digits = estimate_text_tokens("7 " * 200)
    cjk = estimate_text_tokens("漢字" * 100)
    assert latin < 2 * 200 and cjk >= 150  # CJK costs about a token per character
    assert digits >= 150


def test_request_grows_with_messages(offline_fallback: None) -> None:
    short = {"model": "claude-sonnet-4-5", "messages": [_user(_prose(50))]}
    long = {"model": "claude-sonnet-4-5", "messages": [_user(_prose(50)), _user(_prose(500))]}
    assert estimate_request_tokens(long) > estimate_request_tokens(short) + 400


TOOL = {
    "name": "get_weather",
    "description": "Weather for a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.mark.parametrize(
    ("model", "auto", "forced"),
    [  # Anthropic's tool-use system prompt table (auto/none, any/tool)
        ("claude-3-haiku-20240307", 264, 340),
        ("claude-3-opus-20240229", 530, 281),
        ("claude-3-5-haiku-20241022", 264, 355),
        ("claude-3-5-sonnet-20240620", 294, 261),
        ("claude-3-5-sonnet-20241022", 346, 313),
        ("claude-sonnet-4-20250514", 313, 315),
        ("claude-sonnet-4-5-20250929", 496, 588),
        ("claude-haiku-4-5", 496, 588),
        ("claude-sonnet-4-6", 497, 589),
        ("claude-opus-4-7", 675, 804),
        ("claude-opus-4-8", 290, 410),
        ("anthropic/claude-sonnet-5", 354, 474),
    ],
)
def test_tool_prompt_is_the_documented_size_per_model_and_choice(
    offline_fallback: None, model: str, auto: int, forced: int
) -> None:
    base = {"model": model, "messages": [_user("Say hello")]}
    plain = estimate_request_tokens(base)
    tool = estimate_tool_tokens(TOOL, model=model)
    for choice, expected in (("auto", auto), ("none", auto), ("any", forced), ("tool", forced)):
        body = {**base, "tools": [TOOL], "tool_choice": {"type": choice}}
        assert estimate_request_tokens(body) - plain - tool == pytest.approx(expected, abs=1)
    assert estimate_request_tokens({**base, "tools": [TOOL]}) - plain - tool == pytest.approx(
        auto, abs=1
    )


def test_server_tools_have_a_definition_size(offline_fallback: None) -> None:
    assert estimate_tool_tokens({"type": "web_search_20250305", "name": "web_search"}) > 300


def test_tool_call_arguments_cost_per_argument(offline_fallback: None) -> None:
    def call(arguments: dict[str, Any]) -> int:
        block = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": arguments}
        return estimate_block_tokens(block)

    one = call({"a": "x"})
    three = call({"a": "x", "b": "x", "c": "x"})
    assert three - one >= 2 * 8  # each argument is rendered with its own framing


def test_adaptive_thinking_and_effort_add_nothing(offline_fallback: None) -> None:
    base = {"model": "claude-sonnet-4-6", "messages": [_user("Create a riddle")]}
    adaptive = {**base, "thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}}
    enabled = {**base, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    assert estimate_request_tokens(adaptive) == estimate_request_tokens(base)
    assert estimate_request_tokens(enabled) > estimate_request_tokens(base) + 10


def test_images_by_dimension(offline_fallback: None) -> None:
    small = _png_b64(200, 150)
    big = _png_b64(4000, 3000)
    assert image_dimensions(small) == (200, 150)
    block = {"type": "image", "source": {"type": "base64", "media_type": "image/png"}}
    t_small = estimate_block_tokens({**block, "source": {**block["source"], "data": small}})
    t_big = estimate_block_tokens({**block, "source": {**block["source"], "data": big}})
    assert abs(t_small - 200 * 150 / 750) <= 3
    assert 1400 <= t_big <= 1601  # downscaled, capped
    assert image_tokens(1092, 1092) == pytest.approx(1590, abs=5)


def test_gif_and_jpeg_headers() -> None:
    gif = base64.b64encode(b"GIF89a" + struct.pack("<HH", 320, 240) + b"\x00" * 20).decode()
    assert image_dimensions(gif) == (320, 240)
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 480, 640) + b"\x00" * 12
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9 + sof
    assert image_dimensions(base64.b64encode(jpeg).decode()) == (640, 480)


def test_pdf_pages_counted() -> None:
    pages = b"".join(b"%d 0 obj << /Type /Page /Parent 2 0 R >> endobj\n" % i for i in range(3, 6))
    pdf = b"%PDF-1.4\n2 0 obj << /Type /Pages /Kids [] >> endobj\n" + pages
    assert pdf_page_count(base64.b64encode(pdf).decode()) == 3
    doc = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf"},
    }
    one = estimate_block_tokens({**doc, "source": {**doc["source"], "data": "JVBERi0="}})
    three = estimate_block_tokens(
        {**doc, "source": {**doc["source"], "data": base64.b64encode(pdf).decode()}}
    )
    assert three > 2 * one


def test_identity_of_breakdown(offline_fallback: None) -> None:
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "system": [{"type": "text", "text": _prose(300)}],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "tools": [{"name": "t", "description": "d", "input_schema": {"type": "object"}}],
        "messages": [
            _user(_prose(40)),
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": _prose(200), "signature": "x"},
                    {"type": "text", "text": "ok"},
                ],
            },
            {"role": "user", "content": "next"},
        ],
    }
    b = request_token_breakdown(body)
    assert b.messages[1][0] == 0  # earlier turn's thinking is stripped by the API
    total = (
        request_overhead_tokens(body)
        + sum(estimate_tool_tokens(t, model=body["model"]) for t in body["tools"])
        + sum(estimate_block_tokens(s, model=body["model"]) for s in body["system"])
        + sum(message_overhead_tokens(body["model"]) + sum(row) for row in b.messages)
    )
    assert total == b.total == estimate_request_tokens(body)
    kept = estimate_request_tokens({**body, "model": "claude-opus-4-6"})
    assert kept > b.total + 150  # newer models keep it


def _conversation(n_messages: int = 200) -> dict[str, Any]:
    messages = [_user(_prose(560, seed=i)) for i in range(n_messages)]
    for i in range(1, n_messages, 2):
        messages[i]["role"] = "assistant"
    return {"model": "claude-sonnet-4-5", "messages": messages}


def test_next_turn_counts_only_its_new_text(
    offline_fallback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-estimating a conversation counts no string twice: the next turn tokenises only what
    it adds (counted by calls, not timed: the speed itself is a benchmark's business)."""
    counted: list[str] = []
    count = _tok_text.cl100k_tokens

    def spy(text: str) -> float:
        counted.append(text)
        return count(text)

    monkeypatch.setattr(_tok_text, "cl100k_tokens", spy)
    body = _conversation()
    _tok_text.clear_cache()
    assert estimate_request_tokens(body) > 100_000
    assert len(counted) >= 200  # every message's text once
    counted.clear()
    assert estimate_request_tokens(body) == estimate_request_tokens(body)
    assert counted == []
    turn = {**body, "messages": [*body["messages"], _user("a new question")]}
    estimate_request_tokens(turn)
    assert counted == ["a new question"]


@pytest.mark.disable_socket
def test_never_touches_network(offline_fallback: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "socket", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    started = time.perf_counter()
    assert estimate_request_tokens(_conversation(20)) > 5000
    assert _tok_text.backend_name() == "charclass"
    assert time.perf_counter() - started < 2.0


def test_import_is_lazy() -> None:
    script = "import sys, langchain_cometapi.tokens; print('tiktoken' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_claude_code_billing_header_is_not_billed(offline_fallback: None) -> None:
    header = {
        "type": "text",
        "text": "x-anthropic-billing-header: cc_version=2.1; cc_entrypoint=sdk",
    }
    prompt = {"type": "text", "text": "You are a weather fetcher."}
    base = {"model": "claude-sonnet-4-6", "messages": [_user("Weather in NY?")]}
    with_header = estimate_request_tokens({**base, "system": [header, prompt]})
    assert with_header == estimate_request_tokens({**base, "system": [prompt]})
    assert request_token_breakdown({**base, "system": [header, prompt]}).system[0] == 0


def test_citations_inside_tool_results_add_their_instructions(offline_fallback: None) -> None:
    result = {
        "type": "search_result",
        "title": "Leave policy",
        "source": "HR",
        "content": [{"type": "text", "text": "Submit a leave request form."}],
    }
    turn = {"type": "tool_result", "tool_use_id": "toolu_1", "content": [result]}
    on = {**result, "citations": {"enabled": True}}
    body = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": [turn]}]}
    cited = {**body, "messages": [{"role": "user", "content": [{**turn, "content": [on]}]}]}
    assert estimate_request_tokens(cited) - estimate_request_tokens(body) >= 400


def test_prefill_gets_no_new_reply_header(offline_fallback: None) -> None:
    question = _user("Two names for a pet pelican")
    base = {"model": "claude-3-opus-20240229", "messages": [question]}
    prefill = {"role": "assistant", "content": "{"}
    answered = {"role": "assistant", "content": "Percy and Pelly"}
    with_prefill = estimate_request_tokens({**base, "messages": [question, prefill]})
    with_answer = estimate_request_tokens({**base, "messages": [question, answered, question]})
    # a prefill adds its message but no reply header after it
    assert with_prefill - estimate_request_tokens(base) < message_overhead_tokens() + 1
    assert with_answer > estimate_request_tokens(base) + 2 * message_overhead_tokens()


@pytest.mark.parametrize("model", [None, "claude-sonnet-4-5", "claude-3-haiku-20240307"])
def test_estimate_text_block_once_equals_estimate_block_tokens_and_caches_nothing(
    model: str | None,
) -> None:
    from langchain_cometapi.tokens._estimate import estimate_text_block_once

    rng = random.Random(7)
    alphabet = "ab Z9.,\n\t-{}é中😀aaaaaaaaa"
    texts = ["", "a", "more 5", "x" * 40, *("".join(rng.choice(alphabet) for _ in range(n))
                                            for n in (3, 9, 63, 64, 200, 1500))]
    for text in texts:
        _tok_text.clear_cache()
        once = estimate_text_block_once(text, model=model)
        assert text not in _tok_text._cache  # the caller memoises: no LRU entry, no lock
        assert once == estimate_block_tokens(text, model=model)
    # A count already cached (e.g. by the small-prompt shortcut's estimate) is used, not redone.
    _tok_text.clear_cache()
    _tok_text._cache["seen before"] = 1000.0
    assert estimate_text_block_once("seen before", model=model) == estimate_block_tokens(
        "seen before", model=model
    ) > estimate_block_tokens("seen before!", model=model)
    _tok_text.clear_cache()
