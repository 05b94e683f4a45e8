"""Verdict rules: one pure function per claim, from the chapters' results to a verdict.

Why rules in code rather than verdicts in prose: a verdict must follow from the evidence, change
when the evidence changes (another scenario, new data) and say which number decided it. Each rule
returns its checks (metric, value, test, passed) and a verdict:

- supported: every test the claim implies passes;
- partly supported: some pass, or the evidence is weaker than the claim;
- not supported: the tests fail;
- self-reported: the claim rests on a company's own statement and the independent evidence does not
  contradict it (applied in `assess` from the ledger's `self_reported` flag);
- not assessed: the evidence is missing (the page was run without the other chapters' results).

The thresholds are the parameters of this chapter (params.py): each reads a phrase of the claim as
a number, and the page states them beside the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..nb import fmt
from .evidence import MISSING, Evidence
from .ledger import Claim, Ledger
from .params import Params

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
SELF_REPORTED = "self-reported"
NOT_ASSESSED = "not assessed"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, SELF_REPORTED, NOT_ASSESSED)


@dataclass(frozen=True)
class Check:
    """One test of a claim: the metric, its value, the test and its outcome (None: no evidence)."""

    metric: str
    value: Any
    test: str
    passed: bool | None
    note: str = ""
    #: for the margin chart: the threshold and whether the value must be at most ("le") or at least
    #: ("ge") it; None where the test is not a threshold (a sign, a range)
    threshold: float | None = None
    direction: str | None = None
    #: the parameter of this chapter that sets the threshold (None: the threshold is fixed, or is
    #: another chapter's result), so that the page can say which assumption would flip the test
    parameter: str | None = None
    #: a short name of the tested quantity, for charts and tables ("open-model lag")
    label: str = ""

    def margin(self) -> float | None:
        """How far the value is from flipping the test, as a ratio (> 1: passes with room to spare)."""
        v = abs(self.value) if isinstance(self.value, (int, float)) and self.direction == "abs_ge" else self.value
        if self.threshold is None or not isinstance(v, (int, float)) or v <= 0 or self.threshold <= 0:
            return None
        return self.threshold / v if self.direction == "le" else v / self.threshold


@dataclass(frozen=True)
class Outcome:
    """What a rule decides from the evidence alone (before the self-reported label)."""

    verdict: str
    rule: str
    checks: tuple[Check, ...]
    reason: str


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict as the page shows it."""

    claim: Claim
    verdict: str
    independent: str
    rule: str
    checks: tuple[Check, ...]
    reason: str


@dataclass(frozen=True)
class Rule:
    claim_id: str
    reads: tuple[str, ...]
    fn: Callable[[Evidence, Params], Outcome] = field(repr=False)


RULES: dict[str, Rule] = {}


def rule(claim_id: str, *reads: str) -> Callable[[Callable[[Evidence, Params], Outcome]], Callable[[Evidence, Params], Outcome]]:
    """Register the rule of a claim with the metrics it reads (checked against the ledger in tests)."""

    def deco(fn: Callable[[Evidence, Params], Outcome]) -> Callable[[Evidence, Params], Outcome]:
        RULES[claim_id] = Rule(claim_id, tuple(reads), fn)
        return fn

    return deco


def combine(checks: list[Check] | tuple[Check, ...]) -> str:
    """All tests pass: supported; some pass (or some lack evidence): partly; none pass: not
    supported; no evidence at all: not assessed."""
    known = [c.passed for c in checks if c.passed is not None]
    if not known:
        return NOT_ASSESSED
    if all(known):
        return SUPPORTED if len(known) == len(checks) else PARTLY
    return PARTLY if any(known) else NOT_SUPPORTED


def _v(x: Any, unit: str = "", pct: bool = False) -> str:
    return "missing" if x is None or x is MISSING else fmt(x, sig=2, unit=unit, pct=pct)


def _reason(checks: list[Check]) -> str:
    parts = []
    for c in checks:
        mark = {True: "passes", False: "fails", None: "no evidence"}[c.passed]
        parts.append(f"{c.note or c.metric} ({mark})")
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------------------------------
# The model gap (compute_gap)

@rule("C1", "compute_gap.open_lag_months_latest", "compute_gap.open_lag_trend_months_per_year",
      "compute_gap.lag_trend_high")
