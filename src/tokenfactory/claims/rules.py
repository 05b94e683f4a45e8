"""Verdict rules: one pure function per claim, from the chapters' results to a verdict.

Why rules in code rather than verdicts in prose: a verdict must follow from the evidence, change
when the evidence changes (another scenario, new data) and say which number decided it. Each rule
returns its checks (metric, value, test, outcome), the test it applies, the sample it rests on and,
for a trend test, the effect that test could detect. The six verdicts:

- supported: every test the claim implies passes;
- partly supported: some tests pass, or the tests the data allow pass but part of the claim cannot
  be tested with the book's data;
- not supported: the tests fail (a test that had the power to see the claimed effect and did not
  see it counts as failing);
- inconclusive: a test exists, but the data or its power cannot decide, or a result the rule needs
  is missing (the reason names it);
- self-reported: the claim rests on a company's own statement, and the independent evidence does
  not contradict it (applied in `label` from the ledger's `self_reported` flag);
- not testable: a framing, or a forecast: no data available today could confirm or refute it; the
  page shows related numbers as context, and for a forecast what would have to be true.

A check's `passed` is True, False or None (undecided: too few data, too little power, a missing
result). A part of a claim that no data in the book can test is an explicit "untested" check: it
keeps the verdict at "partly supported" at best. Context checks decide nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from ..nb import fmt
from .evidence import MISSING, Evidence
from .ledger import Claim, Ledger
from .params import Params

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
INCONCLUSIVE = "inconclusive"
SELF_REPORTED = "self-reported"
NOT_TESTABLE = "not testable"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, INCONCLUSIVE, SELF_REPORTED, NOT_TESTABLE)

#: Roles of a check: a test that decides the verdict; a part of the claim the book's data cannot test
#: (it caps the verdict at "partly supported"); a number shown as context, which decides nothing.
TEST, UNTESTED, CONTEXT = "test", "untested", "context"


@dataclass(frozen=True)
class Check:
    """One test of a claim: the metric, its value, the test and its outcome (None: undecided)."""

    metric: str
    value: Any
    test: str
    passed: bool | None
    note: str = ""
    #: for the margin chart: the threshold and whether the value must be at most ("le") or at least
    #: ("ge") it; None where the test is not a threshold (a sign, a range)
    threshold: float | None = None
    direction: str | None = None
    #: the parameter of this chapter that sets the threshold (None: fixed, or another chapter's result)
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
        return {True: "passes", False: "fails", None: "undecided"}[self.passed]

    def margin(self) -> float | None:
        """How far the value is from flipping the test, as a ratio (> 1: passes with room to spare)."""
        v = self.value
        if self.threshold is None or isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0 \
                or self.threshold <= 0 or self.passed is None:
            return None
        return self.threshold / v if self.direction == "le" else v / self.threshold


@dataclass(frozen=True)
class Outcome:
    """What a rule decides from the evidence alone (before the self-reported label)."""

    verdict: str
    rule: str
    checks: tuple[Check, ...]
    reason: str
    #: the test in one line, the sample it rests on, and (trend tests) the effect it could detect
    test: str = ""
    sample: str = ""
    power: str = ""
    #: results the rule needed and did not find ("chapter.key")
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict as the page shows it."""

    claim: Claim
    verdict: str
    independent: str
    rule: str
    checks: tuple[Check, ...]
    reason: str
    test: str = ""
    sample: str = ""
    power: str = ""
    missing: tuple[str, ...] = ()


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


def context(metric: str, value: Any, note: str, label: str) -> Check:
    return Check(metric, value, "shown, not tested", None, note, label=label, role=CONTEXT)


def combine(checks: list[Check] | tuple[Check, ...]) -> str:
    """All tests pass (and nothing untested): supported; some pass: partly; the decided ones all
    fail: not supported; none decided: inconclusive. Context checks decide nothing."""
    tests = [c for c in checks if c.role == TEST]
    capped = any(c.role == UNTESTED for c in checks)
    known = [c.passed for c in tests if c.passed is not None]
    if not known:
        return INCONCLUSIVE
    if all(known):
        return SUPPORTED if len(known) == len(tests) and not capped else PARTLY
    return PARTLY if any(known) else NOT_SUPPORTED


def interval_test(low: float | None, high: float | None, reference: float = 0.0) -> bool | None:
    """Whether an interval lies wholly above a reference (True), wholly below (False), or straddles
    it or is unknown (None)."""
    if low is None or high is None:
        return None
    if low > reference:
        return True
    if high < reference:
        return False
    return None


def range_at_least(low: float | None, high: float | None, threshold: float) -> bool | None:
    """A quantity known only as a range [low, high] is at least `threshold` (True), below it
    (False), or the range straddles it (None)."""
    if low is None or high is None:
        return None
    if low >= threshold:
        return True
    if high < threshold:
        return False
    return None


def _v(x: Any, unit: str = "", pct: bool = False) -> str:
    return "missing" if x is None or x is MISSING else fmt(x, sig=2, unit=unit, pct=pct)


def _count(n: float | None, noun: str) -> str:
    """'1 dated program', '3 dated programs'."""
    if n is None:
        return f"an unknown number of {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{fmt(n, sig=3)} " + (noun if n == 1 else plural)


def _reason(checks: list[Check], missing: list[str] | tuple[str, ...] = ()) -> str:
    parts = [f"{c.note or c.metric} ({c.outcome})" for c in checks]
    if missing:
        parts.append("missing result" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing))
    return "; ".join(parts) + "."


