"""The per-model registry: every fact that differs between Claude models lives in one table.

A row per model family answers the cache planner (minimum cacheable prefix), LangChain's
profile (``llm.profile``: context and output limits, structured output, thinking; langchain
1.x's SummarizationMiddleware and create_agent read it), and the token estimator
(which token family's costs apply). Lookup goes through one normalisation, so a dated id
(``claude-sonnet-4-5-20250929``), a provider-prefixed one (``anthropic/claude-opus-4-7``,
``us.anthropic.claude-...-v1:0``), a CometAPI alias (``cometapi-opus-4-5``), a ``-thinking``
variant or a dotted version (``claude-sonnet-4.5``) all reach the same row, and the answers can
never disagree. Adding a model is one line.

Sources: Anthropic's models overview and prompt-caching pages (minimums: 4096 for Opus 4.5/4.6
and Haiku 4.5, 2048 for Opus 4.7 and Haiku 3/3.5, 1024 for the other 4.x and 3.x models, 512 for
the 5 generation). Where public sources disagree (Sonnet 4.6: 1024 documented, 2048 observed by
some users) the documented figure is used: a marker on a prefix below the real minimum costs
nothing (the API ignores it), while a too-high minimum forgoes savings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final

from langchain_core.language_models import ModelProfile

__all__ = [
    "CONTEXT_1M_BETA",
    "DEFAULT_MAX_TOKENS",
    "LOOKBACK_BLOCKS",
    "MAX_BREAKPOINTS",
    "TTL_SECONDS",
    "ModelInfo",
    "default_max_tokens",
    "default_profile",
    "effort_turns_on_thinking",
    "min_cacheable_tokens",
    "model_info",
    "normalize_model",
    "output_limit",
    "tool_prompt_tokens",
]

#: Anthropic rejects a request with more block-level cache_control markers than this.
MAX_BREAKPOINTS: Final = 4
#: A read checks this many block positions (the breakpoint's own included) for an earlier entry.
LOOKBACK_BLOCKS: Final = 20
#: Lifetime of an entry after its last write or read.
TTL_SECONDS: Final[dict[str, float]] = {"5m": 300.0, "1h": 3600.0}
#: The beta that opens a 1M-token context window on the models that support it.
CONTEXT_1M_BETA: Final = "context-1m-2025-08-07"
#: The beta that lets Claude 3.7 Sonnet write up to 128K tokens (its row says 64K).
OUTPUT_128K_BETA: Final = "output-128k-2025-02-19"
#: ``max_tokens`` when none is given (the Messages API requires one); see ``default_max_tokens``.
DEFAULT_MAX_TOKENS: Final = 8192


@dataclass(frozen=True)
class ModelInfo:
    """What one model family is: every per-model answer the package needs."""

    family: str  # the registry key that matched ("" for an unknown model)
    cache_min_tokens: int  # shortest prefix the API caches
    max_input_tokens: int  # context window (0: unknown)
    max_output_tokens: int  # largest max_tokens (0: unknown)
    structured_output: bool  # native output_config.format
    thinking: bool  # extended / adaptive thinking
    token_family: str  # key of the token estimator's cost table (tokens._costs)
    context_1m_beta: bool = False  # CONTEXT_1M_BETA opens a 1M window
    #: Hidden tool-use system prompt, in tokens, for tool_choice auto/none and any/tool
    #: (Anthropic's tool-use pricing table; billed once per request that has tools).
    tool_prompt: tuple[int, int] = (496, 588)
    #: Continues a final assistant message (a prefill); Claude 4.6 and later answer 400
    #: ("This model does not support assistant message prefill").
    prefill: bool = True
    #: Takes ``system`` messages inside the conversation (after a user turn); earlier models
    #: get a late SystemMessage hoisted into the system prompt.
    mid_system: bool = False

    @property
    def known(self) -> bool:
        return bool(self.family)


def _row(
    family: str,
    cache_min: int,
    max_in: int,
    max_out: int,
    structured: bool,
    thinking: bool,
    tokens: str,
    tool_prompt: tuple[int, int],
    context_1m: bool = False,
) -> ModelInfo:
    info = ModelInfo(
        family, cache_min, max_in, max_out, structured, thinking, tokens, context_1m, tool_prompt
    )
    return replace(info, prefill=family not in _NO_PREFILL, mid_system=family in _MID_SYSTEM)


#: Families that take system messages inside the conversation (langchain-anthropic's model
#: profiles, ``mid_conversation_system_messages``: Opus 4.8 and the 5 series).
_MID_SYSTEM: Final = frozenset(
    {"claude-opus-4-8", "claude-sonnet-5", "claude-opus-5", "claude-fable-5", "claude-mythos-5",
     "claude-haiku-5"}
)  # fmt: skip
#: Families from Claude 4.6 on that refuse a prefill (Anthropic's "What's new in Claude 4.6":
#: prefill removal), and every later family.
_NO_PREFILL: Final = frozenset(
    {"claude-sonnet-4-6", "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8", "claude-mythos",
     "claude-sonnet-5", "claude-opus-5", "claude-fable-5", "claude-mythos-5", "claude-haiku-5"}
)  # fmt: skip


# Token families (tokens._costs): "claude-3" (3.x: earlier turns' thinking stripped),
# "claude-4" (4.x up to Opus 4.1 / Sonnet 4.x / Haiku 4.5), "keeps-thinking" (models that keep
# earlier turns' thinking in context), "new-tokenizer" (Opus 4.7+ and the 5 series: more
# tokens per text; Sonnet 5's billed usage shows it, ~1.3x the 4.x counts for the same text).
# Tool prompt: Anthropic's "tool use system prompt token count" table (auto/none, any/tool).
# Not documented, so borrowed from the nearest documented generation: Opus 5, Fable 5,
# Mythos 5 and Haiku 5.5 (Sonnet 5's figures). Haiku 5.5 (``claude-haiku-5-5``) is documented
# to use the newer tokenizer of Claude 4.7 and later ("about 30 % more tokens than on Haiku
# 4.5"); its cache minimum is not in the sources above, so it keeps Haiku 4.5's 4096, the
# same conservative value an unknown model gets. ``claude-mythos`` catches the preview ids.
_ROWS: Final[tuple[ModelInfo, ...]] = (
    _row("claude-3-haiku", 2048, 200_000, 4_096, False, False, "claude-3", (264, 340)),
    _row("claude-3-opus", 1024, 200_000, 4_096, False, False, "claude-3", (530, 281)),
    _row("claude-3-sonnet", 1024, 200_000, 4_096, False, False, "claude-3", (159, 235)),
    _row("claude-3-5-haiku", 2048, 200_000, 8_192, False, False, "claude-3", (264, 355)),
    _row("claude-3-5-sonnet", 1024, 200_000, 8_192, False, False, "claude-3", (346, 313)),
    _row("claude-3-7-sonnet", 1024, 200_000, 64_000, False, True, "claude-4", (346, 313)),
    _row("claude-sonnet-4", 1024, 200_000, 64_000, False, True, "claude-4", (313, 315), True),
    _row("claude-sonnet-4-5", 1024, 200_000, 64_000, True, True, "claude-4", (496, 588), True),
    _row("claude-sonnet-4-6", 1024, 1_000_000, 128_000, True, True, "claude-4", (497, 589)),
    _row("claude-haiku-4-5", 4096, 200_000, 64_000, True, True, "claude-4", (496, 588)),
    _row("claude-opus-4", 1024, 200_000, 32_000, False, True, "claude-4", (313, 315)),
    _row("claude-opus-4-1", 1024, 200_000, 32_000, True, True, "claude-4", (313, 315)),
    _row("claude-opus-4-5", 4096, 200_000, 64_000, True, True, "keeps-thinking", (496, 588)),
    _row("claude-opus-4-6", 4096, 1_000_000, 128_000, True, True, "keeps-thinking", (497, 589)),
    _row("claude-opus-4-7", 2048, 1_000_000, 128_000, True, True, "new-tokenizer", (675, 804)),
    _row("claude-opus-4-8", 1024, 1_000_000, 128_000, True, True, "new-tokenizer", (290, 410)),
    _row("claude-sonnet-5", 512, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
    _row("claude-opus-5", 512, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
    _row("claude-fable-5", 512, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
    _row("claude-mythos-5", 512, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
    _row("claude-mythos", 512, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
    _row("claude-haiku-5", 4096, 1_000_000, 128_000, True, True, "new-tokenizer", (354, 474)),
)
#: Snapshots whose documented tool prompt differs from their family row's.
_TOOL_PROMPT_SNAPSHOTS: Final[dict[str, tuple[int, int]]] = {
    "claude-3-5-sonnet-20240620": (294, 261),
}
_BY_FAMILY: Final = {row.family: row for row in _ROWS}

#: An unknown model: the largest minimum (a slot is never spent on a prefix that is not
#: cached), no profile limits, the 4.x token costs.
UNKNOWN: Final = ModelInfo("", 4096, 0, 0, False, False, "claude-4")

_DATE_SUFFIX = re.compile(r"(?:[-@]\d{8}|-latest|-v\d+(?::\d+)?|:\d+|-thinking|:thinking)$")
_PROVIDER_PREFIX = re.compile(r"^(?:[a-z0-9_.-]*[/.])?(?=claude-)")
_DOTTED_VERSION = re.compile(r"(?<=\d)\.(?=\d)")


@lru_cache(maxsize=512)
def normalize_model(model: str) -> str:
    """The registry key form of a model id: no provider prefix, date, version or variant suffix."""
    name = model.strip().lower()
    if name.startswith("cometapi-"):
        name = "claude-" + name[len("cometapi-") :]
    name = _PROVIDER_PREFIX.sub("", name)
    name = _DOTTED_VERSION.sub("-", name)
    previous = None
    while previous != name:
        previous = name
        name = _DATE_SUFFIX.sub("", name)
    return name


@lru_cache(maxsize=512)
def model_info(model: str | None) -> ModelInfo:
    """The row of the longest registry key that ``model`` starts with (on ``-`` boundaries)."""
    name = normalize_model(model or "")
    while name:
        row = _BY_FAMILY.get(name)
        if row is not None:
            return row
        name = name.rpartition("-")[0]
    return UNKNOWN


def output_limit(model: str | None, betas: Sequence[str] = ()) -> int:
    """The largest ``max_tokens`` ``model`` accepts with these betas (0: unknown)."""
    info = model_info(model)
    if info.family == "claude-3-7-sonnet" and OUTPUT_128K_BETA in betas:
        return 128_000
    return info.max_output_tokens


def default_max_tokens(model: str | None) -> int:
    """``max_tokens`` for a model the user gave none for: 8192, or the model's own output limit
    where that is lower (Claude 3 Haiku, Opus and Sonnet: 4096), as ChatAnthropic defaults to
    the model's limit; 8192 there would be a 400 on every call."""
    ceiling = model_info(model).max_output_tokens
    return ceiling if 0 < ceiling < DEFAULT_MAX_TOKENS else DEFAULT_MAX_TOKENS


