"""How every example gets its chat model: live with COMETAPI_KEY, offline on the emulator without.

Copy the two lines of ``chat_model`` you need into your own code: with a key it is just
``ChatCometAPI(...)``; without one, the same class talks to ``langchain_cometapi.testing``'s
in-process emulator of the Messages API through an httpx2 transport, so nothing leaves the
machine and no key is needed.
"""

from __future__ import annotations

import os
from typing import Any

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model

OFFLINE = not os.environ.get("COMETAPI_KEY")


def chat_model(emulator: MessagesEmulator | None = None, **kwargs: Any) -> ChatCometAPI:
    """``ChatCometAPI(**kwargs)``; offline, wired to ``emulator`` (a fresh one by default)."""
    if not OFFLINE:
        return ChatCometAPI(**kwargs)  # key from COMETAPI_KEY, base URL from COMETAPI_BASE_URL
    return emulated_chat_model(emulator, **kwargs)


def say_where() -> None:
    print("[offline: the built-in emulator answers; set COMETAPI_KEY to run live]" if OFFLINE
          else "[live: calling CometAPI]")  # fmt: skip
