"""Fit the undocumented token costs (``tokens._costs.FITTED``) to billed usage, and score.

The estimate is linear in every fitted field, so each request is reduced once to a base
(documented parts: tool-use prompt, images, PDFs; fitted fields at 0) plus one feature per
fitted field (the estimate with that field at 1, minus the base). A fit is then a small
least-absolute-relative-error problem (iteratively reweighted least squares), shrunk
towards the shipped constants so that a project with an unusual shape cannot pull a field
that the other projects barely constrain.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace

from _token_corpus import Case

from langchain_cometapi._models import model_info
from langchain_cometapi.tokens._costs import FITTED, TokenCosts, costs_for, family_costs
from langchain_cometapi.tokens._estimate import request_terms

#: Where a fit starts and what it is shrunk towards: rough physical sizes chosen before
#: looking at the corpus (a role header is a few tokens, a tool's framing a dozen or two),
#: so that a field the training projects barely constrain stays plausible.
PRIOR: dict[str, float] = {
    "json_factor": 1.5,
    "request": 1.0,
    "reply_header": 2.0,
    "message": 4.0,
    "block": 1.0,
    "system": 3.0,
    "tool_definition": 15.0,
    "tool_use": 20.0,
    "tool_result": 10.0,
    "tool_param": 8.0,
    "tool_id": 0.0,
    "thinking_config": 30.0,
    "output_format": 50.0,
}
#: Shrinkage towards PRIOR, per field, worth this many average requests.
RIDGE = 50.0


@dataclass
class Row:
    case: Case
    base: float
    features: list[float]

    def estimate(self, theta: Sequence[float]) -> float:
        return self.base + sum(t * f for t, f in zip(theta, self.features, strict=True))

    def error(self, theta: Sequence[float]) -> float:
        return (self.estimate(theta) - self.case.billed) / self.case.billed


def _total(case: Case, base: TokenCosts) -> float:
    terms = request_terms(case.body, family_costs(base, model_info(case.model).token_family))
    per_message = sum(terms.message + sum(row) for row in terms.messages)
    return terms.overhead + sum(terms.tools) + sum(terms.system) + per_message


def featurize(case: Case) -> Row:
    zero = replace(TokenCosts(), **dict.fromkeys(FITTED, 0.0))
    base = _total(case, zero)
    features = [_total(case, replace(zero, **{name: 1.0})) - base for name in FITTED]
    return Row(case, base, features)


def shipped() -> list[float]:
    """The fitted fields as shipped in the package (the 4.x family's values)."""
    costs = costs_for("claude-sonnet-4-5")
    return [float(getattr(costs, name)) for name in FITTED]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are ~10 x 10)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col and m[r][col]:
                factor = m[r][col] / m[col][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def _weighted_system(
    rows: Sequence[Row], theta: Sequence[float], free: Sequence[int]
) -> tuple[list[list[float]], list[float]]:
    """Normal equations of the reweighted relative-error least squares over ``free`` fields."""
    k = len(free)
    ata = [[0.0] * k for _ in range(k)]
    atb = [0.0] * k
    per_project = Counter(row.case.project for row in rows)
    for row in rows:
        billed = row.case.billed
        # L1 via reweighting; each project's weight grows only with the square root of its
        # size, so one project's many near-identical requests cannot dominate the fit
        weight = 1.0 / max(abs(row.error(theta)), 0.01) / per_project[row.case.project] ** 0.5
        fixed = sum(theta[i] * row.features[i] for i in range(len(theta)) if i not in free)
        x = [row.features[i] / billed for i in free]
        y = (billed - row.base - fixed) / billed
        for i in range(k):
            atb[i] += weight * x[i] * y
            for j in range(k):
                ata[i][j] += weight * x[i] * x[j]
    return ata, atb


def fit(rows: Sequence[Row], rounds: int = 12) -> list[float]:
    """Non-negative parameters minimising the mean absolute relative error (IRLS), shrunk
    towards :data:`PRIOR`; a field the data drive below 0 is pinned at 0 (all are counts)."""
    theta = [PRIOR[name] for name in FITTED]
    free = list(range(len(theta)))
    while True:
        for _ in range(rounds):
            ata, atb = _weighted_system(rows, theta, free)
            for row_index, i in enumerate(free):  # ridge: worth RIDGE average requests
                penalty = RIDGE * ata[row_index][row_index] / max(len(rows), 1)
                ata[row_index][row_index] += penalty
                atb[row_index] += penalty * PRIOR[FITTED[i]]
            for i, value in zip(free, _solve(ata, atb), strict=True):
                theta[i] = value
        negative = [i for i in free if theta[i] < 0]
        if not negative:
            return theta
        for i in negative:
            theta[i] = 0.0
        free = [i for i in free if i not in negative]


def fit_rows(rows: Iterable[Row]) -> list[Row]:
    """The rows a fit learns from: checkable, no media/server tools/MCP (documented parts)."""
    return [
        r
        for r in rows
        if not r.case.excluded and not r.case.kinds & {"media", "server-tools", "mcp"}
    ]


@dataclass
class Score:
    n: int
    mape: float
    within10: float  # share within 10 % among headline rows
    n_headline: int


def score(errors: Sequence[tuple[Case, float]]) -> Score:
    if not errors:
        return Score(0, 0.0, 0.0, 0)
    head = [e for c, e in errors if c.headline]
    within = sum(abs(e) < 0.10 for e in head) / len(head) if head else 0.0
    return Score(len(errors), statistics.fmean(abs(e) for _, e in errors), within, len(head))


def field_names() -> list[str]:
    return [f.name for f in fields(TokenCosts) if f.name in FITTED]
