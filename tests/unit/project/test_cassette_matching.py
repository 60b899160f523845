"""The cassette matcher ignores cache_control and random tool ids, and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vcr.request import Request

from tests.integration._harness import wire_body_matcher


def _req(body: dict[str, Any]) -> Request:
    return Request("POST", "http://x/v1/messages", json.dumps(body).encode(), {})


BASE = {
    "model": "m",
    "messages": [
        {"role": "assistant", "content": [{"type": "tool_use", "id": "a1", "name": "t",
                                           "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a1",
                                      "content": "ok", "cache_control": {"type": "ephemeral"}}]},
    ],
}


def test_cache_control_and_id_spelling_do_not_matter() -> None:
    other = json.loads(json.dumps(BASE).replace("a1", "b9").replace(
        ', "cache_control": {"type": "ephemeral"}', ""))
    wire_body_matcher(_req(BASE), _req(other))


@pytest.mark.parametrize("edit", [("\"ok\"", "\"no\""), ("\"m\"", "\"n\"")])
def test_any_other_change_is_a_mismatch(edit: tuple[str, str]) -> None:
    other = json.loads(json.dumps(BASE).replace(*edit))
    with pytest.raises(AssertionError):
        wire_body_matcher(_req(BASE), _req(other))
