"""Record an edition of the book: `editions/<name>/results.json` (the default build's results) and
`editions/<name>/edition.json` (the commit it was built from and, per data table, rows, newest
statement date, estimate share and the key of every row), for `tokenfactory edition record`.

Why the data come from the commit's checkout (not from the running package's data/): an edition
describes the book readers saw, so its tables are those the build read. The build's results.json
names the hash of every data file it read; the checkout's files must match them, or the build was
not made from that checkout and nothing is written. The key columns are the schema's at that
commit (read by that checkout's own package), since keys change between commits.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import hashing
from .. import paths

#: the note every edition.json carries (as in the first recorded edition)
KEYS_NOTE = ("tables[*].keys: the key of every row of the edition's table (columns in tables[*].key, the "
             "schema key at the edition's commit), so the next edition can list the rows added and removed.")

_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(-[a-z0-9]+)*$")


class EditionError(ValueError):
    """An edition that cannot be recorded: bad name, existing edition, bad build or checkout."""


def _git(checkout: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def commit_of(checkout: Path) -> tuple[str, str, bool]:
    """The checkout's commit (short id), its commit date (YYYY-MM-DD) and whether no tracked file
    differs from the commit."""
    commit = _git(checkout, "rev-parse", "--short", "HEAD")
    day = _git(checkout, "log", "-1", "--format=%cs")
    if not commit or not day:
        raise EditionError(f"{checkout} is not a git checkout with a commit: an edition records the commit "
                           "it was built from (pass --checkout with the folder the build was made in)")
    status = _git(checkout, "status", "--porcelain", "--untracked-files=no")
    return commit, day, status == ""


def check_name(name: str, commit_date: str) -> None:
    """An edition is named by its commit's date, YYYY-MM-DD, optionally followed by -suffix
    (lowercase letters and digits), so that names sort in time order."""
    m = _NAME.match(name)
    if not m:
        raise EditionError(f"edition name {name!r}: allowed is the commit's date YYYY-MM-DD, optionally "
                           "followed by -suffix of lowercase letters and digits (e.g. 2026-11-26 or 2026-11-26-b)")
    try:
        datetime.date.fromisoformat(m.group(1))
    except ValueError:
        raise EditionError(f"edition name {name!r}: {m.group(1)} is not a calendar date") from None
    if m.group(1) != commit_date:
        raise EditionError(f"edition name {name!r}: an edition is named by the date of the commit it was built "
                           f"from, here {commit_date} (e.g. {commit_date} or {commit_date}-b)")


def read_build(build_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The build's results.json and its content, checked: a JSON object of a default build (scenario
    `default`, no custom parameters) with `results` as {chapter: {key: value}} and the hashes of the
    data files it read (`inputs.data`)."""
    path = Path(build_dir) / "results.json"
    if not path.is_file():
        raise EditionError(f"{path} is missing: record an edition from the folder of a finished default build "
                           "(`tokenfactory build` writes _build/default/results.json)")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EditionError(f"{path} is not valid JSON ({exc}): rebuild the book") from None
    if not isinstance(payload, dict):
        raise EditionError(f"{path} is malformed: expected a JSON object with `results`, found {type(payload).__name__}")
    res = payload.get("results")
    if not isinstance(res, dict) or not res or not all(isinstance(v, dict) for v in res.values()):
        raise EditionError(f"{path} is malformed: `results` must map each chapter to its glued results "
                           "({chapter: {key: value}}), and at least one chapter")
    if payload.get("scenario") != "default" or payload.get("custom"):
        raise EditionError(f"{path} is the build of scenario {payload.get('scenario')!r}"
                           f"{' with custom parameters' if payload.get('custom') else ''}: an edition is the default "
                           "book (`tokenfactory build`, scenario default, no --params or --set)")
    data = (payload.get("inputs") or {}).get("data") if isinstance(payload.get("inputs"), dict) else None
    if not isinstance(data, dict) or not data:
        raise EditionError(f"{path} is malformed: `inputs.data` (the hash of every data file the build read) is missing")
    return path, payload


