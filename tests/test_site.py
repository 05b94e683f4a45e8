"""The site's generated parts: Scenarios page, citation, PDF link, live-control helpers, tables in
words, charts that take the column's width. Fast: nothing is built or executed."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from tokenfactory import charts, nb
from tokenfactory.build import footer, pagetext, pdf, scenarios_page


def _results(verdict_c8: str, cost: float) -> dict:
    return {"inference_tax": {"cost_per_mtok_gpu_usd": cost}, "claims": {"verdict_c8": verdict_c8, "claims_supported": 2}}


def test_scenarios_page_sets_scenarios_beside_the_default_and_marks_what_changed():
    found = {"default": _results("partly supported", 1.5), "high_utilization": _results("supported", 0.9)}
    page = scenarios_page.scenarios_page(found)
    assert "$1.5" in page and "$0.9" in page  # the cost under each scenario, formatted
    row = re.search(r"<tr><td><b>C8</b>.*?</tr>", page).group(0)
    assert 'class="tf-verdict-partly">partly supported' in row
    assert 'class="tf-verdict-supported tf-changed">supported' in row  # differs from the default
    c1 = re.search(r"<tr><td><b>C1</b>.*?</tr>", page).group(0)
    assert "tf-changed" not in c1  # n/a in both: unchanged
    # every other named scenario is named as not built, with the command that builds it
    assert "`weak_flywheel`" in page.split("Not built yet")[1] and "--all-scenarios" in page


def test_scenarios_page_says_which_verdicts_move_and_why_not(monkeypatch):
    """Each scenario's row names the verdicts it moves (old → new) or says why none moves; no link
    leaves the published site (a scenario's name leads to its row on this page)."""
    from tokenfactory.claims import ledger

    claims = ledger.load().claims
    c8 = next(c for c in claims if c.id == "C8")
    metric = c8.metrics[0] if c8.metrics else None
    base = _results("partly supported", 1.5)
    moved = _results("supported", 0.9)
    page = scenarios_page.scenarios_page({"default": base, "high_utilization": moved})
    row = re.search(r'<tr id="scenario-high_utilization">.*?</tr>', page).group(0)
    assert "<b>C8</b>" in row and "partly supported → supported" in row
    assert "../../../" not in page and 'href="#scenario-high_utilization"' in page
    # nothing a rule reads moves: the row says so, and counts the results that did move
    same = _results("partly supported", 0.9)
    row = re.search(r'<tr id="scenario-high_utilization">.*?</tr>',
                    scenarios_page.scenarios_page({"default": base, "high_utilization": same})).group(0)
    reads_cost = any(m == "inference_tax.cost_per_mtok_gpu_usd" for c in claims for m in c.metrics)
    if reads_cost:
        assert "No verdict moves" in row and "still give the same verdicts" in row
    else:
        assert "No verdict moves: this scenario moves 1 result (inference_tax)" in row
    row = re.search(r'<tr id="scenario-high_utilization">.*?</tr>',
                    scenarios_page.scenarios_page({"default": base, "high_utilization": base})).group(0)
    assert "moves none of the book's results" in row
    assert metric is None or "." in metric


def test_scenarios_page_with_nothing_built_says_so_and_has_no_empty_grid():
    page = scenarios_page.scenarios_page({})
    assert "Not built yet" in page and "## Key results" not in page


def test_cite_block_names_title_edition_and_bibtex():
    block = footer.cite_block()
    day, _ = footer.edition()
    assert block.startswith("## Cite this book")
    assert f"Edition of {day}" in block and "@book{" in block
    assert footer.citation()["title"] in block


def test_pdf_link_only_once_and_before_the_citation(tmp_path):
    page = tmp_path / "book" / "index.html"
    page.parent.mkdir()
    page.write_text('<article><p>text</p><section id="cite-this-book"><h2>Cite</h2></section></article>')
    fake = tmp_path / "_static" / "token-factory.pdf"
    fake.parent.mkdir()
    fake.write_bytes(b"%PDF-" + b"0" * 2_000_000)
    assert pdf.link_pdf(tmp_path, fake) and pdf.link_pdf(tmp_path, fake)
    text = page.read_text()
    assert text.count("token-factory.pdf") == 1
    assert text.index("token-factory.pdf") < text.index('id="cite-this-book"')
    assert "(2.0 MB)" in text


def test_true_false_read_as_words():
    frame = pd.DataFrame({"estimate": [True, False, None], "n": [1, 2, 3]})
    out = nb.yes_no(frame)
    assert list(out["estimate"]) == ["yes", "no", ""] and list(out["n"]) == [1, 2, 3]
    assert pagetext.words("one of: True, False") == "one of: yes, no"


def test_single_view_charts_take_the_column_width_and_wrap_long_titles():
    title = "A title that states the finding at some length, longer than a phone's line"
    spec = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").properties(
        title=charts.title(title, "Unit: things")).to_dict()
    out = charts.responsive(spec)
    assert out["width"] == "container" and out["autosize"]["type"] == "fit-x"
    expr = out["title"]["text"]["expr"]
    assert expr.startswith("containerSize()[0] < ")
    narrow = json.loads(re.search(r"\? (\[.*?\]) :", expr).group(1))
    assert " ".join(narrow) == title and all(len(line) <= charts._WRAP[0][1] for line in narrow)
    concat = alt.hconcat(alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), alt.Chart(pd.DataFrame({"x": [1]})).mark_bar()).to_dict()
    assert "width" not in charts.responsive(concat)  # panels keep their own sizes
    # ...but the title of a chart of panels wraps to the column too (a long subtitle made the
    # "Since 2019" summary 864 px wide in a 688 px column)
    titled = alt.vconcat(alt.Chart(pd.DataFrame({"x": [1]})).mark_point()).properties(
        title=charts.title(title, "Top: " + "a long subtitle " * 8)).to_dict()
    wrapped = charts.responsive(titled)["title"]
    assert wrapped["text"]["expr"].startswith("containerSize()[0] < ") and "expr" in wrapped["subtitle"]
    inner = alt.vconcat(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().properties(
        title=charts.title(title, ["Top: " + "a long subtitle " * 8, "Bottom: another"]))).to_dict()
    panel = charts.responsive(inner)["vconcat"][0]["title"]
    assert "expr" in panel["text"] and "expr" in panel["subtitle"]


