"""The Data appendix: every table with its status, audits, columns, coverage and sources,
generated from data/ and the table schemas."""

from __future__ import annotations

from .. import paths
from ..data.schemas import TABLES
from . import hashing
from .pagetext import cell, code


def data_page() -> str:
    """The Data appendix: every table with its description, columns and units, coverage, sources.
    A pure function of data/ and the package: kept in the build cache, keyed by both."""
    key = hashing.value_hash({"data": hashing.tree_hash([p for p in paths.data_dir().glob("*") if p.is_file()],
                                                        paths.data_dir()), "package": hashing.package_hash()})[:32]
    return hashing.cached_text(paths.build_dir() / ".cache" / f"data-page-{key}.md", data_page_text)


def data_page_text() -> str:
    """The Data appendix's markdown, computed (uncached)."""
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
        lines.append(f"| `{st.table}` | {st.rows} | {st.newest or ''} | {cell(st.basis_text())} | {share} | "
                     f"{cell(audited)} |")
    lines += ["```", ""]
    for a in reversed(audits):
        lines += [f"## Audit of {cell(a.date_text)}", "",
                  f"{cell(a.title)}, on the data of commit `{cell(a.data_commit)}`; report: {cell(a.report)}. "
                  f"{cell(a.method)}", ""]
        for sid, what in a.samples.items():
            c = counts(a.rows, sample_id=sid)
            lines.append(f"- **Sample {cell(sid)}** ({cell(what)}): {verdict_text(c)}.")
        lines += ["", "Verdicts: " + "; ".join(f"*{k}*: {v}" for k, v in VERDICTS.items()) + ".", "",
                  "```{table}", ":class: tf-wrap", "",
                  "| table | rows checked | what was found |", "|---|---|---|"]
        tables_seen = sorted({r[2] for r in a.rows} | set(a.findings))
        for t in tables_seen:
            c = counts(a.rows, table=t)
            lines.append(f"| `{t}` | {cell(verdict_text(c))} | {cell(a.findings.get(t, ''))} |")
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
        lines += [f"## {cell(meta.get('title', name))}", "",
                  cell(str(meta.get("description", "")).strip()), "",
                  f"- **File:** [`{name}.csv`](../_static/data/{name}.csv) ({len(frame)} rows"
                  + (f", {estimates} flagged as estimates" if estimates else "") + ")",
                  f"- **Key:** {', '.join(code(k) for k in table.key)}"]
        if coverage:
            lines.append(f"- **Dates covered:** {coverage}")
        newest = coverage_end(frame)
        if newest:
            lines.append(f"- **Newest statement (coverage end):** {newest}")
        if meta.get("citation"):
            lines.append(f"- **Citation:** {cell(meta['citation'])}")
        if meta.get("license"):
            lines.append(f"- **License:** {cell(meta['license'])}")
        if meta.get("date_accessed"):
            lines.append(f"- **Accessed:** {cell(meta['date_accessed'])}")
        sources = meta.get("sources") or []
        if sources:
            lines.append("- **Main sources:**")
            for s in sources:
                if isinstance(s, dict):
                    url = str(s.get("url", ""))
                    label = cell(s.get("name", url))
                    when = f" (as of {cell(s.get('as_of'))})" if s.get("as_of") else ""
                    lines.append(f"  - [{label}]({url}){when}" if url.startswith("http") else f"  - {label}{when}")
        caveats = meta.get("caveats") or []
        if caveats:
            lines.append("- **Caveats:**")
            lines += [f"  - {cell(c)}" for c in caveats]
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
            lines.append(f"| `{col.name}` | {cell(col.meaning)} | {cell(col.unit)} | {cell('; '.join(r for r in rule if r))} |")
        lines.append("")
    return "\n".join(lines) + "\n"
