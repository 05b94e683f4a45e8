"""The "What changed in this edition" page: every glued result that moved since the newest recorded
edition (editions/), in numbers and in words, with the data changes behind the moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import paths
from ..registry import CHAPTERS
from .footer import edition
from .pagetext import cell, is_number, result_label


def editions_dir() -> Path:
    """The folder of recorded editions (`editions/`)."""
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
            if is_number(x) and is_number(y):
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
    from ..formatting import fmt
    from ..freshness import all_tables
    from . import results

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
        return cell(fmt(v, sig=3) if is_number(v) else v)

    moved = [r for r in rows if r["kind"] in ("number", "text")]
    lines += [f"This page compares the results of this build with those of the edition of **{cell(name)}**"
              + (f" (commit `{cell(meta.get('commit'))}`)" if meta.get("commit") else "") + ": "
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
        lines.append(f"| `{s.table}` | {t.get('rows', '(new table)')} | {s.rows} | {cell(t.get('newest') or '')} | "
                     f"{cell(s.newest or '')} |")
        added, removed = row_changes(s.table, t)
        if added or removed:
            row_moves.append((s.table, t.get("key") or [], added, removed))
    if row_moves:
        lines += ["", "Rows added and removed, by their key (the first ten of each):", ""]
        for table, key, added, removed in row_moves:
            head = f"- `{table}` ({', '.join(key)}): {len(added)} added, {len(removed)} removed"
            more = [f"  - added: {'; '.join(cell(a) for a in added[:10])}" + (" ..." if len(added) > 10 else "")] \
                if added else []
            more += [f"  - removed: {'; '.join(cell(r) for r in removed[:10])}" + (" ..." if len(removed) > 10 else "")] \
                if removed else []
            lines += [head] + more
    for cid in sorted({r["chapter"] for r in rows}):
        sub = [r for r in rows if r["chapter"] == cid]
        nums = [r for r in sub if r["kind"] == "number"]
        texts = [r for r in sub if r["kind"] == "text"]
        lines += ["", f"## {cell(CHAPTERS[cid].title if cid in CHAPTERS else cid)} (`{cid}`)", ""]
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


def data_change(table: str, then: dict, status: Any) -> str | None:
    """One table's change since the edition in words (`status`: its `freshness` status now), or
    None when it did not change."""
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
        moves = [m for m in (data_change(tb, then_tables.get(tb, {}), by_table[tb])
                             for tb in chapter.reads_data if tb in by_table) if m]
        if moves:
            chapter_data[cid] = "; ".join(moves)
        else:
            upstream = [d for d in chapter.reads_chapters if d in {r["chapter"] for r in rows}]
            chapter_data[cid] = (f"no table it reads changed; results it takes from {', '.join(upstream)} moved"
                                 if upstream else "no table it reads changed: the method or a parameter changed")

    def show(v: object) -> str:
        return "none" if v is None else (fmt(v, sig=3) if is_number(v) else str(v))

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
            because = "; ".join(f"{cell(result_label(x['chapter'], x['key'])).lower()} {cell(show(x['before']))} → "
                                f"{cell(show(x['after']))}" for x in reads[:3])
            lines.append(f"- {cell(result_label(r['chapter'], r['key']))} went from **{cell(show(r['before']))}** to "
                         f"**{cell(show(r['after']))}**"
                         + (f": the results its rule reads moved ({because}{'; …' if len(reads) > 3 else ''})" if reads
                            else "") + f". The data behind it: {cell(title(chapter))}, below.")
        lines.append("")
    for cid in sorted({r["chapter"] for r in numbers + others}):
        sub = sorted([r for r in numbers if r["chapter"] == cid],
                     key=lambda r: -abs(r["relative"]) if r["relative"] == r["relative"] else 0)
        sub += [r for r in others if r["chapter"] == cid]
        lines += [f"### {cell(title(cid))}", "", f"Data behind the moves: {chapter_data.get(cid, 'n/a')}.", ""]
        for r in sub:
            change = ""
            if r["kind"] == "number" and r["relative"] not in (float("inf"), float("-inf")):
                change = f" ({'+' if r['change'] > 0 else ''}{fmt(r['relative'], sig=2, pct=True)})"
            lines.append(f"- {cell(result_label(cid, r['key']))}: {cell(show(r['before']))} → "
                         f"{cell(show(r['after']))}{change}.")
        lines.append("")
    return lines
