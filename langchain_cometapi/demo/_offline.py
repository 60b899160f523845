"""The demo's model: live when COMETAPI_KEY is set, else wired to the offline emulator.

Offline, a small responder gives answers that read like the real thing (an extractive answer
from the retrieved passages, a stock check through the tool) so the demo shows the shape of
a real session; everything else (validation, SSE, usage and prompt-cache accounting by
Anthropic's rules) is the emulator's own behaviour, independent of the planner it measures.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from ..chat_models import ChatCometAPI
from ..testing import MessagesEmulator, Reply, emulated_chat_model
from ..testing._default_reply import text_of
from ._data import stems

__all__ = ["CANNED", "build_model", "responder"]

#: Offline answers for the demo's fixed prompts (matched by substring of the last user turn).
CANNED: dict[str, Reply] = {
    "what is prompt caching": Reply.text(
        "Prompt caching lets the API store a long, repeated prompt prefix so later requests "
        "read it back at a tenth of the input price instead of paying for it again."
    ),
    "poem about cycling": Reply.text(
        "Rain taps the helmet, a drum on the way,\n"
        "tyres hiss a rhythm through puddles of grey;\n"
        "the city still yawning, the traffic asleep,\n"
        "I arrive at my desk with a grin hard to keep.",
        chunks=24,
    ),
}

_DOC = re.compile(r'<document title="([^"]*)">\s*(.*?)\s*</document>', re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _tool_results(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    return [
        text_of(b.get("content"))
        for b in content
        if isinstance(b, Mapping) and b.get("type") == "tool_result"
    ]


def extractive_answer(user_text: str) -> str:
    """The two passage sentences sharing most words with the question, cited by title."""
    question = user_text.rsplit("</documents>", 1)[-1].strip()
    terms = stems(question)
    scored: list[tuple[int, int, int, str, str]] = []
    for rank, (title, passage) in enumerate(_DOC.findall(user_text)):
        for i, sentence in enumerate(_SENTENCE.split(passage)):
            scored.append((len(terms & stems(sentence)), -rank, -i, title, sentence.strip()))
    if not scored:
        return "I could not find that in our documents."
    scored.sort(reverse=True)
    title = scored[0][3]
    best = [s for *_, t, s in scored[:2] if t == title]
    return f"From our {title.lower()} policy: " + " ".join(best)


def responder(body: dict[str, Any]) -> Reply | None:
    """Emulator responder: plausible answers for the demo's prompts, else the default reply."""
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    content = last.get("content") if isinstance(last, Mapping) else None
    results = _tool_results(content)
    tools = body.get("tools") or []
    if tools and results:
        return Reply.text(f"Good news: {results[0]}")
    if tools:
        tool = tools[0]
        if tool.get("name") == "check_stock":
            return Reply.tool_use(
                "check_stock",
                {"model": "Volt C", "size": "M", "shop": "Utrecht"},
                text="Let me check the stock in Utrecht.",
            )
        return None  # the emulator's default reply calls the tool with schema-derived arguments
    text = text_of(content)
    if "<documents>" in text:
        return Reply.text(extractive_answer(text), chunks=12)
    lowered = text.lower()
    for key, reply in CANNED.items():
        if key in lowered:
            return reply
    return None


def build_model(
    model: str | None = None, **kwargs: Any
) -> tuple[ChatCometAPI, MessagesEmulator | None]:
    """``(ChatCometAPI, None)`` with a key in the environment, else one on the emulator."""
    if model:
        kwargs["model"] = model
    if os.environ.get("COMETAPI_KEY"):
        return ChatCometAPI(**kwargs), None
    emulator = MessagesEmulator(responder=responder)
    return emulated_chat_model(emulator, **kwargs), emulator
