"""Tools that need a beta header get it without the user naming it, as with ChatAnthropic."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

FETCH = {"type": "web_fetch_20250910", "name": "web_fetch"}
SEARCH = {"type": "web_search_20250305", "name": "web_search"}
EXAMPLES = {
    "name": "f",
    "description": "f",
    "input_schema": {"type": "object", "properties": {"x": {"type": "string"}}},
    "input_examples": [{"x": "a"}],
}


def _beta_header(tools: list[Any], **llm_kwargs: Any) -> str | None:
    call_betas = llm_kwargs.pop("call_betas", None)
    llm, emu = emulated(MessagesEmulator(), **llm_kwargs)
    emu.script(Reply.text("ok"))
    extra = {"betas": call_betas} if call_betas else {}
    llm.bind_tools(tools).invoke("hi", **extra)
    header: str | None = emu.last_request["headers"].get("anthropic-beta")
    return header


@pytest.mark.parametrize(
    ("tools", "kwargs", "expected"),
    [
        ([FETCH], {}, "web-fetch-2025-09-10"),
        ([EXAMPLES], {}, "advanced-tool-use-2025-11-20"),
        ([FETCH], {"betas": ["files-api-2025-04-14"]}, "files-api-2025-04-14,web-fetch-2025-09-10"),
        ([FETCH], {"call_betas": ["web-fetch-2025-09-10"]}, "web-fetch-2025-09-10"),
        ([SEARCH], {}, None),
        ([SEARCH], {"betas": ["files-api-2025-04-14"]}, "files-api-2025-04-14"),
    ],
)
def test_required_betas_are_added(
    tools: list[Any], kwargs: dict[str, Any], expected: str | None
) -> None:
    assert _beta_header(tools, **kwargs) == expected
