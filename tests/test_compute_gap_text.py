"""The chapter's computed sentences and comparisons: written from the numbers, never asserted."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import chapter, frontier, leadership

D = pd.to_datetime


def test_bracket_text_follows_the_signs():
    # synthetic: censored fit +1.5, both ordinary fits negative -> they do not bracket it
    t = chapter.bracket_text(1.5, -4.2, -1.7)
    assert "bracket" not in t and "both lie below it" in t and "-4.2" in t and "-1.7" in t
    assert "bracket it" in chapter.bracket_text(-3.0, -4.2, -1.7)
    assert "both lie above it" in chapter.bracket_text(-5.0, -4.2, -1.7)
    assert "cannot" in chapter.bracket_text(np.nan, -4.2, -1.7)


def test_compare_word():
    assert chapter.compare_word(9.0, 2.0, 6.0) == "longer than"
    assert chapter.compare_word(1.0, 2.0, 6.0) == "shorter than"
    assert chapter.compare_word(4.0, 2.0, 6.0) == "within"
    assert chapter.compare_word(2.0, 2.0, 6.0) == "within"   # the ends belong to the range


def test_oldest_unmatched_is_the_earliest_censored_record():
    lags = pd.DataFrame({"date": D(["2024-01-01", "2025-04-16", "2025-08-07"]), "model": ["a", "o3", "g"],
                         "lag_months": [5.0, 12.0, 8.3], "censored": [False, True, True]})
    row = chapter.oldest_unmatched(lags)
    assert row["model"] == "o3" and row["lag_months"] == 12.0
    assert chapter.oldest_unmatched(lags.assign(censored=False)) is None


def test_gap_path_reports_the_low_and_its_date():
    g = pd.DataFrame({"date": D(["2021-01-01", "2021-03-15", "2021-09-30"]), "gap": [8.0, 0.5, 6.4]})
    path = chapter.gap_path(g)
    assert path["min"] == 0.5 and path["min_date"] == pd.Timestamp("2021-03-15")
    t = chapter.gap_path_text(path, "ECI points")
    assert t == "went from 8 to a low of 0.5 (Mar 2021), then back to 6.4 ECI points"
    mono = chapter.gap_path_text(chapter.gap_path(g.assign(gap=[12.0, 8.0, 5.0])), "points")
    assert mono == "went from 12 to 5 points"


def test_usd_bn_three_significant_figures_no_half_even_loss():
    assert chapter.usd_bn(350.641) == "USD 351 billion"
    assert chapter.usd_bn(125.0) == "USD 125 billion"   # not 120 (two figures, half-to-even)
    assert chapter.usd_bn(2.983) == "USD 2.98 billion"
    assert chapter.usd_bn(float("nan")) == "n/a"


def test_median_effect_text_says_unchanged_when_unchanged():
    assert chapter.median_effect_text(14.0, 14.0) == "leaves the median window at 14 days"
    assert chapter.median_effect_text(14.0, 20.0) == "changes the median window from 14 days to 20 days"


def test_spearman_direction_uses_the_reported_test():
    assert chapter.spearman_direction(-0.8, 0.01, 0.05) == "shorten"
    assert chapter.spearman_direction(0.8, 0.01, 0.05) == "lengthen"
    t = chapter.spearman_direction(0.2, 0.6, 0.05)
    assert t.startswith("show no significant trend") and "longer" in t


def test_merging_spells_can_lower_the_km_median():
    # synthetic spells of 10, 30, 25, 40, 6, 2, 16, 45 days (+ one still open): sorted 2, 6, 10, 16, ... so the
    # Kaplan-Meier median is the fourth, 16. Merged by lab: A 10, B 95, A 6, B 2, A 61 (open): events at 2, 6, 10
    # bring survival to 0.8, 0.6, 0.4 (five at risk): median 10
    spells = pd.DataFrame({
        "model": list("abcdefghi"),
        "organization": ["A", "B", "B", "B", "A", "B", "A", "A", "A"],
        "start_date": D(["2021-01-01", "2021-01-11", "2021-02-10", "2021-03-07", "2021-04-16", "2021-04-22",
                         "2021-04-24", "2021-05-10", "2021-06-24"]),
        "end_date": D(["2021-01-11", "2021-02-10", "2021-03-07", "2021-04-16", "2021-04-22", "2021-04-24",
                       "2021-05-10", "2021-06-24", "2021-06-24"]),
        "censored": [False] * 8 + [True]})
    spells["days"] = (spells["end_date"] - spells["start_date"]).dt.days.astype(float)
    assert list(spells["days"]) == [10, 30, 25, 40, 6, 2, 16, 45, 0]
    merged = leadership.by_organization(spells)
    assert list(merged["days"]) == [10, 95, 6, 2, 61]
    assert leadership.median_days(spells) == 16 and leadership.median_days(merged) == 10
    assert chapter.mean_days(merged) > chapter.mean_days(spells)


def test_average_current_lag_between_its_extremes():
    sel = pd.DataFrame({"model": ["C1", "O1", "C2"], "group": ["closed", "open", "closed"],
                        "release_date": D(["2023-01-01", "2023-07-01", "2024-01-01"]), "score": [50.0, 50.0, 60.0]})
    avg, n = frontier.time_average_lag(sel, D("2023-07-01"), D("2024-07-01"), 0.0)
    assert 6 - 0.3 < avg < 18   # O1 matches C1: lag grows from 6 months to 18 months
    assert avg == pytest.approx(12, abs=0.2) and n == 53   # a line from 6 to 18: its mean is the midpoint
    assert np.isnan(frontier.time_average_lag(sel.iloc[:0], None, None, 0.0)[0])


def test_compute_sensitivity_rows():
    tc = pd.DataFrame({"model": list("abcde"), "publication_date": D(["2015-06-01", "2018-06-01", "2020-06-01",
                                                                       "2022-06-01", "2024-01-01"]),
                       "training_compute_flop": [1e20, 1e21, 1e22, 1e23, 1e24], "frontier": True})
    # Epoch AI's period comes from its row's window (a hand-made row: 2018 to May 2024)
    refs = {"epoch_compute_growth": {"window_start": D("2018-01-01"), "window_end": D("2024-05-31")}}
    variants = chapter.compute_variants(refs)
    assert variants[0] == ("frontier rows, Epoch's period (2018 to May 2024)", True, 2018, "2024-05-31")
    assert chapter.compute_variants({}) == chapter.OTHER_COMPUTE_VARIANTS   # no row, no such re-fit
    out = chapter.compute_sensitivity(tc, D("2026-12-31"), variants)
    assert len(out) == len(variants)
    assert out["growth"].iloc[1] == pytest.approx(10 ** (4 / (2024.0 - 2015.41)), rel=0.2)


def test_interval_levels_are_written_from_their_numbers():
    assert chapter.level_text(0.9) == "90%" and chapter.level_text(0.975) == "97.5%"
    refs = {"a": {"interval": "90% confidence interval"}, "b": {"interval": "a 95 % credible interval"},
            "c": {"interval": ""}}
    assert chapter.interval_level_of(refs, "a") == 0.9 and chapter.interval_level_of(refs, "b") == 0.95
    assert np.isnan(chapter.interval_level_of(refs, "c")) and np.isnan(chapter.interval_level_of(refs, "missing"))


def test_the_window_fit_text_states_its_level():
    # ten spells whose length halves every year: a log-linear change of -50% per year, interval at the level asked
    wt = leadership.WindowTrend(-0.9, 0.001, 12, -0.5, -0.6, -0.4)
    assert "-50% per year (80% interval -60% to -40%)" in chapter.window_fit_text(wt, 0.8)


def test_compute_and_window_intervals_widen_with_the_level():
    """Student's t intervals of a log-linear fit: a higher level gives a wider interval around the same
    point; with exact points the interval shrinks to the point (limit case)."""
    from tokenfactory.compute_gap import compute as spend

    years = D(["2018-01-01", "2019-07-01", "2020-01-01", "2021-06-01", "2022-03-01", "2023-09-01"])
    noisy = pd.DataFrame({"model": list("abcdef"), "publication_date": years, "frontier": True,
                          "training_compute_flop": [1e21, 5e21, 3e22, 4e22, 6e23, 2e24]})
    f50, _ = spend.compute_growth(noisy, True, level=0.5)
    f95, _ = spend.compute_growth(noisy, True, level=0.95)
    assert f50.growth == f95.growth and f95.low < f50.low < f50.growth < f50.high < f95.high
    x = frontier.decimal_year(years)
    exact = noisy.assign(training_compute_flop=10 ** (20 + 0.5 * (x - 2018)))   # x10 every two years
    fe, _ = spend.compute_growth(exact, True, level=0.99)
    assert fe.growth == pytest.approx(10 ** 0.5) and fe.low == pytest.approx(fe.high)
