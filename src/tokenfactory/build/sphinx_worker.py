"""A warm jupyter-book process: started when a build begins, it imports Sphinx, jupyter-book and
their extensions while the chapters execute, then waits for one build command on stdin.

Protocol (one JSON object per line): the worker prints `{"ready": true}` once warm, reads
`{"src": ..., "out": ..., "log": ..., "jobs": N}` (or end of input: nothing to do), runs exactly
what `jupyter-book build -W -n --keep-going --path-output OUT SRC` runs (with Sphinx reading and
writing pages in N processes), with its output in the log file, and prints `{"returncode": N}`. One build per process: Sphinx extensions keep module-level
caches (myst-nb caches glue files by path), which a second build in the same process could see.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys

WARM = ("sphinx.application", "sphinx.builders.html", "jupyter_book.cli.main", "jupyter_book.sphinx",
        "jupyter_book.config", "myst_nb", "myst_nb.sphinx_ext", "myst_parser", "sphinx_book_theme",
        "pydata_sphinx_theme", "sphinx_design", "sphinx_togglebutton", "sphinx_copybutton",
        "sphinx_thebe", "sphinx_comments", "sphinx_external_toc", "sphinxcontrib.bibtex",
        "sphinx_jupyterbook_latex", "sphinx_multitoc_numbering", "sphinx.ext.intersphinx",
        "tokenfactory.build.sphinx_offline", "tokenfactory.build.sphinx_glue_deps", "tokenfactory.build.sphinx_assets")


#: Extensions jupyter-book loads that do not declare whether Sphinx may read or write pages in
#: parallel (Sphinx then reads serially and warns, which `-W` makes an error). Both only add
#: transforms and LaTeX nodes and keep no state per page in the environment: safe.
UNDECLARED_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _parallel(jobs: int) -> None:
    """Let Sphinx read and write pages in `jobs` processes (jupyter-book's CLI has no -j)."""
    import jupyter_book.sphinx as jb_sphinx
    from sphinx.application import Sphinx

    original_build = jb_sphinx.build_sphinx
    if getattr(original_build, "_tokenfactory_jobs", None) == jobs:
        return

    def build_sphinx(*args, **kwargs):
        kwargs["jobs"] = jobs
        return original_build(*args, **kwargs)

    build_sphinx._tokenfactory_jobs = jobs  # type: ignore[attr-defined]
    jb_sphinx.build_sphinx = build_sphinx
    original_allowed = Sphinx.is_parallel_allowed

    def is_parallel_allowed(self, typ: str) -> bool:
        for name in UNDECLARED_SAFE:
            ext = self.extensions.get(name)
            if ext is not None:
                ext.parallel_read_safe = True if ext.parallel_read_safe is None else ext.parallel_read_safe
                ext.parallel_write_safe = True if ext.parallel_write_safe is None else ext.parallel_write_safe
        return original_allowed(self, typ)

    Sphinx.is_parallel_allowed = is_parallel_allowed


def build_args(src: str, out: str) -> list[str]:
    return ["build", "-W", "-n", "--keep-going", "--path-output", out, src]


def run_build(src: str, out: str, log: str, jobs: int = 1) -> int:
    from jupyter_book.cli.main import main as jb

    if jobs > 1:
        _parallel(jobs)

    with open(log, "w", encoding="utf-8") as stream, contextlib.redirect_stdout(stream), \
            contextlib.redirect_stderr(stream):
        try:
            jb.main(args=build_args(src, out), standalone_mode=False)
        except SystemExit as exc:
            return int(exc.code or 0) if not isinstance(exc.code, str) else 1
        except BaseException as exc:  # reported in the log; the pipeline refuses to publish
            print(f"ERROR: jupyter-book raised {type(exc).__name__}: {exc}")
            return 1
    return 0


def main() -> None:
    for name in WARM:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    print(json.dumps({"ready": True}), flush=True)
    line = sys.stdin.readline()
    if not line.strip():
        return
    job = json.loads(line)
    code = run_build(job["src"], job["out"], job["log"], int(job.get("jobs", 1)))
    print(json.dumps({"returncode": code}), flush=True)


if __name__ == "__main__":
    main()
