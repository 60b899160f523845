"""Refit the character-class fallback's weights (``tokens._text._WEIGHTS``) against cl100k.

Run: ``TIKTOKEN_CACHE_DIR=DIR .venv/bin/python benchmarks/text_fallback_fit.py``

Needs a local cl100k file (see docs/token-estimation.md; nothing is downloaded). The pieces
are the strings of the recorded request bodies under ../shared (read at run time, nothing is
stored) plus synthetic identifiers (random base62, hex and base64 strings, as tool call ids,
hashes and keys look), so that the fallback also holds on text that is not prose. Prints
the fitted weights and the per-piece error of the shipped and the refitted weights.
"""

from __future__ import annotations

import json
import random
import statistics
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _token_corpus import DEFAULT_DIRS
from _token_fit import _solve

from langchain_cometapi.tokens import _text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("data", "signature"):  # base64 payloads are never counted as text
                continue
            if key in ("input_schema", "input") and isinstance(item, dict):
                yield json.dumps(item, ensure_ascii=False, separators=(",", ":"))
            else:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


SYNTHETIC = 500


def pieces(limit: int = 6000, seed: int = 7) -> list[str]:
    seen: set[str] = set()
    for directory in DEFAULT_DIRS:
        for path in sorted(directory.glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8")).get("request_body")
            for text in _strings(body):
                if (
                    len(text) >= 20
                    and not text.startswith("<elided")
                    and not _text._REPEAT.search(text)
                ):
                    seen.add(text[:6000])
    rng = random.Random(seed)
    chosen = rng.sample(sorted(seen), min(limit, len(seen)))
    alphabets = (
        string.ascii_letters + string.digits,
        "0123456789abcdef",
        string.ascii_letters,
        string.ascii_lowercase,
        string.ascii_lowercase + string.digits,
    )
    for _ in range(SYNTHETIC):
        alphabet = rng.choice(alphabets)
        chosen.append("".join(rng.choice(alphabet) for _ in range(rng.randint(12, 400))))
    return chosen


#: Classes the corpus has too little of to refit (CJK, other non-ASCII, two-byte letters,
#: four-byte characters): kept as shipped.
KEEP = (_text._CJK, _text._NON_ASCII, len(_text._WEIGHTS) - 2, len(_text._WEIGHTS) - 1)


def fit(texts: list[str]) -> list[float]:
    """Least squares of the relative error per piece, over the classes not in KEEP."""
    free = [i for i in range(len(_text._WEIGHTS)) if i not in KEEP]
    k = len(free)
    ata = [[0.0] * k for _ in range(k)]
    atb = [0.0] * k
    for text in texts:
        target = _text.cl100k_tokens(text)
        counts = _text.class_counts(text)
        kept = sum(counts[i] * _text._WEIGHTS[i] for i in KEEP)
        x = [counts[i] / target for i in free]
        y = (target - kept) / target
        for i in range(k):
            atb[i] += x[i] * y
            for j in range(k):
                ata[i][j] += x[i] * x[j]
    solution = dict(zip(free, _solve(ata, atb), strict=True))
    return [solution.get(i, w) for i, w in enumerate(_text._WEIGHTS)]


def mape(texts: list[str], weights: list[float] | tuple[float, ...]) -> float:
    errors = []
    for text in texts:
        estimate = sum(c * w for c, w in zip(_text.class_counts(text), weights, strict=True))
        errors.append(abs(estimate - _text.cl100k_tokens(text)) / _text.cl100k_tokens(text))
    return statistics.fmean(errors)


def main() -> int:
    if _text.backend_name() != "tiktoken-cl100k":
        print("no local cl100k file: set TIKTOKEN_CACHE_DIR (nothing is downloaded)")
        return 2
    texts = pieces()
    train, test = texts[::2], texts[1::2]
    weights = fit(train)
    print("weights:", ", ".join(f"{w:.3f}" for w in weights))
    synthetic = set(texts[-SYNTHETIC:])
    real = [t for t in test if t not in synthetic]
    ids = [t for t in test if t in synthetic]
    for name, group in (("corpus strings", real), ("synthetic identifiers", ids)):
        shipped, refit = mape(group, _text._WEIGHTS), mape(group, weights)
        print(
            f"{name} (held-out half, n={len(group)}): per-piece MAPE shipped "
            f"{100 * shipped:.1f}%, refitted {100 * refit:.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
