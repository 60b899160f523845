"""Where integration tests send requests, and where their cassettes live.

Three modes, chosen on the pytest command line and never by an environment variable (a key in
a developer's shell must not turn ``make test`` into paid, file-rewriting live traffic):

* replay (default; what ``make test`` and CI run): cassettes only, record mode ``none``; sockets
  stay disabled, so nothing can reach the network whatever the environment holds. A test's
  cassette is taken from ``cassettes/live/`` when one was recorded there, else
  ``cassettes/emulator/``.
* emulator (``--record-cassettes=emulator``, ``make record-emulator``): re-record every cassette
  into ``cassettes/emulator/`` from an ``EmulatorServer`` on loopback, through the real httpx2
  HTTP transport. The emulator's ids are deterministic, so unchanged tests rewrite identical files.
* live (``--record-cassettes=live``, ``make record``; needs ``COMETAPI_KEY``): record into
  ``cassettes/live/`` against ``COMETAPI_BASE_URL`` (default https://api.cometapi.com), only the
  cassettes that are not there yet (record mode ``once``): existing live files are replayed, not
  rewritten, so their ids do not churn. Delete a file to re-record it.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path
from typing import Any, Literal

from vcr.persisters.filesystem import FilesystemPersister
from vcr.serialize import deserialize

from langchain_cometapi.testing import EmulatorServer, MessagesEmulator
from langchain_cometapi.testing._features import feature_reply

Mode = Literal["replay", "emulator", "live"]
MODES: tuple[Mode, ...] = ("replay", "emulator", "live")

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
MODEL = "claude-sonnet-4-6"
OVERRIDE_MODEL = "claude-haiku-4-5"
REPLAY_KEY = "test-key-for-cassettes"  # never a real key: replay and emulator only
REPLAY_BASE_URL = "http://cassettes.invalid"  # never contacted: vcr answers every request

MODE: Mode = "replay"
_LIVE_KEY = ""
_LIVE_BASE_URL = "https://api.cometapi.com"


def set_mode(mode: str | None) -> None:
    """Called once from tests/conftest.py with the ``--record-cassettes`` option (None: replay)."""
    global MODE, _LIVE_KEY, _LIVE_BASE_URL
    chosen = mode or "replay"
    if chosen not in MODES:
        raise ValueError(f"unknown cassette mode {chosen!r}; one of {MODES}")
    if chosen == "live":
        _LIVE_KEY = os.environ.get("COMETAPI_KEY") or os.environ.get("COMETAPI_API_KEY") or ""
        if not _LIVE_KEY:
            raise ValueError("--record-cassettes=live needs COMETAPI_KEY in the environment")
        _LIVE_BASE_URL = os.environ.get("COMETAPI_BASE_URL") or "https://api.cometapi.com"
    MODE = chosen  # type: ignore[assignment]
    if MODE != "replay":
        remember_cassettes()


_server: EmulatorServer | None = None


def emulator() -> MessagesEmulator:
    """The recording server's emulator (starts the loopback server on first use)."""
    global _server
    if _server is None:
        _server = EmulatorServer(MessagesEmulator(responder=feature_reply)).start()
    return _server.emulator


def fresh_emulator(test_id: str) -> MessagesEmulator:
    """A new recording server for one test, its ids seeded by the test's id: the ids a test
    records depend on that test alone (not on which tests ran before it), so re-recording
    rewrites an unchanged test's cassette byte for byte."""
    global _server
    stop_server()
    seed = zlib.crc32(test_id.encode())
    _server = EmulatorServer(MessagesEmulator(responder=feature_reply, seed=seed)).start()
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
    return {"replay": "none", "emulator": "rewrite", "live": "once"}[MODE]


def live_cassette(module: str, name: str) -> bool:
    """Whether this test's answers come (or will come) from the live service, not the emulator:
    tests then assert only what the real service guarantees."""
    if MODE == "live":
        return True
    return MODE == "replay" and (record_dir("live", module) / f"{name}.yaml").exists()


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


#: Header names that carry credentials (the library's own rule): never recorded, whatever the
#: test put in ``default_headers`` or ``extra_headers``.
_CREDENTIAL_HEADER = re.compile(r"auth|cookie|key|token|secret|password|credential", re.I)


def _scrub_secrets(request: Any) -> None:
    """Every credential header dropped; MCP ``authorization_token``s in the body replaced (the
    same on record and on replay, so matching is unaffected)."""
    for name in [n for n in request.headers if _CREDENTIAL_HEADER.search(n)]:
        del request.headers[name]
    raw = request.body
    if isinstance(raw, bytes) and b'"authorization_token"' in raw:
        data = json.loads(raw)
        for server in data.get("mcp_servers") or []:
            if isinstance(server, dict) and "authorization_token" in server:
                server["authorization_token"] = "<redacted>"
        request.body = json.dumps(data, separators=(",", ":")).encode()


def scrub_request(request: Any) -> Any:
    """No credential is recorded (``_scrub_secrets``). Emulator recordings: a fixed origin
    instead of the loopback port, so re-recording does not churn every file (matching ignores
    scheme, host and port anyway)."""
    _scrub_secrets(request)
    if MODE == "emulator":
        parsed = request.parsed_uri
        request.uri = EMULATOR_ORIGIN + parsed.path + (f"?{parsed.query}" if parsed.query else "")
        request.headers.pop("host", None)
    return request


# -- re-recording without churn ------------------------------------------------------------------
_EMULATOR_IDS = re.compile(r"\b(msg|toolu|req|srvtoolu)_emu_[0-9a-f]+")


def _essence(requests: list[Any], responses: list[dict[str, Any]]) -> list[str]:
    """A recording up to the order of its interactions and the emulator's ids: what the replay
    depends on. Concurrent requests (batch tests) arrive in any order and take ids in that order."""
    out = []
    for request, response in zip(requests, responses, strict=True):
        body = (response.get("body") or {}).get("string", "")
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        key = json.dumps(
            [request.method, request.path, _json_body(request), response.get("status"), body],
            sort_keys=True, default=str,
        )
        out.append(_EMULATOR_IDS.sub("<id>", key))
    return sorted(out)


_ORIGINALS: dict[Path, str] = {}


def remember_cassettes() -> None:
    """Keep the text of every cassette as it was before recording (pytest-recording's rewrite
    mode deletes a test's file before the test runs)."""
    _ORIGINALS.update({p: p.read_text("utf-8") for p in CASSETTES.rglob("*.yaml")})


class KeepUnchangedPersister(FilesystemPersister):
    """Writes a re-recorded cassette only when it differs from the original file in what the
    replay depends on, so re-recording does not churn files whose tests did not change."""

    @staticmethod
    def save_cassette(cassette_path: Any, cassette_dict: dict[str, Any], serializer: Any) -> None:
        path = Path(cassette_path).resolve()
        original = _ORIGINALS.get(path)
        if original is not None:
            old_requests, old_responses = deserialize(original, serializer)
            new = _essence(cassette_dict["requests"], cassette_dict["responses"])
            if _essence(old_requests, old_responses) == new:
                path.write_text(original, "utf-8")
                return
        FilesystemPersister.save_cassette(cassette_path, cassette_dict, serializer)


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
