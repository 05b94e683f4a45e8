"""Build a scenario: execute the chapters that need it (papermill, in parallel), then the site.

Guarantees:
- Nothing runs before every parameter is validated (see `config.resolve`).
- A chapter re-executes only when its notebook, its parameters, the data it reads, the results it
  reads, the code chapters run with (the package without this `build` subpackage and the CLI) or
  the installed distributions changed (its key: `cache.chapter_key`); a build with nothing changed
  does no work at all, and an edit to the build rebuilds the site only.
- The build happens in a staging folder that replaces the target only when everything succeeded,
  so a failure or an interruption leaves the last good site as it was. A failed notebook is kept
  under `<target>/failed/` for inspection.
- One build per target at a time (a lock file); a second one is refused with a clear message.
- The site is built by Sphinx incrementally, in a folder kept per target (see `sitework`): only the
  pages whose source changed, and the pages that glue numbers from them, are read and written again.
- The build's own state (cache entries, `state.json`, the Sphinx folder) is sealed with content
  hashes when written; a damaged entry is detected, reported in one line and recomputed, never
  published.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
from filelock import FileLock, Timeout

from .. import paths
from ..config import Resolved, rerun_command
from ..contract import ContractError, missing_outputs
from ..registry import CHAPTERS, Chapter, check_contracts
from . import buildstate, hashing, results, site
from .buildstate import STATE
from .cache import Cache, ChapterRun, chapter_key, find, upstream_for
from .kernels import KERNEL_ARGS, KernelPool


class BuildBusy(Exception):
    """Another build of the same target is running."""


class ChapterFailed(Exception):
    """A chapter's notebook raised; the message names chapter, cell and exception."""


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


def _book_key(chapter_keys: dict[str, str]) -> str:
    root = paths.root()
    files = [root / n for n in site.CONFIG_FILES]
    files += [p for p in paths.book_dir().rglob("*") if p.is_file()]
    files += [p for p in (root / "_static").rglob("*") if p.is_file()]
    files += [p for p in paths.data_dir().glob("*") if p.is_file()]
    files += [p for p in paths.params_dir().glob("*.yaml")]
    return hashing.value_hash({"files": hashing.tree_hash(files, root), "chapters": chapter_keys,
                               "package": hashing.package_hash(), "generated": site.generated_inputs()})


def _read_state(target: Path, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
    return buildstate.read_state(target, warn)


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


def _refresh_runbox(path: Path, cid: str, params: Any, ctx: dict[str, Any]) -> None:
    """Rewrite the box that says how the page was computed for this build (scenario, command).

    The numbers of a reused execution are the same by construction (same key), but the scenario
    name and the rerun command belong to the build that shows them."""
    from ..nb import RUNBOX_KEY, run_box

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
          log: Callable[[str], None] = print, request_key: Callable[[], str] | None = None) -> BuildReport:
    """Build the site of one scenario (see module docstring for the guarantees).

    `request_key` (returns `buildstate.request_key` of the command) is called when the site's
    inputs are final, and recorded in the state, so that the same request with the same inputs is
    recognised as a no-op before anything is resolved."""
    target = target_dir(resolved, out)
    reports = _build_targets([(resolved, target, request_key)], jobs, log)
    return reports[resolved.scenario]


def build_many(resolved: list[Resolved], jobs: int | None = None, log: Callable[[str], None] = print,
               request_keys: dict[str, Callable[[], str]] | None = None) -> dict[str, BuildReport]:
    """Build several scenarios, each into its own folder, in one go: every chapter execution is
    shared (a key executed once serves every scenario that needs it), executions of all scenarios
    run side by side, and each site is built as soon as its chapters are done, in a Sphinx folder
    handed from one scenario to the next (so only the pages that differ are read again)."""
    order = sorted(resolved, key=lambda r: (r.scenario != "default", r.scenario))
    items = [(r, target_dir(r, None), (request_keys or {}).get(r.scenario)) for r in order]
    return _build_targets(items, jobs, log)


def _build_targets(items: list[tuple[Resolved, Path, Callable[[], str] | None]], jobs: int | None,
                   log: Callable[[str], None]) -> dict[str, BuildReport]:
    jobs = jobs or (os.cpu_count() or 1) + 1  # measured: 3 at once beats 2 on 2 cores (kernel I/O waits)
    locks = []
    try:
        for _, target, _ in items:
            target.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(target.parent / f".{target.name}.lock"))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise BuildBusy(f"another build of {target} is running (lock {lock.lock_file}); "
                                "wait for it to finish and try again") from None
            locks.append(lock)
        return _build_locked_many(items, jobs, log)
    finally:
        for lock in locks:
            lock.release()


