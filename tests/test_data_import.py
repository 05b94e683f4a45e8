"""`tokenfactory data import`: producer files round-trip into data/, bad files leave data/ as it was.

Every test works in a throw-away copy of data/ (TOKENFACTORY_ROOT). Expectations come from the
fixture files (tests/fixtures/producers, shaped like the producers' published files), worked by
hand: the unit conversions, the truncation to 0.1 Elo, which rows are new and which changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenfactory.cli import app
from tokenfactory.data import importers, load
from tokenfactory.data.importers import base, epoch_hardware, epoch_models

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures" / "producers"


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A copy of the repository's data/ under a temporary root."""
    dest = tmp_path / "repo"
    shutil.copytree(REPO / "data", dest / "data")
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(dest))
    return dest


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def run(*args: str):
    return CliRunner().invoke(app, ["data", "import", *args])


def rows(root: Path, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((root / "data" / f"{table}.csv").read_text(encoding="utf-8"))))


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_genai_prices_round_trip(root):
    before = rows(root, "api_prices")
    # v1: three models of models.csv at a check date the table does not have yet; Qwen1.5-72B is not
    # in models.csv and is skipped
    res = run("api_prices", str(FIX / "genai_prices_together_v1.yml"), "--write")
    assert res.exit_code == 0, res.output
    assert last_line(res.output) == "added 3, changed 0, removed 0"
    assert "skipped 1 not in data/models.csv" in res.output and "Qwen/Qwen1.5-72B" in res.output

    # v2 adds Llama 3.3 70B and raises gpt-oss-120b's output price from 0.6 to 0.65: shown, not written
    snap = digest(root / "data")
    res = run("api_prices", str(FIX / "genai_prices_together_v2.yml"))
    assert res.exit_code == 0, res.output
    assert "+ added   Together AI | Llama 3.3 70B | 2026-11-30: input_usd_per_mtok 0.88, output_usd_per_mtok 0.88" in res.output
    assert "~ changed Together AI | gpt-oss-120b | 2026-11-30: output_usd_per_mtok 0.6 -> 0.65" in res.output
    assert last_line(res.output) == "added 1, changed 1, removed 0"
    assert digest(root / "data") == snap  # without --write nothing moves

    res = run("api_prices", str(FIX / "genai_prices_together_v2.yml"), "--write")
    assert last_line(res.output) == "added 1, changed 1, removed 0"
    res = run("api_prices", str(FIX / "genai_prices_together_v2.yml"))
    assert last_line(res.output) == "added 0, changed 0, removed 0"

    after = rows(root, "api_prices")
    new = {(r["model"]): r for r in after if r["provider"] == "Together AI" and r["date"] == "2026-11-30"}
    assert set(new) == {"DeepSeek-R1", "DeepSeek-V3", "gpt-oss-120b", "Llama 3.3 70B"}
    gpt = new["gpt-oss-120b"]
    assert (gpt["input_usd_per_mtok"], gpt["output_usd_per_mtok"]) == ("0.15", "0.65")
    assert (gpt["event"], gpt["date_basis"], gpt["as_of"], gpt["date_precision"]) == ("current", "page_date", "2026-11-30", "day")
    assert "https://www.together.ai/pricing" in gpt["source_url"] and "pydantic/genai-prices" in gpt["source_url"]
    assert "output_usd_per_mtok was 0.6" in gpt["notes"]
    # the unconstrained price of a list of prices (not the off-peak one)
    assert new["Llama 3.3 70B"]["input_usd_per_mtok"] == "0.88"
    # every row that was there before is still there, unchanged
    assert after[: len(before)] == before
    load("api_prices")  # the written table passes its schema

    # back to v1: gpt-oss-120b changes back, Llama 3.3 70B (same producer, same date, absent) is removed
    res = run("api_prices", str(FIX / "genai_prices_together_v1.yml"))
    assert "- removed Together AI | Llama 3.3 70B | 2026-11-30" in res.output
    assert last_line(res.output) == "added 0, changed 1, removed 1"


def test_bad_value_names_line_and_column_and_leaves_data_alone(root):
    snap = digest(root / "data")
    res = run("api_prices", str(FIX / "genai_prices_bad_value.yml"), "--write")
    assert res.exit_code == 2
    assert "genai_prices_bad_value.yml, line 25, column input_mtok, value 'cheap': must be a number" in res.output
    assert "data/ is unchanged" in res.output
    assert digest(root / "data") == snap


