"""Presentation helpers: number formatting, the run box, chart safety, reading glued results."""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from tokenfactory import charts, nb
from tokenfactory.build import results
from tokenfactory.registry import CHAPTERS


@pytest.mark.parametrize("value, kwargs, expected", [
    (0.4153, {"pct": True}, "42%"),
    (1234567, {}, "1.2 million"),
    (4.79e14, {}, "480 trillion"),
    (3.2e15, {}, "3.2 quadrillion"),
    (0.03456, {}, "0.035"),
    (1, {"unit": "ECI points"}, "1 ECI point"),
    (1, {"unit": "tokens per year"}, "1 token per year"),
    (2, {"unit": "months"}, "2 months"),
    (-1.94, {"unit": "% per point"}, "-1.9 % per point"),
    (None, {}, "n/a"),
    (float("nan"), {}, "n/a"),
    ("text", {}, "text"),
])
def test_fmt(value, kwargs, expected):
    assert nb.fmt(value, **kwargs) == expected


@given(st.floats(min_value=1e-9, max_value=1e18, allow_nan=False))
def test_round_sig_keeps_two_significant_figures(x):
    r = nb.round_sig(x, 2)
    assert math.isclose(r, x, rel_tol=0.05 + 1e-12)
    digits = f"{r:.6e}".split("e")[0].replace(".", "").rstrip("0")
    assert len(digits) <= 2


def test_run_box_escapes_and_marks_changes():
    model = CHAPTERS["claims"].params
    name, value = next((n, v) for n, v in model().model_dump().items() if isinstance(v, float))
    params = model(**{name: value / 2})
    box = nb.run_box("claims", params, {"scenario": "<b>x</b>", "command": "tokenfactory build --set 'a=\"b\"'"})
    assert "&lt;b&gt;x&lt;/b&gt;" in box and "<b>x</b>" not in box
    assert "differs from the default" in box and "1 parameter(s) changed" in box
    assert "&quot;b&quot;" in box or "&#x27;" in box


def test_chart_html_escapes_script_end_and_is_reproducible():
    frame = pd.DataFrame({"x": [1, 2], "label": ["</script><script>alert(1)</script>", "ok"]})
    chart = alt.Chart(frame).mark_point().encode(x="x:Q", tooltip=["label:N"])
    charts._chart_counter = __import__("itertools").count()
    first = charts.safe_html_renderer(chart.to_dict())["text/html"]
    charts._chart_counter = __import__("itertools").count()
    second = charts.safe_html_renderer(chart.to_dict())["text/html"]
    assert first == second
    assert "</script><script>alert" not in first
    assert "\\u003c/script>\\u003cscript>alert(1)" in first


def test_glued_results_round_trip():
    notebook = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "x", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "1.5"}},
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "x_txt", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "'1.5 USD'"}},
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "none", "mime_prefix": "application/papermill.record/"}},
         "data": {"application/papermill.record/text/plain": "None"}},
    ]}]}
    found = results.glued(notebook)
    assert found == {"x": 1.5, "x_txt": "1.5 USD", "none": None}
    assert results.numbers(found) == {"x": 1.5, "none": None}


def test_org_colors_are_stable_and_aliases_fold():
    assert charts.org_color("Google DeepMind") == charts.org_color("Google") == charts.org_color("Alphabet")
    assert charts.org_color("Unknown Lab") == charts.ORG_COLORS["Other"]
    scale = charts.org_scale(["OpenAI", "Meta"])
    assert scale.to_dict()["range"] == [charts.org_color("Meta"), charts.org_color("OpenAI")]


def test_round_sig_rounds_halves_away_from_zero():
    assert nb.round_sig(125) == 130 and nb.round_sig(-125) == -130
    assert nb.round_sig(0.0125) == 0.013
    assert nb.fmt(125) == "130"
