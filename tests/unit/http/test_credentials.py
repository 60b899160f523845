"""Secrets held by the model's settings: a base URL with a password, the redactor's output."""

from __future__ import annotations

from langchain_core.load import dumps

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._http.credentials import Redactor

PASSWORD = "Pa55w0rd-never-serialise"


def test_a_base_url_with_a_password_is_serialised_as_a_secret_reference() -> None:
    llm = ChatCometAPI(api_key="k", base_url=f"https://user:{PASSWORD}@gw.example/")
    text = dumps(llm)
    assert PASSWORD not in text
    assert '"base_url": {"lc": 1, "type": "secret", "id": ["COMETAPI_BASE_URL"]}' in text


def test_a_plain_base_url_is_serialised_as_it_is() -> None:
    text = dumps(ChatCometAPI(api_key="k", base_url="https://gw.example/"))
    assert '"base_url": "https://gw.example/"' in text


def test_the_redactor_leaves_three_stars_and_the_rest_of_the_text() -> None:
    redact = Redactor("sk-abc123", None, "")
    assert redact("key sk-abc123 and 'sk-abc123'") == "key *** and '***'"
    assert Redactor()("nothing to hide") == "nothing to hide"


def test_a_token_in_the_user_part_alone_is_a_secret_too() -> None:
    llm = ChatCometAPI(api_key="k", base_url="https://sk-token-in-url@gw.example/")
    assert "sk-token-in-url" not in dumps(llm) and "sk-token-in-url" not in repr(llm)
    assert "COMETAPI_BASE_URL" in dumps(llm)


def test_repr_shows_where_the_userinfo_was() -> None:
    llm = ChatCometAPI(api_key="k", base_url=f"https://user:{PASSWORD}@gw.example/")
    assert "base_url='https://***@gw.example/'" in repr(llm)
