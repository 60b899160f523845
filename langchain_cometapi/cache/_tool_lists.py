"""Where one tool list stops matching the others: the leading tools several lists share.

Agents built from one tool registry often send different lists with a common head: LangGraph
nodes each binding the registry's core tools plus a few of their own, a tool set that changes
mid-session, tools picked per request and appended after the fixed ones. A marker at the end of
each list caches that list alone: the shared leading tools are written again for every list
whose own entry expired, although requests with other lists needed the same tokens meanwhile.
A marker where the lists part keeps one entry every list reads, whichever came last.

Lists are compared by their tools' fingerprints, in order (a tool's content and position both
matter to the API's prefix); only the last few distinct lists are kept.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["ToolLists"]

#: Distinct tool lists remembered (LRU): an application rarely rotates through more.
MAX_LISTS = 8


def _common_run(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Leading tools two lists share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class ToolLists:
    """Recent distinct tool lists, each with the number of leading tools it shares with another
    one (0: none known, or it is another list's leading part entirely)."""

    def __init__(self) -> None:
        self._runs: OrderedDict[tuple[int, ...], int] = OrderedDict()

    def copy(self) -> ToolLists:
        other = ToolLists()
        other._runs = OrderedDict(self._runs)
        return other

    def shared_run(self, tools: tuple[int, ...], learn: bool) -> int:
        """Leading tools of ``tools`` that another recent list also starts with, stopping short
        of its own end (where its own marker already sits). ``learn``: remember this list (and
        tell the lists it shares a head with where that head ends)."""
        runs = self._runs
        known = runs.get(tools)
        if known is not None:
            if learn:
                runs.move_to_end(tools)
            return known
        run = 0
        updates: dict[tuple[int, ...], int] = {}
        for other, other_run in runs.items():
            n = _common_run(other, tools)
            if run < n < len(tools):
                run = n
            if other_run < n < len(other):
                updates[other] = n
        if learn:
            runs.update(updates)
            runs[tools] = run
            while len(runs) > MAX_LISTS:
                runs.popitem(last=False)
        return run
