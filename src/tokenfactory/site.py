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

from . import paths
from .data.schemas import TABLES
from .params_base import describe
from .registry import CHAPTERS

CONFIG_FILES = ("_config.yml", "_toc.yml")


def offline_vega_js() -> str:
    """Vega, Vega-Lite and vega-embed in one file, so charts render with no network.

    Altair's HTML output loads these from a CDN unless `window.VEGA_DEBUG` names the versions it
    asks for; we set those from the installed altair (never typed) and wrap the bundle in a function
    because it declares a top-level `_` that clashes with Sphinx's own.
    """
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
    from .config import list_scenarios

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
                  "| parameter | type | default | allowed | unit | meaning and basis |", "|---|---|---|---|---|---|"]
        for info in describe(chapter.params):
            default = ", ".join(map(str, info.default)) if isinstance(info.default, (list, tuple)) else info.default
            meaning = info.meaning + (f" *Basis:* {info.basis}" if info.basis else "")
            lines.append(f"| `{info.name}` | {info.type} | {_cell(default)} | {_cell(info.allowed)} | "
                         f"{_cell(info.unit)} | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


def data_page() -> str:
    """The Data appendix: every table with its description, columns and units, coverage, sources."""
    import yaml

    from .data import load

    lines = ["# Data", "",
             "Every figure in this book comes from one of these tables. Each row names the page that states",
             "it (`source_url`) and the date of that statement (`as_of`); estimates are flagged (`estimate`)",
             "with their basis in `notes`. The tables are checked against the schemas below on every build.",
             ""]
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


def previous_edition() -> tuple[str, dict, dict] | None:
    """The newest recorded edition: its name, its results.json and its edition.json (tables)."""
    import json

    found = sorted(d for d in editions_dir().glob("*") if (d / "results.json").exists()) if editions_dir().exists() else []
    if not found:
        return None
    d = found[-1]
    meta = json.loads((d / "edition.json").read_text(encoding="utf-8")) if (d / "edition.json").exists() else {}
    return d.name, json.loads((d / "results.json").read_text(encoding="utf-8")), meta


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


def changes_page(executed: Path) -> str:
    """The "What changed in this edition" page: every glued number and verdict that moved between
    the newest recorded edition and this build, by how much, and the data tables behind the moves."""
    from . import results
    from .freshness import all_tables
    from .nb import fmt

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
    lines += ["## The data behind the moves", "",
              "| table | rows then | rows now | newest statement then | newest statement now |", "|---|---|---|---|---|"]
    then = meta.get("tables", {})
    for s in all_tables():
        t = then.get(s.table, {})
        if t.get("rows") == s.rows and t.get("newest") == s.newest:
            continue
        lines.append(f"| `{s.table}` | {t.get('rows', '(new table)')} | {s.rows} | {_cell(t.get('newest') or '')} | "
                     f"{_cell(s.newest or '')} |")
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
    pages = {"book/reproduce.md": reproduce_page(), "book/data.md": data_page(), "book/changes.md": changes_page(executed)}
    pages.update(extra_pages or {})
    for rel, text in pages.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")


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
