"""What would change the conclusion: measurement choices and thresholds, and the verdict under each.

Two views. `choices_frame`: per claim, the rule rerun under each alternative measurement choice the
reviewer could make (lag measure, footing, bound of a range, sample required) or a different reading
of a threshold, with the verdict it gives. `flips`: for every test whose threshold is a parameter,
the exact threshold value at which the test flips and the verdict then.

Why: a verdict that rests on a threshold ("within months" read as twelve months) is only as firm as
that reading. For every test whose threshold is a parameter of this chapter, the flip point is the
tested result itself: move the threshold past it and the test changes outcome. The rule is then
rerun with the moved threshold, so the page can say not only where a test flips but what the
claim's verdict becomes (a test that flips does not always move the verdict).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
from pydantic import ValidationError

from ..formatting import fmt
from ..params_base import describe
from .evidence import Evidence
from .params import Params
from .report import VERDICT_LABEL
from .rules import Check, Verdict, assess_claim

#: Relative nudge past the flip point, so that strict and non-strict tests both change outcome.
_EPS = 1e-6


@dataclass(frozen=True)
class Flip:
    """One threshold test and where it flips."""

    claim: str
    label: str
    parameter: str
    now: float            # the parameter's current value (the threshold)
    flips_at: float       # the tested result: the threshold value at which the test changes outcome
    side: str             # "below" or "above": where the threshold must move for the test to flip
    verdict_now: str
    verdict_after: str | None  # None: the parameter cannot take that value (out of its bounds)

    @property
    def moves_verdict(self) -> bool:
        return self.verdict_after is not None and self.verdict_after != self.verdict_now

    @property
    def distance(self) -> float:
        """How far the threshold must move, as a ratio (1 = already at the flip point)."""
        a, b = abs(self.now), abs(self.flips_at)
        if a == 0 or b == 0:
            return math.inf
        return max(a, b) / min(a, b)


def param_text(name: str, value: float) -> str:
    """A parameter value with its unit, as the prose writes it ("27% a year", "×2 a year")."""
    owner = owner_params(name)
    unit = {i.name: i.unit for i in describe(owner or Params)}.get(name.partition(".")[2] if owner else name, "")
    if unit == "fraction per year":
        return f"{fmt(value, sig=2, pct=True)} a year"
    if unit.startswith("fraction"):
        return fmt(value, sig=2, pct=True)
    if unit == "multiplier per year":
        return f"×{fmt(value, sig=2)} a year"
    if unit == "tokens per year":
        return f"{fmt(value, sig=2)} tokens a year"
    if unit.startswith("%"):
        return f"{fmt(value, sig=2)}% per point"
    if unit.startswith("percentile"):
        return f"percentile {fmt(value, sig=2)}"
    if unit == "months":
        return fmt(value, sig=2, unit="months")
    return fmt(value, sig=2)


def _flip_point(c: Check) -> tuple[float, str, float] | None:
    """(flip point, side, moved threshold) for a threshold test with a numeric result, else None."""
    if c.parameter is None or c.threshold is None or c.passed is None or c.direction is None:
        return None
    if not isinstance(c.value, (int, float)) or isinstance(c.value, bool) or not math.isfinite(c.value):
        return None
    x = abs(float(c.value)) if c.direction == "abs_ge" else float(c.value)
    at_most = c.direction == "le"  # the test passes when the result is at most the threshold
    # a passing "at most" test fails once the threshold drops below the result; a failing one passes
    # once it reaches the result; and the mirror image for "at least" tests
    side = ("below" if c.passed else "above") if at_most else ("above" if c.passed else "below")
    moved = x * (1 - _EPS) if side == "below" else x * (1 + _EPS)
    if x == 0:
        moved = -_EPS if side == "below" else _EPS
    if Params.model_fields[c.parameter].annotation is int:
        # a count moves to the nearest whole number that flips the test: "at least n" passes from n = x
        # down (floor x) and fails from floor x + 1 up; "at most n" fails below ceil x and passes from it
        if at_most:
            moved = math.ceil(x) - 1 if side == "below" else math.ceil(x)
        else:
            moved = math.floor(x) if side == "below" else math.floor(x) + 1
    return x, side, moved


def flips(verdicts: list[Verdict], ev: Evidence, p: Params) -> list[Flip]:
    """Every threshold test of this chapter's parameters, with its flip point and the verdict after."""
    out = []
    for v in verdicts:
        for c in v.checks:
            point = _flip_point(c)
            if point is None:
                continue
            x, side, moved = point
            try:
                q = Params(**{**p.model_dump(), c.parameter: moved})
            except (ValidationError, ValueError):
                after = None
            else:
                after = assess_claim(v.claim, ev, q).verdict
            out.append(Flip(v.claim.id, c.label or c.metric, c.parameter, float(getattr(p, c.parameter)), x, side,
                            v.verdict, after))
    return out