@dataclass
class _Job:
    """One scenario of a build: its target, state and progress."""

    resolved: Resolved
    target: Path
    request_key: Callable[[], str] | None
    started: float
    state: dict[str, Any]
    cache: Cache
    expected: int
    known_keys: dict[str, str]
    report: BuildReport
    staging: Path | None = None
    done: dict[str, ChapterRun] = field(default_factory=dict)


class _Executor:
    """Chapter executions shared by the scenarios of a build: one thread pool, one pool of warm
    kernels, and one execution per key however many scenarios need it."""

    def __init__(self, jobs: int, kernels: KernelPool | None):
        self.pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        self.kernels = kernels
        self.inflight: dict[str, Any] = {}
        self.lock = threading.Lock()

    def submit(self, chapter: Chapter, key: str, params: dict[str, Any], upstream: dict[str, Any],
               ctx: dict[str, Any], out: Path, failed_dir: Path) -> tuple[Any, bool]:
        """The future of this key's execution, and whether this call started it."""
        name = f"{chapter.id}-{key}"
        with self.lock:
            fut = self.inflight.get(name)
            if fut is not None:
                return fut, False
            fut = self.pool.submit(self._run, chapter, key, params, upstream, ctx, out, failed_dir)
            self.inflight[name] = fut
            return fut, True

    def _run(self, chapter: Chapter, key: str, params: dict[str, Any], upstream: dict[str, Any],
             ctx: dict[str, Any], out: Path, failed_dir: Path) -> ChapterRun:
        seconds = _execute(chapter, params, upstream, ctx, out, failed_dir, self.kernels)
        glue = results.glued(out)
        absent = missing_outputs(chapter.contract, glue)
        if absent:
            failed_dir.mkdir(parents=True, exist_ok=True)
            shutil.move(str(out), failed_dir / f"{chapter.id}.ipynb")
            raise ChapterFailed(f"chapter {chapter.id} ran but did not glue what its contract publishes: "
                                f"{', '.join(absent)} (see {chapter.id}/contract.py)")
        run = ChapterRun(chapter.id, key, False, round(seconds, 2), results.numbers(glue))
        Cache.store(chapter.id, key, out, run)
        return run

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.kernels is not None:
            self.kernels.close()


def _state_payload(book_key: str, done: dict[str, ChapterRun], notebooks: Path,
                   request_key: str | None) -> dict[str, Any]:
    return {"book_key": book_key, "request_key": request_key,
            "chapters": {cid: {"key": r.key, "seconds": r.seconds, "results": r.results,
                               "notebook": hashing.file_hash(notebooks / f"{cid}.ipynb")}
                         for cid, r in done.items()}}


def _prefix(job: _Job, many: bool) -> str:
    return f"[{job.resolved.scenario}] " if many else ""


