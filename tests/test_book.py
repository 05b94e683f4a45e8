"""The real book: built offline with zero warnings, reproducible, complete, and readable in a browser.

One cold build (with no network where `unshare -n` is available) is shared by these tests; strict
nbval re-executes its notebooks to check that every output, hence every number, is reproduced.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import REPO, _build

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("book")]  # one worker: the book is built once

REQUIRED = {
    "compute_gap": ["open_lag_months_latest", "open_lag_trend_months_per_year", "score_gap_latest",
                    "leadership_window_median_days", "capex_total_latest_usd_bn", "capex_cagr",
                    "training_compute_growth_per_year"],
    "inference_tax": ["cost_per_mtok_gpu_usd", "cost_per_mtok_asic_usd", "tax_share_gpu", "breakeven_tokens_per_year",
                      "price_decline_per_year", "utilization_elasticity", "mc_p10_usd", "mc_p90_usd"],
    "tapeout": ["median_design_to_tapeout_months", "median_tapeout_to_ga_months", "nine_month_percentile",
                "median_generation_gap_months", "min_feasible_cycle_months"],
    "flywheel": ["crossover_month", "cost_per_mtok_ratio_y5", "cumulative_advantage_y5_usd_bn",
                 "most_sensitive_parameter"],
    "claims": ["claims_supported", "claims_partly", "claims_not_supported", "claims_unverifiable"],
}


def test_built_offline_with_zero_warnings(built):
    log = (built / "sphinx.log").read_text(encoding="utf-8")
    assert "build succeeded" in log
    assert "WARNING" not in log and "ERROR" not in log


def test_results_hold_every_required_key(built):
    results = json.loads((built / "results.json").read_text())["results"]
    for cid, keys in REQUIRED.items():
        missing = [k for k in keys if k not in results.get(cid, {})]
        assert not missing, f"{cid} lacks {missing}"


def test_every_chapter_page_exists(built):
    for cid in REQUIRED:
        assert (built / "html" / "notebooks" / f"{cid}.html").exists()
    for page in ("index", "book/data", "book/reproduce", "book/methods"):
        assert (built / "html" / f"{page}.html").exists() or (built / "html" / "book" / f"{page}.html").exists()


def test_the_book_responds_to_parameters_and_scenarios(built, tmp_path):
    """Higher utilization lowers the GPU's cost per token; another benchmark changes the model gap;
    a scenario re-runs the ledger on the evidence it moved; a rule's threshold moves its verdict."""
    cache = built.parent / f"{built.name}-cache"
    base = json.loads((built / "results.json").read_text())["results"]
    proc = _build(tmp_path / "custom", "--set", "inference_tax.utilization=0.8",
                  "--set", "compute_gap.benchmark=gpqa_diamond", cache=cache)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "tapeout: unchanged, reused" in proc.stdout  # only what depends on the change re-runs
    custom = json.loads((tmp_path / "custom" / "results.json").read_text())["results"]
    assert custom["inference_tax"]["cost_per_mtok_gpu_usd"] < base["inference_tax"]["cost_per_mtok_gpu_usd"]
    assert custom["compute_gap"]["score_gap_latest"] != base["compute_gap"]["score_gap_latest"]
    proc = _build(tmp_path / "high", "--scenario", "high_utilization", cache=cache)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "claims: executing" in proc.stdout  # the ledger re-reads the evidence the scenario moved
    high = json.loads((tmp_path / "high" / "results.json").read_text())["results"]
    assert high["inference_tax"]["cost_per_mtok_gpu_usd"] < base["inference_tax"]["cost_per_mtok_gpu_usd"]
    # thresholds of three rules at the far end of their ranges (capital spending growing 1,000% a year;
    # twenty companies at scale; "catching up within months" read as within a tenth of a month): the
    # verdicts that read them move (at least one, whatever today's data say)
    proc = _build(tmp_path / "strict", "--set", "claims.capex_growth_min=10", "--set", "claims.min_companies_at_scale=20",
                  "--set", "claims.catch_up_months_max=0.1", cache=cache)
    assert proc.returncode == 0, proc.stderr[-3000:]
    strict = json.loads((tmp_path / "strict" / "results.json").read_text())["results"]["claims"]
    changed = [k for k in ("verdict_c1", "verdict_c3", "verdict_c7") if strict[k] != base["claims"][k]]
    assert changed, "a rule's threshold at the end of its range should move its verdict"


def test_reproducible_numbers_and_strict_nbval(built):
    """Re-executed from scratch, every built notebook gives the same outputs, cell by cell (nbval in
    strict mode: every output compared, only Altair's random element ids masked, tests/sanitize.cfg).
    The glued values in those outputs are what results.json and every page's numbers are read from,
    so equal outputs are equal numbers: a second cold build would re-run the same executions."""
    notebooks = sorted((built / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 5, f"only {len(notebooks)} executed notebooks in the build"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-sanitize-with", str(REPO / "tests" / "sanitize.cfg"), str(built / "notebooks")],
        capture_output=True, text=True, cwd=REPO, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout, proc.stdout[-2000:]


@pytest.mark.browser
def test_pages_render_offline_in_chromium(built):
    """Every page of the built site (search and the general index too) in headless Chromium, served on
    loopback: every chart draws, no JavaScript error, no request leaves the machine. (Screenshots of
    every page at 1280 and 390 px, to look at: `make screenshots`.)"""
    from tokenfactory.build import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: .ci/run installs it (apt-get install -y chromium)")
    html_dir = built / "html"
    pages = sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    charts_total = 0
    with browser.reader(html_dir) as (base, reader):
        page = reader.new_page()
        for rel in pages:
            expected = len(re.findall(r'id="altair-viz-', (html_dir / rel).read_text(encoding="utf-8")))
            browser.open_page(page, f"{base}/{rel}")
            rendered = page.evaluate("() => document.querySelectorAll('div[id^=\"altair-viz-\"] .marks').length")
            assert rendered >= expected, f"{rel}: {rendered} of {expected} charts rendered"
            charts_total += expected
        assert not reader.errors, f"JavaScript errors: {reader.errors}"
        assert not reader.offsite, f"requests off the machine: {reader.offsite}"
    assert charts_total >= 20, f"only {charts_total} charts in the book"
