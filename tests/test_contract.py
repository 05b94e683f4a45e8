"""The contract between chapters: every cross-chapter read is declared and published.

Three layers are checked: the declarations agree with each other (`check`), the chapters' code reads
only what it declares (a scan of the source for "chapter.key" strings and `(upstream, "chapter",
"key")` reads, plus the run-time refusal of an undeclared read), and the book's pages glue only
published results."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from tokenfactory import contract, registry
from tokenfactory.claims import evidence as evidence_mod
from tokenfactory.contract import Contract, ContractError, Output, UndeclaredRead

SRC = Path(registry.__file__).resolve().parent
REPO = SRC.parents[1]
IDS = tuple(registry.CHAPTERS)
DOTTED = re.compile(rf"^({'|'.join(IDS)})\.([a-z0-9_]+)$")


def test_the_books_contracts_hold():
    registry.check_contracts()  # raises ContractError naming each broken read


def test_execution_order_follows_the_declared_reads():
    waves = registry.execution_waves()
    seen: set[str] = set()
    for wave in waves:
        for cid in wave:
            assert set(registry.CHAPTERS[cid].reads_chapters) <= seen, cid
        seen.update(wave)
    assert seen == set(IDS)


def test_a_read_nobody_publishes_is_refused_by_name():
    up = Contract("a", publishes=(Output("x", "USD"),))
    down = Contract("b", publishes=(Output("y", "USD"),), reads={"a": ("x", "depreciation_years")})
    with pytest.raises(ContractError, match=r"b reads a\.depreciation_years, which a does not publish"):
        contract.check({"a": up, "b": down})
    with pytest.raises(ContractError, match="not a chapter of the book"):
        contract.check({"b": Contract("b", reads={"zzz": ("x",)})})
    contract.check({"a": up, "b": Contract("b", reads={"a": ("x",)})})  # the declared read alone passes


def test_declarations_are_well_formed():
    with pytest.raises(ValueError, match="published twice"):
        Contract("a", publishes=(Output("x", ""), Output("x", "")))
    with pytest.raises(ValueError, match="its own results"):
        Contract("a", reads={"a": ("x",)})
    with pytest.raises(ValueError, match="drop '_txt'"):
        Output("asic_reference_txt", "", "text")
    with pytest.raises(ValueError, match="kind"):
        Output("x", "", "colour")


def test_an_undeclared_read_raises_at_run_time():
    c = Contract("b", reads={"a": ("x",)})
    upstream = {"a": {"x": 2.0, "y": 3.0}}
    assert c.number(upstream, "a", "x") == 2.0
    assert c.number({}, "a", "x") is None  # declared but absent: None, never a default
    with pytest.raises(UndeclaredRead, match=r"b reads a\.y"):
        c.read(upstream, "a", "y")
    assert c.upstream_view({"a": {"x": 1, "y": 2}, "z": {"x": 3}}) == {"a": {"x": 1}}


def test_missing_outputs_names_what_a_run_did_not_glue():
    c = Contract("a", publishes=(Output("x", "USD"), Output("label", "", "text"), Output("n", "", "count")))
    assert contract.missing_outputs(c, {"x": None, "label_txt": "B200"}) == ["n"]
    # a number glued only as its display string does not count: another chapter could not read it
    assert contract.missing_outputs(Contract("a", publishes=(Output("x", "USD"),)), {"x_txt": "$1"}) == ["x"]


def test_a_rule_reading_an_undeclared_metric_raises():
    ev = evidence_mod.Evidence({"inference_tax.a": 1.0, "inference_tax.b": 2.0}, "test", "upstream")
    only_a = ev.restricted(("inference_tax.a",))
    assert only_a.number("inference_tax.a") == 1.0
    with pytest.raises(UndeclaredRead, match="inference_tax.b"):
        only_a.number("inference_tax.b")
    assert ev.number("inference_tax.b") == 2.0  # unrestricted evidence (flip tables' inputs) reads anything


def _reads_in_source(package: Path) -> set[tuple[str, str]]:
    """Every (chapter, key) a chapter package names in its code: "chapter.key" strings and calls whose
    last two string arguments are a chapter id and a key (`_get(upstream, "tapeout", "x")`)."""
    found: set[tuple[str, str]] = set()
    for path in package.glob("*.py"):
        if path.name == "contract.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # pieces of f-strings are not whole keys (f"inference_tax.c8_use_{k}"): the run-time check covers those
        pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in pieces:
                m = DOTTED.match(node.value)
                if m:
                    found.add((m.group(1), m.group(2)))
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                a, b = node.args[-2], node.args[-1]
                if (isinstance(a, ast.Constant) and a.value in IDS and isinstance(b, ast.Constant)
                        and isinstance(b.value, str)):
                    found.add((a.value, b.value))
    return found


@pytest.mark.parametrize("cid", IDS)
def test_every_read_in_a_chapters_code_is_declared(cid):
    c = registry.CHAPTERS[cid].contract
    undeclared = sorted(f"{ch}.{k}" for ch, k in _reads_in_source(SRC / cid) if ch != cid and not c.declares(ch, k))
    assert not undeclared, f"{cid} reads results its contract does not declare: {undeclared}"


def test_the_flywheel_reads_the_fleet_life_the_tax_chapter_publishes():
    """The November break: flywheel read inference_tax.depreciation_years, which was never glued."""
    tax = registry.CHAPTERS["inference_tax"].contract
    assert "depreciation_years" in tax.published_names
    assert registry.CHAPTERS["flywheel"].contract.declares("inference_tax", "depreciation_years")
    from tokenfactory.flywheel.chapter import fleet_life_months

    months, source = fleet_life_months({"inference_tax": {"depreciation_years": 3.0}}, 60.0)
    assert months == 36.0 and "inference_tax chapter" in source
    months, source = fleet_life_months({}, 48.0)  # run alone: the chapter's own fallback parameter
    assert months == 48.0 and "fallback" in source


def test_the_ledger_reads_the_reference_gpu_as_a_value():
    """The November break: claims read inference_tax.asic_reference_txt, a display string the
    pipeline strips, so the page always showed the fallback wording."""
    claims = registry.CHAPTERS["claims"].contract
    assert claims.declares("inference_tax", "asic_reference_accelerator")
    assert not any(k.endswith("_txt") for keys in claims.reads.values() for k in keys)


def test_book_pages_glue_only_published_results():
    pages = [*(REPO / "book").rglob("*.md"), *(REPO / "notebooks").glob("*.ipynb")]
    problems = []
    for page in pages:
        for nb, key in re.findall(r"([a-z_]+)\.ipynb::([A-Za-z0-9_]+)", page.read_text(encoding="utf-8")):
            name = key[:-4] if key.endswith("_txt") else key
            if nb not in registry.CHAPTERS:
                problems.append(f"{page.name}: {nb}.ipynb is not a chapter")
            elif name not in registry.CHAPTERS[nb].contract.published_names:
                problems.append(f"{page.name} glues {nb}::{key}, which {nb} does not publish")
    assert not problems, problems


def test_claims_publishes_a_verdict_per_claim_of_the_ledger():
    from tokenfactory.claims.contract import CLAIM_IDS
    from tokenfactory.claims.ledger import load as load_ledger

    ids = {c.id.lower() for c in load_ledger().claims}
    assert ids == set(CLAIM_IDS)


def test_a_chapter_loading_an_undeclared_table_is_refused(monkeypatch):
    import importlib

    data_load = importlib.import_module("tokenfactory.data.load")  # the module (the package exports `load`)

    monkeypatch.setattr(data_load, "_declared", None)
    undeclared = data_load.load("chip_programs")   # no chapter declared: every table is open
    data_load.declare_reads("tapeout", ("chip_programs",))
    try:
        # a declared table loads as it would without the declaration (the guard refuses, never alters)
        pd.testing.assert_frame_equal(data_load.load("chip_programs"), undeclared)
        with pytest.raises(data_load.UndeclaredTable, match="chapter tapeout loads table 'models'"):
            data_load.load("models")
    finally:
        monkeypatch.setattr(data_load, "_declared", None)


def test_the_environment_is_in_the_package_hash(monkeypatch):
    from tokenfactory.build import hashing

    before = hashing.package_hash()
    env = dict(hashing.environment(), pandas="0.0.1")
    monkeypatch.setattr(hashing, "environment", lambda: env)
    assert hashing.package_hash() != before
