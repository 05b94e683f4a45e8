"""What a chapter notebook calls: validate its parameters, show how it ran, glue numbers, show charts.

Notebooks stay thin: load, call, chart, glue. Everything here is about presentation; the analysis
lives in each chapter's package.
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping

from IPython.display import HTML, Markdown, display

from . import charts
from .formatting import fmt, round_sig  # noqa: F401  (re-exported: notebooks call nb.fmt)
from .params_base import ChapterParams
from .contract import contract_of

#: Names a notebook's parameters cell may hold besides its chapter's parameters: filled by the
#: pipeline, never by the reader.
RESERVED = ("upstream", "run_context")

#: Output metadata that marks the run box, so the pipeline can refresh it when it reuses an execution.
RUNBOX_KEY = "tokenfactory_runbox"

def _py(value: Any) -> Any:
    """numpy scalars to plain Python, so results parse back from the notebook as literals."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def glue(key: str, value: Any, *, sig: int = 2, unit: str = "", pct: bool = False, text: str | None = None) -> Any:
    """Glue a result twice: `key` holds the value (results.json, format specs) and `key_txt` the
    text a reader sees (`{glue:text}` \\`key_txt\\` in the prose)."""
    from myst_nb import glue as _glue

    value = _py(value)
    _glue(key, value, display=False)
    _glue(f"{key}_txt", text if text is not None else fmt(value, sig=sig, unit=unit, pct=pct), display=False)
    return value


def glue_text(key: str, text: str) -> str:
    """Glue a display string only (no number in results.json), for prose that quotes a label."""
    from myst_nb import glue as _glue

    _glue(f"{key}_txt", text, display=False)
    return text


def setup(chapter_id: str, namespace: Mapping[str, Any]) -> ChapterParams:
    """Validate the notebook's parameters (the same model the CLI uses), enable the chart theme
    and show the box with the parameters this page ran with and the command that reruns it."""
    from .data.load import declare_reads

    declare_reads(chapter_id, contract_of(chapter_id).reads_data)
    model = _params_model(chapter_id)
    values = {name: namespace[name] for name in model.model_fields if name in namespace}
    params = model(**values)
    charts.enable_theme()
    display(HTML(run_box(chapter_id, params, namespace.get("run_context") or {})), metadata={RUNBOX_KEY: True})
    return params


def _params_model(chapter_id: str) -> type[ChapterParams]:
    import importlib

    return importlib.import_module(f"tokenfactory.{chapter_id}.params").Params


def run_box(chapter_id: str, params: ChapterParams, run_context: Mapping[str, Any]) -> str:
    """HTML: parameters used (non-defaults marked), the rerun command, downloads. All escaped."""
    from .params_base import describe

    chapter = contract_of(chapter_id)
    defaults = {p.name: p for p in describe(type(params))}
    rows = []
    for name, info in defaults.items():
        value = getattr(params, name)
        changed = value != info.default
        mark = ' <b title="differs from the default">●</b>' if changed else ""
        default_note = f"<br><small>default: {html.escape(_word(info.default))}</small>" if changed else ""
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code>{mark}</td><td>{html.escape(_word(value))}{default_note}</td>"
            f"<td>{html.escape(info.unit)}</td><td>{html.escape(info.meaning)}</td></tr>"
        )
    from .freshness import newest

    data_date, statuses = newest(chapter.reads_data)
    dates = ", ".join(f"{html.escape(s.table)} {html.escape(s.newest or 'n/a')}" for s in statuses)
    scenario = str(run_context.get("scenario", "default"))
    command = str(run_context.get("command", f"tokenfactory build --scenario {scenario}"))
    # the executed notebook is offered once, by the download button at the top of the page
    downloads = []
    from . import paths

    for table in chapter.reads_data:
        name = f"{table}.csv" if (paths.data_dir() / f"{table}.csv").exists() else f"{table}.yaml"
        downloads.append(f'<a href="../_static/data/{html.escape(name)}">{html.escape(name)}</a>')
    return (
        '<details class="tf-runbox"><summary>How this page was computed: scenario '
        f"<code>{html.escape(scenario)}</code>, {sum(1 for r in rows if '●' in r)} parameter(s) changed from the defaults"
        f"; newest data used: <b class=\"tf-data-date\">{html.escape(data_date or 'n/a')}</b>"
        "</summary>"
        f"<p>Newest statement date (<code>as_of</code>) of each table this page reads: {dates}.</p>"
        '<table class="tf-params"><thead><tr><th>parameter</th><th>value</th><th>unit</th><th>meaning</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p>Rerun: <code>{html.escape(command)}</code> (see <a href=\"../book/reproduce.html\">Reproduce</a>).</p>"
        f"<p>Data this page reads: {' · '.join(downloads)}. The notebook itself (with its outputs): the download "
        "button at the top of the page, <code>.ipynb</code>.</p></details>"
    )


