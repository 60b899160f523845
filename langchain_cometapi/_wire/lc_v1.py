"""LangChain v1 standard blocks that stand for Anthropic blocks -> those blocks again.

With ``output_version="v1"`` an AIMessage holds ``server_tool_call`` / ``server_tool_result``
blocks and text ``annotations``; the next request must carry the original ``server_tool_use`` /
``*_tool_result`` blocks and ``citations`` (the API rejects the v1 types, and dropping citations
loses what the answer was grounded on). Inverse of langchain-core's Anthropic block translator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Block = dict[str, Any]

#: The fields the API requires on a citation sent back, per type (its request schema; a
#: missing one is a 400 such as "...web_search_result_location.encrypted_index: Field
#: required"). Claude's own citations always have them; another provider's (an OpenAI
#: ``url_citation`` has no ``cited_text`` or ``encrypted_index``) cannot be completed.
CITATION_REQUIRED: dict[str, frozenset[str]] = {
    "char_location": frozenset(
        {"cited_text", "document_index", "document_title", "start_char_index", "end_char_index"}
    ),
    "page_location": frozenset(
        {"cited_text", "document_index", "document_title", "start_page_number",
         "end_page_number"}
    ),
    "content_block_location": frozenset(
        {"cited_text", "document_index", "document_title", "start_block_index",
         "end_block_index"}
    ),
    "web_search_result_location": frozenset({"cited_text", "encrypted_index", "title", "url"}),
    "search_result_location": frozenset(
        {"cited_text", "search_result_index", "source", "title", "start_block_index",
         "end_block_index"}
    ),
}  # fmt: skip


def _extras(item: Mapping[str, Any]) -> dict[str, Any]:
    extras = item.get("extras")
    return dict(extras) if isinstance(extras, Mapping) else {}


def server_tool_use(item: Mapping[str, Any]) -> Block:
    """A v1 ``server_tool_call`` -> ``server_tool_use`` (or ``mcp_tool_use`` for remote MCP)."""
    extras = _extras(item)
    extras.pop("partial_json", None)
    extras.pop("cache_control", None)  # put back by the caller, like every block's
    name = item.get("name", "")
    block: Block = {"type": "server_tool_use", "id": item.get("id", "")}
    if name == "remote_mcp":
        block["type"] = "mcp_tool_use"
        name = extras.pop("tool_name", "")
    elif name == "code_interpreter":
        name = "code_execution"
    block["name"] = name
    block["input"] = item.get("args") or {}
    block.update(extras)
    return block


def server_tool_result(item: Mapping[str, Any]) -> Block:
    """A v1 ``server_tool_result`` -> the ``*_tool_result`` block it was translated from."""
    extras = _extras(item)
    extras.pop("cache_control", None)
    kind = extras.pop("block_type", None)
    if not isinstance(kind, str) or not kind.endswith("_tool_result"):
        raise ValueError(
            "a server_tool_result block without extras['block_type'] (e.g. "
            "'web_search_tool_result') cannot be sent back to the Messages API."
        )
    block: Block = {"type": kind, "tool_use_id": item.get("tool_call_id", "")}
    if "output" in item:
        block["content"] = item["output"]
    if kind == "mcp_tool_result":
        block["is_error"] = item.get("status") == "error"
    block.update(extras)
    return block


def citations(annotations: Any) -> list[Any]:
    """v1 ``annotations`` of a text block -> Anthropic ``citations`` (those that were citations)."""
    out: list[Any] = []
    for note in annotations if isinstance(annotations, list) else ():
        if not isinstance(note, Mapping):
            continue
        if note.get("type") == "non_standard_annotation":
            value = note.get("value")
            if isinstance(value, Mapping) and str(value.get("type", "")).endswith("_location"):
                out.append(dict(value))
        elif note.get("type") == "citation":
            citation = _citation(note)
            if citation is not None:
                out.append(citation)
    return [c for c in out if _complete(c)]


def _complete(citation: Mapping[str, Any]) -> bool:
    """Whether the API takes ``citation`` back: a known type with every required field. An
    incomplete one is left out (the text it annotates is kept), since one refused citation
    would fail every later turn of the thread."""
    required = CITATION_REQUIRED.get(str(citation.get("type")))
    return required is not None and required <= citation.keys()


def _citation(note: Mapping[str, Any]) -> Block | None:
    extras = _extras(note)
    out: Block = {}
    if "url" in note:
        out["type"] = "web_search_result_location"
        out["url"] = note["url"]
        out["title"] = note.get("title")  # required, nullable (the v1 form drops a null one)
    elif "start_char_index" in extras:
        out["type"] = "char_location"
    elif "start_page_number" in extras:
        out["type"] = "page_location"
    elif "start_block_index" in extras and "search_result_index" in extras:
        out["type"] = "search_result_location"
        out["title"] = note.get("title")
    elif "start_block_index" in extras:
        out["type"] = "content_block_location"
    else:
        return None  # a citation from another provider: nothing Anthropic would accept
    if "cited_text" in note:
        out["cited_text"] = note["cited_text"]
    if out["type"] in ("char_location", "page_location", "content_block_location"):
        out["document_title"] = note.get("title")
    out.update(extras)
    return out
