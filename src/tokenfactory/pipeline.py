"""Build a scenario: execute the chapters that need it (papermill, in parallel), then the site.

Guarantees:
- Nothing runs before every parameter is validated (see `config.resolve`).
- A chapter re-executes only when its notebook, its parameters, the data it reads, the results it
  reads or the package source changed; a build with nothing changed does no work at all.
- The build happens in a staging folder that replaces the target only when everything succeeded,
  so a failure or an interruption leaves the last good site as it was. A failed notebook is kept
  under `<target>/failed/` for inspection.
- One build per target at a time (a lock file); a second one is refused with a clear message.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
from filelock import FileLock, Timeout

from . import hashing, paths, results, site
from .config import Resolved, rerun_command
from .kernels import KERNEL_ARGS, KernelPool
from .registry import CHAPTERS, Chapter

STATE = "state.json"


class BuildBusy(Exception):
    """Another build of the same target is running."""


class ChapterFailed(Exception):
    """A chapter's notebook raised; the message names chapter, cell and exception."""


@dataclass
class ChapterRun:
    id: str
    key: str
    reused: bool
    seconds: float
    results: dict[str, Any]


@dataclass
class BuildReport:
    target: Path
    chapters: dict[str, ChapterRun] = field(default_factory=dict)
    site_built: bool = False
    noop: bool = False
    seconds: float = 0.0

    @property
    def index_html(self) -> Path:
        return self.target / "html" / "index.html"


def target_dir(resolved: Resolved, out: Path | None) -> Path:
    if out is not None:
        return Path(out).resolve()
    name = resolved.scenario + ("-custom" if resolved.custom else "")
    return paths.build_dir() / name


def _chapter_key(chapter: Chapter, params: dict[str, Any], upstream: dict[str, Any], package: str) -> str:
    data = {p.name: hashing.file_hash(p) for t in chapter.reads_data
            for p in (paths.data_dir() / f"{t}.csv", paths.data_dir() / f"{t}.yaml") if p.exists()}
    return hashing.value_hash({
        "notebook": hashing.file_hash(chapter.notebook),
        "params": params,
        "data": data,
        "upstream": upstream,
        "package": package,
    })


def _book_key(chapter_keys: dict[str, str]) -> str:
    root = paths.root()
    files = [root / n for n in site.CONFIG_FILES]
    files += [p for p in paths.book_dir().rglob("*") if p.is_file()]
    files += [p for p in (root / "_static").rglob("*") if p.is_file()]
    files += [p for p in paths.data_dir().glob("*") if p.is_file()]
    files += [p for p in paths.params_dir().glob("*.yaml")]
    return hashing.value_hash({"files": hashing.tree_hash(files, root), "chapters": chapter_keys,
                               "package": hashing.package_hash(), "generated": site.generated_inputs()})


