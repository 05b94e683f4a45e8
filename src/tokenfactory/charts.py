"""The book's chart look: one theme, one color per organization in every chapter, sources captioned.

Colors come from Okabe & Ito's palette (readable with the common color-vision deficiencies),
extended with Paul Tol's muted set for the rarer organizations. Backgrounds and text colors are
explicit so that a chart stays readable in the site's dark theme (a transparent chart would draw
dark text on a dark page).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
from typing import Any, Iterable

import altair as alt

BACKGROUND = "#ffffff"
TEXT = "#1f2328"
MUTED = "#57606a"
GRID = "#e6e8eb"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]

#: One color per organization or vendor, the same in every chapter.
ORG_COLORS: dict[str, str] = {
    "OpenAI": "#000000",
    "Anthropic": "#D55E00",
    "Google": "#0072B2",
    "Meta": "#56B4E9",
    "Microsoft": "#009E73",
    "Amazon": "#E69F00",
    "NVIDIA": "#117733",
    "AMD": "#CC6677",
    "Intel": "#88CCEE",
    "DeepSeek": "#CC79A7",
    "Alibaba": "#999933",
    "Mistral": "#DDCC77",
    "xAI": "#882255",
    "Groq": "#AA4499",
    "Cerebras": "#44AA99",
    "Oracle": "#332288",
    "Other": "#8c959f",
}
_ALIASES = {"AWS": "Amazon", "Amazon Web Services": "Amazon", "Alphabet": "Google", "Google DeepMind": "Google",
            "Google Brain": "Google", "DeepMind": "Google", "Google Research": "Google",
            "Mistral AI": "Mistral", "Meta AI": "Meta", "Facebook AI": "Meta", "Facebook": "Meta",
            "Qwen": "Alibaba", "Alibaba Cloud": "Alibaba", "Microsoft Research": "Microsoft",
            "NVIDIA Research": "NVIDIA", "Nvidia": "NVIDIA", "DeepSeek-AI": "DeepSeek"}

#: Two-way categories told apart by shape and dash as well as color.
SHAPES = {"closed": "circle", "open": "triangle-up", "open_restricted": "diamond",
          "merchant_gpu": "circle", "custom_asic": "square", "startup": "triangle-up"}
DASHES = {"closed": [1, 0], "open": [6, 3], "merchant": [1, 0], "integrated": [6, 3]}


def org_family(name: str) -> str:
    """The palette's name for an organization ("Google Brain" -> "Google"); others unchanged."""
    return _ALIASES.get(name, name)


def org_color(name: str) -> str:
    """The organization's color; unknown names get the neutral "Other" gray."""
    return ORG_COLORS.get(_ALIASES.get(name, name), ORG_COLORS["Other"])


def org_scale(names: Iterable[str]) -> alt.Scale:
    """A color scale over the organizations present, with the book's fixed colors."""
    domain = sorted({str(n) for n in names})
    return alt.Scale(domain=domain, range=[org_color(n) for n in domain])


def category_scale(domain: Iterable[str]) -> alt.Scale:
    """A color scale for categories that are not organizations (Okabe-Ito order)."""
    domain = list(dict.fromkeys(domain))
    palette = OKABE_ITO + TOL_MUTED
    return alt.Scale(domain=domain, range=[palette[i % len(palette)] for i in range(len(domain))])


def title(text: str, subtitle: str | list[str]) -> alt.TitleParams:
    """A chart title that states the finding, and a subtitle that says what is plotted, in which unit."""
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")


def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "background": BACKGROUND,
            "padding": 8,
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 340},
            "title": {"color": TEXT, "fontSize": 16, "fontWeight": 600, "subtitleColor": MUTED,
                      "subtitleFontSize": 12, "anchor": "start", "offset": 10},
            "axis": {"labelColor": TEXT, "titleColor": TEXT, "gridColor": GRID, "domainColor": MUTED,
                     "tickColor": MUTED, "labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": 500,
                     "labelOverlap": True,
                     # on a phone, long category labels (a y axis of names) leave the plot some room
                     "labelLimit": {"expr": "containerSize()[0] < 480 ? 120 : 180"},
                     # a long axis title is cut (…) rather than widen a narrow chart beyond its column
                     "titleLimit": {"expr": "max(120, containerSize()[0] - 80)"}},
            # legends under the chart, in as many columns as the chart's width holds
            "legend": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": 11, "titleFontSize": 12,
                       "orient": "bottom", "direction": "horizontal",
                       # a legend starts under the plot, right of the y-axis labels: columns of about
                       # 150 px in what is left of the chart's width (one column on a phone)
                       "columns": {"expr": "max(1, floor((containerSize()[0] - 160) / 150))"},
                       "labelLimit": {"expr": "containerSize()[0] < 480 ? 140 : 180"},
                       # several legends under a narrow chart stack instead of lining up in a row
                       "layout": {"expr": "{bottom: {anchor: 'start', margin: 8, "
                                          "direction: containerSize()[0] < 620 ? 'vertical' : 'horizontal'}}"}},
            "header": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": 12, "titleFontSize": 12},
            "text": {"color": TEXT},
            "range": {"category": OKABE_ITO + TOL_MUTED},
        }
    }


