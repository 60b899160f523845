"""Private copies of request messages, for telling whether a later request repeats them.

``_scan`` copies the positions of the messages a request shares with its conversation's previous
request instead of walking them again. "Shares" is equality with the copies kept here, tested at
C level: LangChain rebuilds the dicts per call but hands over the same text objects, which dict
equality compares by identity before any character. Copies, never the caller's dicts, so an edit
in place is seen; and strict, so a value that compares equal but fingerprints differently
(``1``, ``1.0``, ``True``) is not taken for the same.
"""

from __future__ import annotations

from typing import Any

from ._blocks import IMAGE_TYPES, nested_markers

__all__ = ["NOT_COPIED", "NOT_PLAIN", "copy_of", "plain_block", "plain_text", "strict_copy_or_none"]

#: Stands for a message that was not copied: it equals no message.
NOT_COPIED = object()
#: Stands for content that is not plain text (``plain_text``).
NOT_PLAIN = object()


def plain_text(content: Any) -> object:
    """The content's text object when it is a str or one plain text block, else ``NOT_PLAIN``:
    such a message carries no marker, image or nested block and is fully known by its text."""
    if type(content) is str:
        return content
    if type(content) is list and len(content) == 1:
        return plain_block(content[0])
    return NOT_PLAIN


def plain_block(block: Any) -> object:
    """The text of a block that holds nothing but its type and text, else ``NOT_PLAIN``."""
    if type(block) is dict and len(block) == 2 and block.get("type") == "text":
        text = block.get("text")
        if type(text) is str:
            return text
    return NOT_PLAIN


def copy_of(message: Any, content: Any, text: object) -> object:
    """What a later request's message must equal for its positions to be copied (``text``: the
    message's text when it is plain, a str or one text block), or ``NOT_COPIED``. Messages with
    markers or images are not copied: the scan records more of them than the positions."""
    if type(message) is not dict or len(message) != 2 or type(message.get("role")) is not str:
        return NOT_COPIED  # other keys: not worth a general copy (scanned afresh)
    if type(text) is str:
        shape = text if type(content) is str else [{"type": "text", "text": text}]
        return {"role": message["role"], "content": shape}
    if type(content) is not list or not all(_copyable(block) for block in content):
        return NOT_COPIED
    try:  # tool calls and results of an agent loop, text blocks with citations...
        return _strict_copy(message)
    except (RecursionError, _NotCopied):  # what cannot be copied is scanned afresh
        return NOT_COPIED


def strict_copy_or_none(value: Any) -> object:
    """A strict copy of ``value`` (see ``_strict_copy``), or ``NOT_COPIED``."""
    try:
        return _strict_copy(value)
    except (RecursionError, _NotCopied):
        return NOT_COPIED


def _copyable(block: Any) -> bool:
    """A block whose scan is its positions only: no marker of its own or nested, no image."""
    return (
        type(block) is dict
        and "cache_control" not in block
        and block.get("type") not in IMAGE_TYPES
        and nested_markers(block) == 0
    )


class _NotCopied(Exception):
    pass


class _Exact:
    """A copied scalar that equals only a value of its exact type (``1``, ``1.0`` and ``True``
    are equal in Python but fingerprint, and serialise, differently)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self.value) and bool(other == self.value)

    __hash__ = None  # type: ignore[assignment]


def _strict_copy(value: Any) -> Any:
    """A copy that compares equal to exactly the values that fingerprint like ``value``: str
    and None as they are, containers rebuilt, other scalars wrapped in ``_Exact``."""
    if value is None or type(value) is str:
        return value
    if type(value) is dict:
        if not all(type(key) is str for key in value):
            raise _NotCopied  # 1 and True are one dict key
        return {key: _strict_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_strict_copy(item) for item in value]
    if type(value) in (int, float, bool):
        return _Exact(value)
    raise _NotCopied  # anything else: no copy of ours can vouch for its equality
