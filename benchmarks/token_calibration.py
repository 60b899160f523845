"""Compare offline token estimates with the billed prompt size of recorded real requests.

Run: ``.venv/bin/python benchmarks/token_calibration.py [--dir ../shared/conformance/cases]``

Billed = input_tokens + cache_read_input_tokens + cache_creation_input_tokens (for SSE:
message_start usage overridden by non-null values of the final message_delta usage).
Cases are left out of the figures when the count cannot be checked: error responses,
request bodies with elided strings, and responses where the server ran tools itself
(``server_tool_use`` in the response): their usage sums several internal model calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_cometapi.tokens import _text as _tok_text
from langchain_cometapi.tokens import estimate_request_tokens

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "cases"
_USAGE_KEYS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def billed_tokens(case: Mapping[str, Any]) -> int | None:
    """Billed prompt size of a recorded response, or None when it has no usage."""
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
        except ValueError:
            return None
    if not usage:
        return None
    return sum(int(usage.get(k) or 0) for k in _USAGE_KEYS)


@dataclass
class Row:
    name: str
    model: str
    billed: int
    estimate: int
    naive_chars: int
    naive_tiktoken: int | None
    excluded: str = ""

    @property
    def error(self) -> float:
        return (self.estimate - self.billed) / self.billed


def _texts(value: Any) -> Iterator[str]:
    """Every string in the body's content (what a naive counter would count)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key not in ("type", "cache_control", "signature", "id", "tool_use_id"):
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _naive_text(body: Mapping[str, Any]) -> str:
    parts = [body.get("system"), body.get("messages"), body.get("tools")]
    return "\n".join(t for part in parts for t in _texts(part))


def load_rows(directory: Path) -> list[Row]:
    exact = _tok_text.backend_name() == "tiktoken-cl100k"
    rows: list[Row] = []
    for path in sorted(directory.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        billed = billed_tokens(case)
        if billed is None or billed <= 0:
            continue
        body = case["request_body"]
        text = _naive_text(body)
        excluded = ""
        if case.get("request_body_elided"):
            excluded = "elided"
        elif "server_tool_use" in str(case.get("response_text", "")):
            excluded = "server-loop"
        rows.append(
            Row(
                name=str(case.get("name", path.stem)),
                model=str(body.get("model", "")),
                billed=billed,
                estimate=estimate_request_tokens(body),
                naive_chars=max(1, len(text) // 4),
                naive_tiktoken=round(_tok_text.cl100k_tokens(text)) if exact else None,
                excluded=excluded,
            )
        )
    return rows


def summary(rows: list[Row]) -> dict[str, float]:
    """MAPE and share within 10 % for billed >= 300 over the checkable rows."""
    checked = [r for r in rows if not r.excluded]
    big = [r for r in checked if r.billed >= 300]
    out = {
        "n": float(len(checked)),
        "mape": statistics.fmean(abs(r.error) for r in checked) if checked else 0.0,
        "within10_300plus": (sum(abs(r.error) < 0.10 for r in big) / len(big) if big else 0.0),
        "naive_chars_mape": (
            statistics.fmean(abs(r.naive_chars - r.billed) / r.billed for r in checked)
            if checked
            else 0.0
        ),
    }
    if checked and all(r.naive_tiktoken is not None for r in checked):
        out["naive_tiktoken_mape"] = statistics.fmean(
            abs((r.naive_tiktoken or 0) - r.billed) / r.billed for r in checked
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--quiet", action="store_true", help="summary only")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"no cases directory: {args.dir}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows = load_rows(args.dir)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        print(f"{'billed':>8} {'estimate':>8} {'err':>7} {'len/4':>7}  {'model':<24} case")
        for r in rows:
            flag = f" [{r.excluded}]" if r.excluded else ""
            print(
                f"{r.billed:>8} {r.estimate:>8} {100 * r.error:>+6.1f}% {r.naive_chars:>7}"
                f"  {r.model:<24} {r.name[:80]}{flag}"
            )
    s = summary(rows)
    print(f"backend: {_tok_text.backend_name()}  ({elapsed * 1000:.0f} ms for {len(rows)} cases)")
    print(f"checked cases: {int(s['n'])} (excluded: {sum(1 for r in rows if r.excluded)})")
    print(f"MAPE: {100 * s['mape']:.1f}%")
    print(f"within 10% (billed >= 300): {100 * s['within10_300plus']:.0f}%")
    print(f"naive len/4 MAPE: {100 * s['naive_chars_mape']:.1f}%")
    if "naive_tiktoken_mape" in s:
        print(f"naive tiktoken-over-text MAPE: {100 * s['naive_tiktoken_mape']:.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
