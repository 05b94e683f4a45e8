"""A Sphinx extension that keeps every page light: scripts only where they are used, deferred.

- The Vega bundle (`vega/altair-offline.js`, about 0.9 MB) and `tf-charts.js` are loaded only on
  pages that hold a chart, once, with `defer` (they no longer block the first paint). A small
  inline script in the head of those pages stands in for `vegaEmbed` until the bundle has loaded:
  Altair's chart scripts, which run as the page is read, queue their charts on it, and
  `tf-charts.js` draws them once the page's layout is final (so each chart is sized to its column).
- The theme's `fontawesome.js` (1.5 MB: every icon of Font Awesome, drawn as SVG by script) is
  replaced in the built site by a few kB holding only the icons the pages use (`ICONS`), taken
  from that same file at build time. Icons not in the list still show, from the theme's icon font.
- `tf-page.js` (every page) is deferred too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: The Font Awesome (solid) icons the theme's pages show: navigation, search, theme switch,
#: download menu, back to top, contents.
ICONS = ("angle-left", "angle-right", "arrow-up", "bars", "circle-half-stroke", "download", "file", "file-pdf",
         "list", "magnifying-glass", "moon", "sun", "outdent", "xmark", "file-code", "copy", "check")

#: Scripts that only pages with charts load.
CHART_SCRIPTS = ("vega/altair-offline.js", "tf-charts.js")
#: Scripts loaded with `defer` on every page that has them.
DEFERRED = (*CHART_SCRIPTS, "tf-page.js")


def vega_versions() -> dict[str, str]:
    """The versions Altair's chart scripts ask for (from the installed altair, never typed)."""
    import altair as alt

    return {"vega_version": alt.VEGA_VERSION, "vegalite_version": alt.VEGALITE_VERSION,
            "vegaembed_version": alt.VEGAEMBED_VERSION}


def boot_script() -> str:
    """Inline, in the head of chart pages: the versions (so Altair's scripts take the bundle as
    loaded) and a `vegaEmbed` that queues each chart until `tf-charts.js` draws it."""
    return ("window.VEGA_DEBUG=" + json.dumps(vega_versions()) + ";window.tfChartQueue=[];"
            "window.vegaEmbed=function(el,spec,opt){return new Promise(function(ok,fail){"
            "window.tfChartQueue.push([el,spec,opt,ok,fail]);});};window.vegaEmbed.tfQueue=true;")


def has_charts(body: str) -> bool:
    return 'id="altair-viz-' in body


def _base(js: Any) -> str:
    return str(getattr(js, "filename", js) or "").split("?")[0].replace("_static/", "", 1)


def page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    from sphinx.builders.html._assets import _JavaScript

    files = context.get("script_files")
    if not isinstance(files, list):
        return
    charts = has_charts(str(context.get("body", "")))
    kept = []
    for js in files:
        name = _base(js)
        if name in CHART_SCRIPTS and not charts:
            continue
        if name in DEFERRED and isinstance(js, _JavaScript):
            # document order of deferred scripts is their run order: the bundle before tf-charts.js
            priority = 900 + DEFERRED.index(name)
            js = _JavaScript(js.filename, priority=priority, **{**js.attributes, "defer": "defer"})
        kept.append(js)
    if charts:
        kept.insert(0, _JavaScript("", priority=1, body=boot_script()))
    design = "sd-" in str(context.get("body", ""))
    if not design:
        kept = [js for js in kept if _base(js) != "design-tabs.js"]
    files[:] = kept  # the builder's own list: Sphinx restores it after the page
    css = context.get("css_files")
    if isinstance(css, list):
        # no live kernels (thebe) anywhere; sphinx-design only where a page uses it
        unused = {"sphinx-thebe.css"} | (set() if design else {"sphinx-design.min.css"})
        css[:] = [c for c in css if _base(c) not in unused]


def icon_paths(fontawesome_js: str, names: tuple[str, ...] = ICONS) -> dict[str, list]:
    """{name: [width, height, path]} of the solid icons `names`, read from Font Awesome's script.
    The script defines the brands, regular and solid sets one after the other; only solid is used."""
    start = fontawesome_js.find('("far",')
    end = fontawesome_js.find('("fas",', start + 1)
    solid = fontawesome_js[start:end] if start >= 0 and end > start else fontawesome_js
    out = {}
    for name in names:
        m = re.search(r'[{,]"?%s"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]' % re.escape(name), solid)
        if m:
            out[name] = [int(m.group(1)), int(m.group(2)), m.group(3)]
    return out


ICON_SCRIPT = """/* The Token Factory: the few Font Awesome icons this site shows (Font Awesome Free 6, icons
   CC BY 4.0, https://fontawesome.com/license/free), drawn as inline SVG inside their <i>/<span>,
   instead of the theme's 1.5 MB script of every icon. Written by tokenfactory.build.sphinx_assets. */
(function () {
  "use strict";
  var ICONS = %s;
  var NS = "http://www.w3.org/2000/svg";
  function draw(el) {
    if (el.tfIcon) return;
    var name = null;
    el.classList.forEach(function (c) { if (c.indexOf("fa-") === 0 && ICONS[c.slice(3)]) name = c.slice(3); });
    if (!name) return;
    var icon = ICONS[name];
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + icon[0] + " " + icon[1]);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "tf-icon");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", icon[2]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    el.appendChild(svg);
    el.classList.add("tf-svg-icon");
    el.tfIcon = true;
  }
  function all(root) {
    (root.querySelectorAll ? root.querySelectorAll("[class*='fa-']") : []).forEach(draw);
    if (root.classList && /\\bfa-/.test(root.className)) draw(root);
  }
  var style = document.createElement("style");
  style.textContent = ".tf-svg-icon::before{content:none!important}" +
    ".tf-svg-icon{display:inline-flex;align-items:center;justify-content:center;font-family:inherit!important}" +
    ".tf-icon{height:1em;width:auto;overflow:visible;vertical-align:-0.125em}";
  document.head.appendChild(style);
  function start() {
    all(document);
    new MutationObserver(function (list) {
      list.forEach(function (m) { m.addedNodes.forEach(function (n) { if (n.nodeType === 1) all(n); }); });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
"""


def light_icons(app: Sphinx, exception: Exception | None) -> None:
    """Replace the built site's fontawesome.js with the icons the pages use."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
    if not target.exists():
        return
    text = target.read_text(encoding="utf-8", errors="replace")
    if "tokenfactory.build.sphinx_assets" in text[:400]:
        return
    icons = icon_paths(text)
    if len(icons) < 10:  # the theme changed its icon script: keep it rather than lose the icons
        return
    target.write_text(ICON_SCRIPT % json.dumps(icons, separators=(",", ":")), encoding="utf-8")
    source_map = target.with_name("fontawesome.js.map")
    if source_map.exists():
        source_map.unlink()


#: The theme loads Sphinx's search scripts and the whole search index on every page, for a
#: search-as-you-type box this book does not enable; only the search page needs them.
_SEARCH_SCRIPTS = re.compile(r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                             r'searchindex\.js)"></script>')


def search_scripts_on_search_page_only(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    if app.config.html_theme_options.get("search_as_you_type"):
        return
    for page in Path(app.outdir).rglob("*.html"):
        if page.name == "search.html" or "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        lighter = _SEARCH_SCRIPTS.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", page_scripts, priority=900)
    app.connect("build-finished", light_icons)
    app.connect("build-finished", search_scripts_on_search_page_only)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
