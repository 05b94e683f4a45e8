"""The chapter's computed sentences and comparisons: written from the numbers, never asserted."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import chapter, frontier, leadership

D = pd.to_datetime


def test_bracket_text_follows_the_signs():
    # the review's case: censored fit +0.81, both ordinary fits negative -> they do not bracket it
    t = chapter.bracket_text(0.81, -3.5, -2.6)
    assert "bracket" not in t and "both lie below it" in t and "-3.5" in t and "-2.6" in t
    assert "bracket it" in chapter.bracket_text(-3.0, -3.5, -2.6)
    assert "both lie above it" in chapter.bracket_text(-5.0, -3.5, -2.6)
    assert "cannot" in chapter.bracket_text(np.nan, -3.5, -2.6)


def test_compare_word():
    assert chapter.compare_word(12.7, 3.0, 5.3) == "longer than"
    assert chapter.compare_word(1.0, 3.0, 5.3) == "shorter than"
    assert chapter.compare_word(4.0, 3.0, 5.3) == "within"


def test_oldest_unmatched_is_the_earliest_censored_record():
    lags = pd.DataFrame({"date": D(["2024-01-01", "2025-04-16", "2025-08-07"]), "model": ["a", "o3", "g"],
                         "lag_months": [5.0, 12.0, 8.3], "censored": [False, True, True]})
    row = chapter.oldest_unmatched(lags)
    assert row["model"] == "o3" and row["lag_months"] == 12.0
    assert chapter.oldest_unmatched(lags.assign(censored=False)) is None


def test_gap_path_reports_the_low_and_its_date():
    g = pd.DataFrame({"date": D(["2023-01-01", "2024-06-07", "2026-04-16"]), "gap": [12.0, 1.9, 11.3]})
    path = chapter.gap_path(g)
    assert path["min"] == 1.9 and path["min_date"] == pd.Timestamp("2024-06-07")
    t = chapter.gap_path_text(path, "ECI points")
    assert t == "went from 12 to a low of 1.9 (Jun 2024), then back to 11 ECI points"
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
    t = chapter.spearman_direction(0.095, 0.82, 0.05)
    assert t.startswith("show no significant trend") and "longer" in t


def test_merging_spells_can_lower_the_km_median():
    # model spells 12, 35, 20, 37, 7, 1, 14, 48 (+ one open): median 14; merged by lab: 12, 92, 7, 1, 62 open
    spells = pd.DataFrame({
        "model": list("abcdefghi"),
        "organization": ["G", "O", "O", "O", "G", "O", "G", "G", "G"],
        "start_date": D(["2024-08-01", "2024-08-13", "2024-09-17", "2024-10-07", "2024-11-13", "2024-11-20",
                         "2024-11-21", "2024-12-05", "2025-01-22"]),
        "end_date": D(["2024-08-13", "2024-09-17", "2024-10-07", "2024-11-13", "2024-11-20", "2024-11-21",
                       "2024-12-05", "2025-01-22", "2025-01-22"]),
        "censored": [False] * 8 + [True]})
    spells["days"] = (spells["end_date"] - spells["start_date"]).dt.days.astype(float)
    merged = leadership.by_organization(spells)
    assert list(merged["days"]) == [12, 92, 7, 1, 62]
    assert leadership.median_days(spells) == 14 and leadership.median_days(merged) == 12
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