def test_bad_value_in_a_csv_names_its_line(root):
    snap = digest(root / "data")
    res = run("benchmark_scores", str(FIX / "epoch_capabilities_index_bad.csv"), "--as-of", "2026-11-30", "--write")
    assert res.exit_code == 2
    assert "epoch_capabilities_index_bad.csv, line 2, column ECI Score, value 'n/a': must be a number" in res.output
    assert digest(root / "data") == snap


def test_wrong_column_is_named(root):
    snap = digest(root / "data")
    for extra in ((), ("--producer", "epoch-eci")):
        res = run("benchmark_scores", str(FIX / "epoch_capabilities_index_wrong_column.csv"), "--as-of", "2026-11-30",
                  "--write", *extra)
        assert res.exit_code == 2
        assert "epoch_capabilities_index_wrong_column.csv, line 1, column ECI Score: column missing" in res.output
    assert digest(root / "data") == snap


def test_a_row_the_schema_refuses_is_blamed_on_the_file(root, tmp_path):
    # a negative price passes as a number but the schema allows 0 to 10000
    bad = tmp_path / "together.yml"
    bad.write_text((FIX / "genai_prices_together_v2.yml").read_text().replace("output_mtok: 0.65", "output_mtok: -1"))
    snap = digest(root / "data")
    res = run("api_prices", str(bad), "--write")
    assert res.exit_code == 2
    assert "together.yml, line" in res.output and "output_mtok (-> api_prices.output_usd_per_mtok), value '-1': must be ≥ 0" in res.output
    assert digest(root / "data") == snap


def test_a_file_without_a_date_needs_as_of(root):
    snap = digest(root / "data")
    res = run("benchmark_scores", str(FIX / "lmarena_text_table.csv"), "--write")
    assert res.exit_code == 2 and "give --as-of" in res.output
    assert digest(root / "data") == snap
    res = run("benchmark_scores", str(FIX / "lmarena_text_table.csv"), "--as-of", "2026-13-01")
    assert res.exit_code == 2 and "--as-of" in res.output


def test_unknown_table_and_unrecognised_file(root):
    res = run("capex", str(FIX / "lmarena_text_table.csv"))
    assert res.exit_code == 2 and "importable tables" in res.output
    res = run("api_prices", str(FIX / "lmarena_text_table.csv"))
    assert res.exit_code == 2 and "not recognised" in res.output


def test_lmarena_snapshot(root):
    before = rows(root, "benchmark_scores")
    res = run("benchmark_scores", str(FIX / "lmarena_text_2026-11-20.json"), "--write")
    assert res.exit_code == 0, res.output
    # overall category only; two ids of Claude Opus 4.6: the higher rating, truncated to 0.1
    assert "+ added   Claude Opus 4.6 | lmarena_elo | 2026-11-20 | LMArena: score 1501.9" in res.output
    assert "+ added   Gemini 3.1 Pro | lmarena_elo | 2026-11-20 | LMArena: score 1479.0" in res.output
    assert "+ added   GPT-4 | lmarena_elo | 2026-11-20 | LMArena: score 1180.4" in res.output
    assert "example-unlisted-model" in res.output  # skipped, said so
    assert last_line(res.output) == "added 3, changed 0, removed 0"
    after = rows(root, "benchmark_scores")
    assert after[: len(before)] == before
    opus = next(r for r in after if r["model"] == "Claude Opus 4.6" and r["as_of"] == "2026-11-20")
    assert "claude-opus-4-6" in opus["notes"]  # the other id is named
    assert last_line(run("benchmark_scores", str(FIX / "lmarena_text_2026-11-20.json")).output) == \
        "added 0, changed 0, removed 0"
    # the leaderboard CSV of the same date: displayed ratings are whole Elo, so GPT-4 changes (1180.4
    # -> 1180), Gemini 3.1 Pro does not (1479.0 = 1479), and Claude Opus 4.6 (absent from this file,
    # same producer, same date) would be removed
    res = run("benchmark_scores", str(FIX / "lmarena_text_table.csv"), "--as-of", "2026-11-20")
    assert "~ changed GPT-4 | lmarena_elo | 2026-11-20 | LMArena: score 1180.4 -> 1180.0" in res.output
    assert "- removed Claude Opus 4.6 | lmarena_elo | 2026-11-20 | LMArena" in res.output
    assert last_line(res.output) == "added 0, changed 1, removed 1"


