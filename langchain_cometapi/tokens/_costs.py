"""Calibrated constants of the Messages prompt format and their per-model-family variants.

Every constant is a count of tokens the API adds around the caller's content (role headers,
the hidden tool-use system prompt, tool definition framing, ...).  They were fitted once
against billed usage of recorded real requests (see docs/token-estimation.md); the same
few numbers serve every request, nothing is per-conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .._models import model_info

__all__ = ["TokenCosts", "costs_for"]

# Server / Anthropic-defined tools: the size of the definition the API injects for them
# (the hidden tool-use prompt itself is counted once per request, like for custom tools).
# Keyed by the ``type`` with its ``_YYYYMMDD`` version suffix removed.
_SERVER_TOOLS: dict[str, int] = {
    "code_execution": 3980,  # 2025-08+ versions (bash + text-editor sub-tools)
    "code_execution_20250522": 1080,  # the first, Python-only version
    "web_search": 1000,
    "web_fetch": 1260,
    "memory": 1095,
    "text_editor": 780,
    "str_replace_editor": 780,
    "str_replace_based_edit_tool": 780,
    "bash": 245,
    "computer": 735,
    "tool_search_tool_bm25": 150,
    "tool_search_tool_regex": 150,
    "advisor": 640,
    "mcp_toolset": 60,
}
DEFAULT_SERVER_TOOL = 700


@dataclass(frozen=True)
class TokenCosts:
    """Token costs for one token family (all in Claude tokens)."""

    text_factor: float = 1.05  # Claude tokens per cl100k token of prose/code
    json_factor: float = 2.0  # per cl100k token of compact JSON (schemas are re-rendered verbosely)
    request: int = 1  # start-of-prompt + the trailing assistant header
    message: int = 5  # role header and turn separator of each message
    block: int = 1  # separator of each content block
    system: int = 3  # system prompt header
    tool_prompt: dict[str, int] = field(
        default_factory=lambda: {"auto": 470, "none": 465, "any": 525, "tool": 540}
    )
    system_with_tools: int = -105  # the tool prompt is shorter when a system prompt exists
    tool_definition: int = 26  # framing of one custom tool (+ name, description, schema)
    tool_use: int = 26  # framing of one tool call (+ name, input JSON)
    tool_result: int = 11  # framing of one tool result (+ its content)
    thinking_config: int = 29  # extended/adaptive thinking instructions
    thinking_block: int = 5  # framing of a thinking block that stays in context
    preserves_thinking: bool = False  # earlier turns' thinking is kept (newer models)
    output_format: int = 78  # structured-output (json_schema) instructions (+ schema)
    effort: int = 40  # output_config effort / task budget instructions
    context_compaction: int = 83  # context_management compaction instructions
    citations: int = 500  # citation instructions, once per request with citations on
    document: int = 14  # framing of a document block (+ title/context/content)
    image_url: int = 300  # URL/file images: dimensions unknown offline
    pdf_page: int = 2600  # one PDF page: page image + extracted text
    server_tools: dict[str, int] = field(default_factory=lambda: dict(_SERVER_TOOLS))

    def server_tool(self, tool_type: str) -> int:
        if tool_type in self.server_tools:
            return self.server_tools[tool_type]
        base = re.sub(r"_\d{8}$", "", tool_type)
        return self.server_tools.get(base, DEFAULT_SERVER_TOOL)


_BASE = TokenCosts()
# Claude 3.x models: the documented hidden tool prompt is ~15 % shorter than 4.x's.
_CLAUDE3 = replace(_BASE, tool_prompt={"auto": 400, "none": 395, "any": 450, "tool": 460})
# Opus 4.7+ ship a new tokenizer that yields more tokens for the same text (Anthropic says
# up to ~1.35x); they and the 5-series keep earlier turns' thinking in context.
_NEW_TOKENIZER = replace(_BASE, text_factor=1.3, preserves_thinking=True)
_KEEPS_THINKING = replace(_BASE, preserves_thinking=True)

#: Token families by name; the per-model registry (``_models``) says which family a model uses.
COSTS: dict[str, TokenCosts] = {
    "claude-3": _CLAUDE3,
    "claude-4": _BASE,
    "keeps-thinking": _KEEPS_THINKING,
    "new-tokenizer": _NEW_TOKENIZER,
}


@lru_cache(maxsize=512)
def costs_for(model: str | None) -> TokenCosts:
    """The token costs of ``model``'s family (an unknown model: the 4.x costs)."""
    return COSTS[model_info(model).token_family]
