"""Automatic prompt caching: where ``cache_control`` breakpoints go, and what they saved.

Pipeline stage between the wire request and HTTP: ``CachePlanner.plan(body)`` is a pure function
of the body and what the planner learnt from earlier usage. Modules: _policy (user knobs),
_plan (the answer), _planner (orchestration), _scan (body -> block positions), _select
(expected-value choice), _state (what is learnt), _pricing (THE cost formula and usage split),
_report (accounting for users), and small helpers (_clock, _edit, _fastpath, _lookback,
_system_split).
"""

from ._plan import Breakpoint, CachePlan
from ._planner import CachePlanner
from ._policy import CachePolicy
from ._report import CacheReport, CacheReportCallback, CacheTurn

__all__ = [
    "Breakpoint",
    "CachePlan",
    "CachePlanner",
    "CachePolicy",
    "CacheReport",
    "CacheReportCallback",
    "CacheTurn",
]
