"""Shared fixtures: tests never reach the network (sockets off unless a test opts into loopback)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_key_from_environment(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A developer's real key must never leak into offline tests (live recording opts in)."""
    if request.node.get_closest_marker("live_ok") is None:
        for name in ("COMETAPI_KEY", "COMETAPI_API_KEY", "COMETAPI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live_ok: may read COMETAPI_KEY (cassette re-recording)")
