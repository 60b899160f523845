"""Instances of one endpoint, key, policy and HTTP client learn into one cache state: a model built
per request (a web handler's ``ChatCometAPI(...)``) plans with what the process already learnt,
as the API's cache is the account's, not the object's."""

from __future__ import annotations

import gc
import os
import random
from typing import Any

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.cache import CachePolicy, _shared
from langchain_cometapi.cache._shared import MAX_SHARED, shared_state
from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator
from tests.helpers.forking import child_code_while_held

STATIC = "You are the support assistant of a bicycle shop. " * 320


def _system(rng: random.Random) -> str:
    return STATIC + f"\nRequest-Id: {rng.getrandbits(64):016x}"


def _model(client: httpx2.Client | httpx2.AsyncClient, **kw: Any) -> ChatCometAPI:
    key = "http_async_client" if isinstance(client, httpx2.AsyncClient) else "http_client"
    settings: dict[str, Any] = {"model": "claude-sonnet-4-5", "api_key": "k-test",
                                "max_retries": 0, "base_url": "http://emulator", key: client}
    return ChatCometAPI(**{**settings, **kw})


def _read_on_last(per_request: list[ChatCometAPI]) -> int:
    rng = random.Random(7)
    usage: dict[str, Any] = {}
    for llm in per_request:
        message = llm.invoke([("system", _system(rng)), ("human", "Do you sell tyres?")])
        usage = message.response_metadata["usage"]
    return int(usage["cache_read_input_tokens"])


def test_models_built_per_request_share_what_was_learnt() -> None:
    """A system prompt with a per-request id is cut before it once two texts were seen: by the
    third request the static part is read, although each request has a model of its own."""
    client = httpx2.Client(transport=EmulatorTransport(MessagesEmulator()))
    assert _read_on_last([_model(client) for _ in range(3)]) > 2000


def test_models_with_their_own_clients_learn_apart() -> None:
    emulator = MessagesEmulator()
    models = [_model(httpx2.Client(transport=EmulatorTransport(emulator))) for _ in range(3)]
    assert _read_on_last(models) == 0


async def test_async_models_built_per_request_share_what_was_learnt() -> None:
    client = httpx2.AsyncClient(transport=EmulatorTransport(MessagesEmulator()))
    rng = random.Random(7)
    usage: dict[str, Any] = {}
    for _ in range(3):
        message = await _model(client).ainvoke([("system", _system(rng)), ("human", "Tyres?")])
        usage = message.response_metadata["usage"]
    assert usage["cache_read_input_tokens"] > 2000


def test_state_is_shared_per_key_policy_and_client() -> None:
    client = httpx2.Client()
    one = _model(client)._planner
    assert one is not None
    assert _model(client)._planner.state is one.state  # type: ignore[union-attr]
    assert _model(client, api_key="other")._planner.state is not one.state  # type: ignore[union-attr]
    ttl5 = _model(client, prompt_cache=CachePolicy(ttl="5m"))._planner
    assert ttl5 is not None and ttl5.state is not one.state
    assert _model(httpx2.Client())._planner.state is not one.state  # type: ignore[union-attr]
    assert _model(client, prompt_cache="off")._planner is None


def test_every_planner_of_a_shared_state_keeps_its_server_clock_in_time() -> None:
    """TTLs run on the server's clock, synced from each response's Date: whichever instance
    gets the response must sync the clock the shared state plans with."""
    client = httpx2.Client()
    first, second = _model(client)._planner, _model(client)._planner
    assert first is not None and second is not None
    assert second._server_clock is second.state.clock is first.state.clock


def test_default_client_states_are_bounded_and_keyless() -> None:
    states = [shared_state("http://x", f"key-{i}", CachePolicy(), None)
              for i in range(MAX_SHARED + 3)]
    assert shared_state("http://x", "key-0", CachePolicy(), None) is not states[0]  # evicted
    assert shared_state("http://x", f"key-{MAX_SHARED + 2}", CachePolicy(), None) is states[-1]
    assert "key-1" not in repr(states[1].__dict__)


def test_a_state_lives_no_longer_than_its_client() -> None:
    client = httpx2.Client()
    state = shared_state("http://x", "k", CachePolicy(), client)
    assert shared_state("http://x", "k", CachePolicy(), client) is state
    del client
    gc.collect()
    fresh = httpx2.Client()
    assert shared_state("http://x", "k", CachePolicy(), fresh) is not state


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_registry_lock_held_at_fork_is_fresh_in_the_child() -> None:
    def child() -> int:
        shared_state("http://child", "k", CachePolicy(), None)
        return 0

    assert child_code_while_held(_shared._lock, child) == 0, "the child deadlocked"
