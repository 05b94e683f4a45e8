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

from ..formatting import fmt
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
    #: the reason in one clause, where the rule words it itself (else the ledger composes it from the checks)
    summary: str = ""


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
    summary: str = ""


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

C1_READS = ("compute_gap.open_lag_months_epoch_footing", "compute_gap.ref_epoch_2025_lag_avg_months",
            "compute_gap.ref_epoch_2025_lag_avg_months_low", "compute_gap.ref_epoch_2025_lag_avg_months_high",
            "compute_gap.open_lag_months_average", "compute_gap.lag_average_n", "compute_gap.lag_average_start",
            "compute_gap.lag_average_end", "compute_gap.open_lag_trend_months_per_year", "compute_gap.lag_trend_low",
            "compute_gap.lag_trend_high", "compute_gap.n_records", "compute_gap.current_lag_months",
            "compute_gap.unmatched_lag_months", "compute_gap.open_lag_months_latest")


@rule("C1", *C1_READS)
def c1(ev: Evidence, p: Params) -> Outcome:
    limit = p.catch_up_months_max
    missing = ev.missing("compute_gap.open_lag_months_epoch_footing", "compute_gap.lag_trend_low",
                         "compute_gap.lag_trend_high")
    level = ev.number("compute_gap.open_lag_months_epoch_footing")
    epoch = ev.number("compute_gap.ref_epoch_2025_lag_avg_months")
    e_lo, e_hi = (ev.number("compute_gap.ref_epoch_2025_lag_avg_months_low"),
                  ev.number("compute_gap.ref_epoch_2025_lag_avg_months_high"))
    avg = ev.number("compute_gap.open_lag_months_average")
    trend = ev.number("compute_gap.open_lag_trend_months_per_year")
    low, high = ev.number("compute_gap.lag_trend_low"), ev.number("compute_gap.lag_trend_high")
    n_avg, n_rec = ev.number("compute_gap.lag_average_n"), ev.number("compute_gap.n_records")
    start, end = ev.text("compute_gap.lag_average_start"), ev.text("compute_gap.lag_average_end")
    window = f" from {start} to {end}" if start and end else ""
    shrinking = None if low is None or high is None else (True if high < 0 else False if low > 0 else None)
    half = None if low is None or high is None else (high - low) / 2
    beside = (f", beside Epoch AI's published {_v(epoch, 'months')} (90% interval {_v(e_lo)} to {_v(e_hi)})"
              if epoch is not None else "")
    checks = [
        Check("compute_gap.open_lag_months_epoch_footing", level, f"≤ {_v(limit, 'months')}",
              None if level is None else level <= limit,
              f"on Epoch AI's footing (its ECI window, the horizontal gap averaged over capability levels), open "
              f"models take {_v(level, 'months')} to catch up{beside}",
              limit, "le", "catch_up_months_max", "open-model lag, level average (Epoch AI's footing)"),
        Check("compute_gap.open_lag_trend_months_per_year", trend, "interval wholly below 0 (lag shrinking)", shrinking,
              f"the lag changes by {_v(trend, 'months per year')} (interval {_v(low)} to {_v(high)})",
              label="trend of the lag"),
        context("compute_gap.open_lag_months_average", avg,
                f"a second view: averaged over time{window}, the lag is {_v(avg, 'months')}; a time average also "
                "counts the weeks the best open model ages between releases (the sawtooth), so it runs longer than "
                "Epoch AI's level average", "time-averaged open-model lag"),
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
    verdict = INCONCLUSIVE if "compute_gap.open_lag_months_epoch_footing" in missing else combine(checks)
    rule_text = (f"\"Within months\" is read as a lag of at most {_v(limit, 'months')} measured as Epoch AI measures "
                 "it: the horizontal gap between the best-to-date closed and open lines, averaged over the capability "
                 "levels both reached, on Epoch's ECI window; the book's figure stands beside Epoch's published one. "
                 "The lag averaged over time (which also counts how long the best open model has aged), today's "
                 "point lag and the oldest unmatched closed model are second views (see the flip table). "
                 "\"Shrinking\" needs a trend of the lag whose interval lies wholly below zero; an interval that "
                 "straddles zero leaves that part undecided. The gap between the leading labs themselves is not "
                 "measured, so the verdict is at most partly supported: partly if either part holds; not supported "
                 "if the lag is longer than the threshold and the trend does not show shrinking; inconclusive if "
                 "neither part can be decided.")
    within = {True: "within", False: "beyond", None: "against"}[None if level is None else level <= limit]
    trend_words = {True: "the lag is shrinking", False: "the lag is not shrinking",
                   None: f"whether it shrinks is undecided (trend {_v(low)} to {_v(high)} months a year)"}[shrinking]
    summary = (f"open models take {_v(level, 'months')} to catch up on Epoch AI's footing (Epoch AI: {_v(epoch, 'months')}), "
               f"{within} the {_v(limit)}-month reading of \"within months\"; {trend_words}; the gap between the leading "
               "labs is not measured")
    test = f"level-averaged lag (Epoch AI's footing) ≤ {_v(limit, 'months')}; bootstrap interval of the lag's trend below zero"
    sample = ("Epoch AI's ECI window (models released January 2023 to October 2025)"
              + (f"; {_count(n_avg, 'weekly date')} in the time average" if n_avg is not None else "")
              + (f"; {_count(n_rec, 'closed frontier record')} for the trend" if n_rec is not None else ""))
    power = ("" if half is None else
             f"the trend's interval is ±{_v(half, 'months per year')} wide: a change of the lag smaller than that "
             "could not be told from none")
    out = _outcome(verdict, rule_text, checks, test, sample, power, missing)
    return Outcome(**{**out.__dict__, "summary": summary})


C2_READS = ("compute_gap.window_trend_rho", "compute_gap.window_trend_p", "compute_gap.leadership_windows_n",
            "compute_gap.window_n", "compute_gap.window_power_at_reference", "compute_gap.window_trend_reference",
            "compute_gap.window_detectable_change", "compute_gap.leadership_data_end", "compute_gap.leaderboard",
            "compute_gap.window_trend_alpha", "compute_gap.window_power_target")


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
    # the level and the power required are the compute-gap chapter's parameters (one test, one owner)
    alpha, power_min = ev.number("compute_gap.window_trend_alpha"), ev.number("compute_gap.window_power_target")
    missing += ev.missing("compute_gap.window_trend_alpha", "compute_gap.window_power_target")
    sig = None if rho is None or pval is None or alpha is None else pval < alpha
    powered = None if power is None or power_min is None else power >= power_min
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
        Check("compute_gap.window_trend_p", pval, f"< {_v(alpha)}", sig,
              f"Spearman's rank correlation of a leadership window's length with its start date is {_v(rho)} "
              f"(later windows lean {lean}), p = {_v(pval)}" if rho is not None else "no rank test in the evidence",
              alpha, "le", None, "p-value of the rank test"),
        Check("compute_gap.window_power_at_reference", power, f"≥ {_v(power_min, pct=True)}", powered,
              f"the test detects a shortening of {_v(None if ref is None else -ref, pct=True)} a year with "
              f"probability {_v(power, pct=True)}", power_min, "ge", None, "power of the rank test"),
    ]
    rule_text = (f"The chapter's test: Spearman's rank correlation between a leadership window's start date and "
                 f"its length. Supported if negative with p below {_v(alpha)}; not supported if "
                 f"significantly positive, or if it is not significant although the test had at least "
                 f"{_v(power_min, pct=True)} power against the chapter's reference shortening; inconclusive when "
                 "it is not significant and had less power than that: a test that could not have seen the trend is "
                 "not evidence against it.")
    test = f"rank correlation of window length with start date, p < {_v(alpha)}"
    sample = (_count(n_done, "completed leadership window") + f" (of {_count(n, 'window')})"
              if n_done is not None else _count(n, "leadership window"))
    sample += (f" on {board}" if board else "") + (f", data to {end}" if end else "")
    det = ("no shortening in the range simulated" if detectable is None else
           f"a shortening of {_v(-detectable, pct=True)} a year")
    power_txt = (f"power {_v(power, pct=True)} against a shortening of {_v(None if ref is None else -ref, pct=True)} "
                 f"a year; the smallest it detects with {_v(power_min, pct=True)} probability: {det}"
                 if power is not None else "")
    return _outcome(verdict, rule_text, checks, test, sample, power_txt, missing)