def _read_state(target: Path) -> dict[str, Any]:
    try:
        return json.loads((target / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _execute(chapter: Chapter, params: dict[str, Any], upstream: dict[str, Any], run_context: dict[str, Any],
             out: Path, failed_dir: Path, pool: KernelPool | None = None) -> float:
    """Run one notebook with papermill into `out`; on error keep it in `failed_dir` and raise."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    tmp = out.with_suffix(".running.ipynb")
    started = time.perf_counter()
    parameters = dict(params, upstream=upstream, run_context=run_context)
    km = pool.take() if pool is not None else None
    try:
        papermill.execute_notebook(
            str(chapter.notebook), str(tmp), parameters=parameters, kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(paths.root()),
            km=km, extra_arguments=KERNEL_ARGS,
        )
    except PapermillExecutionError as exc:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / f"{chapter.id}.ipynb"
        if tmp.exists():
            shutil.move(str(tmp), kept)
        raise ChapterFailed(
            f"chapter {chapter.id} failed in cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}\n"
            f"  the failed notebook is kept at {kept}") from None
    except Exception as exc:  # kernel died, notebook unreadable, ...
        failed_dir.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            shutil.move(str(tmp), failed_dir / f"{chapter.id}.ipynb")
        raise ChapterFailed(f"chapter {chapter.id} failed: {type(exc).__name__}: {exc}") from None
    finally:
        if km is not None:
            km.shutdown_kernel(now=True)
    _hide_injected_cell(tmp)
    os.replace(tmp, out)
    return time.perf_counter() - started


def _cache_dir() -> Path:
    return paths.build_dir() / ".cache"


def _cache_lookup(cid: str, key: str, target: Path, previous: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """An earlier execution with the same inputs: this target's own, or any build's (content-addressed).

    A chapter's executed notebook is a pure function of its key (notebook, parameters, data,
    upstream results, package source), so a scenario or a custom build can reuse what another
    build already computed.
    """
    own = target / "notebooks" / f"{cid}.ipynb"
    if previous.get("key") == key and own.exists():
        return own, previous
    nb_file = _cache_dir() / f"{cid}-{key}.ipynb"
    meta_file = nb_file.with_suffix(".json")
    if nb_file.exists() and meta_file.exists():
        try:
            return nb_file, json.loads(meta_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return None
    return None


def _cache_store(cid: str, key: str, executed: Path, run: "ChapterRun") -> None:
    cache = _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{cid}-{key}.{os.getpid()}.tmp"
    shutil.copy2(executed, tmp)
    os.replace(tmp, cache / f"{cid}-{key}.ipynb")
    (cache / f"{cid}-{key}.json").write_text(
        json.dumps({"seconds": run.seconds, "results": run.results}), encoding="utf-8")


def _refresh_runbox(path: Path, cid: str, params: Any, ctx: dict[str, Any]) -> None:
    """Rewrite the box that says how the page was computed for this build (scenario, command).

    The numbers of a reused execution are the same by construction (same key), but the scenario
    name and the rerun command belong to the build that shows them."""
    from .nb import RUNBOX_KEY, run_box

    nb = nbformat.read(path, as_version=4)
    box = run_box(cid, params, ctx)
    changed = False
    for cell in nb.cells:
        for output in cell.get("outputs", []) or []:
            if (output.get("metadata") or {}).get(RUNBOX_KEY) and output.get("data", {}).get("text/html") != box:
                output["data"]["text/html"] = box
                changed = True
    if changed:
        nbformat.write(nb, path)


def _hide_injected_cell(path: Path) -> None:
    """The cell papermill injects holds the parameters: the page shows them in its box instead."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, path)


def _clean_stale_staging(parent: Path, name: str) -> None:
    for old in parent.glob(f".staging-{name}-*"):
        shutil.rmtree(old, ignore_errors=True)


def build(resolved: Resolved, out: Path | None = None, jobs: int | None = None,
          log: Callable[[str], None] = print) -> BuildReport:
    """Build the site of one scenario (see module docstring for the guarantees)."""
    started = time.perf_counter()
    target = target_dir(resolved, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target.parent / f".{target.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildBusy(f"another build of {target} is running (lock {lock.lock_file}); "
                        "wait for it to finish and try again") from None
    try:
        return _build_locked(resolved, target, jobs or (os.cpu_count() or 1) + 1, log, started)
    finally:
        lock.release()


def _build_locked(resolved: Resolved, target: Path, jobs: int, log: Callable[[str], None],
                  started: float) -> BuildReport:
    report = BuildReport(target=target)
    state = _read_state(target)
    old_chapters = state.get("chapters", {})
    package = hashing.package_hash()
    selected = list(CHAPTERS)
    command = rerun_command(resolved)

    expected, keys = _expected_executions(resolved, selected, target, old_chapters, package)
    if expected == 0 and state.get("book_key") == _book_key(keys) and (target / "html" / "index.html").exists():
        report.noop = True
        report.seconds = time.perf_counter() - started
        log("  = nothing changed: every chapter and the site are up to date")
        return report

    _clean_stale_staging(target.parent, target.name)
    staging = target.parent / f".staging-{target.name}-{os.getpid()}"
    executed_dir = staging / "notebooks"
    executed_dir.mkdir(parents=True)
    failed_dir = target / "failed"
    kernels = KernelPool(size=max(1, jobs), total=expected, cwd=paths.root()) if expected else None
    try:
        done: dict[str, ChapterRun] = {}
        pending = list(selected)
        running: dict[Any, tuple[str, str, float]] = {}
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            while pending or running:
                for cid in list(pending):
                    chapter = CHAPTERS[cid]
                    deps = [d for d in chapter.reads_chapters if d in selected]
                    if any(d not in done for d in deps):
                        continue
                    pending.remove(cid)
                    upstream = {d: done[d].results for d in deps}
                    params = resolved.params[cid].model_dump(mode="json")
                    key = _chapter_key(chapter, params, upstream, package)
                    cached = _cache_lookup(cid, key, target, old_chapters.get(cid, {}))
                    if cached is not None:
                        nb_file, meta = cached
                        shutil.copy2(nb_file, executed_dir / f"{cid}.ipynb")
                        done[cid] = ChapterRun(cid, key, True, meta.get("seconds", 0.0), meta.get("results", {}))
                        log(f"  = {cid}: unchanged, reused")
                        continue
                    ctx = {"scenario": resolved.scenario, "command": command,
                           "changed": resolved.changed.get(cid, [])}
                    log(f"  ▶ {cid}: executing")
                    fut = pool.submit(_execute, chapter, params, upstream, ctx, executed_dir / f"{cid}.ipynb",
                                      failed_dir, kernels)
                    running[fut] = (cid, key, time.perf_counter())
                if not running:
                    if pending:
                        raise ChapterFailed(f"cannot order chapters: {', '.join(pending)}")
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in finished:
                    cid, key, t0 = running.pop(fut)
                    seconds = fut.result()  # re-raises ChapterFailed
                    found = results.glued(executed_dir / f"{cid}.ipynb")
                    done[cid] = ChapterRun(cid, key, False, round(seconds, 2), results.numbers(found))
                    _cache_store(cid, key, executed_dir / f"{cid}.ipynb", done[cid])
                    log(f"  ✓ {cid}: {seconds:.1f} s")
        report.chapters = done
        for cid in done:
            ctx = {"scenario": resolved.scenario, "command": command, "changed": resolved.changed.get(cid, [])}
            _refresh_runbox(executed_dir / f"{cid}.ipynb", cid, resolved.params[cid], ctx)

        chapter_keys = {cid: run.key for cid, run in done.items()}
        book_key = _book_key(chapter_keys)
        if state.get("book_key") == book_key and (target / "html" / "index.html").exists():
            report.noop = True
            shutil.rmtree(staging, ignore_errors=True)
            report.seconds = time.perf_counter() - started
            log("  = site: nothing changed, nothing rebuilt")
            return report

        log("  ▶ site: building with jupyter-book")
        t0 = time.perf_counter()
        src = staging / "src"
        site.assemble(src, executed_dir)
        html_dir = site.build_html(src, staging / "sphinx")
        shutil.move(str(html_dir), staging / "html")
        shutil.move(str(staging / "sphinx" / "sphinx.log"), staging / "sphinx.log")
        shutil.rmtree(staging / "sphinx", ignore_errors=True)
        shutil.rmtree(src, ignore_errors=True)
        report.site_built = True
        log(f"  ✓ site: {time.perf_counter() - t0:.1f} s")

        payload = _results_payload(resolved, done, command)
        (staging / "results.json").write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        new_state = {"book_key": book_key,
                     "chapters": {cid: {"key": r.key, "seconds": r.seconds, "results": r.results} for cid, r in done.items()}}
        (staging / STATE).write_text(json.dumps(new_state, indent=1), encoding="utf-8")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if kernels is not None:
            kernels.close()
    report.seconds = time.perf_counter() - started
    return report


def _expected_executions(resolved: Resolved, selected: list[str], target: Path,
                         old_chapters: dict[str, Any], package: str) -> tuple[int, dict[str, str]]:
    """How many chapters this build will execute: those whose key misses every cache, and every
    chapter reading one of them (its upstream results are not known yet). Sizes the kernel pool,
    so that a build with nothing to do starts no kernel at all. Also returns the keys it could
    compute (all of them when nothing runs)."""
    known: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}
    runs = 0
    for wave in execution_waves_of(selected):
        for cid in wave:
            chapter = CHAPTERS[cid]
            deps = [d for d in chapter.reads_chapters if d in selected]
            if any(d not in known for d in deps):
                runs += 1
                continue
            params = resolved.params[cid].model_dump(mode="json")
            key = _chapter_key(chapter, params, {d: known[d] for d in deps}, package)
            hit = _cache_lookup(cid, key, target, old_chapters.get(cid, {}))
            if hit is None:
                runs += 1
            else:
                known[cid] = hit[1].get("results", {})
                keys[cid] = key
    return runs, keys


def execution_waves_of(selected: list[str]) -> list[list[str]]:
    from .registry import execution_waves

    return [[c for c in wave if c in selected] for wave in execution_waves()]


def _results_payload(resolved: Resolved, done: dict[str, ChapterRun], command: str) -> dict[str, Any]:
    data_hashes = {p.name: hashing.file_hash(p) for p in sorted(paths.data_dir().glob("*.csv"))}
    nb_hashes = {f"{cid}.ipynb": hashing.file_hash(CHAPTERS[cid].notebook) for cid in done}
    return {
        "scenario": resolved.scenario,
        "custom": resolved.custom,
        "command": command,
        "results": {cid: run.results for cid, run in done.items()},
        "parameters": {cid: p.model_dump(mode="json") for cid, p in resolved.params.items()},
        "changed_parameters": resolved.changed,
        "inputs": {"data": data_hashes, "notebooks": nb_hashes, "package": hashing.package_hash()},
        "seconds": {cid: run.seconds for cid, run in done.items()},
        "reused": {cid: run.reused for cid, run in done.items()},
    }


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`: two renames, the old tree removed only after the new is in place.
    The `failed/` notebooks of earlier runs are dropped, since this run succeeded."""
    old = target.parent / f".old-{target.name}-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
