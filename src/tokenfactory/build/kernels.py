"""Warm kernels: started and pre-importing the heavy libraries while other chapters run.

A chapter notebook spends about a second and a half starting its kernel and importing pandas,
altair, scipy and the package before its first line of analysis. When a chapter waits for the
results of others (flywheel, claims), that time can be spent earlier, in parallel: the pool starts
kernels ahead and hands each to papermill (`km=`), which runs the notebook in it from the first
cell as usual. Nothing of the notebook runs early: only imports, whose results are the same
whenever they happen, so the executed notebook is identical.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

from jupyter_client.manager import KernelManager

#: Imports every chapter makes; loaded into a kernel before it is handed out.
PRELOAD = (
    "import numpy, pandas, altair, scipy.stats, IPython.display, myst_nb\n"
    "import tokenfactory.nb, tokenfactory.charts, tokenfactory.data\n"
)
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
#: One BLAS/OpenMP thread per kernel: chapters already run side by side, one kernel per core or
#: more, and OpenBLAS threads spin while they wait, so several threads per kernel on a few cores
#: only take CPU from each other (cell times grew 2-3x with three kernels on two cores).
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def kernel_env() -> dict[str, str]:
    return dict(os.environ, **SINGLE_THREAD)


def start_kernel(cwd: Path) -> KernelManager:
    """A started python3 kernel with the common imports done."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(cwd), extra_arguments=KERNEL_ARGS, env=kernel_env())
    client = km.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(PRELOAD, store_history=False, timeout=120, output_hook=lambda msg: None)
    finally:
        client.stop_channels()
    return km


class KernelPool:
    """Keeps up to `size` warm kernels ready; `take()` returns one (or None when none is left to give)."""

    def __init__(self, size: int, total: int, cwd: Path):
        self._ready: queue.Queue[KernelManager | None] = queue.Queue()
        self._lock = threading.Lock()
        self._remaining = total  # kernels still to be started in all
        self._pending = 0  # started, not yet ready
        self._cwd = cwd
        self._closed = False
        for _ in range(min(size, total)):
            self._spawn()

    def _spawn(self) -> None:
        with self._lock:
            if self._remaining <= 0 or self._closed:
                return
            self._remaining -= 1
            self._pending += 1
        threading.Thread(target=self._start_one, daemon=True).start()

    def _start_one(self) -> None:
        try:
            km: KernelManager | None = start_kernel(self._cwd)
        except Exception:  # a kernel that fails to warm up: the chapter starts its own instead
            km = None
        with self._lock:
            self._pending -= 1
        self._ready.put(km)

    def take(self, timeout: float = 120) -> KernelManager | None:
        with self._lock:
            if self._pending == 0 and self._remaining == 0 and self._ready.empty():
                return None
        try:
            km = self._ready.get(timeout=timeout)
        except queue.Empty:
            return None
        self._spawn()  # keep the pool topped up for the chapters still to come
        return km

    def close(self) -> None:
        """Shut down the kernels nobody took."""
        with self._lock:
            self._closed = True
        while True:
            try:
                km = self._ready.get_nowait()
            except queue.Empty:
                break
            if km is not None:
                km.shutdown_kernel(now=True)
