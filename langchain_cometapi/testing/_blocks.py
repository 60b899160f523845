"""Content-block checks of the emulated endpoint, with the real API's 400 texts.

Kept apart from the client's own table (``langchain_cometapi._wire.blocks``) on purpose: this
module stands for the API, so a client-side mistake in that table shows up offline as the 400
production would answer, instead of being agreed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import bad

__all__ = ["check_block", "check_fields", "check_tool_result_order"]

#: The tags of the API's content-block union (what ``type`` may say in a message).
_TAGS = (
    "text", "image", "document", "search_result", "thinking", "redacted_thinking", "tool_use",
    "tool_result", "server_tool_use", "web_search_tool_result", "web_fetch_tool_result",
    "code_execution_tool_result", "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result", "tool_search_tool_result", "mcp_tool_use",
    "mcp_tool_result", "container_upload", "compaction", "tool_addition", "advisor_tool_result",
)  # fmt: skip
#: Inside ``tool_result.content``.
_NESTED_TAGS = ("text", "image", "document", "search_result", "tool_reference")
#: Fields of the common block types; anything else is "Extra inputs are not permitted".
_FIELDS: dict[str, frozenset[str]] = {
    "text": frozenset({"type", "text", "cache_control", "citations"}),
    "image": frozenset({"type", "source", "cache_control"}),
    "document": frozenset({"type", "source", "cache_control", "citations", "title", "context"}),
    "search_result": frozenset(
        {"type", "source", "title", "content", "citations", "cache_control"}
    ),
    "tool_use": frozenset(
        {"type", "id", "name", "input", "cache_control", "caller", "toolset_name"}
    ),
    "server_tool_use": frozenset({"type", "id", "name", "input", "cache_control", "caller"}),
    "tool_result": frozenset({"type", "tool_use_id", "content", "is_error", "cache_control"}),
    "thinking": frozenset({"type", "thinking", "signature"}),
    "redacted_thinking": frozenset({"type", "data"}),
    # a mid-conversation system message making a deferred tool available
    "tool_addition": frozenset({"type", "tool"}),
}
#: Fields of a citation in a request, per citation type, all of them required (the request
#: schema: responses add ``file_id`` to document citations, which a request may not carry
#: back; a missing field is "...: Field required").
_CITATION_FIELDS: dict[str, frozenset[str]] = {
    "char_location": frozenset(
        {"type", "cited_text", "document_index", "document_title", "start_char_index",
         "end_char_index"}
    ),
    "page_location": frozenset(
        {"type", "cited_text", "document_index", "document_title", "start_page_number",
         "end_page_number"}
    ),
    "content_block_location": frozenset(
        {"type", "cited_text", "document_index", "document_title", "start_block_index",
         "end_block_index"}
    ),
    "web_search_result_location": frozenset(
        {"type", "cited_text", "encrypted_index", "title", "url"}
    ),
    "search_result_location": frozenset(
        {"type", "cited_text", "search_result_index", "source", "title", "start_block_index",
         "end_block_index"}
    ),
}  # fmt: skip
#: Blocks that record a call: their ``input`` is a JSON object, never a string of fragments.
_CALL_TAGS = ("tool_use", "server_tool_use", "mcp_tool_use")
#: Keys no block of any type has (LangChain's streaming bookkeeping).
_NEVER = ("index", "partial_json")
_IMAGE_MEDIA = ("image/jpeg", "image/png", "image/gif", "image/webp")


def _tag_error(where: str, tag: str, tags: tuple[str, ...]) -> Exception:
    expected = ", ".join(f"'{t}'" for t in tags)
    return bad(
        f"{where}: Input tag '{tag}' found using 'type' does not match any of the expected "
        f"tags: {expected}"
    )


def check_fields(block: Mapping[str, Any], where: str, btype: str) -> None:
    allowed = _FIELDS.get(btype)
    for key in block:
        if (allowed is not None and key not in allowed) or key in _NEVER:
            raise bad(f"{where}.{btype}.{key}: Extra inputs are not permitted")


def _check_image(block: Mapping[str, Any], where: str) -> None:
    source = block.get("source")
    if not isinstance(source, Mapping) or source.get("type") != "base64":
        return
    if source.get("media_type") not in _IMAGE_MEDIA:
        allowed = ", ".join(f"'{m}'" for m in _IMAGE_MEDIA[:-1])
        raise bad(
            f"{where}.image.source.base64.media_type: Input should be {allowed} or "
            f"'{_IMAGE_MEDIA[-1]}'"
        )


def _check_nested(block: Mapping[str, Any], where: str) -> None:
    content = block.get("content")
    for ci, inner in enumerate(content if isinstance(content, list) else ()):
        inner_where = f"{where}.content.{ci}"
        if not isinstance(inner, Mapping):
            continue
        tag = inner.get("type")
        if tag not in _NESTED_TAGS:
            raise _tag_error(f"{where}.tool_result.content.{ci}", str(tag), _NESTED_TAGS)
        if isinstance(inner.get("cache_control"), Mapping):
            raise bad(
                f"invalid_cache: cache_control is not supported at {inner_where}.cache_control"
            )
        check_fields(inner, inner_where, str(tag))
        if tag == "image":
            _check_image(inner, inner_where)


def check_block(block: Mapping[str, Any], mi: int, bi: int, role: str) -> None:
    """One content block of ``messages[mi]`` (its role ``role``)."""
    where = f"messages.{mi}.content.{bi}"
    btype = str(block.get("type"))
    # a server tool's result the API wrote back (``<tool>_tool_result``): newer server tools
    # add tags faster than this table, and refusing one would break replaying real answers
    server_result = role == "assistant" and btype.endswith("_tool_result")
    if btype not in _TAGS and not server_result:
        raise _tag_error(where, btype, _TAGS)
    if btype == "tool_result" and role == "assistant":
        raise bad(
            f"{where}: unexpected `tool_use_id` found in `tool_result` blocks: "
            f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding "
            "`tool_use` block in the previous message."
        )
    if btype == "image" and role == "assistant":  # the API's text, measured on the live API
        raise bad(f"messages.{mi}.content: 'image' blocks are not permitted within assistant turns")
    check_fields(block, where, btype)
    if btype in _CALL_TAGS and not isinstance(block.get("input"), Mapping):
        raise bad(f"{where}.{btype}.input: Input should be a valid dictionary")
    if btype == "image":
        _check_image(block, where)
    if btype == "tool_result":
        _check_nested(block, where)
    if btype == "text":
        _check_citations(block.get("citations"), f"{where}.text.citations")


def _check_citations(citations: Any, where: str) -> None:
    """A text block's citations sent back: each of a known type, with its request fields only."""
    for ci, citation in enumerate(citations if isinstance(citations, list) else ()):
        if not isinstance(citation, Mapping):
            continue
        tag = str(citation.get("type"))
        fields = _CITATION_FIELDS.get(tag)
        if fields is None:
            raise _tag_error(f"{where}.{ci}", tag, tuple(_CITATION_FIELDS))
        for key in citation:
            if key not in fields:
                raise bad(f"{where}.{ci}.{tag}.{key}: Extra inputs are not permitted")
        for key in sorted(fields - {"type"} - citation.keys()):
            raise bad(f"{where}.{ci}.{tag}.{key}: Field required")


def check_tool_result_order(located: list[tuple[int, int, Mapping[str, Any]]]) -> set[Any]:
    """The tool_use ids a user turn answers: only tool_result blocks before any other block
    count (text first and the API reports the calls as unanswered)."""
    answered: set[Any] = set()
    for _, _, block in located:
        if block.get("type") != "tool_result":
            break
        answered.add(block.get("tool_use_id"))
    return answered
