"""Hand-built Messages API responses for tests that must not depend on the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from langchain_cometapi import ChatCometAPI


def message(content: list[dict[str, Any]] | None = None, **usage: int) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6-20260101",
        "content": content if content is not None else [{"type": "text", "text": "Hello!"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5, **usage},
    }


def sse(events: list[dict[str, Any]], *, pad: bool = False) -> bytes:
    out = []
    for event in events:
        data = json.dumps(event) + ("   " if pad else "")
        out.append(f"event: {event['type']}\ndata: {data}\n\n")
    return "".join(out).encode()


def text_stream(
    text: str = "Hello there", *, stop: bool = True, **usage: int
) -> list[dict[str, Any]]:
    start = message([], **usage)
    start["usage"]["output_tokens"] = 1
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    for i in range(0, len(text), 4):
        events.append(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": text[i : i + 4]},
            }
        )
    events += [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 7},
        },
    ]
    if stop:
        events.append({"type": "message_stop"})
    return events


Handler = Callable[[httpx2.Request], httpx2.Response]


class Recorder:
    """A MockTransport handler that answers from a list and keeps the requests."""

    def __init__(self, *responses: httpx2.Response | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return item(request) if callable(item) else item

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx2.Response:
    return httpx2.Response(status, json=data, headers=headers)


def sse_response(events: list[dict[str, Any]], **kw: Any) -> httpx2.Response:
    return httpx2.Response(
        200, content=sse(events, **kw), headers={"content-type": "text/event-stream"}
    )


def model_with(recorder: Recorder, **kwargs: Any) -> ChatCometAPI:
    transport = httpx2.MockTransport(recorder)
    params: dict[str, Any] = {
        "api_key": "sk-test-secret-123",
        "prompt_cache": "off",
        "max_retries": 0,
    }
    params.update(kwargs)
    return ChatCometAPI(
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **params,
    )


# -- one call on each of the four paths ---------------------------------------------------------
# invoke/stream and ainvoke/astream are separate code in the client: fault, secrecy and
# cancellation tests run on each (parametrize over PATHS, or SYNC_ASYNC for a non-stream call).
PATHS = ("invoke", "stream", "ainvoke", "astream")
SYNC_ASYNC = ("invoke", "ainvoke")


async def call(llm: Any, path: str, prompt: Any = "hi") -> Any:
    """``llm`` called on ``path``; a stream's chunks are added up into one message."""
    if path == "invoke":
        return llm.invoke(prompt)
    if path == "ainvoke":
        return await llm.ainvoke(prompt)
    full: Any = None
    if path == "stream":
        for chunk in llm.stream(prompt):
            full = chunk if full is None else full + chunk
    else:
        async for chunk in llm.astream(prompt):
            full = chunk if full is None else full + chunk
    return full


def record_sleeps(llm: ChatCometAPI, slept: list[float] | None = None) -> list[float]:
    """Retries sleep into a list instead of waiting (sync and async)."""
    slept = [] if slept is None else slept

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    llm._client._sleep = slept.append
    llm._client._async_sleep = asleep
    return slept