def test_eci_versions_map_to_models(root):
    plan = importers.prepare("benchmark_scores", FIX / "epoch_capabilities_index.csv", as_of="2026-11-30")
    gpt4 = [c for c in plan.changed if c.key == ("GPT-4", "eci", "Epoch AI")]
    assert len(gpt4) == 1 and ("score", gpt4[0].before["score"], "130") in gpt4[0].diffs
    assert gpt4[0].after["as_of"] == "2026-11-30"
    assert any("Example Model 1" in s for s in plan.skipped)  # not in models.csv: no score without a model
    # ECI rows of models absent from this (partial) file are removed; LMArena rows never are
    assert all(c.before["benchmark"] == "eci" for c in plan.removed)


def test_models_from_eci_earliest_version_and_accessibility(root):
    header, table = base.read_table("models")
    from tokenfactory.data.importers import epoch_eci

    mapping, records = epoch_eci.read(FIX / "epoch_capabilities_index.csv", epoch_eci.MODELS)
    built, _, skipped = base.build_rows(mapping, records, FIX / "x.csv", header, table,
                                        [r["model"] for r in table], "2026-11-30")
    new = built[("Example Model 1",)][0]
    assert (new["release_date"], new["weights"], new["organization"]) == ("2026-11-02", "closed", "Example Lab")
    assert built[("GPT-4",)][0]["release_date"] == "2023-03-14"


def test_hardware_units_and_names(root):
    header, table = base.read_table("accelerators")
    mapping, records = epoch_hardware.read(FIX / "epoch_ml_hardware.csv", epoch_hardware.MAPPING)
    built, _, skipped = base.build_rows(mapping, records, FIX / "x.csv", header, table,
                                        [r["accelerator"] for r in table], None)
    x1 = built[("Example Accelerator X1",)][0]
    # 1.2e15 FLOP/s = 1200 TFLOPS; 2.88e11 bytes = 288 GB; 2.2e13 byte/s = 22 TB/s
    assert (x1["bf16_dense_tflops"], x1["fp8_dense_tflops"], x1["memory_gb"], x1["memory_bandwidth_tb_s"],
            x1["tdp_w"]) == ("1200", "2400", "288", "22", "1800")
    assert (x1["vendor"], x1["kind"], x1["as_of"], x1["available_date"]) == ("NVIDIA", "merchant_gpu", "2026-11-02", "2026-10-15")
    trn3 = built[("AWS Trainium3",)][0]  # Epoch's "Amazon Trainium3", by the declared alias
    assert trn3["memory_gb"] == "" and trn3["bf16_dense_tflops"] == "671"
    assert any("outside the table's scope" in s and "Huawei Ascend 920" in s for s in skipped)
    # a partial file would remove chips other tables use: refused, naming the table that uses them
    with pytest.raises(importers.ProducerFileError) as exc:
        importers.prepare("accelerators", FIX / "epoch_ml_hardware.csv")
    assert "uses it: mend that table first" in str(exc.value)


def test_hardware_changes_only_what_the_file_states(root):
    # a copy where Epoch's rows are only B200 and Trainium3 (rows of other tables that use the
    # dropped chips dropped too), so the fixture is the whole of Epoch's file for this table
    header, table = base.read_table("accelerators")
    keep = [r for r in table if "machine-learning-hardware" not in r["source_url"]
            or r["accelerator"] in ("NVIDIA B200", "AWS Trainium3")]
    names = {r["accelerator"] for r in keep}
    (root / "data" / "accelerators.csv").write_text(base.render(keep, header), encoding="utf-8")
    for other in ("rental_prices", "serving_benchmarks"):
        h, rs = base.read_table(other)
        rs = [r for r in rs if not r["accelerator"] or r["accelerator"] in names]
        (root / "data" / f"{other}.csv").write_text(base.render(rs, h), encoding="utf-8")
    plan = importers.prepare("accelerators", FIX / "epoch_ml_hardware.csv")
    # B200: BF16 2.5e15 FLOP/s in the file = 2500 TFLOPS against 2250 in the table; the rest equal
    b200 = next(c for c in plan.changed if c.key == ("NVIDIA B200",))
    assert b200.diffs == [("bf16_dense_tflops", "2250", "2500"), ("as_of", b200.before["as_of"], "2026-10-01")]
    # Trainium3: the file leaves memory empty, which never blanks the table's figure; the rest equal
    assert not any(c.key == ("AWS Trainium3",) for c in plan.changed)
    assert [c.key for c in plan.added] == [("Example Accelerator X1",)]
    assert plan.removed == []
    assert plan.summary == "added 1, changed 1, removed 0"


