"""``stop_details`` (why a refusal stopped) reaches ``response_metadata`` on every path.

The API adds ``stop_details`` (e.g. ``{"type": "refusal", "category": "cyber"}``) to a reply or
to the stream's ``message_delta``; ChatAnthropic keeps it in ``response_metadata``, so do we,
once (a streamed reply reports it in its final chunk only, so summing never doubles it).
"""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)

DETAILS = {"type": "refusal", "category": "cyber"}


def _reply(path: str) -> Recorder:
    if path in ("invoke", "ainvoke"):
        return Recorder(json_response({**message(), "stop_reason": "refusal",
                                       "stop_details": DETAILS}))  # fmt: skip
    events = text_stream("I can't help with that.")
    events[0]["message"]["stop_details"] = None  # message_start carries a null
    events[-2]["delta"] = {"stop_reason": "refusal", "stop_sequence": None,
                           "stop_details": DETAILS}  # fmt: skip
    return Recorder(sse_response(events))


@pytest.mark.parametrize("path", PATHS)
def test_stop_details_reach_response_metadata(path: str) -> None:
    reply = asyncio.run(call(model_with(_reply(path)), path))
    assert reply.response_metadata["stop_reason"] == "refusal"
    assert reply.response_metadata["stop_details"] == DETAILS
