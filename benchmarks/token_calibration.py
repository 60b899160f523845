"""How far the offline token estimate is from what the API billed, out of sample.

Run: ``.venv/bin/python benchmarks/token_calibration.py [--dir DIR ...] [--worst N]``

Reads recorded real requests from ``../shared/realtraffic/cases`` and
``../shared/conformance/cases`` at run time (nothing is copied into the repository).
Billed = input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
Left out: error responses, bodies with elided strings, and responses where the server ran
tools itself (their usage sums several internal model calls).

Figures, per model family and per request kind:
- ``shipped``: the package as it is (its constants were fitted on all tuning projects);
- ``in-sample``: refit on all tuning projects, scored on them;
- ``LOPO``: leave-one-project-out, the headline: for each tuning project, refit the
  undocumented constants (``tokens._costs.FITTED``) on every other tuning project and score
  on it;
- ``holdout``: projects set aside by a fixed rule before any tuning (``HOLDOUT_COUNT``
  first names by SHA-256), scored with the shipped constants.
``head`` columns: requests billed >= 300 with text and custom tools only (no images,
documents, server tools or MCP): MAPE and share within 10 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _token_corpus import DEFAULT_DIRS, Case, holdout_projects, load_cases
from _token_fit import Row, featurize, fit, fit_rows, shipped

from langchain_cometapi.tokens import _text
from langchain_cometapi.tokens._costs import FITTED

Errors = dict[str, float]  # case name -> relative error
TARGET_MAPE, TARGET_WITHIN, MIN_FAMILY = 0.07, 0.85, 30


def lopo_errors(rows: Sequence[Row]) -> Errors:
    """Leave-one-project-out: each project scored by a fit on all the others."""
    out: Errors = {}
    learn = fit_rows(rows)
    for project in sorted({r.case.project for r in rows}):
        theta = fit([r for r in learn if r.case.project != project])
        for r in rows:
            if r.case.project == project:
                out[r.case.name] = r.error(theta)
    return out


def _stats(cases: Sequence[Case], errors: Errors) -> tuple[int, float, int, float, float]:
    """n, MAPE, headline n, headline MAPE, headline share within 10 %."""
    errs = [abs(errors[c.name]) for c in cases if c.name in errors]
    head = [abs(errors[c.name]) for c in cases if c.name in errors and c.headline]
    mape = statistics.fmean(errs) if errs else float("nan")
    head_mape = statistics.fmean(head) if head else float("nan")
    within = sum(e < 0.10 for e in head) / len(head) if head else float("nan")
    return len(errs), mape, len(head), head_mape, within


def _table(title: str, groups: dict[str, list[Case]], columns: dict[str, Errors]) -> None:
    print(f"\n{title}")
    header = f"{'group':<22}{'n':>5}{'head':>5}"
    for name in columns:
        header += f" | {name + ' MAPE':>15} {'head':>6} {'<10%':>5}"
    print(header)
    for group, cases in sorted(groups.items()):
        n, _, nh, _, _ = _stats(cases, next(iter(columns.values())))
        line = f"{group:<22}{n:>5}{nh:>5}"
        for errors in columns.values():
            _, mape, _, hm, within = _stats(cases, errors)
            line += f" | {100 * mape:>14.1f}% {100 * hm:>5.1f}% {100 * within:>4.0f}%"
        print(line)


def _groups(cases: Sequence[Case], key: Callable[[Case], Sequence[str]]) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        for name in key(case):
            out[name].append(case)
        out["ALL"].append(case)
    return out


@dataclass
class Evaluation:
    """Every figure the report prints, as relative errors per case name."""

    cases: list[Case]
    holdout: set[str]
    theta_all: list[float]
    shipped: Errors
    insample: Errors
    lopo: Errors

    @property
    def tuning_cases(self) -> list[Case]:
        return [c for c in self.cases if c.project not in self.holdout and c.name in self.shipped]

    @property
    def holdout_cases(self) -> list[Case]:
        return [c for c in self.cases if c.project in self.holdout and c.name in self.shipped]


def evaluate(dirs: Sequence[Path]) -> Evaluation:
    cases = load_cases(dirs)
    held = holdout_projects(cases)
    rows = [featurize(c) for c in cases if not c.excluded]
    tuning = [r for r in rows if r.case.project not in held]
    theta_all = fit(fit_rows(tuning))
    base = shipped()
    return Evaluation(
        cases=cases,
        holdout=held,
        theta_all=theta_all,
        shipped={r.case.name: r.error(base) for r in rows},
        insample={r.case.name: r.error(theta_all) for r in tuning},
        lopo=lopo_errors(tuning),
    )


def family_targets(ev: Evaluation) -> dict[str, tuple[int, float, float, float]]:
    """Per family with >= MIN_FAMILY headline requests: n, LOPO MAPE, LOPO share within
    10 %, and the largest gap between the in-sample and LOPO figures (all on headline rows)."""
    out = {}
    for family, group in _groups(ev.tuning_cases, lambda c: [c.family]).items():
        _, _, nh, hm, within = _stats(group, ev.lopo)
        if nh >= MIN_FAMILY:
            _, _, _, hm_in, within_in = _stats(group, ev.insample)
            out[family] = (nh, hm, within, max(abs(hm - hm_in), abs(within - within_in)))
    return out


def _print_header(ev: Evaluation, elapsed: float) -> None:
    excluded: dict[str, int] = defaultdict(int)
    for c in ev.cases:
        excluded[c.excluded or "checked"] += 1
    print(f"text backend: {_text.backend_name()}   ({elapsed:.1f} s)")
    print(f"cases with usage: {len(ev.cases)}  {dict(excluded)}")
    print(f"projects: {len({c.project for c in ev.cases})}, holdout: {sorted(ev.holdout)}")
    refit = zip(FITTED, ev.theta_all, strict=True)
    print("refit on all tuning projects: " + ", ".join(f"{n}={v:.3g}" for n, v in refit))
    ship = zip(FITTED, shipped(), strict=True)
    print("shipped:                      " + ", ".join(f"{n}={v:.3g}" for n, v in ship))


def _print_worst(ev: Evaluation, count: int) -> None:
    print(f"\nworst {count} LOPO cases:")
    for case in sorted(ev.tuning_cases, key=lambda c: -abs(ev.lopo[c.name]))[:count]:
        print(
            f"  {100 * ev.lopo[case.name]:+7.1f}% billed {case.billed:>7}  {case.model:<28} "
            f"{'+'.join(sorted(case.kinds)):<18} {case.project}: {case.name[:50]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append", help="case folder (repeatable)")
    parser.add_argument("--worst", type=int, default=12, help="worst LOPO cases to list")
    parser.add_argument("--no-holdout", action="store_true", help="do not score the holdout")
    args = parser.parse_args(argv)
    dirs = args.dir or [d for d in DEFAULT_DIRS if d.is_dir()]
    if not dirs:
        print("no case folders found (../shared absent)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    ev = evaluate(dirs)
    _print_header(ev, time.perf_counter() - started)
    columns = {"shipped": ev.shipped, "in-sample": ev.insample, "LOPO": ev.lopo}
    tune = ev.tuning_cases
    _table("TUNING projects, by model family", _groups(tune, lambda c: [c.family]), columns)
    _table("TUNING projects, by request kind", _groups(tune, lambda c: sorted(c.kinds)), columns)
    if not args.no_holdout:
        hold, cols = ev.holdout_cases, {"holdout": ev.shipped}
        _table("HOLDOUT (shipped constants), by family", _groups(hold, lambda c: [c.family]), cols)
        _table("HOLDOUT, by request kind", _groups(hold, lambda c: sorted(c.kinds)), cols)
    _print_worst(ev, args.worst)
    print(f"\ntargets (LOPO, headline rows, families with >= {MIN_FAMILY} of them):")
    ok = True
    for family, (n, mape, within, gap) in sorted(family_targets(ev).items()):
        good = mape <= TARGET_MAPE and within >= TARGET_WITHIN and gap < 0.02
        ok &= good
        print(
            f"  {family:<22} n={n:<4} MAPE {100 * mape:4.1f}%  within 10% {100 * within:3.0f}%"
            f"  in-sample gap {100 * gap:3.1f} pt  {'ok' if good else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
