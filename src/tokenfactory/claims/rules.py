"""Verdict rules: one pure function per claim, from the chapters' results to a verdict.

Why rules in code rather than verdicts in prose: a verdict must follow from the evidence, change
when the evidence changes (another scenario, new data) and say which number decided it. Each rule
returns its checks (metric, value, test, passed) and a verdict:

- supported: every test the claim implies passes;
- partly supported: some pass, or the evidence is weaker than the claim;
- not supported: the tests fail;
- self-reported: the claim rests on a company's own statement and the independent evidence does not
  contradict it (applied in `assess` from the ledger's `self_reported` flag);
- not testable: the claim is a framing (a way of looking at the economics), not a quantity that
  data could confirm or refute; the page shows the related numbers as context;
- not assessed: the evidence is missing (the page was run without the other chapters' results).

A part of a claim that no data in the book can test (the followers' spending, a measured fleet
utilization) is an explicit "untested" check: it keeps the verdict at "partly supported" at best,
so that "supported" always means every part of the claim was tested and passed.

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
NOT_TESTABLE = "not testable"
NOT_ASSESSED = "not assessed"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, SELF_REPORTED, NOT_TESTABLE, NOT_ASSESSED)

#: Roles of a check: a test that decides the verdict; a part of the claim the book's data cannot test
#: (it caps the verdict at "partly supported"); a number shown as context, which decides nothing.
TEST, UNTESTED, CONTEXT = "test", "untested", "context"


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
    #: TEST, UNTESTED or CONTEXT (see above)
    role: str = TEST

    @property
    def outcome(self) -> str:
        """The check's outcome in words, as the page shows it."""
        if self.role == UNTESTED:
            return "untested, no data"
        if self.role == CONTEXT:
            return "context, not a test"
        return {True: "passes", False: "fails", None: "no evidence"}[self.passed]

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


def untested(label: str, note: str) -> Check:
    """A part of the claim that no data in the book can test: it keeps the verdict below "supported"."""
    return Check("not in the book's data", None, "no data", None, note, label=label, role=UNTESTED)


def combine(checks: list[Check] | tuple[Check, ...]) -> str:
    """All tests pass: supported; some pass (or some lack evidence, or a part of the claim is
    untested): partly; none pass: not supported; no evidence at all: not assessed. Context checks
    decide nothing."""
    checks = [c for c in checks if c.role != CONTEXT]
    known = [c.passed for c in checks if c.passed is not None]
    if not known:
        return NOT_ASSESSED
    if all(known):
        return SUPPORTED if len(known) == len(checks) else PARTLY
    return PARTLY if any(known) else NOT_SUPPORTED


def _v(x: Any, unit: str = "", pct: bool = False) -> str:
    return "missing" if x is None or x is MISSING else fmt(x, sig=2, unit=unit, pct=pct)


def _count(n: float, noun: str) -> str:
    """'1 dated program', '3 dated programs'."""
    return f"{_v(n)} {noun}" + ("" if n == 1 else "s")


def _reason(checks: list[Check]) -> str:
    parts = []
    for c in checks:
        parts.append(f"{c.note or c.metric} ({c.outcome})")
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------------------------------
# The model gap (compute_gap)

@rule("C1", "compute_gap.current_lag_months", "compute_gap.unmatched_lag_months",
      "compute_gap.open_lag_months_latest", "compute_gap.open_lag_trend_months_per_year",
      "compute_gap.lag_trend_high")
