"""Where ChatCometAPI deliberately differs from ChatAnthropic, one test per deviation.

Each test pins both sides: what langchain-anthropic does with the input (so that a change on
its side shows up here) and what we do instead. Each deviation is either a request the API
refuses (ChatAnthropic's 400, our send or ValueError) or a result that loses data; all are
listed, with their reason, in docs/migrating.md ("Where ChatCometAPI deliberately differs").
Everything else is held equal by the test_chat_anthropic_parity*.py modules.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel

from langchain_cometapi._wire.structured import structured_spec
from tests.helpers.chat_anthropic import (
    ours_body,
    ours_called,
    ours_message,
    structured,
    theirs_body,
    theirs_message,
    theirs_streamed,
)

pytest.importorskip("langchain_anthropic")

H = HumanMessage("foo")
CC = {"type": "ephemeral"}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


class GetWeather(BaseModel):
    """Get the weather."""

    location: str


def _turns(body: dict[str, Any]) -> list[Any]:
    return [(m["role"], m["content"]) for m in body["messages"]]


FILE_IDS = {
    "v1 image file_id": {"type": "image", "file_id": "abc"},
    "v0 image id": {"type": "image", "source_type": "id", "id": "abc"},
    "v1 file file_id": {"type": "file", "file_id": "abc"},
    "v0 file id": {"type": "file", "source_type": "id", "id": "abc"},
}


@pytest.mark.parametrize("block", FILE_IDS.values(), ids=list(FILE_IDS))
def test_a_file_id_source_sends_the_files_beta(block: dict[str, Any]) -> None:
    """The API knows a ``file`` source only under the Files API beta (recorded real traffic:
    400 "Input tag 'file' ... does not match" without it); the body is the same."""
    history = [HumanMessage([_text("x"), block])]
    theirs, ours = theirs_body(history), ours_body(history)
    assert "betas" not in theirs
    assert ours.pop("betas") == ["files-api-2025-04-14"]
    assert ours == theirs


def test_unsigned_thinking_is_left_out() -> None:
    """The API requires a signature on every thinking block it is sent (400 otherwise)."""
    history = [H, AIMessage([{"type": "thinking", "thinking": "hmm"}, "ans"]), HumanMessage("x")]
    theirs, ours = theirs_body(history), ours_body(history)
    assert theirs["messages"][1]["content"][0] == {"type": "thinking", "thinking": "hmm"}
    assert ours["messages"][1]["content"] == [{"type": "text", "text": "ans"}]


def test_empty_final_ai_message_is_left_out() -> None:
    """An empty prefill asks for nothing: the request without it is the same request."""
    theirs, ours = theirs_body([H, AIMessage("")]), ours_body([H, AIMessage("")])
    assert [role for role, _ in _turns(theirs)] == ["user", "assistant"]
    assert _turns(ours) == [("user", [{"type": "text", "text": "foo"}])]


def test_empty_middle_ai_message_leaves_one_user_turn() -> None:
    """The API merges consecutive user turns; we send them merged (the same request)."""
    history = [H, AIMessage(""), H]
    assert [role for role, _ in _turns(theirs_body(history))] == ["user", "user"]
    assert [len(c) for _, c in _turns(ours_body(history))] == [2]


@pytest.mark.parametrize(
    ("choice", "ours"), [("none", {"type": "none"}), ("required", {"type": "any"})]
)
def test_tool_choice_names_mean_what_they_say(choice: str, ours: dict[str, Any]) -> None:
    """ChatAnthropic reads "none"/"required" as tool names (the API then answers 400: no such
    tool); they are LangChain's (OpenAI's) words for no tool and any tool."""
    bind = {"tools": [GetWeather], "tool_choice": choice}
    assert theirs_body([H], bind=bind)["tool_choice"] == {"type": "tool", "name": choice}
    assert ours_body([H], bind=bind)["tool_choice"] == ours


def test_tool_choice_true_forces_a_tool() -> None:
    bind = {"tools": [GetWeather], "tool_choice": True}
    with pytest.raises(ValueError, match="tool_choice"):
        theirs_body([H], bind=bind)
    assert ours_body([H], bind=bind)["tool_choice"] == {"type": "any"}


def test_forced_choice_with_budgeted_thinking_is_sent_as_auto() -> None:
    """Both send no forced choice (the API refuses it with budgeted thinking); ChatAnthropic
    leaves tool_choice out, we send ``auto``, its default: the same request."""
    settings = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    bind = {"tools": [GetWeather], "tool_choice": "any"}
    assert "tool_choice" not in theirs_body([H], settings, bind)
    assert ours_body([H], settings, bind)["tool_choice"] == {"type": "auto"}


def test_forced_choice_with_adaptive_thinking_is_kept() -> None:
    """Recorded real traffic answers 200 to a forced choice with adaptive thinking, so the
    forced tool call the caller asked for is kept (ChatAnthropic drops it)."""
    settings = {"thinking": {"type": "adaptive"}}
    bind = {"tools": [GetWeather], "tool_choice": "any"}
    assert "tool_choice" not in theirs_body([H], settings, bind)
    assert ours_body([H], settings, bind)["tool_choice"] == {"type": "any"}


@pytest.mark.parametrize(
    ("edit", "beta"),
    [("clear_tool_uses_20250919", "context-management-2025-06-27"), ("compact_20260112",
     "compact-2026-01-12")],
)  # fmt: skip
def test_context_management_gets_its_beta(edit: str, beta: str) -> None:
    """Context editing and compaction are served behind a beta; ChatAnthropic leaves adding it
    to the caller (without it the API refuses ``context_management``)."""
    settings = {"context_management": {"edits": [{"type": edit}]}}
    assert "betas" not in theirs_body([H], settings)
    assert ours_body([H], settings)["betas"] == [beta]


def test_stray_tool_message_is_refused() -> None:
    """A result that answers no call of the turn before: the API answers 400."""
    history = [H, ToolMessage("r", tool_call_id="zz")]
    assert theirs_body(history)["messages"][0]["content"][1]["type"] == "tool_result"
    with pytest.raises(ValueError, match="do not answer a tool call"):
        ours_body(history)


@pytest.mark.parametrize("history", [[HumanMessage("")], [SystemMessage("s")]])
def test_nothing_to_answer_is_refused(history: list[Any]) -> None:
    """An empty user turn, or no turn at all: the API answers 400."""
    assert theirs_body(history)["messages"] in ([], [{"role": "user", "content": [_text("")]}])
    with pytest.raises(ValueError, match="no user or assistant turn"):
        ours_body(history)


@pytest.mark.parametrize(
    ("names", "fragment"),
    [(["github.create_issue"], "only letters, digits"), (["a", "a"], "already named 'a'")],
    ids=["dotted_name", "duplicate_names"],
)
def test_tool_names_the_api_refuses_are_refused(names: list[str], fragment: str) -> None:
    """A tool name outside ``^[a-zA-Z0-9_-]{1,128}$`` (an MCP-style ``server.tool``), or two
    tools of one name: the API answers 400."""
    tools = [{"name": n, "description": "d", "input_schema": {"type": "object"}} for n in names]
    assert [t["name"] for t in theirs_body([H], bind={"tools": tools})["tools"]] == names
    with pytest.raises(ValueError, match=fragment):
        ours_body([H], bind={"tools": tools})


def test_structured_output_tool_is_named_validly_from_a_free_text_title() -> None:
    """with_structured_output(function_calling) of a JSON schema titled "Person Info": the
    forced tool takes the title as its name, a 400; ours is renamed (it is internal)."""
    schema = {"title": "Person Info", "type": "object", "properties": {"n": {"type": "string"}}}
    theirs = theirs_body([H], bind={"tools": [schema], "tool_choice": "Person Info"})
    assert theirs["tools"][0]["name"] == "Person Info"
    spec = structured_spec(schema)
    assert spec.tool is not None and spec.tool["name"] == spec.forced == "Person_Info"


def test_image_in_an_ai_message_is_not_sent() -> None:
    """The API answers 400 ("'image' blocks are not permitted within assistant turns")."""
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    ai = AIMessage([_text("a cat"), image], response_metadata={"model_provider": "google_genai"})
    history = [H, ai, HumanMessage("describe it")]
    assert [b["type"] for b in theirs_body(history)["messages"][1]["content"]] == ["text", "image"]
    assert ours_body(history)["messages"][1]["content"] == [_text("a cat")]  # and a warning


def test_tool_result_in_an_ai_message_is_refused() -> None:
    """The API takes ``tool_result`` in user turns only (its tool search answers with a
    ``tool_search_tool_result``, which is sent)."""
    search = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "tool_search_tool_regex",
              "input": {"query": "w"}}  # fmt: skip
    result = {"type": "tool_result", "tool_use_id": "srvtoolu_1",
              "content": [{"type": "tool_reference", "tool_name": "get"}]}  # fmt: skip
    history = [H, AIMessage([search, result])]
    assert theirs_body(history)["messages"][1]["content"][1] == result
    with pytest.raises(ValueError, match="cannot be in an assistant message"):
        ours_body(history)


def test_cache_control_in_v1_extras_is_kept() -> None:
    """The caller's marker, where the API accepts it (ChatAnthropic drops it)."""
    history = [HumanMessage([{"type": "text", "text": "hi", "extras": {"cache_control": CC}}])]
    assert theirs_body(history)["messages"][0]["content"] == [_text("hi")]
    assert ours_body(history)["messages"][0]["content"] == [{**_text("hi"), "cache_control": CC}]


