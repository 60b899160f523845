"""LangChain messages -> Messages API body."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages


def test_system_and_merging_of_user_turns() -> None:
    system, turns = convert_messages(
        [
            SystemMessage("be brief"),
            HumanMessage("a"),
            HumanMessage([{"type": "text", "text": "b"}, {"type": "text", "text": ""}]),
        ]
    )
    assert system == [{"type": "text", "text": "be brief"}]
    assert turns == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ]


def test_tool_calls_and_results_round_trip() -> None:
    ai = AIMessage(
        content="let me look",
        tool_calls=[
            {"id": "t1", "name": "get", "args": {"q": 1}},
            {"id": "t2", "name": "get", "args": {}},
        ],
    )
    _, turns = convert_messages(
        [
            HumanMessage("q"),
            ai,
            ToolMessage("one", tool_call_id="t1"),
            ToolMessage("boom", tool_call_id="t2", status="error"),
            HumanMessage("and?"),
        ]
    )
    assert turns[1]["content"] == [
        {"type": "text", "text": "let me look"},
        {"type": "tool_use", "id": "t1", "name": "get", "input": {"q": 1}},
        {"type": "tool_use", "id": "t2", "name": "get", "input": {}},
    ]
    user = turns[2]["content"]
    assert [b["type"] for b in user] == ["tool_result", "tool_result", "text"]
    assert user[1] == {
        "type": "tool_result",
        "tool_use_id": "t2",
        "content": "boom",
        "is_error": True,
    }


def test_tool_calls_override_streamed_tool_use_input() -> None:
    ai = AIMessage(
        content=[
            {
                "type": "tool_use",
                "id": "t1",
                "name": "get",
                "input": {},
                "index": 0,
                "partial_json": '{"q": 2}',
            }
        ],
        tool_calls=[{"id": "t1", "name": "get", "args": {"q": 2}}],
    )
    _, turns = convert_messages([HumanMessage("q"), ai, ToolMessage("r", tool_call_id="t1")])
    assert turns[1]["content"] == [
        {"type": "tool_use", "id": "t1", "name": "get", "input": {"q": 2}}
    ]


def test_cache_control_kept_and_images_converted() -> None:
    _, turns = convert_messages(
        [
            HumanMessage(
                [
                    {"type": "text", "text": "doc", "cache_control": {"type": "ephemeral"}},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "image", "url": "https://example.com/a.png"},
                    {"type": "image", "base64": "BBBB", "mime_type": "image/jpeg"},
                    {"type": "file", "base64": "CCCC", "mime_type": "application/pdf"},
                ]
            )
        ]
    )
    blocks = turns[0]["content"]
    assert blocks[0]["cache_control"] == {"type": "ephemeral"}
    assert blocks[1]["source"] == {"type": "base64", "media_type": "image/png", "data": "AAAA"}
    assert blocks[2]["source"] == {"type": "url", "url": "https://example.com/a.png"}
    assert blocks[3]["source"]["media_type"] == "image/jpeg"
    assert blocks[4] == {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "CCCC"},
    }


def test_thinking_blocks_replayed_exactly() -> None:
    ai = AIMessage(
        content=[
            {"type": "thinking", "thinking": "hmm", "signature": "sig", "index": 0},
            {"type": "redacted_thinking", "data": "xyz", "index": 1},
            {"type": "text", "text": "hi", "index": 2},
        ]
    )
    _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("more")])
    assert turns[1]["content"] == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "redacted_thinking", "data": "xyz"},
        {"type": "text", "text": "hi"},
    ]


@pytest.mark.parametrize(
    ("messages", "fragment"),
    [
        ([], "at least one message"),
        ([SystemMessage("s")], "no user or assistant"),
        ([AIMessage("hi")], "needs a user turn"),
        ([HumanMessage("q"), ToolMessage("r", tool_call_id="nope")], "do not answer a tool call"),
        (
            [
                HumanMessage("q"),
                AIMessage("", tool_calls=[{"id": "t1", "name": "f", "args": {}}]),
                HumanMessage("no result"),
            ],
            "no ToolMessage",
        ),
        ([SystemMessage("s"), HumanMessage("q"), SystemMessage("late")], "second system"),
    ],
)
def test_bad_histories_rejected_before_sending(messages: list, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        convert_messages(messages)


def test_tool_results_lead_their_user_turn() -> None:
    """The API refuses a user turn where text comes before a tool_result answering the previous
    assistant turn ("tool_result blocks must come first"): results are moved to the front, in
    their order, and the other blocks keep theirs."""
    ai = AIMessage(
        content="",
        tool_calls=[
            {"id": "t1", "name": "get", "args": {}},
            {"id": "t2", "name": "get", "args": {}},
        ],
    )
    _, turns = convert_messages(
        [
            HumanMessage("q"),
            ai,
            HumanMessage("note before the results"),
            ToolMessage("one", tool_call_id="t1"),
            HumanMessage("between"),
            ToolMessage("two", tool_call_id="t2"),
        ]
    )
    last = turns[-1]
    assert last["role"] == "user"
    assert [(b["type"], b.get("tool_use_id") or b.get("text")) for b in last["content"]] == [
        ("tool_result", "t1"),
        ("tool_result", "t2"),
        ("text", "note before the results"),
        ("text", "between"),
    ]


def test_an_unanswered_tool_call_is_named() -> None:
    ai = AIMessage(content="", tool_calls=[{"id": "t9", "name": "get", "args": {}}])
    with pytest.raises(ValueError, match=r"\['t9'\] have no ToolMessage"):
        convert_messages([HumanMessage("q"), ai, AIMessage("moving on"), HumanMessage("ok")])