def c1(ev: Evidence, p: Params) -> Outcome:
    limit = p.catch_up_months_max
    current = ev.number("compute_gap.current_lag_months")
    raw_unmatched = ev.get("compute_gap.unmatched_lag_months")
    unmatched = ev.number("compute_gap.unmatched_lag_months")
    latest = ev.number("compute_gap.open_lag_months_latest")
    trend = ev.number("compute_gap.open_lag_trend_months_per_year")
    high = ev.number("compute_gap.lag_trend_high")
    if raw_unmatched is MISSING:
        u_pass, u_note = None, "no record of closed models still unmatched in the evidence"
    elif unmatched is None:  # the chapter found none: every closed record has been matched
        u_pass, u_note = True, "every closed model's level has been reached by an open model"
    else:
        model, date = ev.get("compute_gap.unmatched_model"), ev.get("compute_gap.unmatched_date")
        which = f" ({model}, {date})" if isinstance(model, str) and isinstance(date, str) else ""
        u_pass = unmatched <= limit
        u_note = (f"the oldest closed model that no open model has matched yet{which} has waited "
                  f"{_v(unmatched, 'months')} so far (a lower bound of its lag)")
    shrinking = None if trend is None else (trend < 0 and (high is None or high < 0))
    interval = "" if high is None else f" (interval up to {_v(high)})"
    checks = [
        Check("compute_gap.current_lag_months", current, f"≤ {_v(limit, 'months')}",
              None if current is None else current <= limit,
              f"today's best open model matches the level closed models reached {_v(current, 'months')} "
              "earlier (the current, backward-looking lag)", limit, "le", "catch_up_months_max", "current open-model lag"),
        Check("compute_gap.unmatched_lag_months", unmatched, f"≤ {_v(limit, 'months')}", u_pass, u_note,
              limit if unmatched is not None else None, "le", "catch_up_months_max", "oldest unmatched closed model"),
        Check("compute_gap.open_lag_trend_months_per_year", trend, "< 0, interval below 0 (lag shrinking)", shrinking,
              f"the lag changes by {_v(trend, 'months per year')}{interval}", label="trend of the lag"),
        Check("compute_gap.open_lag_months_latest", latest, "shown, not tested", None,
              f"the latest completed catch-up took {_v(latest, 'months')}; it says how long past catch-ups took, "
              "not how far behind open models are now", label="latest completed catch-up", role=CONTEXT),
    ]
    rule_text = (f"\"Within months\" is read as at most {_v(limit, 'months')}, and tested on the lag as it stands "
                 "now: the current backward-looking lag, and the age of the oldest closed model no open model has "
                 "matched yet (its lag can only grow), must both be within it. \"Shrinking\" needs a negative trend "
                 "of the lag whose interval excludes zero. Supported if both parts hold; partly if one does; not "
                 "supported if neither does. The latest completed catch-up is shown as context only: it leaves "
                 "out the records still waiting to be matched.")
    # "within months" holds only if both lag tests pass: one passing test is not half of it
    lag_tests = [c.passed for c in checks[:2]]
    within = False if False in lag_tests else (True if all(t is True for t in lag_tests) else None)
    verdict = combine([Check("within months", None, "", within), Check("shrinking", None, "", shrinking)])
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks))


@rule("C2", "compute_gap.window_trend_rho", "compute_gap.window_trend_p", "compute_gap.window_n",
      "compute_gap.leadership_data_end")
