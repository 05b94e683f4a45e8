"""Where things live. One place, so that tests can point the whole package at a copy of the repo.

`TOKENFACTORY_ROOT` overrides the repository root (tests build in a temporary copy);
`TOKENFACTORY_BUILD` overrides the build folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    env = os.environ.get("TOKENFACTORY_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return root() / "data"


def params_dir() -> Path:
    return root() / "params"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def book_dir() -> Path:
    return root() / "book"


def build_dir() -> Path:
    env = os.environ.get("TOKENFACTORY_BUILD")
    return Path(env).resolve() if env else root() / "_build"


def package_dir() -> Path:
    return Path(__file__).resolve().parent