def c1(ev: Evidence, p: Params) -> Outcome:
    lag = ev.number("compute_gap.open_lag_months_latest")
    trend = ev.number("compute_gap.open_lag_trend_months_per_year")
    high = ev.number("compute_gap.lag_trend_high")
    shrinking = None if trend is None else (trend < 0 and (high is None or high < 0))
    interval = "" if high is None else f" (interval up to {_v(high)})"
    checks = [
        Check("compute_gap.open_lag_months_latest", lag, f"≤ {_v(p.catch_up_months_max, 'months')}",
              None if lag is None else lag <= p.catch_up_months_max,
              f"open models' latest catch-up lag is {_v(lag, 'months')}", p.catch_up_months_max, "le",
              "catch_up_months_max", "open-model lag"),
        Check("compute_gap.open_lag_trend_months_per_year", trend, "< 0, interval below 0 (lag shrinking)", shrinking,
              f"the lag changes by {_v(trend, 'months per year')}{interval}", label="trend of the lag"),
    ]
    rule_text = (f"Supported if open models' latest lag is at most {_v(p.catch_up_months_max, 'months')} "
                 "and the lag is shrinking (a negative trend whose interval, where the chapter gives one, "
                 "excludes zero); partly if one holds.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


def _window_note(change: float | None, high: float | None) -> str:
    """The fitted change of leadership windows, with the top of its interval signed: a fit of a few
    windows can point down while its interval reaches far up, and the reader should see both."""
    text = f"the fit has leadership windows change by {_v(change, pct=True)} a year"
    if high is not None:
        text += f", with an interval reaching {'+' if high > 0 else ''}{_v(high, pct=True)}"
    return text


@rule("C2", "compute_gap.window_change", "compute_gap.window_p", "compute_gap.window_change_high")
def c2(ev: Evidence, p: Params) -> Outcome:
    change = ev.number("compute_gap.window_change")
    pval = ev.number("compute_gap.window_p")
    shorter = None if change is None else change < 0
    shown = None if (pval is None or change is None) else (change < 0 and pval < p.window_trend_alpha)
    checks = [
        Check("compute_gap.window_change", change, "< 0 (windows shortening)", shorter,
              _window_note(change, ev.number("compute_gap.window_change_high")), label="change of leadership windows"),
        Check("compute_gap.window_p", pval, f"< {_v(p.window_trend_alpha)}", shown,
              f"the rank test's p-value is {_v(pval)}", p.window_trend_alpha, "le", "window_trend_alpha",
              "p-value of the shortening"),
    ]
    if shorter is None:
        verdict = NOT_ASSESSED
    elif not shorter:
        verdict = NOT_SUPPORTED
    else:
        verdict = SUPPORTED if shown else PARTLY
    rule_text = (f"Supported if leadership windows shorten over time with a p-value below "
                 f"{_v(p.window_trend_alpha)}; partly if they shorten but the small sample cannot "
                 "tell it from chance; not supported if they do not shorten.")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C3", "compute_gap.capex_cagr", "compute_gap.training_compute_growth_per_year")
def c3(ev: Evidence, p: Params) -> Outcome:
    capex = ev.number("compute_gap.capex_cagr")
    comp = ev.number("compute_gap.training_compute_growth_per_year")
    checks = [
        Check("compute_gap.capex_cagr", capex, f"≥ {_v(p.capex_growth_min, pct=True)} a year",
              None if capex is None else capex >= p.capex_growth_min,
              f"the hyperscalers' capex grows {_v(capex, pct=True)} a year", p.capex_growth_min, "ge",
              "capex_growth_min", "capex growth"),
        Check("compute_gap.training_compute_growth_per_year", comp, f"≥ ×{_v(p.compute_growth_min)} a year",
              None if comp is None else comp >= p.compute_growth_min,
              f"frontier training compute grows ×{_v(comp)} a year", p.compute_growth_min, "ge",
              "compute_growth_min", "training-compute growth"),
    ]
    rule_text = (f"Supported if capital spending grows at least {_v(p.capex_growth_min, pct=True)} a year and "
                 f"frontier training compute at least ×{_v(p.compute_growth_min)} a year; partly if one does. "
                 "Measures the leaders' growth; the followers' spending is not in the data.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


# --------------------------------------------------------------------------------------------------
# The inference tax (inference_tax)

@rule("C4", "inference_tax.cost_per_mtok_gpu_usd", "inference_tax.cost_per_mtok_asic_usd", "inference_tax.mc_p10_usd")
def c4(ev: Evidence, p: Params) -> Outcome:
    gpu = ev.number("inference_tax.cost_per_mtok_gpu_usd")
    asic = ev.number("inference_tax.cost_per_mtok_asic_usd")
    p10 = ev.number("inference_tax.mc_p10_usd")
    low = p10 if p10 is not None else gpu
    consistent = None if (asic is None or low is None) else asic >= low
    checks = [
        Check("inference_tax.cost_per_mtok_asic_usd", asic, f"≥ {_v(low, 'USD')} (GPU, P10)", consistent,
              f"the modeled custom chip costs {_v(asic, 'USD')} per million tokens, against "
              f"{_v(gpu, 'USD')} for the merchant GPU (P10 {_v(p10, 'USD')})", low, "ge",
              label="custom chip's cost per token"),
    ]
    verdict = NOT_ASSESSED if consistent is None else (SUPPORTED if consistent else NOT_SUPPORTED)
    rule_text = ("The vendor's claim is contradicted only if the book's modeled custom chip is cheaper per token "
                 "than even the optimistic end (P10) of the merchant GPU's modeled cost; otherwise it stands as "
                 "the vendor's own statement. The custom chip is hypothetical (parameters of the inference tax chapter).")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C5", "inference_tax.price_decline_per_year")
def c5(ev: Evidence, p: Params) -> Outcome:
    decline = ev.number("inference_tax.price_decline_per_year")
    checks = [Check("inference_tax.price_decline_per_year", decline, "measured", None if decline is None else True,
                    f"the market prices tokens, and that price falls ×{_v(decline)} a year at fixed capability",
                    label="fall of token prices")]
    verdict = NOT_ASSESSED if decline is None else PARTLY
    rule_text = ("Partly supported whenever a per-token market price can be measured: output is sold by the "
                 "token, but chips, servers and data centers are still bought, financed and depreciated by "
                 "the unit (the cost model's inputs are per chip-hour). A framing, not a testable quantity.")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C6", "inference_tax.tax_share_gpu")
def c6(ev: Evidence, p: Params) -> Outcome:
    share = ev.number("inference_tax.tax_share_gpu")
    checks = [Check("inference_tax.tax_share_gpu", share, f"≥ {_v(p.tax_share_material, pct=True)}",
                    None if share is None else share >= p.tax_share_material,
                    f"the vendor's margin is {_v(share, pct=True)} of the GPU's cost per token",
                    p.tax_share_material, "ge", "tax_share_material", "vendor-margin share")]
    if share is None:
        verdict = NOT_ASSESSED
    elif share >= p.tax_share_material:
        verdict = SUPPORTED
    else:
        verdict = PARTLY if share > 0 else NOT_SUPPORTED
    rule_text = (f"Supported if the vendor's margin is at least {_v(p.tax_share_material, pct=True)} of the "
                 "merchant GPU's cost per token (the cost then recurs with every token served); partly if "
                 "smaller but positive. That agents multiply token use is not tested (no data).")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C7", "inference_tax.breakeven_total_tokens_per_year")
def c7(ev: Evidence, p: Params) -> Outcome:
    # The reference workload counts input and output tokens (as companies report them), so the
    # break-even compared with it must count both too: inference_tax converts its output-token
    # break-even at the page's input/output mix.
    key = "inference_tax.breakeven_total_tokens_per_year"
    raw = ev.get(key)
    be = ev.number(key)
    ref = p.reference_workload_tokens_per_year
    if raw is MISSING:
        passed, verdict, note = None, NOT_ASSESSED, "no break-even volume in the evidence"
    elif be is None or be <= 0:
        passed, verdict, note = False, NOT_SUPPORTED, "the custom chip never pays for itself (not cheaper per token)"
    elif be <= ref:
        passed, verdict, note = True, SUPPORTED, (f"the custom chip pays for itself from {_v(be, 'tokens')} "
                                                  "(input and output) a year")
    else:
        passed, verdict, note = False, PARTLY, (f"the custom chip pays for itself only from {_v(be, 'tokens')} "
                                                "(input and output) a year, more than the reference workload")
    checks = [Check(key, be, f"≤ {_v(ref, 'tokens')} a year", passed, note,
                    ref, "le", "reference_workload_tokens_per_year", "break-even volume")]
    rule_text = (f"Supported if the custom chip's break-even volume, counting input and output tokens, is at most "
                 f"{_v(ref, 'tokens')} a year (the reference workload: OpenAI's stated API volume alone); partly if "
                 "it breaks even only beyond that; not supported if it never does.")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


def _elasticity_note(e: float | None) -> str:
    """The elasticity in words: a cut is said as a cut, not as a negative change."""
    if e is None:
        return "no utilization elasticity in the evidence"
    verb = "cuts" if e < 0 else "raises"
    return f"one more point of utilization {verb} the cost per token by {_v(abs(e))}%"


@rule("C8", "inference_tax.utilization_elasticity")
def c8(ev: Evidence, p: Params) -> Outcome:
    e = ev.number("inference_tax.utilization_elasticity")
    size = None if e is None else abs(e)
    checks = [Check("inference_tax.utilization_elasticity", e, f"|e| ≥ {_v(p.utilization_elasticity_strong)} % per point",
                    None if size is None else size >= p.utilization_elasticity_strong,
                    _elasticity_note(e),
                    p.utilization_elasticity_strong, "abs_ge", "utilization_elasticity_strong",
                    "utilization elasticity")]
    if size is None:
        verdict = NOT_ASSESSED
    elif size >= p.utilization_elasticity_strong:
        verdict = SUPPORTED
    elif size >= p.utilization_elasticity_weak:
        verdict = PARTLY
    else:
        verdict = NOT_SUPPORTED
    rule_text = (f"Supported if one point of utilization moves the cost per token by at least "
                 f"{_v(p.utilization_elasticity_strong)}% (under-use is then a main driver of cost, at the "
                 f"chapter's assumed utilization); partly from {_v(p.utilization_elasticity_weak)}%; not "
                 "supported below.")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


# --------------------------------------------------------------------------------------------------
# Tape-out (tapeout)

@rule("C9", "tapeout.median_design_to_tapeout_months", "tapeout.n_design_to_tapeout", "tapeout.nine_month_percentile")
def c9(ev: Evidence, p: Params) -> Outcome:
    med = ev.number("tapeout.median_design_to_tapeout_months")
    n = ev.number("tapeout.n_design_to_tapeout")
    pct = ev.number("tapeout.nine_month_percentile")
    lo, hi = p.typical_cycle_min_months, p.typical_cycle_max_months
    enough = n is None or n >= p.min_programs_typical
    typical = None if (med is None or not enough) else lo <= med <= hi
    sample = "" if n is None else f", from {_v(n)} dated program(s)"
    if not enough:
        sample += f", too few to say what is typical (at least {_v(p.min_programs_typical)} needed)"
    checks = [
        Check("tapeout.median_design_to_tapeout_months", med, f"within {_v(lo)}–{_v(hi)} months", typical,
              f"the median program takes {_v(med, 'months')} from design start to tape-out{sample}",
              label="median design-to-tape-out"),
        Check("tapeout.nine_month_percentile", pct, f"≤ {_v(p.exceptional_percentile)}th percentile",
              None if pct is None else pct <= p.exceptional_percentile,
              ("nine months is shorter than every comparison duration" if pct == 0 else
               f"nine months sits at the {_v(pct)}th percentile of the comparison durations"),
              p.exceptional_percentile, "le", "exceptional_percentile", "percentile of nine months"),
    ]
    rule_text = (f"The typical length is tested: the median design-to-tape-out time of at least "
                 f"{_v(p.min_programs_typical)} dated programs must fall within {_v(lo)} to {_v(hi)} months, and "
                 f"nine months must be exceptional (at or below the {_v(p.exceptional_percentile)}th percentile of "
                 "the chapter's comparison durations). The nine months themselves are the companies' own figure: "
                 "the claim is labelled self-reported unless both tests fail.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


@rule("C10", "tapeout.min_feasible_cycle_months")
def c10(ev: Evidence, p: Params) -> Outcome:
    floor = ev.number("tapeout.min_feasible_cycle_months")
    checks = [Check("tapeout.min_feasible_cycle_months", floor, f"≤ {_v(p.short_cycle_months, 'months')}",
                    None if floor is None else floor <= p.short_cycle_months,
                    f"physical floors allow a cycle of no less than {_v(floor, 'months')}", p.short_cycle_months, "le",
                    "short_cycle_months", "shortest feasible cycle")]
    if floor is None:
        verdict = NOT_ASSESSED
    elif floor <= p.shortest_cycle_months:
        verdict = SUPPORTED
    elif floor <= p.short_cycle_months:
        verdict = PARTLY
    else:
        verdict = NOT_SUPPORTED
    rule_text = (f"Supported if the physical floors (fab cycle, packaging, bring-up) allow a cycle of "
                 f"{_v(p.shortest_cycle_months, 'months')}; partly if only {_v(p.short_cycle_months, 'months')}; "
                 "not supported if neither. Whether models will do the design work is not tested.")
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C12")
def c12(ev: Evidence, p: Params) -> Outcome:
    rule_text = ("No public specification, benchmark or deployment shows what the chip runs or where OpenAI "
                 "trains: the claim can only be reported as the companies' statement.")
    return Outcome(NOT_ASSESSED, rule_text, (), "no independent evidence exists.")


# --------------------------------------------------------------------------------------------------
# The flywheel (flywheel)

@rule("C11", "flywheel.crossover_month", "flywheel.cost_per_mtok_ratio_y5", "flywheel.morris_share_ahead")
def c11(ev: Evidence, p: Params) -> Outcome:
    raw = ev.get("flywheel.crossover_month")
    month = ev.number("flywheel.crossover_month")
    ratio = ev.number("flywheel.cost_per_mtok_ratio_y5")
    share = ev.number("flywheel.morris_share_ahead")
    if raw is MISSING:
        cross = None
        cross_note = "no crossover month in the evidence"
    else:
        cross = month is not None and month <= p.flywheel_horizon_months
        cross_note = ("the integrated strategy never overtakes the merchant one" if month is None
                      else f"the integrated strategy's cumulative cash overtakes the merchant's in month {_v(month)}")
    checks = [
        Check("flywheel.crossover_month", month, f"≤ {_v(p.flywheel_horizon_months)}", cross, cross_note,
              p.flywheel_horizon_months, "le", "flywheel_horizon_months", "crossover month"),
        Check("flywheel.cost_per_mtok_ratio_y5", ratio, "< 1",
              None if ratio is None else ratio < 1,
              f"in year 5 the integrated cost per token is {_v(ratio)} times the merchant's", 1.0, "le",
              label="year-5 cost ratio"),
        Check("flywheel.morris_share_ahead", share, f"≥ {_v(p.flywheel_robust_share)}",
              None if share is None else share >= p.flywheel_robust_share,
              f"integration leads at year 5 in {_v(share)} of the sensitivity runs (every parameter moved)",
              p.flywheel_robust_share, "ge", "flywheel_robust_share", "share of runs ahead"),
    ]
    rule_text = (f"Supported if, in the flywheel model, the integrated strategy overtakes the merchant one within "
                 f"{_v(p.flywheel_horizon_months)} months, produces cheaper tokens in year 5, and leads in at least "
                 f"{_v(p.flywheel_robust_share)} of the sensitivity runs (so the result is not an artefact of the "
                 "default parameters); partly if some hold. A conditional scenario, not a measurement.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


# --------------------------------------------------------------------------------------------------

def label(claim: Claim, outcome: Outcome) -> str:
    """The verdict the page shows: self-reported claims keep that label unless independent evidence
    contradicts them, or the evidence they could be checked against is missing."""
    if not claim.self_reported:
        return outcome.verdict
    if outcome.verdict == NOT_SUPPORTED:
        return NOT_SUPPORTED
    if outcome.verdict == NOT_ASSESSED and outcome.checks:
        return NOT_ASSESSED
    return SELF_REPORTED


def assess_claim(claim: Claim, ev: Evidence, p: Params) -> Verdict:
    if claim.id not in RULES:
        raise KeyError(f"{claim.id}: no verdict rule; add one to tokenfactory.claims.rules")
    out = RULES[claim.id].fn(ev, p)
    return Verdict(claim, label(claim, out), out.verdict, out.rule, out.checks, out.reason)


def assess(ledger: Ledger, ev: Evidence, p: Params) -> list[Verdict]:
    """Every claim's verdict, in ledger order."""
    return [assess_claim(c, ev, p) for c in ledger.claims]


def counts(verdicts: list[Verdict]) -> dict[str, int]:
    """How many claims got each verdict (every verdict present, zero included)."""
    out = {v: 0 for v in VERDICTS}
    for v in verdicts:
        out[v.verdict] += 1
    return out