def _word(value: Any) -> str:
    """A value as table text: true/false as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_word(v) for v in value)
    return str(value)


def show(chart: Any, source: str, as_of: str | None = None, note: str | None = None,
         checks: list[Mapping[str, Any]] | None = None, description: str | None = None) -> None:
    """Display a chart followed by its source caption.

    In the page the chart gets a link to download its data as CSV, and a reset button when it has
    live controls (both added by `_static/tf-charts.js`).

    `checks` (for charts with live controls) are what the package expects the chart to show at
    other settings: `[{"set": {"u": 0.8}, "expect": ["$0.95"]}, ...]`, where `set` gives values of
    the chart's parameters and `expect` texts (formatted by the package) that must then appear in
    the drawn chart. `{"set": {}, "expect": [headline_txt]}` checks the page's own setting: the
    live chart then shows the glued headline of the prose. The browser tests apply every check,
    each from the page's setting (tests/test_browser.py).

    `description` is the chart's text alternative: its key numbers in a sentence, from the
    results (a screen reader reads it after the title). Without it the page describes the chart by
    its subtitle and the numbers it labels.
    """
    display(chart)
    desc = f'<p class="tf-chart-desc tf-sr-only">{html.escape(description)}</p>' if description else ""
    display(HTML(charts.caption(source, as_of, note) + desc + (checks_html(checks) if checks else "")))


def checks_html(checks: list[Mapping[str, Any]]) -> str:
    """The checks of `show` as a JSON script element (not executed; `<` escaped)."""
    import json

    clean = []
    for check in checks:
        if "set" not in check:
            raise ValueError("each check needs 'set' (parameter values; {} for the page's setting) and 'expect' "
                             "(texts the chart shows)")
        settings, expect = dict(check.get("set") or {}), [str(e) for e in check.get("expect") or []]
        if not expect:
            raise ValueError("each check needs 'expect': texts the chart shows at its 'set' values")
        clean.append({"set": {k: _py(v) for k, v in settings.items()}, "expect": expect})
    body = json.dumps(clean).replace("<", "\\u003c")
    return f'<script type="application/json" class="tf-checks">{body}</script>'


def yes_no(frame: Any) -> Any:
    """A copy of `frame` with its true/false columns written as words (yes/no): tables are read,
    not parsed."""
    import numpy as np
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        values = out[col].dropna()
        if len(values) and all(isinstance(v, (bool, np.bool_)) for v in values):
            out[col] = [("yes" if v else "no") if not pd.isna(v) else "" for v in out[col]]
    return out


def table(frame: Any, caption: str | None = None, source: str | None = None, **to_html: Any) -> None:
    """Display a data frame as an HTML table; cell text is escaped (data can hold `<`, quotes);
    true/false read as yes/no."""
    frame = yes_no(frame)
    body = frame.to_html(index=False, escape=True, border=0, classes="tf-table", na_rep="", **to_html)
    head = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    foot = charts.caption(source) if source else ""
    display(HTML(head + body + foot))


def md(text: str) -> None:
    """Display Markdown produced by the package (a list of findings, say). Nothing is shown for
    empty text (the page would print "<IPython.core.display.Markdown object>" instead)."""
    if not str(text).strip():
        return
    display(Markdown(text))
