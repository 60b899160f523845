"""The emulator against recorded real traffic (``../shared``): it accepts every request the real
API answered 200 and refuses the requests it refused, with the same status, type and wording.

The recorded requests carry no headers. A beta-gated feature (a dated server tool, ``mcp_servers``,
``context_management``, Files API ``file_id`` sources...) is sent with the betas our own client
adds for that body (``required_betas``), so the check also proves the client names every beta
the emulator asks for; refused requests are sent with no beta, as recorded.
Elided strings (``"<elided N chars>"``) are kept: the emulator reads no base64 payload or
signature, and the placeholder is non-blank text, so the elision cannot change the verdict.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from langchain_cometapi._wire.tools import required_betas
from langchain_cometapi.testing import MessagesEmulator
from tests.helpers import recorded

ACCEPTED = recorded.accepted()
REFUSED = recorded.refused()


def _post(body: dict[str, Any], betas: list[str]) -> tuple[int, dict[str, Any]]:
    headers = {"x-api-key": "sk-test", "anthropic-version": "2023-06-01"}
    if betas:
        headers["anthropic-beta"] = ",".join(betas)
    response = MessagesEmulator().handle("POST", "/v1/messages", headers, body)
    payload = json.loads(b"".join(response.chunks)) if response.status != 200 else {}
    return response.status, payload


@pytest.mark.parametrize("case", ACCEPTED, ids=recorded.name)
def test_a_request_the_api_answered_200_is_accepted(case: dict[str, Any]) -> None:
    body = case["request_body"]
    status, payload = _post(body, required_betas(body))
    assert status == 200, payload


def _served_elsewhere(model: str) -> bool:
    """A model id the API answered 200 for in another recording: its 404 here is a retirement
    (a date), not a rule about the request."""
    return any(c["request_body"].get("model") == model for c in ACCEPTED)


@pytest.mark.parametrize("case", REFUSED, ids=recorded.name)
def test_a_request_the_api_refused_is_refused_alike(case: dict[str, Any]) -> None:
    error = recorded.error_of(case)
    body = case["request_body"]
    if error["type"] == "not_found_error" and _served_elsewhere(str(body.get("model"))):
        pytest.skip("model retired since: depends on the date, not on the request")
    if "file format is invalid" in error["message"] and '"type": "url"' in json.dumps(body):
        pytest.skip("the API fetched a URL and disliked its bytes: not knowable offline")
    status, payload = _post(body, [])
    assert (status, payload.get("error")) == (
        case["status"],
        {"type": error["type"], "message": error["message"]},
    )