def test_openai_file_part_becomes_a_document() -> None:
    """The API has no ``file`` block (400); ChatAnthropic forwards it as is."""
    part = {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;"
            "base64,PDF"}}  # fmt: skip
    assert theirs_body([HumanMessage([part])])["messages"][0]["content"] == [part]
    assert ours_body([HumanMessage([part])])["messages"][0]["content"] == [
        {"type": "document", "title": "a.pdf",
         "source": {"type": "base64", "media_type": "application/pdf", "data": "PDF"}}
    ]  # fmt: skip


@pytest.mark.parametrize("include_raw", [False, True])
def test_text_reply_to_a_forced_tool_is_a_parsing_error(include_raw: bool) -> None:
    """Claude answered in text instead of calling the schema's tool: ChatAnthropic returns
    ``None`` (a wrong result without an error); we raise ``OutputParserException``."""
    data = _reply([{"type": "text", "text": "I would rather not."}])
    theirs = structured("theirs", data, GetWeather, {}, include_raw=include_raw)
    ours = structured("ours", data, GetWeather, {}, include_raw=include_raw)
    if include_raw:
        assert theirs == {"parsed": None, "error": None}
        assert ours == {"parsed": None, "error": "OutputParserException"}
    else:
        assert (theirs, ours) == (None, "OutputParserException")


