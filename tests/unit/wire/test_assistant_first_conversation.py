"""A conversation that opens with an assistant message (a chat UI's greeting) is sent.

The API answers it (recorded real traffic: an assistant-first conversation answered 200), and
ChatAnthropic sends it as is; only a conversation with no user turn at all is refused. Found
by the generated differential tests (test_chat_anthropic_generated.py).
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import acall, emulated

GREETED = [SystemMessage("Be brief."), AIMessage("Hi! How can I help?"), HumanMessage("A joke.")]
SENT = [
    {"role": "assistant", "content": [{"type": "text", "text": "Hi! How can I help?"}]},
    {"role": "user", "content": [{"type": "text", "text": "A joke."}]},
]


def test_a_greeting_first_conversation_is_sent_sync() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Knock knock."))
    assert llm.invoke(GREETED).text == "Knock knock."
    assert emu.last_request["body"]["messages"] == SENT


@pytest.mark.parametrize("stream", [False, True], ids=["ainvoke", "astream"])
async def test_a_greeting_first_conversation_is_sent_async(stream: bool) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Knock knock."))
    await acall(llm, GREETED, stream)
    assert emu.last_request["body"]["messages"] == SENT


def test_the_same_body_as_chat_anthropic() -> None:
    pytest.importorskip("langchain_anthropic")
    from tests.helpers.chat_anthropic import ours_body, theirs_body

    assert ours_body(GREETED) == theirs_body(GREETED)


def test_only_assistant_turns_are_still_refused() -> None:
    llm, _ = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="only assistant turns"):
        llm.invoke([SystemMessage("s"), AIMessage("Hi!")])