def _build_locked_many(items: list[tuple[Resolved, Path, Callable[[], str] | None]], jobs: int,
                       log: Callable[[str], None]) -> dict[str, BuildReport]:
    try:
        check_contracts()  # an undeclared or unpublished read is refused before anything runs
    except ContractError as exc:
        raise ChapterFailed(str(exc)) from None
    package = hashing.chapter_code_hash()  # the build's own code is not in a chapter's key
    selected = list(CHAPTERS)
    many = len(items) > 1
    reports: dict[str, BuildReport] = {}
    todo: list[_Job] = []
    missing_keys: set[str] = set()
    unknown = 0
    for resolved, target, request_key in items:
        started = time.perf_counter()
        prefix = f"[{resolved.scenario}] " if many else ""
        warn = (lambda m, p=prefix: log(p + m)) if many else log
        state = _read_state(target, warn)
        cache = Cache(target, state.get("chapters", {}), warn)
        job = _Job(resolved, target, request_key, started, state, cache, 0, {}, BuildReport(target=target))
        reports[resolved.scenario] = job.report
        job.expected, job.known_keys, missing, n_unknown = _expected_executions(resolved, selected, cache, package)
        if (job.expected == 0 and state.get("book_key") == _book_key(job.known_keys)
                and (target / "html" / "index.html").exists()):
            request = request_key() if request_key else None
            if request and state.get("request_key") != request:
                hashing.write_sealed(target / STATE, dict(state, request_key=request))
            job.report.noop = True
            job.report.seconds = time.perf_counter() - started
            log(f"  {prefix}= nothing changed: every chapter and the site are up to date")
            continue
        missing_keys |= missing
        unknown += n_unknown
        todo.append(job)
    if not todo:
        return reports

    from .sitework import WarmSphinx, site_folder

    expected = len(missing_keys) + unknown
    kernels = KernelPool(size=max(1, min(jobs, expected)), total=expected, cwd=paths.root()) if expected else None
    executor = _Executor(jobs, kernels)
    sphinx = WarmSphinx()  # imports jupyter-book while the chapters execute
    try:
        for job in todo:
            _clean_stale_staging(job.target.parent, job.target.name)
            job.staging = job.target.parent / f".staging-{job.target.name}-{os.getpid()}"
            (job.staging / "notebooks").mkdir(parents=True)
        # every scenario's chapters first (side by side, sharing executions), then the sites: a
        # site's generated pages (Scenarios) show every scenario found in the execution cache
        runners = ThreadPoolExecutor(max_workers=len(todo))
        futures = [runners.submit(_run_chapters, job, selected, package, executor, _prefix(job, many), log)
                   for job in todo]
        try:
            for fut in futures:
                fut.result()  # re-raises ChapterFailed
        finally:
            runners.shutdown(wait=True, cancel_futures=True)
        if kernels is not None:
            kernels.close()
        for job in todo:
            # the next scenario's Sphinx process warms up while this one builds
            following = WarmSphinx() if job is not todo[-1] else None
            try:
                used = _publish(job, package, sphinx, site_folder, _prefix(job, many), log)
            except BaseException:
                if following is not None:
                    following.close()
                raise
            if following is not None:
                if used:
                    sphinx = following
                else:
                    following.close()
    except BaseException:
        for job in todo:
            if job.staging is not None:
                shutil.rmtree(job.staging, ignore_errors=True)
        raise
    finally:
        executor.close()
        sphinx.close()
    return reports


def _chain_depth(cid: str) -> int:
    """How many chapters, this one included, the longest chain of readers starting here holds."""
    readers = [c for c, ch in CHAPTERS.items() if cid in ch.reads_chapters]
    return 1 + max((_chain_depth(r) for r in readers), default=0)


def _run_chapters(job: _Job, selected: list[str], package: str, executor: _Executor, prefix: str,
                  log: Callable[[str], None]) -> None:
    """Execute (or reuse) every chapter of one scenario into its staging folder, in dependency order."""
    resolved = job.resolved
    executed_dir = job.staging / "notebooks"
    failed_dir = job.target / "failed"
    command = rerun_command(resolved)
    done = job.done
    # the chapters at the head of the longest chains of readers are submitted first
    pending = sorted(selected, key=lambda c: -_chain_depth(c))
    running: dict[Any, tuple[str, str, bool]] = {}
    while pending or running:
        for cid in list(pending):
            chapter = CHAPTERS[cid]
            deps = [d for d in chapter.reads_chapters if d in selected]
            if any(d not in done for d in deps):
                continue
            pending.remove(cid)
            upstream = upstream_for(chapter, {d: done[d].results for d in deps})
            params = resolved.params[cid].model_dump(mode="json")
            key = chapter_key(chapter, params, upstream, package)
            cached = job.cache.lookup(cid, key)
            if cached is not None:
                nb_file, meta = cached
                shutil.copy2(nb_file, executed_dir / f"{cid}.ipynb")
                done[cid] = ChapterRun(cid, key, True, meta.get("seconds", 0.0), meta.get("results", {}))
                log(f"  {prefix}= {cid}: unchanged, reused")
                continue
            ctx = {"scenario": resolved.scenario, "command": command, "changed": resolved.changed.get(cid, [])}
            fut, owner = executor.submit(chapter, key, params, upstream, ctx, executed_dir / f"{cid}.ipynb",
                                         failed_dir)
            log(f"  {prefix}▶ {cid}: executing" if owner else f"  {prefix}= {cid}: shared with another scenario")
            running[fut] = (cid, key, owner)
        if not running:
            if pending:
                raise ChapterFailed(f"cannot order chapters: {', '.join(pending)}")
            break
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for fut in finished:
            cid, key, owner = running.pop(fut)
            run = fut.result()  # re-raises ChapterFailed
            if owner:
                done[cid] = run
                log(f"  {prefix}✓ {cid}: {run.seconds:.1f} s")
            else:
                hit = job.cache.lookup(cid, key)
                if hit is None:
                    raise ChapterFailed(f"chapter {cid}: the shared execution is missing from the cache")
                shutil.copy2(hit[0], executed_dir / f"{cid}.ipynb")
                done[cid] = ChapterRun(cid, key, True, run.seconds, run.results)


