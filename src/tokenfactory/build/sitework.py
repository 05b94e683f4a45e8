"""The site step of a build: Sphinx run incrementally in a folder kept between builds.

Sphinx folders live in the build folder (`.sphinx/<n>/`), one per build running at once: the
book's source tree (`src/`) and jupyter-book's output (`out/_build/`: html, doctrees, the pickled
Sphinx environment, myst-nb's glue files). A build takes (under a lock) the folder that last built
its own target, or else the free folder used most recently: any folder is correct for any build,
since only content decides what is re-read, and the closest one has the least to re-read (a
scenario or a one-parameter variant differs from the default in a few pages). A build lays the new source tree out in staging and copies
into `src/` only the files whose bytes changed, so Sphinx (by modification time) re-reads only
those pages; the `tokenfactory.build.sphinx_glue_deps` extension adds every page that glues numbers from
them. The new html is then copied into the staging folder that replaces the published site.

The folder is build state like the execution cache: after a successful run its files' content
hashes are sealed in `manifest.json`; a run marks the folder `building` until it succeeds. A folder
left half-built (interrupted or failed run), whose manifest is damaged, or whose files no longer
match it, is discarded with a one-line warning and rebuilt from scratch, so nothing damaged or
stale is published. Sphinx runs in a warm process (`sphinx_worker`) started when the build begins.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

from .. import paths
from . import hashing


class SiteBuildError(Exception):
    """Sphinx (jupyter-book) failed or warned: the message names the warnings and the log."""


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def sync_tree(new: Path, dest: Path) -> list[str]:
    """Make `dest` hold exactly the files of `new`; rewrite only files whose bytes differ (their
    modification time becomes now, so Sphinx sees them changed); return the changed paths."""
    dest.mkdir(parents=True, exist_ok=True)
    src_files, dst_files = _files(new), _files(dest)
    changed = []
    for rel, path in src_files.items():
        target = dest / rel
        data = path.read_bytes()
        old = dst_files.get(rel)
        if old is not None and old.stat().st_size == len(data) and old.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        changed.append(rel)
    for rel, path in dst_files.items():
        if rel not in src_files:
            path.unlink()
            changed.append(rel)
    return changed


class WarmSphinx:
    """A `sphinx_worker` process, importing jupyter-book while the chapters execute."""

    def __init__(self) -> None:
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "tokenfactory.build.sphinx_worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            self.proc = None
        self._ready = False

    def wait_ready(self) -> bool:
        """Block until the process has done its imports (False if it died)."""
        if self.proc is not None and not self._ready:
            try:
                self._ready = bool(self.proc.stdout.readline().strip())
            except (OSError, ValueError):
                self._ready = False
        return self._ready

    def build(self, src: Path, out: Path, log: Path) -> int:
        ready = self.wait_ready()
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                if ready:
                    proc.stdin.write(json.dumps({"src": str(src), "out": str(out), "log": str(log),
                                                 "jobs": os.cpu_count() or 1}) + "\n")
                    proc.stdin.flush()
                    for line in proc.stdout:
                        reply = json.loads(line)
                        if "returncode" in reply:
                            proc.wait()
                            return int(reply["returncode"])
            except (OSError, ValueError):
                pass
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        # the warm process is gone: run jupyter-book the ordinary way
        from .sphinx_worker import build_args

        exe = Path(sys.executable).parent / "jupyter-book"
        done = subprocess.run([str(exe), *build_args(str(src), str(out))], capture_output=True, text=True)
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
        return done.returncode

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
            proc.wait(timeout=10)
        except Exception:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def site_folder(target: Path, warn: Callable[[str], None]) -> Iterator["SiteFolder"]:
    """A free Sphinx folder of the pool, locked for this build; the best one for `target`."""
    from filelock import FileLock, Timeout

    pool = paths.build_dir() / ".sphinx"
    pool.mkdir(parents=True, exist_ok=True)
    existing = sorted((p for p in pool.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))

    def last_use(p: Path) -> tuple[int, float]:
        try:
            mine = (p / "target").read_text(encoding="utf-8") == str(target)
            return (1 if mine else 0, (p / "target").stat().st_mtime)
        except OSError:
            return (0, 0.0)

    candidates = sorted(existing, key=last_use, reverse=True)
    n = max((int(p.name) for p in existing), default=-1) + 1
    candidates.append(pool / str(n))
    for folder in candidates:
        lock = FileLock(str(pool / f"{folder.name}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue
        try:
            yield SiteFolder(folder, target, warn)
        finally:
            lock.release()
        return
    raise SiteBuildError("no free Sphinx folder")  # unreachable: a new folder is always free


class SiteFolder:
    """One Sphinx folder of the pool, held by one build."""

    def __init__(self, root: Path, target: Path, warn: Callable[[str], None]):
        self.root = root
        self.target = target
        self.src = self.root / "src"
        self.out = self.root / "out"
        self.html = self.out / "_build" / "html"
        self.manifest = self.root / "manifest.json"
        self.marker = self.root / "building"
        self.warn = warn

    def _hashes(self) -> dict[str, str]:
        return {rel: hashing.file_hash(p) for rel, p in sorted(_files(self.root).items())
                if rel not in ("manifest.json", "building", "target")}

    def check(self) -> None:
        """Discard the folder unless it is exactly what the last successful run left."""
        if not self.root.exists():
            return
        reason = None
        if self.marker.exists():
            reason = "a previous run did not finish"
        else:
            try:
                recorded = hashing.read_sealed(self.manifest)
            except FileNotFoundError:
                reason = "its manifest is missing"
            except hashing.Damaged as exc:
                reason = str(exc)
            else:
                if recorded != self._hashes():
                    reason = "its files do not match the hashes recorded when it was written"
        if reason:
            self.warn(f"warning: Sphinx folder .sphinx/{self.root.name} is damaged ({reason}); rebuilding it")
            self.wipe()

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def build(self, assembled: Path, log: Path, sphinx: WarmSphinx) -> Path:
        """Bring `src/` up to `assembled`, run Sphinx, return the html folder (inside this folder)."""
        self.check()
        self.root.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("", encoding="utf-8")
        sync_tree(assembled, self.src)
        code = sphinx.build(self.src, self.out, log)
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        warnings = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
        if code != 0 or warnings:
            self.wipe()  # never keep an environment that read pages with warnings
            shown = "\n".join(warnings[:20]) or text[-3000:]
            raise SiteBuildError(f"jupyter-book failed ({len(warnings)} warning(s)); see {log}\n{shown}")
        hashing.write_sealed(self.manifest, self._hashes())
        self.marker.unlink()
        (self.root / "target").write_text(str(self.target), encoding="utf-8")
        return self.html
