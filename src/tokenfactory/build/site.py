"""Assemble the book's source tree from the executed notebooks and build it with jupyter-book.

The source tree is put together in a staging folder: the top-level `_config.yml`/`_toc.yml`, the
hand-written pages in `book/`, the executed notebooks, the pages generated from the schemas and
parameter models (Data, Reproduce), the offline Vega bundle and downloadable copies of the data.
Building from that folder keeps the repository free of build products.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .. import paths
from ..data.schemas import TABLES
from ..params_base import describe
from ..registry import CHAPTERS

CONFIG_FILES = ("_config.yml", "_toc.yml")


def offline_vega_js() -> str:
    """Vega, Vega-Lite and vega-embed in one file, so charts render with no network.

    Altair's HTML output loads these from a CDN unless `window.VEGA_DEBUG` names the versions it
    asks for; we set those from the installed altair (never typed) and wrap the bundle in a function
    because it declares a top-level `_` that clashes with Sphinx's own. Bundling takes seconds and
    depends only on the installed altair and vl-convert: the result is kept in the environment
    (`<venv>/share/tokenfactory/`), keyed by their versions, and checked by hash when reused.
    """
    import sys

    import altair as alt
    import vl_convert

    from . import hashing

    key = hashing.value_hash([alt.__version__, alt.VEGA_VERSION, alt.VEGALITE_VERSION, alt.VEGAEMBED_VERSION,
                              getattr(vl_convert, "__version__", "")])[:16]
    return hashing.cached_text(Path(sys.prefix) / "share" / "tokenfactory" / f"altair-offline-{key}.js",
                               _offline_vega_js)


def _offline_vega_js() -> str:
    import altair as alt
    import vl_convert

    versions = (f'{{"vega_version": "{alt.VEGA_VERSION}", "vegalite_version": "{alt.VEGALITE_VERSION}", '
                f'"vegaembed_version": "{alt.VEGAEMBED_VERSION}"}}')
    bundle = vl_convert.javascript_bundle()
    return (f"window.VEGA_DEBUG = {versions};\n(function(){{\n{bundle}\n"
            "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;\n})();\n")


def _code(text: object) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _cell(text: object) -> str:
    return html.escape(str(text)).replace("|", "&#124;").replace("\n", " ")


def reproduce_page() -> str:
    """The Reproduce page: the CLI and every parameter, generated from the pydantic models."""
    from ..config import list_scenarios

    lines = [
        "# Reproduce and change the book",
        "",
        "Every number in this book is computed from the data in `data/` and the parameters below. To",
        "rebuild it on your machine (Python 3.11, no network needed beyond the package registry):",
        "",
        "```bash",
        "make book                  # creates .venv, installs the pinned requirements, builds the default book",
        "make test                  # the whole test suite",
        "```",
        "",
        "Then, with `.venv/bin/tokenfactory` (or `source .venv/bin/activate`):",
        "",
        "```bash",
        "tokenfactory params inference_tax                        # every parameter, with unit, range and meaning",
        "tokenfactory build --set inference_tax.utilization=0.4   # one chapter parameter changed",
        "tokenfactory build --scenario high_utilization           # a named scenario",
        "tokenfactory build --params my_assumptions.yaml          # your own file (same format as params/*.yaml)",
        "tokenfactory check                                       # validate data and parameters, execute nothing",
        "tokenfactory compare default high_utilization            # key results of two scenarios side by side",
        "```",
        "",
        "Precedence: package defaults < scenario < `--params` file < `--set`. Every value is validated",
        "before anything runs; a wrong name, type or range is refused with a message saying what is",
        "allowed. A build writes to `_build/<scenario>/` (or `_build/<scenario>-custom/` when you override",
        "parameters), re-executes only the chapters whose inputs changed, and never replaces the last",
        "good site with a failed one.",
        "",
        "## Scenarios",
        "",
        "| scenario | description |",
        "|---|---|",
    ]
    for name, scen in list_scenarios().items():
        lines.append(f"| `{name}` | {_cell(scen.description)} |")
    for cid, chapter in CHAPTERS.items():
        lines += ["", f"## {chapter.title} (`{cid}`)", "",
                  "```{table}", ":class: tf-wrap tf-cols-4", "",
                  "| parameter | default | allowed | meaning and basis |", "|---|---|---|---|"]
        for info in describe(chapter.params):
            default = _plain_value(info.default)
            unit = f" ({_cell(info.unit)})" if info.unit else ""
            meaning = _cell(info.meaning) + (f" *Basis:* {_cell(info.basis)}" if info.basis else "")
            lines.append(f"| `{info.name}` ({info.type}) | {_cell(default)}{unit} | {_cell(_words(info.allowed))} | "
                         f"{meaning} |")
        lines.append("```")
    return "\n".join(lines) + "\n"


def _words(text: object) -> str:
    """True/False written as words in generated tables."""
    return str(text).replace("True", "yes").replace("False", "no")


def data_page() -> str:
    """The Data appendix: every table with its description, columns and units, coverage, sources.
    A pure function of data/ and the package: kept in the build cache, keyed by both."""
    from . import hashing

    key = hashing.value_hash({"data": hashing.tree_hash([p for p in paths.data_dir().glob("*") if p.is_file()],
                                                        paths.data_dir()), "package": hashing.package_hash()})[:32]
    return hashing.cached_text(paths.build_dir() / ".cache" / f"data-page-{key}.md", _data_page)


def _data_page() -> str:
    import yaml

    from ..data import coverage_end, load

    from ..data.audit import VERDICTS, counts, last_audit, load_audits, verdict_text
    from ..data.importers import MAPPINGS
    from ..freshness import all_tables

    audits = load_audits()
    lines = ["# Data", "",
             "Every figure in this book comes from one of these tables. Each row names the page that states",
             "it (`source_url`) and the date of that statement (`as_of`); estimates are flagged (`estimate`)",
             "with their basis in `notes`. The tables are checked against the schemas below on every build.",
             "", "## Status", "",
             "How fresh each table is, what its dates are, and when it was last audited "
             "(`tokenfactory data status` prints the same). *Date basis* counts the rows by what their date is "
             "(`date_basis`); a table without that column counts as event/unstated.", "",
             "```{table}", ":class: tf-wrap", "",
             "| table | rows | newest statement (`as_of`) | date basis (rows) | share of estimates | last audited |",
             "|---|---|---|---|---|---|"]
    for st in all_tables():
        share = "" if st.estimate_share is None else f"{round(st.estimate_share * 100)}%"
        found = last_audit(st.table, audits)
        audited = "never" if found is None else f"{found[0].date_text}: {verdict_text(found[1])}"
        lines.append(f"| `{st.table}` | {st.rows} | {st.newest or ''} | {_cell(st.basis_text())} | {share} | "
                     f"{_cell(audited)} |")
    lines += ["```", ""]
    for a in reversed(audits):
        lines += [f"## Audit of {_cell(a.date_text)}", "",
                  f"{_cell(a.title)}, on the data of commit `{_cell(a.data_commit)}`; report: {_cell(a.report)}. "
                  f"{_cell(a.method)}", ""]
        for sid, what in a.samples.items():
            c = counts(a.rows, sample_id=sid)
            lines.append(f"- **Sample {_cell(sid)}** ({_cell(what)}): {verdict_text(c)}.")
        lines += ["", "Verdicts: " + "; ".join(f"*{k}*: {v}" for k, v in VERDICTS.items()) + ".", "",
                  "```{table}", ":class: tf-wrap", "",
                  "| table | rows checked | what was found |", "|---|---|---|"]
        tables_seen = sorted({r[2] for r in a.rows} | set(a.findings))
        for t in tables_seen:
            c = counts(a.rows, table=t)
            lines.append(f"| `{t}` | {_cell(verdict_text(c))} | {_cell(a.findings.get(t, ''))} |")
        lines += ["```", ""]
    producers = {}
    for name, (m, _) in MAPPINGS.items():
        producers.setdefault(m.table, []).append(f"{m.producer} (`{name}`)")
    lines += ["## Refreshing and auditing the data", "",
              "Three commands keep the tables current and honest:", "",
              "- `tokenfactory data status` shows, per table, the rows, the newest statement date, the mix of "
              "date bases, the share of estimates and the last audit (the table above).",
              "- `tokenfactory data import TABLE FILE` reads a producer's published file and prints what it would "
              "change in `data/TABLE.csv`: rows added, changed (column by column) and removed, every new or "
              "changed row checked by the table's schema, ending with `added N, changed M, removed K`. `--write` "
              "applies it (the whole table is written to a temporary file and moved over the old one in one "
              "step). Only rows from that producer are changed or removed; rows from other sources are never "
              "touched. A changed row keeps its source and notes (a line says what changed) and takes the file's "
              "statement date; an unchanged row keeps its own. The statement date comes from the file (a "
              "per-row *Last modified*, a snapshot's publish date, genai-prices' `prices_checked`); for a file "
              "that states none, `--as-of` gives the producer's date, never the day it was read. A bad file "
              "(a missing column, a value that is not a number, a row the schema refuses) stops with an error "
              "naming its line and column, and `data/` is left as it was. Producers and the tables they refresh:",
              ""]
    for t, names in sorted(producers.items()):
        lines.append(f"  - `{t}`: {', '.join(names)}")
    lines += ["", "- `tokenfactory data audit --sample N --seed S` draws N rows at random (all tables, or "
              "`--table`) and lists each with its source URL, statement date and the figures to check, for a "
              "person to tick; `--out FILE` writes the draw as a CSV checklist. The draw is reproducible: the "
              "same seed on the same data draws the same rows (seed 1206, 50 rows, on the data the December 2026 "
              "audit read, gives that audit's sample). A finished audit is recorded in `data/audits.yaml` "
              "(date, rows and verdicts, findings), which this page and `data status` read.", ""]
    for name, table in TABLES.items():
        meta_path = paths.data_dir() / f"{name}.meta.yml"
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        meta = meta or {}
        frame = load(name)
        date_cols = [c.name for c in table.columns if c.kind == "date" and c.name != "as_of"]
        coverage = ""
        if date_cols:
            dates = frame[date_cols].stack().dropna()
            if len(dates):
                coverage = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
        estimates = int(frame["estimate"].fillna(False).sum()) if "estimate" in frame else 0
        lines += [f"## {_cell(meta.get('title', name))}", "",
                  _cell(str(meta.get("description", "")).strip()), "",
                  f"- **File:** [`{name}.csv`](../_static/data/{name}.csv) ({len(frame)} rows"
                  + (f", {estimates} flagged as estimates" if estimates else "") + ")",
                  f"- **Key:** {', '.join(_code(k) for k in table.key)}"]
        if coverage:
            lines.append(f"- **Dates covered:** {coverage}")
        newest = coverage_end(frame)
        if newest:
            lines.append(f"- **Newest statement (coverage end):** {newest}")
        if meta.get("citation"):
            lines.append(f"- **Citation:** {_cell(meta['citation'])}")
        if meta.get("license"):
            lines.append(f"- **License:** {_cell(meta['license'])}")
        if meta.get("date_accessed"):
            lines.append(f"- **Accessed:** {_cell(meta['date_accessed'])}")
        sources = meta.get("sources") or []
        if sources:
            lines.append("- **Main sources:**")
            for s in sources:
                if isinstance(s, dict):
                    url = str(s.get("url", ""))
                    label = _cell(s.get("name", url))
                    when = f" (as of {_cell(s.get('as_of'))})" if s.get("as_of") else ""
                    lines.append(f"  - [{label}]({url}){when}" if url.startswith("http") else f"  - {label}{when}")
        caveats = meta.get("caveats") or []
        if caveats:
            lines.append("- **Caveats:**")
            lines += [f"  - {_cell(c)}" for c in caveats]
        lines += ["", "| column | meaning | unit | rule |", "|---|---|---|---|"]
        for col in table.columns:
            rule = []
            if col.required:
                rule.append("required")
            if col.choices:
                rule.append("one of " + ", ".join(col.choices))
            if col.ge is not None or col.le is not None:
                rule.append(f"{col.ge:g} to {col.le:g}" if col.ge is not None and col.le is not None else "")
            if col.kind == "date":
                rule.append("YYYY-MM-DD")
            lines.append(f"| `{col.name}` | {_cell(col.meaning)} | {_cell(col.unit)} | {_cell('; '.join(r for r in rule if r))} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def editions_dir() -> Path:
    return paths.root() / "editions"


def previous_edition(commit: str | None = "HEAD") -> tuple[str, dict, dict] | None:
    """The newest recorded edition not built from `commit` (default: the commit being built, and
    dated before the day of that commit, so that recording this build's edition does not make the
    page compare the book with itself): its name,
    its results.json and its edition.json (tables). Commits compare by short-id prefix; None skips none."""
    import json

    before = None
    if commit == "HEAD":
        before, commit = edition()
    found = sorted(d for d in editions_dir().glob("[0-9]*") if (d / "results.json").exists()) if editions_dir().exists() else []
    for d in reversed(found):
        meta = json.loads((d / "edition.json").read_text(encoding="utf-8")) if (d / "edition.json").exists() else {}
        then = str(meta.get("commit") or "")
        if commit and then and (commit.startswith(then) or then.startswith(commit)):
            continue
        # an edition recorded on the day of the build being made is this edition (recorded from an
        # earlier commit of the same day), not the one before it
        if before and d.name[:10] >= before:
            continue
        return d.name, json.loads((d / "results.json").read_text(encoding="utf-8")), meta
    return None


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def changed_results(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """Every glued result that differs between two builds' results ({chapter: {key: value}}): one
    row per chapter and key with the values, the change and the relative change (numbers), or the
    two texts (verdicts, dates, names). Keys present in only one build are listed as added or
    removed. Numbers equal to 1e-9 relative are not changes."""
    import math

    rows = []
    for cid in sorted(set(before) | set(after)):
        b, a = before.get(cid) or {}, after.get(cid) or {}
        for key in sorted(set(b) | set(a)):
            if key.endswith("_txt"):
                continue
            if key not in a:
                rows.append({"chapter": cid, "key": key, "kind": "removed", "before": b[key], "after": None})
                continue
            if key not in b:
                rows.append({"chapter": cid, "key": key, "kind": "added", "before": None, "after": a[key]})
                continue
            x, y = b[key], a[key]
            if _is_number(x) and _is_number(y):
                if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                    continue
                rel = (y - x) / abs(x) if x != 0 else float("inf")
                rows.append({"chapter": cid, "key": key, "kind": "number", "before": x, "after": y,
                             "change": y - x, "relative": rel})
            elif x != y or isinstance(x, bool) != isinstance(y, bool):
                rows.append({"chapter": cid, "key": key, "kind": "text", "before": x, "after": y})
    return rows


def row_changes(table: str, then: dict) -> tuple[list[str], list[str]]:
    """Keys of the rows of data/<table>.csv added and removed since an edition (`then` holds the
    edition's key columns and row keys); empty when the edition did not record them."""
    import pandas as pd

    key, old = then.get("key"), then.get("keys")
    path = paths.data_dir() / f"{table}.csv"
    if not key or old is None or not path.exists():
        return [], []
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not all(k in frame for k in key):
        return [], []
    now = {" | ".join(r) for r in frame[list(key)].itertuples(index=False)}
    return sorted(now - set(old)), sorted(set(old) - now)


def changes_page(executed: Path) -> str:
    """The "What changed in this edition" page: every glued number and verdict that moved between
    the newest recorded edition and this build, by how much, and the data tables behind the moves."""
    from . import results
    from ..freshness import all_tables
    from ..formatting import fmt

    prev = previous_edition()
    lines = ["# What changed in this edition", ""]
    if prev is None:
        return "\n".join(lines + ["No earlier edition is recorded in `editions/`.", ""])
    name, old, meta = prev
    now = {nb.stem: results.numbers(results.glued(nb)) for nb in sorted(executed.glob("*.ipynb"))}
    rows = changed_results(old.get("results", {}), now)

    def show(v: object) -> str:
        if v is None:
            return ""
        return _cell(fmt(v, sig=3) if _is_number(v) else v)

    moved = [r for r in rows if r["kind"] in ("number", "text")]
    lines += [f"This page compares the results of this build with those of the edition of **{_cell(name)}**"
              + (f" (commit `{_cell(meta.get('commit'))}`)" if meta.get("commit") else "") + ": "
              f"{len(moved)} results moved, {sum(r['kind'] == 'added' for r in rows)} are new and "
              f"{sum(r['kind'] == 'removed' for r in rows)} are no longer computed. Values are rounded to three "
              "significant figures here; the chapters say what each one means. The previous edition was built with "
              "the default parameters; compare this page with a default build.", ""]
    then = meta.get("tables", {})
    lines += changes_in_words(rows, then, all_tables())
    lines += ["## The data behind the moves", "",
              "| table | rows then | rows now | newest statement then | newest statement now |", "|---|---|---|---|---|"]
    row_moves = []
    for s in all_tables():
        t = then.get(s.table, {})
        if t.get("rows") == s.rows and t.get("newest") == s.newest:
            continue
        lines.append(f"| `{s.table}` | {t.get('rows', '(new table)')} | {s.rows} | {_cell(t.get('newest') or '')} | "
                     f"{_cell(s.newest or '')} |")
        added, removed = row_changes(s.table, t)
        if added or removed:
            row_moves.append((s.table, t.get("key") or [], added, removed))
    if row_moves:
        lines += ["", "Rows added and removed, by their key (the first ten of each):", ""]
        for table, key, added, removed in row_moves:
            head = f"- `{table}` ({', '.join(key)}): {len(added)} added, {len(removed)} removed"
            more = [f"  - added: {'; '.join(_cell(a) for a in added[:10])}" + (" ..." if len(added) > 10 else "")] \
                if added else []
            more += [f"  - removed: {'; '.join(_cell(r) for r in removed[:10])}" + (" ..." if len(removed) > 10 else "")] \
                if removed else []
            lines += [head] + more
    for cid in sorted({r["chapter"] for r in rows}):
        sub = [r for r in rows if r["chapter"] == cid]
        nums = [r for r in sub if r["kind"] == "number"]
        texts = [r for r in sub if r["kind"] == "text"]
        lines += ["", f"## {_cell(CHAPTERS[cid].title if cid in CHAPTERS else cid)} (`{cid}`)", ""]
        if nums:
            lines += ["| result | before | now | change | relative change |", "|---|---|---|---|---|"]
            for r in sorted(nums, key=lambda r: -abs(r["relative"]) if r["relative"] == r["relative"] else 0):
                rel = "" if r["relative"] in (float("inf"), float("-inf")) else fmt(r["relative"], sig=2, pct=True)
                lines.append(f"| `{r['key']}` | {show(r['before'])} | {show(r['after'])} | {show(r['change'])} | {rel} |")
        if texts:
            lines += ["", "| verdict, date or name | before | now |", "|---|---|---|"]
            lines += [f"| `{r['key']}` | {show(r['before'])} | {show(r['after'])} |" for r in texts]
        new = [r["key"] for r in sub if r["kind"] == "added"]
        gone = [r["key"] for r in sub if r["kind"] == "removed"]
        if new:
            lines += ["", "New results: " + ", ".join(f"`{k}`" for k in new) + "."]
        if gone:
            lines += ["", "No longer computed: " + ", ".join(f"`{k}`" for k in gone) + "."]
    return "\n".join(lines) + "\n"


#: Words for the parts of result keys, to name a result in a sentence when no label is known.
_KEY_WORDS = {"usd": "USD", "bn": "billion", "mtok": "per million tokens", "cagr": "annual growth",
              "gpu": "GPU", "asic": "custom chip", "y5": "in year 5", "n": "number of", "eci": "ECI", "p": "p-value",
              "pct": "percent", "tol": "tolerance", "c1": "C1"}


def result_label(chapter: str, key: str) -> str:
    """A result's name for a reader: the Scenarios page's label, a claim's title for a verdict,
    else the key in words ("capex_cagr" -> "capex annual growth")."""
    for cid, k, label, _ in KEY_RESULTS:
        if (cid, k) == (chapter, key):
            return label
    if key.startswith("verdict_"):
        try:
            from ..claims import ledger

            claim = ledger.load().by_id().get(key.removeprefix("verdict_").upper())
            if claim is not None:
                return f"Verdict on {claim.id} ({claim.title})"
        except Exception:  # noqa: BLE001 - a label is a convenience
            pass
    words = [_KEY_WORDS.get(w, w) for w in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _data_change(table: str, then: dict, status: Any) -> str | None:
    """One table's change since the edition in words, or None when it did not change."""
    rows_then, newest_then = then.get("rows"), then.get("newest")
    if rows_then == status.rows and newest_then == status.newest:
        return None
    added, removed = row_changes(table, then)
    bits = []
    if added or removed:
        bits.append(f"{len(added)} row{'s' if len(added) != 1 else ''} added, {len(removed)} removed")
    elif rows_then is None:
        bits.append(f"new table, {status.rows} row{'s' if status.rows != 1 else ''}")
    elif rows_then != status.rows:
        bits.append(f"{rows_then} → {status.rows} rows")
    if newest_then != status.newest:
        back = bool(newest_then and status.newest and status.newest < newest_then)
        bits.append(f"newest statement {newest_then or 'none'} → {status.newest or 'none'}"
                    + (" (the newest rows of the edition were removed or redated)" if back else ""))
    return f"`{table}` " + ", ".join(bits) if bits else None


def changes_in_words(rows: list[dict], then_tables: dict, statuses: list) -> list[str]:
    """Markdown: one sentence for every verdict and number that moved since the edition, with the
    old and the new value and the data change behind it (the changed tables its chapter reads, or,
    when none changed, that the method or an upstream chapter did)."""
    from ..formatting import fmt

    by_table = {s.table: s for s in statuses}
    chapter_data: dict[str, str] = {}
    for cid, chapter in CHAPTERS.items():
        moves = [m for m in (_data_change(tb, then_tables.get(tb, {}), by_table[tb])
                             for tb in chapter.reads_data if tb in by_table) if m]
        if moves:
            chapter_data[cid] = "; ".join(moves)
        else:
            upstream = [d for d in chapter.reads_chapters if d in {r["chapter"] for r in rows}]
            chapter_data[cid] = (f"no table it reads changed; results it takes from {', '.join(upstream)} moved"
                                 if upstream else "no table it reads changed: the method or a parameter changed")

    def show(v: object) -> str:
        return "none" if v is None else (fmt(v, sig=3) if _is_number(v) else str(v))

    def title(cid: str) -> str:
        return CHAPTERS[cid].title if cid in CHAPTERS else cid

    verdicts = [r for r in rows if r["kind"] == "text" and r["key"].startswith("verdict_")]
    numbers = [r for r in rows if r["kind"] == "number"]
    others = [r for r in rows if r["kind"] == "text" and not r["key"].startswith("verdict_")]
    if not (verdicts or numbers or others):
        return ["No result moved.", ""]
    lines = ["## In words", ""]
    if verdicts:
        from ..claims import ledger

        try:
            claims = ledger.load().by_id()
        except Exception:  # noqa: BLE001 - without the ledger, the verdict's own chapter is named
            claims = {}
        lines += ["### Verdicts", ""]
        moved_by_key = {f"{r['chapter']}.{r['key']}": r for r in numbers + others}
        for r in verdicts:
            claim = claims.get(r["key"].removeprefix("verdict_").upper())
            chapter = claim.chapter if claim is not None else r["chapter"]
            reads = [moved_by_key[m] for m in (claim.metrics if claim is not None else []) if m in moved_by_key]
            because = "; ".join(f"{_cell(result_label(x['chapter'], x['key'])).lower()} {_cell(show(x['before']))} → "
                                f"{_cell(show(x['after']))}" for x in reads[:3])
            lines.append(f"- {_cell(result_label(r['chapter'], r['key']))} went from **{_cell(show(r['before']))}** to "
                         f"**{_cell(show(r['after']))}**"
                         + (f": the results its rule reads moved ({because}{'; …' if len(reads) > 3 else ''})" if reads
                            else "") + f". The data behind it: {_cell(title(chapter))}, below.")
        lines.append("")
    for cid in sorted({r["chapter"] for r in numbers + others}):
        sub = sorted([r for r in numbers if r["chapter"] == cid],
                     key=lambda r: -abs(r["relative"]) if r["relative"] == r["relative"] else 0)
        sub += [r for r in others if r["chapter"] == cid]
        lines += [f"### {_cell(title(cid))}", "", f"Data behind the moves: {chapter_data.get(cid, 'n/a')}.", ""]
        for r in sub:
            change = ""
            if r["kind"] == "number" and r["relative"] not in (float("inf"), float("-inf")):
                change = f" ({'+' if r['change'] > 0 else ''}{fmt(r['relative'], sig=2, pct=True)})"
            lines.append(f"- {_cell(result_label(cid, r['key']))}: {_cell(show(r['before']))} → "
                         f"{_cell(show(r['after']))}{change}.")
        lines.append("")
    return lines


def assemble(src: Path, executed: Path, extra_pages: dict[str, str] | None = None) -> None:
    """Lay out the book's source tree in `src` from the repo and the executed notebooks."""
    root = paths.root()
    src.mkdir(parents=True, exist_ok=True)
    for name in CONFIG_FILES:
        shutil.copy2(root / name, src / name)
    shutil.copytree(paths.book_dir(), src / "book", dirs_exist_ok=True)
    shutil.copytree(root / "_static", src / "_static", dirs_exist_ok=True)
    (src / "notebooks").mkdir(exist_ok=True)
    static_nb = src / "_static" / "notebooks"
    static_nb.mkdir(parents=True, exist_ok=True)
    for nb in sorted(executed.glob("*.ipynb")):
        shutil.copy2(nb, src / "notebooks" / nb.name)
        shutil.copy2(nb, static_nb / nb.name)
    static_data = src / "_static" / "data"
    static_data.mkdir(parents=True, exist_ok=True)
    for path in sorted(paths.data_dir().glob("*")):
        if path.suffix in (".csv", ".yml", ".yaml"):
            shutil.copy2(path, static_data / path.name)
    vega = src / "_static" / "vega"
    vega.mkdir(parents=True, exist_ok=True)
    (vega / "altair-offline.js").write_text(offline_vega_js(), encoding="utf-8")
    has_archive = _write_source_archive(src / "_static" / "token-factory-source.tar.gz")
    _stage_config(src / "_config.yml", footer_html(has_archive))
    pages = {"book/reproduce.md": reproduce_page(), "book/data.md": data_page(),
             "book/changes.md": changes_page(executed), "book/scenarios.md": scenarios_page()}
    comparisons = compare_pages()
    pages.update(comparisons)
    pages.update(extra_pages or {})
    _stage_toc(src / "_toc.yml", sorted(comparisons))
    for rel, text in pages.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    index = src / "book" / "index.md"
    if index.exists():
        index.write_text(index.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + cite_block(), encoding="utf-8")


def compare_pages() -> dict[str, str]:
    """The pages written by `tokenfactory compare A B` (kept in `_build/compare/`), as book pages."""
    folder = paths.build_dir() / "compare"
    return {f"book/compare/{p.stem}.md": p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def generated_inputs() -> str:
    """What the generated pages depend on beyond the repository's files (the scenarios found in the
    execution cache, the comparisons written, the sites built beside this one): a build whose
    other inputs are unchanged rebuilds its site when this changes."""
    from . import hashing

    return hashing.value_hash({"scenarios": scenarios_page(), "compare": compare_pages(),
                               "edition": edition(), "citation": citation()})


def _stage_toc(path: Path, comparison_pages: list[str]) -> None:
    """Put the comparison pages under the Scenarios page in the staged table of contents."""
    import yaml

    if not comparison_pages:
        return
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [c for part in toc.get("parts", []) for c in part.get("chapters", [])] + toc.get("chapters", [])
    sections = [{"file": rel.removesuffix(".md")} for rel in comparison_pages]
    for entry in entries:
        if entry.get("file") == "book/scenarios":
            entry["sections"] = list(entry.get("sections", [])) + sections
            break
    else:
        parts = toc.setdefault("parts", [])
        (parts[-1]["chapters"] if parts else toc.setdefault("chapters", [])).extend(sections)
    path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def _stage_config(path: Path, footer: str) -> None:
    """The staged _config.yml with the footer every page shows (edition, repository, citation)."""
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config.setdefault("html", {})["extra_footer"] = footer
    # sphinx.config.html_theme_options, when set, replaces what jupyter-book derives from `html:`
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config.setdefault("html_theme_options", {})["extra_footer"] = footer
    url = repository_url()
    if url:
        config.setdefault("repository", {})["url"] = url
        config["html"]["use_repository_button"] = True
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


class SiteBuildError(Exception):
    pass


def build_html(src: Path, out: Path) -> Path:
    """Run jupyter-book (all pages, warnings as errors, nitpicky) and return the html folder."""
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe), "build", "--all", "-W", "-n", "--keep-going", "--path-output", str(out), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    (out / "sphinx.log").parent.mkdir(parents=True, exist_ok=True)
    (out / "sphinx.log").write_text(log, encoding="utf-8")
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    if proc.returncode != 0 or warnings:
        shown = "\n".join(warnings[:20]) or log[-3000:]
        raise SiteBuildError(f"jupyter-book failed ({len(warnings)} warning(s)); see {out / 'sphinx.log'}\n{shown}")
    return out / "_build" / "html"


# --- Edition, repository and citation: on every page -------------------------------------------

def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(paths.root()), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def edition() -> tuple[str, str | None]:
    """The edition's date and commit: those of the repository's last commit, or today's date (and
    no commit) outside a git checkout."""
    import datetime

    found = _git("log", "-1", "--format=%cs %h")
    if found:
        day, commit = found.split()
        return day, commit
    return datetime.date.today().isoformat(), None


def citation() -> dict:
    """CITATION.cff, read (the book's title, authors, version, date, repository)."""
    import yaml

    path = paths.root() / "CITATION.cff"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def repository_url() -> str | None:
    """The public repository, from CITATION.cff (`repository-code`), if it names one."""
    url = str(citation().get("repository-code") or "")
    return url if url.startswith(("https://", "http://")) else None


def _authors(cff: dict) -> str:
    names = []
    for a in cff.get("authors") or []:
        if "name" in a:
            names.append(str(a["name"]))
        else:
            names.append(" ".join(str(a[k]) for k in ("given-names", "family-names") if a.get(k)))
    return ", ".join(names) or "The Token Factory contributors"


def cite_block() -> str:
    """Markdown: "Cite this book", in words and as BibTeX, from CITATION.cff and the edition."""
    cff = citation()
    day, commit = edition()
    title = cff.get("title", "The Token Factory")
    authors = _authors(cff)
    url = repository_url()
    where = f" {url}" if url else ""
    version = f", commit {commit}" if commit else ""
    key = "tokenfactory" + day[:4]
    bib = [f"@book{{{key},", f"  title  = {{{title}}},", f"  author = {{{authors}}},", f"  year   = {{{day[:4]}}},",
           f"  note   = {{Edition of {day}{version}}},"]
    if url:
        bib.append(f"  url    = {{{url}}},")
    bib.append("}")
    return "\n".join([
        "## Cite this book", "",
        f"{authors}. *{title}*. Edition of {day}{version}.{where}", "",
        "```bibtex", *bib, "```", "",
        "The data tables carry their own sources: cite those too when you use a figure (see [Data](data.md)).",
        "",
    ])


def footer_html(has_archive: bool) -> str:
    """The line under every page: edition date, commit, repository, citation. Links are written for
    pages one folder deep (book/, notebooks/) and corrected in the page for the others
    (`data-tf-root`, read by _static/tf-charts.js against Sphinx's content root)."""
    day, commit = edition()
    parts = [f"Edition of {html.escape(day)}" + (f" (commit <code>{html.escape(commit)}</code>)" if commit else "")]
    url = repository_url()
    if url:
        parts.append(f'<a href="{html.escape(url)}">Repository</a>')
    if has_archive:
        parts.append('<a href="../_static/token-factory-source.tar.gz" data-tf-root="_static/token-factory-source.tar.gz" '
                     'class="tf-source">Source code (.tar.gz)</a>')
    parts.append('<a href="../book/index.html#cite-this-book" data-tf-root="book/index.html#cite-this-book" '
                 'class="tf-cite-link">Cite this book</a>')
    return '<p class="tf-edition">' + " · ".join(parts) + "</p>"


def _write_source_archive(dest: Path) -> bool:
    """The repository at the edition's commit, as a tarball beside the site (so the repository is
    one click away even offline). False outside a git checkout."""
    if _git("rev-parse", "--verify", "HEAD") is None:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["git", "-C", str(paths.root()), "archive", "--format=tar.gz", "--prefix=token-factory/",
                           "-o", str(dest), "HEAD"], capture_output=True, text=True)
    return proc.returncode == 0 and dest.exists()


# --- Scenarios: every named scenario's key results and verdicts beside the default ---------------

#: The results shown side by side on the Scenarios page: (chapter, key, label, kind).
KEY_RESULTS: tuple[tuple[str, str, str, str], ...] = (
    ("compute_gap", "current_lag_months", "Open models' current lag behind closed ones", "months"),
    ("compute_gap", "open_lag_months_latest", "Latest completed open-model catch-up", "months"),
    ("compute_gap", "leadership_window_median_days", "Median time a leader stays first", "days"),
    ("compute_gap", "capex_cagr", "Growth of the leaders' capital spending", "pct_year"),
    ("inference_tax", "cost_per_mtok_gpu_usd", "GPU cost per million output tokens", "usd"),
    ("inference_tax", "cost_per_mtok_asic_usd", "Custom chip cost per million output tokens", "usd"),
    ("inference_tax", "tax_share_gpu", "Chip vendor's margin in the GPU's token cost", "pct"),
    ("inference_tax", "breakeven_tokens_per_year", "Custom chip break-even volume (output tokens)", "tokens_year"),
    ("tapeout", "min_feasible_cycle_months", "Shortest feasible chip cycle", "months"),
    ("tapeout", "nine_month_percentile", "Percentile of the nine months among comparison durations", "percentile"),
    ("flywheel", "crossover_month", "Integrated strategy overtakes merchant chips", "month"),
    ("flywheel", "cost_per_mtok_ratio_y5", "Integrated / merchant cost per token, year 5", "ratio"),
    ("flywheel", "cumulative_advantage_y5_usd_bn", "Cumulative advantage of integration by year 5", "usd_bn"),
    ("claims", "claims_supported", "Claims supported", "count"),
    ("claims", "claims_partly", "Claims partly supported", "count"),
    ("claims", "claims_not_supported", "Claims not supported", "count"),
)


def _show(value: object, kind: str) -> str:
    from ..formatting import fmt

    if value is None or isinstance(value, str):
        return "n/a" if value is None else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "months":
        return fmt(value, unit="months")
    if kind == "days":
        return fmt(value, unit="days")
    if kind == "month":
        return f"month {fmt(value, sig=3)}"
    if kind == "percentile":  # already on a 0-100 scale (not a share)
        return f"percentile {fmt(value, sig=2)}"
    if kind == "pct":
        return fmt(value, pct=True)
    if kind == "pct_year":
        return fmt(value, pct=True) + " a year"
    sign = "−" if _is_number(value) and value < 0 else ""  # "−$8.3 billion", not "$-8.3 billion"
    if kind == "usd":
        return sign + "$" + fmt(abs(value))
    if kind == "usd_bn":
        return sign + "$" + fmt(abs(value)) + " billion"
    if kind == "tokens_year":
        return fmt(value, unit="tokens a year")
    if kind == "ratio":
        return fmt(value) + "×"
    if kind == "count":
        return str(int(value)) if float(value).is_integer() else fmt(value)
    return fmt(value)


def scenario_results() -> dict[str, dict[str, dict] | None]:
    """The results of every named scenario found in the execution cache (`_build/.cache`), which
    every build fills: a scenario whose chapters have all been executed with its current inputs
    (notebooks, parameters, data, package) has results; any other is None ("not built")."""
    from . import hashing, pipeline
    from ..config import list_scenarios, resolve

    package = hashing.package_hash()
    nowhere = paths.build_dir() / ".no-target"
    out: dict[str, dict[str, dict] | None] = {}
    for name in list_scenarios():
        resolved = resolve(name)
        known: dict[str, dict] = {}
        for wave in pipeline.execution_waves_of(list(CHAPTERS)):
            for cid in wave:
                chapter = CHAPTERS[cid]
                if any(d not in known for d in chapter.reads_chapters):
                    continue
                params = resolved.params[cid].model_dump(mode="json")
                key = pipeline._chapter_key(chapter, params, pipeline.upstream_for(chapter, known), package)
                hit = _cache_hit(pipeline, cid, key, nowhere)
                if hit is not None:
                    known[cid] = hit[1].get("results", {})
        out[name] = known if len(known) == len(CHAPTERS) else None
    return out


def _cache_hit(pipeline: Any, cid: str, key: str, nowhere: Path) -> tuple[Path, dict] | None:
    """The execution cache's entry for (chapter, key), read only (whichever cache API the
    pipeline offers)."""
    if hasattr(pipeline, "Cache"):
        return pipeline.Cache(nowhere, {}, lambda message: None).lookup(cid, key)
    return pipeline._cache_lookup(cid, key, nowhere, {})


def _verdict_class(verdict: str) -> str:
    v = verdict.lower()
    if v.startswith("supported"):
        return "tf-verdict-supported"
    if v.startswith("partly"):
        return "tf-verdict-partly"
    if v.startswith("not supported"):
        return "tf-verdict-not"
    return "tf-verdict-unverifiable"


def scenarios_page(found: dict[str, dict[str, dict] | None] | None = None) -> str:
    """The Scenarios page: what each named scenario changes, its key results and its verdicts,
    side by side with the default. Cells that differ from the default are highlighted."""
    from ..claims import ledger
    from ..config import list_scenarios

    e = html.escape
    scenarios = list_scenarios()
    found = scenario_results() if found is None else found
    every = ["default", *[n for n in scenarios if n != "default"]] if "default" in scenarios else list(scenarios)
    names = [n for n in every if found.get(n)]
    missing = [n for n in every if not found.get(n)]
    base = found.get("default") or {}
    claims = ledger.load().claims

    def head() -> str:
        # a scenario's name leads to what it changes and which verdicts move (on this page: a
        # scenario's own site is built beside this one, outside the published folder)
        cells = []
        for n in names:
            label = e(n).replace("_", "_<wbr>")
            cells.append(f'<th scope="col"><a href="#scenario-{e(n)}">{label}</a></th>')
        return '<thead><tr><th scope="col">result</th>' + "".join(cells) + "</tr></thead>"

    lines = [
        "# Scenarios",
        "",
        "Each named scenario changes a few of the book's assumptions (the list below; every parameter is",
        "described in [Reproduce](reproduce.md)). This page sets their key results and verdicts beside",
        "those of the default, from the executions this build found in its cache; a highlighted cell",
        "differs from the default. A scenario marked *not built* has not been executed with the current",
        "data and code: `tokenfactory build --all-scenarios` builds them all (or",
        "`tokenfactory build --scenario NAME` one of them), and the next build of this book shows it.",
        "Each scenario's own site is built beside this one (`_build/NAME/html/`, by",
        "`tokenfactory build --scenario NAME`); `tokenfactory compare default NAME` writes every result",
        "of two scenarios side by side.",
        "",
        "## What each scenario changes, and which verdicts move",
        "",
    ]
    rows = []
    for n in every:
        scen = scenarios[n]
        changes = [f"<code>{e(cid)}.{e(k)} = {e(_plain_value(v))}</code>" for cid, vals in scen.chapters.items()
                   for k, v in vals.items()]
        status = "" if found.get(n) else "<br><em>not built</em>"
        moves = scenario_verdict_note(n, scen, found.get(n), base if n != "default" else None, claims)
        rows.append(f'<tr id="scenario-{e(n)}"><td><code>{e(n)}</code>{status}</td>'
                    f"<td>{'<br>'.join(changes) or 'nothing (the defaults)'}</td>"
                    f"<td>{e(' '.join(str(scen.description).split()))}</td><td>{moves}</td></tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-wrap tf-cols-4">',
              '<thead><tr><th scope="col">scenario</th><th scope="col">premise it changes</th>'
              '<th scope="col">description</th><th scope="col">verdicts that move</th></tr></thead>',
              "<tbody>" + "".join(rows) + "</tbody></table></div>", ""]
    if missing:
        lines += ["Not built yet with the current data and code, so not in the tables below: "
                  + ", ".join(f"`{n}`" for n in missing) + ". Run `tokenfactory build --all-scenarios`.", ""]
    if not names:
        return "\n".join(lines) + "\n"

    comparisons = sorted(compare_pages())
    if comparisons:
        lines += ["Comparisons of every result written with `tokenfactory compare A B`: "
                  + ", ".join(f"[{Path(rel).stem.replace('-vs-', ' vs ')}](compare/{Path(rel).name})" for rel in comparisons)
                  + ".", ""]
    lines += ["## Key results", ""]
    body = []
    for cid, key, label, kind in KEY_RESULTS:
        cells = []
        for n in names:
            res = found[n]
            value = res.get(cid, {}).get(key)
            changed = n != "default" and base and value != base.get(cid, {}).get(key)
            cls = ' class="tf-changed"' if changed else ""
            cells.append(f"<td{cls}>{e(_show(value, kind))}</td>")
        body.append(f"<tr><td>{e(label)}</td>{''.join(cells)}</tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-grid">', head(),
              "<tbody>" + "".join(body) + "</tbody></table></div>", ""]

    lines += ["## Verdicts", "",
              "The claims ledger's verdict on each claim of the article, under each scenario (the rules are in",
              "[the claims ledger](../notebooks/claims.ipynb)).", ""]
    body = []
    for claim in claims:
        key = f"verdict_{claim.id.lower()}"
        cells = []
        for n in names:
            res = found[n]
            verdict = str(res.get("claims", {}).get(key, "n/a"))
            changed = n != "default" and base and verdict != str(base.get("claims", {}).get(key, "n/a"))
            cls = _verdict_class(verdict) + (" tf-changed" if changed else "")
            cells.append(f'<td class="{cls}">{e(verdict)}</td>')
        body.append(f"<tr><td><b>{e(claim.id)}</b> {e(claim.title)}</td>{''.join(cells)}</tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-grid">', head(),
              "<tbody>" + "".join(body) + "</tbody></table></div>", ""]
    return "\n".join(lines) + "\n"


def _moved(a: object, b: object) -> bool:
    import math

    if _is_number(a) and _is_number(b):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def scenario_verdict_note(name: str, scen: Any, res: dict | None, base: dict | None, claims: list) -> str:
    """HTML for the Scenarios page: which verdicts a scenario moves (old → new), and where none
    moves, why: none of the results the verdict rules read changes, or those that change stay on
    the same side of every rule's threshold (named with the claims that read them)."""
    e = html.escape
    if base is None:
        return "the reference: every other scenario is compared with it"
    if not res:
        return "<em>not built</em>"
    moved, touched = [], []
    for claim in claims:
        key = f"verdict_{claim.id.lower()}"
        old, new = base.get("claims", {}).get(key), res.get("claims", {}).get(key)
        if old is not None and new is not None and old != new:
            moved.append(f"<b>{e(claim.id)}</b> {e(claim.title)}: {e(str(old))} → {e(str(new))}")
            continue
        changed = [m for m in claim.metrics
                   if _moved(base.get(m.split(".", 1)[0], {}).get(m.split(".", 1)[1]),
                             res.get(m.split(".", 1)[0], {}).get(m.split(".", 1)[1]))]
        if changed:
            touched.append((claim, changed))
    parts = []
    if moved:
        parts.append("; ".join(moved) + ".")
    if touched:
        names = ", ".join(e(c.id) for c, _ in touched)
        example_claim, keys = touched[0]
        chapter, key = keys[0].split(".", 1)
        kind = next((k for c, kk, _, k in KEY_RESULTS if (c, kk) == (chapter, key)), "")
        before, after = _show(base.get(chapter, {}).get(key), kind), _show(res.get(chapter, {}).get(key), kind)
        parts.append(("No verdict moves. " if not moved else "Also: ")
                     + f"Results read by {names} change (for example {e(result_label(chapter, key).lower())}: "
                     f"{e(before)} → {e(after)}), but their rules still give the same verdicts: no test crosses its "
                     "threshold, or the tests that pass and fail still add up to the same verdict (\"partly "
                     "supported\" holds while some tests pass and some fail).")
    elif not moved:
        shifted = sorted(f"{cid}.{k}" for cid in set(base) | set(res) if cid != "claims"
                         for k in set(base.get(cid, {})) | set(res.get(cid, {}))
                         if not k.endswith("_txt") and _moved(base.get(cid, {}).get(k), res.get(cid, {}).get(k)))
        if shifted:
            where = ", ".join(sorted({s.split(".", 1)[0] for s in shifted}))
            parts.append(f"No verdict moves: this scenario moves {len(shifted)} result{'s' if len(shifted) != 1 else ''} "
                         f"({e(where)}), none of which a "
                         "verdict rule reads; the rules test measured data and results it leaves unchanged.")
        else:
            parts.append("No verdict moves: this scenario moves none of the book's results.")
    return " ".join(parts)


def _plain_value(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)
