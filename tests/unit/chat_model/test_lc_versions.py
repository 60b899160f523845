"""``metadata["lc_versions"]`` names langchain-cometapi (langchain-core's partner convention)."""

from __future__ import annotations

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._version import __version__


def test_lc_versions_has_the_package() -> None:
    llm = ChatCometAPI(api_key="k")
    assert llm.metadata is not None
    versions = llm.metadata["lc_versions"]
    assert versions["langchain-cometapi"] == __version__
    assert "langchain-core" in versions


def test_user_metadata_is_kept() -> None:
    llm = ChatCometAPI(api_key="k", metadata={"team": "search"})
    assert llm.metadata is not None
    assert llm.metadata["team"] == "search"
    assert llm.metadata["lc_versions"]["langchain-cometapi"] == __version__