def c2(ev: Evidence, p: Params) -> Outcome:
    rho = ev.number("compute_gap.window_trend_rho")
    pval = ev.number("compute_gap.window_trend_p")
    n = ev.number("compute_gap.window_n")
    end = ev.get("compute_gap.leadership_data_end")
    sample = "" if n is None else f" over {_v(n)} leadership windows"
    if isinstance(end, str):
        sample += f" ending {end}"
    lean = None if rho is None else ("longer" if rho > 0 else "shorter" if rho < 0 else "neither way")
    checks = [
        Check("compute_gap.window_trend_rho", rho, "< 0 (later windows shorter)", None if rho is None else rho < 0,
              f"the rank correlation of a window's length with its start date is {_v(rho)}{sample}: "
              f"later windows lean {lean}" if rho is not None else "no rank correlation in the evidence",
              label="direction of leadership windows"),
        Check("compute_gap.window_trend_p", pval, f"< {_v(p.window_trend_alpha)}",
              None if pval is None else pval < p.window_trend_alpha,
              f"the rank test's p-value is {_v(pval)}", p.window_trend_alpha, "le", "window_trend_alpha",
              "p-value of the rank test"),
    ]
    if rho is None or pval is None:
        verdict = NOT_ASSESSED
    elif rho < 0 and pval < p.window_trend_alpha:
        verdict = SUPPORTED
    else:
        verdict = NOT_SUPPORTED
    rule_text = (f"The chapter's reported test is used: Spearman's rank correlation between a leadership window's "
                 f"start date and its length. Supported if it is negative with a p-value below "
                 f"{_v(p.window_trend_alpha)}; otherwise not supported, because the data do not show a shortening "
                 "(which is not the same as showing that windows lengthen). A few windows cannot tell a trend "
                 "from chance, so a mere lean towards shorter windows does not count as partial support.")
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
        untested("followers' spending and compute",
                 "a gap needs the followers' spending and compute as well, and these are not in the book's data"),
    ]
    rule_text = (f"A widening gap would need the leaders' and the followers' compute; the book has only the leaders'. "
                 f"So at most partly supported: partly if the leaders' capital spending grows at least "
                 f"{_v(p.capex_growth_min, pct=True)} a year or frontier training compute at least "
                 f"×{_v(p.compute_growth_min)} a year (the leaders pull ahead in absolute terms); not supported if "
                 "neither does.")
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
    checks = [Check("inference_tax.price_decline_per_year", decline, "shown, not tested", None,
                    f"the market sells tokens by the token, and their price falls ×{_v(decline)} a year at fixed "
                    "capability" if decline is not None else
                    "the market sells tokens by the token; the book's price data give no reliable rate at which "
                    "that price falls",
                    label="fall of token prices", role=CONTEXT)]
    rule_text = ("Not testable: whether the token or the server is \"the unit of account\" is a way of framing the "
                 "economics, not a quantity that data could confirm or refute. The book shows both sides as context: "
                 "output is priced by the token, while chips, servers and data centers are still bought, financed "
                 "and depreciated by the unit (the cost model's inputs are per chip-hour).")
    return Outcome(NOT_TESTABLE, rule_text, tuple(checks), _reason(checks))


@rule("C6", "inference_tax.tax_share_gpu")
def c6(ev: Evidence, p: Params) -> Outcome:
    share = ev.number("inference_tax.tax_share_gpu")
    checks = [Check("inference_tax.tax_share_gpu", share, f"≥ {_v(p.tax_share_material, pct=True)}",
                    None if share is None else share >= p.tax_share_material,
                    f"the vendor's margin is {_v(share, pct=True)} of the GPU's cost per token",
                    p.tax_share_material, "ge", "tax_share_material", "vendor-margin share"),
              untested("agents multiply token use",
                       "that the tax grows with usage as agents multiply token use: the book has no data on "
                       "agents' token use (a per-token cost grows with tokens by construction, which tests nothing)")]
    rule_text = (f"The recurring tax is tested: the vendor's margin must be at least {_v(p.tax_share_material, pct=True)} "
                 "of the merchant GPU's cost per token, a cost that then recurs with every token served. The rest of "
                 "the claim (usage grows, agents multiply it) is not tested, so the verdict is at most partly "
                 "supported: partly if the margin test passes, not supported if it fails.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


@rule("C7", "inference_tax.breakeven_total_tokens_per_year", "inference_tax.n_reporters_above_breakeven")
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
        passed, verdict, note = False, NOT_SUPPORTED, "the modeled custom chip never pays for itself (not cheaper per token)"
    elif be <= ref:
        passed, verdict, note = True, PARTLY, (f"the modeled custom chip pays for itself from {_v(be, 'tokens')} "
                                               "(input and output) a year")
    else:
        passed, verdict, note = False, NOT_SUPPORTED, (f"the modeled custom chip pays for itself only from "
                                                       f"{_v(be, 'tokens')} (input and output) a year, more than "
                                                       "the reference workload")
    checks = [Check(key, be, f"≤ {_v(ref, 'tokens')} a year", passed, note,
                    ref, "le", "reference_workload_tokens_per_year", "break-even volume"),
              untested("a real custom chip's cost",
                       "the custom chip is hypothetical (performance and unit cost are parameters of the inference "
                       "tax chapter), and the workloads it is set against are the companies' own statements")]
    n = ev.number("inference_tax.n_reporters_above_breakeven")
    if n is not None:
        checks.append(Check("inference_tax.n_reporters_above_breakeven", n, "shown, not tested", None,
                            f"{_v(n)} of the token volumes companies report exceed the break-even (self-reported)",
                            label="reported volumes above break-even", role=CONTEXT))
    rule_text = (f"At most partly supported, because the chip is hypothetical and the volumes are self-reported: "
                 f"partly if the custom chip's break-even volume, counting input and output tokens, is at most "
                 f"{_v(ref, 'tokens')} a year (the reference workload: OpenAI's stated API volume alone); not "
                 "supported if it breaks even only beyond that, or never.")
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
                    _elasticity_note(e) + " (in the cost model, at the chapter's assumed utilization)",
                    p.utilization_elasticity_strong, "abs_ge", "utilization_elasticity_strong",
                    "utilization elasticity"),
              untested("measured fleet utilization",
                       "whether real fleets run far below their peak: the book has no measured utilization, and "
                       "the cost model makes cost per token inversely proportional to an assumed one")]
    rule_text = (f"The cost model divides a chip-hour's cost by the tokens served, so lower utilization raises the "
                 "cost per token by construction; the model can only say how much it matters at the assumed "
                 "utilization, and no measured utilization is in the data. At most partly supported: partly if one "
                 f"point of utilization moves the cost per token by at least {_v(p.utilization_elasticity_strong)}% "
                 "(under-use is then a main driver of cost at the assumed utilization); not supported below.")
    return Outcome(combine(checks), rule_text, tuple(checks), _reason(checks))


