"""Where integration tests send requests, and where their cassettes live.

Three modes, fixed for the whole run at import time (before tests/conftest.py hides the key):

* replay (default): cassettes only, record mode ``none``; no network, no key. A test's cassette
  is taken from ``cassettes/live/`` when one was recorded there, else ``cassettes/emulator/``.
* emulator (``RECORD_EMULATOR=1``): re-record every cassette into ``cassettes/emulator/`` from an
  ``EmulatorServer`` on loopback, through the real httpx2 HTTP transport.
* live (``COMETAPI_KEY`` set): re-record into ``cassettes/live/`` against
  ``COMETAPI_BASE_URL`` (default https://api.cometapi.com).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from langchain_cometapi.testing import EmulatorServer, MessagesEmulator
from langchain_cometapi.testing._features import feature_reply

Mode = Literal["replay", "emulator", "live"]

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
MODEL = "claude-sonnet-4-6"
OVERRIDE_MODEL = "claude-haiku-4-5"
REPLAY_KEY = "test-key-for-cassettes"  # never a real key: replay and emulator only
REPLAY_BASE_URL = "http://cassettes.invalid"  # never contacted: vcr answers every request


def _mode() -> Mode:
    if os.environ.get("COMETAPI_KEY") or os.environ.get("COMETAPI_API_KEY"):
        return "live"
    if os.environ.get("RECORD_EMULATOR", "").strip() not in ("", "0"):
        return "emulator"
    return "replay"


MODE: Mode = _mode()
_LIVE_KEY = os.environ.get("COMETAPI_KEY") or os.environ.get("COMETAPI_API_KEY") or ""
_LIVE_BASE_URL = os.environ.get("COMETAPI_BASE_URL") or "https://api.cometapi.com"

_server: EmulatorServer | None = None


def emulator() -> MessagesEmulator:
    """The recording server's emulator (starts the loopback server on first use)."""
    global _server
    if _server is None:
        _server = EmulatorServer(MessagesEmulator(responder=feature_reply)).start()
    return _server.emulator


def stop_server() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def base_url() -> str:
    if MODE == "live":
        return _LIVE_BASE_URL
    if MODE == "emulator":
        emulator()
        assert _server is not None
        return _server.base_url
    return REPLAY_BASE_URL


def api_key() -> str:
    return _LIVE_KEY if MODE == "live" else REPLAY_KEY


def model_params(**extra: Any) -> dict[str, Any]:
    """Constructor arguments of a ChatCometAPI wired to the current mode."""
    return {
        "model": MODEL,
        "api_key": api_key(),
        "base_url": base_url(),
        "max_retries": 2 if MODE == "live" else 0,
        **extra,
    }


def record_dir(kind: Literal["emulator", "live"], module: str) -> Path:
    return CASSETTES / kind / module


def record_mode() -> str:
    return "none" if MODE == "replay" else "rewrite"


# -- matching ---------------------------------------------------------------------------------
def _strip_cache_control(node: Any) -> Any:
    """Requests match without cache_control: planner tuning must not invalidate cassettes."""
    if isinstance(node, dict):
        return {k: _strip_cache_control(v) for k, v in node.items() if k != "cache_control"}
    if isinstance(node, list):
        return [_strip_cache_control(v) for v in node]
    return node


_ID_KEYS = ("id", "tool_use_id")


def _normalise_ids(body: Any) -> Any:
    """Tool-call ids LangChain generates (uuid4, e.g. few-shot examples) differ every run:
    compare them by order of first appearance instead."""
    seen: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in _ID_KEYS and isinstance(value, str):
                value = seen.setdefault(value, f"id-{len(seen)}")
            out[key] = walk(value)
        return out

    return walk(body)


def _json_body(request: Any) -> Any:
    raw = request.body
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        return _normalise_ids(_strip_cache_control(json.loads(raw)))
    except ValueError:
        return raw


def wire_body_matcher(r1: Any, r2: Any) -> None:
    """vcr matcher: same Messages request up to cache_control markers (raises when not)."""
    a, b = _json_body(r1), _json_body(r2)
    if a != b:
        raise AssertionError("request bodies differ (cache_control ignored)")


_DROP_RESPONSE_HEADERS = frozenset(
    {"set-cookie", "cf-ray", "x-request-id", "request-id", "date", "server", "via", "alt-svc"}
)
SECRET_HEADERS = ("x-api-key", "authorization", "api-key", "proxy-authorization", "cookie")


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop headers that identify the account or the edge (kept: content-type, x-emulator)."""
    headers = response.get("headers") or {}
    response["headers"] = {
        k: v for k, v in headers.items() if k.lower() not in _DROP_RESPONSE_HEADERS
    }
    return response


EMULATOR_ORIGIN = "http://emulator.invalid"


def scrub_request(request: Any) -> Any:
    """Emulator recordings: a fixed origin instead of the loopback port, so re-recording does
    not churn every file (matching ignores scheme, host and port anyway)."""
    if MODE == "emulator":
        parsed = request.parsed_uri
        request.uri = EMULATOR_ORIGIN + parsed.path + (f"?{parsed.query}" if parsed.query else "")
        request.headers.pop("host", None)
    return request


def vcr_config() -> dict[str, Any]:
    return {
        "before_record_request": scrub_request,
        "record_mode": record_mode(),
        "filter_headers": [(name, None) for name in SECRET_HEADERS],
        "match_on": ["method", "path", "wire_body"],
        "allow_playback_repeats": False,
        "decode_compressed_response": True,
        "before_record_response": scrub_response,
    }