def tool_prompt_tokens(model: str | None, tool_choice: str | None) -> int:
    """Size of the hidden tool-use system prompt for ``model`` and a ``tool_choice`` type."""
    name = (model or "").strip().lower().rpartition("/")[2]
    auto, forced = _TOOL_PROMPT_SNAPSHOTS.get(name) or model_info(model).tool_prompt
    return forced if tool_choice in ("any", "tool") else auto


def min_cacheable_tokens(model: str) -> int:
    """Smallest prefix the model caches (the conservative 4096 for an unknown model)."""
    return model_info(model).cache_min_tokens


def default_profile(model: str, betas: Sequence[str] | None = None) -> ModelProfile | None:
    """The profile of ``model``'s registry row; ``None`` for a model the registry does not know.

    ``betas`` matter for the window: with the 1M-context beta on a model that supports it,
    ``max_input_tokens`` is 1,000,000 (summarisation and overflow middleware read it).
    """
    info = model_info(model)
    if not info.known:
        return None
    max_in = info.max_input_tokens
    if info.context_1m_beta and CONTEXT_1M_BETA in (betas or ()):
        max_in = 1_000_000
    return ModelProfile(
        max_input_tokens=max_in,
        max_output_tokens=info.max_output_tokens,
        text_inputs=True,
        image_inputs=True,
        image_url_inputs=True,
        pdf_inputs=True,
        audio_inputs=False,
        video_inputs=False,
        image_tool_message=True,
        pdf_tool_message=True,
        text_outputs=True,
        image_outputs=False,
        audio_outputs=False,
        video_outputs=False,
        reasoning_output=info.thinking,
        tool_calling=True,
        tool_choice=True,
        tool_call_streaming=True,
        structured_output=info.structured_output,
        temperature=not normalize_model(model).startswith(_FIXED_SAMPLING),
        mid_conversation_system_messages=info.mid_system,
    )