C3_READS = ("compute_gap.training_compute_closed_open_ratio", "compute_gap.training_compute_ratio_low",
            "compute_gap.training_compute_ratio_high", "compute_gap.training_compute_ratio_at_epoch",
            "compute_gap.training_compute_open_lag_months", "compute_gap.training_compute_open_lag_low",
            "compute_gap.training_compute_open_lag_high", "compute_gap.training_compute_lag_at_epoch_months",
            "compute_gap.training_compute_gap_date", "compute_gap.training_compute_n_open",
            "compute_gap.training_compute_n_closed", "compute_gap.capex_cagr_recent", "compute_gap.capex_cagr",
            "compute_gap.capex_total_latest_usd_bn", "compute_gap.training_compute_ratio_leave_one_out_low",
            "compute_gap.training_compute_ratio_leave_one_out_high",
            "compute_gap.training_compute_leave_one_out_change_min",
            "compute_gap.training_compute_leave_one_out_change_max",
            "compute_gap.training_compute_leave_one_out_weakest_lab", "compute_gap.training_compute_leave_one_out_labs",
            "compute_gap.training_compute_ratio_top3", "compute_gap.training_compute_ratio_top3_at_epoch",
            "compute_gap.training_compute_top_closed", "compute_gap.training_compute_top_open",
            "compute_gap.training_compute_top_closed_date", "compute_gap.training_compute_top_open_date",
            "compute_gap.compute_owned_ratio_first", "compute_gap.compute_owned_ratio_last",
            "compute_gap.compute_owned_ratio_last_low", "compute_gap.compute_owned_ratio_last_high",
            "compute_gap.compute_owned_first_quarter", "compute_gap.compute_owned_last_quarter",
            "compute_gap.compute_owned_leader", "compute_gap.compute_owned_direction")


def robust_to_one_lab(change_min: float | None, change_max: float | None, top_now: float | None,
                      top_then: float | None) -> bool | None:
    """Widening that does not rest on one lab: with any one lab left out the ratio still grew since the
    earlier date (smallest change above one) and the mean of the top three runs grew too (True);
    narrowing on both readings (False); otherwise, or unknown, undecided (None)."""
    if None in (change_min, change_max, top_now, top_then):
        return None
    if change_min > 1 and top_now > top_then:
        return True
    if change_max < 1 and top_now < top_then:
        return False
    return None


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
    top_c, top_o = ev.text("compute_gap.training_compute_top_closed"), ev.text("compute_gap.training_compute_top_open")
    d_c, d_o = ev.text("compute_gap.training_compute_top_closed_date"), ev.text("compute_gap.training_compute_top_open_date")
    capex = ev.number("compute_gap.capex_cagr_recent")
    n_open, n_closed = ev.number("compute_gap.training_compute_n_open"), ev.number("compute_gap.training_compute_n_closed")
    l_lo, l_hi = (ev.number("compute_gap.training_compute_ratio_leave_one_out_low"),
                  ev.number("compute_gap.training_compute_ratio_leave_one_out_high"))
    c_min, c_max = (ev.number("compute_gap.training_compute_leave_one_out_change_min"),
                    ev.number("compute_gap.training_compute_leave_one_out_change_max"))
    weakest = ev.text("compute_gap.training_compute_leave_one_out_weakest_lab")
    n_labs = ev.number("compute_gap.training_compute_leave_one_out_labs")
    t3, t3e = ev.number("compute_gap.training_compute_ratio_top3"), ev.number("compute_gap.training_compute_ratio_top3_at_epoch")
    robust = robust_to_one_lab(c_min, c_max, t3, t3e)
    runs = (f" ({top_c} of {d_c} against {top_o} of {d_o})" if top_c and top_o and d_c and d_o else "")
    at = f" at the table's newest run ({date})" if date else ""
    checks = [
        Check("compute_gap.training_compute_closed_open_ratio", ratio, "interval wholly above the earlier ratio",
              widening,
              f"{at.strip() + ', ' if at else ''}the largest closed training run to date uses {_v(ratio)} times the "
              f"compute of the largest open one{runs} (interval {_v(lo)} to {_v(hi)}), against {_v(then)} times at "
              "the date of Epoch AI's report", label="closed/open training-compute ratio"),
        Check("compute_gap.training_compute_leave_one_out_change_min", c_min,
              "every lab left out still widens, and the top-three mean widens", robust,
              f"with any one of {_count(n_labs, 'lab')} left out the ratio is {_v(l_lo)} to {_v(l_hi)} times, "
              f"at least {_v(c_min)} times its value at Epoch AI's report without the same lab (smallest without "
              f"{weakest or 'the lab named'}); the mean of the top three runs on each side gives {_v(t3)} times, "
              f"against {_v(t3e)} then", label="compute ratio robust to one lab"),
        Check("compute_gap.capex_cagr_recent", capex, f"≥ {_v(p.capex_growth_min, pct=True)} a year",
              None if capex is None else capex >= p.capex_growth_min,
              f"the leaders' capital spending grows {_v(capex, pct=True)} a year over the recent window",
              p.capex_growth_min, "ge", "capex_growth_min", "capex growth (recent)"),
        untested("energy", "energy supply, the last of the claim's dividers: the book has no data on the players' "
                           "power capacity"),
        context("compute_gap.compute_owned_ratio_last", ev.number("compute_gap.compute_owned_ratio_last"),
                f"compute owned (Epoch AI's estimates of NVIDIA GPUs bought since 2022): the largest owner, "
                f"{ev.text('compute_gap.compute_owned_leader') or 'missing'}, holds "
                f"{_v(ev.number('compute_gap.compute_owned_ratio_last'))} times the open-weights spender's compute in "
                f"{ev.text('compute_gap.compute_owned_last_quarter') or 'the last quarter'} "
                f"({_v(ev.number('compute_gap.compute_owned_ratio_last_low'))} to "
                f"{_v(ev.number('compute_gap.compute_owned_ratio_last_high'))} from Epoch's percentiles), against "
                f"{_v(ev.number('compute_gap.compute_owned_ratio_first'))} in "
                f"{ev.text('compute_gap.compute_owned_first_quarter') or 'the first quarter'}: that gap "
                f"{ev.text('compute_gap.compute_owned_direction') or 'cannot be read'}", "compute owned, largest over open spender"),
    ]
    verdict = combine(checks)
    rule_text = ("The compute gap is measured directly: the ratio of the largest closed training run to date to the "
                 "largest open-weights one at the table's newest run, with its interval, against the same ratio at "
                 "the date of Epoch AI's report. Widening if the whole interval lies above the earlier ratio, "
                 "narrowing if below, undecided if it straddles it. Because the maxima can rest on one lab's "
                 "estimated run, the widening must also survive leaving out any one lab (each lab-less ratio now "
                 "against the same lab-less ratio then) and hold for the mean of the top three runs on each side. "
                 f"Capital spending pulls away if the leaders' spending grows at least "
                 f"{_v(p.capex_growth_min, pct=True)} a year over the recent window. Energy, the claim's last divider, "
                 "is not in the book's data, so the verdict is at most partly supported: partly if any test holds, "
                 "not supported if none does, inconclusive if none can be decided.")
    trend = {True: f"up from {_v(then)} at Epoch AI's report", False: f"down from {_v(then)} at Epoch AI's report",
             None: f"against {_v(then)} at Epoch AI's report (the interval straddles it)"}[widening]
    lab = {True: f"the widening survives leaving out any one lab (at least ×{_v(c_min)})",
           False: "with any one lab left out the ratio narrows",
           None: f"it does not survive leaving out every lab (least with {weakest or 'one lab'} out)"}[robust]
    cap = ("capex growth is missing" if capex is None else
           f"capex grows {_v(capex, pct=True)} a year" + ("" if capex >= p.capex_growth_min else
                                                          f", below the {_v(p.capex_growth_min, pct=True)} threshold"))
    summary = (f"the largest closed training run is {_v(ratio)} times the largest open one, {trend}; {lab}; {cap}; "
               "energy is not measured")
    test = ("closed/open compute ratio now vs at the earlier date (interval); the same with each lab left out and "
            "for the top-three means; capex growth over the recent window")
    sample = (f"{_count(n_closed, 'closed run')} and {_count(n_open, 'open run')} with known training compute"
              if n_open is not None and n_closed is not None else "")
    power = ("" if lo is None or hi is None else
             f"the ratio's interval ({_v(lo)} to {_v(hi)}) sets the smallest change from the earlier ratio it can show")
    out = _outcome(verdict, rule_text, checks, test, sample, power, missing)
    return Outcome(**{**out.__dict__, "summary": summary})


