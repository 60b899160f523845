"""Features behind a beta header get it automatically (ChatAnthropic's list): a task budget,
the "updates" thinking display, user profiles, the advisor tool, context editing and
compaction; the emulator refuses a task budget, an MCP server, context management (and each
edit without its own beta) or a user profile without its beta, as the API does."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi._wire.tools import required_betas
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.emulator import body, client, post

BUDGET = {"task_budget": {"type": "tokens", "total": 64_000}}


def _betas(emu: MessagesEmulator) -> list[str]:
    header = emu.last_request["headers"].get("anthropic-beta", "")
    return [b for b in header.split(",") if b]


def test_task_budget_from_the_constructor_sends_its_beta() -> None:
    llm, emu = emulated(MessagesEmulator(), output_config=BUDGET)
    emu.script(Reply.text("ok"))
    llm.invoke("plan the work")
    assert emu.last_request["body"]["output_config"] == BUDGET
    assert "task-budgets-2026-03-13" in _betas(emu)


async def test_task_budget_per_call_sends_its_beta_async() -> None:
    llm, emu = emulated(MessagesEmulator(), betas=["files-api-2025-04-14"])
    emu.script(Reply.text("ok"))
    await llm.ainvoke("plan", output_config=BUDGET)
    assert _betas(emu) == ["files-api-2025-04-14", "task-budgets-2026-03-13"]


@pytest.mark.parametrize(
    ("fields", "beta"),
    [
        ({"output_config": BUDGET}, "task-budgets-2026-03-13"),
        (
            {"thinking": {"type": "adaptive", "display": "updates"}},
            "thinking-display-updates-2026-08-18",
        ),
        ({"user_profile_id": "uprof_1"}, "user-profiles-2026-03-24"),
        ({"tools": [{"type": "advisor_20260301", "name": "advisor"}]}, "advisor-tool-2026-03-01"),
        ({"tools": [{"type": "mcp_toolset", "mcp_server_name": "m"}]}, "mcp-client-2025-11-20"),
        (
            {"mcp_servers": [{"type": "url", "url": "https://m", "name": "m"}]},
            "mcp-client-2025-11-20",
        ),
    ],
)
def test_required_betas(fields: dict[str, Any], beta: str) -> None:
    assert required_betas(fields) == [beta]


@pytest.mark.parametrize(
    ("edits", "betas"),
    [
        ([{"type": "clear_tool_uses_20250919"}], ["context-management-2025-06-27"]),
        ([{"type": "compact_20260112"}], ["compact-2026-01-12"]),
        # the field alone is known only under context editing's beta (the API refuses it bare)
        ([], ["context-management-2025-06-27"]),
    ],
)
def test_context_management_betas(edits: list[dict[str, Any]], betas: list[str]) -> None:
    assert required_betas({"context_management": {"edits": edits}}) == betas
    assert required_betas({}) == []


def test_emulator_refuses_a_task_budget_without_its_beta() -> None:
    response = post(MessagesEmulator(), body(output_config=BUDGET))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "output_config.task_budget: Extra inputs are not permitted"
    )


def test_emulator_refuses_mcp_servers_without_their_beta() -> None:
    servers = [{"type": "url", "url": "https://mcp.example.com/sse", "name": "m"}]
    response = post(MessagesEmulator(), body(mcp_servers=servers))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "mcp_servers: Extra inputs are not permitted"


@pytest.mark.parametrize(
    ("fields", "beta", "message"),
    [
        ({"context_management": {"edits": []}}, None,
         "context_management: Extra inputs are not permitted"),
        ({"context_management": {"edits": [{"type": "compact_20260112"}]}},
         "context-management-2025-06-27",
         "context_management.edits.0: Input tag 'compact_20260112' found using 'type' does not "
         "match any of the expected tags: 'clear_tool_uses_20250919', 'clear_thinking_20251015'"),
        ({"user_profile_id": "uprof_1"}, None, "user_profile_id: Extra inputs are not permitted"),
    ],
    ids=["context management", "compaction edit under context editing's beta", "user profile"],
)  # fmt: skip
def test_emulator_refuses_a_feature_without_its_beta(
    fields: dict[str, Any], beta: str | None, message: str
) -> None:
    headers = {"x-api-key": "sk-test", **({"anthropic-beta": beta} if beta else {})}
    with client(MessagesEmulator()) as http:
        response = http.post("/v1/messages", headers=headers, json=body(**fields))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == message


FEATURES = {
    "context editing": {"context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}},
    "compaction": {"context_management": {"edits": [{"type": "compact_20260112"}]}},
    "bare context management": {"context_management": {"edits": []}},
    "user profile": {"user_profile_id": "uprof_1"},
}


@pytest.mark.parametrize("settings", FEATURES.values(), ids=list(FEATURES))
def test_feature_is_accepted_with_the_beta_sent_sync(settings: dict[str, Any]) -> None:
    llm, emu = emulated(MessagesEmulator(), **settings)
    emu.script(Reply.text("ok"))
    assert llm.invoke("hi").text == "ok"


@pytest.mark.parametrize("settings", FEATURES.values(), ids=list(FEATURES))
async def test_feature_is_accepted_with_the_beta_sent_async(settings: dict[str, Any]) -> None:
    llm, emu = emulated(MessagesEmulator(), **settings)
    emu.script(Reply.text("ok"))
    assert (await llm.ainvoke("hi")).text == "ok"