#: Families whose thinking is adaptive only and off unless asked for (Opus 4.7+, the 5
#: series but Mythos): there ``effort`` alone would mean no reasoning at all, so ChatAnthropic
#: (1.7.10) turns adaptive thinking on when an effort is set and thinking is not, and so do we.
_EFFORT_THINKING_FAMILIES: Final = frozenset(
    {"claude-opus-4-7", "claude-opus-4-8", "claude-opus-5", "claude-sonnet-5", "claude-fable-5"}
)


def effort_turns_on_thinking(model: str) -> bool:
    """Whether setting ``effort`` on ``model`` (without ``thinking``) implies adaptive thinking."""
    return model_info(model).family in _EFFORT_THINKING_FAMILIES


#: Newer models with fixed sampling: the API refuses ``top_k``, ``temperature``/``top_p``
#: other than 1 and ``thinking={"type": "disabled"}`` (langchain-anthropic 1.7.10 refuses the
#: same before sending). Matched on the normalised id, as those snapshots share family rows.
_FIXED_SAMPLING: Final = ("claude-fable-5", "claude-sonnet-5-5")
#: Models that take adaptive thinking only (a ``budget_tokens`` thinking is refused).
_ADAPTIVE_ONLY: Final = ("claude-opus-5", "claude-fable-5", "claude-sonnet-5-5")


def setting_refusal(model: str, body: Mapping[str, Any]) -> str | None:
    """Why the API would refuse this body's sampling or thinking settings on ``model``, or None."""
    name = normalize_model(model)
    thinking = body.get("thinking")
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    if name.startswith(_FIXED_SAMPLING):
        if body.get("top_k") is not None:
            return f"`top_k` is not supported for {model}."
        for field in ("top_p", "temperature"):
            if body.get(field) is not None and body[field] != 1:
                return f"`{field}` is not supported for {model} at values other than 1."
        if kind == "disabled":
            return f'thinking={{"type": "disabled"}} is not supported for {model}.'
    if name.startswith(_ADAPTIVE_ONLY) and kind == "enabled":
        return (
            f'thinking={{"type": "enabled", "budget_tokens": ...}} is not supported for {model}; '
            'use thinking={"type": "adaptive"} and effort instead.'
        )
    effort = (body.get("output_config") or {}).get("effort")
    if name.startswith("claude-opus-5") and kind == "disabled" and effort in ("xhigh", "max"):
        return (
            f'thinking={{"type": "disabled"}} is not supported for {model} with effort '
            f"{effort!r}; use adaptive thinking or an effort of 'high' or below."
        )
    return None
