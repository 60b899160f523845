"""A ChatCometAPI wired to an in-process emulator (no sockets), for the feature tests."""

from __future__ import annotations

from typing import Any

import httpx2

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator
from langchain_cometapi.testing._features import feature_reply


def emulated(
    emu: MessagesEmulator | None = None, **kwargs: Any
) -> tuple[ChatCometAPI, MessagesEmulator]:
    emu = emu or MessagesEmulator(responder=feature_reply)
    transport = EmulatorTransport(emu)
    llm = ChatCometAPI(
        api_key="sk-test",
        base_url="http://emulator",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **{"prompt_cache": "off", **kwargs},
    )
    return llm, emu


def stream_sum(runnable: Any, *args: Any, **kwargs: Any) -> Any:
    full = None
    chunks = []
    for chunk in runnable.stream(*args, **kwargs):
        chunks.append(chunk)
        full = chunk if full is None else full + chunk
    assert full is not None
    return full, chunks