def test_a_share_slider_shows_a_percentage():
    """Utilization 0.4 reads "40%": the chart carries the slider's format for the page."""
    u = charts.control("u_share", 0.4, label="Utilization", unit="share of hours", min=0.05, max=1.0, step=0.01)
    spec = charts.responsive(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(u).to_dict())
    assert spec["usermeta"]["tfFormats"] == {"u_share": ".0%"}
    fine = charts.control("u_fine", 0.405, label="Utilization", unit="share of hours", min=0.0, max=1.0, step=0.005)
    spec = charts.responsive(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(fine).to_dict())
    assert spec["usermeta"]["tfFormats"] == {"u_fine": ".1%"}
    # not a share: no format; an explicit one is kept; a select has none
    n = charts.control("n_times", 2.0, label="Faster", unit="times", min=1.0, max=50.0, step=0.5)
    assert "usermeta" not in charts.responsive(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(n).to_dict())
    g = charts.control("g_rate", 0.25, label="Growth", unit="per year", min=0.0, max=2.0, step=0.05, fmt=".0%")
    spec = charts.responsive(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(g).to_dict())
    assert spec["usermeta"]["tfFormats"] == {"g_rate": ".0%"}
    with pytest.raises(ValueError, match="slider"):
        charts.control("c_pick", "a", label="Pick", options=["a", "b"], fmt=".0%")


def test_a_chart_description_is_text_for_screen_readers(monkeypatch):
    shown = []
    monkeypatch.setattr(nb, "display", lambda obj, **kw: shown.append(obj))
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    nb.show(chart, "data/x.csv", description="The tax is $0.28 <per> million tokens")
    caption = shown[-1].data
    assert '<p class="tf-chart-desc tf-sr-only">The tax is $0.28 &lt;per&gt; million tokens</p>' in caption


def test_control_binds_a_slider_or_select_with_its_unit():
    u = charts.control("u", 0.5, label="Utilization", unit="share of hours", min=0.1, max=1.0, step=0.05)
    spec = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(u).to_dict()
    param = spec["params"][0]
    assert param["value"] == 0.5 and param["bind"]["input"] == "range"
    assert param["bind"]["name"].startswith("Utilization (share of hours)")
    s = charts.control("chip", "h100", label="Chip", options=["h100", "b200"], labels=["H100", "B200"])
    bind = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(s).to_dict()["params"][0]["bind"]
    assert bind["input"] == "select" and bind["labels"] == ["H100", "B200"]
    with pytest.raises(ValueError, match="outside"):
        charts.control("u", 2.0, label="U", min=0, max=1)


def test_live_title_is_an_expression_on_the_controls():
    t = charts.live_title(["'Cost at'", charts.expr_number("u", ".0%")], "USD per million tokens")
    expr = t.to_dict()["text"]["expr"]
    assert "format(u, \".0%\")" in expr and expr.startswith("split(") and "containerSize()[0]" in expr


