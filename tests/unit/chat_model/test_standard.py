"""LangChain's standard unit-test suite for chat models."""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.load import dumpd, load
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion

from langchain_cometapi import ChatCometAPI
from tests.standard_flags import CometAPICapabilities


class TestChatCometAPIStandard(CometAPICapabilities, ChatModelUnitTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "claude-sonnet-4-6", "api_key": "test-key"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        return (
            {"COMETAPI_KEY": "env-key", "COMETAPI_BASE_URL": "https://env.example"},
            {"model": "claude-sonnet-4-6"},
            {"api_key": "env-key", "base_url": "https://env.example"},
        )

    @pytest.mark.xfail(
        reason="langchain-core's load(allowed_objects='all') admits only classes in its own "
        "partner mapping, which a package outside the monorepo cannot join; "
        "test_serdes_with_allowlist below runs the same checks with an explicit allowlist",
        strict=True,
    )
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)

    def test_serdes_with_allowlist(self, model: ChatCometAPI, snapshot: SnapshotAssertion) -> None:
        env_params, _, _ = self.init_from_env_params
        with mock.patch.dict(os.environ, env_params):
            ser = dumpd(model)
            assert ser == snapshot(name="serialized")
            assert "test-key" not in str(ser)
            loaded = load(
                ser,
                valid_namespaces=["langchain_cometapi"],
                allowed_objects=[ChatCometAPI],
                secrets_from_env=True,
            )
            assert loaded.dict() == model.dict()
