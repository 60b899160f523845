"""``dumps``/``dumpd`` then ``loads``/``load`` gives back a working model, secrets never written.

LangChain stores a model in a chain's serialized form (LangSmith, hub prompts with a model) and
rebuilds it with ``load(..., secrets_map=...)``: the key, a password in ``base_url`` and each
credential header are written as secret references and filled from ``secrets_map`` (or the
environment, with ``secrets_from_env=True``) on load.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx2
import pytest
from langchain_core.load import dumpd, dumps, load, loads
from langchain_core.prompts import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    PromptTemplate,
)
from langchain_core.runnables import RunnableSequence

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator
from tests.helpers.responses import PATHS, call

KEY = "sk-roundtrip-0123456789"
TOKEN = "tok-upstream-secret-77"
HEADERS = {"X-Upstream-Token": TOKEN, "X-Team": "search"}
SECRETS = {"COMETAPI_KEY": KEY, "COMETAPI_HEADER_X_UPSTREAM_TOKEN": TOKEN}
ALLOWED: dict[str, Any] = {
    "valid_namespaces": ["langchain_cometapi"],
    "allowed_objects": [ChatCometAPI],
}

CHAIN_CLASSES = [RunnableSequence, ChatPromptTemplate, HumanMessagePromptTemplate, PromptTemplate]


def _loads(text: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load() is beta in langchain-core
        return loads(text, **ALLOWED, **kwargs)


def test_settings_and_key_survive_a_round_trip() -> None:
    llm = ChatCometAPI(api_key=KEY, model="claude-opus-4-1", temperature=0.3, stop=["END"],
                       max_tokens=100, effort="low", model_kwargs={"top_k": 5})  # fmt: skip
    text = dumps(llm)
    assert KEY not in text
    loaded = _loads(text, secrets_map=SECRETS)
    assert loaded.api_key.get_secret_value() == KEY
    for name in ("model", "temperature", "stop", "max_tokens", "effort", "model_kwargs"):
        assert getattr(loaded, name) == getattr(llm, name), name


def test_credential_headers_are_references_that_load_fills_in() -> None:
    llm = ChatCometAPI(api_key=KEY, default_headers=HEADERS)
    text = dumps(llm)
    assert TOKEN not in text and KEY not in text
    assert "COMETAPI_HEADER_X_UPSTREAM_TOKEN" in text and "search" in text
    loaded = _loads(text, secrets_map=SECRETS)
    assert loaded.default_headers == HEADERS


def test_dumpd_and_load_of_a_chain_with_credential_headers() -> None:
    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | ChatCometAPI(
        api_key=KEY, default_headers=HEADERS
    )
    serialized = dumpd(chain)
    assert TOKEN not in str(serialized)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load(serialized, secrets_map=SECRETS, valid_namespaces=["langchain_cometapi"],
                      allowed_objects=[ChatCometAPI, *CHAIN_CLASSES])  # fmt: skip
    assert loaded.last.default_headers == HEADERS


def test_an_unresolved_header_reference_is_a_clear_error() -> None:
    text = dumps(ChatCometAPI(api_key=KEY, default_headers=HEADERS))
    with pytest.raises(ValueError, match="COMETAPI_HEADER_X_UPSTREAM_TOKEN") as caught:
        _loads(text, secrets_map={"COMETAPI_KEY": KEY})
    assert "secrets_map" in str(caught.value) and TOKEN not in str(caught.value)


def test_header_references_are_read_from_the_environment_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = dumps(ChatCometAPI(api_key=KEY, default_headers=HEADERS))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    assert _loads(text, secrets_from_env=True).default_headers == HEADERS


@pytest.mark.parametrize("path", PATHS)
async def test_a_loaded_model_sends_the_headers(path: str) -> None:
    text = dumps(ChatCometAPI(api_key=KEY, default_headers=HEADERS))
    loaded = _loads(text, secrets_map=SECRETS)
    sent: list[httpx2.Headers] = []

    def record(request: httpx2.Request) -> None:
        sent.append(request.headers)

    async def arecord(request: httpx2.Request) -> None:
        record(request)

    transport = EmulatorTransport(MessagesEmulator())
    wired = loaded.model_copy(  # clients are not serialised: the loaded model gets the emulator's
        update={
            "http_client": httpx2.Client(transport=transport, event_hooks={"request": [record]}),
            "http_async_client": httpx2.AsyncClient(
                transport=transport, event_hooks={"request": [arecord]}
            ),
        }
    )
    await call(wired, path)
    assert len(sent) == 1
    assert sent[0]["x-upstream-token"] == TOKEN and sent[0]["x-team"] == "search"
    assert sent[0]["x-api-key"] == KEY


MCP_TOKEN = "tok-mcp-secret-55"
SERVERS = [
    {"type": "url", "url": "https://mcp.example/sse", "name": "docs-search",
     "authorization_token": MCP_TOKEN},
    {"type": "url", "url": "https://open.example/sse", "name": "open"},
]  # fmt: skip


def test_mcp_tokens_are_references_and_the_servers_come_back_whole() -> None:
    text = dumps(ChatCometAPI(api_key=KEY, mcp_servers=SERVERS))
    assert MCP_TOKEN not in text and "COMETAPI_MCP_TOKEN_DOCS_SEARCH" in text
    assert "https://open.example/sse" in text  # the rest of the setting is not a secret
    secrets = {"COMETAPI_KEY": KEY, "COMETAPI_MCP_TOKEN_DOCS_SEARCH": MCP_TOKEN}
    assert _loads(text, secrets_map=secrets).mcp_servers == SERVERS


def test_mcp_servers_whose_names_give_one_reference_get_a_reference_each() -> None:
    servers = [
        {"type": "url", "url": "https://a.example/sse", "name": "docs-search",
         "authorization_token": "tok-a-66"},
        {"type": "url", "url": "https://b.example/sse", "name": "docs_search",
         "authorization_token": "tok-b-77"},
    ]  # fmt: skip
    text = dumps(ChatCometAPI(api_key=KEY, mcp_servers=servers))
    assert "tok-a-66" not in text and "tok-b-77" not in text
    secrets = {"COMETAPI_KEY": KEY, "COMETAPI_MCP_TOKEN_DOCS_SEARCH_0": "tok-a-66",
               "COMETAPI_MCP_TOKEN_DOCS_SEARCH_1": "tok-b-77"}
    assert _loads(text, secrets_map=secrets).mcp_servers == servers
    del secrets["COMETAPI_MCP_TOKEN_DOCS_SEARCH_1"]
    with pytest.raises(ValueError, match="COMETAPI_MCP_TOKEN_DOCS_SEARCH_1"):
        _loads(text, secrets_map=secrets)


def test_mcp_servers_without_a_token_load_with_no_secret_at_all() -> None:
    servers = [SERVERS[1]]
    text = dumps(ChatCometAPI(api_key=KEY, mcp_servers=servers))
    assert _loads(text, secrets_map={"COMETAPI_KEY": KEY}).mcp_servers == servers


def test_an_unresolved_mcp_token_is_a_clear_error_not_a_dropped_server() -> None:
    text = dumps(ChatCometAPI(api_key=KEY, mcp_servers=SERVERS))
    with pytest.raises(ValueError, match="COMETAPI_MCP_TOKEN_DOCS_SEARCH"):
        _loads(text, secrets_map={"COMETAPI_KEY": KEY})


def test_an_mcp_url_that_embeds_a_credential_is_a_reference_too() -> None:
    servers = [{"type": "url", "url": "https://mcp.example/sse?key=url-secret-31", "name": "q"}]
    text = dumps(ChatCometAPI(api_key=KEY, mcp_servers=servers))
    assert "url-secret-31" not in text and "COMETAPI_MCP_URL_Q" in text
    secrets = {"COMETAPI_KEY": KEY, "COMETAPI_MCP_URL_Q": servers[0]["url"]}
    assert _loads(text, secrets_map=secrets).mcp_servers == servers


def test_a_base_url_with_a_password_is_a_reference_that_load_needs() -> None:
    url = "https://user:url-pass-88@gateway.example"
    text = dumps(ChatCometAPI(api_key=KEY, base_url=url))
    assert "url-pass-88" not in text
    assert _loads(text, secrets_map={"COMETAPI_KEY": KEY, "COMETAPI_BASE_URL": url}).base_url == url
    with pytest.raises(ValueError, match="COMETAPI_BASE_URL") as caught:
        _loads(text, secrets_map={"COMETAPI_KEY": KEY})
    assert "secrets_map" in str(caught.value)
