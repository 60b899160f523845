"""Per-model limits the real API enforces: minimum cacheable prefix and output-token ceiling."""

from __future__ import annotations

import re

__all__ = ["canonical_model", "max_output_tokens", "min_cacheable_tokens"]

_DATE_SUFFIX = re.compile(r"-(?:\d{8}|latest)$")
# "claude-sonnet-4-5", "claude-opus-4", "claude-haiku-4-5" (new naming: family then version)
_NEW_NAME = re.compile(r"claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?![\d])")
# "claude-3-7-sonnet", "claude-3-5-haiku", "claude-3-opus" (old naming: version then family)
_OLD_NAME = re.compile(r"claude-(\d+)(?:-(\d{1,2}))?-(opus|sonnet|haiku)")


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
