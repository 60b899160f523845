"""With thinking (budget) the structured-output tool call cannot be forced; when Claude
answers in text the result is an OutputParserException (ChatAnthropic's behaviour), never a
silent ``None``, and with include_raw it lands in ``parsing_error``."""

from __future__ import annotations

import warnings

import pytest
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

THINKING = {"type": "enabled", "budget_tokens": 2048}


class Answer(BaseModel):
    """The answer."""

    value: int


def _structured(**kwargs: object) -> tuple[object, MessagesEmulator]:
    llm, emu = emulated(MessagesEmulator(), thinking=THINKING, max_tokens=4096)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "cannot force the tool" warning
        return llm.with_structured_output(Answer, **kwargs), emu  # type: ignore[arg-type]


def test_text_reply_raises() -> None:
    structured, emu = _structured()
    emu.script(Reply.text("It is 42."))
    with pytest.raises(OutputParserException, match="Answer"):
        structured.invoke("what is it?")  # type: ignore[attr-defined]


async def test_text_reply_with_include_raw_reports_the_error_async() -> None:
    structured, emu = _structured(include_raw=True)
    emu.script(Reply.text("It is 42."))
    result = await structured.ainvoke("what is it?")  # type: ignore[attr-defined]
    assert result["parsed"] is None
    assert isinstance(result["parsing_error"], OutputParserException)
    assert result["raw"].text == "It is 42."


def test_tool_reply_still_parses() -> None:
    structured, emu = _structured()
    emu.script(Reply.tool_use("Answer", {"value": 42}))
    assert structured.invoke("what is it?") == Answer(value=42)  # type: ignore[attr-defined]
