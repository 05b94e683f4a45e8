"""The data checks: the real tables pass, and every kind of corruption is named precisely."""

from __future__ import annotations

import csv
import shutil

import pytest

from tokenfactory.data import TABLES, DataError, check_all, load
from tokenfactory.data.load import table_path
from tokenfactory import paths


def test_real_data_passes_every_check():
    problems = check_all()
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_coverage_minimums():
    """The minimum coverage the book promises (issue: sourced datasets)."""
    assert len(load("accelerators")) >= 35
    assert load("chip_programs")["program"].nunique() >= 25
    assert len(load("models")) >= 60
    scores = load("benchmark_scores")
    assert {"mmlu", "gpqa_diamond", "lmarena_elo"} <= set(scores["benchmark"])
    assert len(load("api_prices")) >= 60
    capex = load("capex")
    assert {"Alphabet", "Amazon", "Meta", "Microsoft"} <= set(capex["company"])
    assert (capex["row_type"] == "guidance").any()


def test_every_row_has_a_source_and_date():
    for name in TABLES:
        frame = load(name)
        assert frame["source_url"].notna().all(), name
        assert frame["as_of"].notna().all(), name


def _copy(tmp_path, name):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    shutil.copy2(table_path(name), data / f"{name}.csv")
    return data


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _expect(name, data, *fragments):
    with pytest.raises(DataError) as exc:
        load(name, data)
    message = str(exc.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.mark.parametrize("name", list(TABLES))
def test_missing_column(tmp_path, name):
    data = _copy(tmp_path, name)
    rows = _rows(data / f"{name}.csv")
    i = rows[0].index("source_url")
    _write(data / f"{name}.csv", [r[:i] + r[i + 1:] for r in rows])
    _expect(name, data, f"data/{name}.csv, line 1, column source_url", "required column is missing")


@pytest.mark.parametrize("name", list(TABLES))
def test_bad_date(tmp_path, name):
    data = _copy(tmp_path, name)
    rows = _rows(data / f"{name}.csv")
    rows[1][rows[0].index("as_of")] = "2024-13-45"
    _write(data / f"{name}.csv", rows)
    _expect(name, data, f"data/{name}.csv, line 2, column as_of, value '2024-13-45'", "YYYY-MM-DD")


@pytest.mark.parametrize("name", [n for n, t in TABLES.items() if any(c.ge == 0 for c in t.columns)])
def test_negative_number(tmp_path, name):
    col = next(c.name for c in TABLES[name].columns if c.ge == 0)
    data = _copy(tmp_path, name)
    rows = _rows(data / f"{name}.csv")
    rows[1][rows[0].index(col)] = "-5"
    _write(data / f"{name}.csv", rows)
    _expect(name, data, f"line 2, column {col}, value '-5'", "must be ≥ 0")


@pytest.mark.parametrize("name", list(TABLES))
def test_duplicate_key(tmp_path, name):
    data = _copy(tmp_path, name)
    rows = _rows(data / f"{name}.csv")
    _write(data / f"{name}.csv", rows + [rows[1]])
    _expect(name, data, "duplicate key", f"line {len(rows) + 1}")


@pytest.mark.parametrize("name", list(TABLES))
def test_empty_file(tmp_path, name):
    data = _copy(tmp_path, name)
    (data / f"{name}.csv").write_bytes(b"")
    _expect(name, data, f"data/{name}.csv", "file is empty")


@pytest.mark.parametrize("name", list(TABLES))
def test_invalid_utf8(tmp_path, name):
    data = _copy(tmp_path, name)
    path = data / f"{name}.csv"
    raw = path.read_bytes()
    second_line = raw.index(b"\n") + 1
    path.write_bytes(raw[:second_line] + b"\xff\xfe" + raw[second_line:])
    _expect(name, data, f"data/{name}.csv, line 2", "not valid UTF-8")


@pytest.mark.parametrize("name", list(TABLES))
def test_missing_source(tmp_path, name):
    data = _copy(tmp_path, name)
    rows = _rows(data / f"{name}.csv")
    rows[1][rows[0].index("source_url")] = ""
    _write(data / f"{name}.csv", rows)
    _expect(name, data, "line 2, column source_url", "is required")


def test_not_a_url(tmp_path):
    data = _copy(tmp_path, "models")
    rows = _rows(data / "models.csv")
    rows[1][rows[0].index("source_url")] = "somewhere on the web"
    _write(data / "models.csv", rows)
    _expect("models", data, "line 2, column source_url", "http(s) URLs")


def test_unknown_category(tmp_path):
    data = _copy(tmp_path, "models")
    rows = _rows(data / "models.csv")
    rows[1][rows[0].index("weights")] = "semi-open"
    _write(data / "models.csv", rows)
    _expect("models", data, "line 2, column weights, value 'semi-open'", "must be one of: closed, open, open_restricted")


def test_dates_out_of_order_respect_precision(tmp_path):
    data = _copy(tmp_path, "accelerators")
    rows = _rows(data / "accelerators.csv")
    h = rows[0]
    row = rows[1]
    row[h.index("announced_date")], row[h.index("announced_date_precision")] = "2024-03-15", "day"
    row[h.index("available_date")], row[h.index("available_date_precision")] = "2024-03-01", "month"
    _write(data / "accelerators.csv", rows)
    load("accelerators", data)  # same month: consistent at month precision
    row[h.index("available_date_precision")] = "day"
    _write(data / "accelerators.csv", rows)
    _expect("accelerators", data, "line 2, column available_date", "must not be before announced_date")


def test_number_with_units_is_refused(tmp_path):
    data = _copy(tmp_path, "accelerators")
    rows = _rows(data / "accelerators.csv")
    rows[1][rows[0].index("tdp_w")] = "700 W"
    _write(data / "accelerators.csv", rows)
    _expect("accelerators", data, "line 2, column tdp_w, value '700 W'", "must be a number")


def test_meta_files_exist_and_name_their_sources():
    import yaml

    for name in TABLES:
        meta = paths.data_dir() / f"{name}.meta.yml"
        assert meta.exists(), f"{meta} is missing"
        content = yaml.safe_load(meta.read_text(encoding="utf-8"))
        for key in ("title", "description", "license", "date_accessed"):
            assert content.get(key), f"{meta.name}: {key} is empty"
        assert content.get("sources") or content.get("source_urls"), f"{meta.name}: no sources"


def test_serving_benchmarks_coverage():
    """The calibrated cost model needs enough measured points: several chips, sources and models."""
    frame = load("serving_benchmarks")
    assert len(frame) >= 30
    assert frame["accelerator"].dropna().nunique() >= 5
    assert frame["source"].nunique() >= 3
    assert frame["model"].nunique() >= 3
    out = frame["output_tokens_per_s_per_chip"]
    total = frame["total_tokens_per_s_per_chip"]
    assert (out.notna() | total.notna()).all(), "every point has a throughput"
    assert (out.dropna() > 0).all() and (total.dropna() > 0).all()
    both = out.notna() & total.notna()
    assert (total[both] >= out[both]).all()


def test_serving_total_below_output_is_named(tmp_path):
    data = _copy(tmp_path, "serving_benchmarks")
    rows = _rows(data / "serving_benchmarks.csv")
    h = rows[0]
    rows[1][h.index("output_tokens_per_s_per_chip")] = "100"
    rows[1][h.index("total_tokens_per_s_per_chip")] = "50"
    _write(data / "serving_benchmarks.csv", rows)
    _expect("serving_benchmarks", data, "line 2, column total_tokens_per_s_per_chip, value '50'",
            "must not be below output")


def test_rental_prices_cover_the_serving_chips():
    rent = load("rental_prices")
    serving = load("serving_benchmarks")
    covered = set(rent["accelerator"])
    assert len(covered) >= 5
    assert {"NVIDIA H100 SXM", "NVIDIA H200 SXM", "NVIDIA B200", "AMD Instinct MI300X"} <= covered
    assert (rent["usd_per_chip_hour"] > 0).all()
    assert len(set(serving["accelerator"].dropna()) & covered) >= 5


def test_vendor_margin_low_above_high_is_named(tmp_path):
    data = _copy(tmp_path, "vendor_margins")
    rows = _rows(data / "vendor_margins.csv")
    h = rows[0]
    rows[1][h.index("gross_margin_low")] = "0.9"
    rows[1][h.index("gross_margin_high")] = "0.5"
    _write(data / "vendor_margins.csv", rows)
    _expect("vendor_margins", data, "line 2, column gross_margin_low, value '0.9'", "low end must not exceed")


def test_coverage_end_is_computed_from_the_rows_not_stated_in_the_meta_files():
    """The newest statement date is the largest `as_of` of a table's rows, computed (one copy): a hand-made
    table with statements of 2020-01-01 and 2021-05-05 covers to 2021-05-05; no meta file restates it."""
    import pandas as pd

    from tokenfactory.data.load import coverage_end

    frame = pd.DataFrame({"as_of": pd.to_datetime(["2021-05-05", "2020-01-01", None])})
    assert coverage_end(frame) == "2021-05-05"
    assert coverage_end(frame.iloc[:0]) == ""
    for name in TABLES:
        text = (paths.data_dir() / f"{name}.meta.yml").read_text(encoding="utf-8")
        assert "coverage_end" not in text, f"{name}.meta.yml: coverage_end is computed from the rows; drop it"


def test_source_captions_come_from_the_meta_files_producers(tmp_path):
    """Chart captions name a table's producers as its meta file lists them (not retyped in code), and
    shorten a long list to the first four and a count."""
    from tokenfactory.data.load import source_caption

    (tmp_path / "t.meta.yml").write_text("producers: [Epoch AI, Our World in Data]\n", encoding="utf-8")
    assert source_caption("t", tmp_path) == "Epoch AI, Our World in Data; data/t.csv"
    (tmp_path / "u.meta.yml").write_text("producers: [A, B, C, D, E, F, G]\n", encoding="utf-8")
    assert source_caption("u", tmp_path) == "A, B, C, D, 3 others; data/u.csv"
    assert source_caption("none", tmp_path) == "data/none.csv"
