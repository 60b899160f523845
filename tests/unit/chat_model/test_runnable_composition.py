"""ChatCometAPI composed with LangChain's runnable wrappers, on the sync and async paths.

``configurable_fields`` rebuilds the model per request from its fields (a per-user key must
be the key sent); ``rate_limiter`` is a field LangChain applies to every call, never a body
field; ``with_retry`` / ``with_fallbacks`` written against langchain-core's ``ModelError``
types catch this model's errors.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from langchain_core.exceptions import ModelAPIError, ModelError, ModelRateLimitError
from langchain_core.rate_limiters import BaseRateLimiter
from langchain_core.runnables import ConfigurableField, RunnableLambda

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, Recorder, call, json_response, message, model_with


async def _run(runnable: Any, mode: str, config: Any = None) -> Any:
    if mode == "sync":
        return runnable.invoke("hi", config=config)
    return await runnable.ainvoke("hi", config=config)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_configurable_fields_send_the_configured_key_and_settings(mode: str) -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec, api_key="sk-default-0123456789")
    per_user = llm.configurable_fields(
        api_key=ConfigurableField(id="api_key"),
        temperature=ConfigurableField(id="temperature"),
        max_tokens=ConfigurableField(id="max_tokens"),
    )
    chosen = {"api_key": "sk-user-abcdef123456", "temperature": 0.2, "max_tokens": 99}
    await _run(per_user, mode, {"configurable": chosen})
    await _run(per_user, mode)  # the defaults again
    (first, second), (body, plain) = rec.requests, rec.bodies()
    assert first.headers["x-api-key"] == "sk-user-abcdef123456"
    assert (body["temperature"], body["max_tokens"]) == (0.2, 99)
    assert second.headers["x-api-key"] == "sk-default-0123456789"
    assert "temperature" not in plain and plain["max_tokens"] == llm.max_tokens


class _Counting(BaseRateLimiter):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def acquire(self, *, blocking: bool = True) -> bool:
        self.calls.append("sync")
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        self.calls.append("async")
        return True


@pytest.mark.parametrize("path", PATHS)
async def test_rate_limiter_is_asked_once_per_call_and_never_sent(path: str) -> None:
    limiter = _Counting()
    llm, emu = emulated(MessagesEmulator(), rate_limiter=limiter)
    emu.script(Reply.text("Hello"))
    assert (await call(llm, path)).text == "Hello"
    assert limiter.calls == (["async"] if path.startswith("a") else ["sync"])
    assert "rate_limiter" not in emu.requests[-1]["body"] and llm.model_kwargs == {}


def _failing_then(error: httpx2.Response) -> Recorder:
    return Recorder(error, json_response(message([{"type": "text", "text": "second try"}])))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_with_retry_on_langchain_rate_limit_type(mode: str) -> None:
    limited = httpx2.Response(
        429, json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}
    )
    llm = model_with(_failing_then(limited), max_retries=0)
    retried = llm.with_retry(
        retry_if_exception_type=(ModelRateLimitError,), stop_after_attempt=2,
        wait_exponential_jitter=False,
    )  # fmt: skip
    assert (await _run(retried, mode)).text == "second try"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_with_fallbacks_on_langchain_api_error_type(mode: str) -> None:
    overloaded = httpx2.Response(
        529, json={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    )
    llm = model_with(Recorder(overloaded), max_retries=0)
    backup = RunnableLambda(lambda _: "from the fallback")
    chain = llm.with_fallbacks([backup], exceptions_to_handle=(ModelAPIError,))
    assert await _run(chain, mode) == "from the fallback"


def test_model_built_by_configurable_fields_is_a_chat_cometapi() -> None:
    llm = ChatCometAPI(api_key="sk-default-0123456789", default_headers={"X-Team": "search"})
    configured = llm.configurable_fields(model=ConfigurableField(id="model"))
    built, _ = configured._prepare({"configurable": {"model": "claude-opus-4-1"}})
    assert isinstance(built, ChatCometAPI) and built.model == "claude-opus-4-1"
    assert built.default_headers == {"X-Team": "search"} and built.model_kwargs == {}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_batch_as_completed_puts_each_result_and_error_at_its_index(mode: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("first"), Reply.error(400, "messages: refused"), Reply.text("third"))
    inputs: list[Any] = ["one", "two", [("human", " ")], "four"]  # the blank one: never sent
    if mode == "sync":
        got = dict(llm.batch_as_completed(inputs, {"max_concurrency": 1}, return_exceptions=True))
    else:
        stream = llm.abatch_as_completed(inputs, {"max_concurrency": 1}, return_exceptions=True)
        got = {i: out async for i, out in stream}
    assert sorted(got) == [0, 1, 2, 3]
    assert isinstance(got[2], ValueError) and not isinstance(got[2], ModelError)
    texts = {i: out.text for i, out in got.items() if not isinstance(out, Exception)}
    errors = [i for i, out in got.items() if isinstance(out, ModelError)]
    assert len(emu.requests) == 3 and len(texts) == 2 and len(errors) == 1
    assert sorted(texts.values()) == ["first", "third"]
