"""Recorded real requests with the prompt size the API billed, read from ../shared at run time.

Nothing from the corpus is stored in the repository: this module only knows the case format
(``request_body``, ``status``, ``content_type``, ``response_text``, ``provenance.repo``) and
how to classify a request. The figures the calibration prints are computed from these files
each time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_cometapi._models import model_info

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DIRS = (SHARED / "realtraffic" / "cases", SHARED / "conformance" / "cases")
_USAGE_KEYS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
#: Projects set aside before any fitting and never looked at while tuning: the first
#: HOLDOUT_COUNT project names by SHA-256 (a rule fixed up front, not a choice by result).
HOLDOUT_COUNT = 5
KINDS = ("plain", "tools", "thinking", "media", "server-tools", "mcp")


def billed_tokens(case: Mapping[str, Any]) -> int | None:
    """Billed prompt size of a recorded response, or None when it has no usage.

    For SSE: message_start usage overridden by non-null values of the final message_delta."""
    if case.get("status") != 200:
        return None
    text = str(case.get("response_text", ""))
    usage: dict[str, Any] = {}
    if "event-stream" in str(case.get("content_type", "")):
        for line in text.splitlines():
            if not line.startswith("data:"):
                continue
            try:
                event = json.loads(line[5:].strip())
            except ValueError:
                continue
            if event.get("type") == "message_start":
                usage.update((event.get("message") or {}).get("usage") or {})
            elif event.get("type") == "message_delta":
                usage.update({k: v for k, v in (event.get("usage") or {}).items() if v is not None})
    else:
        try:
            usage = json.loads(text).get("usage") or {}
        except (ValueError, AttributeError):
            return None
    if not usage:
        return None
    return sum(int(usage.get(k) or 0) for k in _USAGE_KEYS)


@dataclass
class Case:
    name: str
    project: str
    model: str
    family: str
    body: dict[str, Any]
    billed: int
    kinds: set[str] = field(default_factory=set)
    excluded: str = ""  # why the billed count cannot be checked against the body alone

    @property
    def headline(self) -> bool:
        """In the headline target set: >= 300 billed, text and custom tools only."""
        return self.billed >= 300 and not self.kinds & {"media", "server-tools", "mcp"}


def project_of(case: Mapping[str, Any]) -> str:
    repo = (case.get("provenance") or {}).get("repo")
    if repo:
        return str(repo)
    source = str(case.get("source", ""))
    return source.split(" ", 1)[0] or "unknown"


def _has_type(value: Any, types: tuple[str, ...]) -> bool:
    if isinstance(value, Mapping):
        if value.get("type") in types:
            return True
        return any(_has_type(v, types) for v in value.values() if isinstance(v, (dict, list)))
    if isinstance(value, list):
        return any(_has_type(v, types) for v in value)
    return False


def kinds_of(body: Mapping[str, Any]) -> set[str]:
    kinds: set[str] = set()
    tools = body.get("tools") or []
    if any(t.get("type") in (None, "custom") for t in tools if isinstance(t, Mapping)):
        kinds.add("tools")
    if any(t.get("type") not in (None, "custom", "mcp_toolset") for t in tools):
        kinds.add("server-tools")
    if (body.get("thinking") or {}).get("type") in ("enabled", "adaptive"):
        kinds.add("thinking")
    if _has_type(body.get("messages"), ("image", "document", "search_result")):
        kinds.add("media")
    if _has_type(body.get("messages"), ("server_tool_use",)):
        kinds.add("server-tools")
    if body.get("mcp_servers") or _has_type(tools, ("mcp_toolset",)):
        kinds.add("mcp")
    return kinds or {"plain"}


def _exclusion(case: Mapping[str, Any]) -> str:
    if case.get("request_body_elided"):
        return "elided"
    if '"server_tool_use"' in str(case.get("response_text", "")).replace(" ", ""):
        return "server-loop"  # usage sums several internal model calls
    return ""


def load_cases(dirs: Iterable[Path] = DEFAULT_DIRS) -> list[Case]:
    cases: list[Case] = []
    for directory in dirs:
        for path in sorted(Path(directory).glob("*.json")):
            raw = json.loads(path.read_text(encoding="utf-8"))
            billed = billed_tokens(raw)
            body = raw.get("request_body")
            if not billed or not isinstance(body, dict):
                continue
            model = str(body.get("model", ""))
            cases.append(
                Case(
                    name=str(raw.get("name", path.stem)),
                    project=project_of(raw),
                    model=model,
                    family=model_info(model).family or "unknown",
                    body=body,
                    billed=billed,
                    kinds=kinds_of(body),
                    excluded=_exclusion(raw),
                )
            )
    return cases


def holdout_projects(cases: Iterable[Case]) -> set[str]:
    names = sorted({c.project for c in cases}, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return set(names[:HOLDOUT_COUNT])