def nearest(found: list[Flip]) -> Flip | None:
    """The flip that moves a verdict with the smallest change of its threshold."""
    movers = [f for f in found if f.moves_verdict]
    return min(movers, key=lambda f: f.distance) if movers else None


def flips_table(found: list[Flip]) -> pd.DataFrame:
    """The flips as the page shows them, nearest first."""
    rows = sorted(found, key=lambda f: f.distance)
    return pd.DataFrame({
        "claim": [f.claim for f in rows],
        "test": [f.label for f in rows],
        "threshold now": [param_text(f.parameter, f.now) for f in rows],
        "parameter": [f.parameter for f in rows],
        "flips at": [f"{f.side} {param_text(f.parameter, f.flips_at)}" for f in rows],
        "verdict then": ["cannot (out of bounds)" if f.verdict_after is None else
                         (VERDICT_LABEL[f.verdict_after] if f.moves_verdict else
                          f"still {VERDICT_LABEL[f.verdict_now]}") for f in rows],
    }, columns=["claim", "test", "threshold now", "parameter", "flips at", "verdict then"])


#: The `_txt` keys `glue_flips` always glues (the notebook test checks the prose uses no other).
GLUED_KEYS = ("flip_tests", "flip_movers", "nearest_claim", "nearest_parameter", "nearest_test", "nearest_now",
              "nearest_flips_at", "nearest_verdict_now", "nearest_verdict_after", "nearest_distance")


def flips_html(found: list[Flip]) -> str:
    """`flips_table` as HTML narrow enough for a 700-px column: the parameter's name (what a reader
    passes to `--set claims.<name>=...`) in small code under its value, not in a column of its own."""
    import html

    table = flips_table(found)
    rows = sorted(found, key=lambda f: f.distance)
    body = "".join(
        f"<tr><td>{html.escape(r['claim'])}</td><td>{html.escape(r['test'])}</td>"
        f"<td>{html.escape(param_text(f.parameter, f.now))}<br><small><code>{html.escape(f.parameter)}</code></small></td>"
        f"<td>{html.escape(r['flips at'])}</td><td>{html.escape(r['verdict then'])}</td></tr>"
        for f, (_, r) in zip(rows, table.iterrows()))
    return ('<table class="tf-table"><thead><tr><th>claim</th><th>test</th><th>threshold now (parameter)</th>'
            f"<th>flips at</th><th>verdict then</th></tr></thead><tbody>{body}</tbody></table>")


# --------------------------------------------------------------------------------------------------
# Measurement choices

