"""Whitespace-only stop sequences are refused before sending, as the API refuses them
("stop_sequences: each stop sequence must contain non-whitespace")."""

from __future__ import annotations

import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


@pytest.mark.parametrize("stops", [["\n"], ["END", "\n\n"], [" \t"]])
def test_whitespace_stop_is_refused_per_call_and_in_the_constructor(stops: list[str]) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="only whitespace"):
        llm.invoke("hi", stop=stops)
    with pytest.raises(ValueError, match="only whitespace"):
        llm.bind(stop=stops).invoke("hi")
    with pytest.raises(ValueError, match="only whitespace"):
        ChatCometAPI(api_key="k", stop=stops)
    assert emu.requests == []


def test_stop_with_text_around_newlines_is_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke("hi", stop=["\nObservation:"])
    assert emu.last_request["body"]["stop_sequences"] == ["\nObservation:"]


@pytest.mark.parametrize(("stop", "error"), [("\n", "non-whitespace"), ("", "non-empty")])
def test_emulator_refuses_blank_stop_sequences(stop: str, error: str) -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 16,
        "stop_sequences": [stop],
        "messages": [{"role": "user", "content": "hi"}],
    }
    response = MessagesEmulator().handle("POST", "/v1/messages", {"x-api-key": "k"}, body)
    assert response.status == 400
    assert error in b"".join(response.chunks).decode()
