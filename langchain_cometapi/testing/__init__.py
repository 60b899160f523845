"""Offline emulator of CometAPI's Anthropic-native Messages endpoint (``POST /v1/messages``).

Used by the unit tests, the demo, the examples and the benchmarks. It validates requests like the
real API, answers scripted or default replies as JSON or SSE, accounts prompt caching by
Anthropic's rules with its own independent token counter, and can inject transport faults.

    emu = MessagesEmulator()
    emu.script(Reply.text("Hi"), Reply.tool_use("get_weather", {"city": "Paris"}))
    client = httpx2.Client(transport=EmulatorTransport(emu), base_url="http://emulator")
    llm = emulated_chat_model(emu, model="claude-sonnet-4-6")  # a ChatCometAPI answered by emu
"""

from ._cache import CacheEntry, CacheStats, CacheUsage
from ._clock import ManualClock
from ._emulator import EMULATOR_HEADER, MessagesEmulator
from ._factory import emulated_chat_model
from ._models import max_output_tokens, min_cacheable_tokens
from ._replies import Reply
from ._response import EmulatorResponse
from ._server import EmulatorServer
from ._transport import EmulatorTransport

__all__ = [
    "EMULATOR_HEADER",
    "CacheEntry",
    "CacheStats",
    "CacheUsage",
    "EmulatorResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "ManualClock",
    "MessagesEmulator",
    "Reply",
    "emulated_chat_model",
    "max_output_tokens",
    "min_cacheable_tokens",
]
