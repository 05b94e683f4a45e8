"""`make bench`: how fast the pipeline is, against jupyter-book's own execution.

Prints one `name: value` line each. Targets (issue "book pipeline"): cold_vs_jupyter_book_force
≤ 0.6, noop_vs_cold ≤ 0.1, one_param_vs_cold ≤ 0.4. Each build runs in a fresh build folder (its own
execution cache), through the real CLI, so the figures include what a reader waits for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths
from .params_base import sample_change
from .registry import CHAPTERS


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=paths.root())
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        raise SystemExit(f"bench: command failed: {' '.join(cmd)}")
    return elapsed


def _changed_param() -> str:
    """A valid change of one inference_tax parameter."""
    change = sample_change(CHAPTERS["inference_tax"].params)
    if change is None:
        raise SystemExit("bench: no numeric inference_tax parameter to change")
    return f"inference_tax.{change[0]}={change[1]!r}"


def main() -> None:
    exe = str(Path(sys.executable).parent / "tokenfactory")
    with tempfile.TemporaryDirectory(prefix="tf-bench-") as tmp:
        env = dict(os.environ, TOKENFACTORY_BUILD=str(Path(tmp) / "build"))
        out = Path(tmp) / "build" / "bench"
        cold = _timed([exe, "build", "--out", str(out)], env)
        noop = _timed([exe, "build", "--out", str(out)], env)
        one = _timed([exe, "build", "--out", str(out), "--set", _changed_param()], env)
        force = _jupyter_book_force(Path(tmp) / "jb")
    analysis = _analysis_timings()
    rows = {
        "cold_build_s": cold,
        "jupyter_book_force_s": force,
        "cold_vs_jupyter_book_force": cold / force,
        "noop_rebuild_s": noop,
        "noop_vs_cold": noop / cold,
        "one_param_rebuild_s": one,
        "one_param_vs_cold": one / cold,
        **analysis,
    }
    for name, value in rows.items():
        print(f"{name}: {value:.3f}")


def _analysis_timings() -> dict[str, float]:
    """The package's heavy computations alone: the inference-tax chapter (calibration with its
    held-out refits, the frontier, a 100,000-draw Monte Carlo)."""
    from .data import load
    from .inference_tax import chapter as tax
    from .inference_tax.params import Params as TaxParams

    inputs = tax.load(load)
    t0 = time.perf_counter()
    tax.compute(TaxParams(mc_draws=100_000), inputs)
    return {"inference_tax_compute_s": time.perf_counter() - t0}


def _jupyter_book_force(work: Path) -> float:
    """The same book built by jupyter-book executing the source notebooks itself (defaults)."""
    from . import site

    src = work / "src"
    site.assemble(src, paths.notebooks_dir())
    config = (src / "_config.yml").read_text(encoding="utf-8")
    (src / "_config.yml").write_text(
        config.replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
        + "\n# bench: jupyter-book executes\n", encoding="utf-8")
    jb = str(Path(sys.executable).parent / "jupyter-book")
    t0 = time.perf_counter()
    subprocess.run([jb, "build", "--all", "--path-output", str(work / "out"), str(src)],
                   capture_output=True, text=True, cwd=paths.root())
    elapsed = time.perf_counter() - t0
    shutil.rmtree(work, ignore_errors=True)
    return elapsed


if __name__ == "__main__":
    main()
