"""A Sphinx extension that keeps numbers glued across pages fresh in incremental builds.

A page can show a value glued in another page (`` {glue:text}`../notebooks/claims.ipynb::key` ``).
myst-nb resolves such a reference when the page is written, from the other page's glue file; but
Sphinx writes again only the pages it re-read, and it re-reads a page only when its own source
changed. So after a chapter is re-executed, a page gluing from it would keep the old numbers.

This extension records, for each page it reads, the pages it glues from (the pending cross-page
glue references in its doctree), stores that in Sphinx's environment (kept between builds), and
on `env-get-outdated` adds to the re-read set every page that glues from a page being re-read,
added or removed, repeatedly until nothing more is added. The whole set then goes through
Sphinx's own reading and writing, so nothing is emulated.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

ATTR = "tokenfactory_glue_from"


def _table(env: BuildEnvironment) -> dict[str, set[str]]:
    table = getattr(env, ATTR, None)
    if table is None:
        table = {}
        setattr(env, ATTR, table)
    return table


def _record(app: Sphinx, doctree: Any) -> None:
    refs = {node.get("refdoc") for node in doctree.findall()
            if type(node).__name__ == "PendingGlueReference"}
    _table(app.env)[app.env.docname] = {r for r in refs if r}


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _table(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine, theirs = _table(env), _table(other)
    for doc in docnames:
        if doc in theirs:
            mine[doc] = theirs[doc]


def readers_of(table: dict[str, set[str]], changed: set[str]) -> set[str]:
    """Every page that glues, directly or through other pages, from a page in `changed`."""
    out: set[str] = set()
    frontier = set(changed)
    while frontier:
        new = {doc for doc, refs in table.items() if refs & frontier and doc not in out and doc not in changed}
        out |= new
        frontier = new
    return out


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    extra = readers_of(_table(env), set(added) | set(changed) | set(removed))
    return sorted(extra & env.found_docs)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _record)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
