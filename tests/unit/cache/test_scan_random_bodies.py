"""The planner's scan on random growing conversations (random texts as strings, plain text blocks
and richer blocks, one memo and one scan cache shared by several models): every scan counts the
body as the estimator does and equals a fresh scan without memo or cache."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_cometapi.cache._scan import ScanCache, scan_body
from langchain_cometapi.tokens import estimate_request_tokens
from tests.helpers.random_text import texts
from tests.unit.cache.test_scan_reuse import _fields

SYSTEM = "You operate the cluster.\n" + "alpha beta, gamma; delta 42. " * 40
TOOLS = [{"name": f"tool_{i}", "description": f"Tool {i}: " + "does things. " * 20,
          "input_schema": {"type": "object"}} for i in range(3)]
MODELS = ("claude-sonnet-4-5", "claude-3-haiku-20240307", "claude-opus-4-7", None)


def _content(kind: int, text: str, salt: int) -> Any:
    if kind == 0:
        return text
    if kind == 1:
        return [{"type": "text", "text": text}]
    if kind == 2:
        return [{"type": "text", "text": text}, {"type": "text", "text": f"{salt}: {text}"}]
    return [{"type": "text", "text": text, "citations": None}]  # not a plain block


turns = st.lists(st.tuples(st.integers(0, 3), texts), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(turns=turns, models=st.lists(st.sampled_from(MODELS), min_size=1, max_size=3))
def test_scans_of_random_conversations_count_as_the_estimator(
    turns: list[tuple[int, str]], models: list[str | None]
) -> None:
    recent, memo = ScanCache(), {}
    messages: list[dict[str, Any]] = []
    for n, (kind, text) in enumerate(turns):
        role = "user" if n % 2 == 0 else "assistant"
        messages.append({"role": role, "content": _content(kind, text, n)})
        for model in models:
            body: dict[str, Any] = {"max_tokens": 8, "tools": TOOLS, "system": SYSTEM,
                                    "messages": list(messages)}
            if model is not None:
                body["model"] = model
            system = [{"type": "text", "text": SYSTEM}]
            scan = scan_body(body, system, memo, recent)
            assert scan.total == estimate_request_tokens(body)
            assert _fields(scan) == _fields(scan_body(body, system))