def test_chat_message_with_a_user_role_is_a_user_turn() -> None:
    message = ChatMessage(role="user", content="hi")
    with pytest.raises(KeyError):
        theirs_body([message])
    assert _turns(ours_body([message])) == [("user", [{"type": "text", "text": "hi"}])]


def test_usage_without_cache_fields_still_has_the_cache_keys() -> None:
    """A gateway may leave the cache counts out; ``input_token_details["cache_read"]`` is then
    0 here, a KeyError with ChatAnthropic."""
    data = _reply([{"type": "text", "text": "bar"}], {"input_tokens": 10, "output_tokens": 5})
    assert theirs_message(data).usage_metadata["input_token_details"] == {}  # type: ignore[index]
    details = ours_message(data).usage_metadata["input_token_details"]  # type: ignore[index]
    assert details == {"cache_read": 0, "cache_creation": 0}


def test_new_api_flat_ttl_counts_are_the_split() -> None:
    """new-api's flat ``claude_cache_creation_1_h_tokens`` (no nested split): ChatAnthropic
    ignores it, so a 1h write shows as a bare ``cache_creation``; ours is the 5m/1h split."""
    usage = {"input_tokens": 10, "cache_creation_input_tokens": 1000, "output_tokens": 5,
             "claude_cache_creation_5_m_tokens": 0, "claude_cache_creation_1_h_tokens": 1000}
    data = _reply([{"type": "text", "text": "bar"}], usage)
    theirs = theirs_message(data).usage_metadata["input_token_details"]  # type: ignore[index]
    assert theirs == {"cache_creation": 1000}
    ours = ours_message(data).usage_metadata["input_token_details"]  # type: ignore[index]
    assert ours == {"cache_read": 0, "cache_creation": 0, "ephemeral_5m_input_tokens": 0,
                    "ephemeral_1h_input_tokens": 1000}