# --------------------------------------------------------------------------------------------------
# Tape-out (tapeout)

@rule("C9", "tapeout.median_design_to_tapeout_months", "tapeout.n_design_to_tapeout", "tapeout.nine_month_percentile",
      "tapeout.n_comparison_programs", "tapeout.n_comparison_statements", "tapeout.like_for_like_percentile",
      "tapeout.claim_plus_floor_months")
def c9(ev: Evidence, p: Params) -> Outcome:
    med = ev.number("tapeout.median_design_to_tapeout_months")
    n = ev.number("tapeout.n_design_to_tapeout")
    pct = ev.number("tapeout.nine_month_percentile")
    n_prog = ev.number("tapeout.n_comparison_programs")
    n_stat = ev.number("tapeout.n_comparison_statements")
    basis = ("" if n_prog is None or n_stat is None else
             f" (the comparison holds {_count(n_prog, 'dated program')} and {_count(n_stat, 'published statement')}, "
             "statements that are not measurements of one program)")
    lo, hi = p.typical_cycle_min_months, p.typical_cycle_max_months
    enough = n is None or n >= p.min_programs_typical
    typical = None if (med is None or not enough) else lo <= med <= hi
    sample = "" if n is None else f", from {_count(n, 'dated program')}"
    if not enough:
        sample += f", too few to say what is typical (at least {_v(p.min_programs_typical)} needed)"
    checks = [
        Check("tapeout.median_design_to_tapeout_months", med, f"within {_v(lo)}–{_v(hi)} months", typical,
              f"the median program takes {_v(med, 'months')} from design start to tape-out{sample}",
              label="median design-to-tape-out"),
        Check("tapeout.nine_month_percentile", pct, f"≤ {_v(p.exceptional_percentile)}th percentile",
              None if pct is None else pct <= p.exceptional_percentile,
              ("nine months is shorter than every comparison duration" if pct == 0 else
               f"nine months sits at the {_v(pct)}th percentile of the comparison durations") + basis,
              p.exceptional_percentile, "le", "exceptional_percentile", "percentile of nine months"),
    ]
    lfl = ev.number("tapeout.like_for_like_percentile")
    floor_total = ev.number("tapeout.claim_plus_floor_months")
    if lfl is not None:
        span = "" if floor_total is None else f" ({_v(floor_total, 'months')})"
        checks.append(Check("tapeout.like_for_like_percentile", lfl, "shown, not tested", None,
                            f"like for like, the nine months plus the physical floor of the later phases{span} sit at "
                            f"the {_v(lfl)}th percentile of the published statements that cover design to "
                            "deployment or a full cycle",
                            label="like-for-like percentile", role=CONTEXT))
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
