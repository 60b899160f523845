"""Generated histories: ChatCometAPI sends what ChatAnthropic sends, or refuses before sending.

The fixed lists of test_chat_anthropic_parity*.py hold the cases someone thought of; here
hypothesis writes the histories (``tests.helpers.histories``: str and block content, v0 and
v1 blocks, OpenAI parts, tool calls in every form, tool results with errors, artifacts and
images, other providers' replies, damaged histories) and the ``bind_tools`` arguments. For each,
ChatAnthropic's ``_get_request_payload`` and our ``build_request`` (``prompt_cache="off"``)
build a body, the offline emulator (``langchain_cometapi.testing``, this project's reading of
the API's 400s, with rules learnt from recorded real traffic) answers each, and:

* where ChatAnthropic's body is accepted, ours is the same body up to the deviations
  normalised in :func:`_as_sent` (each names its docs entry);
* where it is refused (or ChatAnthropic raises), we raise a ValueError before sending, or send
  a body the emulator accepts that keeps every text ChatAnthropic's body carried;
* we never raise where ChatAnthropic's body is accepted, and every body we build is accepted.

``derandomize`` keeps CI deterministic; ``GENERATED_EXAMPLES=2000`` runs a deeper search and
``GENERATED_RANDOM=1`` a different one each run.
Each case this search found is an example test of its own (test_assistant_first_conversation.py,
test_tool_message_cache_control.py).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from langchain_core.messages import BaseMessage

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_anthropic import ours_body, theirs_body
from tests.helpers.generated import generated_settings
from tests.helpers.histories import binds, histories, model_settings

pytest.importorskip("langchain_anthropic")

GENERATED = generated_settings(150)
EMULATOR = MessagesEmulator()
Body = dict[str, Any]


def _answer(body: Mapping[str, Any]) -> int:
    """The emulator's status for ``body`` (its ``betas`` key sent as the beta header)."""
    payload = dict(body)
    headers = {"x-api-key": "sk-test"}
    if payload.get("betas"):
        headers["anthropic-beta"] = ",".join(payload.pop("betas"))
    payload.pop("betas", None)
    return EMULATOR.handle("POST", "/v1/messages", headers, payload).status


def _blank(block: Any) -> bool:
    return (
        isinstance(block, Mapping)
        and block.get("type") == "text"
        and not (str(block.get("text", "")).strip())
    )


def _without_blank(blocks: list[Any]) -> list[Any]:
    """Whitespace-only text left out, also inside tool results (docs/features.md, "whitespace-
    only text blocks ... dropped", and docs/migrating.md, "a whitespace-only string"): the API
    refuses it alone and ignores it beside other blocks."""
    out = []
    for block in blocks:
        if _blank(block):
            continue
        if isinstance(block, Mapping) and block.get("type") == "tool_result":
            content = block.get("content")
            block = {k: v for k, v in block.items() if k != "content"}
            if isinstance(content, list) and [b for b in content if not _blank(b)]:
                block["content"] = [b for b in content if not _blank(b)]
            elif isinstance(content, str) and content.strip():
                block["content"] = content
        out.append(block)
    return out


def _turns(messages: list[Any]) -> list[Any]:
    """Empty turns left out and adjacent same-role turns merged (docs/migrating.md, "an empty
    final AIMessage ... an empty middle one leaves two user turns"): the API merges them."""
    turns: list[Body] = []
    for message in messages:
        content = _without_blank(message["content"])
        if not content:
            continue
        if turns and turns[-1]["role"] == message["role"]:
            turns[-1]["content"] = turns[-1]["content"] + content
        else:
            turns.append({"role": message["role"], "content": content})
    return turns


def _tool_choice(choice: Any) -> Any:
    """``tool_choice`` as the API reads it (docs/migrating.md): ``"none"`` / ``"required"`` mean
    ``{"type": "none"}`` / ``{"type": "any"}`` ("tool_choice="none" becomes a tool named
    "none""), and ``disable_parallel_tool_use: false`` or a bare ``auto`` are the API's
    defaults ("the API's defaults ... the same as leaving them out")."""
    if not isinstance(choice, Mapping):
        return choice
    choice = {k: v for k, v in choice.items() if not (k == "disable_parallel_tool_use" and not v)}
    if choice.get("type") == "tool" and choice.get("name") in ("none", "required"):
        kind = "none" if choice.pop("name") == "none" else "any"
        choice = {"type": kind} if kind == "none" else {**choice, "type": kind}
    return None if choice == {"type": "auto"} else choice


def _as_sent(body: Body) -> Body:
    """``body`` with each documented deviation applied (see the helpers above)."""
    out = dict(body)
    if out.get("thinking"):
        # docs/migrating.md, "forced `tool_choice` with budgeted thinking" (ours: auto, the
        # API's default) and "with *adaptive* thinking" (ChatAnthropic drops it, we send it):
        # pinned by test_chat_anthropic_deviations.py, so not compared here
        out.pop("tool_choice", None)
    system = _without_blank(out.pop("system", None) or [])
    if system:
        out["system"] = system
    out["messages"] = _turns(out["messages"])
    choice = _tool_choice(out.pop("tool_choice", None))
    if choice is not None:
        out["tool_choice"] = choice
    return out


def _texts(body: Body) -> Counter[str]:
    """Every non-blank text a body carries (text blocks and string tool results; another
    provider's reasoning may be left out, docs/features.md)."""
    found: Counter[str] = Counter()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            key = {"text": "text", "tool_result": "content"}.get(str(value.get("type")))
            text = value.get(key) if key else None
            if isinstance(text, str) and text.strip():
                found[text.strip()] += 1
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk([body.get("system"), body["messages"]])
    return found


def _theirs(history: list[BaseMessage], bind: Any, settings: Any) -> Body | None:
    try:
        return theirs_body(history, settings, bind=bind)
    except Exception:  # ChatAnthropic's own error: nothing would be sent
        return None


@GENERATED
@given(histories(), binds, model_settings)
def test_generated_history_is_sent_as_chat_anthropic_sends_it(
    history: list[BaseMessage], bind: Any, settings: dict[str, Any]
) -> None:
    theirs = _theirs(history, bind, settings)
    theirs_accepted = theirs is not None and _answer(theirs) == 200
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = ours_body(history, settings, bind=bind)
    except ValueError:
        assert not theirs_accepted, "refused a history the API takes from ChatAnthropic"
        return
    assert _answer(ours) == 200, "built a body the API refuses"
    if theirs_accepted:
        assert theirs is not None
        assert _as_sent(ours) == _as_sent(theirs)
    elif theirs is not None:
        assert not _texts(theirs) - _texts(ours), "a repaired body lost text"
