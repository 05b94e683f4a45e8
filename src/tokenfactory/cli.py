"""`tokenfactory`: build, inspect and compare the book from the command line.

Why typer: typed options with help text and shell-quoting for free, on top of click's well-tested
parsing; rich prints the tables. Exit codes: 0 success, 1 a chapter or the site failed (or another
build holds the lock), 2 bad input (parameter, scenario, parameters file, data).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table


class _LazyConfig:
    """`config` imported on first use: a no-op build answers before pydantic and pandas load."""

    def __getattr__(self, name: str):
        from . import config as module

        return getattr(module, name)


config = _LazyConfig()

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="The Token Factory: build the book with your own assumptions.")
# Off a terminal (CI logs, pipes) rich would wrap tables at 80 columns; give them room.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)

ScenarioOpt = typer.Option("default", "--scenario", "-s", help="Named scenario in params/ (see `tokenfactory scenarios`).")
ParamsOpt = typer.Option(None, "--params", "-p", help="YAML file of parameters, same format as params/*.yaml.")
SetOpt = typer.Option(None, "--set", help="CHAPTER.PARAM=VALUE, repeatable; wins over scenario and file.")


def _fail(message: str, code: int) -> None:
    err.print("error: " + message, markup=False)
    raise typer.Exit(code)


def _resolve(scenario: str, params: Optional[Path], sets: Optional[list[str]]) -> config.Resolved:
    try:
        return config.resolve(scenario, params, tuple(sets or ()))
    except config.ParamError as exc:
        _fail(str(exc), 2)
        raise  # unreachable


def _check_data() -> None:
    """Validate every table, unless these exact data files already passed with this package
    (the check is a pure function of both; the pass is recorded, sealed, in the build cache)."""
    from . import paths
    from .build import hashing

    key = hashing.value_hash({"data": hashing.tree_hash([p for p in paths.data_dir().glob("*") if p.is_file()],
                                                        paths.data_dir()),
                              "package": hashing.package_hash()})
    mark = paths.build_dir() / ".cache" / f"data-ok-{key[:32]}.json"
    try:
        if hashing.read_sealed(mark) == {"data_ok": key}:
            return
    except FileNotFoundError:
        pass
    except (hashing.Damaged, OSError) as exc:
        err.print(f"warning: data check record {mark.name} is damaged ({exc}); checking again", markup=False)
    from .data import check_all

    problems = check_all()
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        _fail(f"{len(problems)} problem(s) in data/:\n{shown}{more}", 2)
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        hashing.write_sealed(mark, {"data_ok": key})
    except OSError:
        pass


@app.command()
def build(
    scenario: str = ScenarioOpt,
    params: Optional[Path] = ParamsOpt,
    set_: Optional[list[str]] = typer.Option(None, "--set", help="CHAPTER.PARAM=VALUE, repeatable."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, max=32, help="Chapters executed at once (default: cores + 1)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (default: _build/<scenario>)."),
    all_scenarios: bool = typer.Option(False, "--all-scenarios", help="Build every named scenario in params/, each into _build/<scenario>, sharing executions."),
) -> None:
    """Execute the chapters (only those whose inputs changed) and build the site."""
    if all_scenarios:
        if params is not None or set_ or out_dir is not None or scenario != "default":
            _fail("--all-scenarios builds the named scenarios as they are: it takes no --scenario, --params, --set or --out", 2)
        _build_all(jobs)
        return
    import time

    from .build import buildstate

    started = time.perf_counter()
    quick = buildstate.quick_noop(scenario, params, set_, out_dir)
    if quick is not None:
        out.print(f"Building scenario '{scenario}' into {quick}", markup=False)
        out.print("  = nothing changed: every chapter and the site are up to date", markup=False)
        out.print(f"Site unchanged in {time.perf_counter() - started:.1f} s: {quick / 'html' / 'index.html'}", markup=False)
        return
    from .build import pipeline

    resolved = _resolve(scenario, params, set_)
    _check_data()
    target = pipeline.target_dir(resolved, out_dir)

    def request() -> str:
        return buildstate.request_key(scenario, params, set_ or [], target)

    out.print(f"Building scenario '{resolved.scenario}' into {target}", markup=False)
    try:
        report = pipeline.build(resolved, out=out_dir, jobs=jobs, log=lambda m: out.print(m, markup=False),
                                request_key=request)
    except pipeline.BuildBusy as exc:
        _fail(str(exc), 1)
    except pipeline.ChapterFailed as exc:
        _fail(f"{exc}\n  the previous site in {target} was left as it was", 1)
    except Exception as exc:  # the site build, or anything unforeseen: never leave a half site
        from .build.sitework import SiteBuildError

        if isinstance(exc, SiteBuildError):
            _fail(f"{exc}\n  the previous site in {target} was left as it was", 1)
        raise
    state = "unchanged" if report.noop else "built"
    out.print(f"Site {state} in {report.seconds:.1f} s: {report.index_html}", markup=False)


def _build_all(jobs: Optional[int]) -> None:
    import time

    from .build import buildstate, pipeline

    started = time.perf_counter()
    try:
        names = list(config.list_scenarios())
    except config.ParamError as exc:
        _fail(str(exc), 2)
    resolved = [_resolve(name, None, None) for name in names]
    _check_data()
    requests = {r.scenario: (lambda name=r.scenario, t=pipeline.target_dir(r, None):
                             buildstate.request_key(name, None, [], t))
                for r in resolved}
    out.print(f"Building {len(resolved)} scenarios: {', '.join(names)}", markup=False)
    try:
        reports = pipeline.build_many(resolved, jobs=jobs, log=lambda m: out.print(m, markup=False),
                                      request_keys=requests)
    except pipeline.BuildBusy as exc:
        _fail(str(exc), 1)
    except pipeline.ChapterFailed as exc:
        _fail(f"{exc}\n  the previous sites were left as they were", 1)
    except Exception as exc:
        from .build.sitework import SiteBuildError

        if isinstance(exc, SiteBuildError):
            _fail(f"{exc}\n  the previous sites were left as they were", 1)
        raise
    for name, report in reports.items():
        state = "unchanged" if report.noop else "built"
        out.print(f"  {name}: {state}: {report.index_html}", markup=False)
    out.print(f"{len(reports)} scenarios in {time.perf_counter() - started:.1f} s", markup=False)


@app.command()
def check(
    scenario: str = ScenarioOpt,
    params: Optional[Path] = ParamsOpt,
    set_: Optional[list[str]] = typer.Option(None, "--set", help="CHAPTER.PARAM=VALUE, repeatable."),
) -> None:
    """Validate the data and the parameters; execute nothing."""
    from .data import TABLES

    from .contract import ContractError
    from .registry import CHAPTERS, check_contracts

    _resolve(scenario, params, set_)
    _check_data()
    try:
        check_contracts()
    except ContractError as exc:
        _fail(str(exc), 2)
    out.print(f"ok: {len(TABLES)} tables, the parameters of scenario '{scenario}' and the contracts of "
              f"{len(CHAPTERS)} chapters are valid", markup=False)


@app.command("params")
def params_cmd(chapter: Optional[str] = typer.Argument(None, help="A chapter id; all chapters if omitted.")) -> None:
    """List every parameter with its type, default, allowed values, unit and meaning."""
    from .params_base import describe
    from .registry import CHAPTERS

    if chapter is not None and chapter not in CHAPTERS:
        _fail(f"unknown chapter {chapter!r}; chapters: {', '.join(CHAPTERS)}.{config._suggest(chapter, list(CHAPTERS))}", 2)
    for cid, ch in CHAPTERS.items():
        if chapter and cid != chapter:
            continue
        table = Table(title=f"{cid}: {ch.title}", title_justify="left", show_lines=False)
        for col in ("parameter", "type", "default", "allowed", "unit", "meaning"):
            table.add_column(col, overflow="fold")
        for info in describe(ch.params):
            default = ",".join(map(str, info.default)) if isinstance(info.default, (list, tuple)) else str(info.default)
            table.add_row(info.name, info.type, default, info.allowed, info.unit, info.meaning)
        out.print(table)


@app.command()
def scenarios() -> None:
    """The named scenarios and what they assume."""
    try:
        found = config.list_scenarios()
    except config.ParamError as exc:
        _fail(str(exc), 2)
    table = Table(title="Scenarios (params/*.yaml)", title_justify="left")
    table.add_column("scenario")
    table.add_column("changes")
    table.add_column("description", overflow="fold")
    for name, scen in found.items():
        n = sum(len(v) for v in scen.chapters.values())
        table.add_row(name, str(n), scen.description)
    out.print(table)


@app.command()
def compare(
    a: str = typer.Argument(..., help="First scenario."),
    b: str = typer.Argument(..., help="Second scenario."),
    build_missing: bool = typer.Option(True, "--build/--no-build", help="Build (incrementally) both scenarios first."),
) -> None:
    """Key results of two scenarios side by side, with their differences; also a page of the book
    (under Scenarios, in the site of the first scenario and of every later build, regenerated by each
    build from the current results of both)."""
    from .build import compare as cmp
    from .build import pipeline

    for name in (a, b):
        resolved = _resolve(name, None, None)
        if build_missing:
            try:
                pipeline.build(resolved, log=lambda m: None)
            except (pipeline.BuildBusy, pipeline.ChapterFailed) as exc:
                _fail(str(exc), 1)
    try:
        frame = cmp.compare(a, b)
    except cmp.CompareError as exc:
        _fail(str(exc), 2)
    table = Table(title=f"{a} vs {b}", title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*[cmp.cell(v) for v in row])
    out.print(table)
    cmp.request(a, b)  # every build from now on regenerates the page from the current results
    if not build_missing:
        out.print(f"Page asked for: every build from now on carries it (under Scenarios): {cmp.page_in_site(a, a, b)}",
                  markup=False)
        return
    try:  # the page is part of the book: rebuild the site of the first scenario (no chapter re-runs)
        pipeline.build(_resolve(a, None, None), log=lambda m: None)
    except (pipeline.BuildBusy, pipeline.ChapterFailed) as exc:
        _fail(str(exc), 1)
    out.print(f"Page: {cmp.page_in_site(a, a, b)}", markup=False)


@app.command()
def pdf(
    scenario: str = ScenarioOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="A built site's folder (default: _build/<scenario>)."),
) -> None:
    """Print the built book to one PDF (charts included), linked from the front page."""
    from . import paths
    from .build.pdf import PdfError, build_pdf

    if out_dir is None:
        try:
            config.load_scenario(scenario)
        except config.ParamError as exc:
            _fail(str(exc), 2)
    target = Path(out_dir) if out_dir else paths.build_dir() / scenario
    try:
        path = build_pdf(target)
    except PdfError as exc:
        _fail(str(exc), 1)
    out.print(f"PDF: {path}", markup=False)


data_app = typer.Typer(add_completion=False, no_args_is_help=True,
                       help="Inspect, refresh and audit the data tables.")
app.add_typer(data_app, name="data")


@data_app.command("status")
def data_status() -> None:
    """Per table: rows, newest statement date (as_of), date-basis mix, estimates and last audit."""
    from .data.audit import last_audit, load_audits, verdict_text
    from .freshness import all_tables

    try:
        audits = load_audits()
    except ValueError as exc:
        _fail(str(exc), 2)
    table = Table(title="Data tables (data/*.csv)", title_justify="left")
    for col in ("table", "rows", "newest statement (as_of)", "date basis (rows)", "estimates", "last audited"):
        table.add_column(col, justify="right" if col in ("rows", "estimates") else "left", overflow="fold")
    for s in all_tables():
        share = "-" if s.estimate_share is None else f"{s.estimate_share:.0%}"
        found = last_audit(s.table, audits)
        audited = "never" if found is None else f"{found[0].date_text}: {verdict_text(found[1])}"
        table.add_row(s.table, str(s.rows), s.newest or "n/a", s.basis_text() or "-", share, audited)
    out.print(table)


@data_app.command("import")
def data_import(
    table: str = typer.Argument(..., help="Table to refresh: models, training_compute, accelerators, benchmark_scores or api_prices."),
    file: Path = typer.Argument(..., help="The producer's published file (Epoch AI CSV, LMArena JSON/CSV, genai-prices YAML/JSON)."),
    write: bool = typer.Option(False, "--write", help="Apply the changes to data/TABLE.csv (default: only show them)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The producer's own date of the file (YYYY-MM-DD), for files that state none."),
    producer: Optional[str] = typer.Option(None, "--producer", help="Name the producer's format instead of recognising it: epoch-eci, epoch-eci-models, epoch-models, epoch-hardware, lmarena-dataset, lmarena-table, genai-prices."),
) -> None:
    """Show what a producer's file would change in data/TABLE.csv: rows added, changed (column by
    column) and removed, validated by the table's schema; --write applies it atomically."""
    from .data import importers

    try:
        plan = importers.prepare(table, file, as_of=as_of, producer=producer)
    except importers.ProducerFileError as exc:
        shown = "\n".join(f"  {p}" for p in exc.problems[:50])
        more = f"\n  ... and {len(exc.problems) - 50} more" if len(exc.problems) > 50 else ""
        _fail(f"{file} cannot be imported into data/{table}.csv ({len(exc.problems)} problem(s)); "
              f"data/ is unchanged:\n{shown}{more}", 2)
    m = plan.mapping
    out.print(f"{file.name}: {m.producer} -> data/{m.table}.csv (matching rows on {', '.join(m.match_on)})", markup=False)
    for c in plan.added:
        figures = ", ".join(f"{f.column} {c.after.get(f.column, '')}" for f in m.fields
                            if c.after.get(f.column, "") and f.column not in m.match_on and f.column != "source_url")
        out.print(f"+ added   {' | '.join(c.key)}: {figures}; as_of {c.after.get('as_of', '')}", markup=False)
    for c in plan.changed:
        diffs = "; ".join(f"{col} {old or '(empty)'} -> {new or '(empty)'}" for col, old, new in c.diffs)
        out.print(f"~ changed {' | '.join(c.key)}: {diffs}", markup=False)
    for c in plan.removed:
        out.print(f"- removed {' | '.join(c.key)} (as_of {c.before.get('as_of', '')}; no longer in the file)", markup=False)
    for line in plan.skipped:
        out.print(f"  skipped {line}", markup=False)
    if write and (plan.added or plan.changed or plan.removed):
        path = importers.write(plan)
        out.print(f"written: {path}", markup=False)
    elif not write and (plan.added or plan.changed or plan.removed):
        out.print("(nothing written: add --write to apply)", markup=False)
    out.print(plan.summary, markup=False)


