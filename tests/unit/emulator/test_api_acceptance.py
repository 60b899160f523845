"""Request shapes the real API was recorded accepting, or refusing, and the emulator alike: it
must not refuse a valid request (users' offline tests would fail), nor accept one the API
refuses. Each case is a minimal form of a recorded real request."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.emulator import KEY, body, client, post

CALL = {"type": "tool_use", "id": "toolu_1", "name": "get", "input": {}}
RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"}
TOOL = {"name": "get", "input_schema": {"type": "object", "properties": {}}}
PREFILL_REFUSED = (
    "This model does not support assistant message prefill. The conversation must end with a "
    "user message."
)


def _user(*blocks: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def _assistant(*blocks: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _error(payload: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
    with client(MessagesEmulator()) as c:
        response = c.post("/v1/messages", headers={**KEY, **(headers or {})}, json=payload)
    return response.status_code, response.json().get("error")


def test_a_conversation_may_open_with_an_assistant_message() -> None:
    messages = [{"role": "assistant", "content": "I can help."}, _user(_text("Go on."))]
    assert post(MessagesEmulator(), body(messages=messages)).status_code == 200


def test_blank_text_beside_a_tool_use_is_accepted() -> None:
    messages = [_user(_text("q")), _assistant(_text(" "), CALL), _user(RESULT)]
    assert post(MessagesEmulator(), body(messages=messages, tools=[TOOL])).status_code == 200


def test_a_message_of_blank_text_only_is_still_refused() -> None:
    messages = [_user(_text("q")), _assistant(_text(" ")), _user(_text("and?"))]
    status, error = _error(body(messages=messages))
    assert (status, error["message"]) == (
        400,
        "messages: text content blocks must contain non-whitespace text",
    )


def test_a_tool_addition_in_a_system_message_is_accepted() -> None:
    addition = {"type": "tool_addition", "tool": {"type": "tool_reference", "name": "get"}}
    messages = [_user(_text("q")), {"role": "system", "content": [addition]}]
    assert post(MessagesEmulator(), body(messages=messages, tools=[TOOL])).status_code == 200


@pytest.mark.parametrize("tag", ["advisor_tool_result", "future_search_tool_result"])
def test_a_server_tool_result_the_api_wrote_is_accepted_back(tag: str) -> None:
    use = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "advisor", "input": {}}
    result = {"type": tag, "tool_use_id": "srvtoolu_1", "content": {"type": "advisor_result"}}
    messages = [_user(_text("q")), _assistant(use, result, _text("4")), _user(_text("ok"))]
    assert post(MessagesEmulator(), body(messages=messages)).status_code == 200


def test_an_unknown_tool_result_tag_in_a_user_turn_is_refused() -> None:
    block = {"type": "future_search_tool_result", "tool_use_id": "srvtoolu_1", "content": {}}
    status, error = _error(body(messages=[_user(block)]))
    assert status == 400
    assert error["message"].startswith(
        "messages.0.content.0: Input tag 'future_search_tool_result' found using 'type' does not "
        "match"
    )


PREFILL = [_user(_text("Extract the JSON")), {"role": "assistant", "content": "{"}]


@pytest.mark.parametrize("model", ["claude-opus-4-6", "claude-sonnet-4-6", "claude-sonnet-5"])
def test_a_prefill_is_refused_from_claude_4_6_on(model: str) -> None:
    assert _error(body(model=model, messages=PREFILL)) == (
        400,
        {"type": "invalid_request_error", "message": PREFILL_REFUSED},
    )


@pytest.mark.parametrize("model", ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-3-haiku"])
def test_a_prefill_is_continued_before_claude_4_6(model: str) -> None:
    assert post(MessagesEmulator(), body(model=model, messages=PREFILL)).status_code == 200


def test_a_pause_turn_continuation_is_not_a_prefill() -> None:
    use = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
    messages = [_user(_text("search")), _assistant(_text("Searching."), use)]
    payload = body(model="claude-opus-4-6", messages=messages)
    assert post(MessagesEmulator(), payload).status_code == 200


@pytest.mark.parametrize("model", ["claude-4-5-haiku", "there-is-no-such-model", "gpt-4o"])
def test_a_model_id_the_api_cannot_know_is_not_found(model: str) -> None:
    assert _error(body(model=model)) == (
        404,
        {"type": "not_found_error", "message": f"model: {model}"},
    )


@pytest.mark.parametrize(
    "model",
    ["claude-sonnet-4-20250514", "claude-3-5-haiku-latest", "claude-fable-5", "claude-2.1"],
)
def test_claude_model_ids_are_served(model: str) -> None:
    assert post(MessagesEmulator(), body(model=model, max_tokens=1000)).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "claude-sonnet-4-5-20250929-thinking",  # CometAPI's thinking variants
        "cometapi-claude-sonnet-4-5",
        "anthropic/claude-opus-4-1",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",  # Bedrock channel
        "claude-sonnet-4-5@20250929",  # Vertex channel
        "claude-sonnet-4.5",
    ],
)
def test_gateway_spellings_of_claude_ids_are_served(model: str) -> None:
    assert post(MessagesEmulator(), body(model=model, max_tokens=1000)).status_code == 200


def test_any_model_id_is_served_when_models_are_not_strict() -> None:
    emulator = MessagesEmulator(strict_models=False)
    assert post(emulator, body(model="my-gateway-model")).status_code == 200


FILE_IMAGE = {"type": "image", "source": {"type": "file", "file_id": "file_1"}}
FILE_DOCUMENT = {"type": "document", "source": {"type": "file", "file_id": "file_1"}}


def test_a_file_image_in_a_tool_result_needs_the_files_beta() -> None:
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": [FILE_IMAGE]}
    messages = [_user(_text("q")), _assistant(CALL), _user(result)]
    status, error = _error(body(messages=messages, tools=[TOOL]))
    assert (status, error["message"]) == (
        400,
        "messages.2.content.0.tool_result.content.0.image.source: Input tag 'file' found using "
        "'type' does not match any of the expected tags: 'base64', 'url'",
    )
    beta = {"anthropic-beta": "files-api-2025-04-14"}
    assert _error(body(messages=messages, tools=[TOOL]), beta)[0] == 200


def test_a_file_document_needs_the_files_beta() -> None:
    status, error = _error(body(messages=[_user(FILE_DOCUMENT, _text("sum up"))]))
    assert (status, error["message"]) == (
        400,
        "messages.0.content.0.document.source: Input tag 'file' found using 'type' does not "
        "match any of the expected tags: 'base64', 'text', 'content', 'url'",
    )
