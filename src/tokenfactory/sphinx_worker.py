"""A warm jupyter-book process: started when a build begins, it imports Sphinx, jupyter-book and
their extensions while the chapters execute, then waits for one build command on stdin.

Protocol (one JSON object per line): the worker prints `{"ready": true}` once warm, reads
`{"src": ..., "out": ..., "log": ...}` (or end of input: nothing to do), runs exactly what
`jupyter-book build -W -n --keep-going --path-output OUT SRC` runs, with its output in the log
file, and prints `{"returncode": N}`. One build per process: Sphinx extensions keep module-level
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
        "tokenfactory.sphinx_offline", "tokenfactory.sphinx_glue_deps")


def build_args(src: str, out: str) -> list[str]:
    return ["build", "-W", "-n", "--keep-going", "--path-output", out, src]


def run_build(src: str, out: str, log: str) -> int:
    from jupyter_book.cli.main import main as jb

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
    code = run_build(job["src"], job["out"], job["log"])
    print(json.dumps({"returncode": code}), flush=True)


if __name__ == "__main__":
    main()
