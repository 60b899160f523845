"""The resend wrappers: a refusal before the first event is resent once, never after it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from langchain_cometapi.cache import _resend
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.errors import BadRequestError
from tests.helpers.cache_bodies import chat_body

REFUSED = "messages.0.content.0.cache_control: Extra inputs are not permitted"
#: What an endpoint refuses is remembered process-wide: each run gets an endpoint of its own (an
#: ``id()`` can be reused once its object is gone, and with it what an earlier test taught).
_URLS = itertools.count()


def _marked() -> dict[str, Any]:
    body = chat_body(2)
    body["system"] = [{"type": "text", "text": body["system"],
                       "cache_control": {"type": "ephemeral"}}]
    return body


class Fake:
    """A stream that yields ``before`` events, then is refused with a 400."""

    def __init__(self, before: int) -> None:
        self.before = before
        self.opened: list[dict[str, Any]] = []
        self.headers: dict[str, str] = {}

    def __call__(self, body: dict[str, Any], headers: dict[str, str] | None) -> Fake:
        self.opened.append(body)
        self.headers = {"date": f"call {len(self.opened)}"}
        return self

    def _refused(self) -> bool:
        return len(self.opened) == 1

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self.before):
            yield {"type": "event", "i": i}
        if self._refused():
            raise BadRequestError(REFUSED, status_code=400)
        yield {"type": "message_stop"}

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        for event in self:
            yield event


def _run(fake: Fake, asynchronous: bool) -> list[dict[str, Any]]:
    planner = CachePlanner(base_url=f"http://resend-{next(_URLS)}.invalid")
    seen: dict[str, str] = {}
    if not asynchronous:
        return list(_resend.events(fake, None, planner, _marked(), seen))

    async def collect() -> list[dict[str, Any]]:
        return [e async for e in _resend.aevents(fake, None, planner, _marked(), seen)]

    return asyncio.run(collect())


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_stream_refused_before_its_first_event_is_resent_without_markers(
    asynchronous: bool,
) -> None:
    fake = Fake(before=0)
    events = _run(fake, asynchronous)
    assert events == [{"type": "message_stop"}]
    assert len(fake.opened) == 2 and "cache_control" not in fake.opened[1]["system"][0]


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_stream_that_already_yielded_is_never_resent(asynchronous: bool) -> None:
    fake = Fake(before=1)
    with pytest.raises(BadRequestError):
        _run(fake, asynchronous)
    assert len(fake.opened) == 1
