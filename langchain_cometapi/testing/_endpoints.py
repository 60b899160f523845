"""The emulated endpoints beside ``POST /v1/messages``: token counting and the model list.

``POST /v1/messages/count_tokens`` answers ``{"input_tokens": N}`` from the emulator's own
counter (the same count a real ``/v1/messages`` call with this prompt reports as input), after
the same validation as a Messages request minus ``max_tokens``. ``GET /v1/models`` and
``GET /v1/models/{id}`` answer the API's list and object shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._layout import build_layout
from ._validate import validate_request

__all__ = ["MODELS", "count_tokens", "model_list", "model_object"]

#: (id, display name, created_at) of the models the emulator lists.
MODELS: tuple[tuple[str, str, str], ...] = (
    ("claude-opus-4-7", "Claude Opus 4.7", "2026-04-16T00:00:00Z"),
    ("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17T00:00:00Z"),
    ("claude-opus-4-6", "Claude Opus 4.6", "2026-02-05T00:00:00Z"),
    ("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"),
    ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
)


def count_tokens(body: Any, *, strict_fields: bool = True) -> dict[str, Any]:
    """The count_tokens answer; raises ApiError (with the API's wording) on a bad body."""
    validate_request(body, strict_fields=strict_fields, count_tokens=True)
    assert isinstance(body, Mapping)
    return {"input_tokens": build_layout(body).total_tokens}


def model_object(model_id: str) -> dict[str, Any] | None:
    for mid, name, created in MODELS:
        if mid == model_id:
            return {"type": "model", "id": mid, "display_name": name, "created_at": created}
    return None


def model_list() -> dict[str, Any]:
    data = [model_object(mid) for mid, _, _ in MODELS]
    return {
        "data": data,
        "has_more": False,
        "first_id": MODELS[0][0],
        "last_id": MODELS[-1][0],
    }
