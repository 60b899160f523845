"""What a call's ``timeout`` means for each attempt (``_http.options.CallOptions``).

Seconds: every httpx2 phase, a total deadline per attempt and a stream's idle bound, like the
model's own ``timeout``. An ``httpx2.Timeout``: its phases only (no total deadline), the idle
bound being its ``read``. ``None``: nothing bounds the call. Not given: the model's.
"""

from __future__ import annotations

import httpx2
import pytest

from langchain_cometapi._http.options import CallOptions, call_options

MODEL_TIMEOUT = 60.0


@pytest.mark.parametrize(
    ("given", "request_timeout", "deadline", "idle"),
    [
        ({}, httpx2.USE_CLIENT_DEFAULT, MODEL_TIMEOUT, MODEL_TIMEOUT),
        ({"timeout": 5}, 5.0, 5.0, 5.0),
        ({"timeout": None}, None, None, None),
        ({"timeout": httpx2.Timeout(7, connect=2)}, httpx2.Timeout(7, connect=2), None, 7),
    ],
    ids=["not given", "seconds", "none", "httpx2.Timeout"],
)
def test_a_call_timeout_sets_the_phases_deadline_and_idle_bound(
    given: dict[str, object], request_timeout: object, deadline: float | None, idle: float | None
) -> None:
    options = call_options(None, given)
    assert options.httpx_timeout() == request_timeout
    assert options.deadline(MODEL_TIMEOUT) == deadline
    assert options.idle(MODEL_TIMEOUT) == idle


def test_call_options_keep_headers_and_an_empty_query_is_none() -> None:
    options = call_options({"x-a": "1"}, {"extra_query": {}})
    assert options == CallOptions(headers={"x-a": "1"})
