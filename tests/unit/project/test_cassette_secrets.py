"""No cassette may carry a credential: neither a secret header nor anything key-shaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"
SECRET_HEADERS = {"x-api-key", "authorization", "api-key", "proxy-authorization", "cookie",
                  "set-cookie"}
KEY_SHAPES = [
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),  # CometAPI / OpenAI style keys
    re.compile(r"sk-ant-[A-Za-z0-9_-]{10,}"),  # Anthropic keys
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"(?i)(x-api-key|api[_-]?key|authorization)\s*[:=]\s*\S{8,}"),
]


def _files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _headers(interaction: dict) -> list[str]:
    names: list[str] = []
    for side in ("request", "response"):
        headers = (interaction.get(side) or {}).get("headers") or {}
        names += [str(k).lower() for k in headers]
    return names


def test_there_are_cassettes_to_scan() -> None:
    assert len(_files()) >= 10


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_has_no_secret(path: Path) -> None:
    text = path.read_text("utf-8")
    for shape in KEY_SHAPES:
        match = shape.search(text)
        assert match is None, f"{path}: key-like string {match.group(0)[:12]}..."
    data = yaml.safe_load(text)
    for interaction in data.get("interactions", []):
        leaked = SECRET_HEADERS.intersection(_headers(interaction))
        assert not leaked, f"{path}: secret header(s) {sorted(leaked)} recorded"


def test_scanner_catches_a_planted_key(tmp_path: Path) -> None:
    planted = "headers:\n  x-api-key:\n  - sk-abcdefghijklmnopqrstuvwx\n"
    assert any(shape.search(planted) for shape in KEY_SHAPES)
    interaction = yaml.safe_load(
        "request:\n  headers:\n    Authorization: [redacted]\nresponse: {}\n"
    )
    assert "authorization" in _headers(interaction)
