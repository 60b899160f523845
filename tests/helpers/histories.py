"""Hypothesis strategies of LangChain message histories as real applications produce them.

A history is a conversation: an optional system prompt, then rounds of a user turn and either
an answer or tool calls with their results, ending on a user turn; each message's content is
drawn from the shapes LangChain apps really hold (str, Anthropic v0 blocks, LangChain v1
standard blocks, OpenAI-style parts, other providers' replies after a model fallback). A few
rounds are damaged the way apps damage histories (a result left out, consecutive turns of one
role, a final AIMessage), so that both the equal-body and the refuse-before-sending branches of
the differential property are exercised. Used by tests/unit/wire/test_chat_anthropic_generated.py.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel, Field

from tests.helpers.foreign import HISTORIES as FOREIGN
from tests.integration._media import b64, pdf_bytes, png_bytes

PNG = b64(png_bytes())
PDF = b64(pdf_bytes())
CC = {"type": "ephemeral"}
SIGNATURE = "EqQBCkYIBRgCKkA="

words = st.sampled_from(["hi", "Paris", "the answer is 42", "ok.", "why?", "déjà vu", "a\nb"])
#: Text as apps hold it: words, sometimes padded, sometimes blank (the API refuses blank text).
texts = st.one_of(
    words,
    words.map(lambda w: w + " "),
    words.map(lambda w: "\n" + w),
    st.sampled_from(["", " ", "\n"]),
)


def _text_block(text: str, cached: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": text}
    if cached:
        block["cache_control"] = CC
    return block


text_blocks = st.builds(_text_block, texts, st.booleans())

#: Images and documents in every form a user turn holds them.
MEDIA: list[dict[str, Any]] = [
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
    {"type": "image", "base64": PNG, "mime_type": "image/png"},
    {"type": "image", "url": "https://example.com/cat.png"},
    {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    {"type": "file", "base64": PDF, "mime_type": "application/pdf"},
    {"type": "file", "url": "https://example.com/a.pdf", "mime_type": "application/pdf"},
    {"type": "text-plain", "text": "plain document", "mime_type": "text/plain"},
    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                    "data": PDF}},
    {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "doc"},
     "title": "T", "citations": {"enabled": True}},
]  # fmt: skip
#: Parts Claude cannot take (a ValueError here; ChatAnthropic sends them and the API refuses).
REFUSED = [
    {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
    {"type": "audio", "base64": "UklGRg==", "mime_type": "audio/wav"},
]
media = st.sampled_from(MEDIA + REFUSED)
human_items = st.one_of(texts, text_blocks, media)
human_content = st.one_of(words, texts, st.lists(human_items, min_size=1, max_size=3))


class GetWeather(BaseModel):
    """Get the current weather in a city."""

    city: str = Field(description="The city")


def get_time(zone: str) -> str:
    """The time in a time zone.

    Args:
        zone: an IANA zone name
    """
    return zone


TOOL_DICT = {
    "name": "lookup",
    "description": "Look a word up.",
    "input_schema": {"type": "object", "properties": {"word": {"type": "string"}}},
}
OPENAI_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search.",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
    },
}
TOOL_NAMES = ["GetWeather", "get_time", "lookup", "search"]
#: ``bind_tools`` arguments: tools in each form, and the ``tool_choice`` values apps pass.
binds = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"tools": st.sampled_from([[GetWeather], [get_time], [TOOL_DICT], [OPENAI_TOOL],
                                   [GetWeather, get_time, TOOL_DICT, OPENAI_TOOL]])},
        optional={"tool_choice": st.sampled_from(["auto", "any", "GetWeather", "none",
                                                  "required"]),
                  "parallel_tool_calls": st.booleans()},
    ).filter(lambda b: b.get("tool_choice") != "GetWeather" or GetWeather in b["tools"]),
)  # fmt: skip

call_names = st.sampled_from(TOOL_NAMES)
call_args = st.sampled_from([{}, {"city": "Paris"}, {"q": "x", "n": 2}, {"nested": {"a": [1]}}])


def _thinking(signed: bool) -> dict[str, Any]:
    block = {"type": "thinking", "thinking": "let me think"}
    return {**block, "signature": SIGNATURE} if signed else block


#: Claude's own reply blocks (v0, as ChatAnthropic and we return them) and their v1 forms.
OWN_REPLY_BLOCKS = [
    _thinking(True),
    _thinking(False),
    {"type": "redacted_thinking", "data": "EmwKAhgB"},
    {"type": "reasoning", "reasoning": "hmm", "extras": {"signature": SIGNATURE}},
    {"type": "reasoning", "reasoning": "hmm"},
    {"type": "text", "text": "cited", "citations": None},
    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
     "input": {"query": "q"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
    {"type": "refusal", "refusal": "I can't."},
    {"type": "text", "text": "annotated", "annotations": []},
    {"type": "non_standard", "value": {"type": "text", "text": "wrapped"}},
]  # fmt: skip
ai_items = st.one_of(texts, text_blocks, st.sampled_from(OWN_REPLY_BLOCKS))
ai_content = st.one_of(texts, st.lists(ai_items, max_size=3))

#: How the calls appear in content besides ``tool_calls``: not at all, as v0 ``tool_use``
#: blocks (ChatAnthropic's own reply), as v1 ``tool_call`` blocks, or stale (other input).
CALL_FORMS = ["none", "tool_use", "tool_call", "stale"]
PROVIDERS = [None, "anthropic", "openai", "google_genai"]
OWN = (None, "anthropic")
_CLAUDE_ONLY = {"thinking", "redacted_thinking", "reasoning", "server_tool_use",
                "web_search_tool_result"}  # fmt: skip


def _as_written_by(provider: str | None, content: Any) -> Any:
    """Content ``provider`` could have written: another provider's reply holds no Claude-signed
    or server-tool blocks (its own shapes come whole from tests/helpers/foreign.py), and only a
    v1 reply, which always names its provider, holds v1 ``reasoning``."""
    if isinstance(content, str):
        return content
    left_out = {"reasoning"} if provider is None else set() if provider == "anthropic" else (
        _CLAUDE_ONLY)  # fmt: skip
    return [b for b in content if not (isinstance(b, dict) and b.get("type") in left_out)]


def _call_block(form: str, call: dict[str, Any]) -> dict[str, Any] | None:
    if form == "tool_use":
        return {"type": "tool_use", "id": call["id"], "name": call["name"], "input": call["args"]}
    if form == "tool_call":
        return {"type": "tool_call", "id": call["id"], "name": call["name"], "args": call["args"]}
    if form == "stale":
        return {"type": "tool_use", "id": call["id"], "name": call["name"], "input": {},
                "partial_json": "{\"x\": 1", "index": 1}  # fmt: skip
    return None


@st.composite
def tool_round(draw: st.DrawFn, round_no: int) -> list[BaseMessage]:
    """An AIMessage with tool calls, then a ToolMessage per call (in any order)."""
    n = draw(st.integers(1, 2))
    calls = [
        {"id": f"toolu_{round_no}{i}", "name": draw(call_names), "args": draw(call_args),
         "type": "tool_call"}
        for i in range(n)
    ]  # fmt: skip
    content = draw(ai_content)
    form = draw(st.sampled_from(CALL_FORMS))
    if form != "none":
        blocks = [b for b in (_call_block(form, c) for c in calls) if b]
        content = ([content] if isinstance(content, str) and content else
                   [] if isinstance(content, str) else list(content)) + blocks  # fmt: skip
    provider = draw(st.sampled_from(PROVIDERS))
    content = _as_written_by(provider, content)
    extra: dict[str, Any] = {}
    if provider:
        extra["response_metadata"] = {"model_provider": provider}
    if provider == "openai" and draw(st.booleans()):
        extra["additional_kwargs"] = {"tool_calls": [
            {"id": c["id"], "type": "function",
             "function": {"name": c["name"], "arguments": "{}"}} for c in calls]}  # fmt: skip
    if draw(st.booleans()):
        args = draw(st.sampled_from(["{oops", '{"word": "grass"}']))  # not JSON / refused
        extra["invalid_tool_calls"] = [{"id": f"bad_{round_no}", "name": "lookup",
                                        "args": args, "error": None,
                                        "type": "invalid_tool_call"}]  # fmt: skip
    messages: list[BaseMessage] = [AIMessage(content, tool_calls=calls, **extra)]
    answered = [c["id"] for c in calls]
    if extra.get("invalid_tool_calls") and draw(st.booleans()):
        answered.append(f"bad_{round_no}")
    for tool_id in draw(st.permutations(answered)):
        messages.append(draw(tool_message(tool_id)))
    return messages


@st.composite
def tool_message(draw: st.DrawFn, tool_id: str) -> ToolMessage:
    items = st.one_of(texts, text_blocks, st.sampled_from(MEDIA[:4]))
    content = draw(st.one_of(texts, st.lists(items, max_size=2)))
    status = draw(st.sampled_from(["success", "error"]))
    artifact = draw(st.sampled_from([None, {"rows": 3}]))
    return ToolMessage(content, tool_call_id=tool_id, status=status, artifact=artifact)


@st.composite
def histories(draw: st.DrawFn) -> list[BaseMessage]:
    """A conversation of one to three rounds (see the module docstring)."""
    messages: list[BaseMessage] = []
    if draw(st.booleans()):
        messages.append(SystemMessage(draw(st.one_of(words, st.lists(text_blocks, max_size=2)))))
    opening = draw(st.sampled_from(["user", "user", "user", "greeting", "foreign"]))
    if opening == "greeting":  # a chat UI's greeting before the user's first message
        messages.append(AIMessage("Hi! How can I help?"))
    if opening == "foreign":  # a thread that started on another provider
        messages.extend(FOREIGN[draw(st.sampled_from(sorted(FOREIGN)))]()[:-1])
    for round_no in range(draw(st.integers(1, 3))):
        messages.append(HumanMessage(draw(human_content)))
        if draw(st.integers(0, 9)) == 0:  # two user messages in a row
            messages.append(HumanMessage(draw(human_content)))
        kind = draw(st.sampled_from(["answer", "tools", "tools"]))
        if kind == "answer":
            provider = draw(st.sampled_from(PROVIDERS))
            meta = {"model_provider": provider} if provider else {}
            content = _as_written_by(provider, draw(ai_content))
            messages.append(AIMessage(content, response_metadata=meta))
        else:
            messages.extend(draw(tool_round(round_no)))
    if draw(st.integers(0, 9)):  # else a final AIMessage (a prefill) or ToolMessage
        messages.append(HumanMessage(draw(human_content)))
    return messages


#: Constructor settings: the default model (no prefill), models that still continue a prefill,
#: sampling and stop settings, budgeted and adaptive thinking, effort.
model_settings = st.sampled_from([
    {},
    {"model": "claude-sonnet-4-5"},
    {"model": "claude-3-5-haiku-latest"},
    {"temperature": 0.3, "stop": ["END"]},
    {"model": "claude-sonnet-4-5", "thinking": {"type": "enabled", "budget_tokens": 2000}},
    {"model": "claude-opus-4-6", "thinking": {"type": "adaptive"}},
    {"model": "claude-opus-4-6", "effort": "low"},
])  # fmt: skip