_chart_counter = itertools.count()


def safe_html_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    """Altair's HTML output, made safe for data text and reproducible.

    Altair writes the chart's JSON inside a `<script>` element; a data string holding `</script>`
    would end that element early, break the chart and let the rest run as markup. Escaping every
    `<` as `\\u003c` keeps the JSON identical once parsed. The element id is derived from the spec
    and a per-kernel counter instead of a random uuid, so the same notebook gives the same output.
    """
    from altair.utils.html import spec_to_html

    spec = responsive(spec)
    spec_json = json.dumps(spec)
    digest = hashlib.md5(f"{next(_chart_counter)}:{spec_json}".encode()).hexdigest()
    page = spec_to_html(
        spec, mode="vega-lite", vega_version=alt.VEGA_VERSION, vegaembed_version=alt.VEGAEMBED_VERSION,
        vegalite_version=alt.VEGALITE_VERSION, template="universal", output_div=f"altair-viz-{digest}",
        embed_options=metadata.get("embed_options") or {}, fullhtml=False,
    )
    # written compactly (no spaces after separators: a tenth of a chapter page's weight) and with
    # every "<" escaped
    compact = json.dumps(spec, separators=(",", ":")).replace("<", "\\u003c")
    return {"text/html": page.replace(spec_json, compact, 1),
            "text/plain": "<Altair chart>"}


#: Top-level keys of charts made of several views: those keep their own widths (and scroll
#: sideways inside their own box on a narrow screen) instead of taking the column's width.
_MULTI_VIEW = ("facet", "concat", "hconcat", "vconcat", "repeat")

#: Title wrapping for charts that take the column's width: (smallest container width in px,
#: characters per title line, characters per subtitle line) at the book's font sizes (16 px
#: semibold: 9.5 px a character on average, measured in Chromium; 12 px: 6.4 px).
_WRAP = ((0, 26, 38), (280, 28, 41), (330, 33, 49), (400, 40, 60), (500, 51, 75), (620, 63, 93), (780, 80, 118))


def _single_view(spec: dict) -> bool:
    if any(k in spec for k in _MULTI_VIEW):
        return False
    layers = [spec, *spec.get("layer", [])]
    return not any(k in (layer.get("encoding") or {}) for layer in layers for k in ("row", "column", "facet"))


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


#: The width of the element the chart sits in (Vega's containerSize()); unlike the `width` signal
#: it does not depend on the title or legend, so wrapping on it cannot feed back into the layout.
CONTAINER_WIDTH = "containerSize()[0]"


def _width_expr(text: str | list[str], per_line: list[tuple[int, int]]) -> dict:
    """A Vega expression giving `text` (or each of its lines) wrapped to the width of the chart's
    container."""
    lines = [text] if isinstance(text, str) else list(text)
    choices = [json.dumps([w for line in lines for w in _wrap(line, chars)]) for _, chars in per_line]
    expr = choices[-1]
    for (bound, _), choice in zip(reversed(per_line[1:]), reversed(choices[:-1])):
        expr = f"{CONTAINER_WIDTH} < {bound} ? {choice} : ({expr})"
    return {"expr": expr}


#: The smallest text a chart may draw, in px (readable on a phone).
MIN_FONT = 11


def _min_font(node: Any) -> Any:
    """Every font size in the spec raised to MIN_FONT (annotations at 9 or 10 px are unreadable
    on a phone). Sizes given as expressions are left alone."""
    if isinstance(node, dict):
        return {k: (MIN_FONT if (k.endswith("fontSize") or k.endswith("FontSize")) and isinstance(v, (int, float))
                    and not isinstance(v, bool) and v < MIN_FONT else _min_font(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_min_font(v) for v in node]
    return node


def _short(value: Any) -> Any:
    """A float with four significant digits (more than a chart or its tooltip shows): a
    float's seventeen digits in every row made up much of a page's weight."""
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.4g}")
    return value


def prune_data(spec: dict) -> dict:
    """The chart's named datasets without the columns the chart never uses: a column is kept when
    its name appears anywhere in the rest of the spec (encodings, transforms, expressions,
    tooltips), so nothing drawn can lose its data; a chart whose marks show every field in a
    tooltip (`tooltip: true`) keeps all. Pages get lighter (the compute-gap page carried 290 kB
    of unused columns) and a chart's CSV download is the data it draws."""
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict) or not datasets:
        return spec
    rest = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    if '"tooltip": true' in rest or '"content": "data"' in rest:
        return spec
    pruned = {}
    for name, rows in datasets.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            pruned[name] = rows
            continue
        columns = {c for r in rows for c in r}
        drop = {c for c in columns if c not in rest and not any(ch in c for ch in ".[]\\")}
        pruned[name] = [{k: _short(v) for k, v in r.items() if k not in drop} for r in rows]
    return {**spec, "datasets": pruned}


