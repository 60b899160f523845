"""Per-model limits the real API enforces: minimum cacheable prefix and output-token ceiling."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._errors import ApiError, bad

__all__ = [
    "canonical_model",
    "check_model",
    "check_prefill",
    "is_model_id",
    "max_output_tokens",
    "min_cacheable_tokens",
    "takes_prefill",
]

_DATE_SUFFIX = re.compile(r"-(?:\d{8}|latest)$")
# "claude-sonnet-4-5", "claude-opus-4", "claude-haiku-4-5" (new naming: family then version)
_NEW_NAME = re.compile(r"claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?![\d])")
# "claude-3-7-sonnet", "claude-3-5-haiku", "claude-3-opus" (old naming: version then family)
_OLD_NAME = re.compile(r"claude-(\d+)(?:-(\d{1,2}))?-(opus|sonnet|haiku)")
# Model ids the API can know: a family word then a version ("claude-fable-5", new naming),
# "claude-3[-5]-family" (old naming, Claude 3 only) and Claude 2 / Instant.
_MODEL_ID = re.compile(
    r"claude-(?:[a-z]+-\d+(?:-\d{1,2})?|3(?:-\d)?-(?:opus|sonnet|haiku)|2(?:\.\d)?|instant-1(?:\.\d)?)"
)


def canonical_model(model: str) -> str:
    """Strip a snapshot date so an alias and its dated snapshot share one prompt cache."""
    return _DATE_SUFFIX.sub("", model.strip().lower())


def _family_version(model: str) -> tuple[str, int, int] | None:
    name = canonical_model(model)
    m = _NEW_NAME.search(name)
    if m:
        return m.group(1), int(m.group(2)), int(m.group(3) or 0)
    m = _OLD_NAME.search(name)
    if m:
        return m.group(3), int(m.group(1)), int(m.group(2) or 0)
    return None


def min_cacheable_tokens(model: str) -> int:
    """Shortest prefix (in tokens) that the model will cache; shorter ones are silently uncached."""
    fv = _family_version(model)
    if fv is None:
        return 1024
    family, major, minor = fv
    if family == "haiku":
        return 4096 if major >= 4 else 2048
    if family == "opus" and major == 4:
        if minor >= 7:
            return 2048
        if minor in (5, 6):
            return 4096
    return 1024


def max_output_tokens(model: str) -> int | None:
    """Largest ``max_tokens`` the model accepts, or None when unknown (then nothing is checked)."""
    fv = _family_version(model)
    if fv is None:
        return None
    family, major, minor = fv
    if major >= 5:
        return 128_000  # every 5-series model (models overview: 128K max output)
    if major == 4:
        if family == "opus":
            if minor in (0, 1):
                return 32_000
            return 64_000 if minor == 5 else 128_000
        if family == "sonnet" and minor >= 6:
            return 128_000  # Sonnet 4.6: 128K, unlike Sonnet 4 / 4.5 (64K)
        return 64_000
    if family == "sonnet" and (major, minor) == (3, 7):
        return 64_000
    if family == "haiku" and major == 3 and minor == 0:
        return 4_096
    return 8_192


# The spellings a CometAPI-style gateway serves around a Claude id: its own and provider prefixes
# ("cometapi-", "anthropic/", Bedrock's "us.anthropic."), Bedrock's "-v1:0", Vertex's "@date",
# its "-thinking" variants and dotted versions ("claude-sonnet-4.5").
_GATEWAY_PREFIX = re.compile(r"^(?:cometapi-|anthropic/|(?:[a-z]{2,6}\.)?anthropic\.)")
_GATEWAY_SUFFIX = re.compile(r"(?:-v\d+(?::\d+)?|@\d{8}|-thinking|-\d{8}|-latest)$")


def _gateway_bare(model: str) -> str:
    name = _GATEWAY_PREFIX.sub("", model.strip().lower())
    while (bare := _GATEWAY_SUFFIX.sub("", name)) != name:
        name = bare
    return name


def is_model_id(model: str) -> bool:
    """Whether ``model`` is spelled like a Claude model id (alias or dated snapshot), in any of
    the spellings a gateway serves it under (``_GATEWAY_PREFIX``/``_GATEWAY_SUFFIX``).

    The API answers 404 ``model: <id>`` to anything else, e.g. ``claude-4-5-haiku`` (the
    version-first naming ended with Claude 3) or ``invalid-model-name``. Retired models are
    not refused: that depends on the date, not on the request.
    """
    bare = _gateway_bare(model)
    dashed = re.sub(r"(?<=\d)\.(?=\d)", "-", bare)  # "claude-sonnet-4.5"; "claude-2.1" as is
    return any(_MODEL_ID.fullmatch(name) for name in (bare, dashed))


def takes_prefill(model: str) -> bool:
    """Whether the model continues a final assistant message; Claude 4.6 and later refuse it
    (a 400, "This model does not support assistant message prefill")."""
    fv = _family_version(model)
    return fv is None or (fv[1], fv[2]) < (4, 6)


def check_model(model: str) -> None:
    """The API's 404 for a model id it cannot know."""
    if not is_model_id(model):
        raise ApiError(404, "not_found_error", f"model: {model}")


def check_prefill(model: str, messages: list[Any]) -> None:
    """A conversation ending in assistant text (a prefill) on a model that refuses one.

    A final assistant turn that ends in a server tool block (a ``pause_turn`` continuation)
    is not a prefill and stays accepted.
    """
    last = messages[-1] if messages else None
    if takes_prefill(model) or not isinstance(last, Mapping) or last.get("role") != "assistant":
        return
    content = last.get("content")
    tail = content[-1] if isinstance(content, list) and content else content
    if isinstance(tail, str) or (isinstance(tail, Mapping) and tail.get("type") == "text"):
        raise bad(
            "This model does not support assistant message prefill. The conversation must end "
            "with a user message."
        )
