"""Endpoints that refuse ``ttl`` or ``cache_control``, or ignore 1h: resend once, remember, log."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
from typing import Any

import httpx2
import pytest
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.cache import CachePolicy, _fallback
from langchain_cometapi.cache._fallback import (
    Refusal,
    has_ttl,
    quirks_for,
    resend_without,
    strip_cache_control,
)
from langchain_cometapi.cache._plan import CachePlan
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.errors import BadRequestError
from langchain_cometapi.testing import EmulatorTransport, ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body, markers
from tests.helpers.forking import child_code_while_held

_URLS = itertools.count()
TTL_400 = "system.0.cache_control.ttl: Extra inputs are not permitted"
MARKER_400 = "messages.0.content.0.cache_control: Extra inputs are not permitted"


def _has(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(_has(v, key) for v in value.values())
    if isinstance(value, list):
        return any(_has(v, key) for v in value)
    return False


class Refusing(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """An endpoint that answers 400 to any body carrying ``field`` anywhere."""

    def __init__(self, field: str, message: str) -> None:
        self.inner = EmulatorTransport(MessagesEmulator(clock=ManualClock()))
        self.field, self.message = field, message
        self.bodies: list[dict[str, Any]] = []
        self.refused = 0

    def _refusal(self, request: httpx2.Request) -> httpx2.Response | None:
        body = json.loads(request.read())
        self.bodies.append(body)
        if not _has(body, self.field):
            return None
        self.refused += 1
        error = {"type": "invalid_request_error", "message": self.message}
        return httpx2.Response(400, json={"type": "error", "error": error})

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._refusal(request) or self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._refusal(request) or await self.inner.handle_async_request(request)


def _model(transport: Refusing, **settings: Any) -> ChatCometAPI:
    return ChatCometAPI(
        api_key="k",
        base_url=f"http://refusing-{next(_URLS)}.invalid",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **settings,
    )


def _messages() -> list[BaseMessage]:
    return [SystemMessage("Rules. " + "Answer about every topic with care. " * 300),
            HumanMessage("first question")]


def _call(llm: ChatCometAPI, mode: str) -> None:
    if mode == "invoke":
        llm.invoke(_messages())
    elif mode == "ainvoke":
        asyncio.run(llm.ainvoke(_messages()))
    elif mode == "stream":
        list(llm.stream(_messages()))
    else:

        async def consume() -> None:
            async for _ in llm.astream(_messages()):
                pass

        asyncio.run(consume())


MODES = ["invoke", "ainvoke", "stream", "astream"]


@pytest.mark.parametrize("mode", MODES)
def test_refused_ttl_is_resent_once_without_it_then_never_sent(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Refusing("ttl", TTL_400)
    llm = _model(transport, prompt_cache=CachePolicy(ttl="1h"))
    with caplog.at_level(logging.INFO, logger="langchain_cometapi"):
        for _ in range(4):
            _call(llm, mode)
    assert transport.refused == 1  # one refusal; the resend and every later call pass
    refused = next(i for i, b in enumerate(transport.bodies) if _has(b, "ttl"))
    resent = transport.bodies[refused + 1]
    assert list(markers(resent)) and not _has(resent, "ttl")
    assert len(transport.bodies) == 5  # four calls, one of them sent twice
    logged = [r for r in caplog.records if "refused cache_control.ttl" in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.INFO


@pytest.mark.parametrize("mode", MODES)
def test_refused_cache_control_is_resent_once_without_markers_then_never_sent(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Refusing("cache_control", MARKER_400)
    llm = _model(transport)
    with caplog.at_level(logging.INFO, logger="langchain_cometapi"):
        for _ in range(3):
            _call(llm, mode)
    assert transport.refused == 1
    assert len(transport.bodies) == 4  # three calls, one of them sent twice
    assert [bool(list(markers(b))) for b in transport.bodies[1:]] == [False, False, False]
    logged = [r for r in caplog.records if "refused cache_control:" in r.getMessage()]
    assert len(logged) == 1


@pytest.mark.parametrize("mode", MODES)
def test_what_an_endpoint_refuses_is_shared_by_every_model_sending_there(mode: str) -> None:
    transport = Refusing("cache_control", MARKER_400)
    first = _model(transport)
    for _ in range(2):
        _call(first, mode)
    assert transport.refused == 1
    second = ChatCometAPI(api_key="k", base_url=first.base_url, max_retries=0,
                          http_client=httpx2.Client(transport=transport),
                          http_async_client=httpx2.AsyncClient(transport=transport))
    for _ in range(2):
        _call(second, mode)
    assert transport.refused == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_400_about_something_else_is_not_resent(mode: str) -> None:
    transport = Refusing("max_tokens", "max_tokens: too large")
    llm = _model(transport, prompt_cache=CachePolicy(ttl="1h"))
    with pytest.raises(BadRequestError, match="too large"):
        _call(llm, mode)
    assert len(transport.bodies) == 1


def test_resend_decision_is_a_pure_function_of_the_error_and_the_body() -> None:
    body = chat_body(2)
    body["system"] = [{"type": "text", "text": "x" * 10,
                       "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    found = resend_without(400, TTL_400, body)
    assert found is not None and found[0] is Refusal.TTL
    assert list(markers(found[1])) and not _has(found[1], "ttl")
    found = resend_without(400, MARKER_400, body)
    assert found is not None and found[0] is Refusal.MARKERS and not list(markers(found[1]))
    assert resend_without(500, TTL_400, body) is None
    assert resend_without(400, "messages: roles must alternate", body) is None
    for mistake in (  # the request's own mistakes, not a missing feature: raised as they are
        "A maximum of 4 blocks with cache_control may be provided. Found 5.",
        "system.1.cache_control.ttl: a ttl='1h' cache_control block must not come after a "
        "ttl='5m' cache_control block",
        "system.0.text: cache_control cannot be set for empty text blocks",
    ):
        assert resend_without(400, mistake, body) is None, mistake
    assert resend_without(400, MARKER_400, chat_body(2)) is None  # nothing to strip
    assert "cache_control" in body["system"][0]  # the input is not mutated


def _billed_5m(plan: CachePlan) -> dict[str, Any]:
    """The usage of an endpoint that bills every entry written as 5-minute, 1h asked or not."""
    written = plan.expected_write_1h_tokens + plan.expected_write_5m_tokens
    return {"input_tokens": 10, "cache_creation_input_tokens": written,
            "cache_creation": {"ephemeral_5m_input_tokens": written,
                               "ephemeral_1h_input_tokens": 0}}


def test_an_endpoint_that_bills_5m_for_1h_is_planned_with_5m() -> None:
    clock = ManualClock()
    url = f"http://ignores-1h-{next(_URLS)}.invalid"  # what is learnt is process-wide: a fresh one
    planner = CachePlanner(CachePolicy(ttl="1h"), clock=clock, base_url=url)
    asked = 0
    for turn in range(1, 9):
        out, plan = planner.plan(chat_body(turn))
        asked += plan.expected_write_1h_tokens > 0
        planner.observe(plan, _billed_5m(plan))
        clock.advance(30)
    assert asked >= 3
    assert not quirks_for(url).one_hour
    out, plan = planner.plan(chat_body(9))
    assert plan.expected_write_1h_tokens == 0
    assert {ttl for _, _, ttl in markers(out)} == {"5m"}


def test_a_model_per_request_learns_that_an_endpoint_bills_5m_for_1h() -> None:
    """The evidence is the learnt state's, which the models built per request for one endpoint,
    key and client share (``cache._shared``): three requests in a row sent by three models built
    for them (a web handler's pattern) are three responses in a row, and the planners of
    concurrent calls add to one count instead of each overwriting it."""
    clock = ManualClock()
    url = f"http://ignores-1h-{next(_URLS)}.invalid"
    state = CacheState(clock=clock)
    asked = 0
    for turn in range(1, 4):
        planner = CachePlanner(CachePolicy(ttl="1h"), base_url=url, state=state)
        _, plan = planner.plan(chat_body(turn))
        assert plan.expected_write_1h_tokens > 0
        asked += 1
        planner.observe(plan, _billed_5m(plan))
        clock.advance(30)
    assert asked == 3 and not quirks_for(url).one_hour


def test_evidence_that_1h_is_ignored_is_not_pooled_across_learnt_states() -> None:
    """Two replays (or two clients, maybe two accounts behind a proxy) of one endpoint each see
    two responses without the 1h asked: neither saw three in a row, and 1h stays planned. A
    wrong belief in one of them (an entry it thought it wrote that another had) must not turn
    1h off for the whole process."""
    clock = ManualClock()
    url = f"http://ignores-1h-{next(_URLS)}.invalid"
    states = [CacheState(clock=clock), CacheState(clock=clock)]
    for turn in range(1, 5):
        planner = CachePlanner(CachePolicy(ttl="1h"), base_url=url, state=states[turn % 2])
        _, plan = planner.plan(chat_body(turn))
        assert plan.expected_write_1h_tokens > 0
        planner.observe(plan, _billed_5m(plan))
        clock.advance(30)
    assert quirks_for(url).one_hour


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_the_endpoint_lock_held_at_fork_is_fresh_in_the_child() -> None:
    def child() -> int:
        quirks_for(f"http://child-{next(_URLS)}.invalid").learn(Refusal.TTL)
        return 0

    assert child_code_while_held(_fallback._LOCK, child) == 0, "the child deadlocked"


def test_ttl_is_found_only_in_a_marker() -> None:
    body = chat_body(2)
    assert not has_ttl(body)  # markers without ttl, strings, numbers: nothing to strip
    body["messages"][0]["content"] = [{"type": "text", "text": "ttl", "cache_control": {
        "type": "ephemeral", "ttl": "1h"}}]  # fmt: skip
    assert has_ttl(body)


def test_stripping_keeps_the_fields_after_a_marker() -> None:
    block = {"cache_control": {"type": "ephemeral", "ttl": "1h"}, "type": "text", "text": "x"}
    body = {"system": [block], "messages": [{"role": "user", "content": [dict(block)]}]}
    for only_ttl, marker in ((True, {"type": "ephemeral"}), (False, None)):
        out = strip_cache_control(body, only_ttl=only_ttl)
        for got in (out["system"][0], out["messages"][0]["content"][0]):
            assert got.get("cache_control") == marker
            assert (got["type"], got["text"]) == ("text", "x")


def test_what_is_learnt_is_logged_once_naming_the_endpoint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"http://quirky-{next(_URLS)}.invalid"
    quirks = quirks_for(url)
    with caplog.at_level(logging.INFO, logger="langchain_cometapi"):
        for _ in range(2):
            quirks.learn(Refusal.TTL)
            quirks.learn(Refusal.MARKERS)
            quirks.learn_ttl_ignored()
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        f"{url} refused cache_control.ttl: resent without it; 1h caching is off for this "
        "endpoint from now on",
        f"{url} refused cache_control: resent without markers; prompt caching is off for this "
        "endpoint from now on",
        f"{url} billed 5-minute entries where ttl='1h' was asked: planning with 5-minute "
        "caching for this endpoint from now on",
    ]
    assert (quirks.ttl_refused, quirks.markers_refused, quirks.ttl_ignored) == (True, True, True)
    assert quirks_for(url.upper() + "/") is quirks  # one record per endpoint, however spelt
