"""``POST /v1/messages/count_tokens`` and ``GET /v1/models`` answer the API's shapes."""

from __future__ import annotations

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.emulator import KEY, body, client, post


def test_count_tokens_matches_the_input_a_message_call_reports() -> None:
    emu = MessagesEmulator()
    request = body(
        system="be brief", messages=[{"role": "user", "content": "Hello there, how are you"}]
    )
    with client(emu) as c:
        counted = c.post("/v1/messages/count_tokens", headers=KEY, json={
            k: v for k, v in request.items() if k != "max_tokens"
        })  # fmt: skip
    assert counted.status_code == 200, counted.text
    assert set(counted.json()) == {"input_tokens"}
    usage = post(emu, request).json()["usage"]
    assert counted.json()["input_tokens"] == usage["input_tokens"]


def test_count_tokens_validates_like_messages() -> None:
    emu = MessagesEmulator()
    with client(emu) as c:
        no_messages = c.post("/v1/messages/count_tokens", headers=KEY, json={"model": "m"})
        extra = c.post(
            "/v1/messages/count_tokens",
            headers=KEY,
            json={"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 5},
        )
        bad_block = c.post(
            "/v1/messages/count_tokens",
            headers=KEY,
            json={"model": "m", "messages": [{"role": "user", "content": [{"type": "refusal"}]}]},
        )
    assert no_messages.status_code == 400
    assert no_messages.json()["error"]["message"] == "messages: Field required"
    assert extra.json()["error"]["message"] == "max_tokens: Extra inputs are not permitted"
    assert "Input tag 'refusal'" in bad_block.json()["error"]["message"]


def test_models_list_and_object() -> None:
    with client(MessagesEmulator()) as c:
        listed = c.get("/v1/models", headers=KEY)
        first = listed.json()["data"][0]
        one = c.get(f"/v1/models/{first['id']}", headers=KEY)
        missing = c.get("/v1/models/claude-nope", headers=KEY)
        wrong_method = c.post("/v1/models", headers=KEY, json={})
    assert listed.status_code == 200
    assert set(listed.json()) == {"data", "has_more", "first_id", "last_id"}
    assert set(first) == {"type", "id", "display_name", "created_at"}
    assert first["type"] == "model"
    assert one.json() == first
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "not_found_error"
    assert wrong_method.status_code == 405