# --------------------------------------------------------------------------------------------------
# The inference tax (inference_tax)

C4_READS = ("inference_tax.cheapest_accelerator_measured", "inference_tax.cheapest_measured_n",
            "inference_tax.cheapest_accelerator_model", "inference_tax.cost_per_mtok_gpu_usd",
            "inference_tax.c4_footings", "inference_tax.c4_footings_claimant_cheapest",
            "inference_tax.c4_footings_claimant_fastest", "inference_tax.c4_newest_fastest",
            "inference_tax.claimant_vendor", "inference_tax.min_accelerators_compared")


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
    least the inference-tax chapter's `min_accelerators_compared` priced accelerators, one of them a
    rival's); the highest throughput per chip on every such footing (the claim's second half, tested
    apart). A split of the footings fails the second
    test, so the verdict is at most "partly supported" unless every footing agrees."""
    missing = ev.missing("inference_tax.cheapest_accelerator_measured", "inference_tax.cheapest_measured_n",
                         "inference_tax.c4_footings", "inference_tax.c4_footings_claimant_cheapest",
                         "inference_tax.c4_footings_claimant_fastest", "inference_tax.claimant_vendor",
                         "inference_tax.min_accelerators_compared")
    # the vendor whose claim is tested is the inference-tax chapter's parameter (it counted the footings for it)
    claimant = ev.text("inference_tax.claimant_vendor")
    who = claimant or "the claimant"
    measured = ev.text("inference_tax.cheapest_accelerator_measured")
    n = ev.number("inference_tax.cheapest_measured_n")
    modeled = ev.text("inference_tax.cheapest_accelerator_model")
    nf = ev.number("inference_tax.c4_footings")
    kc = ev.number("inference_tax.c4_footings_claimant_cheapest")
    kf = ev.number("inference_tax.c4_footings_claimant_fastest")
    fastest_new = ev.text("inference_tax.c4_newest_fastest")
    vm, vmod = vendor_of(ev, measured), vendor_of(ev, modeled)
    # the fewest chips a footing compares is the inference-tax chapter's parameter (it counted the footings with it)
    needed = ev.number("inference_tax.min_accelerators_compared")
    enough = n is not None and needed is not None and n >= needed
    passed = None if (measured is None or vm is None or not enough or claimant is None) else vm == claimant
    size = "" if enough or n is None or needed is None else (f", too few to name the cheapest (at least "
                                                             f"{_v(needed)} needed)")
    def share(k: float | None) -> str:
        return "unknown" if k is None or nf is None else f"{_v(k)} of {_count(nf, 'footing')}"
    checks = [
        Check("inference_tax.cheapest_accelerator_measured", measured or None, f"made by {who}", passed,
              f"on the newest qualifying measured footing, the cheapest per token of {_count(n, 'accelerator')} "
              f"compared is {measured or 'none'}" + (f" ({vm})" if vm else "") + size,
              label="cheapest accelerator, newest footing"),
        Check("inference_tax.c4_footings_claimant_cheapest", kc, f"{who} cheapest on every footing",
              c4_every_footing(kc, nf),
              f"{who}'s chip is the cheapest per token on {share(kc)} that compare at least "
              f"{_v(needed) if needed is not None else 'the required number of'} priced accelerators, one a rival's", label="footings where the vendor is cheapest"),
        Check("inference_tax.c4_footings_claimant_fastest", kf,
              f"{who} highest throughput per chip on every footing", c4_every_footing(kf, nf),
              f"{who}'s chip serves the most tokens per chip on {share(kf)}"
              + (f" (newest: {fastest_new})" if fastest_new else ""), label="footings where the vendor is fastest"),
        context("inference_tax.cheapest_accelerator_model", modeled or None,
                f"in the calibrated cost model, the cheapest is {modeled or 'none'}" + (f" ({vmod})" if vmod else ""),
                "cheapest accelerator, modeled"),
    ]
    verdict = INCONCLUSIVE if not [c for c in checks if c.role == TEST and c.passed is not None] else combine(checks)
    rule_text = (f"The vendor's claim is that {who}'s systems make the cheapest tokens and the most tokens "
                 "per chip. It is read on every measured footing (one model, one source round, one scenario, or one "
                 f"speed per user for frontiers) that compares at least "
                 f"{_v(needed) if needed is not None else 'the required number of'} priced "
                 "accelerators, one of them a rival's, newest first, all priced at one rental tier. Three tests: the "
                 "cheapest on the newest footing is the vendor's; it is the vendor's on every footing; the highest "
                 "throughput per chip is the vendor's on every footing. Supported if all hold, partly if some do (a "
                 "split of the footings), not supported if none does, inconclusive without a qualifying footing. The "
                 "cost model's cheapest is a second view (flip table).")
    test = (f"{who} cheapest on the newest footing, cheapest on every footing, most tokens per chip on "
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


C7_READS = ("inference_tax.breakeven_total_tokens_per_year", "inference_tax.breakeven_tokens_per_year",
            "inference_tax.asic_nre_usd", "inference_tax.asic_nre_per_year_usd",
            "inference_tax.asic_reference_accelerator",
            "inference_tax.cost_per_mtok_asic_reference_usd", "inference_tax.cost_per_mtok_gpu_usd")


def _c7_tests(be: float | None, never: bool, ref: float | None, volumes: dict[str, float],
              p: Params) -> tuple[bool | None, bool | None, list[str]]:
    """C7's two tests at a break-even volume `be` (total tokens a year): the model's break-even against
    the reference workload, and the companies with a sourced deployment whose stated volume exceeds it."""
    if never:
        return False, False, []
    t1 = None if be is None or ref is None else be <= ref
    above = sorted(c for c, v in volumes.items() if be is not None and v >= be)
    t2 = None if be is None else len(above) >= p.min_companies_at_scale
    return t1, t2, above


@rule("C7", *C7_READS)
def c7(ev: Evidence, p: Params) -> Outcome:
    key = "inference_tax.breakeven_total_tokens_per_year"
    missing = ev.missing(key)
    be = ev.number(key)
    never = key not in missing and be is None
    ref = ev.facts.get("reference_tokens_per_year")
    ref_name = ev.facts.get("reference_name", "the reference workload")
    volumes: dict[str, float] = dict(ev.facts.get("custom_chip_volumes") or {})
    excluded: dict[str, str] = dict(ev.facts.get("custom_chip_excluded") or {})
    t1, t2, above = _c7_tests(be, never, ref, volumes, p)
    if missing:
        t1 = t2 = None
        note1 = "no break-even volume in the evidence"
    elif never:
        note1 = "the modeled custom chip never pays for itself against the current GPU (not cheaper per token)"
    elif ref is None:
        note1 = "no reference workload in data/token_volumes.csv for the chosen provider and product"
    else:
        gpu = ev.text("inference_tax.asic_reference_accelerator") or "the inference tax chapter's reference GPU"
        mix = token_mix(ev)
        mix_txt = "" if mix is None else f", at the inference tax chapter's token mix of {_v(mix)} input per output token"
        note1 = (f"against {gpu}, the modeled custom chip pays for itself from {_v(be, 'tokens')} a year "
                 f"(input and output{mix_txt}), against {_v(ref, 'tokens')} a year for {ref_name}")
    left = "; ".join(f"{c} ({why})" for c, why in sorted(excluded.items()))
    note2 = (f"of the {_count(len(volumes), 'company')} with a sourced deployment of their own custom chip and a stated "
             f"token volume, {_v(len(above))} {'states' if len(above) == 1 else 'state'} more than the break-even"
             + (f" ({', '.join(above)})" if above else "")
             + (f"; not counted: {left}" if left else ""))
    cost = program_cost_usd(ev)
    flip, after = (None, None) if missing or never else c7_flip(ev, p)
    lo_c, hi_c = p.program_cost_low_usd, p.program_cost_high_usd
    # Like C6's margin and C3's ratios, a test decides only where it decides over the whole range of
    # program costs reported for such programs: the break-even is proportional to the program cost, so
    # the range's two ends bound it. The modeled cost's own result is kept in the notes.
    if not missing and not never and cost is not None and be is not None and be > 0:
        be_lo, be_hi = be * lo_c / cost, be * hi_c / cost
        t1 = c7_range_test(be_lo, be_hi, ref)
        t2 = c7_range_count(be_lo, be_hi, volumes, p.min_companies_at_scale)
        span = (f"; over program costs of {_v(lo_c, 'USD')} to {_v(hi_c, 'USD')} the break-even runs from "
                f"{_v(be_lo, 'tokens')} to {_v(be_hi, 'tokens')} a year")
        note1 += span + ("" if t1 is not None else ": the test holds at one end of the range and fails at the other, "
                         "so it decides nothing")
        n_lo = sum(1 for v in volumes.values() if v >= be_hi)
        n_hi = sum(1 for v in volumes.values() if v >= be_lo)
        note2 += (f"; over the range of program costs, {_v(n_lo)} to {_v(n_hi)} compan{'y' if n_hi == 1 else 'ies'} "
                  "clear it" + ("" if t2 is not None else ", on both sides of the minimum: undecided"))
    if flip is None:
        flip_note = ("no program cost between a tenth and ten times the modeled one moves the verdict"
                     if cost is not None and not missing and not never else "the flip cost cannot be computed")
    else:
        inside = lo_c <= flip <= hi_c
        flip_note = (f"the break-even is proportional to the program cost (modeled: {_v(cost, 'USD')}); the verdict becomes "
                     f"'{after}' at a program cost of {_v(flip, 'USD')}, "
                     + ("inside" if inside else "outside") + f" the {_v(lo_c, 'USD')} to {_v(hi_c, 'USD')} reported for such "
                     f"programs (at {_v(lo_c, 'USD')}: {c7_verdict_at_cost(ev, p, lo_c)}; at {_v(hi_c, 'USD')}: "
                     f"{c7_verdict_at_cost(ev, p, hi_c)})")
    checks = [Check(key, be, f"≤ {_v(ref, 'tokens')} a year", t1, note1, ref, "le", None, "break-even volume"),
              Check("data.custom_chip_volumes", float(len(above)), f"≥ {_v(p.min_companies_at_scale)} companies", t2,
                    note2, float(p.min_companies_at_scale), "ge", "min_companies_at_scale",
                    "companies with custom chips above break-even"),
              context("claims.c7_flip_program_cost_usd", flip, flip_note, "program cost at which the verdict flips")]
    verdict = INCONCLUSIVE if missing else combine(checks)
    rule_text = (f"Two tests. The model: the custom chip's break-even volume against a current GPU, counting input "
                 f"and output tokens at the inference tax chapter's token mix and its program cost, must be at most a "
                 f"real workload: the volume stated for {ref_name} (read in data/token_volumes.csv). Programs that "
                 f"exist: at least {_v(p.min_companies_at_scale)} companies with a sourced deployment of their own custom "
                 "chip (a first deployment or general availability in data/chip_programs.csv that happened; an "
                 f"announced target does not count, and {p.claim_subject}, the claim's own subject, never counts) must "
                 "state token volumes above that break-even. Supported if both hold, partly if one does, not supported "
                 "if neither; the volumes are the companies' own statements. The break-even is proportional to the "
                 f"program cost, which is known only as a range ({_v(lo_c, 'USD')} to {_v(hi_c, 'USD')} reported for "
                 "such programs): each test decides only where it holds, or fails, over the whole range; the page "
                 "gives the cost at which the verdict flips.")
    test = "break-even volume ≤ a real workload; companies with a sourced custom-chip deployment above it"
    sample = f"{_count(len(volumes), 'company')} with a sourced custom-chip deployment and a stated volume"
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


C8_READS = ("inference_tax.utilization_elasticity", "inference_tax.fixed_cost_share",
            "inference_tax.c8_hardware_use_median", "inference_tax.c8_hardware_use_low",
            "inference_tax.c8_hardware_use_high", "inference_tax.c8_bandwidth_use_median",
            "inference_tax.c8_compute_use_median", "inference_tax.c8_hardware_points",
            "inference_tax.c8_hardware_sources")


@rule("C8", *C8_READS)
def c8(ev: Evidence, p: Params) -> Outcome:
    thr = p.far_below_peak_max
    # reading 1: hardware use against its datasheet peak, in measured serving runs
    use, lo, hi = (ev.number(f"inference_tax.c8_hardware_use_{k}") for k in ("median", "low", "high"))
    mbu, mfu = ev.number("inference_tax.c8_bandwidth_use_median"), ev.number("inference_tax.c8_compute_use_median")
    n_pts, n_src = ev.number("inference_tax.c8_hardware_points"), ev.number("inference_tax.c8_hardware_sources")
    lo, hi = (lo, hi) if lo is not None and hi is not None else (use, use)
    enough_hw = n_src is not None and n_src >= p.min_hardware_sources
    # "far below the peak" holds if even the top of the precision band is at most the threshold
    hw = None if use is None or not enough_hw else (True if hi <= thr else False if lo > thr else None)
    hw_note = (f"in measured serving runs the busier resource is used at a median {_v(use, pct=True)} of its peak "
               f"({_v(lo, pct=True)} to {_v(hi, pct=True)} over the precision assumed where unstated; bandwidth "
               f"{_v(mbu, pct=True)}, compute {_v(mfu, pct=True)}), over {_count(n_pts, 'point')} from "
               f"{_count(n_src, 'publisher')}"
               + ("" if enough_hw or use is None else f", too few publishers to say what is typical (at least "
                                                      f"{_v(p.min_hardware_sources)} needed)"))
    # reading 2: fleet occupancy
    fleets: list[tuple[str, float]] = list(ev.facts.get("fleet_occupancy") or [])
    n = len(fleets)
    values = sorted(v for _, v in fleets)
    median = None if not values else (values[(n - 1) // 2] + values[n // 2]) / 2
    enough = n >= p.min_operators
    passed = None if median is None or not enough else median <= thr
    listed = ", ".join(f"{op} {fmt(v, sig=2, pct=True)}" for op, v in fleets) or "none"
    e = ev.number("inference_tax.utilization_elasticity")
    checks = [
        Check("inference_tax.c8_hardware_use_median", use, f"median ≤ {_v(thr, pct=True)} of peak over its whole band",
              hw, hw_note, thr, "le", "far_below_peak_max", "hardware use in measured runs (share of peak)"),
        Check("data.fleet_occupancy", median, f"median ≤ {_v(thr, pct=True)} of peak", passed,
              f"measured average use of a fleet against its peak: {listed}"
              + ("" if enough else f" ({_count(n, 'operator')}, too few to say what is common: at least "
                                   f"{_v(p.min_operators)} needed)"),
              thr, "le", "far_below_peak_max", "measured fleet use (share of peak)"),
        context("inference_tax.utilization_elasticity", e,
                f"in the cost model one more point of utilization {'cuts' if (e or 0) < 0 else 'raises'} the cost "
                f"per token by {_v(None if e is None else abs(e))}%: an identity "
                "of the model (cost per token is inversely proportional to an assumed utilization), not evidence",
                "model's utilization elasticity (identity)"),
    ]
    verdict = combine(checks)
    holds = {True: "holds", False: "does not hold", None: "is undecided"}
    rule_text = (f"Two readings, each tested on measurements, not on the cost model. Hardware: the article's "
                 f"under-use is use against the theoretical peak, so the busier of memory bandwidth and compute in "
                 f"measured serving runs (data/serving_benchmarks.csv, points with a speed per user) must have a "
                 f"median of at most {_v(thr, pct=True)} of peak, across at least {_v(p.min_hardware_sources)} "
                 f"publishers; it passes if the whole band over the assumed precision is that low, fails if the whole "
                 f"band is above. Fleets: the median average use of serving fleets that publish it must be at most "
                 f"{_v(thr, pct=True)}, across at least {_v(p.min_operators)} operators. Supported if both readings "
                 "hold, partly if one does, not supported if both fail, inconclusive if neither decides. The model's "
                 "elasticity is context: it follows from the model's structure whatever the data. "
                 f"Here the hardware reading {holds[hw]} and the fleet reading {holds[passed]}.")
    test = f"median hardware use in measured runs ≤ {_v(thr, pct=True)} of peak; median fleet use ≤ {_v(thr, pct=True)}"
    sample = (_count(n_pts, "measured point") + " from " + _count(n_src, "publisher") + "; "
              + _count(n, "operator") + " with a measured fleet use (data/utilization_evidence.csv)")
    missing = ev.missing("inference_tax.c8_hardware_use_median")
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


# --------------------------------------------------------------------------------------------------
# Tape-out (tapeout)

C9_READS = ("tapeout.nine_month_percentile", "tapeout.nine_month_percentile_low", "tapeout.nine_month_percentile_high",
            "tapeout.n_comparison", "tapeout.programs_with_design_and_tapeout", "tapeout.claimed_months",
            "tapeout.claim_own_design_to_tapeout_lo", "tapeout.claim_own_design_to_tapeout_hi",
            "tapeout.spec_to_silicon_median_months", "tapeout.spec_to_silicon_lo", "tapeout.spec_to_silicon_hi",
            "tapeout.claim_spec_to_silicon_months", "tapeout.silicon_floor_months",
            "tapeout.claim_deployment_targeted", "tapeout.median_design_to_tapeout_months",
            "tapeout.min_programs_typical", "tapeout.claim_deployment_target", "tapeout.spec_to_silicon_summary",
            "tapeout.comparison_spec_min_months", "tapeout.comparison_spec_max_months", "tapeout.claim_position_summary")


@rule("C9", *C9_READS)
def c9(ev: Evidence, p: Params) -> Outcome:
    missing = ev.missing("tapeout.nine_month_percentile", "tapeout.n_comparison",
                         "tapeout.spec_to_silicon_median_months")
    claimed = ev.number("tapeout.claimed_months")
    claimed = 9.0 if claimed is None else claimed
    pct = ev.number("tapeout.nine_month_percentile")
    p_lo, p_hi = ev.number("tapeout.nine_month_percentile_low"), ev.number("tapeout.nine_month_percentile_high")
    p_lo, p_hi = (p_lo, p_hi) if p_lo is not None and p_hi is not None else (pct, pct)
    n = ev.number("tapeout.n_comparison")
    n_prog = ev.number("tapeout.programs_with_design_and_tapeout")
    lo, hi = p.typical_cycle_min_months, p.typical_cycle_max_months
    # the sample a typical duration needs is the tape-out chapter's parameter (one owner)
    needed = ev.number("tapeout.min_programs_typical")
    enough = n is not None and needed is not None and n >= needed
    size = "" if enough else f" (too few to say what is typical: at least {_v(needed)} needed)"
    # 1. the chip's own dated events: only they can refute the company's figure
    o_lo, o_hi = ev.number("tapeout.claim_own_design_to_tapeout_lo"), ev.number("tapeout.claim_own_design_to_tapeout_hi")
    own = own_dates_verdict(o_lo, o_hi, claimed)
    if o_lo is None or o_hi is None:
        own_note = (f"no source dates the chip's own design start (a partnership or contract date is not one), so its "
                    f"dated events can neither confirm nor refute the {_v(claimed)} months")
    else:
        own_note = (f"the chip's own dated design start and tape-out allow {_v(o_lo)} to {_v(o_hi)} months, which "
                    + {True: "confirms", False: "refutes", None: "neither confirms nor refutes"}[own]
                    + f" the {_v(claimed)} months")
    # 2. the article's typical range, like for like: spec to silicon of the comparison programs
    med = ev.number("tapeout.spec_to_silicon_median_months")
    s_lo, s_hi = ev.number("tapeout.spec_to_silicon_lo"), ev.number("tapeout.spec_to_silicon_hi")
    s_lo, s_hi = (s_lo, s_hi) if s_lo is not None and s_hi is not None else (med, med)
    floor = ev.number("tapeout.silicon_floor_months")
    typical = (None if med is None or not enough else
               True if s_lo >= lo and s_hi <= hi else False if s_hi < lo or s_lo > hi else None)
    # below the sample a median needs, the tape-out chapter's own words (the range of the few, with their
    # programs) replace the median, so that the ledger and the page say the same thing
    spread = ev.text("tapeout.spec_to_silicon_summary")
    spec_note = (f"like for like, spec to silicon (design start to tape-out plus {_v(floor, 'months')} of fabrication "
                 f"and packaging where the date is a tape-out; a date at which silicon already existed holds them): "
                 f"{spread}, against the {_v(lo)} to {_v(hi)} months the article calls typical"
                 if spread and not enough else
                 f"like for like, spec to silicon (design start to tape-out plus {_v(floor, 'months')} of fabrication and "
                 f"packaging) takes a median {_v(med, 'months')} ({_v(s_lo)} to {_v(s_hi)} from date precision) over "
                 f"{_count(n, 'comparison duration')} ({_count(n_prog, 'program')} other than the claim's own with a "
                 f"sourced design start and tape-out, and same-phase statements), against the {_v(lo)} to {_v(hi)} months "
                 f"the article calls typical{size}")
    target_phrase = ev.text("tapeout.claim_deployment_target")
    # 3. is the claim exceptional among them (the floor shifts both sides alike, so the percentile of the nine
    # months among design-to-tape-out durations is the percentile on the spec-to-silicon footing)
    thr = p.exceptional_percentile
    exceptional = (None if pct is None or not enough else
                   True if p_hi <= thr else False if p_lo > thr else None)
    claim_spec = ev.number("tapeout.claim_spec_to_silicon_months")
    targeted = ev.number("tapeout.claim_deployment_targeted")
    # below the sample a median or a percentile needs, the checks show what the few durations allow: their range
    # (spec to silicon) and how many are longer or shorter than the claim (the tape-out chapter's phrase)
    sp_min, sp_max = ev.number("tapeout.comparison_spec_min_months"), ev.number("tapeout.comparison_spec_max_months")
    position = ev.text("tapeout.claim_position_summary")
    spec_shown = med if enough or sp_min is None or sp_max is None else f"{_v(sp_min)} to {_v(sp_max, 'months')} (range)"
    pct_shown = pct if enough or not position else position
    pct_note = (f"on the same footing the claim is {_v(claim_spec, 'months')}: the {_v(claimed)} months sit at the "
                f"{_v(pct)}th percentile of those durations" if enough or not position else
                f"on the same footing the claim is {_v(claim_spec, 'months')}; among the comparison durations, "
                f"{position}{size}")
    checks = [
        Check("tapeout.claim_own_design_to_tapeout_lo", o_lo, f"dated interval ≤ {_v(claimed, 'months')}", own,
              own_note, claimed, "le", None, "the chip's own dated design-to-tape-out"),
        Check("tapeout.spec_to_silicon_median_months", spec_shown, f"within {_v(lo)} to {_v(hi)} months", typical,
              spec_note, None, None, "typical_cycle_min_months", "typical spec to silicon"),
        Check("tapeout.nine_month_percentile", pct_shown, f"≤ {_v(thr)}th percentile", exceptional,
              pct_note, thr, "le", "exceptional_percentile",
              "percentile of nine months, same phase"),
        context("tapeout.claim_deployment_targeted", targeted,
                ("the chip's deployment" + (f", targeted for {target_phrase}," if target_phrase else "")
                 + " is an announced target, censored: it is neither an availability date nor evidence of the "
                   "program's length") if targeted else "no targeted deployment of the chip is recorded",
                "targeted deployment (censored)"),
    ]
    verdict = INCONCLUSIVE if len(missing) == 3 else combine(checks)
    if own is False:
        verdict = NOT_SUPPORTED
    elif verdict == NOT_SUPPORTED:
        # the comparisons contradict the article's framing, but no dated event of the chip refutes its figure
        verdict = INCONCLUSIVE
    rule_text = ("The nine months are the companies' own figure, so the claim stays labelled self-reported unless "
                 "the chip's own dated events refute it: a sourced design start of the chip itself (a partnership or "
                 "contract date is not one) and a sourced tape-out whose shortest possible gap exceeds the nine months "
                 "make it not supported. Two like-for-like comparisons describe the claim without deciding against "
                 "it: spec to silicon (design start to tape-out plus the manufacturing floor to first silicon) of "
                 f"other programs must lie within the article's typical {_v(lo)} to {_v(hi)} months, and the nine months "
                 f"must be exceptional among durations of the same phase (at or below the {_v(thr)}th percentile); "
                 f"both need at least {_v(needed)} comparison durations, and an interval from date "
                 "precision that straddles a threshold decides nothing. A targeted deployment is censored, never an "
                 "availability date.")
    test = ("the chip's own dated design start to tape-out against the claim; spec to silicon of other programs "
            "against the typical range; percentile of the claim in the same phase")
    sample = (_count(n, "comparison duration") + " of the same phase (" + _count(n_prog, "dated program")
              + " with a sourced design start and tape-out)")
    return _outcome(verdict, rule_text, checks, test, sample, "", missing)


C10_READS = ("tapeout.min_feasible_cycle_months", "tapeout.nvidia_architecture_gap_months",
             "tapeout.median_design_to_tapeout_months", "tapeout.n_comparison", "tapeout.min_programs_typical",
             "tapeout.comparison_design_min_months", "tapeout.comparison_design_max_months")


def what_would_have_to_be_true(ev: Evidence, p: Params) -> list[str]:
    """For a forecast of cycles of S months: what the world would have to look like, in two readings
    of "cycle" (one program end to end; the cadence of overlapping programs)."""
    floor = ev.number("tapeout.min_feasible_cycle_months")
    cadence = ev.number("tapeout.nvidia_architecture_gap_months")
    design = ev.number("tapeout.median_design_to_tapeout_months")
    # a median design phase only from min_programs_typical comparison durations (the tape-out chapter's rule); below
    # that, the range of the few
    n, needed = ev.number("tapeout.n_comparison"), ev.number("tapeout.min_programs_typical")
    d_min, d_max = ev.number("tapeout.comparison_design_min_months"), ev.number("tapeout.comparison_design_max_months")
    few = n is not None and needed is not None and n < needed
    if few and d_min is not None and d_max is not None:
        design_phrase = (f"design now takes {_v(d_min)} to {_v(d_max, 'months')} across the "
                         f"{_count(n, 'comparison duration')}, too few for a median")
    elif few or design is None:
        design_phrase = ""
    else:
        design_phrase = f"design now takes {_v(design, 'months')} at the median"
    out = []
    for s in (p.short_cycle_months, p.shortest_cycle_months):
        if floor is not None:
            room = s - floor
            end_to_end = (f"end to end, a cycle of {_v(s, 'months')} leaves {_v(room, 'months')} for design once the "
                          f"manufacturing phases take their assumed {_v(floor, 'months')}" if room > 0 else
                          f"end to end, a cycle of {_v(s, 'months')} is shorter than the manufacturing phases alone "
                          f"({_v(floor, 'months')}), so it could only mean a cadence of overlapping programs")
            if room > 0 and design_phrase:
                end_to_end += f" ({design_phrase})"
            out.append(end_to_end)
        if cadence is not None:
            out.append(f"as a cadence, a new generation every {_v(s, 'months')} is {_v(cadence / s)} times as often "
                       f"as NVIDIA's new architectures, every {_v(cadence, 'months')} (refreshes left out)")
    return out


@rule("C10", *C10_READS)
def c10(ev: Evidence, p: Params) -> Outcome:
    floor = ev.number("tapeout.min_feasible_cycle_months")
    cadence = ev.number("tapeout.nvidia_architecture_gap_months")
    checks = [context("tapeout.min_feasible_cycle_months", floor,
                      f"the manufacturing phases (fab, packaging, bring-up) take at least {_v(floor, 'months')} by the "
                      "tape-out chapter's sourced assumptions; they bound manufacturing, not design",
                      "manufacturing floor"),
              context("tapeout.nvidia_architecture_gap_months", cadence,
                      f"NVIDIA's new architectures arrive every {_v(cadence, 'months')} (median of the last three "
                      "architecture gaps; refreshes such as H200 and B300 are not generations)",
                      "NVIDIA's architecture cadence")]
    needs = what_would_have_to_be_true(ev, p)
    rule_text = ("Not testable: a forecast of what AI-assisted design could do, which no data today can confirm or "
                 "refute (manufacturing floors bound a different phase). What would have to be true: "
                 + ("; ".join(needs) if needs else "the tape-out chapter's results are missing") + ".")
    summary = ("a forecast of what AI-assisted design could do, which no data today can confirm or refute"
               + (f"; a {_v(p.short_cycle_months)}-month cadence would be {_v(cadence / p.short_cycle_months)} times as "
                  f"often as NVIDIA's new architectures (every {_v(cadence, 'months')})" if cadence else ""))
    out = _outcome(NOT_TESTABLE, rule_text, checks, "none (a forecast)", "")
    return Outcome(**{**out.__dict__, "summary": summary})


@rule("C12")
def c12(ev: Evidence, p: Params) -> Outcome:
    rule_text = ("No public specification, benchmark or deployment shows what the chip runs or where OpenAI "
                 "trains: the claim can only be reported as the companies' statement.")
    return Outcome(INCONCLUSIVE, rule_text, (), "no independent evidence exists.", "none possible", "")


# --------------------------------------------------------------------------------------------------
# The flywheel (flywheel)

C11_READS = ("flywheel.crossover_month", "flywheel.cumulative_advantage_y5_usd_bn", "flywheel.cost_per_mtok_ratio_y5",
             "flywheel.lead_share_tax", "flywheel.lead_share_cycle", "flywheel.lead_share_data",
             "flywheel.share_of_runs_integrated_ahead", "flywheel.sensitivity_runs", "flywheel.morris_runs",
             "flywheel.most_sensitive_parameter", "flywheel.own_cycle_start_months", "flywheel.merchant_cycle_months",
             "flywheel.asic_cost_ratio", "tapeout.tpu_architecture_gap_months", "tapeout.n_tpu_architecture_gaps",
             "compute_gap.compute_owned_tpu_units", "compute_gap.compute_owned_tpu_units_low",
             "compute_gap.compute_owned_tpu_units_high", "compute_gap.compute_owned_tpu_quarter",
             "compute_gap.compute_owned_tpu_since", "flywheel.report_month")

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


def flywheel_wins(month: float | None, advantage: float | None, horizon: float | None, crossed_known: bool) -> bool | None:
    """The integrated strategy both overtakes the merchant one within the horizon and leads at year five
    (True); it never overtakes, overtakes too late, or trails at year five (False); unknown (None)."""
    if advantage is None or not crossed_known or horizon is None:
        return None
    overtakes = month is not None and month <= horizon
    return overtakes and advantage > 0


def runs_all_ahead(share: float | None) -> bool | None:
    """Across the premises' plausible ranges: ahead in every screening run (True), in none (False), in
    some (None: the answer depends on where in the ranges the premises lie). A share of runs describes
    the ranges, not the world: only its ends decide."""
    if share is None:
        return None
    return True if share >= 1.0 else False if share <= 0.0 else None


def premise_consistent(model_value: float | None, observed: float | None, tolerance: float) -> bool | None:
    """A premise against a real program: within `tolerance` (a share) of what the program shows (True),
    outside it (False), or unknown (None)."""
    if model_value is None or observed is None or observed <= 0:
        return None
    return abs(model_value / observed - 1.0) <= tolerance


@rule("C11", *C11_READS)
def c11(ev: Evidence, p: Params) -> Outcome:
    """A flywheel the rule can refute. Within the model, the integrated strategy must both overtake and
    lead at year five, at the central premises and across their plausible ranges; the premises must
    agree with a real integrated program (Google's TPU). The model's outputs are not scored as
    evidence for the claim: where they show a win, the verdict is at best partly supported (if the
    premises are tested and every run agrees) and otherwise not testable, with the reason; where the
    model shows no win at its own central premises, the claim fails under them (not supported)."""
    missing = ev.missing("flywheel.crossover_month", "flywheel.cumulative_advantage_y5_usd_bn")
    month = ev.number("flywheel.crossover_month")
    adv = ev.number("flywheel.cumulative_advantage_y5_usd_bn")
    share = ev.number("flywheel.share_of_runs_integrated_ahead")
    runs = ev.number("flywheel.sensitivity_runs") or ev.number("flywheel.morris_runs")
    own = ev.number("flywheel.own_cycle_start_months")
    tpu, n_tpu = ev.number("tapeout.tpu_architecture_gap_months"), ev.number("tapeout.n_tpu_architecture_gaps")
    ratio = ev.number("flywheel.asic_cost_ratio")
    # the horizon is the month the flywheel chapter reads its results at (its parameter, one owner)
    horizon = ev.number("flywheel.report_month")
    wins = flywheel_wins(month, adv, horizon, "flywheel.crossover_month" not in missing)
    ranges = runs_all_ahead(share)
    cadence_ok = premise_consistent(own, tpu, p.premise_tolerance)
    main = main_lead_source(ev)
    parts = ", ".join(f"{name} {_v(ev.number(k), pct=True)}" for k, name in LEAD_SOURCES.items()
                      if ev.number(k) is not None)
    over = ("never overtakes the merchant one" if month is None else f"overtakes the merchant one in month {_v(month)}")
    checks = [
        Check("flywheel.cumulative_advantage_y5_usd_bn", adv, f"overtakes within {_v(horizon)} months and leads at "
              "year five", wins,
              f"at the model's central premises the integrated strategy {over} and is "
              f"{'ahead' if (adv or 0) > 0 else 'behind'} by USD {_v(None if adv is None else abs(adv))} billion "
              "at year five", label="integrated lead at year five"),
        Check("flywheel.share_of_runs_integrated_ahead", share, "ahead in every run over the premises' ranges", ranges,
              f"across the premises' plausible ranges the integrated strategy leads at year five in "
              f"{_v(share, pct=True)} of {_count(runs, 'screening run')}: only all or none would decide",
              label="runs ahead across the ranges"),
        Check("tapeout.tpu_architecture_gap_months", own,
              f"within {_v(p.premise_tolerance, pct=True)} of Google's TPU architecture gap", cadence_ok,
              f"the model's own chip cycle starts at {_v(own, 'months')}; Google's TPU, the longest-running "
              f"integrated program, brought a new architecture every {_v(tpu, 'months')} (median of "
              f"{_count(n_tpu, 'gap')} in one product line)", label="own-chip cycle against the TPU's"),
        untested("the own chip's cost per token",
                 f"the model's own chip serves a token at {_v(ratio)} times the merchant chip's cost (the inference-"
                 "tax chapter's hypothetical chip); no sourced cost per TPU chip is in the book's data to test it"),
        untested("the loop's premises",
                 "that workload data makes better models and better chips, and cheaper tokens bring more users: the "
                 "model assumes these links, no data in the book measures them"),
        context(main_lead_key(ev) or "flywheel.lead_share_tax", None if main is None else main[1],
                f"the lead decomposes into {parts}: it rests most on {main[0]}" if main else
                "no decomposition of the lead in the evidence", "largest source of the lead"),
        context("compute_gap.compute_owned_tpu_units", ev.number("compute_gap.compute_owned_tpu_units"),
                f"the real program runs at scale: Epoch AI estimates Google had made "
                f"{_v(ev.number('compute_gap.compute_owned_tpu_units'))} TPUs since "
                f"{ev.text('compute_gap.compute_owned_tpu_since') or 'the start of its series'} by "
                f"{ev.text('compute_gap.compute_owned_tpu_quarter') or 'the last quarter'} "
                f"({_v(ev.number('compute_gap.compute_owned_tpu_units_low'))} to "
                f"{_v(ev.number('compute_gap.compute_owned_tpu_units_high'))}); volume shows scale, not that the loop "
                "turns", "Google's TPU volume"),
    ]
    if len(missing) == 2:
        verdict, why = INCONCLUSIVE, "the flywheel chapter's results are missing"
    elif wins is False:
        late = month is not None and month > horizon
        verdict, why = NOT_SUPPORTED, ("at its own central premises the integrated strategy "
                                      + (f"overtakes only in month {_v(month)}, after the {_v(horizon)}-month horizon"
                                         if late else over)
                                      + (", and is behind at year five" if (adv or 0) <= 0 else "")
                                      + ": under these premises there is no flywheel")
    elif wins and ranges and cadence_ok:
        verdict, why = PARTLY, ("the integrated strategy wins in every run over the premises' ranges and its cycle "
                                "premise agrees with Google's TPU; the data loop and the own chip's cost are not "
                                "measured")
    else:
        reasons = []
        if ranges is not True:
            reasons.append(f"whether the integrated strategy wins depends on premises no data pins down (it leads in "
                           f"{_v(share, pct=True)} of the runs over their ranges)")
        if cadence_ok is False:
            reasons.append("the model's own-chip cycle is outside what Google's TPU program shows")
        elif cadence_ok is None:
            reasons.append("the own-chip cycle could not be compared with Google's TPU program")
        if wins is None:
            reasons.append("the model's lead at year five is missing")
        verdict, why = NOT_TESTABLE, "; ".join(reasons) or "the premises are not measured"
    rule_text = (f"A flywheel the rule can refute. Within the flywheel model, the integrated strategy must both "
                 f"overtake the merchant one within {_v(horizon)} months and lead at year five, at the central "
                 "premises and in every screening run over their plausible ranges (a share of runs describes the "
                 "ranges, not the world, so only all or none decides); and the premises must agree with a real "
                 f"integrated program: the own chip's cycle within {_v(p.premise_tolerance, pct=True)} of Google's "
                 "TPU architecture gap. The model's outputs are not evidence that the claim holds: when all this "
                 "holds the verdict is partly supported (the data loop and the own chip's cost are not measured); "
                 "when the model wins only at some premises, or a premise disagrees with the TPU's record, it is not "
                 "testable, with the reason; when the model shows no win at its own central premises (a scenario "
                 "that weakens the loop, say), the claim fails under them: not supported. The asymmetry is "
                 "deliberate: the central premises are the claim's own mechanism, so the mechanism failing at "
                 "them refutes the claim as stated, while support needs the win to survive every plausible premise.")
    test = (f"model: overtakes ≤ {_v(horizon)} months and leads at year five, in every run; premise: own cycle "
            "against the TPU's architecture gap")
    sample = ("one model run at the central premises" + (f"; {_count(runs, 'screening run')}" if runs else "")
              + (f"; {_count(n_tpu, 'TPU architecture gap')}" if n_tpu is not None else ""))
    out = _outcome(verdict, rule_text, checks, test, sample, "", missing)
    return Outcome(out.verdict, out.rule, out.checks, why[:1].upper() + why[1:] + ". " + out.reason[:1].upper() + out.reason[1:], out.test,
                   out.sample, out.power, out.missing, summary=why)


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
    rule_ = RULES[claim.id]
    out = rule_.fn(ev.restricted(rule_.reads), p)
    return Verdict(claim, label(claim, out), out.verdict, out.rule, out.checks, out.reason, out.test, out.sample,
                   out.power, out.missing, summary=out.summary)


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


# --------------------------------------------------------------------------------------------------
# Shared helpers for C7 and C9 (events, not targets; the claim's subject is not its own evidence; the
# conclusion a chapter page states is the ledger's)

#: chip_programs milestones that put a chip in service.
DEPLOYMENT_MILESTONES = ("first_deployment", "general_availability")


def deployed_custom_chips(programs: Any, subject: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Companies with a sourced deployment of their own custom ASIC: a first deployment or general
    availability in chip_programs whose date happened (an event, or an inference with its basis; an
    announced target never counts). Returns ({vendor: earliest such date}, {vendor: why not counted}),
    the claim's own `subject` always among the second, deployed or not."""
    deployed: dict[str, str] = {}
    excluded: dict[str, str] = {}
    if programs is None or not len(programs):
        return deployed, excluded
    rows = programs[(programs["kind"] == "custom_asic") & programs["milestone"].isin(DEPLOYMENT_MILESTONES)]
    kind = rows["date_kind"].fillna("event") if "date_kind" in rows else None
    happened = rows if kind is None else rows[kind != "target"]
    for vendor, g in happened.groupby("vendor"):
        deployed[str(vendor)] = str(g["date"].min())[:10]
    if kind is not None:
        for vendor in sorted(set(rows.loc[kind == "target", "vendor"]) - set(deployed)):
            excluded[str(vendor)] = "deployment only announced as a target"
    if subject:
        if subject in deployed:
            deployed.pop(subject)
        excluded[subject] = "the claim's own subject"
    return deployed, excluded


def own_dates_verdict(lo: float | None, hi: float | None, claimed: float) -> bool | None:
    """A program's own dated design-start-to-tape-out interval against a claimed duration: False
    refutes (even its shortest possible gap is longer), True confirms (its longest is no longer),
    None neither (straddles, or a date is missing)."""
    if lo is None or hi is None:
        return None
    if lo > claimed:
        return False
    if hi <= claimed:
        return True
    return None


def token_mix(ev: Evidence) -> float | None:
    """Input tokens per output token the inference tax chapter assumes, read from its two break-even
    volumes (total = output x (1 + mix))."""
    total = ev.number("inference_tax.breakeven_total_tokens_per_year")
    out = ev.number("inference_tax.breakeven_tokens_per_year")
    if total is None or out is None or out <= 0:
        return None
    return total / out - 1.0


def program_cost_usd(ev: Evidence) -> float | None:
    """The modeled custom chip's one-off program cost (USD). Read from the inference tax chapter when it
    glues it (`asic_nre_usd`); otherwise recovered from its annual charge (`asic_nre_per_year_usd`)
    with that chapter's default cost of capital and program years (dependency: the taxcode helper's
    `asic_breakeven_flip_nre_usd` will make this direct)."""
    direct = ev.number("inference_tax.asic_nre_usd")
    if direct is not None:
        return direct
    annual = ev.number("inference_tax.asic_nre_per_year_usd")
    if annual is None:
        return None
    from ..inference_tax import model as tax_model
    from ..inference_tax.params import Params as TaxParams

    tp = TaxParams()
    crf = float(tax_model.capital_recovery_factor(tp.cost_of_capital, tp.asic_program_years))
    return annual / crf if crf > 0 else None


def c7_flip(ev: Evidence, p: Params, span: float = 10.0) -> tuple[float | None, str | None]:
    """The program cost nearest the modeled one (on a log scale, within a factor `span`) at which C7's
    verdict changes, and the verdict beyond it. The break-even volume is proportional to the program
    cost (B(C) = B0 x C / C0), so the verdict can only change where B(C) crosses the reference workload or
    a company's stated volume."""
    be0 = ev.number("inference_tax.breakeven_total_tokens_per_year")
    c0 = program_cost_usd(ev)
    if be0 is None or c0 is None or be0 <= 0 or c0 <= 0:
        return None, None
    ref = ev.facts.get("reference_tokens_per_year")
    volumes: dict[str, float] = dict(ev.facts.get("custom_chip_volumes") or {})

    def verdict_at(cost: float) -> str:
        return c7_verdict_at_cost(ev, p, cost) or ""

    here = verdict_at(c0)
    crossings = sorted({c0 * v / be0 for v in [ref, *volumes.values()] if v is not None and v > 0},
                       key=lambda c: abs(math.log(c / c0)))
    for c in crossings:
        if c == c0 or abs(math.log(c / c0)) > math.log(span):
            continue
        beyond = verdict_at(c * 1.0001 if c > c0 else c / 1.0001)
        if beyond != here:
            return c, beyond
    return None, None


def c7_verdict_at_cost(ev: Evidence, p: Params, cost: float) -> str | None:
    """C7's verdict (before any label) if the program cost were `cost` instead of the modeled one: the
    break-even volume scales with it (B = B0 x cost / C0); None when either is unknown."""
    be0 = ev.number("inference_tax.breakeven_total_tokens_per_year")
    c0 = program_cost_usd(ev)
    if be0 is None or c0 is None or be0 <= 0 or c0 <= 0 or cost <= 0:
        return None
    t1, t2, _ = _c7_tests(be0 * cost / c0, False, ev.facts.get("reference_tokens_per_year"),
                          dict(ev.facts.get("custom_chip_volumes") or {}), p)
    return combine([Check("", None, "", t1), Check("", None, "", t2)])


def chapter_verdict(claim_id: str, chapter: str, values: dict[str, Any], facts: dict[str, Any] | None = None,
                    p: Params | None = None) -> Verdict:
    """A claim's verdict from one chapter's own results, by the ledger's rule and label: what a chapter
    page states about the claim is what the ledger states (one book, one answer)."""
    from .evidence import flatten
    from .ledger import load

    claim = next((c for c in load().claims if c.id == claim_id), None)
    if claim is None:
        raise KeyError(f"{claim_id}: not in data/claims.yaml")
    ev = Evidence(flatten({chapter: values}), f"the {chapter} chapter's own results", "upstream", dict(facts or {}))
    return assess_claim(claim, ev, p or Params())


def c7_range_test(be_lo: float, be_hi: float, ref: float | None) -> bool | None:
    """Break-even at most the reference workload over a range of program costs: True if even the
    dearest program's break-even is within it, False if even the cheapest's exceeds it, else None."""
    if ref is None:
        return None
    if be_hi <= ref:
        return True
    if be_lo > ref:
        return False
    return None


def c7_range_count(be_lo: float, be_hi: float, volumes: dict[str, float], needed: float) -> bool | None:
    """At least `needed` companies above the break-even over a range of program costs: True if enough
    clear the dearest program's break-even, False if too few clear even the cheapest's, else None."""
    if sum(1 for v in volumes.values() if v >= be_hi) >= needed:
        return True
    if sum(1 for v in volumes.values() if v >= be_lo) < needed:
        return False
    return None
