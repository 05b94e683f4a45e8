"""The audit's kinds of error, each refused on a synthetic bad row and accepted on a good one.

Each test copies a real table to a temporary data/ directory, breaks (or mends) one row and loads it,
so the rule is checked on the very frame the chapters read. Expectations come from the audit
(2026-12): a year-end figure dated on the year's last day, a price read only years later, GiB in a GB
column, a foundry in the process-node column, a server price counted twice, two definitions in one
series, an AI-written wiki as a source, a price or score dated before its model, a current price for
a retired model.
"""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from tokenfactory.data import DataError, load
from tokenfactory.data import checks
from tokenfactory.data.load import table_path
from tokenfactory.data.schemas import TABLES, Col, Table, date_basis_col


def _copy(tmp_path, *names, meta=False):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for name in names:
        shutil.copy2(table_path(name), data / f"{name}.csv")
        if meta:
            shutil.copy2(table_path(name).with_suffix(".meta.yml"), data / f"{name}.meta.yml")
    return data


def _read(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _edit(data, name, pick, **changes):
    """Change the first row for which pick(row) is true; return its line number in the file."""
    path = data / f"{name}.csv"
    rows = _read(path)
    i = next(i for i, r in enumerate(rows) if pick(r))
    rows[i].update(changes)
    _write(path, rows)
    return i + 2


def _accepted(name, data, pick, **expected):
    """The table loads, and the row picked (as in _edit, on the loaded frame) carries the edited values."""
    frame = load(name, data)
    rows = [r for r in frame.to_dict("records") if pick({k: str(v) for k, v in r.items()})]
    assert rows, f"{name}: the edited row is not in the loaded table"
    for key, value in expected.items():
        assert rows[0][key] == value, (key, rows[0][key], value)


def _refused(name, data, *fragments):
    with pytest.raises(DataError) as exc:
        load(name, data)
    text = str(exc.value)
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- date basis --------------------------------------------------------------------------------

def test_unknown_date_basis_is_refused(tmp_path):
    data = _copy(tmp_path, "benchmark_scores")
    line = _edit(data, "benchmark_scores", lambda r: True, date_basis="snapshot")
    _refused("benchmark_scores", data, f"line {line}, column date_basis", "must be one of: statement, page_date,")


def _capex_fy(r):
    return r["company"] == "Alphabet" and r["fiscal_year"] == "2023" and r["period"] == "FY"


def test_year_end_figure_dated_on_the_last_day_is_refused(tmp_path):
    """Audit S-1: a full-year figure cannot be stated on the year's last day."""
    data = _copy(tmp_path, "capex", meta=True)
    line = _edit(data, "capex", _capex_fy, as_of="2023-12-31")
    _refused("capex", data, f"line {line}, column as_of", "cannot be dated on or before that day")


def test_year_end_figure_dated_by_its_filing_passes(tmp_path):
    data = _copy(tmp_path, "capex", meta=True)
    _edit(data, "capex", _capex_fy, as_of="2024-01-31")
    frame = load("capex", data)
    assert (frame["as_of"] > frame["period_end"])[frame["row_type"] == "reported"].all()


def test_figure_read_on_an_aggregator_page_must_be_an_estimate(tmp_path):
    data = _copy(tmp_path, "capex", meta=True)
    line = _edit(data, "capex", _capex_fy, date_basis="page_date", estimate="false")
    _refused("capex", data, f"line {line}, column date_basis", "must be marked estimate=true")
    _edit(data, "capex", _capex_fy, estimate="true")
    _accepted("capex", data, _capex_fy, estimate=True, date_basis="page_date")


def _gpt5(r):
    return r["provider"] == "OpenAI" and r["model"] == "GPT-5" and r["event"] == "launch"


def test_launch_price_stated_months_later_must_be_an_estimate(tmp_path):
    """Audit S-5: a launch dated by the event but read only in a much later statement."""
    data = _copy(tmp_path, "api_prices")
    line = _edit(data, "api_prices", _gpt5, as_of="2026-01-01", estimate="false")
    _refused("api_prices", data, f"line {line}, column as_of", "must be stated by a source of that time")
    _edit(data, "api_prices", _gpt5, as_of="2025-08-07", estimate="false")  # the announcement day
    _accepted("api_prices", data, _gpt5, as_of=pd.Timestamp("2025-08-07"), estimate=False)


def test_price_stated_before_it_takes_effect_needs_the_announcement_said(tmp_path):
    data = _copy(tmp_path, "api_prices")
    line = _edit(data, "api_prices", _gpt5, as_of="2025-08-01", notes="price list")
    _refused("api_prices", data, f"line {line}, column as_of")
    _edit(data, "api_prices", _gpt5, notes="announced in advance on 2025-08-01")
    _accepted("api_prices", data, _gpt5, as_of=pd.Timestamp("2025-08-01"), notes="announced in advance on 2025-08-01")


def test_rules_read_only_the_bases_they_may():
    frame = pd.DataFrame({"x": [1, 2, 3], "date_basis": ["event", "page_date", "scraped"]})
    assert list(checks.rows_with_basis(frame, ["event"], rule="trend")["x"]) == [1]
    assert list(checks.rows_with_basis(frame, ("event", "scraped"), rule="trend")["x"]) == [1, 3]
    with pytest.raises(ValueError, match="trend: unknown date basis"):
        checks.rows_with_basis(frame, ["effective"], rule="trend")
    with pytest.raises(ValueError, match="no date_basis column"):
        checks.rows_with_basis(frame.drop(columns="date_basis"), ["event"], rule="trend")


def test_date_basis_column_takes_only_known_bases():
    with pytest.raises(ValueError, match="unknown date basis"):
        date_basis_col("as_of", ("statement", "read_day"))
    assert date_basis_col("date").choices == tuple(checks.DATE_BASES)


# --- denied sources ----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://grokipedia.com/page/Gemini", "https://www.aiwiki.ai/wiki/gpt_4",
                                 "https://en.aiwiki.ai/x"])
