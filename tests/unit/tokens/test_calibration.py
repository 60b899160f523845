"""The estimator against what the API billed, out of sample (leave one project out).

Reads ../shared/realtraffic and ../shared/conformance at run time through
benchmarks/token_calibration.py (nothing from them is stored here) and skips when they are
absent. It fails when an estimator change makes any model family with enough requests miss
the targets of docs/token-estimation.md on projects the constants were not fitted to, or when
the shipped constants are no longer what the documented fitting procedure produces.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from langchain_cometapi.tokens import _text as _tok_text

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
pytestmark = pytest.mark.skipif(
    not (SHARED / "realtraffic" / "cases").is_dir(), reason="../shared corpora not present"
)


def _calibration() -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    path = ROOT / "benchmarks" / "token_calibration.py"
    spec = importlib.util.spec_from_file_location("token_calibration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("token_calibration", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evaluation() -> Any:
    saved = _tok_text._local_cl100k_file
    _tok_text._local_cl100k_file = lambda: None  # the shipped constants target the fallback
    _tok_text._reset_backend()
    try:
        calibration = _calibration()
        yield calibration, calibration.evaluate(calibration.DEFAULT_DIRS)
    finally:
        _tok_text._local_cl100k_file = saved
        _tok_text._reset_backend()


def test_every_family_meets_the_targets_out_of_sample(evaluation: Any) -> None:
    calibration, ev = evaluation
    targets = calibration.family_targets(ev)
    assert len(targets) >= 5
    for family, (n, mape, within, gap) in targets.items():
        assert mape <= calibration.TARGET_MAPE, (family, n, mape)
        assert within >= calibration.TARGET_WITHIN, (family, n, within)
        assert gap < 0.02, (family, n, gap)


def test_shipped_constants_are_the_fit_on_the_tuning_projects(evaluation: Any) -> None:
    calibration, ev = evaluation
    fit_module = sys.modules["_token_fit"]
    for name, refit, shipped in zip(
        calibration.FITTED, ev.theta_all, fit_module.shipped(), strict=True
    ):
        assert shipped == pytest.approx(refit, rel=0.02, abs=0.05), name


def test_holdout_projects_never_reach_a_fit(evaluation: Any) -> None:
    _, ev = evaluation
    assert ev.holdout and not ev.holdout & {c.project for c in ev.tuning_cases}
    assert set(ev.insample) == {c.name for c in ev.tuning_cases}


def _text_share(case: Any) -> float:
    """Share of the estimate that is text (prose, code, tool descriptions) for ``case``."""
    from dataclasses import replace

    from langchain_cometapi.tokens._costs import costs_for
    from langchain_cometapi.tokens._estimate import request_terms

    def total(costs: Any) -> float:
        terms = request_terms(case.body, costs)
        per_message = sum(terms.message + sum(row) for row in terms.messages)
        return terms.overhead + sum(terms.tools) + sum(terms.system) + per_message

    costs = costs_for(case.model)
    full = total(costs)
    return 1.0 - total(replace(costs, text_factor=0.0)) / full if full else 0.0


def test_prose_heavy_requests_are_not_underestimated_out_of_sample(evaluation: Any) -> None:
    """Requests made mostly of text (long instructions, documents as text) are a minority of
    the recorded traffic but the bulk of some projects': their mean error, leave one project
    out, must not lean to one side (a text factor fitted on tool-heavy requests put them 5 %
    under)."""
    _, ev = evaluation
    excluded = {"media", "server-tools", "mcp"}
    prose = [
        c
        for c in ev.tuning_cases
        if c.billed >= 150 and not c.kinds & excluded and _text_share(c) > 0.6
    ]
    assert len(prose) >= 30
    bias = sum(ev.lopo[c.name] for c in prose) / len(prose)
    assert abs(bias) < 0.03, bias
