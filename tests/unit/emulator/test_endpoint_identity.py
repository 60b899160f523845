"""Each emulator is its own endpoint: what a planner learns about one is not applied to another.

Planners remember per base URL, for the whole process, that an endpoint refused ``ttl`` or
ignores 1h. Emulated models that shared one origin would carry such a finding from one test
(which scripted a refusal) into every later test of the session.
"""

from __future__ import annotations

import asyncio

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.testing import MessagesEmulator, Reply, emulated_chat_model

TTL_400 = "system.0.cache_control.ttl: Extra inputs are not permitted"


def _messages() -> list[BaseMessage]:
    return [SystemMessage("Rules. " + "Answer about every topic with care. " * 300),
            HumanMessage("first question")]


def _ttls(emulator: MessagesEmulator) -> list[str | None]:
    system = emulator.last_request["body"]["system"]
    return [b["cache_control"].get("ttl") for b in system if "cache_control" in b]


def _refusing() -> MessagesEmulator:
    emulator = MessagesEmulator()
    emulator.script(Reply.error(400, TTL_400, "invalid_request_error"))
    return emulator


def test_emulators_have_distinct_base_urls() -> None:
    first, second = MessagesEmulator(), MessagesEmulator()
    assert first.base_url != second.base_url
    assert emulated_chat_model(first).base_url == first.base_url


def test_a_refused_ttl_is_not_carried_to_another_emulator() -> None:
    refusing = _refusing()
    emulated_chat_model(refusing, prompt_cache=CachePolicy(ttl="1h")).invoke(_messages())
    assert _ttls(refusing) == [None]  # resent without ttl: that endpoint learnt it
    fresh = MessagesEmulator()
    emulated_chat_model(fresh, prompt_cache=CachePolicy(ttl="1h")).invoke(_messages())
    assert _ttls(fresh) == ["1h"]


def test_a_refused_ttl_is_shared_by_models_of_one_emulator() -> None:
    refusing = _refusing()
    emulated_chat_model(refusing, prompt_cache=CachePolicy(ttl="1h")).invoke(_messages())
    asyncio.run(
        emulated_chat_model(refusing, prompt_cache=CachePolicy(ttl="1h")).ainvoke(_messages())
    )
    assert _ttls(refusing) == [None]  # the second model never asked for 1h there


def test_a_refused_ttl_is_not_carried_to_another_emulator_async() -> None:
    refusing = _refusing()
    asyncio.run(
        emulated_chat_model(refusing, prompt_cache=CachePolicy(ttl="1h")).ainvoke(_messages())
    )
    fresh = MessagesEmulator()
    asyncio.run(
        emulated_chat_model(fresh, prompt_cache=CachePolicy(ttl="1h")).ainvoke(_messages())
    )
    assert _ttls(fresh) == ["1h"]
