"""Offline token estimation for Anthropic Messages request bodies.

Estimates what the API bills as the prompt (``input_tokens + cache_read_input_tokens +
cache_creation_input_tokens``) without a network call: text is counted with tiktoken's
cl100k when its encoding file is already on disk, otherwise by a character-class estimator,
then scaled to Claude's tokenizer; what the API adds around the content comes from
Anthropic's documentation where it exists (the hidden tool-use prompt per model and
``tool_choice``, image and PDF sizes) and from a few fitted constants otherwise (role headers,
block and tool framing; ``tokens._costs``). Method and accuracy: docs/token-estimation.md.

It never raises on a body ``invoke`` could produce, nor on foreign or malformed blocks: what
it cannot read counts as its JSON text. What it cannot know offline (the tools of a remote
MCP server, the size of an image or PDF given by URL or file id) is listed in
:attr:`TokenBreakdown.unknown` and logged once, never guessed silently.

Identity kept exactly, so a cache planner can place breakpoints by cumulative counts::

    estimate_request_tokens(body)
        == request_overhead_tokens(body)
         + sum(estimate_tool_tokens(t, model=m) for t in body["tools"])
         + sum(estimate_block_tokens(b, model=m) for b in system blocks)
         + sum(message_overhead_tokens(m) + sum(billed block tokens) for each message)

where a block's billed tokens are ``estimate_block_tokens(block, model=m)`` except for
thinking blocks of earlier turns, which the API strips (0) on models that do not keep
them.  :func:`request_token_breakdown` returns exactly these terms.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .._models import tool_prompt_tokens
from ._blocks import (
    block_tokens,
    schema_tokens,
    text_tokens,
    tool_tokens,
    unknowns,
    uses_citations,
)
from ._costs import TokenCosts, costs_for
from ._text import counted_tokens

__all__ = [
    "TokenBreakdown",
    "estimate_block_tokens",
    "estimate_request_tokens",
    "estimate_text_tokens",
    "estimate_tool_tokens",
    "message_overhead_tokens",
    "request_overhead_tokens",
    "request_token_breakdown",
]

_log = logging.getLogger("langchain_cometapi.tokens")
_THINKING_TYPES = ("thinking", "redacted_thinking")
_warned: set[str] = set()
_BILLING_HEADER = "x-anthropic-billing-header:"


def estimate_text_tokens(text: str, *, model: str | None = None) -> int:
    """Claude tokens of plain text (no framing)."""
    return round(text_tokens(text, costs_for(model))) if isinstance(text, str) and text else 0


def estimate_block_tokens(block: Any, *, model: str | None = None) -> int:
    """Tokens of one content block including its framing (a str is a string content)."""
    return round(block_tokens(block, costs_for(model)))


def estimate_text_block_once(text: str, *, model: str | None = None) -> int:
    """``estimate_block_tokens(text)`` for a caller that memoises the count itself (the cache
    planner, by block fingerprint, across calls): a count the per-string cache holds is used,
    but a new one is not stored there, whose bookkeeping (a lock, an LRU insertion) such a
    caller would pay on every new text for an entry it never reads."""
    p = costs_for(model)
    return round(p.block + (counted_tokens(text) * p.text_factor if text else 0.0))


def estimate_tool_tokens(tool: Any, *, model: str | None = None) -> int:
    """Tokens of one tool definition (the shared hidden tool prompt is request overhead)."""
    return round(tool_tokens(tool, costs_for(model)))


def message_overhead_tokens(model: str | None = None) -> int:
    """Role header and separator the API adds around each message."""
    return round(costs_for(model).message)


# --- request ------------------------------------------------------------------------------


def _get(value: Any, key: str) -> Any:
    if type(value) is dict:  # the common case, without the ABC check
        return value.get(key)
    if value is None:  # an absent setting, without the slower ABC check below
        return None
    return value.get(key) if isinstance(value, Mapping) else None


def _blocks_of(content: Any) -> Sequence[Any]:
    if type(content) is list:
        return content
    if content is None:
        return ()
    if isinstance(content, (str, Mapping)):
        return (content,)
    return content if isinstance(content, Sequence) else (content,)


def _has_tools(body: Mapping[str, Any]) -> bool:
    """Custom, server or MCP tools: each brings the documented hidden tool-use prompt."""
    return bool(body.get("tools") or body.get("mcp_servers"))


def _prefilled(body: Mapping[str, Any]) -> bool:
    """The last message is the assistant's (a prefill): no new reply header follows it."""
    messages = _blocks_of(body.get("messages"))
    return bool(messages) and _get(messages[-1], "role") == "assistant"


def _request_overhead(body: Mapping[str, Any], p: TokenCosts, citations: bool) -> float:
    total = float(p.request) + (0.0 if _prefilled(body) else p.reply_header)
    system = body.get("system")
    if system:
        total += p.system
    if _has_tools(body):
        choice = _get(body.get("tool_choice"), "type")
        total += p.tool_prompt * tool_prompt_tokens(_model(body), choice)
    thinking = _get(body.get("thinking"), "type")
    if thinking == "enabled":
        total += p.thinking_config
    elif thinking == "adaptive":
        total += p.adaptive_thinking
    config = body.get("output_config")
    fmt = _get(config, "format") or body.get("output_format")
    if fmt:
        total += p.output_format + schema_tokens(_get(fmt, "schema"), p)
    if _get(config, "effort") or _get(config, "task_budget"):
        total += p.effort
    edits = _get(body.get("context_management"), "edits")
    if edits is not None and isinstance(edits, Sequence) and any(
        str(_get(e, "type") or "").startswith("compact") for e in edits
    ):
        total += p.context_compaction
    if citations:
        total += p.citations
    return total


