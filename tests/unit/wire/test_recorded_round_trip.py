"""Round trip of recorded real answers (``../shared``) through our parser and request builder.

Every recorded 200 answer, parsed by ``ChatCometAPI`` (JSON by ``invoke``, SSE by ``stream``), is
replayed as the assistant turn of the next request with a follow-up (ToolMessages for tool
calls, else a HumanMessage), built with the recorded model, tools and settings and sent to the
emulator: our checks and the emulator must accept it, and every block the API wrote (thinking
with its signature, redacted thinking, server tool blocks, compaction, MCP blocks) must come
back unchanged, text blocks with all their citations. Blank text blocks are the one exception
(the API refuses them; the client drops them).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import recorded, replay

ACCEPTED = recorded.accepted()


def _check_replayed(case: dict[str, Any], sent: dict[str, Any]) -> None:
    want = replay.recorded_blocks(case)
    got = replay.assistant_turn(sent)
    assert [b["type"] for b in got] == [b["type"] for b in want]
    assert replay.citation_count(got) == replay.citation_count(want)
    for recorded_block, sent_block in zip(want, got, strict=True):
        if recorded_block["type"] not in ("text", "tool_use"):
            assert sent_block == recorded_block


@pytest.mark.parametrize("case", ACCEPTED, ids=recorded.name)
def test_a_recorded_answer_replays_in_the_next_request(case: dict[str, Any]) -> None:
    _check_replayed(case, replay.next_request(case))


@pytest.mark.parametrize("case", ACCEPTED[::10], ids=recorded.name)
async def test_a_recorded_answer_replays_in_the_next_request_async(case: dict[str, Any]) -> None:
    """Every tenth case (a deterministic sample) over ``ainvoke``."""
    _check_replayed(case, await replay.anext_request(case))
