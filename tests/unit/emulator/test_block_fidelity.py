"""The emulator refuses the content-block shapes the real API refuses, with the API's wording,
so a client bug that sends one cannot pass offline."""

from __future__ import annotations

import json
from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.emulator import CITATION, body, post

CALL = {"type": "tool_use", "id": "t1", "name": "get", "input": {}}
RESULT = {"type": "tool_result", "tool_use_id": "t1", "content": "r"}


def _error(messages: list[dict[str, Any]]) -> str:
    response = post(MessagesEmulator(), body(messages=messages))
    assert response.status_code == 400, response.text
    payload = json.loads(response.text)
    assert payload["error"]["type"] == "invalid_request_error"
    message: str = payload["error"]["message"]
    return message


def _user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def _assistant(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


@pytest.mark.parametrize("kind", ["function_call", "refusal", "reasoning", "image_url"])
def test_unknown_block_type(kind: str) -> None:
    message = _error([_user({"type": "text", "text": "q"}), _assistant({"type": kind})])
    assert message.startswith(
        f"messages.1.content.0: Input tag '{kind}' found using 'type' does not match any of "
        "the expected tags: 'text', 'image'"
    )


def test_index_key_in_a_content_block() -> None:
    message = _error([_user({"type": "text", "text": "q", "index": 0})])
    assert message == "messages.0.content.0.text.index: Extra inputs are not permitted"


def test_partial_json_key_in_a_tool_use_block() -> None:
    message = _error(
        [_user({"type": "text", "text": "q"}), _assistant({**CALL, "partial_json": "{}"}),
         _user(RESULT)]
    )  # fmt: skip
    assert message == "messages.1.content.0.tool_use.partial_json: Extra inputs are not permitted"


def test_unsupported_image_media_type() -> None:
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/bmp", "data": "Qk0="},
    }
    message = _error([_user(image)])
    assert message == (
        "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', "
        "'image/png', 'image/gif' or 'image/webp'"
    )


def test_tool_result_in_an_assistant_turn() -> None:
    message = _error([_user({"type": "text", "text": "q"}), _assistant(RESULT)])
    assert message.startswith(
        "messages.1.content.0: unexpected `tool_use_id` found in `tool_result`"
    )


def test_cache_control_nested_in_a_tool_result() -> None:
    nested = {
        **RESULT,
        "content": [{"type": "text", "text": "r", "cache_control": {"type": "ephemeral"}}],
    }
    message = _error([_user({"type": "text", "text": "q"}), _assistant(CALL), _user(nested)])
    assert message == (
        "invalid_cache: cache_control is not supported at "
        "messages.2.content.0.content.0.cache_control"
    )


def test_cache_control_on_the_tool_result_itself_is_accepted() -> None:
    marked = {**RESULT, "cache_control": {"type": "ephemeral"}}
    messages = [_user({"type": "text", "text": "q"}), _assistant(CALL), _user(marked)]
    assert post(MessagesEmulator(), body(messages=messages)).status_code == 200


def test_text_before_tool_results() -> None:
    message = _error(
        [_user({"type": "text", "text": "q"}), _assistant(CALL),
         _user({"type": "text", "text": "here:"}, RESULT)]
    )  # fmt: skip
    assert message.startswith(
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1."
    )


def test_text_after_tool_results_is_accepted() -> None:
    messages = [
        _user({"type": "text", "text": "q"}),
        _assistant(CALL),
        _user(RESULT, {"type": "text", "text": "and then?"}),
    ]
    assert post(MessagesEmulator(), body(messages=messages)).status_code == 200


def test_index_key_in_a_system_block() -> None:
    payload = body(system=[{"type": "text", "text": "be brief", "index": 0}])
    response = post(MessagesEmulator(), payload)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "system.0.text.index: Extra inputs are not permitted"
    )


@pytest.mark.parametrize("kind", ["tool_use", "server_tool_use"])
def test_call_input_that_is_not_an_object(kind: str) -> None:
    """A cut stream's JSON fragments sent as the input itself (the client must send an
    object: parsed, completed or ``{}``)."""
    call = {"type": kind, "id": "srvtoolu_1", "name": "web_search", "input": '{"query": "wea'}
    message = _error([_user({"type": "text", "text": "q"}), _assistant(call)])
    assert message == f"messages.1.content.0.{kind}.input: Input should be a valid dictionary"


CITATION_Q = {"type": "text", "text": "more"}


def test_citation_with_a_file_id_sent_back() -> None:
    """Responses (as the anthropic SDK dumps them) carry ``file_id`` on document citations; a
    request's citation has no such field."""
    cited = {"type": "text", "text": "green", "citations": [{**CITATION, "file_id": None}]}
    message = _error([_user({"type": "text", "text": "q"}), _assistant(cited)])
    assert message == (
        "messages.1.content.0.text.citations.0.char_location.file_id: "
        "Extra inputs are not permitted"
    )


def test_citation_of_an_unknown_type() -> None:
    cited = {"type": "text", "text": "green", "citations": [{**CITATION, "type": "url"}]}
    message = _error([_user({"type": "text", "text": "q"}), _assistant(cited)])
    assert message.startswith(
        "messages.1.content.0.text.citations.0: Input tag 'url' found using 'type' does not "
        "match any of the expected tags: 'char_location'"
    )


def test_citation_as_a_response_has_it_is_accepted() -> None:
    cited = {"type": "text", "text": "green", "citations": [CITATION]}
    messages = [_user({"type": "text", "text": "q"}), _assistant(cited), _user(CITATION_Q)]
    assert post(MessagesEmulator(), body(messages=messages)).status_code == 200


def test_citation_without_a_required_field() -> None:
    """A web citation converted from another provider's URL annotation lacks ``cited_text``
    and ``encrypted_index``, which the request schema requires."""
    web = {"type": "web_search_result_location", "url": "https://example.com", "title": "t"}
    cited = {"type": "text", "text": "green", "citations": [web]}
    message = _error([_user({"type": "text", "text": "q"}), _assistant(cited)])
    assert message == (
        "messages.1.content.0.text.citations.0.web_search_result_location.cited_text: "
        "Field required"
    )
