"""docs/migrating.md lists every ChatAnthropic constructor argument (and each alias)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "migrating.md"


def test_every_chat_anthropic_argument_is_listed() -> None:
    anthropic = pytest.importorskip("langchain_anthropic")
    section = DOC.read_text("utf-8").split("### Every `ChatAnthropic` argument", 1)[1]
    listed = set(re.findall(r"`([a-z_]+)`", section))
    names = set()
    for name, field in anthropic.ChatAnthropic.model_fields.items():
        names.add(name)
        if field.alias:
            names.add(field.alias)
    missing = sorted(names - listed)
    assert not missing, f"docs/migrating.md does not list: {missing}"
