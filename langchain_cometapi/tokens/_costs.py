"""What the API bills around the caller's content, per token family.

Why a separate module: the numbers here are of two kinds that must not blur. The fields in
``FITTED`` (role headers, block and tool framing, Claude tokens per cl100k token) are not
documented anywhere; they are fitted to billed usage of recorded real requests by
benchmarks/token_calibration.py, which also measures them leave-one-project-out. The rest
is documented by Anthropic (the tool-use prompt per model lives in the model registry,
``_models``; image and PDF sizes in ``_media``; some server tool sizes below) or observed as
zero. The same few numbers serve every request; nothing is per-project or per-conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .._models import model_info

__all__ = [
    "COSTS",
    "FAMILIES",
    "FITTED",
    "TEXT_FACTOR",
    "TokenCosts",
    "costs_for",
    "family_costs",
]

# Server / Anthropic-defined tools: the size of the definition the API injects for them
# (the hidden tool-use prompt itself is counted once per request, like for custom tools).
# Keyed by the ``type`` with its ``_YYYYMMDD`` version suffix removed. Documented by Anthropic:
# bash 245, text editor 700, computer 735 per definition plus its own 466-499-token system
# prompt. Observed (billed usage of requests from at least two projects, not per-case):
# web_fetch, tool_search. The others rest on one or two requests of an earlier calibration.
_SERVER_TOOLS: dict[str, int] = {
    "code_execution": 3980,  # 2025-08+ versions (bash + text-editor sub-tools)
    "code_execution_20250522": 1080,  # the first, Python-only version
    "web_search": 1000,
    "web_fetch": 530,
    "memory": 1095,
    "text_editor": 700,
    "str_replace_editor": 700,
    "str_replace_based_edit_tool": 700,
    "bash": 245,
    "computer": 735 + 499,
    "tool_search_tool_bm25": 150,
    "tool_search_tool_regex": 150,
    "advisor": 640,
    "mcp_toolset": 60,
}
DEFAULT_SERVER_TOOL = 700


#: Claude tokens per cl100k token of text, for the tokenizer of Claude 3 to Claude 4.6. Not
#: fitted: a published side-by-side count (Claude 3.5 Sonnet vs GPT-4o, whose o200k counts
#: English within a few percent of cl100k) found about 16 % more tokens for English prose,
#: 21 % for maths and 30 % for Python. Fitting it to billed usage does not work, because in
#: the recorded requests text is mostly a small share next to tool schemas and the documented
#: tool prompt, so other constants can absorb it: the fit drifted to 1.08, and requests made
#: mostly of prose (long system prompts, documents) were then billed 7-10 % above the
#: estimate. On the recorded requests where text is most of the prompt, billed / estimate
#: implies 1.12-1.20 per cl100k token, in line with the published figure.
TEXT_FACTOR = 1.16

#: The fields of :class:`TokenCosts` fitted to billed usage (see benchmarks/token_calibration.py,
#: which refits exactly these, leaving one project out at a time, to measure out of sample).
#: Everything else is documented by Anthropic (tool-use prompt per model: ``_models``; image
#: and PDF sizes: ``_media``) or a rarely seen feature's size kept from an earlier calibration.
FITTED: tuple[str, ...] = (
    "json_factor",
    "request",
    "reply_header",
    "message",
    "block",
    "system",
    "tool_definition",
    "tool_use",
    "tool_result",
    "tool_param",
    "tool_id",
    "thinking_config",
    "output_format",
)


@dataclass(frozen=True)
class TokenCosts:
    """Token costs for one token family (all in Claude tokens).

    The estimate is linear in every numeric field, so a calibration can recover each field's
    contribution by evaluating a body with one field set to 1 and the others to 0.
    """

    text_factor: float = TEXT_FACTOR  # Claude tokens per cl100k token of prose/code (not fitted)
    json_factor: float = 1.456  # per cl100k token of compact JSON (tool schemas, arguments)
    request: float = 0.92  # start of the prompt
    reply_header: float = 2.21  # the assistant header the reply starts with (not after a prefill)
    message: float = 3.49  # role header and turn separator of each message
    block: float = 0.22  # separator of each content block
    system: float = 0.0  # system prompt header
    tool_definition: float = 16.0  # framing of one custom tool (+ name, description, schema)
    tool_use: float = 21.8  # framing of one tool call (+ name, input JSON)
    tool_result: float = 11.8  # framing of one tool result (+ its content)
    tool_param: float = 14.8  # framing of one argument of a tool call (+ its name and value)
    tool_id: float = 0.09  # per cl100k token of a tool call's id (in tool_use and tool_result)
    tool_prompt: float = 1  # scale of the documented hidden tool-use prompt (``_models``)
    thinking_config: float = 28.2  # extended thinking (budget_tokens) instructions
    adaptive_thinking: float = 0  # adaptive thinking: observed to add nothing
    thinking_block: float = 5  # framing of a thinking block that stays in context
    output_format: float = 64.0  # structured-output (json_schema) instructions (+ schema)
    effort: float = 0  # output_config effort / task budget: observed to add nothing
    context_compaction: float = 83  # context_management compaction instructions
    citations: float = 500  # citation instructions, once per request with citations on
    document: float = 14  # framing of a document block (+ title/context/content)
    image_url: float = 300  # URL/file images: dimensions unknown offline
    image: float = 1  # scale of the documented width*height/750 image size
    image_max_edge: int = 1568  # images are downscaled to this long edge ...
    image_max_tokens: int = 1600  # ... and this many tokens
    pdf_page: float = 1600  # one PDF page: its image (at the 1600-token cap) + its text
    server_tool_scale: float = 1  # scale of the server tool definition sizes below
    preserves_thinking: bool = False  # earlier turns' thinking is kept (newer models)

    def server_tool(self, tool_type: str) -> float:
        if tool_type in _SERVER_TOOLS:
            size = _SERVER_TOOLS[tool_type]
        else:
            size = _SERVER_TOOLS.get(re.sub(r"_\d{8}$", "", tool_type), DEFAULT_SERVER_TOOL)
        return size * self.server_tool_scale


# Opus 4.7+ ship a new tokenizer that yields more tokens for the same text (Anthropic says
# up to ~1.35x) and read images at a higher resolution; they and the 5-series keep earlier
# turns' thinking in context.
_NEW_TOKENIZER_RATIO = 1.3
FAMILIES: tuple[str, ...] = ("claude-3", "claude-4", "keeps-thinking", "new-tokenizer")


def family_costs(base: TokenCosts, family: str) -> TokenCosts:
    """The costs of token ``family`` derived from the shared (fitted) ``base`` costs."""
    if family == "new-tokenizer":
        return replace(
            base,
            text_factor=base.text_factor * _NEW_TOKENIZER_RATIO,
            json_factor=base.json_factor * _NEW_TOKENIZER_RATIO,
            preserves_thinking=True,
            image_max_edge=2576,
            image_max_tokens=4784,
        )
    if family == "keeps-thinking":
        return replace(base, preserves_thinking=True)
    return base


_BASE = TokenCosts()
#: Token families by name; the per-model registry (``_models``) says which family a model uses.
COSTS: dict[str, TokenCosts] = {family: family_costs(_BASE, family) for family in FAMILIES}


@lru_cache(maxsize=512)
def costs_for(model: str | None) -> TokenCosts:
    """The token costs of ``model``'s family (an unknown model: the 4.x costs)."""
    return COSTS[model_info(model).token_family]