def test_text_only_reply_is_a_string_like_its_stream() -> None:
    """Several text blocks without citations are one string, as the same reply streams (both
    models stream text-only replies as strings); ChatAnthropic's invoke keeps a block list."""
    data = _reply([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])
    assert isinstance(theirs_message(data).content, list)
    assert ours_message(data).content == "ab"


def test_empty_reply_is_an_empty_string() -> None:
    assert theirs_message(_reply([])).content == []
    assert ours_message(_reply([])).content == ""


def test_message_id_is_the_reply_id() -> None:
    """The AIMessage id is the API's message id (as langchain-openai does), so a trace and the
    provider's logs name the same reply; ChatAnthropic keeps it in response_metadata only."""
    data = _reply([{"type": "text", "text": "a"}])
    assert theirs_message(data).id is None
    assert ours_message(data).id == "msg_1"


def _reply(content: list[Any], usage: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": usage or {"input_tokens": 10, "output_tokens": 5},
    }


def _stream(blocks: list[Any], final_usage: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"type": "message_start", "message": _reply([])}]
    for index, (block, delta) in enumerate(blocks):
        events.append({"type": "content_block_start", "index": index, "content_block": block})
        events.append({"type": "content_block_delta", "index": index, "delta": delta})
        events.append({"type": "content_block_stop", "index": index})
    end = {"stop_reason": "end_turn", "stop_sequence": None}
    events.append({"type": "message_delta", "delta": end, "usage": final_usage})
    return [*events, {"type": "message_stop"}]


TEXT = ({"type": "text", "text": ""}, {"type": "text_delta", "text": "answer"})


async def test_stream_input_count_when_message_delta_has_none() -> None:
    """A gateway's ``message_delta`` may carry only ``output_tokens``: the input count of
    ``message_start`` stands (ChatAnthropic reports 0 input tokens)."""
    events = _stream([TEXT], {"output_tokens": 7})
    assert theirs_streamed(events).usage_metadata["input_tokens"] == 0  # type: ignore[index]
    ours = await ours_called({"events": events}, "stream")
    assert ours.usage_metadata["input_tokens"] == 10  # type: ignore[index]


async def test_stream_with_a_compaction_block_keeps_the_answer_as_a_block() -> None:
    """ChatAnthropic's summed stream is ``["", {compaction}, "answer"]``, whose content_blocks
    lose the answer; ours is the block list invoke returns."""
    compaction = ({"type": "compaction", "content": None},
                  {"type": "compaction_delta", "content": "summary"})  # fmt: skip
    events = _stream([compaction, TEXT], {"output_tokens": 7})
    theirs = theirs_streamed(events)
    assert [b for b in theirs.content_blocks if b["type"] == "text"] == []
    ours = await ours_called({"events": events}, "astream")
    assert [b.get("text") for b in ours.content_blocks if b["type"] == "text"] == ["answer"]