def _outcome(verdict: str, rule_text: str, checks: list[Check], test: str, sample: str, power: str = "",
             missing: list[str] | tuple[str, ...] = ()) -> Outcome:
    return Outcome(verdict, rule_text, tuple(checks), _reason(checks, missing), test, sample, power, tuple(missing))


# --------------------------------------------------------------------------------------------------
# The model gap (compute_gap)

C1_READS = ("compute_gap.open_lag_months_average", "compute_gap.lag_average_n", "compute_gap.lag_average_start",
            "compute_gap.lag_average_end", "compute_gap.open_lag_trend_months_per_year", "compute_gap.lag_trend_low",
            "compute_gap.lag_trend_high", "compute_gap.n_records", "compute_gap.current_lag_months",
            "compute_gap.unmatched_lag_months", "compute_gap.open_lag_months_latest")


@rule("C1", *C1_READS)
def c1(ev: Evidence, p: Params) -> Outcome:
    limit = p.catch_up_months_max
    missing = ev.missing("compute_gap.open_lag_months_average", "compute_gap.lag_trend_low", "compute_gap.lag_trend_high")
    avg = ev.number("compute_gap.open_lag_months_average")
    trend = ev.number("compute_gap.open_lag_trend_months_per_year")
    low, high = ev.number("compute_gap.lag_trend_low"), ev.number("compute_gap.lag_trend_high")
    n_avg, n_rec = ev.number("compute_gap.lag_average_n"), ev.number("compute_gap.n_records")
    start, end = ev.text("compute_gap.lag_average_start"), ev.text("compute_gap.lag_average_end")
    window = f" from {start} to {end}" if start and end else ""
    shrinking = None if low is None or high is None else (True if high < 0 else False if low > 0 else None)
    half = None if low is None or high is None else (high - low) / 2
    checks = [
        Check("compute_gap.open_lag_months_average", avg, f"≤ {_v(limit, 'months')}",
              None if avg is None else avg <= limit,
              f"averaged over time{window}, open models trail the closed frontier by {_v(avg, 'months')}",
              limit, "le", "catch_up_months_max", "time-averaged open-model lag"),
        Check("compute_gap.open_lag_trend_months_per_year", trend, "interval wholly below 0 (lag shrinking)", shrinking,
              f"the lag changes by {_v(trend, 'months per year')} (interval {_v(low)} to {_v(high)})",
              label="trend of the lag"),
        context("compute_gap.current_lag_months", ev.number("compute_gap.current_lag_months"),
                f"today's point lag is {_v(ev.number('compute_gap.current_lag_months'), 'months')}, one day's value "
                "of a sawtooth that jumps at each closed release", "point lag today"),
        context("compute_gap.unmatched_lag_months", ev.number("compute_gap.unmatched_lag_months"),
                f"the oldest closed model no open model has matched has waited "
                f"{_v(ev.number('compute_gap.unmatched_lag_months'), 'months')} so far (a lower bound of its lag)",
                "oldest unmatched closed model"),
        untested("the gap between the leading labs",
                 "the claim's other gap, between the leading labs themselves: the book measures who leads and for "
                 "how long (C2), not by how much"),
    ]
    verdict = INCONCLUSIVE if "compute_gap.open_lag_months_average" in missing else combine(checks)
    rule_text = (f"\"Within months\" is read as a time-averaged lag of at most {_v(limit, 'months')}, the measure "
                 "Epoch AI publishes; the point lag today and the oldest unmatched closed model are second views "
                 "(see the flip table). \"Shrinking\" needs a trend of the lag whose interval lies wholly below "
                 "zero; an interval that straddles zero leaves that part undecided. The gap between the leading "
                 "labs themselves is not measured, so the verdict is at most partly supported: partly if either part "
                 "holds; not supported if the lag is longer than the threshold and the trend does not show "
                 "shrinking; inconclusive if neither part can be decided.")
    test = f"time-averaged lag ≤ {_v(limit, 'months')}; bootstrap interval of the lag's trend below zero"
    sample = (f"{_count(n_avg, 'weekly date')} in the average" if n_avg is not None else "") + \
             (f"; {_count(n_rec, 'closed frontier record')} for the trend" if n_rec is not None else "")
    power = ("" if half is None else
             f"the trend's interval is ±{_v(half, 'months per year')} wide: a change of the lag smaller than that "
             "could not be told from none")
    return _outcome(verdict, rule_text, checks, test, sample, power, missing)


C2_READS = ("compute_gap.window_trend_rho", "compute_gap.window_trend_p", "compute_gap.leadership_windows_n",
            "compute_gap.window_n", "compute_gap.window_power_at_reference", "compute_gap.window_trend_reference",
            "compute_gap.window_detectable_change", "compute_gap.leadership_data_end", "compute_gap.leaderboard")


