"""Input the API would refuse later is refused before sending (issue 11 item 14): a ValueError
naming the problem, nothing sent, on invoke and ainvoke (stream paths share the same build)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from tests.helpers.responses import Recorder, json_response, message, model_with

ASK = [HumanMessage("hi")]


def _image(url: str) -> list[Any]:
    return [HumanMessage([{"type": "image_url", "image_url": {"url": url}}])]


def _native_image(url: str) -> list[Any]:
    return [HumanMessage([{"type": "image", "source": {"type": "url", "url": url}}])]


CASES: list[tuple[str, dict[str, Any], Any, dict[str, Any], str]] = [
    # (id, constructor kwargs, messages, call kwargs, message fragment)
    ("data_url_not_image", {}, _image("data:text/html;base64,PGh0bWw+"), {}, "media type"),
    ("javascript_url", {}, _image("javascript:alert(1)"), {}, "not an http"),
    ("file_url", {}, _image("file:///etc/passwd"), {}, "not an http"),
    ("native_javascript_url", {}, _native_image("javascript:alert(1)"), {}, "not an http"),
    ("native_file_url", {}, _native_image("file:///etc/passwd"), {}, "not an http"),
    ("schema_is_a_string", {}, ASK, {"tools": [{"name": "f", "input_schema": "x"}]}, "schema"),
    ("tool_without_name", {}, ASK, {"tools": [{"input_schema": {"type": "object"}}]}, "no name"),
    ("top_k_string", {}, ASK, {"top_k": "5"}, "top_k must be an integer"),
    ("top_k_float", {}, ASK, {"top_k": 2.5}, "top_k must be an integer"),
    ("temperature_string", {}, ASK, {"temperature": "hot"}, "temperature must be a number"),
    ("user_id_int", {}, ASK, {"user_id": 123}, "user_id must be a string"),
    ("model_empty", {"model": ""}, ASK, {}, "model must be"),
    ("model_empty_per_call", {}, ASK, {"model": ""}, "model must be"),
    ("model_kwargs_stream", {"model_kwargs": {"stream": True}}, ASK, {}, "'stream'"),
    ("content_none", {}, [HumanMessage.model_construct(content=None)], {}, "NoneType"),
    ("content_int", {}, [HumanMessage.model_construct(content=5)], {}, "type int"),
]  # fmt: skip


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("init", "messages", "kwargs", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_refused_before_sending(
    mode: str, init: dict[str, Any], messages: Any, kwargs: dict[str, Any], fragment: str
) -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec, **init)
    with pytest.raises(ValueError, match=fragment):
        if mode == "sync":
            llm.invoke(messages, **kwargs)
        else:
            asyncio.run(llm.ainvoke(messages, **kwargs))
    with pytest.raises(ValueError, match=fragment):
        list(llm.stream(messages, **kwargs))
    assert rec.requests == []


def test_bind_tools_with_a_bad_schema_fails_before_sending() -> None:
    rec = Recorder(json_response(message()))
    bound = model_with(rec).bind_tools([{"name": "f", "description": "d", "input_schema": "x"}])
    with pytest.raises(ValueError, match="input_schema"):
        bound.invoke("hi")
    assert rec.requests == []


def test_text_citations_that_are_not_a_list_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="citations must be a list"):
        convert_messages([HumanMessage([{"type": "text", "text": "x", "citations": True}])])


def test_a_tool_result_without_an_id_is_reported_not_crashed_on() -> None:
    stray = [HumanMessage([{"type": "tool_result"}]), ToolMessage("", tool_call_id="0")]
    with pytest.raises(ValueError, match="do not answer a tool call"):
        convert_messages(stray)