def _model(body: Mapping[str, Any]) -> str | None:
    model = body.get("model")
    return model if isinstance(model, str) else None


def request_overhead_tokens(body: Mapping[str, Any], *, citations: bool | None = None) -> int:
    """Everything billed once per request rather than per tool/block/message: the hidden
    tool-use prompt (by ``tool_choice``), system header, thinking, structured-output,
    effort, compaction and citation instructions.

    ``citations``: whether citations are on anywhere; ``None`` finds out by walking every
    message (a caller that must stay flat in conversation length says what it knows)."""
    if type(body) is not dict and not isinstance(body, Mapping):
        return 0
    if citations is None:
        citations = uses_citations(body.get("messages"))
    if type(body) is dict and body.keys().isdisjoint(_SETTINGS_WITH_OVERHEAD):
        return _plain_overhead(_model(body), _prefilled(body), bool(body.get("system")), citations)
    return round(_request_overhead(body, costs_for(_model(body)), citations))


#: Body fields that may add to the per-request overhead besides the model, system and prefill.
_SETTINGS_WITH_OVERHEAD = frozenset(
    {"tools", "mcp_servers", "tool_choice", "thinking", "output_config", "output_format",
     "context_management"}
)


@lru_cache(maxsize=1024)
def _plain_overhead(model: str | None, prefilled: bool, system: bool, citations: bool) -> int:
    """``request_overhead_tokens`` of a body with none of those settings, which the planner
    asks for on every call: computed once per combination, by the same function."""
    body = {
        "model": model,
        "system": "-" if system else None,
        "messages": [{"role": "assistant" if prefilled else "user"}],
    }
    return round(_request_overhead(body, costs_for(model), citations))


@dataclass
class TokenBreakdown:
    """The terms of the identity in the module docstring, in prompt order.

    ``unknown`` names what is billed but cannot be sized offline (counted as the part that
    is known, e.g. an MCP server's configuration but not its tools)."""

    overhead: int
    tools: list[int] = field(default_factory=list)
    system: list[int] = field(default_factory=list)
    message_overhead: int = 0
    messages: list[list[int]] = field(default_factory=list)  # billed tokens per block
    unknown: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        per_message = sum(self.message_overhead + sum(m) for m in self.messages)
        return self.overhead + sum(self.tools) + sum(self.system) + per_message


def _last_human_turn(messages: Sequence[Any]) -> int:
    """Index of the last user message that is not only tool results: thinking before it
    belongs to finished turns and is stripped by models that do not preserve it."""
    for i in range(len(messages) - 1, -1, -1):
        if _get(messages[i], "role") != "user":
            continue
        blocks = _blocks_of(_get(messages[i], "content"))
        if not blocks or any(_get(b, "type") != "tool_result" for b in blocks):
            return i
    return -1


def _billing_header(block: Any) -> bool:
    """Claude Code's attribution line: a system block the API reads and strips, not billed."""
    text = block if isinstance(block, str) else _get(block, "text")
    return isinstance(text, str) and text.startswith(_BILLING_HEADER)


@dataclass
class _Terms:
    overhead: float
    tools: list[float]
    system: list[float]
    message: float
    messages: list[list[float]]


def request_terms(body: Mapping[str, Any], p: TokenCosts) -> _Terms:
    """The unrounded terms of ``body`` under the costs ``p`` (calibration evaluates a body
    with one cost field at a time, which is exact because every term is linear in them)."""
    messages = _blocks_of(body.get("messages"))
    system = body.get("system")
    system_blocks = _blocks_of(system) if system else ()
    cut = -1 if p.preserves_thinking else _last_human_turn(messages)
    per_message: list[list[float]] = []
    for index, message in enumerate(messages):
        row: list[float] = []
        for block in _blocks_of(_get(message, "content")):
            stripped = index < cut and _get(block, "type") in _THINKING_TYPES
            row.append(0.0 if stripped else block_tokens(block, p))
        per_message.append(row)
    return _Terms(
        overhead=_request_overhead(body, p, uses_citations(body.get("messages"))),
        tools=[tool_tokens(t, p) for t in _blocks_of(body.get("tools"))],
        system=[0.0 if _billing_header(b) else block_tokens(b, p) for b in system_blocks if b],
        message=p.message,
        messages=per_message,
    )


def request_token_breakdown(body: Mapping[str, Any]) -> TokenBreakdown:
    """Per-tool, per-system-block and per-message-block billed tokens plus overheads."""
    if not isinstance(body, Mapping):
        return TokenBreakdown(overhead=0)
    terms = request_terms(body, costs_for(_model(body)))
    unknown = unknowns(body)
    for reason in unknown:
        if reason not in _warned:
            _warned.add(reason)
            _log.warning("token estimate excludes what it cannot know offline: %s", reason)
    return TokenBreakdown(
        overhead=round(terms.overhead),
        tools=[round(t) for t in terms.tools],
        system=[round(b) for b in terms.system],
        message_overhead=round(terms.message),
        messages=[[round(b) for b in row] for row in terms.messages],
        unknown=unknown,
    )


def estimate_request_tokens(body: Mapping[str, Any]) -> int:
    """Prompt tokens the API bills for ``body`` (input + cache read + cache creation)."""
    return request_token_breakdown(body).total
