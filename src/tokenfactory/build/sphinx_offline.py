"""A Sphinx extension that keeps the site free of scripts pointing off the machine.

jupyter-book 1 always loads sphinx-thebe, which adds (twice, when the environment event fires twice)
an inline script naming a CDN for live kernels. The book has no live kernels, the site must work
with no network, and the duplicate declaration is a JavaScript error on every page; so we detach
thebe's script-adding listener before any page is read.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _drop_thebe_scripts(app: Sphinx) -> None:
    listeners = app.events.listeners.get("env-before-read-docs", [])
    app.events.listeners["env-before-read-docs"] = [
        listener for listener in listeners if getattr(listener.handler, "__name__", "") != "init_thebe_core"
    ]


def setup(app: Sphinx) -> dict:
    _drop_thebe_scripts(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
