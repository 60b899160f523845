"""A ``ChatCometAPI`` wired to an emulator: the one way tests, examples and the demo go offline.

The model is the real class with its real pipeline; only the HTTP transport is swapped for an
in-process ``EmulatorTransport``, so nothing leaves the machine and no key is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ._emulator import MessagesEmulator
from ._transport import EmulatorTransport

if TYPE_CHECKING:
    from ..chat_models import ChatCometAPI

#: The emulator checks that a key header is present, not its value.
OFFLINE_KEY = "sk-offline-emulator"


def emulated_chat_model(
    emulator: MessagesEmulator | None = None, **settings: Any
) -> ChatCometAPI:
    """``ChatCometAPI(**settings)`` answered by ``emulator`` (default: a new ``MessagesEmulator``).

    The emulator is reachable afterwards as ``emulator`` (pass your own to script replies and
    read ``emulator.requests``). ``settings`` may override the key and base URL; the default
    base URL is the emulator's own (``MessagesEmulator.base_url``): models of one emulator share
    what their planners learn about the endpoint, models of two emulators do not.
    """
    from ..chat_models import ChatCometAPI  # the model depends on nothing in testing/

    emulator = emulator if emulator is not None else MessagesEmulator()
    transport = EmulatorTransport(emulator)
    return ChatCometAPI(
        **{
            "api_key": OFFLINE_KEY,
            "base_url": emulator.base_url,
            "http_client": httpx2.Client(transport=transport),
            "http_async_client": httpx2.AsyncClient(transport=transport),
            **settings,
        }
    )
