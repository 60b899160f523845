"""No cassette may carry a credential: neither a secret header nor anything key-shaped.

The scan is one function, run on every file under cassettes/ and on a planted leak, so the test
that guards the repository is the same code that is shown to catch a key.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"
SECRET_HEADERS = {"x-api-key", "authorization", "api-key", "proxy-authorization", "cookie",
                  "set-cookie"}
CREDENTIAL_NAME = re.compile(r"auth|cookie|key|token|secret|password|credential", re.I)
KEY_SHAPES = [
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),  # CometAPI / OpenAI style keys
    re.compile(r"sk-ant-[A-Za-z0-9_-]{10,}"),  # Anthropic keys
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"(?i)(x-api-key|api[_-]?key|authorization)\s*[:=]\s*\S{8,}"),
    re.compile(r'authorization_token\\?"\s*:\s*\\?"(?!<redacted>)[^"\\]{4,}'),  # MCP, in a body
]


def cassette_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _headers(interaction: dict) -> list[str]:
    names: list[str] = []
    for side in ("request", "response"):
        headers = (interaction.get(side) or {}).get("headers") or {}
        names += [str(k).lower() for k in headers]
    return names


def leaks(path: Path) -> list[str]:
    """What in this cassette looks like a credential (empty when clean)."""
    text = path.read_text("utf-8")
    found = [
        f"key-like string {match.group(0)[:12]}..."
        for shape in KEY_SHAPES
        if (match := shape.search(text))
    ]
    data = yaml.safe_load(text) or {}
    for interaction in data.get("interactions", []):
        sent = (interaction.get("request") or {}).get("headers") or {}
        leaked = SECRET_HEADERS.intersection(_headers(interaction))
        leaked |= {str(n).lower() for n in sent if CREDENTIAL_NAME.search(str(n))}
        if leaked:
            found.append(f"secret header(s) {sorted(leaked)} recorded")
    return found


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files(CASSETTES)) >= 10


@pytest.mark.parametrize(
    "path", cassette_files(CASSETTES), ids=lambda p: str(p.relative_to(CASSETTES))
)
def test_cassette_has_no_secret(path: Path) -> None:
    assert leaks(path) == [], path


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-api-key", "sk-live-abcdefghijklmnopqrstuvwx"),
        ("authorization", "Bearer abcdefghijklmnopqrstuvwx"),
        ("x-api-key", "redacted"),  # the header alone is a leak: it must be filtered out
        ("x-upstream-token", "anything"),  # any credential-like header name
    ],
)
def test_scan_catches_a_planted_key(tmp_path: Path, header: str, value: str) -> None:
    folder = tmp_path / "cassettes" / "live" / "test_module"
    folder.mkdir(parents=True)
    planted = folder / "Test.test_leak.yaml"
    planted.write_text(
        "interactions:\n- request:\n    headers:\n"
        f"      {header}:\n      - {value}\n    method: POST\n  response:\n    headers: {{}}\n"
    )
    (folder / "Test.test_clean.yaml").write_text("interactions: []\n")
    assert cassette_files(tmp_path / "cassettes") == sorted(folder.iterdir())
    assert leaks(planted)
    assert leaks(folder / "Test.test_clean.yaml") == []


def test_scan_catches_a_planted_mcp_token(tmp_path: Path) -> None:
    planted = tmp_path / "Test.test_mcp.yaml"
    body = '{"mcp_servers":[{"name":"d","authorization_token":"oauth-abc-123"}]}'
    planted.write_text(f"interactions:\n- request:\n    body: '{body}'\n    headers: {{}}\n")
    assert leaks(planted)
    planted.write_text(planted.read_text().replace("oauth-abc-123", "<redacted>"))
    assert leaks(planted) == []


def test_recording_scrubs_every_credential_header_and_mcp_token() -> None:
    """What the integration harness records: no credential header, no MCP token (and the scrub
    is the same on replay, so the body still matches)."""
    from vcr.request import Request as VcrRequest

    from tests.integration._harness import scrub_request, wire_body_matcher

    body = b'{"model":"m","mcp_servers":[{"name":"d","authorization_token":"oauth-abc-123"}]}'
    headers = {"x-api-key": "sk-1", "X-Upstream-Token": "t-2", "Cookie": "c=3", "x-team": "s"}
    request = VcrRequest("POST", "http://h/v1/messages", body, headers)
    scrubbed = scrub_request(request)
    assert dict(scrubbed.headers) == {"x-team": "s"}
    assert b"oauth-abc-123" not in scrubbed.body and b"<redacted>" in scrubbed.body
    wire_body_matcher(scrubbed, scrub_request(VcrRequest("POST", "http://h/v1/messages", body, {})))
