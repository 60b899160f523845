"""Credentials in ``default_headers`` (``Authorization``, ``x-api-key``, any key/token/secret-like
name) never show: masked in ``repr``, replaced by a secret reference in ``dumps()`` (what
LangSmith records of the model), masked in the invocation params tracers receive, yet still sent.
Call-time ``extra_headers`` credentials are masked in traces too."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumps
from langchain_core.messages import BaseMessage

from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, call

BEARER = "Bearer upstream-secret-42"
SIGNED = "tok-secret-99"
HEADERS = {"Authorization": BEARER, "X-Upstream-Token": SIGNED, "X-Team": "search"}


class _Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *,
        run_id: UUID, **kwargs: Any,
    ) -> None:  # fmt: skip
        self.seen.append(repr(serialized) + repr(kwargs))


def _assert_hidden(text: str) -> None:
    assert "upstream-secret-42" not in text and SIGNED not in text


def test_repr_masks_credential_headers_and_keeps_others() -> None:
    llm, _ = emulated(default_headers=HEADERS)
    for text in (repr(llm), str(llm)):
        _assert_hidden(text)
        assert "X-Team" in text and "search" in text


def test_dumps_writes_secret_references() -> None:
    llm, _ = emulated(default_headers=HEADERS)
    text = dumps(llm)
    _assert_hidden(text)
    assert "COMETAPI_HEADER_AUTHORIZATION" in text and "search" in text


def test_traces_never_see_them_but_the_request_carries_them() -> None:
    llm, emu = emulated(default_headers=HEADERS)
    recorder = _Recorder()
    llm.invoke("hi", config={"callbacks": [recorder]})
    asyncio.run(llm.ainvoke("hi", config={"callbacks": [recorder]}))
    assert len(recorder.seen) == 2
    for seen in recorder.seen:
        _assert_hidden(seen)
    sent = {k.lower(): v for k, v in emu.last_request["headers"].items()}
    assert sent.get("x-team") == "search"


@pytest.mark.parametrize("path", PATHS)
async def test_call_time_extra_headers_are_masked_in_traces(path: str) -> None:
    llm, emu = emulated()
    recorder = _Recorder()
    config = {"callbacks": [recorder]}
    await call(llm.bind(extra_headers={"x-api-key": SIGNED}).with_config(config), path)
    assert len(recorder.seen) == 1
    _assert_hidden(recorder.seen[0])
    assert "x-api-key" in {k.lower() for k in emu.last_request["headers"]}  # still sent


def test_a_credential_header_name_with_a_dot_is_refused() -> None:
    """dumps() hides headers through a dotted path; 'x.auth.token' would be written in clear."""
    with pytest.raises(ValueError, match=r"contains a '\.'") as info:
        emulated(default_headers={"x.auth.token": "dotted-secret-1"})
    assert "dotted-secret-1" not in str(info.value)
    llm, _ = emulated(default_headers={"x.team": "search"})  # not a credential: kept
    assert "search" in dumps(llm)


def test_a_credential_header_name_with_a_dot_is_refused_by_model_copy_too() -> None:
    """``model_copy(update=...)`` runs no validator of its own: the same refusal, before a copy
    whose ``dumps()`` would write the header in clear exists."""
    llm, _ = emulated()
    with pytest.raises(ValueError, match=r"contains a '\.'") as info:
        llm.model_copy(update={"default_headers": {"x.auth.token": "dotted-secret-2"}})
    assert "dotted-secret-2" not in str(info.value)
    kept = llm.model_copy(update={"default_headers": {"x.team": "search"}})
    assert "search" in dumps(kept)