@pytest.mark.parametrize(
    "history",
    [
        [HumanMessage(["  ", _text("hi")])],
        [H, AIMessage("\n"), HumanMessage("hi")],
        [H, AIMessage(["ans", " "]), HumanMessage([_text("hi"), "\t"])],
    ],
    ids=["string item", "string content", "around other blocks"],
)
def test_whitespace_only_strings_are_left_out(history: list[Any]) -> None:
    """ChatAnthropic leaves out a whitespace-only text *block* but sends a whitespace-only
    *string* (a message's content, or a string item of its list) as a text block, which the API
    refuses alone ("text content blocks must contain non-whitespace text") and ignores beside
    other blocks; one rule here for both forms."""
    theirs, ours = theirs_body(history), ours_body(history)
    blank = [b for m in theirs["messages"] for b in m["content"] if not b["text"].strip()]
    assert blank
    assert all(b["text"].strip() for m in ours["messages"] for b in m["content"])
    kept = [b for m in theirs["messages"] for b in m["content"] if b not in blank]
    assert [b for m in ours["messages"] for b in m["content"]] == kept


def test_parallel_tool_calls_allowed_is_the_api_default() -> None:
    """``parallel_tool_calls=True`` is the API's default: ChatAnthropic spells it out as
    ``tool_choice: {"type": "auto", "disable_parallel_tool_use": false}``; we send nothing,
    the same request (``False`` is sent by both as ``disable_parallel_tool_use: true``)."""
    bind = {"tools": [GetWeather], "parallel_tool_calls": True}
    theirs, ours = theirs_body([H], bind=bind), ours_body([H], bind=bind)
    assert theirs.pop("tool_choice") == {"type": "auto", "disable_parallel_tool_use": False}
    assert "tool_choice" not in ours
    assert ours == theirs


async def test_stream_reports_the_reply_id() -> None:
    """ChatAnthropic's summed stream has neither the reply id nor a ``response_metadata["id"]``;
    ours has both, as its invoke does."""
    events = _stream([TEXT], {"output_tokens": 7})
    theirs = theirs_streamed(events)
    assert "id" not in theirs.response_metadata
    assert not str(theirs.id).startswith("msg_")
    ours = await ours_called({"events": events}, "stream")
    assert (ours.id, ours.response_metadata["id"]) == ("msg_1", "msg_1")


async def test_stream_cache_counts_when_message_delta_has_none() -> None:
    """With a ``message_delta`` of only ``output_tokens``, ChatAnthropic loses the cache counts
    of ``message_start`` too; ours keeps them."""
    usage = {"input_tokens": 10, "cache_read_input_tokens": 300, "output_tokens": 1}
    events = _stream([TEXT], {"output_tokens": 7})
    events[0] = {"type": "message_start", "message": _reply([], usage)}
    theirs = theirs_streamed(events).usage_metadata
    assert theirs is not None and not theirs["input_token_details"].get("cache_read")
    ours = (await ours_called({"events": events}, "astream")).usage_metadata
    assert ours is not None and ours["input_token_details"]["cache_read"] == 300
    assert ours["input_tokens"] == 310


def test_tool_message_cache_control_kwarg_is_kept() -> None:
    """A marker set on a ToolMessage's ``additional_kwargs`` goes on its tool_result (the
    user's marker, where the API takes it); ChatAnthropic ignores it."""
    call = {"id": "t1", "name": "f", "args": {}}
    result = ToolMessage("r", tool_call_id="t1", additional_kwargs={"cache_control": CC})
    history = [H, AIMessage("", tool_calls=[call]), result]
    theirs, ours = theirs_body(history), ours_body(history)
    assert "cache_control" not in theirs["messages"][2]["content"][0]
    assert ours["messages"][2]["content"][0].pop("cache_control") == CC
    assert ours == theirs