def test_notable_models_selection():
    from tokenfactory.data.schemas import TABLES

    header = TABLES["training_compute"].column_names
    mapping, records = epoch_models.read(FIX / "epoch_notable_models.csv", epoch_models.MAPPING)
    built, _, skipped = base.build_rows(mapping, records, FIX / "x.csv", header, [], [], None)
    assert list(built) == [("Example Frontier 2",)]
    row = built[("Example Frontier 2",)][0]
    assert (row["training_compute_flop"], row["weights"], row["as_of"]) == ("3.2e+26", "closed", "2026-11-03")
    assert any("below 1e+23 FLOP" in s and "Example Small 1" in s for s in skipped)
    assert any("without a training-compute value" in s for s in skipped)


def test_names_learned_from_notes():
    import pandas as pd

    frame = pd.DataFrame({"model": ["Model A"], "notes": [
        "LMArena id model-a-thinking (highest of the ids mapped to this model: also model-a, model-a-0901). Rest."]})
    names = base.Names(importers.MAPPINGS["lmarena-dataset"][0], ["Model A", "Model B"], frame)
    assert names.resolve("model-a") == names.resolve("model-a-0901") == names.resolve("model-a-thinking") == "Model A"
    assert names.resolve("model_b") == "Model B"  # spelling normalised
    assert names.resolve("model-c") is None


def test_write_is_atomic(root, monkeypatch):
    plan = importers.prepare("api_prices", FIX / "genai_prices_together_v1.yml")
    path = root / "data" / "api_prices.csv"
    old = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(base.os, "replace", boom)
    with pytest.raises(OSError):
        base.write(plan)
    assert path.read_bytes() == old
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_rewriting_a_table_keeps_its_bytes(root):
    # --write rewrites the whole file: an untouched row must come out byte for byte
    for table in ("api_prices", "benchmark_scores", "models", "training_compute", "accelerators"):
        header, table_rows = base.read_table(table)
        assert base.render(table_rows, header) == (root / "data" / f"{table}.csv").read_text(encoding="utf-8")


def test_genai_prices_reads_the_standard_price():
    from tokenfactory.data.importers.genai_prices import standard_price

    # DeepSeek's shape in genai-prices: off-peak first and unconstrained, standard with a UTC
    # 00:30-16:30 window (16 h of the day against 8 h): the standard price is read
    entries = [{"prices": {"input_mtok": 0.135}},
               {"constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z"}, "prices": {"input_mtok": 0.55}}]
    assert standard_price(entries, "2025-07-12") == {"input_mtok": 0.55}
    # an off-peak window of 8 h: the unconstrained price (16 h) is read
    entries[1]["constraint"] = {"start_time": "16:30:00Z", "end_time": "00:30:00Z"}
    assert standard_price(entries, "2025-07-12") == {"input_mtok": 0.135}
    # dated prices: the latest already in effect on the check date
    dated = [{"prices": {"input_mtok": 3}},
             {"constraint": {"start_date": "2025-01-01"}, "prices": {"input_mtok": 2}},
             {"constraint": {"start_date": "2026-01-01"}, "prices": {"input_mtok": 1}}]
    assert standard_price(dated, "2025-06-01") == {"input_mtok": 2}
    assert standard_price(dated, "2026-02-01") == {"input_mtok": 1}


def test_an_older_file_cannot_overrule_newer_rows(root):
    res = run("benchmark_scores", str(FIX / "epoch_capabilities_index.csv"), "--as-of", "2026-11-30", "--write")
    assert res.exit_code == 0, res.output
    gpt4 = next(r for r in rows(root, "benchmark_scores") if r["model"] == "GPT-4" and r["benchmark"] == "eci")
    assert (gpt4["score"], gpt4["as_of"]) == ("130", "2026-11-30")
    # the same figures said to be stated earlier: GPT-4's row (stated 2026-11-30) is neither changed
    # nor removed by a file of 2026-11-01
    older = FIX.parent / "producers" / "epoch_capabilities_index.csv"
    text = older.read_text().replace("gpt-4-0314,130.0,", "gpt-4-0314,120.0,")
    tmp = root / "eci_older.csv"
    tmp.write_text(text)
    res = run("benchmark_scores", str(tmp), "--as-of", "2026-11-01")
    assert "1 stated later in the table than in this file (left as they are): GPT-4 | eci | Epoch AI" in res.output
    assert last_line(res.output) == "added 0, changed 0, removed 0"
