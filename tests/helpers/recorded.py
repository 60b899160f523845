"""Recorded real Messages API traffic (``../shared``), read at test time as an oracle.

The cases are other projects' recorded requests with the real API's answers; they are test data
for this machine only and are never copied into the repository. When the directory is absent
every test built on it is skipped (an empty parameter set).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

_ROOT = Path(
    os.environ.get("COMETAPI_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared")
)
_DIRS = ("conformance/cases", "realtraffic/cases")
#: Answers that come from an account or a moment, not from the request: the emulator is not
#: expected to reproduce them (rate limits, overload, server errors, billing).
_STATE_STATUSES = frozenset({429, 500, 529})
_STATE_WORDS = ("credit balance",)


@functools.lru_cache(maxsize=1)
def cases() -> tuple[dict[str, Any], ...]:
    """Every recorded case whose request body is a JSON object, sorted by name."""
    found: list[dict[str, Any]] = []
    for sub in _DIRS:
        folder = _ROOT / sub
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            case = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(case.get("request_body"), dict):
                found.append(case)
    return tuple(found)


def accepted() -> list[dict[str, Any]]:
    """Requests the real API answered 200."""
    return [c for c in cases() if c["status"] == 200]


def refused() -> list[dict[str, Any]]:
    """Requests the real API refused for the request itself (4xx, not an account state)."""
    return [
        c
        for c in cases()
        if 400 <= c["status"] < 500
        and c["status"] not in _STATE_STATUSES
        and not any(w in c["response_text"].lower() for w in _STATE_WORDS)
    ]


def error_of(case: dict[str, Any]) -> dict[str, Any]:
    """The recorded error object (``type`` and ``message``)."""
    error: dict[str, Any] = json.loads(case["response_text"])["error"]
    return error


def name(case: dict[str, Any]) -> str:
    return str(case["name"])
