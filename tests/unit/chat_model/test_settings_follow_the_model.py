"""``max_tokens`` and ``profile`` the user left out follow the model actually used.

The default ``max_tokens`` is 8192, capped at the model's output limit (Claude 3 Haiku: 4096),
and ``profile`` is the model's registry row. A per-call ``model=``, ``model_copy(update=
{"model": ...})`` and ``configurable_fields(model=...)`` used to keep the first model's (Claude 3
Haiku then got 8192, which the API and the emulator refuse with a 400). An explicit
``max_tokens`` above the model's limit is a ValueError before sending.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import ConfigurableField

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import call_text, emulated
from tests.helpers.responses import Recorder, json_response, message, model_with

PATHS = ("invoke", "ainvoke", "stream", "astream")
HAIKU_3 = "claude-3-haiku-20240307"
CONTEXT_1M = "context-1m-2025-08-07"


def _sent_max_tokens(emu: MessagesEmulator) -> list[int]:
    return [r["body"]["max_tokens"] for r in emu.requests]


@pytest.mark.parametrize("path", PATHS)
async def test_a_call_for_another_model_gets_that_model_default_max_tokens(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-6")
    emu.script(Reply.text("Hello"), Reply.text("Hello"))
    assert await call_text(llm, path, model=HAIKU_3) == "Hello"
    assert await call_text(llm, path) == "Hello"
    assert _sent_max_tokens(emu) == [4096, 8192]


@pytest.mark.parametrize("path", PATHS)
async def test_a_max_tokens_the_user_set_is_kept_for_another_model(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-6", max_tokens=1000)
    emu.script(Reply.text("Hello"))
    await call_text(llm, path, model=HAIKU_3)
    assert _sent_max_tokens(emu) == [1000]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("settings", "call"),
    [
        ({"model": "claude-sonnet-4-6", "max_tokens": 8192}, {"model": HAIKU_3}),
        ({"model": "claude-sonnet-4-6"}, {"model": HAIKU_3, "max_tokens": 5000}),
        ({"model": HAIKU_3, "max_tokens": 8192}, {}),
        ({"model": "claude-opus-4-1"}, {"max_tokens": 64_000}),
    ],
)
async def test_a_max_tokens_above_the_model_output_limit_is_refused_before_sending(
    path: str, settings: dict[str, Any], call: dict[str, Any]
) -> None:
    llm, emu = emulated(MessagesEmulator(), **settings)
    with pytest.raises(ValueError, match=r"max_tokens=\d+ is more than .* can write"):
        await call_text(llm, path, **call)
    assert emu.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_a_copy_for_another_model_gets_that_model_max_tokens_and_profile(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-6")
    emu.script(Reply.text("Hello"))
    copy = llm.model_copy(update={"model": HAIKU_3})
    assert copy.max_tokens == 4096
    assert copy.profile is not None and copy.profile["max_output_tokens"] == 4096
    assert await call_text(copy, path) == "Hello"
    assert _sent_max_tokens(emu) == [4096]
    assert llm.max_tokens == 8192  # the original keeps its own
    assert llm.profile is not None and llm.profile["max_output_tokens"] == 128_000


@pytest.mark.parametrize(
    ("settings", "update", "expected"),
    [
        ({"max_tokens": 2000}, {"model": HAIKU_3}, 2000),
        ({}, {"model": HAIKU_3, "max_tokens": 1000}, 1000),
        ({"model": HAIKU_3}, {"model": "claude-sonnet-4-6"}, 8192),
        ({}, {"temperature": 0.5}, 8192),
    ],
)
def test_a_copy_keeps_a_max_tokens_the_user_set(
    settings: dict[str, Any], update: dict[str, Any], expected: int
) -> None:
    llm = ChatCometAPI(api_key="k", **settings)
    assert llm.model_copy(update=update).max_tokens == expected


def test_a_profile_the_user_set_is_kept_by_a_copy_for_another_model() -> None:
    mine = {"max_input_tokens": 1234, "tool_calling": True}
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-6", profile=mine)
    assert llm.model_copy(update={"model": HAIKU_3}).profile == mine


def test_a_copy_with_the_1m_beta_gets_the_1m_window() -> None:
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5")
    assert llm.profile is not None and llm.profile["max_input_tokens"] == 200_000
    copy = llm.model_copy(update={"betas": [CONTEXT_1M]})
    assert copy.profile is not None and copy.profile["max_input_tokens"] == 1_000_000


def _configurable(**settings: Any) -> tuple[Any, MessagesEmulator]:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-6", **settings)
    return llm.configurable_fields(model=ConfigurableField(id="model")), emu


@pytest.mark.parametrize("path", PATHS)
async def test_a_configured_model_gets_its_own_max_tokens_and_profile(path: str) -> None:
    configurable, emu = _configurable()
    emu.script(Reply.text("Hello"), Reply.text("Hello"))
    haiku = configurable.with_config(configurable={"model": HAIKU_3})
    assert await call_text(haiku, path) == "Hello"
    assert await call_text(configurable, path) == "Hello"
    assert _sent_max_tokens(emu) == [4096, 8192]
    built, _ = configurable._prepare({"configurable": {"model": HAIKU_3}})
    assert built.profile["max_output_tokens"] == 4096
    assert built.temperature is None and built.max_retries == 0  # the rest as given


@pytest.mark.parametrize("path", PATHS)
async def test_a_configured_model_keeps_a_max_tokens_the_user_set(path: str) -> None:
    configurable, emu = _configurable(max_tokens=1000)
    emu.script(Reply.text("Hello"))
    await call_text(configurable.with_config(configurable={"model": HAIKU_3}), path)
    assert _sent_max_tokens(emu) == [1000]


def test_configured_max_tokens_and_model_together_are_both_applied() -> None:
    llm, _ = emulated(MessagesEmulator(), model="claude-sonnet-4-6")
    configurable = llm.configurable_fields(
        model=ConfigurableField(id="model"), max_tokens=ConfigurableField(id="max_tokens")
    )
    chosen = {"configurable": {"model": HAIKU_3, "max_tokens": 300}}
    assert configurable._prepare(chosen)[0].max_tokens == 300
    only_model = {"configurable": {"model": HAIKU_3}}
    assert configurable._prepare(only_model)[0].max_tokens == 4096


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
def test_a_beta_in_the_default_headers_raises_the_output_limit(path: str) -> None:
    recorder = Recorder(json_response(message()))
    llm = model_with(
        recorder,
        model="claude-3-7-sonnet-20250219",
        max_tokens=100_000,
        default_headers={"anthropic-beta": "output-128k-2025-02-19"},
    )
    asyncio.run(call_text(llm, path))
    assert recorder.bodies()[0]["max_tokens"] == 100_000


class _TracedMaxTokens(BaseCallbackHandler):
    """The ``ls_max_tokens`` each chat model run is traced with."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append((kwargs.get("metadata") or {}).get("ls_max_tokens"))


@pytest.mark.parametrize("path", PATHS)
async def test_the_traced_max_tokens_is_the_one_sent_for_another_model(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-4-6")
    emu.script(Reply.text("Hello"), Reply.text("Hello"))
    traced = _TracedMaxTokens()
    await call_text(llm, path, model=HAIKU_3, config={"callbacks": [traced]})
    await call_text(llm, path, config={"callbacks": [traced]})
    assert traced.seen == _sent_max_tokens(emu) == [4096, 8192]
