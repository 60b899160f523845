"""Our pre-send checks against recorded real traffic (``../shared``): every request body the
real API answered 200 passes the client's own checks (``validate_body`` on the body, and
``build_request`` on its settings: sampling, thinking, stop sequences, tools, tool_choice,
output_config, beta fields), so the client never refuses what the API accepts. The messages
themselves go through the client in ``test_recorded_round_trip``.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._wire.body import build_request
from langchain_cometapi._wire.validate import validate_body
from tests.helpers import recorded

ACCEPTED = recorded.accepted()
#: Top-level fields that are not call settings.
_NOT_SETTINGS = ("model", "max_tokens", "messages", "system", "stream", "stop_sequences")


@pytest.mark.parametrize("case", ACCEPTED, ids=recorded.name)
def test_body_checks_accept_a_request_the_api_answered_200(case: dict[str, Any]) -> None:
    body = case["request_body"]
    validate_body({k: v for k, v in body.items() if k != "stream"})  # stream: the call's choice
    llm = ChatCometAPI(model=body["model"], max_tokens=body["max_tokens"], api_key="sk-test")
    settings = {k: v for k, v in body.items() if k not in _NOT_SETTINGS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a relaxed forced tool_choice warns, it is not refused
        build_request([HumanMessage("hi")], llm._defaults(), body.get("stop_sequences"), settings)