def check_build_matches(payload: dict[str, Any], checkout: Path, where: Path) -> None:
    """The build read exactly the checkout's data/*.csv (same files, same bytes)."""
    built = payload["inputs"]["data"]
    data = checkout / "data"
    here = {p.name: hashing.file_hash(p) for p in sorted(data.glob("*.csv"))}
    problems = [f"data/{n}: {'not in the checkout' if n not in here else 'differs'}" for n in sorted(built)
                if here.get(n) != built[n]]
    problems += [f"data/{n}: in the checkout, not read by the build" for n in sorted(set(here) - set(built))]
    if problems:
        raise EditionError(f"{where} was not built from the data of {checkout}: " + "; ".join(problems)
                           + ". Build the book in that checkout, then record the edition from its build folder")


def schema_keys(checkout: Path) -> dict[str, list[str]]:
    """The key columns of every table, from the schema at the checkout's commit (its own
    src/tokenfactory/data/schemas.py, run with this interpreter); the running package's schema when
    the checkout has none."""
    if (checkout / "src" / "tokenfactory" / "data" / "schemas.py").is_file():
        code = ("import json; from tokenfactory.data.schemas import TABLES; "
                "print(json.dumps({n: list(t.key) for n, t in TABLES.items()}))")
        env = dict(os.environ, PYTHONPATH=str(checkout / "src"), TOKENFACTORY_ROOT=str(checkout))
        try:
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                  cwd=checkout, timeout=600)
        except subprocess.TimeoutExpired:
            raise EditionError(f"reading the schema keys of {checkout} timed out") from None
        if proc.returncode != 0:
            raise EditionError(f"cannot read the schema keys of {checkout} (src/tokenfactory/data/schemas.py): "
                               + (proc.stderr.strip().splitlines() or ["no message"])[-1])
        return json.loads(proc.stdout.strip().splitlines()[-1])
    from ..data.schemas import TABLES

    return {n: list(t.key) for n, t in TABLES.items()}


def table_entries(data_dir: Path, keys: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Per data/*.csv table: rows, newest as_of, estimate share (freshness's measures) and the
    key columns with the key of every row (as changes_page.row_changes reads them), sorted. A table whose
    key is unknown, or whose CSV lacks a key column, records null for both."""
    import pandas as pd

    from ..freshness import table_status

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(data_dir).glob("*.csv")):
        s = table_status(path.stem, data_dir)
        key = keys.get(path.stem)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows_keys = None
        if key and all(k in frame for k in key):
            rows_keys = sorted(" | ".join(r) for r in frame[list(key)].itertuples(index=False))
        else:
            key = None
        out[path.stem] = {"rows": s.rows, "newest": s.newest, "estimate_share": s.estimate_share,
                          "key": key, "keys": rows_keys}
    return out


def describe(name: str, payload: dict[str, Any], results_path: Path, checkout: Path) -> dict[str, Any]:
    """The edition.json of a checked build made in `checkout`."""
    commit, day, clean = commit_of(checkout)
    check_name(name, day)
    check_build_matches(payload, checkout, results_path.parent)
    built_day = datetime.datetime.fromtimestamp(results_path.stat().st_mtime, datetime.timezone.utc).date().isoformat()
    how = "a clean checkout of that commit" if clean else "a checkout of that commit with uncommitted changes to tracked files"
    return {
        "edition": name,
        "commit": commit,
        "commit_date": day,
        "built": f"{built_day}, from {how} (tokenfactory build, scenario default)",
        "tables": table_entries(checkout / "data", schema_keys(checkout)),
        "note": KEYS_NOTE,
    }


def record(name: str, build_dir: Path | None = None, checkout: Path | None = None, force: bool = False,
           editions: Path | None = None) -> Path:
    """Write editions/<name>/ (results.json, a byte copy of the build's, and edition.json) from the
    default build in `build_dir` (default: the checkout's _build/default) made in `checkout` (default:
    this repository). Refuses an existing edition unless `force`; writes nothing on any error."""
    checkout = Path(checkout).resolve() if checkout is not None else paths.root()
    if build_dir is None:
        build_dir = paths.build_dir() / "default" if checkout == paths.root() else checkout / "_build" / "default"
    editions = Path(editions) if editions is not None else paths.root() / "editions"
    target = editions / name
    if target.exists() and not force:
        raise EditionError(f"edition {name} already exists ({target}): pass --force to replace it")
    results_path, payload = read_build(Path(build_dir))
    meta = describe(name, payload, results_path, checkout)

    editions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=editions))
    try:
        shutil.copyfile(results_path, staging / "results.json")
        (staging / "edition.json").write_text(json.dumps(meta, indent=0) + "\n", encoding="utf-8")
        old = None
        if target.exists():
            old = editions / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