def test_ai_written_wiki_is_refused_with_the_row(tmp_path, url):
    data = _copy(tmp_path, "models")
    line = _edit(data, "models", lambda r: r["model"] == "GPT-4",
                 source_url="https://openai.com/research/gpt-4 ; " + url)
    _refused("models", data, f"line {line}, column source_url, value '{url}'", "AI-written wiki", "not a source")


def test_lookalike_domain_is_not_refused():
    assert checks.denied_domain("https://notaiwiki.ai/x") is None
    assert checks.denied_domain("https://aiwiki.ai.example.com/x") is None
    assert checks.denied_domain("https://aiwiki.ai/wiki/x") == "aiwiki.ai"


# --- units -------------------------------------------------------------------------------------

def test_gib_figure_in_a_gb_column_is_refused(tmp_path):
    """Audit A-41: Trainium3's 144 GiB stored as 144 'GB'."""
    data = _copy(tmp_path, "accelerators")
    pick = lambda r: r["accelerator"] == "AWS Trainium3"  # noqa: E731
    line = _edit(data, "accelerators", pick, memory_gb="144")
    _refused("accelerators", data, f"line {line}, column memory_gb", "notes give this figure in GiB")
    _edit(data, "accelerators", pick, memory_gb="154.6")  # 144 x 1.073741824
    assert load("accelerators", data).set_index("accelerator").at["AWS Trainium3", "memory_gb"] == 154.6


def test_column_name_and_declared_unit_agree():
    assert checks.schema_unit_problems(TABLES.values()) == []
    bad = Table("t", key=("a",), columns=(Col("memory_gb", "number", "m", "GiB"),))
    assert checks.schema_unit_problems([bad]) == ["t.memory_gb: the name says 'GB' but the schema says 'GiB'"]


def test_foundry_in_the_process_node_column_is_refused(tmp_path):
    data = _copy(tmp_path, "accelerators")
    line = _edit(data, "accelerators", lambda r: r["accelerator"] == "AWS Trainium3", process_node="TSMC")
    _refused("accelerators", data, f"line {line}, column process_node", "is a foundry, not a process node")


