"""ChatAnthropic's constructor arguments: aliases where they mean the same, a clear error
where they do not, and no credential-looking argument ever reaches the body, repr or dumps()."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.load import dumps

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, call

SECRET = "sk-ant-api03-very-secret"


def test_anthropic_api_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="anthropic_api_key") as info:
        ChatCometAPI(anthropic_api_key=SECRET)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("name", ["anthropic_key", "openai_api_key", "auth_token", "client_secret"])
def test_credential_like_unknown_arguments_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="look like credentials") as info:
        ChatCometAPI(api_key="k", **{name: SECRET})
    assert SECRET not in str(info.value)


def test_credential_like_model_kwargs_are_refused() -> None:
    with pytest.raises(ValueError, match="look like credentials"):
        ChatCometAPI(api_key="k", model_kwargs={"x_api_key": SECRET})


@pytest.mark.parametrize("path", PATHS)
async def test_credential_like_call_arguments_are_refused_before_sending(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="look like credentials") as info:
        await call(llm.bind(anthropic_api_key=SECRET), path, "x")
    assert SECRET not in str(info.value)
    assert emu.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_credential_like_call_arguments_are_not_traced(path: str) -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[str] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: object, messages: object, **kw: object) -> None:
            seen.append(repr(serialized) + repr(kw))

    llm, _ = emulated(MessagesEmulator())
    bound = llm.bind(auth_token=SECRET).with_config(callbacks=[Recorder()])
    with pytest.raises(ValueError, match="look like credentials"):
        await call(bound, path, "x")
    assert seen and all(SECRET not in s for s in seen)


def test_anthropic_api_url_is_base_url() -> None:
    llm = ChatCometAPI(api_key="k", anthropic_api_url="https://gateway.example.com")
    assert llm.base_url == "https://gateway.example.com"


def test_anthropic_proxy_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="HTTPS_PROXY"):
        ChatCometAPI(api_key="k", anthropic_proxy="http://proxy:3128")


def test_anthropic_proxy_environment_variable_is_not_silently_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_PROXY", "http://proxy:3128")
    with pytest.warns(UserWarning, match="ANTHROPIC_PROXY"):
        ChatCometAPI(api_key="k")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")  # the proxy the clients do honour
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ChatCometAPI(api_key="k")


def test_max_tokens_to_sample_is_max_tokens() -> None:
    llm, emu = emulated(MessagesEmulator(), max_tokens_to_sample=321)
    emu.script(Reply.text("ok"))
    llm.invoke("x")
    assert emu.last_request["body"]["max_tokens"] == 321
    assert "max_tokens_to_sample" not in emu.last_request["body"]


async def test_model_kwargs_max_tokens_is_used_as_the_setting() -> None:
    with pytest.warns(UserWarning, match="model_kwargs"):
        llm, emu = emulated(MessagesEmulator(), model_kwargs={"max_tokens": 123})
    assert llm.max_tokens == 123
    emu.script(Reply.text("ok"))
    await llm.ainvoke("x")
    assert emu.last_request["body"]["max_tokens"] == 123


def test_conflicting_alias_and_name_are_refused() -> None:
    with pytest.raises(ValueError, match="both given"):
        ChatCometAPI(api_key="k", max_tokens=10, max_tokens_to_sample=20)


@pytest.mark.parametrize(
    ("name", "value", "body_key"),
    [
        (
            "context_management",
            {"edits": [{"type": "clear_tool_uses_20250919"}]},
            "context_management",
        ),
        ("inference_geo", "us", "inference_geo"),
        ("container", "container_1", "container"),
    ],
)
def test_chat_anthropic_fields_are_settings_not_warnings(
    name: str, value: object, body_key: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llm, emu = emulated(MessagesEmulator(strict_fields=False), **{name: value})
    emu.script(Reply.text("ok"))
    llm.invoke("x")
    assert emu.last_request["body"][body_key] == value


def test_unknown_harmless_argument_still_becomes_a_body_field() -> None:
    with pytest.warns(UserWarning, match="metadata_user is not default parameter"):
        llm = ChatCometAPI(api_key="k", metadata_user="u")
    assert llm.model_kwargs == {"metadata_user": "u"}
    assert "metadata_user" in repr(llm) and SECRET not in dumps(llm)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("spelling", ["model", "model_name"])
async def test_default_max_tokens_fits_a_model_with_a_lower_output_limit(
    path: str, spelling: str
) -> None:
    """Claude 3 Haiku writes at most 4096 tokens: the default 8192 would be a 400 on every
    call (the emulator answers it so), where ChatAnthropic defaults to the model's limit."""
    emu = MessagesEmulator()
    llm, _ = emulated(emu, **{spelling: "claude-3-haiku-20240307"})
    assert llm.max_tokens == 4096
    reply = await call(llm, path)
    assert reply.content and emu.last_request["body"]["max_tokens"] == 4096


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"model": "claude-3-haiku-20240307", "max_tokens": 1000}, 1000),
        ({"model": "claude-3-haiku-20240307", "max_tokens_to_sample": 2000}, 2000),
        ({"model": "claude-3-haiku-20240307", "model_kwargs": {"max_tokens": 3000}}, 3000),
        ({"model": "claude-sonnet-4-6"}, 8192),
        ({"model": "claude-3-5-haiku-20241022"}, 8192),
        ({"model": "a-model-nobody-knows"}, 8192),
    ],
)
def test_a_max_tokens_given_is_kept_and_8192_stays_the_default(
    settings: dict[str, object], expected: int
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_tokens in model_kwargs warns, as in ChatAnthropic
        assert ChatCometAPI(api_key="k", **settings).max_tokens == expected


@pytest.mark.parametrize(
    ("name", "alias", "first", "second"),
    [
        ("model", "model_name", "claude-opus-4-1", "claude-sonnet-4-5"),
        ("stop", "stop_sequences", ["a"], ["b"]),
        ("timeout", "default_request_timeout", 5, 7),
        ("base_url", "api_base", "https://a.example", "https://b.example"),
        ("api_key", "cometapi_api_key", "sk-first-0123456789", "sk-second-0123456789"),
    ],
)
def test_a_field_and_its_alias_that_disagree_are_refused(
    name: str, alias: str, first: Any, second: Any
) -> None:
    """Before, the alias won silently and the other value was dropped."""
    with pytest.raises(ValueError, match=f"{name} and {alias}") as caught:
        ChatCometAPI(**{"api_key": "sk-test-0123456789", name: first, alias: second})
    assert "sk-first" not in str(caught.value) and "sk-second" not in str(caught.value)
    same = ChatCometAPI(**{"api_key": "sk-test-0123456789", name: first, alias: first})
    assert getattr(same, name) is not None