def responsive(spec: dict) -> dict:
    """The chart as it should behave in a page: single-view and layered charts take the width of
    the column (`width: "container"`, Vega-Lite's fit-x autosize) and their plain-text title and
    subtitle wrap to that width, so that text keeps its size on a phone instead of the whole chart
    shrinking. Charts of several views keep their sizes. In every chart, no text is smaller than
    MIN_FONT. Returns a new dict."""
    if not isinstance(spec, dict):
        return spec
    spec = _min_font(spec)
    spec = _control_formats(spec)
    spec = prune_data(spec)
    if not _single_view(spec):
        # charts of several panels keep their panels' sizes (the page stacks and narrows them on a
        # narrow column, _static/tf-charts.js), but their title wraps to the column like any other
        spec = _wrap_title(dict(spec))
        for key in ("hconcat", "vconcat", "concat"):  # a panel may hold the title (Altair puts it there)
            if isinstance(spec.get(key), list):
                spec[key] = [_wrap_title(dict(p)) if isinstance(p, dict) else p for p in spec[key]]
        return spec
    spec = _wrap_title(dict(spec))
    spec["width"] = "container"
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    if "layer" in spec:  # a layered chart's title may sit in one of its layers
        spec["layer"] = [_wrap_title(dict(layer)) if isinstance(layer, dict) else layer for layer in spec["layer"]]
    return spec


#: Average glyph widths in px of the title (16 px semibold) and subtitle (12 px), for wrapping.
_GLYPH = {"text": 9.6, "subtitle": 6.5}


def _wrap_live(expr: str, glyph: float, lines: int = 3) -> str:
    """A Vega expression wrapping the text of `expr` (a title that follows the controls) to the
    chart's container, breaking at spaces. One regular expression with the line length in it, so the
    text's expression appears once (a recursive split repeated it at every level: a 300 kB title on
    the claims page). `lines` is kept for the callers; the text is never cut."""
    n = f"(containerSize()[0] > 0 ? max(12, floor((containerSize()[0] - 10) / {glyph})) : 80)"
    pattern = f"regexp('(.{{1,' + {n} + '}})(\\\\s+|$)', 'g')"
    wrapped = f"replace(replace(({expr}), {pattern}, '$1\\n'), regexp('\\n+$', ''), '')"
    return f"split({wrapped}, '\\n')"


def _wrap_part(value: Any, key: str) -> Any:
    limit = _WRAP[0][1] if key == "text" else _WRAP[0][2]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if not any(len(v) > limit for v in value):
            return value
        return _width_expr(value, [(b, c if key == "text" else s) for b, c, s in _WRAP])
    if isinstance(value, str) and len(value) > limit:
        return _width_expr(value, [(b, c if key == "text" else s) for b, c, s in _WRAP])
    if isinstance(value, dict) and isinstance(value.get("expr"), str) and "containerSize" not in value["expr"]:
        return {"expr": _wrap_live(value["expr"], _GLYPH[key])}
    return value


def _wrap_title(spec: dict) -> dict:
    title = spec.get("title")
    if isinstance(title, (str, list)):
        title = {"text": title}
    if isinstance(title, dict):
        title = dict(title)
        for key in ("text", "subtitle"):
            if key in title:
                title[key] = _wrap_part(title[key], key)
        spec["title"] = title
    return spec


# --- Live controls -------------------------------------------------------------------------------
# A chart can carry its own controls: Vega-Lite parameters bound to a slider or a select, used in
# `transform_calculate` expressions, so the chart recomputes in the browser with no kernel and no
# network. How to write one: CONTRIBUTING.md, "Live controls".


#: How the page shows a slider's value, by parameter name (d3 format, e.g. ".0%"): written into
#: each chart's `usermeta.tfFormats` by `responsive`, read by _static/tf-charts.js.
CONTROL_FORMATS: dict[str, str] = {}


def is_share(unit: str, min: float | None, max: float | None) -> bool:
    """A slider over a share (unit "share of ...", from 0 to 1 at most): read as a percentage."""
    return ("share" in unit.lower() or unit.strip() in ("%", "percent")) and min is not None and max is not None \
        and 0 <= min and max <= 1


