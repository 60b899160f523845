"""Prompt-cache planner: places Anthropic ``cache_control`` breakpoints by expected value.

Repeated prefixes are read at 0.1x the input price, but a prefix written (1.25x for 5m,
2x for 1h) and never read again only costs. The planner therefore marks what it has
evidence will recur: prefixes seen before, conversations that continue, system prompts and
tools an application sends on every call; and it learns, per instance, how often each kind
of prefix really comes back within 5 minutes or within the hour, and how its token estimates
compare with the usage the API reports. What the endpoint itself does not support (``ttl``,
``cache_control``, honouring 1h) is learnt per base URL (``_fallback``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from .._wire.usage import Usage
from ._clock import ServerClock
from ._fallback import (
    IGNORED_1H_EVIDENCE,
    EndpointQuirks,
    has_ttl,
    quirks_for,
    resend_without,
    strip_cache_control,
)
from ._fastpath import far_below_minimum
from ._fleet import anchor_read
from ._kinds import PrefixKind
from ._ledger import Ledger, Ledgers
from ._plan import CachePlan
from ._planning import Planning, Restrictions
from ._policy import CachePolicy
from ._state import CacheState

__all__ = ["CachePlan", "CachePlanner", "CachePolicy", "CacheState", "plan_cache"]

_FOREIGN = PrefixKind.FOREIGN_TAIL


def plan_cache(
    body: Mapping[str, Any],
    policy: CachePolicy | None = None,
    state: CacheState | None = None,
    *,
    learn: bool = True,
    limits: Restrictions | None = None,
) -> tuple[dict[str, Any], CachePlan]:
    """Plan breakpoints for one request body (never mutated); ``state`` carries what was learned.

    ``learn=False`` plans from the state without recording this request (a preview).
    """
    out, plan, _ = _plan(body, policy or CachePolicy(), state, learn, limits or Restrictions())
    return out, plan


def _plan(
    body: Mapping[str, Any],
    policy: CachePolicy,
    state: CacheState | None,
    learn: bool,
    limits: Restrictions,
) -> tuple[dict[str, Any], CachePlan, Ledger]:
    state = state if state is not None else CacheState(policy.history_size)
    with state.lock:
        shared = state.recent_scans.lineage(body.get("messages"))
        known = (shared[1], shared[0].text_chars[shared[1]]) if shared is not None else (0, 0)
        small = far_below_minimum(body, policy, state, known)
        if small is not None:
            plan, raw = small
            return dict(body), plan, Ledger(raw_estimate=raw)
        return Planning(body, policy, state, learn, limits, shared).run()


#: How long a write planned but not yet answered keeps other requests off its prefix. The entry
#: is readable once the response begins (the prompt processed: about a second for a few
#: thousand tokens), long before a whole answer arrives for ``observe``. Too long a window costs
#: more than too short a one: a read missed pays 1x instead of 0.1x, a second write 1.25x
#: instead of 1x. Calls sent together (gather, branches, thread pools) are planned within
#: milliseconds of each other, well inside it.
IN_FLIGHT_SECONDS = 2.0
_MAX_IN_FLIGHT = 256


@lru_cache(maxsize=4)
def _restrictions(one_hour: bool, markers: bool) -> Restrictions:
    """One frozen record per combination, shared by every call (building one costs ~0.5 us)."""
    return Restrictions(one_hour=one_hour, markers=markers)


def _date_of(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    found = headers.get("date") or headers.get("Date")
    if found is None:
        found = next((v for k, v in headers.items() if k.lower() == "date"), None)
    return found


class CachePlanner:
    """One per ChatCometAPI instance: plans each request and learns from the usage returned
    (into a ``state`` the instances of one endpoint, key, policy and client share: ``_shared``).

    ``base_url`` names the endpoint, so what it refuses or ignores is remembered for every
    planner sending there.
    """

    def __init__(
        self,
        policy: CachePolicy | None = None,
        *,
        clock: Callable[[], float] | None = None,
        base_url: str = "",
        state: CacheState | None = None,
    ) -> None:
        self.policy = policy or CachePolicy()
        if state is not None:  # learnt with other planners (``_shared``), on its clock
            self.state = state
            self._server_clock = state.clock if isinstance(state.clock, ServerClock) else None
        else:
            # Without an explicit clock, time is the server's (see cache._clock): TTLs run there.
            self._server_clock = ServerClock() if clock is None else None
            self.state = CacheState(
                self.policy.history_size, clock or self._server_clock or time.time
            )
        self.endpoint: EndpointQuirks = quirks_for(base_url)
        self._ledgers = Ledgers()

    def _limits(self) -> Restrictions:
        return _restrictions(self.endpoint.one_hour, not self.endpoint.markers_refused)

    def plan(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], CachePlan]:
        """Body with markers for sending now; records the request as sent, in flight until its
        response begins (``begun``) or ``observe`` gets it (requests planned meanwhile do not
        count on reading what it writes). To see a plan without sending, use ``preview``."""
        if self.endpoint.markers_refused:
            return self._unmarked(body)
        if self.endpoint.ttl_refused and has_ttl(body):
            body = strip_cache_control(body, only_ttl=True)
        with self.state.lock:  # no other call plans between this plan and its writes' take-off
            out, plan, ledger = _plan(body, self.policy, self.state, True, self._limits())
            if ledger.write_keys:
                self._take_off(ledger.write_keys)
        self._ledgers.add(plan, ledger)
        return out, plan

    def _take_off(self, keys: tuple[int, ...]) -> None:
        """Requests planned before this one's response begins must neither count on reading
        what it writes nor write it again (concurrent calls: LangGraph branches, ``gather``)."""
        with self.state.lock:
            flying = self.state.in_flight
            now = self.state.clock()
            if len(flying) > _MAX_IN_FLIGHT:
                for key in [k for k, until in flying.items() if until <= now]:
                    del flying[key]
            for key in keys:
                flying[key] = now + IN_FLIGHT_SECONDS

    def begun(self, plan: CachePlan) -> None:
        """The response to ``plan`` has begun (a stream's first event): the API has processed
        the prompt, so what it writes is readable now, before ``observe`` gets the usage."""
        ledger = self._ledgers.get(plan)
        if ledger is None or not ledger.write_keys:
            return
        with self.state.lock:
            for key in ledger.write_keys:
                self.state.in_flight.pop(key, None)

    def failed(self, plan: CachePlan) -> None:
        """The call for ``plan`` failed before its response began (an error status, a dropped
        connection, a timeout): what it meant to write may not exist. A retry planned now must
        neither wait for those writes nor count on reading them (it marks them again: a read if
        the API did write them after all, a write if not)."""
        ledger = self._ledgers.pop(plan)
        if ledger is None or not ledger.write_keys:
            return
        with self.state.lock:
            for key in ledger.write_keys:
                self.state.in_flight.pop(key, None)
                self.state.forget_cached(key)

    def _unmarked(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], CachePlan]:
        plan = CachePlan(
            model=str(body.get("model", "")),
            notes=["this endpoint refuses cache_control: sent without markers"],
            created_at=self.state.clock(),
        )
        return strip_cache_control(body, only_ttl=False), plan

    def preview(self, body: Mapping[str, Any]) -> CachePlan:
        """The plan ``plan`` would make, without recording anything (nothing is sent): planned
        on a scratch copy of the state, since a plan learns from its own request first."""
        if self.endpoint.markers_refused:
            return self._unmarked(body)[1]
        if self.endpoint.ttl_refused and has_ttl(body):
            body = strip_cache_control(body, only_ttl=True)
        with self.state.lock:
            scratch = self.state.scratch_copy()
        return _plan(body, self.policy, scratch, True, self._limits())[1]

    def resend_after_refusal(
        self, status: int | None, message: str, body: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The body to resend once after a 400 that refused a caching field (and remember it
        for this endpoint), or None when the error is not about caching."""
        found = resend_without(status, message, body)
        if found is None:
            return None
        refusal, stripped = found
        self.endpoint.learn(refusal)
        return stripped

    def observe(
        self,
        plan: CachePlan,
        usage: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Learn from a response: its ``Date`` (the server's clock), the estimate/actual ratio,
        entries that were not there, and whether a 1h TTL was honoured."""
        if self._server_clock is not None:
            self._server_clock.sync(_date_of(headers))
        ledger = self._ledgers.pop(plan)
        if ledger is None:
            return
        parsed = Usage.parse(usage)
        read, created = parsed.read, parsed.written
        with self.state.lock:
            for key in ledger.write_keys:  # answered: readable from now on
                self.state.in_flight.pop(key, None)
            self.state.observe_ratio(ledger.raw_estimate, parsed.prompt)
            self.state.observe_reads(plan.expected_read_tokens, read)
            for prefix in ledger.unseen:
                reached = read >= 0.95 * prefix.tokens
                if prefix.kind is _FOREIGN:  # a marker reached another planner's tail
                    anchor_read(self.state, prefix, read, parsed.prompt, plan)
                elif prefix.ttl is not None:  # another planner's previous turn: read back or not
                    self.state.foreign_turn(
                        prefix.kind, prefix.app, reached, prefix.ttl, prefix.gap
                    )
                elif reached:
                    self.state.add_hit(prefix.kind, prefix.app)  # kept warm by another planner
                elif prefix.gap is not None:
                    self.state.late_elsewhere(prefix.kind, prefix.app, prefix.gap)
            if plan.expected_read_tokens > 0 and read == 0:
                for key in ledger.live_keys:
                    self.state.forget_cached(key)
            expected_written = plan.expected_write_5m_tokens + plan.expected_write_1h_tokens
            nothing_written = created == 0 and read < plan.expected_read_tokens + 1
            if ledger.write_keys and nothing_written and expected_written > 0:
                for key in ledger.write_keys:
                    self.state.forget_cached(key)
            if ledger.asked_1h and created > 0:  # 1h asked: billed as 1h, or not
                missing = self.state.missing_1h = (
                    0 if parsed.write_1h else self.state.missing_1h + 1
                )
                if missing >= IGNORED_1H_EVIDENCE:
                    self.endpoint.learn_ttl_ignored()
