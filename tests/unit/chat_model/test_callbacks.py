"""What callbacks and tracers see of a call, on each path, as with ChatAnthropic.

``on_llm_new_token`` fires once per streamed chunk with ``chunk=`` the ChatGenerationChunk (so
a token printer shows every text delta, in order, once); ``on_llm_end`` carries the reply's id,
model name and usage; the run's tags, metadata and ``ls_*`` parameters reach
``on_chat_model_start``; ``astream_events(version="v2")`` is start, one stream event per chunk,
end with the summed message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.outputs import ChatGenerationChunk, LLMResult

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

DELTAS = ["Hello", " there,", " friend."]
MODEL = "claude-sonnet-4-6"


def _sse(deltas: list[str]) -> bytes:
    start = {"id": "msg_cb", "type": "message", "role": "assistant", "model": MODEL,
             "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {"input_tokens": 12, "output_tokens": 1}}  # fmt: skip
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": d}}
          for d in deltas),
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 7}},
        {"type": "message_stop"},
    ]  # fmt: skip
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


class _Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[tuple[str, Any]] = []
        self.ends: list[LLMResult] = []
        self.starts: list[dict[str, Any]] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.starts.append(kwargs)

    def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        self.tokens.append((token, chunk))

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.ends.append(response)


class _AsyncRecorder(AsyncCallbackHandler, _Recorder):
    async def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        _Recorder.on_chat_model_start(self, serialized, messages, **kwargs)

    async def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        _Recorder.on_llm_new_token(self, token, chunk=chunk, **kwargs)

    async def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        _Recorder.on_llm_end(self, response, **kwargs)


async def _run(path: str, recorder: _Recorder, reply: Reply, **settings: Any) -> Any:
    llm, emu = emulated(MessagesEmulator(), model=MODEL, **settings)
    emu.script(reply)
    config: Any = {"callbacks": [recorder], "tags": ["t-run"], "metadata": {"tenant": "acme"},
                   "run_name": "answer"}  # fmt: skip
    if path == "invoke":
        return llm.invoke("hi", config=config)
    if path == "ainvoke":
        return await llm.ainvoke("hi", config=config)
    chunks = (
        list(llm.stream("hi", config=config))
        if path == "stream"
        else [c async for c in llm.astream("hi", config=config)]
    )
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


STREAMED = [("stream", False), ("astream", False), ("invoke", True), ("ainvoke", True)]


@pytest.mark.parametrize(("path", "streaming"), STREAMED)
@pytest.mark.parametrize("handler", [_Recorder, _AsyncRecorder], ids=["sync", "async"])
async def test_new_token_fires_once_per_text_delta_with_its_chunk(
    path: str, streaming: bool, handler: type[_Recorder]
) -> None:
    recorder = handler()
    reply = Reply.raw(200, _sse(DELTAS), "text/event-stream")
    # streaming=False given explicitly would make LangChain send stream() unstreamed
    message = await _run(path, recorder, reply, **({"streaming": True} if streaming else {}))
    assert [token for token, _ in recorder.tokens if token] == DELTAS
    for token, chunk in recorder.tokens:
        assert isinstance(chunk, ChatGenerationChunk) and chunk.text == token
    assert message.text == "".join(DELTAS)
    assert len(recorder.ends) == 1
    assert recorder.ends[0].generations[0][0].message.usage_metadata["output_tokens"] == 7


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
async def test_llm_end_carries_id_model_and_usage(path: str) -> None:
    recorder = _AsyncRecorder() if path == "ainvoke" else _Recorder()
    await _run(path, recorder, Reply.text("Hello"))
    assert recorder.tokens == []  # nothing streamed, nothing announced
    (result,) = recorder.ends
    output = result.llm_output or {}
    assert output["model_name"] == MODEL and output["id"].startswith("msg_")
    assert output["usage"]["input_tokens"] > 0 and output["usage"]["output_tokens"] > 0
    message = result.generations[0][0].message
    assert message.usage_metadata["total_tokens"] > 0


@pytest.mark.parametrize("path", ["invoke", "ainvoke", "stream", "astream"])
async def test_run_tags_metadata_and_ls_params_reach_the_tracer(path: str) -> None:
    recorder = _AsyncRecorder() if path.startswith("a") else _Recorder()
    await _run(path, recorder, Reply.text("Hello"), temperature=0.2, stop=["END"],
               max_tokens=300)  # fmt: skip
    (start,) = recorder.starts
    assert start["tags"] == ["t-run"] and start["name"] == "answer"
    meta = start["metadata"]
    assert meta["tenant"] == "acme"
    assert (meta["ls_provider"], meta["ls_model_name"], meta["ls_model_type"]) == (
        "anthropic", MODEL, "chat")  # fmt: skip
    assert (meta["ls_max_tokens"], meta["ls_temperature"], meta["ls_stop"]) == (300, 0.2, ["END"])
    assert start["invocation_params"]["model"] == MODEL


async def test_astream_events_v2_is_start_one_stream_event_per_chunk_then_end() -> None:
    llm, emu = emulated(MessagesEmulator(), model=MODEL)
    emu.script(Reply.raw(200, _sse(DELTAS), "text/event-stream"))
    events = [e async for e in llm.astream_events("hi", version="v2", config={"tags": ["t"]})]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_chat_model_start" and kinds[-1] == "on_chat_model_end"
    streamed = [e["data"]["chunk"] for e in events[1:-1]]
    assert set(kinds[1:-1]) == {"on_chat_model_stream"}
    assert [c.text for c in streamed if c.text] == DELTAS
    assert len({e["run_id"] for e in events}) == 1 and all(e["tags"] == ["t"] for e in events)
    output = events[-1]["data"]["output"]
    assert output.text == "".join(DELTAS)
    assert output.usage_metadata == {
        "input_tokens": 12, "output_tokens": 7, "total_tokens": 19,
        "input_token_details": {"cache_read": 0, "cache_creation": 0},
    }  # fmt: skip
    assert [c.usage_metadata for c in streamed if c.usage_metadata] == [output.usage_metadata]
