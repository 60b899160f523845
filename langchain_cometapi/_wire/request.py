"""LangChain messages -> Messages API request body (pure conversion, validated before sending).

The API wants alternating user/assistant turns, tool results first in a user turn, no empty or
whitespace-only text and no trailing whitespace in a final assistant turn; LangChain histories
are looser. Everything here reshapes or rejects: nothing is dropped except blank text, which the
API would refuse anyway.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from .blocks import convert_content, invalid_call_input, tool_result_block

Block = dict[str, Any]


def convert_messages(
    messages: Sequence[BaseMessage], *, lenient: bool = False, mid_system: bool = False
) -> tuple[list[Block] | None, list[dict[str, Any]]]:
    """(system blocks, turns) for a LangChain history; raises ValueError on what the API rejects.
    ``mid_system``: the model takes late system messages in place (``_stays_in_place``)."""
    if not messages and not lenient:
        raise ValueError("ChatCometAPI needs at least one message; got an empty list.")
    system: list[Block] = []
    turns: list[dict[str, Any]] = []
    seen_other = after_system = False
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    for position, message in enumerate(messages):
        if isinstance(message, SystemMessage) or (
            isinstance(message, ChatMessage) and message.role == "system"
        ):
            if mid_system and _stays_in_place(messages, position, turns):
                turns.append({"role": "system", "content": _mid_system_blocks(message.content)})
                continue
            if seen_other and not lenient and not after_system:
                if system:
                    raise ValueError(
                        f"message {position} is a second system message, after the "
                        "conversation started; the Messages API takes one system prompt before "
                        "all turns. Merge it into the first or send it as a HumanMessage."
                    )
                warnings.warn(  # ChatAnthropic hoists a lone late system message the same way
                    f"message {position} is a system message after the conversation started; "
                    "it was moved to the top-level system prompt and applies to the whole "
                    "conversation.",
                    UserWarning,
                    stacklevel=4,
                )
            system.extend(_system_blocks(message.content))
            after_system = True
            continue
        seen_other, after_system = True, False
        role, blocks = _turn(message, position, answered)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if lenient:
        # Token counting (trim_messages probes any slice of a history): shape, don't judge.
        _finish(turns)
        return (system or None), turns
    _check_turns(turns)
    _finish(turns)
    _check_tool_pairs(turns)
    return (system or None), turns


def _check_turns(turns: list[dict[str, Any]]) -> None:
    """A user turn is needed; an assistant turn first (a chat UI's greeting) is fine when a
    user turn follows: the API answers it (recorded real traffic) and ChatAnthropic sends it."""
    if not turns:
        raise ValueError(
            "the conversation has no user or assistant turn with content (only a system prompt "
            "or blank text)."
        )
    if not any(turn["role"] == "user" for turn in turns):
        raise ValueError(
            "the conversation has only assistant turns; the Messages API needs a user turn "
            "(add a HumanMessage)."
        )


def _finish(turns: list[dict[str, Any]]) -> None:
    for turn in turns:
        if turn["role"] == "user":
            turn["content"] = _tool_results_first(turn["content"])
        turn["content"] = [_with_valid_ids(b) for b in turn["content"]]
    if turns:
        _strip_prefill(turns[-1])


_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]+$")


def valid_tool_id(tool_id: Any) -> Any:
    """An id the API accepts: other providers' ids (``functions.write_todos:0``) are hashed to
    ``toolu_...`` the same way every time, so a call and its result still pair (as ChatAnthropic
    does)."""
    if not isinstance(tool_id, str) or not tool_id or _VALID_ID.match(tool_id):
        return tool_id
    return "toolu_" + hashlib.sha256(tool_id.encode()).hexdigest()[:24]


def _with_valid_ids(block: Block) -> Block:
    kind = block.get("type")
    if kind == "tool_use" and not _VALID_ID.match(str(block.get("id") or "")):
        return {**block, "id": valid_tool_id(block.get("id"))}
    if kind == "tool_result" and not _VALID_ID.match(str(block.get("tool_use_id") or "")):
        return {**block, "tool_use_id": valid_tool_id(block.get("tool_use_id"))}
    return block


def _strip_prefill(turn: dict[str, Any]) -> None:
    """A final assistant turn (a prefill) may not end with whitespace: the API answers 400."""
    last = turn["content"][-1]
    if turn["role"] == "assistant" and last.get("type") == "text":
        turn["content"][-1] = {**last, "text": last["text"].rstrip()}


def _stays_in_place(
    messages: Sequence[BaseMessage], position: int, turns: list[dict[str, Any]]
) -> bool:
    """A system message inside the conversation is sent where it is (newer models take it)
    after a user turn, when the next non-system message is an AI message or there is none."""
    if not turns or turns[-1]["role"] != "user":
        return False
    later = (m for m in messages[position + 1 :] if not _is_system(m))
    return isinstance(next(later, None), AIMessage | None)


def _is_system(message: BaseMessage) -> bool:
    return isinstance(message, SystemMessage) or (
        isinstance(message, ChatMessage) and message.role == "system"
    )


def _mid_system_blocks(content: str | list[Any]) -> list[Block]:
    """Text, and the tool changes (``tool_addition``/``tool_removal``) the block table lets
    into a system message; ``_system_blocks`` keeps the system prompt to text only."""
    blocks = convert_content(content, "system")
    if not blocks:
        raise ValueError("a system message inside the conversation has no content.")
    return blocks


def _system_blocks(content: str | list[Any]) -> list[Block]:
    blocks = convert_content(content, "system")
    for block in blocks:
        if block.get("type") != "text":
            raise ValueError(
                f"system prompts may hold only text blocks; got a {block.get('type')!r} block."
            )
    return blocks


def _turn(message: BaseMessage, position: int, answered: set[str]) -> tuple[str, list[Block]]:
    if isinstance(message, AIMessage):
        return "assistant", _assistant_blocks(message) + _answered_invalid_calls(message, answered)
    if isinstance(message, ToolMessage):
        return "user", _tool_results(message)
    if isinstance(message, HumanMessage):
        return "user", convert_content(message.content, "user")
    if isinstance(message, ChatMessage) and message.role in ("user", "human"):
        return "user", convert_content(message.content, "user")
    if isinstance(message, ChatMessage) and message.role in ("assistant", "ai"):
        return "assistant", convert_content(message.content, "assistant")
    if isinstance(message, FunctionMessage):
        raise ValueError(
            f"message {position}: FunctionMessage is OpenAI's legacy format; use ToolMessage."
        )
    raise ValueError(f"message {position}: unsupported message type {type(message).__name__}.")


def _tool_results(message: ToolMessage) -> list[Block]:
    """A ToolMessage -> its tool_result block(s).

    Content that already is ``tool_result`` blocks (an agent that built them itself, as
    ChatAnthropic allows) is sent as those blocks, not wrapped a second time.
    """
    content = message.content
    if (
        isinstance(content, list)
        and content
        and all(isinstance(b, Mapping) and b.get("type") == "tool_result" for b in content)
    ):
        return [tool_result_block(b) for b in content if isinstance(b, Mapping)]
    if not message.tool_call_id:
        raise ValueError("a ToolMessage needs the tool_call_id of the call it answers.")
    block: Block = {"type": "tool_result", "tool_use_id": message.tool_call_id}
    if content:
        block["content"] = content
    if message.status == "error":
        block["is_error"] = True
    extra_cache = message.additional_kwargs.get("cache_control")
    if extra_cache:
        block["cache_control"] = extra_cache
    return [tool_result_block(block)]


def _assistant_blocks(message: AIMessage) -> list[Block]:
    provider = message.response_metadata.get("model_provider")
    foreign = provider not in (None, "anthropic")
    blocks = convert_content(message.content, "assistant", foreign=foreign)
    if foreign:
        # Another provider's thinking (e.g. after a model fallback) carries a signature Claude
        # cannot verify: the API would answer 400.
        blocks = [b for b in blocks if b.get("type") not in ("thinking", "redacted_thinking")]
    calls = {tc["id"]: tc for tc in message.tool_calls if tc.get("id")}
    seen: set[str] = set()
    for block in blocks:
        if block.get("type") == "tool_use":
            if not isinstance(block.get("id"), str) or not block["id"]:
                raise ValueError(f"a tool_use block needs a string id; got {block.get('id')!r}.")
            call = calls.get(block["id"])
            if call is not None:
                # tool_calls are the source of truth: users and agents edit them, and in streamed
                # content the input may be an empty dict next to partial JSON.
                block["input"] = call["args"]
                block["name"] = call["name"]
            seen.add(block.get("id", ""))
    for call in message.tool_calls:
        call_id = call.get("id")
        if not call_id:
            raise ValueError(f"tool call {call['name']!r} has no id; the API needs one.")
        if call_id not in seen:
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": call["name"], "input": call["args"]}
            )
    return blocks


def _hashable(block: Mapping[str, Any]) -> bool:
    return isinstance(block.get("id"), (str, type(None)))


def _answered_invalid_calls(message: AIMessage, answered: set[str]) -> list[Block]:
    """Invalid tool calls (arguments that were not JSON) that a ToolMessage answers, typically
    with the error, go out as ``tool_use`` blocks (input: the arguments if they parse, else
    ``{}``) so the pair stays valid (as ChatAnthropic sends them); unanswered ones stay out, as
    the API would refuse a call with no result. Most replies have none: then nothing is walked
    (a str content would be walked character by character, ~1 ms per long conversation on every
    call)."""
    if not message.invalid_tool_calls:
        return []
    content = message.content if isinstance(message.content, list) else []
    present = {b.get("id") for b in content if isinstance(b, Mapping) and _hashable(b)}
    present |= {tc.get("id") for tc in message.tool_calls}
    return [
        {"type": "tool_use", "id": call["id"], "name": call["name"],
         "input": invalid_call_input(call.get("args"))}
        for call in message.invalid_tool_calls
        if call.get("id") in answered and call.get("name") and call.get("id") not in present
    ]  # fmt: skip


def _tool_results_first(blocks: list[Block]) -> list[Block]:
    results = [b for b in blocks if b.get("type") == "tool_result"]
    if not results or len(results) == len(blocks):
        return blocks
    return results + [b for b in blocks if b.get("type") != "tool_result"]


def _check_tool_pairs(turns: list[dict[str, Any]]) -> None:
    """Each tool_result must answer a tool_use of the turn before, and every call be answered."""
    pending: set[str] = set()
    for turn in turns:
        blocks = turn["content"]
        if turn["role"] == "system":  # a system message in place answers nothing
            continue
        if turn["role"] == "assistant":
            if pending:
                raise ValueError(_unanswered(pending))
            pending = {b["id"] for b in blocks if b.get("type") == "tool_use"}
            continue
        answered = {b["tool_use_id"] for b in blocks if b.get("type") == "tool_result"}
        stray = answered - pending
        if stray:
            raise ValueError(
                f"ToolMessage(s) with tool_call_id {sorted(stray, key=str)} do not answer a tool "
                "call of the AIMessage just before them; every ToolMessage must follow the "
                "AIMessage whose tool_calls it answers."
            )
        missing = pending - answered
        if missing:
            raise ValueError(_unanswered(missing))
        pending = set()


def _unanswered(ids: set[str]) -> str:
    return (
        f"the tool call(s) {sorted(ids, key=str)} have no ToolMessage answering them before the "
        "next turn; add a ToolMessage per tool call (the API rejects unanswered tool_use blocks)."
    )