def _publish(job: _Job, package: str, sphinx: Any, site_folder: Any, prefix: str,
             log: Callable[[str], None]) -> bool:
    """Build the site of one scenario from its executed notebooks and swap it in. Returns whether
    Sphinx ran (its warm process is then used up)."""
    resolved, target, staging, done = job.resolved, job.target, job.staging, job.done
    report = job.report
    executed_dir = staging / "notebooks"
    command = rerun_command(resolved)
    report.chapters = done
    for cid in done:
        ctx = {"scenario": resolved.scenario, "command": command, "changed": resolved.changed.get(cid, [])}
        _refresh_runbox(executed_dir / f"{cid}.ipynb", cid, resolved.params[cid], ctx)

    book_key = _book_key({cid: run.key for cid, run in done.items()})
    if job.state.get("book_key") == book_key and (target / "html" / "index.html").exists():
        report.noop = True
        shutil.rmtree(staging, ignore_errors=True)
        report.seconds = time.perf_counter() - job.started
        log(f"  {prefix}= site: nothing changed, nothing rebuilt")
        return False

    log(f"  {prefix}▶ site: building with jupyter-book")
    t0 = time.perf_counter()
    request = job.request_key() if job.request_key else None  # the inputs the pages are made of
    src = staging / "src"
    warn = (lambda m: log(prefix + m)) if prefix else log
    site.assemble(src, executed_dir, warn=warn)
    with site_folder(target, warn) as folder:
        html_dir = folder.build(src, staging / "sphinx.log", sphinx)
        shutil.copytree(html_dir, staging / "html")
    shutil.rmtree(src, ignore_errors=True)
    report.site_built = True
    log(f"  {prefix}✓ site: {time.perf_counter() - t0:.1f} s")

    payload = _results_payload(resolved, done, command)
    (staging / "results.json").write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    hashing.write_sealed(staging / STATE, _state_payload(book_key, done, executed_dir, request))
    _swap(staging, target)
    report.seconds = time.perf_counter() - job.started
    return True


def _expected_executions(resolved: Resolved, selected: list[str], cache: Cache,
                         package: str) -> tuple[int, dict[str, str], set[str], int]:
    """How many chapters this build will execute: those whose key misses every cache, and every
    chapter reading one of them (its upstream results are not known yet). Sizes the kernel pool,
    so that a build with nothing to do starts no kernel at all. Also returns the keys it could
    compute (all of them when nothing runs), the missing keys it could compute (to count an
    execution shared by several scenarios once) and the number of chapters it could not key."""
    found = find(lambda cid: resolved.params[cid].model_dump(mode="json"), selected, cache.lookup, package)
    return len(found.missing) + found.unknown, found.keys, found.missing, found.unknown


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
    """Publish `staging` as `target` in one atomic step.

    `target` is a symbolic link to a folder under `<parent>/.sites/`; publishing moves the new tree
    there and replaces the link with `os.replace`, which is atomic: a reader (or a crash) sees the
    old site or the new one, never a missing folder. The old tree is removed afterwards. A `target`
    that is still a plain folder (built before links were used) is moved aside first, once."""
    sites = target.parent / ".sites"
    sites.mkdir(parents=True, exist_ok=True)
    fresh = sites / f"{target.name}-{time.time_ns()}-{os.getpid()}"
    os.replace(staging, fresh)
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(fresh, target.parent), link)
    old: Path | None = None
    if target.is_symlink():
        old = (target.parent / os.readlink(target)).resolve()
    elif target.exists():
        old = sites / f"{target.name}-plain-{os.getpid()}"
        os.replace(target, old)
    os.replace(link, target)
    if old is not None and old != fresh.resolve():
        shutil.rmtree(old, ignore_errors=True)
    _clean_unlinked_sites(sites, target)


def _clean_unlinked_sites(sites: Path, target: Path) -> None:
    """This target's trees under .sites/ that its link does not point to (left by a crash between
    the two steps). Only this target's: the build lock is per target, other targets may be
    publishing at the same moment."""
    mine = re.compile(rf"^{re.escape(target.name)}-(\d+-\d+|plain-\d+)$")
    live = (target.parent / os.readlink(target)).resolve() if target.is_symlink() else None
    for tree in sites.iterdir():
        if mine.match(tree.name) and tree.resolve() != live:
            shutil.rmtree(tree, ignore_errors=True)
