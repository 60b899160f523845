"""A ChatCometAPI wired to an in-process emulator (no sockets), for the feature tests."""

from __future__ import annotations

from typing import Any

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model
from langchain_cometapi.testing._features import feature_reply


def emulated(
    emu: MessagesEmulator | None = None, **kwargs: Any
) -> tuple[ChatCometAPI, MessagesEmulator]:
    emu = emu or MessagesEmulator(responder=feature_reply)
    llm = emulated_chat_model(
        emu,
        api_key="sk-test",
        base_url="http://emulator",
        max_retries=0,
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


async def acall(llm: Any, messages: list[Any], stream: bool) -> None:
    """One async call, through ``astream`` (consumed) or ``ainvoke``."""
    if stream:
        async for _ in llm.astream(messages):
            pass
    else:
        await llm.ainvoke(messages)


async def call_text(llm: Any, path: str, **kwargs: Any) -> str:
    """The reply's text to "hi" on one of the four paths (invoke, ainvoke, stream, astream),
    with ``kwargs`` passed to the call."""
    if path == "invoke":
        return str(llm.invoke("hi", **kwargs).text)
    if path == "ainvoke":
        return str((await llm.ainvoke("hi", **kwargs)).text)
    if path == "stream":
        return "".join(c.text for c in llm.stream("hi", **kwargs))
    return "".join([c.text async for c in llm.astream("hi", **kwargs)])