def test_server_capex_equal_to_a_server_price_per_chip_is_refused(tmp_path):
    """Audit S-4: the H100 row's DGX price / 8 in both price_usd and server_capex_usd_per_chip."""
    data = _copy(tmp_path, "accelerators")
    pick = lambda r: r["accelerator"] == "NVIDIA H100 SXM"  # noqa: E731
    line = _edit(data, "accelerators", pick, server_capex_usd_per_chip="33626.25")
    _refused("accelerators", data, f"line {line}, column server_capex_usd_per_chip", "already includes the server")
    _edit(data, "accelerators", pick, server_capex_usd_per_chip="8000")
    _accepted("accelerators", data, pick, server_capex_usd_per_chip=8000.0)


# --- one definition per series -----------------------------------------------------------------

def test_two_definitions_in_one_series_are_refused(tmp_path):
    """Audit S-1: Meta's 2019 headline including finance-lease principal beside purchases only."""
    data = _copy(tmp_path, "capex", meta=True)
    pick = lambda r: r["company"] == "Meta" and r["fiscal_year"] == "2020" and r["period"] == "FY"  # noqa: E731
    line = _edit(data, "capex", pick, definition="capital expenditures including principal payments on finance leases")
    _refused("capex", data, f"line {line}, column definition", "series 'Meta | reported' is defined in capex.meta.yml")


def test_series_without_a_named_definition_is_refused(tmp_path):
    data = _copy(tmp_path, "capex", meta=True)
    line = _edit(data, "capex", _capex_fy, company="Alphabetical")
    _refused("capex", data, f"line {line}, column company, row_type", "series not named in capex.meta.yml")
    (data / "capex.meta.yml").unlink()
    _refused("capex", data, "data/capex.meta.yml, column series_definitions: is missing")


# --- across tables -----------------------------------------------------------------------------

def _models():
    return pd.DataFrame({"model": ["M"], "release_date": pd.to_datetime(["2024-04-17"]),
                         "release_date_precision": ["day"]})


def _prices(**row):
    base = {"provider": "P", "model": "M", "date": pd.Timestamp("2024-05-01"), "date_precision": "day",
            "event": "current", "as_of": pd.Timestamp("2024-05-01"), "notes": "", "retired_date": pd.NaT}
    base.update(row)
    return pd.DataFrame([base])


def test_price_dated_before_its_model_is_refused():
    """Audit A-47: the Lago Mixtral 8x22B listing dated 2024-04-01, before the model (2024-04-17)."""
    bad = _prices(date=pd.Timestamp("2024-04-01"), as_of=pd.Timestamp("2024-04-01"))
    problems = checks.before_release_problems({"models": _models(), "api_prices": bad})
    assert [(p.line, p.column) for p in problems] == [(2, "date"), (2, "as_of")]
    assert "dated before M was released (2024-04-17" in problems[0].rule
    assert checks.before_release_problems({"models": _models(), "api_prices": _prices()}) == []


def test_quarter_precise_price_date_may_fall_after_the_release():
    ok = _prices(date=pd.Timestamp("2024-04-01"), date_precision="quarter", as_of=pd.Timestamp("2024-04-20"))
    assert checks.before_release_problems({"models": _models(), "api_prices": ok}) == []


def test_score_dated_before_its_model_is_refused():
    scores = pd.DataFrame({"model": ["M", "M"], "as_of": pd.to_datetime(["2024-04-16", "2024-04-17"])})
    problems = checks.before_release_problems({"models": _models(), "benchmark_scores": scores})
    assert [(p.file, p.line) for p in problems] == [("data/benchmark_scores.csv", 2)]


def test_current_price_for_a_retired_model_is_refused():
    """Audit A-11: Groq's Mixtral 'current' three months after Groq shut it down."""
    retired = pd.Timestamp("2025-03-20")
    bad = pd.concat([_prices(date=pd.Timestamp("2024-01-01"), retired_date=retired),
                     _prices(date=pd.Timestamp("2025-06-22"))], ignore_index=True)
    problems = checks.retired_current_problems({"api_prices": bad})
    assert [(p.line, p.column) for p in problems] == [(3, "event")]
    assert "retired M on 2025-03-20" in problems[0].rule
    ok = bad.assign(date=[pd.Timestamp("2024-01-01"), pd.Timestamp("2025-03-19")])
    assert checks.retired_current_problems({"api_prices": ok}) == []


def test_real_data_has_no_cross_table_problem():
    frames = {name: load(name) for name in ("models", "api_prices", "benchmark_scores")}
    assert checks.cross_table_problems(frames) == []