@rule("C2", *C2_READS)
def c2(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("compute_gap.window_trend_rho", "compute_gap.window_trend_p",
                         "compute_gap.window_power_at_reference")
    rho, pval = ev.number("compute_gap.window_trend_rho"), ev.number("compute_gap.window_trend_p")
    n = ev.number("compute_gap.leadership_windows_n")
    n_done = ev.number("compute_gap.window_n")
    power = ev.number("compute_gap.window_power_at_reference")
    ref = ev.number("compute_gap.window_trend_reference")
    detectable = ev.number("compute_gap.window_detectable_change")
    end = ev.text("compute_gap.leadership_data_end")
    board = ev.text("compute_gap.leaderboard")
    sig = None if rho is None or pval is None else pval < p.window_trend_alpha
    powered = None if power is None else power >= p.power_min
    if sig is None:
        verdict = INCONCLUSIVE
    elif sig:
        verdict = SUPPORTED if rho < 0 else NOT_SUPPORTED
    elif powered is None or not powered:
        verdict = INCONCLUSIVE
    else:
        verdict = NOT_SUPPORTED
    lean = None if rho is None else ("longer" if rho > 0 else "shorter" if rho < 0 else "neither way")
    checks = [
        Check("compute_gap.window_trend_p", pval, f"< {_v(p.window_trend_alpha)}", sig,
              f"Spearman's rank correlation of a leadership window's length with its start date is {_v(rho)} "
              f"(later windows lean {lean}), p = {_v(pval)}" if rho is not None else "no rank test in the evidence",
              p.window_trend_alpha, "le", "window_trend_alpha", "p-value of the rank test"),
        Check("compute_gap.window_power_at_reference", power, f"≥ {_v(p.power_min, pct=True)}", powered,
              f"the test detects a shortening of {_v(None if ref is None else -ref, pct=True)} a year with "
              f"probability {_v(power, pct=True)}", p.power_min, "ge", "power_min", "power of the rank test"),
    ]
    rule_text = (f"The chapter's test: Spearman's rank correlation between a leadership window's start date and "
                 f"its length. Supported if negative with p below {_v(p.window_trend_alpha)}; not supported if "
                 f"significantly positive, or if it is not significant although the test had at least "
                 f"{_v(p.power_min, pct=True)} power against the chapter's reference shortening; inconclusive when "
                 "it is not significant and had less power than that: a test that could not have seen the trend is "
                 "not evidence against it.")
    test = f"rank correlation of window length with start date, p < {_v(p.window_trend_alpha)}"
    sample = (_count(n_done, "completed leadership window") + f" (of {_count(n, 'window')})"
              if n_done is not None else _count(n, "leadership window"))
    sample += (f" on {board}" if board else "") + (f", data to {end}" if end else "")
    det = ("no shortening in the range simulated" if detectable is None else
           f"a shortening of {_v(-detectable, pct=True)} a year")
    power_txt = (f"power {_v(power, pct=True)} against a shortening of {_v(None if ref is None else -ref, pct=True)} "
                 f"a year; the smallest it detects with {_v(p.power_min, pct=True)} probability: {det}"
                 if power is not None else "")
    return _outcome(verdict, rule_text, checks, test, sample, power_txt, missing)


C3_READS = ("compute_gap.training_compute_closed_open_ratio", "compute_gap.training_compute_ratio_low",
            "compute_gap.training_compute_ratio_high", "compute_gap.training_compute_ratio_at_epoch",
            "compute_gap.training_compute_open_lag_months", "compute_gap.training_compute_open_lag_low",
            "compute_gap.training_compute_open_lag_high", "compute_gap.training_compute_lag_at_epoch_months",
            "compute_gap.training_compute_gap_date", "compute_gap.training_compute_n_open",
            "compute_gap.training_compute_n_closed", "compute_gap.capex_cagr_recent", "compute_gap.capex_cagr",
            "compute_gap.capex_total_latest_usd_bn")


@rule("C3", *C3_READS)
def c3(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("compute_gap.training_compute_closed_open_ratio", "compute_gap.training_compute_ratio_at_epoch",
                         "compute_gap.capex_cagr_recent")
    ratio = ev.number("compute_gap.training_compute_closed_open_ratio")
    lo, hi = ev.number("compute_gap.training_compute_ratio_low"), ev.number("compute_gap.training_compute_ratio_high")
    then = ev.number("compute_gap.training_compute_ratio_at_epoch")
    if lo is None or hi is None:  # no interval: the point value decides nothing
        lo = hi = None
    widening = None if then is None else interval_test(lo, hi, then)
    date = ev.text("compute_gap.training_compute_gap_date")
    capex = ev.number("compute_gap.capex_cagr_recent")
    n_open, n_closed = ev.number("compute_gap.training_compute_n_open"), ev.number("compute_gap.training_compute_n_closed")
    checks = [
        Check("compute_gap.training_compute_closed_open_ratio", ratio, "interval wholly above the earlier ratio",
              widening,
              f"the largest closed training run uses {_v(ratio)} times the compute of the largest open one"
              + (f" on {date}" if date else "") + f" (interval {_v(lo)} to {_v(hi)}), against {_v(then)} times at "
              "the date of Epoch AI's report", label="closed/open training-compute ratio"),
        Check("compute_gap.capex_cagr_recent", capex, f"≥ {_v(p.capex_growth_min, pct=True)} a year",
              None if capex is None else capex >= p.capex_growth_min,
              f"the leaders' capital spending grows {_v(capex, pct=True)} a year over the recent window",
              p.capex_growth_min, "ge", "capex_growth_min", "capex growth (recent)"),
        untested("energy", "energy supply, the last of the claim's dividers: the book has no data on the players' "
                           "power capacity"),
    ]
    verdict = combine(checks)
    rule_text = ("The compute gap is measured directly: the ratio of the largest closed training run to the largest "
                 "open-weights one now, with its interval, against the same ratio at the date of Epoch AI's report. "
                 "Widening if the whole interval lies above the earlier ratio, narrowing if below, undecided if it "
                 f"straddles it. Capital spending pulls away if the leaders' spending grows at least "
                 f"{_v(p.capex_growth_min, pct=True)} a year over the recent window. Energy, the claim's last divider, "
                 "is not in the book's data, so the verdict is at most partly supported: partly if either test holds, "
                 "not supported if neither does, inconclusive if neither can be decided.")
    test = "closed/open compute ratio now vs at the earlier date (interval); capex growth over the recent window"
    sample = (f"{_count(n_closed, 'closed run')} and {_count(n_open, 'open run')} with known training compute"
              if n_open is not None and n_closed is not None else "")
    power = ("" if lo is None or hi is None else
             f"the ratio's interval ({_v(lo)} to {_v(hi)}) sets the smallest change from the earlier ratio it can show")
    return _outcome(verdict, rule_text, checks, test, sample, power, missing)


# --------------------------------------------------------------------------------------------------
# The inference tax (inference_tax)

C4_READS = ("inference_tax.cheapest_accelerator_measured", "inference_tax.cheapest_measured_n",
            "inference_tax.cheapest_accelerator_model", "inference_tax.cost_per_mtok_gpu_usd",
            "inference_tax.c4_footings", "inference_tax.c4_footings_claimant_cheapest",
            "inference_tax.c4_footings_claimant_fastest", "inference_tax.c4_newest_fastest")


def vendor_of(ev: Evidence, accelerator: str | None) -> str | None:
    """The vendor of an accelerator, from data/accelerators.csv (None when unknown)."""
    if not accelerator:
        return None
    return (ev.facts.get("vendors") or {}).get(accelerator)


def c4_every_footing(k: float | None, n: float | None) -> bool | None:
    """The claimant's chip leads on every qualifying footing (True), on none or only some (False), or
    there is no qualifying footing or no count (None)."""
    if k is None or n is None or n < 1:
        return None
    return k >= n


@rule("C4", *C4_READS)
def c4(ev: Evidence, p: Params) -> Outcome:
    """Three tests, each on measured data only: the newest qualifying footing's cheapest chip; the
    cheapest on every qualifying footing (one model, one source round, one scenario or one speed, at
    least three priced accelerators, one of them a rival's); the highest throughput per chip on every
    such footing (the claim's second half, tested apart). A split of the footings fails the second
    test, so the verdict is at most "partly supported" unless every footing agrees."""
    missing = ev.missing("inference_tax.cheapest_accelerator_measured", "inference_tax.cheapest_measured_n",
                         "inference_tax.c4_footings", "inference_tax.c4_footings_claimant_cheapest",
                         "inference_tax.c4_footings_claimant_fastest")
    measured = ev.text("inference_tax.cheapest_accelerator_measured")
    n = ev.number("inference_tax.cheapest_measured_n")
    modeled = ev.text("inference_tax.cheapest_accelerator_model")
    nf = ev.number("inference_tax.c4_footings")
    kc = ev.number("inference_tax.c4_footings_claimant_cheapest")
    kf = ev.number("inference_tax.c4_footings_claimant_fastest")
    fastest_new = ev.text("inference_tax.c4_newest_fastest")
    vm, vmod = vendor_of(ev, measured), vendor_of(ev, modeled)
    enough = n is not None and n >= p.min_accelerators_compared
    passed = None if (measured is None or vm is None or not enough) else vm == p.claimant_vendor
    size = "" if enough or n is None else (f", too few to name the cheapest (at least "
                                           f"{_v(p.min_accelerators_compared)} needed)")
    def share(k: float | None) -> str:
        return "unknown" if k is None or nf is None else f"{_v(k)} of {_count(nf, 'footing')}"
    checks = [
        Check("inference_tax.cheapest_accelerator_measured", measured or None, f"made by {p.claimant_vendor}", passed,
              f"on the newest qualifying measured footing, the cheapest per token of {_count(n, 'accelerator')} "
              f"compared is {measured or 'none'}" + (f" ({vm})" if vm else "") + size,
              label="cheapest accelerator, newest footing"),
        Check("inference_tax.c4_footings_claimant_cheapest", kc, f"{p.claimant_vendor} cheapest on every footing",
              c4_every_footing(kc, nf),
              f"{p.claimant_vendor}'s chip is the cheapest per token on {share(kc)} that compare at least three "
              "priced accelerators, one a rival's", label="footings where the vendor is cheapest"),
        Check("inference_tax.c4_footings_claimant_fastest", kf,
              f"{p.claimant_vendor} highest throughput per chip on every footing", c4_every_footing(kf, nf),
              f"{p.claimant_vendor}'s chip serves the most tokens per chip on {share(kf)}"
              + (f" (newest: {fastest_new})" if fastest_new else ""), label="footings where the vendor is fastest"),
        context("inference_tax.cheapest_accelerator_model", modeled or None,
                f"in the calibrated cost model, the cheapest is {modeled or 'none'}" + (f" ({vmod})" if vmod else ""),
                "cheapest accelerator, modeled"),
    ]
    verdict = INCONCLUSIVE if not [c for c in checks if c.role == TEST and c.passed is not None] else combine(checks)
    rule_text = (f"The vendor's claim is that {p.claimant_vendor}'s systems make the cheapest tokens and the most tokens "
                 "per chip. It is read on every measured footing (one model, one source round, one scenario, or one "
                 f"speed per user for frontiers) that compares at least {_v(p.min_accelerators_compared)} priced "
                 "accelerators, one of them a rival's, newest first, all priced at one rental tier. Three tests: the "
                 "cheapest on the newest footing is the vendor's; it is the vendor's on every footing; the highest "
                 "throughput per chip is the vendor's on every footing. Supported if all hold, partly if some do (a "
                 "split of the footings), not supported if none does, inconclusive without a qualifying footing. The "
                 "cost model's cheapest is a second view (flip table).")
    test = (f"{p.claimant_vendor} cheapest on the newest footing, cheapest on every footing, most tokens per chip on "
            "every footing (measured)")
    sample = (_count(nf, "qualifying footing") if nf is not None else _count(n, "accelerator") + " on the newest footing")
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


@rule("C5", "inference_tax.price_decline_per_year", "inference_tax.cost_per_mtok_gpu_usd")
def c5(ev: Evidence, p: Params) -> Outcome:
    decline = ev.number("inference_tax.price_decline_per_year")
    checks = [context("inference_tax.price_decline_per_year", decline,
                      f"the market sells tokens by the token; their price falls ×{_v(decline)} a year at fixed "
                      "capability" if decline is not None else
                      "the market sells tokens by the token; the book's price data give no measurable rate at "
                      "which that price falls", "fall of token prices")]
    rule_text = ("Not testable: whether the token or the server is \"the unit of account\" is a way of framing the "
                 "economics, not a quantity that data could confirm or refute. The book shows both sides as context: "
                 "output is priced by the token, while chips, servers and data centers are still bought, financed "
                 "and depreciated by the unit (the cost model's inputs are per chip-hour).")
    return _outcome(NOT_TESTABLE, rule_text, checks, "none (a framing)", "")


C6_READS = ("inference_tax.tax_share_gpu", "inference_tax.tax_share_gpu_low", "inference_tax.tax_share_gpu_high")


@rule("C6", *C6_READS)
def c6(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("inference_tax.tax_share_gpu_low", "inference_tax.tax_share_gpu_high")
    share = ev.number("inference_tax.tax_share_gpu")
    lo, hi = ev.number("inference_tax.tax_share_gpu_low"), ev.number("inference_tax.tax_share_gpu_high")
    thr = p.tax_share_material
    passed = range_at_least(lo, hi, thr)
    checks = [Check("inference_tax.tax_share_gpu_low", lo, f"range wholly ≥ {_v(thr, pct=True)}", passed,
                    f"the vendor's margin is {_v(lo, pct=True)} to {_v(hi, pct=True)} of the GPU's cost per token "
                    f"(point estimate {_v(share, pct=True)})", thr, "ge", "tax_share_material",
                    "vendor-margin share (low bound)"),
              untested("agents multiply token use",
                       "that the tax grows with usage as agents multiply token use: the book has no data on "
                       "agents' token use (a per-token cost grows with tokens by construction, which tests nothing)")]
    verdict = combine(checks)
    rule_text = (f"The recurring tax is tested on its range: from the company-wide gross margin (low) to a "
                 f"product-level estimate (high), the vendor's margin must be at least {_v(thr, pct=True)} of the "
                 "merchant GPU's cost per token: passes if the whole range is, fails if the whole range is below, "
                 "undecided if the range straddles the threshold. The rest of the claim (agents multiply usage) is "
                 "not tested: partly supported at best, not supported if the test fails, inconclusive if undecided.")
    test = f"vendor-margin share of the GPU's cost per token ≥ {_v(thr, pct=True)} over its whole range"
    return _outcome(verdict, rule_text, checks, test, "one default deployment, margin from two bounds", "", missing)


C7_READS = ("inference_tax.breakeven_total_tokens_per_year", "inference_tax.asic_reference_txt",
            "inference_tax.cost_per_mtok_asic_reference_usd",
            "inference_tax.cost_per_mtok_gpu_usd")


@rule("C7", *C7_READS)
def c7(ev: Evidence, p: Params) -> Outcome:
    key = "inference_tax.breakeven_total_tokens_per_year"
    missing = ev.missing(key)
    be = ev.number(key)
    never = key not in missing and be is None
    ref = ev.facts.get("reference_tokens_per_year")
    ref_name = ev.facts.get("reference_name", "the reference workload")
    volumes: dict[str, float] = dict(ev.facts.get("custom_chip_volumes") or {})
    if missing:
        t1 = None
        note1 = "no break-even volume in the evidence"
    elif never:
        t1, note1 = False, "the modeled custom chip never pays for itself against the current GPU (not cheaper per token)"
    elif ref is None:
        t1, note1 = None, "no reference workload in data/token_volumes.csv for the chosen provider and product"
    else:
        t1 = be <= ref
        gpu = ev.text("inference_tax.asic_reference_txt") or "the inference tax chapter's reference GPU"
        note1 = (f"against {gpu}, the modeled custom chip pays for itself from {_v(be, 'tokens')} a year "
                 f"(input and output), against {_v(ref, 'tokens')} a year for {ref_name}")
    above = sorted(c for c, v in volumes.items() if be is not None and v >= be)
    if missing:
        t2 = None
    else:
        t2 = False if never else len(above) >= p.min_companies_at_scale
    note2 = (f"of the {_count(len(volumes), 'company')} that run custom chips in service and state a token volume, "
             f"{_v(len(above))} state more than the break-even" + (f" ({', '.join(above)})" if above else ""))
    checks = [Check(key, be, f"≤ {_v(ref, 'tokens')} a year", t1, note1, ref, "le", None, "break-even volume"),
              Check("data.custom_chip_volumes", float(len(above)), f"≥ {_v(p.min_companies_at_scale)} companies", t2,
                    note2, float(p.min_companies_at_scale), "ge", "min_companies_at_scale",
                    "companies with custom chips above break-even")]
    verdict = INCONCLUSIVE if missing else combine(checks)
    rule_text = (f"Two tests. The model: the custom chip's break-even volume against a current GPU, counting input "
                 f"and output tokens, must be at most a real workload: the volume stated for {ref_name} (read in "
                 f"data/token_volumes.csv). Programs that exist: at least {_v(p.min_companies_at_scale)} of the "
                 "companies that run custom chips (data/accelerators.csv) must state token volumes above that "
                 "break-even. Supported if both hold, partly if one does, not supported if neither; the volumes are "
                 "the companies' own statements.")
    test = "break-even volume ≤ a real workload; companies with custom chips above it"
    sample = f"{_count(len(volumes), 'company')} with custom chips and a stated volume"
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


@rule("C8", "inference_tax.utilization_elasticity", "inference_tax.fixed_cost_share")
def c8(ev: Evidence, p: Params) -> Outcome:
    fleets: list[tuple[str, float]] = list(ev.facts.get("fleet_occupancy") or [])
    n = len(fleets)
    values = sorted(v for _, v in fleets)
    median = None if not values else (values[(n - 1) // 2] + values[n // 2]) / 2
    enough = n >= p.min_operators
    passed = None if median is None or not enough else median <= p.far_below_peak_max
    listed = ", ".join(f"{op} {fmt(v, sig=2, pct=True)}" for op, v in fleets) or "none"
    e = ev.number("inference_tax.utilization_elasticity")
    checks = [
        Check("data.fleet_occupancy", median, f"median ≤ {_v(p.far_below_peak_max, pct=True)} of peak", passed,
              f"measured average use of a serving fleet against its peak: {listed}"
              + ("" if enough else f" ({_count(n, 'operator')}, too few to say what is common: at least "
                                   f"{_v(p.min_operators)} needed)"),
              p.far_below_peak_max, "le", "far_below_peak_max", "measured fleet use (share of peak)"),
        context("inference_tax.utilization_elasticity", e,
                f"in the cost model one more point of utilization {'cuts' if (e or 0) < 0 else 'raises'} the cost "
                f"per token by {_v(None if e is None else abs(e))}%: an identity "
                "of the model (cost per token is inversely proportional to an assumed utilization), not evidence",
                "model's utilization elasticity (identity)"),
    ]
    verdict = combine(checks)
    rule_text = (f"Tested on measured fleet use, not on the cost model: \"far below the peak\" is read as a median "
                 f"average use of at most {_v(p.far_below_peak_max, pct=True)} of peak across operators that "
                 f"publish it, and \"often\" needs at least {_v(p.min_operators)} operators. Supported if the median "
                 "is that low, not supported if higher, inconclusive with fewer operators. The model's elasticity is "
                 "shown as context: it follows from the model's structure whatever the data.")
    test = f"median measured fleet use ≤ {_v(p.far_below_peak_max, pct=True)} of peak"
    sample = _count(n, "operator") + " with a measured fleet use (data/utilization_evidence.csv)"
    return _outcome(verdict, rule_text, checks, test, sample)


# --------------------------------------------------------------------------------------------------
# Tape-out (tapeout)

C9_READS = ("tapeout.nine_month_percentile", "tapeout.nine_month_percentile_low", "tapeout.nine_month_percentile_high",
            "tapeout.n_comparison", "tapeout.programs_with_design_and_tapeout",
            "tapeout.jalapeno_design_to_availability_months", "tapeout.jalapeno_design_to_availability_lo",
            "tapeout.jalapeno_design_to_availability_hi", "tapeout.median_design_to_tapeout_months",
            "tapeout.jalapeno_full_cycle_percentile", "tapeout.n_full_cycle_statements")


@rule("C9", *C9_READS)
def c9(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("tapeout.nine_month_percentile", "tapeout.n_comparison",
                         "tapeout.jalapeno_design_to_availability_months")
    pct = ev.number("tapeout.nine_month_percentile")
    p_lo, p_hi = ev.number("tapeout.nine_month_percentile_low"), ev.number("tapeout.nine_month_percentile_high")
    p_lo, p_hi = (p_lo, p_hi) if p_lo is not None and p_hi is not None else (pct, pct)
    n = ev.number("tapeout.n_comparison")
    d2a = ev.number("tapeout.jalapeno_design_to_availability_months")
    med = ev.number("tapeout.median_design_to_tapeout_months")
    full_pct, n_full = ev.number("tapeout.jalapeno_full_cycle_percentile"), ev.number("tapeout.n_full_cycle_statements")
    lo, hi = p.typical_cycle_min_months, p.typical_cycle_max_months
    enough = n is not None and n >= p.min_programs_typical
    thr = p.exceptional_percentile
    exceptional = (None if pct is None or not enough else
                   True if p_hi <= thr else False if p_lo > thr else None)
    # the chip's dates are known to a month or a quarter: its span is an interval; without one, the point
    d_lo = ev.number("tapeout.jalapeno_design_to_availability_lo")
    d_hi = ev.number("tapeout.jalapeno_design_to_availability_hi")
    d_lo, d_hi = (d_lo, d_hi) if d_lo is not None and d_hi is not None else (d2a, d2a)
    shorter = None if d2a is None else (True if d_hi < lo else False if d_lo >= lo else None)
    size = "" if enough else f" (too few to read a percentile: at least {_v(p.min_programs_typical)} needed)"
    checks = [
        Check("tapeout.nine_month_percentile", pct, f"≤ {_v(thr)}th percentile", exceptional,
              f"like for like (design start to tape-out), nine months sit at the {_v(pct)}th percentile of "
              f"{_count(n, 'comparison duration')} of the same phase (median of the dated programs "
              f"{_v(med, 'months')}){size}", thr, "le", "exceptional_percentile", "percentile of nine months, same phase"),
        Check("tapeout.jalapeno_design_to_availability_months", d2a, f"< {_v(lo, 'months')}", shorter,
              f"the chip's own dates put design start to availability at {_v(d2a, 'months')} ({_v(d_lo)} to "
              f"{_v(d_hi)} given the dates' precision), against the {_v(lo)} to {_v(hi)} months the article calls "
              "typical for a program", lo, "le", "typical_cycle_min_months", "the chip's design to availability"),
        context("tapeout.jalapeno_full_cycle_percentile", full_pct,
                f"among {_count(n_full, 'published full-cycle statement')}, the chip's program sits at the "
                f"{_v(full_pct)}th percentile", "the chip's program among published cycles"),
    ]
    verdict = INCONCLUSIVE if len(missing) == 3 else combine(checks)
    rule_text = ("Like for like, twice. The same phase: nine months from design start to tape-out must be "
                 f"exceptional among durations of that phase in other programs (at or below the {_v(thr)}th "
                 f"percentile, over at least {_v(p.min_programs_typical)} durations). The same program length: the "
                 f"article's typical {_v(lo)} to {_v(hi)} months cover a whole program, so the chip's own design "
                 "start to availability must be shorter than that for the chip to be faster than typical. Supported "
                 "if both hold, partly if one does, not supported if neither; a test whose sample is too small, or "
                 "whose interval straddles its threshold, decides nothing. The nine months are the companies' own "
                 "figure: the claim stays labelled self-reported unless the tests contradict it.")
    test = "percentile of nine months in the same phase; the chip's whole program against the typical range"
    sample = _count(n, "comparison duration") + " of the same phase; the chip's own dates for its whole program"
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


C10_READS = ("tapeout.min_feasible_cycle_months", "tapeout.nvidia_recent_generation_gap_months",
             "tapeout.median_design_to_tapeout_months")


def what_would_have_to_be_true(ev: Evidence, p: Params) -> list[str]:
    """For a forecast of cycles of S months: what the world would have to look like, in two readings
    of "cycle" (one program end to end; the cadence of overlapping programs)."""
    floor = ev.number("tapeout.min_feasible_cycle_months")
    cadence = ev.number("tapeout.nvidia_recent_generation_gap_months")
    design = ev.number("tapeout.median_design_to_tapeout_months")
    out = []
    for s in (p.short_cycle_months, p.shortest_cycle_months):
        if floor is not None:
            room = s - floor
            end_to_end = (f"end to end, a cycle of {_v(s, 'months')} leaves {_v(room, 'months')} for design once the "
                          f"manufacturing phases take their assumed {_v(floor, 'months')}" if room > 0 else
                          f"end to end, a cycle of {_v(s, 'months')} is shorter than the manufacturing phases alone "
                          f"({_v(floor, 'months')}), so it could only mean a cadence of overlapping programs")
            if room > 0 and design is not None:
                end_to_end += f" (design now takes {_v(design, 'months')} at the median)"
            out.append(end_to_end)
        if cadence is not None:
            out.append(f"as a cadence, a new generation every {_v(s, 'months')} is {_v(cadence / s)} times as often "
                       f"as NVIDIA's recent {_v(cadence, 'months')}")
    return out


@rule("C10", *C10_READS)
def c10(ev: Evidence, p: Params) -> Outcome:
    floor = ev.number("tapeout.min_feasible_cycle_months")
    cadence = ev.number("tapeout.nvidia_recent_generation_gap_months")
    checks = [context("tapeout.min_feasible_cycle_months", floor,
                      f"the manufacturing phases (fab, packaging, bring-up) take at least {_v(floor, 'months')} by the "
                      "tape-out chapter's sourced assumptions; they bound manufacturing, not design",
                      "manufacturing floor"),
              context("tapeout.nvidia_recent_generation_gap_months", cadence,
                      f"NVIDIA's recent generations arrive every {_v(cadence, 'months')} (median of the last three)",
                      "NVIDIA's recent cadence")]
    needs = what_would_have_to_be_true(ev, p)
    rule_text = ("Not testable: a forecast of what AI-assisted design could do, which no data today can confirm or "
                 "refute (manufacturing floors bound a different phase). What would have to be true: "
                 + ("; ".join(needs) if needs else "the tape-out chapter's results are missing") + ".")
    return _outcome(NOT_TESTABLE, rule_text, checks, "none (a forecast)", "")


@rule("C12")
def c12(ev: Evidence, p: Params) -> Outcome:
    rule_text = ("No public specification, benchmark or deployment shows what the chip runs or where OpenAI "
                 "trains: the claim can only be reported as the companies' statement.")
    return Outcome(INCONCLUSIVE, rule_text, (), "no independent evidence exists.", "none possible", "")


# --------------------------------------------------------------------------------------------------
# The flywheel (flywheel)

C11_READS = ("flywheel.crossover_month", "flywheel.cost_per_mtok_ratio_y5", "flywheel.lead_share_tax",
             "flywheel.lead_share_cycle", "flywheel.lead_share_data", "flywheel.share_of_runs_integrated_ahead",
             "flywheel.sensitivity_runs", "flywheel.morris_runs", "flywheel.most_sensitive_parameter")

#: The flywheel's lead sources in words.
LEAD_SOURCES = {"flywheel.lead_share_tax": "the tax saved", "flywheel.lead_share_cycle": "faster chip cycles",
                "flywheel.lead_share_data": "workload data and model quality"}


def main_lead_source(ev: Evidence) -> tuple[str, float] | None:
    """The source of the integrated lead with the largest share (None when the shares are missing)."""
    key = main_lead_key(ev)
    return None if key is None else (LEAD_SOURCES[key], ev.number(key))


def main_lead_key(ev: Evidence) -> str | None:
    """The result key of the largest source of the lead."""
    shares = {k: ev.number(k) for k in LEAD_SOURCES}
    shares = {k: v for k, v in shares.items() if v is not None}
    return max(shares, key=lambda x: shares[x]) if shares else None


@rule("C11", *C11_READS)
def c11(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("flywheel.crossover_month", "flywheel.cost_per_mtok_ratio_y5")
    month = ev.number("flywheel.crossover_month")
    ratio = ev.number("flywheel.cost_per_mtok_ratio_y5")
    share = ev.number("flywheel.share_of_runs_integrated_ahead")
    runs = ev.number("flywheel.sensitivity_runs") or ev.number("flywheel.morris_runs")
    cross = None if "flywheel.crossover_month" in missing else (month is not None and month <= p.flywheel_horizon_months)
    main = main_lead_source(ev)
    parts = ", ".join(f"{name} {_v(ev.number(k), pct=True)}" for k, name in LEAD_SOURCES.items()
                      if ev.number(k) is not None)
    checks = [
        Check("flywheel.crossover_month", month, f"≤ {_v(p.flywheel_horizon_months)}", cross,
              "the integrated strategy never overtakes the merchant one" if cross is False and month is None else
              f"the integrated strategy's cumulative cash overtakes the merchant's in month {_v(month)}",
              p.flywheel_horizon_months, "le", "flywheel_horizon_months", "crossover month"),
        Check("flywheel.cost_per_mtok_ratio_y5", ratio, "< 1", None if ratio is None else ratio < 1,
              f"in year five the integrated cost per token is {_v(ratio)} times the merchant's", 1.0, "le",
              label="year-five cost ratio"),
        untested("the loop's premises",
                 "that workload data makes better models and better chips, and cheaper tokens bring more users: the "
                 "model assumes these links, it does not measure them"),
        context(main_lead_key(ev) or "flywheel.lead_share_tax", None if main is None else main[1],
                f"the lead decomposes into {parts}: it rests most on {main[0]}" if main else
                "no decomposition of the lead in the evidence", "largest source of the lead"),
        context("flywheel.share_of_runs_integrated_ahead", share,
                f"integration leads at year five in {_v(share, pct=True)} of {_count(runs, 'screening run')} over "
                "the assumed parameter ranges: a share of runs, which describes the ranges, not a probability",
                "share of screening runs ahead"),
    ]
    verdict = INCONCLUSIVE if len(missing) == 2 else combine(checks)
    rule_text = (f"Conditional on the flywheel model's premises: within the model, the integrated strategy must "
                 f"overtake the merchant one within {_v(p.flywheel_horizon_months)} months and produce cheaper tokens "
                 "in year five. The premises themselves (data makes better chips and models) are not measured, so "
                 "the verdict is at most partly supported; the decomposition of the lead says which premise it "
                 "rests on.")
    test = f"model crossover ≤ {_v(p.flywheel_horizon_months)} months and year-five cost ratio < 1"
    sample = "one model run at the default parameters" + (f"; {_count(runs, 'screening run')}" if runs else "")
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


# --------------------------------------------------------------------------------------------------

def label(claim: Claim, outcome: Outcome) -> str:
    """The verdict the page shows: a self-reported claim keeps that label unless independent evidence
    contradicts it (not supported) or the results its check needs are missing (inconclusive)."""
    if not claim.self_reported:
        return outcome.verdict
    if outcome.verdict == NOT_SUPPORTED:
        return NOT_SUPPORTED
    if outcome.missing and outcome.verdict == INCONCLUSIVE:
        return INCONCLUSIVE
    return SELF_REPORTED


def assess_claim(claim: Claim, ev: Evidence, p: Params) -> Verdict:
    if claim.id not in RULES:
        raise KeyError(f"{claim.id}: no verdict rule; add one to tokenfactory.claims.rules")
    out = RULES[claim.id].fn(ev, p)
    return Verdict(claim, label(claim, out), out.verdict, out.rule, out.checks, out.reason, out.test, out.sample,
                   out.power, out.missing)


def assess(ledger: Ledger, ev: Evidence, p: Params) -> list[Verdict]:
    """Every claim's verdict, in ledger order."""
    return [assess_claim(c, ev, p) for c in ledger.claims]


def counts(verdicts: list[Verdict]) -> dict[str, int]:
    """How many claims got each verdict (every verdict present, zero included)."""
    out = {v: 0 for v in VERDICTS}
    for v in verdicts:
        out[v.verdict] += 1
    return out


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
