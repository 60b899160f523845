"""Random texts for the token counters: fragments of every character class the fallback counts
(words, camelCase, digits, punctuation runs, line breaks, indentation, CJK, two- and four-byte
characters, long one-character runs, long one-case words), short and past the 64-character
threshold of the C-level paths."""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = (
    "word", " ", "  ", "\t", "\n", "   \n", "camelCase", "HTTPServer", "x", "Z", "42", "2026",
    "1234567", ".", "...", "!?", "{}", "->", "é", "ünï", "日本語", "😀", "👩‍💻", "aaaaaaaa",
    "00000000", "ZZZZZZZZZZ", "abcdefghijklmnopqrst", "ABCDEFGHIJKLMNOPQRSTUV", "q9Xz", "_",
)
short = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
    st.text(alphabet="ab Z9.\n\t-é中😀aA", max_size=30),
)
#: Short texts, and texts past the 64-character threshold of the C-level paths with short
#: random texts at both ends (one class may then occur only once, at either end).
texts = st.one_of(
    short,
    st.builds(lambda a, fill, b: a + fill * 70 + b, short, st.sampled_from([" ", "a ", "é"]),
              short),
    st.lists(st.sampled_from(FRAGMENTS), min_size=12, max_size=60).map("".join),
    st.lists(st.sampled_from([f for f in FRAGMENTS if f.isascii()]), min_size=12,
             max_size=60).map("".join),  # long ASCII text: the translate paths
)
