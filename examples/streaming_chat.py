"""A streaming chat with memory, async: tokens print as they arrive, history grows per turn.

Run: python examples/streaming_chat.py   (type your messages; empty line or Ctrl-D to quit)
Without a terminal on stdin (CI, pipes) it plays three scripted turns instead.
"""

from __future__ import annotations

import asyncio
import sys

from _model import chat_model, say_where
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

SCRIPTED = ["Hi! Who are you?", "Give me three tips for writing good prompts.", "Thanks, bye!"]


def user_turns() -> list[str] | None:
    """Scripted turns when stdin is not a terminal; None means: ask interactively."""
    return None if sys.stdin.isatty() else SCRIPTED


async def main() -> None:
    say_where()
    llm = chat_model(max_tokens=400)
    history: list[BaseMessage] = [SystemMessage("You are a friendly, brief assistant.")]
    scripted = user_turns()
    turn = 0
    while True:
        if scripted is None:
            text = input("you> ").strip()
        elif turn < len(scripted):
            text = scripted[turn]
            print(f"you> {text}")
        else:
            text = ""
        if not text:
            break
        turn += 1
        history.append(HumanMessage(text))
        print("assistant> ", end="", flush=True)
        reply: AIMessageChunk | None = None
        async for chunk in llm.astream(history):
            print(chunk.text, end="", flush=True)
            reply = chunk if reply is None else reply + chunk
        print()
        if reply is not None:
            history.append(reply)
            usage = reply.usage_metadata or {}
            print(f"   ({usage.get('input_tokens', 0)} in, {usage.get('output_tokens', 0)} out)")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (EOFError, KeyboardInterrupt):
        print()
