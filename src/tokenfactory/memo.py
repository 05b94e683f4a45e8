"""Fits that are pure functions of their inputs, computed once: in memory, and on disk across runs.

Why: the inference-tax chapter refits its serving model (dozens of least-squares fits, leave one
source out) every time it runs, although the fit depends only on the measured points and the model's
code, not on the reader's parameters (speed, utilization, prices). A one-parameter rebuild, every
scenario and every test fixture paid for it again. `disk_memo` keys a result on the pickled
arguments and the source of the package that computes it, so a changed data row or a changed line of
the model is a new key; a damaged or unreadable entry is recomputed (and replaced), never trusted.

Core module: imports only `paths` and the standard library.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

from . import paths

F = TypeVar("F", bound=Callable[..., Any])

#: Set TOKENFACTORY_NO_MEMO=1 to bypass the disk cache (the in-memory one stays: it lives one process).
ENV_OFF = "TOKENFACTORY_NO_MEMO"


@functools.lru_cache(maxsize=None)
def _code_hash(package_dir: str) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(package_dir).glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


#: Where the fits are kept, if not under the build folder: a data-only cache (a pure function of its
#: inputs and of the code, like pip's), so several build folders may share one (the test suite does).
ENV_DIR = "TOKENFACTORY_FIT_CACHE"


def cache_dir() -> Path:
    given = os.environ.get(ENV_DIR)
    return Path(given).resolve() if given else paths.build_dir() / ".cache" / "fits"


def disk_memo(namespace: str, code_of: str | Path) -> Callable[[F], F]:
    """Decorate a pure function whose arguments pickle deterministically. `code_of`: a file of the
    package whose `*.py` files (that folder's) the result depends on."""
    code_dir = str(Path(code_of).resolve().parent)

    def deco(fn: F) -> F:
        memory: dict[str, Any] = {}

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                blob = pickle.dumps((args, sorted(kwargs.items())), protocol=4)
            except (pickle.PicklingError, TypeError, AttributeError):
                return fn(*args, **kwargs)
            key = hashlib.sha256(blob + _code_hash(code_dir).encode()).hexdigest()[:40]
            if key in memory:
                return memory[key]
            path = cache_dir() / f"{namespace}-{key}.pkl"
            use_disk = os.environ.get(ENV_OFF) != "1"
            if use_disk and path.exists():
                try:
                    with path.open("rb") as fh:
                        value = pickle.load(fh)
                    memory[key] = value
                    return value
                except Exception:  # damaged or from another version: recompute and replace
                    path.unlink(missing_ok=True)
            value = fn(*args, **kwargs)
            memory[key] = value
            if use_disk:
                _write(path, value)
            return value

        wrapper.cache_clear = memory.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco


def _write(path: Path, value: Any) -> None:
    """Atomically (temp file + rename); a cache that cannot be written is only a lost speed-up."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=4)
        os.replace(tmp, path)
    except OSError:
        pass
