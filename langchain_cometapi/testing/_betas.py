"""Request features the API serves only behind an ``anthropic-beta`` header.

Without the header the API does not know the field or tool type and answers with its schema
error; the emulator does the same, so a client that forgets a beta fails offline too. The
table is the emulator's own (it stands for the API), not the client's ``required_betas``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._errors import bad

__all__ = ["check_betas", "enabled_betas"]

_TOOL_BETAS = {
    "web_fetch_20250910": ("web-fetch-2025-09-10",),
    "code_execution_20250522": ("code-execution-2025-05-22",),
    "mcp_toolset": ("mcp-client-2025-11-20",),
    "memory_20250818": ("context-management-2025-06-27",),
    "computer_20250124": ("computer-use-2025-01-24",),
    "computer_20251124": ("computer-use-2025-11-24",),
    "tool_search_tool_regex_20251119": ("advanced-tool-use-2025-11-20",),
    "tool_search_tool_bm25_20251119": ("advanced-tool-use-2025-11-20",),
}
#: Generally available tool tags (what the API lists when a tag is unknown).
_GA_TOOL_TAGS = (
    "bash_20250124", "custom", "text_editor_20250124", "text_editor_20250429",
    "text_editor_20250728", "web_search_20250305",
)  # fmt: skip
_MCP_BETAS = ("mcp-client-2025-11-20", "mcp-client-2025-04-04")
_TASK_BUDGET_BETA = "task-budgets-2026-03-13"
_FILES_BETA = "files-api-2025-04-14"
#: Source tags each block type knows without the Files API beta (``file`` needs it).
_SOURCE_TAGS = {"image": ("base64", "url"), "document": ("base64", "text", "content", "url")}
#: Body fields the API does not know without their beta.
_FIELD_BETAS = {
    "context_management": ("context-management-2025-06-27", "compact-2026-01-12"),
    "user_profile_id": ("user-profiles-2026-03-24",),
}
#: Context-management edit types, and the beta each is known under.
_EDIT_TAGS = {
    "clear_tool_uses_20250919": "context-management-2025-06-27",
    "clear_thinking_20251015": "context-management-2025-06-27",
    "compact_20260112": "compact-2026-01-12",
}


def enabled_betas(headers: Mapping[str, str]) -> set[str]:
    """The betas a request's (lower-cased) headers enable."""
    raw = headers.get("anthropic-beta", "")
    return {b.strip() for b in raw.split(",") if b.strip()}


def check_betas(body: Mapping[str, Any], headers: Mapping[str, str]) -> None:
    """Raise ApiError when ``body`` uses a beta feature its headers do not enable."""
    betas = enabled_betas(headers)
    for ti, tool in enumerate(body.get("tools") or ()):
        kind = tool.get("type") if isinstance(tool, Mapping) else None
        needs = _TOOL_BETAS.get(str(kind))
        if needs and not betas.intersection(needs):
            tags = ", ".join(f"'{t}'" for t in _GA_TOOL_TAGS)
            raise bad(
                f"tools.{ti}: Input tag '{kind}' found using 'type' does not match any of the "
                f"expected tags: {tags}"
            )
    if body.get("mcp_servers") is not None and not betas.intersection(_MCP_BETAS):
        raise bad("mcp_servers: Extra inputs are not permitted")
    config = body.get("output_config")
    if isinstance(config, Mapping) and "task_budget" in config and _TASK_BUDGET_BETA not in betas:
        raise bad("output_config.task_budget: Extra inputs are not permitted")
    for field, enabling in _FIELD_BETAS.items():
        if body.get(field) is not None and not betas.intersection(enabling):
            raise bad(f"{field}: Extra inputs are not permitted")
    _check_edits(body.get("context_management"), betas)
    if _FILES_BETA not in betas:
        _check_file_sources(body.get("messages"))


def _check_edits(context: Any, betas: set[str]) -> None:
    """Each context-management edit is known only under its own beta (context editing's
    ``clear_*`` edits, compaction's ``compact_*``): the API lists the tags it knows."""
    edits = context.get("edits") if isinstance(context, Mapping) else None
    known = [tag for tag, beta in _EDIT_TAGS.items() if beta in betas]
    for ei, edit in enumerate(edits if isinstance(edits, list) else ()):
        kind = str(edit.get("type")) if isinstance(edit, Mapping) else ""
        if kind not in known:
            tags = ", ".join(f"'{t}'" for t in known)
            raise bad(
                f"context_management.edits.{ei}: Input tag '{kind}' found using 'type' does "
                f"not match any of the expected tags: {tags}"
            )


def _sources(turns: Any) -> Iterator[tuple[str, str, Any]]:
    """(path, block type, source) of every image or document, also inside a tool_result."""
    for mi, turn in enumerate(turns if isinstance(turns, list) else ()):
        content = turn.get("content") if isinstance(turn, Mapping) else None
        for bi, block in enumerate(content if isinstance(content, list) else ()):
            if not isinstance(block, Mapping):
                continue
            where = f"messages.{mi}.content.{bi}"
            nested = block.get("content") if block.get("type") == "tool_result" else None
            inner = [
                (f"{where}.tool_result.content.{ci}", b)
                for ci, b in enumerate(nested if isinstance(nested, list) else ())
            ]
            for path, item in [(where, block), *inner]:
                if isinstance(item, Mapping) and item.get("type") in _SOURCE_TAGS:
                    yield path, str(item["type"]), item.get("source")


def _check_file_sources(turns: Any) -> None:
    """A ``file`` source (a Files API ``file_id``) is unknown without the Files API beta."""
    for where, btype, source in _sources(turns):
        if isinstance(source, Mapping) and source.get("type") == "file":
            tags = ", ".join(f"'{t}'" for t in _SOURCE_TAGS[btype])
            raise bad(
                f"{where}.{btype}.source: Input tag 'file' found using 'type' does not match "
                f"any of the expected tags: {tags}"
            )