def _control_formats(spec: dict) -> dict:
    """`usermeta.tfFormats`: the display format of each of the chart's sliders that has one."""
    names = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for p in node.get("params") or []:
                if isinstance(p, dict) and isinstance(p.get("bind"), dict) and p["bind"].get("input") == "range":
                    names.add(p.get("name"))
            for k, v in node.items():
                if k not in ("data", "datasets", "params"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    found = {n: CONTROL_FORMATS[n] for n in sorted(n for n in names if n in CONTROL_FORMATS)}
    if not found:
        return spec
    spec = dict(spec)
    meta = dict(spec.get("usermeta") or {})
    meta["tfFormats"] = {**meta.get("tfFormats", {}), **found}
    spec["usermeta"] = meta
    return spec


def control(name: str, value: Any, *, label: str, unit: str = "", min: float | None = None,
            max: float | None = None, step: float | None = None, options: Iterable[Any] | None = None,
            labels: Iterable[str] | None = None, fmt: str | None = None) -> alt.Parameter:
    """A Vega-Lite parameter bound to a slider (give `min`, `max`, `step`) or a select (give
    `options`, and `labels` to show words instead of the raw values).

    The control's label names its unit ("Utilization (share of hours)"). `value` is the page's
    setting (use the chapter's parameter, so the page and the control agree); the reset button
    that the book adds under every chart with controls puts the control back to it.

    `fmt` (a d3 format such as ".0%" or ".1f") is how the page shows the slider's value as the
    reader moves it; a share (unit "share of ...", between 0 and 1) is shown as a percentage
    ("40%", not "0.4") unless `fmt` says otherwise.
    """
    if fmt is None and options is None and is_share(unit, min, max):
        fmt = ".0%" if step is None or step >= 0.01 - 1e-12 else ".1%"
    if fmt is not None:
        if options is not None:
            raise ValueError(f"control {name!r}: fmt applies to a slider, not to a select (give labels instead)")
        CONTROL_FORMATS[name] = fmt
    text = f"{label} ({unit}) " if unit else f"{label} "
    if options is not None:
        opts = list(options)
        extra = {"labels": list(labels)} if labels is not None else {}
        bind = alt.binding_select(options=opts, name=text, **extra)
    else:
        if min is None or max is None:
            raise ValueError(f"control {name!r}: a slider needs min and max (or give options for a select)")
        if not (min <= value <= max):
            raise ValueError(f"control {name!r}: value {value} is outside [{min}, {max}]")
        if step and abs((value - min) / step - round((value - min) / step)) > 1e-6:
            # a browser snaps a slider to min + k * step: the page's setting would be unreachable
            raise ValueError(f"control {name!r}: value {value} is not on the slider's steps "
                             f"(min {min} + k × step {step}); choose a step that divides value − min")
        bind = alt.binding_range(min=min, max=max, step=step, name=text)
    return alt.param(name=name, value=value, bind=bind)


def expr_number(name: str, fmt: str = ".2~f", prefix: str = "", suffix: str = "") -> str:
    """A Vega expression showing parameter (or field) `name` as text: `'$' + format(cost, '.2f')`.
    `fmt` is a d3-format specifier (".0%" for a share, ",.3~s" for large numbers)."""
    parts = []
    if prefix:
        parts.append(json.dumps(prefix))
    parts.append(f"format({name}, {json.dumps(fmt)})")
    if suffix:
        parts.append(json.dumps(suffix))
    return " + ".join(parts)


def live_title(lines: Iterable[str], subtitle: str | list[str]) -> alt.TitleParams:
    """A title that follows the controls: `lines` are Vega expressions (strings in quotes,
    parameters, `expr_number(...)`), shown on one line on a wide chart and one per line on a
    narrow one. The subtitle says what is plotted and its unit (plain text).

        charts.live_title(["'Cost per token at ' + format(u, '.0%') + ' utilization'"],
                          "USD per million output tokens")
    """
    parts = [f"({line})" for line in lines]
    wide = " + ' ' + ".join(parts)
    # wrapped at spaces to the chart's container (a phone's 339 px cut "...per user" to "...per use")
    text = alt.expr(_wrap_live(wide, _GLYPH["text"], lines=4))
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")


def enable_theme() -> None:
    """Register and enable the book's theme and its safe HTML renderer (idempotent)."""
    alt.theme.register("tokenfactory", enable=True)(_theme)
    alt.renderers.register("tokenfactory", safe_html_renderer)
    alt.renderers.enable("tokenfactory")


def caption(sources: str | Iterable[str], as_of: str | None = None, note: str | None = None) -> str:
    """The HTML caption printed under a chart: sources and the data's as-of date (escaped)."""
    src = sources if isinstance(sources, str) else "; ".join(sources)
    parts = [f"<b>Source:</b> {html.escape(src)}"]
    if as_of:
        parts.append(f"data as of {html.escape(str(as_of))}")
    if note:
        parts.append(html.escape(note))
    return '<p class="tf-caption">' + ". ".join(parts) + ".</p>"
