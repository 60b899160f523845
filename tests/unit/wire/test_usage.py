"""The wire usage dict -> LangChain usage_metadata: input counts every prompt token once
(generic counts and zeros: test_usage_details.py)."""

from __future__ import annotations

from langchain_cometapi._wire.usage import usage_metadata


def test_ttl_split_replaces_the_generic_count() -> None:
    usage = {
        "input_tokens": 5,
        "cache_read_input_tokens": 100,
        "cache_creation_input_tokens": 30,
        "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 20},
        "output_tokens": 3,
    }
    result = usage_metadata(usage)
    assert result["input_tokens"] == 135
    assert result["input_token_details"] == {
        "cache_read": 100,
        "ephemeral_5m_input_tokens": 10,
        "ephemeral_1h_input_tokens": 20,
        "cache_creation": 0,
    }



def test_counts_from_odd_wire_values() -> None:
    from langchain_cometapi._wire.usage import count

    assert [count(v) for v in (7, -3, 7.0, 7.5, " 12 ", "x", None, True, False)] == [
        7, 0, 7, 0, 12, 0, 0, 0, 0,
    ]  # fmt: skip
    assert count(-2.0) == 0


def test_reasoning_tokens_under_either_name() -> None:
    for key in ("reasoning_tokens", "thinking_tokens"):
        result = usage_metadata({"input_tokens": 1, "output_tokens": 9, key: 4})
        assert result["output_token_details"] == {"reasoning": 4}, key
