"""Shared fixtures: tests never reach the network (sockets off unless a test opts into loopback)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI replays the same examples every run (a red CI blocks everything); locally each run explores
# new ones. A failure found locally is kept in hypothesis' example database and fixed.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _no_key_from_environment(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A developer's real key must never leak into offline tests (live recording opts in)."""
    if request.node.get_closest_marker("live_ok") is None:
        for name in ("COMETAPI_KEY", "COMETAPI_API_KEY", "COMETAPI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-cassettes",
        choices=["emulator", "live"],
        default=None,
        help="re-record the integration cassettes (make record-emulator / make record); "
        "without it they are only replayed, offline, whatever the environment holds",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live_ok: may read COMETAPI_KEY (cassette re-recording)")
    from tests.integration import _harness

    try:
        _harness.set_mode(config.getoption("record_cassettes"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
