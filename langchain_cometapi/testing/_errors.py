"""The error the emulated endpoint answers with, shared by its validation modules."""

from __future__ import annotations

__all__ = ["ApiError", "bad"]


class ApiError(Exception):
    """An error the emulated endpoint answers with (status + Anthropic error type + message)."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def bad(message: str) -> ApiError:
    """A 400 ``invalid_request_error`` with the API's own wording."""
    return ApiError(400, "invalid_request_error", message)
