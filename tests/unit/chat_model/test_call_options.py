"""Per-call keyword arguments that LangChain or the anthropic SDK interpret, not the API.

``invoke(..., stream=True)`` is LangChain's per-call streaming switch (``_should_stream``);
``extra_body`` is the anthropic SDK's request option that ChatAnthropic passes through, merged
into the body (``timeout`` and ``extra_query``, the SDK's other request options, are in
test_per_call_request_options.py). Client settings given per call (``max_retries``,
``base_url``...) would reach the body as unknown fields, which the API answers with a 400 after
the request was sent: they are a ValueError before sending instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import call_text, emulated

PATHS = ("invoke", "ainvoke", "stream", "astream")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("stream", [True, False])
async def test_langchain_stream_switch_picks_the_path_and_is_no_body_field(
    path: str, stream: bool
) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Hello"))
    assert await call_text(llm, path, stream=stream) == "Hello"
    sent = emu.requests[-1]["body"]
    # invoke obeys the switch; stream()/astream() always stream (LangChain's own rule)
    streamed = stream or path in ("stream", "astream")
    assert sent.get("stream", False) is streamed


def test_stream_in_model_kwargs_is_still_refused() -> None:
    llm, emu = emulated(MessagesEmulator(), model_kwargs={"stream": True})
    with pytest.raises(ValueError, match="'stream' is chosen by the call"):
        llm.invoke("hi")
    assert emu.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_extra_body_is_merged_into_the_body(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Hello"))
    extra = {"metadata": {"user_id": "user-1"}, "top_k": 5}
    assert await call_text(llm, path, extra_body=extra) == "Hello"
    sent = emu.requests[-1]["body"]
    assert sent["metadata"] == {"user_id": "user-1"} and sent["top_k"] == 5
    assert "extra_body" not in sent


def test_extra_body_that_is_not_a_dict_is_refused() -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="extra_body must be a dict"):
        llm.invoke("hi", extra_body=["metadata"])
    assert emu.requests == []


CLIENT_SETTINGS = {
    "default_request_timeout": 30,
    "max_retries": 0,
    "streaming": True,
    "base_url": "https://elsewhere.example",
    "default_headers": {"X-Api-Key": "sk-never-shown-0123456789"},
    "model_name": "claude-opus-4-1",
    "model_kwargs": {"top_k": 5},
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", CLIENT_SETTINGS)
async def test_client_settings_given_per_call_are_refused_before_sending(
    path: str, name: str
) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match=f"^{name} was passed to the call") as caught:
        await call_text(llm, path, **{name: CLIENT_SETTINGS[name]})
    assert emu.requests == []
    assert "sk-never-shown" not in str(caught.value)


def test_client_setting_refused_in_a_binding_too() -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="max_retries was passed to the call"):
        llm.bind(max_retries=5).invoke("hi")
    assert emu.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_stop_sequences_per_call_is_stop_under_chat_anthropic_name(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), stop=["DEFAULT"])
    emu.script(Reply.text("Hello"))
    await call_text(llm, path, stop_sequences=["HALT"])
    assert emu.requests[-1]["body"]["stop_sequences"] == ["HALT"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"stop_sequences": [""]}, "non-empty"),
        ({"stop_sequences": "HALT"}, "list of strings"),
        ({"stop_sequences": ["  "]}, "only whitespace"),
        ({"stop": ["A"], "stop_sequences": ["B"]}, "both given"),
    ],
)
async def test_bad_stop_sequences_per_call_are_refused_before_sending(
    path: str, kwargs: dict[str, Any], fragment: str
) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match=fragment):
        await call_text(llm, path, **kwargs)
    assert emu.requests == []


def test_stop_sequences_per_call_is_traced_as_ls_stop() -> None:
    llm, _ = emulated(MessagesEmulator(), stop=["DEFAULT"])
    assert llm._get_ls_params(stop_sequences=["HALT"])["ls_stop"] == ["HALT"]
    assert llm._get_ls_params(stop=["S"])["ls_stop"] == ["S"]
    assert llm._get_ls_params()["ls_stop"] == ["DEFAULT"]


def test_credential_like_extra_body_fields_are_refused() -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="look like credentials") as caught:
        llm.invoke("hi", extra_body={"api_key": "sk-never-shown-0123456789"})
    assert emu.requests == [] and "sk-never-shown" not in str(caught.value)


@pytest.mark.parametrize("path", PATHS)
async def test_an_mcp_token_in_a_bound_extra_body_is_still_sent(path: str) -> None:
    servers = [{"type": "url", "url": "https://mcp.example/sse", "name": "docs",
                "authorization_token": "tok-bound-extra-body"}]  # fmt: skip
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Hello"))
    await call_text(llm.bind(extra_body={"mcp_servers": servers}), path)
    assert emu.requests[-1]["body"]["mcp_servers"] == servers
