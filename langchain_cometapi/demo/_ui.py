"""Terminal output for the demo: headings, boxed tables, a spinner. Plain ANSI, no dependencies.

Colour and animation only when the stream is a terminal (and ``NO_COLOR`` is unset); box
drawing falls back to ASCII when the stream's encoding cannot print it, so the demo reads the
same piped into a file or a CI log.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Console"]

_STYLES = {"bold": "1", "dim": "2", "green": "32", "yellow": "33", "cyan": "36", "red": "31"}
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_UNICODE_BOX = {"h": "─", "v": "│", "tl": "┌", "tm": "┬", "tr": "┐", "ml": "├", "mm": "┼",
                "mr": "┤", "bl": "└", "bm": "┴", "br": "┘"}  # fmt: skip
_ASCII_TEXT = str.maketrans({"·": "-", "→": "->", "…": "...", "°": " deg"})
_ASCII_BOX = {"h": "-", "v": "|", "tl": "+", "tm": "+", "tr": "+", "ml": "+", "mm": "+",
              "mr": "+", "bl": "+", "bm": "+", "br": "+"}  # fmt: skip


def _can_encode(stream: TextIO, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class Console:
    """Writes to one stream; ``tty`` decides colour and animation (auto-detected by default)."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty and isatty()) and "NO_COLOR" not in os.environ
        self.tty = tty
        self.unicode = _can_encode(self.stream, "".join(_UNICODE_BOX.values()) + _SPINNER + "…")
        self.box = _UNICODE_BOX if self.unicode else _ASCII_BOX

    # -- text -------------------------------------------------------------------------------
    def style(self, text: str, *styles: str) -> str:
        if not self.tty or not styles:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def print(self, text: str = "", *styles: str, end: str = "\n") -> None:
        if not self.unicode:
            text = self._plain(text)
        self.stream.write(self.style(text, *styles) + end)
        self.stream.flush()

    def _plain(self, text: str) -> str:
        """What a non-UTF-8 stream can print: common glyphs spelled out, the rest replaced."""
        encoding = getattr(self.stream, "encoding", None) or "ascii"
        return text.translate(_ASCII_TEXT).encode(encoding, "replace").decode(encoding)

    def note(self, *lines: str) -> None:
        for line in lines:
            self.print(line, "dim")

    def heading(self, text: str) -> None:
        rule = self.box["h"] * max(0, 78 - len(text) - 4)
        self.print()
        self.print(f"{self.box['h'] * 2} {text} {rule}", "bold", "cyan")

    def banner(self, lines: Sequence[str], *styles: str) -> None:
        """A framed block, for the one thing the reader must not miss (offline or live)."""
        width = max(len(line) for line in lines) + 2
        b = self.box
        self.print(b["tl"] + b["h"] * width + b["tr"], *styles)
        for line in lines:
            self.print(f"{b['v']} {line:<{width - 2}} {b['v']}", *styles)
        self.print(b["bl"] + b["h"] * width + b["br"], *styles)

    # -- tables -----------------------------------------------------------------------------
    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        align: str | None = None,
        footer: Sequence[str] | None = None,
    ) -> None:
        """Boxed table; ``align`` is one character per column, ``l`` or ``r`` (default: l)."""
        if not self.unicode:  # measure what will be printed, not the glyphs it replaces
            headers = [self._plain(str(h)) for h in headers]
            rows = [[self._plain(str(c)) for c in r] for r in rows]
            footer = [self._plain(str(c)) for c in footer] if footer else None
        ncols = len(headers)
        align = align or "l" * ncols
        body = [list(r) for r in rows] + ([list(footer)] if footer else [])
        widths = [max(len(str(r[i])) for r in [list(headers), *body]) for i in range(ncols)]
        b = self.box

        def line(left: str, mid: str, right: str) -> str:
            return left + mid.join(b["h"] * (w + 2) for w in widths) + right

        def cells(values: Sequence[str]) -> str:
            out = []
            for i, value in enumerate(values):
                text = str(value)
                padded = text.rjust(widths[i]) if align[i] == "r" else text.ljust(widths[i])
                out.append(f" {padded} ")
            return b["v"] + b["v"].join(out) + b["v"]

        self.print(line(b["tl"], b["tm"], b["tr"]))
        self.print(cells(headers), "bold")
        self.print(line(b["ml"], b["mm"], b["mr"]))
        for row in rows:
            self.print(cells(row))
        if footer:
            self.print(line(b["ml"], b["mm"], b["mr"]))
            self.print(cells(footer), "bold")
        self.print(line(b["bl"], b["bm"], b["br"]))

    # -- progress ---------------------------------------------------------------------------
    @contextmanager
    def progress(self, label: str) -> Iterator[None]:
        """Spinner with elapsed seconds while a (live) call runs; silent without a terminal."""
        if not self.tty:
            yield
            return
        done = threading.Event()
        start = time.perf_counter()
        frames = _SPINNER if self.unicode else "|/-\\"

        def spin() -> None:
            i = 0
            while not done.wait(0.08):
                elapsed = time.perf_counter() - start
                self.stream.write(f"\r{self.style(frames[i % len(frames)], 'cyan')} "
                                  f"{label} {self.style(f'{elapsed:.1f}s', 'dim')}")  # fmt: skip
                self.stream.flush()
                i += 1

        thread = threading.Thread(target=spin, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
