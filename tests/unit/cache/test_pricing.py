"""The cost formula: uncached 1x, cache read 0.1x, write 1.25x (5 min) or 2x (1 h)."""

from __future__ import annotations

import pytest

from langchain_cometapi._wire.usage import Usage
from langchain_cometapi.cache._pricing import input_cost, usage_cost


def test_each_kind_of_token_has_its_price() -> None:
    assert input_cost(1000) == 1000
    assert input_cost(0, read=1000) == pytest.approx(100)
    assert input_cost(0, write_5m=1000) == pytest.approx(1250)
    assert input_cost(0, write_1h=1000) == pytest.approx(2000)


def test_a_reported_usage_is_priced_by_its_split() -> None:
    usage = Usage.parse(
        {
            "input_tokens": 10,
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 300,
            "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200},
            "output_tokens": 7,
        }
    )
    assert usage_cost(usage) == pytest.approx(10 + 100 + 125 + 400)
