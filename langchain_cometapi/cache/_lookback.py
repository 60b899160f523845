"""Where the previous request of a conversation most likely left its cache entry.

A planner that has no memory of a conversation (a fresh ChatCometAPI per request, a restarted
process, another replica) still knows how that conversation's previous request was planned: its
tail marker sat on the last markable block of the user turn that preceded the last assistant
reply. When the new turn adds more blocks than the API's 20-block lookback, a marker there
(plus bridges) is the only way to read that entry. Marking it costs nothing extra when it turns
out not to exist: its tokens are written anyway by the tail marker behind it.
"""

from __future__ import annotations

from collections.abc import Container

from ._scan import Scan

__all__ = ["previous_tail"]


def previous_tail(scan: Scan, usable: Container[int]) -> int | None:
    """Position of the previous request's tail marker, or None when there was no such request."""
    roles = scan.message_roles
    if len(roles) < 3 or roles[-1] != "user":
        return None
    if "assistant" not in roles:
        return None
    last_reply = len(roles) - 1 - roles[::-1].index("assistant")  # searched at C level
    if last_reply == 0 or roles[last_reply - 1] != "user":
        return None
    prev = last_reply - 1
    start = scan.message_starts[prev]
    end = scan.message_starts[prev + 1]
    for pos in range(end - 1, start - 1, -1):
        if pos in usable:
            return pos
    return None
