"""Hypothesis settings of the generated differential tests: derandomized in CI (the same
examples every run), ``GENERATED_EXAMPLES=N`` for a deeper search, ``GENERATED_RANDOM=1`` for a
fresh one."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def generated_settings(examples: int) -> settings:
    """Settings for ``examples`` generated cases (unless ``GENERATED_EXAMPLES`` says otherwise)."""
    return settings(
        max_examples=int(os.environ.get("GENERATED_EXAMPLES", str(examples))),
        derandomize=not os.environ.get("GENERATED_RANDOM"),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