def test_checks_are_inert_json():
    html = nb.checks_html([{"set": {"u": 0.8}, "expect": ["<$1"]}])
    assert html.startswith('<script type="application/json" class="tf-checks">') and "<$" not in html
    assert json.loads(html.split(">", 1)[1].rsplit("<", 1)[0]) == [{"set": {"u": 0.8}, "expect": ["<$1"]}]
    with pytest.raises(ValueError):
        nb.checks_html([{"set": {"u": 0.8}}])
    with pytest.raises(ValueError, match="'set'"):
        nb.checks_html([{"expect": ["$0.28"]}])
    # the page's own setting: the chart at its defaults must show the glued headline
    assert '"set": {}' in nb.checks_html([{"set": {}, "expect": ["$0.28"]}])


def test_a_slider_must_be_able_to_show_the_pages_setting():
    with pytest.raises(ValueError, match="not on the slider's steps"):
        charts.control("price", 33600, label="Chip price", unit="USD", min=0, max=84000, step=500)
    charts.control("price", 33600, label="Chip price", unit="USD", min=0, max=84000, step=100)


def test_no_chart_text_under_eleven_pixels():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_text(fontSize=9).encode(x="x:Q").configure_axis(labelFontSize=8)
    out = charts.responsive(chart.to_dict())
    assert out["mark"]["fontSize"] == 11 and out["config"]["axis"]["labelFontSize"] == 11
    big = charts.responsive(alt.Chart(pd.DataFrame({"x": [1]})).mark_text(fontSize=14).to_dict())
    assert big["mark"]["fontSize"] == 14


def test_a_title_set_on_a_layer_wraps_too():
    title = "A title that states the finding at some length, longer than a phone's line"
    base = alt.Chart(pd.DataFrame({"x": [1]})).encode(x="x:Q")
    spec = alt.layer(base.mark_point().properties(title=title), base.mark_line()).to_dict()
    out = charts.responsive(spec)
    layer_title = next(layer["title"] for layer in out["layer"] if "title" in layer)
    assert "expr" in layer_title["text"] and out["width"] == "container"


def test_a_title_that_follows_the_controls_wraps_to_the_container():
    b = charts.control("b", "ECI", label="Benchmark", options=["ECI", "MMLU"])
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").add_params(b).properties(
        title=alt.TitleParams(text=alt.expr("b + ': the best closed model leads by 11 points'"), subtitle="unit"))
    expr = charts.responsive(chart.to_dict())["title"]["text"]["expr"]
    assert expr.startswith("split(") and "containerSize()[0]" in expr and "b + ': the best" in expr


def test_empty_markdown_shows_nothing(capsys):
    nb.md("   ")
    assert "Markdown object" not in capsys.readouterr().out


def test_unused_data_columns_leave_the_page():
    """A chart's data keeps the columns its spec names (encodings, transforms, tooltips) and
    drops the rest; with tooltip=True (every field shown) nothing is dropped."""
    frame = pd.DataFrame({"year": [2020, 2021], "cost": [1.0, 2.0], "note": ["a", "b"], "shown": ["x", "y"],
                          "unused_long_column": ["zzz", "zzz"]})
    chart = alt.Chart(frame).mark_line().encode(x="year:O", y="cost:Q", tooltip=["shown:N"]).transform_filter(
        "datum.note != 'c'")
    spec = charts.responsive(chart.to_dict())
    rows = next(iter(spec["datasets"].values()))
    assert set(rows[0]) == {"year", "cost", "note", "shown"}
    everything = charts.responsive(alt.Chart(frame).mark_point(tooltip=True).encode(x="year:O").to_dict())
    assert "unused_long_column" in next(iter(everything["datasets"].values()))[0]


def test_every_drawn_icon_hides_its_font_glyph():
    """The icons tokenfactory.build.sphinx_assets draws as SVG are the ones whose icon-font glyph the
    book's CSS hides (else the page would download the icon font for them, or draw both)."""
    from pathlib import Path

    from tokenfactory.build import sphinx_assets

    css = (Path(__file__).resolve().parents[1] / "_static" / "tokenfactory.css").read_text(encoding="utf-8")
    rule = css[css.index(":is(.fa-angle-left"):]
    rule = rule[:rule.index("::before")]
    assert {n.strip().removeprefix(".fa-") for n in rule.removeprefix(":is(").rstrip(")").split(",")} == \
        set(sphinx_assets.ICONS)


def test_icons_are_read_from_font_awesomes_script():
    from tokenfactory.build import sphinx_assets

    fake = ('x("fab",{}) {"bars":[1,2,[],"f1","BRANDS"]} ("far",p) '
            '{bars:[448,512,["navicon"],"f0c9","M0 96z"],"sun":[512,512,[],"f185","M1 1z"]} ("fas",p)')
    assert sphinx_assets.icon_paths(fake, ("bars", "sun", "moon")) == {"bars": [448, 512, "M0 96z"],
                                                                        "sun": [512, 512, "M1 1z"]}


def test_negative_dollars_read_as_minus_dollars():
    assert pagetext.show_result(-8.3, "usd_bn") == "−$8.3 billion" and pagetext.show_result(0.28, "usd") == "$0.28"