@data_app.command("audit")
def data_audit(
    sample: int = typer.Option(..., "--sample", min=1, help="How many rows to draw."),
    seed: int = typer.Option(..., "--seed", help="Seed of the draw: the same seed on the same data draws the same rows."),
    tables: Optional[list[str]] = typer.Option(None, "--table", help="Draw only from this table (repeatable)."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Also write the draw as a CSV checklist (verdict, checked_by, notes to fill)."),
) -> None:
    """Draw rows at random for a person to check against their sources: each with its source URL,
    statement date and the figures to check. Writes nothing unless --out."""
    from .data import audit

    try:
        items = audit.sample(sample, seed, tables)
    except ValueError as exc:
        _fail(str(exc), 2)
    table = Table(title=f"Audit draw: {sample} rows, seed {seed}", title_justify="left")
    for col in ("#", "table:line", "row", "figure to check", "as_of", "source"):
        table.add_column(col, overflow="fold")
    for i, it in enumerate(items, start=1):
        table.add_row(str(i), f"{it.table}:{it.line}", it.row, it.figure, it.as_of, it.source_url)
    out.print(table)
    out.print("Verdicts: " + "; ".join(f"{k} ({v})" for k, v in audit.VERDICTS.items()), markup=False)
    if out_file is not None:
        import os
        import tempfile

        target = Path(out_file)
        fd, tmp = tempfile.mkstemp(prefix=".audit.", suffix=".csv.tmp", dir=target.parent if str(target.parent) else ".")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(audit.checklist(items))
        os.replace(tmp, target)
        out.print(f"checklist: {target}", markup=False)


edition_app = typer.Typer(add_completion=False, no_args_is_help=True,
                          help="Record an edition of the book (editions/<name>/) for the next edition's What-changed page.")
app.add_typer(edition_app, name="edition")


@edition_app.command("record")
def edition_record(
    name: str = typer.Argument(..., help="The edition's name: the date of the commit it was built from, YYYY-MM-DD (optionally -suffix)."),
    from_dir: Optional[Path] = typer.Option(None, "--from", help="The default build's folder (default: the checkout's _build/default)."),
    checkout: Optional[Path] = typer.Option(None, "--checkout", help="The checkout the build was made in: its commit and data/ are recorded (default: this repository)."),
    force: bool = typer.Option(False, "--force", help="Replace an edition of that name."),
) -> None:
    """Write editions/NAME/results.json (the build's) and edition.json (commit, commit date and, per
    data table, rows, newest as_of, estimate share and row keys). Writes nothing on any error."""
    import json

    from .build import editions

    try:
        target = editions.record(name, from_dir, checkout, force=force)
    except editions.EditionError as exc:
        _fail(str(exc), 2)
    meta = json.loads((target / "edition.json").read_text(encoding="utf-8"))
    table = Table(title=f"Edition {meta['edition']}: commit {meta['commit']} of {meta['commit_date']}", title_justify="left")
    for col in ("table", "rows", "newest (as_of)", "estimates", "key"):
        table.add_column(col, justify="right" if col in ("rows", "estimates") else "left", overflow="fold")
    for t, e in meta["tables"].items():
        share = "-" if e["estimate_share"] is None else f"{e['estimate_share']:.0%}"
        table.add_row(t, str(e["rows"]), e["newest"] or "n/a", share, ", ".join(e["key"] or []) or "-")
    out.print(table)
    out.print(f"written: {target}/results.json, {target}/edition.json", markup=False)


def main() -> None:
    try:
        app()
    except Exception as exc:
        from .data import DataError  # imported late: a no-op build never loads pandas

        if isinstance(exc, DataError):
            err.print(f"error: {exc}", markup=False)
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