@dataclass(frozen=True)
class Choice:
    """An alternative a reviewer could make: results read in place of others (`subs`: target metric
    <- source metric), parameters changed (`params`), or a threshold another chapter owns set to
    another value (`values`)."""

    label: str
    subs: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    #: results set to another value (a threshold another chapter owns, read differently: metric -> value)
    values: dict[str, Any] = field(default_factory=dict)
    #: facts from data/ replaced under the choice: a function of the current facts
    facts: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def _reference_from_custom(which: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The reference workload set to the smallest or largest volume stated by a company with custom chips."""
    def fn(facts: dict[str, Any]) -> dict[str, Any]:
        vols = facts.get("custom_chip_volumes") or {}
        if not vols:
            return {"reference_tokens_per_year": None}
        pick = (min if which == "smallest" else max)(vols, key=vols.get)
        return {"reference_tokens_per_year": vols[pick], "reference_name": f"{pick} (all its stated tokens)"}
    return fn


_G, _T, _F = "compute_gap.", "inference_tax.", "flywheel."

CHOICES: dict[str, tuple[Choice, ...]] = {
    "C1": (Choice("lag measure: averaged over time since the window's start (counts the sawtooth)",
                  {_G + "open_lag_months_epoch_footing": _G + "open_lag_months_average"}),
           Choice("lag measure: averaged over time on Epoch AI's window",
                  {_G + "open_lag_months_epoch_footing": _G + "lag_epoch_2025_time_months"}),
           Choice("lag measure: today's point lag", {_G + "open_lag_months_epoch_footing": _G + "current_lag_months"}),
           Choice("lag measure: the oldest unmatched closed model (a lower bound)",
                  {_G + "open_lag_months_epoch_footing": _G + "unmatched_lag_months"}),
           Choice("lag measure: the latest completed catch-up",
                  {_G + "open_lag_months_epoch_footing": _G + "open_lag_months_latest"}),
           Choice("match tolerance: the widest tested (point lag)",
                  {_G + "open_lag_months_epoch_footing": _G + "tol_current_max"}),
           Choice("'within months' read as half a year", params={"catch_up_months_max": 6.0}),
           Choice("'within months' read as two years", params={"catch_up_months_max": 24.0})),
    "C2": (Choice("significance level 0.10 (the power as simulated at the chapter's level)",
                  values={_G + "window_trend_alpha": 0.10}),
           Choice("power required: one chance in two", values={_G + "window_power_target": 0.5}),
           Choice("power not required (a non-significant test read as evidence against)",
                  values={_G + "window_power_target": 0.01})),
    "C3": (Choice("gap measured as the lag in months, not the compute ratio",
                  {_G + "training_compute_closed_open_ratio": _G + "training_compute_open_lag_months",
                   _G + "training_compute_ratio_low": _G + "training_compute_open_lag_low",
                   _G + "training_compute_ratio_high": _G + "training_compute_open_lag_high",
                   _G + "training_compute_ratio_at_epoch": _G + "training_compute_lag_at_epoch_months"}),
           Choice("capex growth over the long window", {_G + "capex_cagr_recent": _G + "capex_cagr"}),
           Choice("capex of the closed-weights spenders only (the open-weights spender apart)",
                  {_G + "capex_cagr_recent": _G + "capex_others_cagr_recent"}),
           Choice("capex growth threshold doubled", params={"capex_growth_min": 0.40})),
    "C4": (Choice("footing: the calibrated cost model instead of measurements",
                  {_T + "cheapest_accelerator_measured": _T + "cheapest_accelerator_model"}),
           Choice("two accelerators suffice to name the cheapest", values={_T + "min_accelerators_compared": 2})),
    "C6": (Choice("margin: the point estimate", {_T + "tax_share_gpu_low": _T + "tax_share_gpu",
                                                 _T + "tax_share_gpu_high": _T + "tax_share_gpu"}),
           Choice("margin: the company-wide gross margin (low bound) only",
                  {_T + "tax_share_gpu_high": _T + "tax_share_gpu_low"}),
           Choice("margin: the product-level estimate (high bound) only",
                  {_T + "tax_share_gpu_low": _T + "tax_share_gpu_high"}),
           Choice("'material' read as half the cost", params={"tax_share_material": 0.5})),
    "C7": (Choice("break-even counting output tokens only",
                  {_T + "breakeven_total_tokens_per_year": _T + "breakeven_tokens_per_year"}),
           Choice("reference workload: the smallest volume stated by a company with custom chips",
                  facts=_reference_from_custom("smallest")),
           Choice("reference workload: the largest volume stated by a company with custom chips",
                  facts=_reference_from_custom("largest")),
           Choice("one company at scale suffices", params={"min_companies_at_scale": 1}),
           Choice("three companies at scale needed", params={"min_companies_at_scale": 3})),
    "C8": (Choice("one publisher of measured serving runs suffices", params={"min_hardware_sources": 1}),
           Choice("one operator suffices", params={"min_operators": 1}),
           Choice("one operator suffices and 'far below' read as under nine tenths of peak",
                  params={"min_operators": 1, "far_below_peak_max": 0.9})),
    "C9": (Choice("three comparison durations suffice", values={"tapeout.min_programs_typical": 3}),
           Choice("'exceptional' read as the fastest quarter", params={"exceptional_percentile": 25.0})),
    "C11": (Choice("merchant cadence: the median of all families, not NVIDIA's architectures",
                   {_F + "crossover_month": _F + "crossover_at_all_family_cycle",
                    _F + "cumulative_advantage_y5_usd_bn": _F + "advantage_at_all_family_cycle_usd_bn"}),
            Choice("horizon of three years", values={_F + "report_month": 36.0}),
            Choice("horizon of eight years", values={_F + "report_month": 96.0}),
            Choice("premise tolerance halved", params={"premise_tolerance": 0.125})),
}


def apply_choice(ev: Evidence, p: Params, choice: Choice) -> tuple[Evidence, Params, list[str]]:
    """The evidence and parameters under a choice, and the source metrics it lacks."""
    lacking = [src for src in choice.subs.values() if src not in ev.values]
    ev2 = ev.with_values({**{t: ev.values[s] for t, s in choice.subs.items() if s in ev.values}, **choice.values})
    if choice.facts is not None:
        ev2 = ev2.with_facts(choice.facts(dict(ev.facts)))
    return ev2, Params(**{**p.model_dump(), **choice.params}), lacking


def choices_frame(verdicts: list[Verdict], ev: Evidence, p: Params) -> pd.DataFrame:
    """Per claim: the verdict as the rule reads the evidence, then under each alternative choice."""
    rows = []
    for v in verdicts:
        rows.append({"claim": v.claim.id, "choice": "as the rule reads it (default)", "verdict": v.verdict,
                     "default": True, "moves": False})
        for c in CHOICES.get(v.claim.id, ()):
            ev2, p2, lacking = apply_choice(ev, p, c)
            if lacking:
                rows.append({"claim": v.claim.id, "choice": c.label, "default": False, "moves": False,
                             "verdict": "cannot tell: result missing (" + ", ".join(lacking) + ")"})
                continue
            after = assess_claim(v.claim, ev2, p2).verdict
            rows.append({"claim": v.claim.id, "choice": c.label, "verdict": after, "default": False,
                         "moves": after != v.verdict})
    return pd.DataFrame(rows, columns=["claim", "choice", "verdict", "default", "moves"])


def claim_choices(frame: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The rows of one claim (for its section of the page)."""
    return frame[frame["claim"] == claim_id].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# A live control: move one threshold by steps and see which verdicts flip (precomputed here)

#: The thresholds the page's control moves: a label, and how one step moves it ("add" a fixed amount,
#: or "mul" by a factor). Values outside a parameter's allowed range are left out of the grid.
THRESHOLD_STEPS: dict[str, tuple[str, str, float]] = {
    "catch_up_months_max": ("C1: 'within months' (months)", "add", 2.5),
    "compute_gap.window_trend_alpha": ("C2: significance level", "add", 0.01),
    "compute_gap.window_power_target": ("C2: power required", "add", 0.1),
    "capex_growth_min": ("C3: capex growth that 'pulls away' (a year)", "add", 0.05),
    "tax_share_material": ("C6: margin share that is 'material'", "add", 0.05),
    "min_companies_at_scale": ("C7: companies at scale needed", "add", 1.0),
    "far_below_peak_max": ("C8: use 'far below the peak' (share of peak)", "add", 0.1),
    "min_operators": ("C8: operators needed", "add", 1.0),
    "tapeout.min_programs_typical": ("C9: comparison durations needed", "add", 1.0),
    "exceptional_percentile": ("C9: 'exceptional' percentile", "add", 5.0),
    "flywheel.report_month": ("C11: horizon to overtake (months)", "add", 12.0),
    "premise_tolerance": ("C11: premise tolerance against the TPU", "add", 0.05),
}
def owner_params(name: str) -> type | None:
    """For a threshold another chapter owns ("chapter.key", published under its parameter's name), the
    owner's parameter model (its bounds and unit are the only ones); None for a threshold of this chapter."""
    if "." not in name:
        return None
    import importlib

    chapter, _, key = name.partition(".")
    model = importlib.import_module(f"tokenfactory.{chapter}.params").Params
    if key not in model.model_fields:
        raise ValueError(f"{name}: {chapter} has no parameter {key!r}")
    return model


#: Steps each way from the page's setting.
GRID_STEPS = 4


def threshold_grid(verdicts: list[Verdict], ev: Evidence, p: Params, steps: int = GRID_STEPS,
                   thresholds: dict[str, tuple[str, str, float]] | None = None) -> pd.DataFrame:
    """For each threshold and each step k in -steps..steps from the page's setting: the threshold's
    value and every claim's verdict under it (the rules rerun), whether it differs from the page's
    verdict, and how many verdicts flip. Steps whose value the parameter does not allow are left out.
    Columns: parameter, label, step, value, value_text, claim, title, verdict, verdict_now, flipped,
    n_flips."""
    rows = []
    for name, (label, how, size) in (thresholds or THRESHOLD_STEPS).items():
        owner = owner_params(name)
        key = name.partition(".")[2]
        if owner is not None:  # a threshold another chapter owns: its result is set, not a parameter here
            now = ev.number(name)
            if now is None:
                continue
            now = int(round(now)) if owner.model_fields[key].annotation is int else now
        else:
            now = getattr(p, name)
        for k in range(-steps, steps + 1):
            value = now + k * size if how == "add" else now * size ** k
            if isinstance(now, int) and not isinstance(now, bool):
                value = int(round(value))
            else:
                value = round(float(value), 10)
            ev2, p2 = ev, p
            if owner is not None:
                try:  # the values the owner's parameter allows (its own bounds and checks)
                    owner(**{key: value})
                except (ValidationError, ValueError):
                    continue
                ev2 = ev.with_values({name: value})
            else:
                try:
                    p2 = Params(**{**p.model_dump(), name: value})
                except ValidationError:
                    continue
            got = [assess_claim(v.claim, ev2, p2) for v in verdicts] if k else list(verdicts)
            n = sum(g.verdict != v.verdict for g, v in zip(got, verdicts))
            for g, v in zip(got, verdicts):
                rows.append({"parameter": name, "label": label, "step": k, "value": float(value),
                             "value_text": param_text(name, float(value)), "claim": v.claim.id,
                             "title": v.claim.title, "verdict": g.verdict, "verdict_now": v.verdict,
                             "flipped": g.verdict != v.verdict, "n_flips": n})
    return pd.DataFrame(rows, columns=["parameter", "label", "step", "value", "value_text", "claim", "title",
                                       "verdict", "verdict_now", "flipped", "n_flips"])


def flip_summary(grid: pd.DataFrame, parameter: str, step: int) -> tuple[str, int, list[str]]:
    """The threshold's value in words, how many verdicts flip, and which claims, at one grid point."""
    g = grid[(grid["parameter"] == parameter) & (grid["step"] == step)]
    if g.empty:
        raise ValueError(f"{parameter} at step {step}: not in the grid (allowed parameters: "
                         f"{', '.join(sorted(grid['parameter'].unique()))})")
    return str(g["value_text"].iloc[0]), int(g["n_flips"].iloc[0]), list(g.loc[g["flipped"], "claim"])
