"""Automatic prompt caching: where ``cache_control`` breakpoints go, and what they saved.

Pipeline stage between the wire request and HTTP: ``CachePlanner.plan(body)`` is a pure function
of the body and what the planner learnt from earlier usage; ``observe(plan, usage, headers)``
learns from each response. Modules: _policy (user knobs), _plan (the answer), _planner
(orchestration), _planning (one pass), _candidates (where a marker could go), _ttl (expected
reads per TTL: the automatic 5m / 1h choice), _kinds (prefix kinds and priors), _scan (body ->
block positions), _select (expected-value choice), _state (what is learnt), _ledger (what a plan
expected, private), _fleet (the previous turn another planner of a fleet wrote), _fallback and
_resend (endpoints that refuse caching fields), _pricing (THE cost formula), _report (accounting
for users), and small helpers (_clock, _context, _edit, _fastpath, _lookback, _system_split).
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
