"""Read the numbers a chapter glued out of its executed notebook.

myst-nb stores each `glue()` as a display output whose metadata names the key; its text/plain is
the value's repr. `nb.glue` only glues plain Python values, so the repr parses back as a literal.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

_PREFIX = "application/papermill.record/"


def glued(notebook: Path | dict) -> dict[str, Any]:
    """Every glued key of an executed notebook with its value (text values included)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8")) if not isinstance(notebook, dict) else notebook
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            meta = (output.get("metadata") or {}).get("scrapbook") or {}
            name = meta.get("name")
            if not name:
                continue
            data = output.get("data") or {}
            text = data.get(_PREFIX + "text/plain")
            if text is None:
                continue
            text = "".join(text) if isinstance(text, list) else text
            try:
                out[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                out[name] = text
    return out


def numbers(glue: dict[str, Any]) -> dict[str, Any]:
    """The results proper: glued values, without their `_txt` display strings."""
    return {k: v for k, v in glue.items() if not k.endswith("_txt")}
