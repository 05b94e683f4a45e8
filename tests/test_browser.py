"""Text from the data is shown as text: a `<script>` or quotes in a data cell never run or break
the page (table and chart tooltip data)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.xdist_group("book")]  # one worker reads the book

EVIL = '<script>document.title="pwned"</script> "double" \'single\' & <b>bold</b>'


def test_data_strings_render_as_text(book_root):
    from tokenfactory.build import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: .ci/run installs it (apt-get install -y chromium)")
    path = book_root / "data" / "models.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("notes")] = EVIL
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    proc = run_cli("build", root=book_root)
    assert proc.returncode == 0, proc.stderr
    html_dir = book_root / "_build" / "default" / "html"
    page = (html_dir / "notebooks" / "compute_gap.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=" in page  # escaped in the table
    with browser.serve(html_dir) as base:
        dom = browser.dump_dom(f"{base}/notebooks/compute_gap.html")
    assert "<title>pwned</title>" not in dom
    assert "&lt;script&gt;document.title=" in dom
    assert 'class="marks"' in dom  # the chart carrying the same string in its tooltip data rendered
    # the chart's data holds the string with every "<" escaped inside its script element; parsed,
    # it is the same text, which vega-tooltip shows as text (its default sanitizer)
    assert json.dumps(EVIL)[1:-1].replace("<", "\\u003c") in page


# --- A reader in a real browser (Playwright driving Debian's Chromium), offline on loopback --------
# These tests discover what is on the pages: every chart with controls, every check a chart carries,
# every page. A control that a chapter adds is tested without editing this file.

#: The text a chart draws (title, subtitle, axes, labels, legends), to see it follow a control
#: (sorted: Vega may redraw the same labels in another order).
CHART_TEXT = """el => [...el.querySelectorAll('svg text')].map(t => t.querySelector('tspan')
    ? [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') : t.textContent).sort().join(' | ')"""

#: How many distinct moves control `i` of a chart offers: every option of a select (a benchmark
#: selector is tried on each benchmark), both ends of a slider, both states of a checkbox.
MOVES = """([el, i]) => {
  const input = el.querySelectorAll('.vega-bindings input, .vega-bindings select')[i];
  if (input.tagName === 'SELECT') return input.options.length - 1;
  if (input.type === 'radio') return el.querySelectorAll('input[type=radio][name="' + input.name + '"]').length - 1;
  return input.type === 'range' ? 2 : 1;
}"""

#: Moves control `i` of a chart to its next value, as a reader would, and says what it did.
MOVE = """([el, i]) => {
  const input = el.querySelectorAll('.vega-bindings input, .vega-bindings select')[i];
  let did;
  if (input.tagName === 'SELECT') {
    input.selectedIndex = (input.selectedIndex + 1) % input.options.length;
    did = 'select ' + input.value;
  } else if (input.type === 'range') {
    const lo = Number(input.min), hi = Number(input.max), v = Number(input.value);
    input.value = String(Math.abs(v - hi) > Math.abs(v - lo) ? hi : lo);
    did = 'range ' + input.name + ' = ' + input.value;
  } else if (input.type === 'checkbox') {
    input.checked = !input.checked; did = 'checkbox ' + input.name + ' ' + input.checked;
  } else if (input.type === 'radio') {
    const group = [...el.querySelectorAll('input[type=radio][name="' + input.name + '"]')];
    const k = group.findIndex(r => r.checked); const next = group[(k + 1) % group.length];
    next.checked = true; next.dispatchEvent(new Event('change', {bubbles: true}));
    did = 'radio ' + input.name + ' ' + next.value;
  } else { input.value = String(Number(input.value) + 1); did = 'input ' + input.name + ' ' + input.value; }
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new Event('change', {bubbles: true}));
  return did;
}"""

#: Every chart on the page followed by the checks (expected values) its notebook gave it.
CHECKS = """() => {
  const out = []; let chart = null;
  for (const node of document.querySelectorAll('div[id^="altair-viz-"], script.tf-checks')) {
    if (node.tagName === 'SCRIPT') { if (chart) out.push([chart.id, JSON.parse(node.textContent)]); }
    else chart = node;
  }
  return out;
}"""


def _chapter_pages(html_dir):
    from tokenfactory.build import browser

    return [p for p in browser.book_pages(html_dir) if p.startswith("notebooks/")]


def _wait_text_change(page, handle, before: str, timeout_ms: int = 4000) -> str:
    waited = 0
    while waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
        now = handle.evaluate(CHART_TEXT)
        if now != before:
            page.wait_for_timeout(100)
            return handle.evaluate(CHART_TEXT)
    return handle.evaluate(CHART_TEXT)


@pytest.fixture(scope="module")
def site(built):
    from tokenfactory.build import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: make test installs it (apt-get install -y chromium)")
    return built / "html"


def test_every_control_moves_its_chart_and_reset_restores_it(site):
    """On every chapter page: each bound input (slider, select, checkbox, radio) of each chart
    changes the chart's text (its title follows the control), and the Reset button brings the
    chart back to the page's setting."""
    from tokenfactory.build import browser

    moved = []
    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            charts = page.query_selector_all('div[id^="altair-viz-"]')
            for handle in charts:
                n = handle.evaluate("el => el.querySelectorAll('.vega-bindings input, .vega-bindings select').length")
                if not n:
                    continue
                start = handle.evaluate(CHART_TEXT)
                for i in range(n):
                    for _ in range(page.evaluate(MOVES, [handle, i])):
                        before = handle.evaluate(CHART_TEXT)
                        did = page.evaluate(MOVE, [handle, i])
                        after = _wait_text_change(page, handle, before)
                        assert after != before, f"{rel}: chart {handle.get_attribute('id')}: {did} changed no text"
                        moved.append((rel, did))
                reset = handle.query_selector("button.tf-reset")
                assert reset is not None, f"{rel}: a chart with controls has no Reset button"
                reset.click()
                assert _wait_text_change(page, handle, handle.evaluate(CHART_TEXT) + "x") == start, \
                    f"{rel}: Reset did not bring chart {handle.get_attribute('id')} back"
        assert not reader.errors, reader.errors
        assert not reader.offsite, f"requests off the machine: {reader.offsite}"
    assert moved, "no chapter page has a live control"
    print(f"{len(moved)} moves on {len({rel for rel, _ in moved})} pages")


def test_charts_show_the_packages_numbers_at_other_settings(site):
    """Charts that carry checks (nb.show(..., checks=...)): set the chart's parameters to each
    check's values in the page and find the package's formatted numbers in the drawn chart."""
    from tokenfactory.build import browser

    done = 0
    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            for chart_id, checks in page.evaluate(CHECKS):
                handle = page.query_selector(f"#{chart_id}")
                for check in checks:
                    # each check starts from the page's setting (Reset), so {} checks the defaults
                    reset = handle.query_selector("button.tf-reset")
                    if reset is not None:
                        reset.click()
                        page.wait_for_timeout(100)
                    page.evaluate("""([id, values]) => { const v = document.getElementById(id).tfView;
                        for (const [k, x] of Object.entries(values)) v.signal(k, x); return v.runAsync().then(() => null); }""",
                                  [chart_id, check["set"]])
                    page.wait_for_timeout(150)
                    text = handle.evaluate(CHART_TEXT)
                    for expected in check["expect"]:
                        assert expected in text, f"{rel}: at {check['set']} the chart should show {expected!r}: {text[:400]}"
                    done += 1
        assert not reader.errors, reader.errors
    # chapters add checks as they add controls; the count is reported, not required
    print(f"{done} checked settings")


def test_live_charts_at_the_pages_setting_show_the_headline(site):
    """Every live chart that carries a check at the page's own setting ({"set": {}}, or values
    equal to its defaults) shows, untouched, the texts of that check: the glued headline of the
    prose. Live charts without such a check are listed (a chapter adds one with nb.show(checks=))."""
    from tokenfactory.build import browser

    checked, lacking = 0, []
    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            with_checks = dict((cid, checks) for cid, checks in page.evaluate(CHECKS))
            for handle in page.query_selector_all('div[id^="altair-viz-"]'):
                if not handle.query_selector(".vega-bindings input, .vega-bindings select"):
                    continue
                cid = handle.get_attribute("id")
                defaults = handle.evaluate("""el => { const v = el.tfView, out = {};
                    el.querySelectorAll('.vega-bindings [name]').forEach(i => { try { out[i.name] = v.signal(i.name); } catch (e) {} });
                    return out; }""")
                at_defaults = [c for c in with_checks.get(cid, [])
                               if all(defaults.get(k) == v for k, v in c["set"].items())]
                if not at_defaults:
                    lacking.append((rel, handle.evaluate("el => [...el.querySelectorAll('.role-title-text')]"
                                                         ".map(t => t.textContent).join(' ')")[:80]))
                    continue
                text = handle.evaluate(CHART_TEXT)
                for check in at_defaults:
                    for expected in check["expect"]:
                        assert expected in text, f"{rel}: at the page's setting the live chart should show {expected!r}: {text[:300]}"
                        checked += 1
        assert not reader.errors, reader.errors
    print(f"{checked} headline texts found at the page's setting; live charts without such a check: {lacking}")


def test_a_phone_reads_every_page_without_sideways_scrolling(site):
    """At 390 px: no page is wider than the screen (wide tables scroll in their own box), and the
    text of single-view charts (which take the column's width) stays at 11 px or more. The
    footer's links work from every page."""
    from tokenfactory.build import browser

    widths, small = {}, []
    with browser.reader(site) as (base, reader):
        page = reader.new_page(width=390, height=844)
        for rel in browser.book_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            widths[rel] = page.evaluate("document.documentElement.scrollWidth")
            sizes = page.evaluate("""() => [...document.querySelectorAll('div[id^="altair-viz-"] svg text')]
                .filter(t => t.textContent.trim()).map(t => [parseFloat(getComputedStyle(t).fontSize), t.textContent])""")
            small += [(rel, size, text) for size, text in sizes if size < 11]
            # the footer's links (source code, citation) point at files of the site from every page
            for href in page.evaluate("[...document.querySelectorAll('a[data-tf-root]')].map(a => a.href)"):
                target = href.removeprefix(base + "/").split("#")[0]
                assert (site / target).exists(), f"{rel}: footer link {href} leads nowhere"
        assert not reader.errors, reader.errors
    wide = {rel: w for rel, w in widths.items() if w > 390}
    assert not wide, f"pages that scroll sideways at 390 px (scrollWidth): {wide}"
    assert not small, f"chart text under 11 px at 390 px: {small[:10]}"


def test_each_chart_offers_its_data_as_csv(site):
    """Beside each chart with data: a link to a CSV of that data, made in the page (no request)."""
    from tokenfactory.build import browser

    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        rel = _chapter_pages(site)[0]
        browser.open_page(page, f"{base}/{rel}")
        charts = page.evaluate("document.querySelectorAll('div[id^=\"altair-viz-\"]').length")
        links = page.query_selector_all("a.tf-csv")
        assert charts and len(links) >= charts
        with page.expect_download() as info:
            links[0].click()
        text = open(info.value.path(), encoding="utf-8").read()
        header, *rows = text.splitlines()
        assert "," in header and rows, text[:200]
        assert not reader.offsite


# --- Issue 24: whole charts, a phone menu, light pages, accessible pages -------------------------

#: Each chart's drawn width (the SVG or canvas Vega drew) against the width of its box in the
#: column, with whether the page had to scale it down (tf-charts.js, a last resort).
CHART_FIT = """() => [...document.querySelectorAll('div[id^="altair-viz-"]')].map(d => {
  const m = d.querySelector('svg.marks, canvas.marks');
  return {id: d.id, drawn: m ? m.getBoundingClientRect().width : -1, room: d.clientWidth,
          scaled: d.classList.contains('tf-scaled'),
          title: [...d.querySelectorAll('.role-title-text tspan, .role-title-text')].map(t => t.textContent).join(' ').slice(0, 60)};
})"""

FIT_WIDTHS = (1280, 768, 390)


def test_every_chart_fits_its_column(site):
    """On every page at 1280, 768 and 390 px, and printed (the PDF), every chart is drawn within
    its column: none loses its right edge. On a desktop or tablet no chart needs scaling down
    (charts of several panels are stacked or narrowed instead)."""
    from tokenfactory.build import browser

    over, scaled, seen = [], [], 0
    with browser.reader(site) as (base, reader):
        for width in (*FIT_WIDTHS, "print"):
            page = reader.new_page(width=800 if width == "print" else width, height=900)
            for rel in browser.book_pages(site):
                browser.open_page(page, f"{base}/{rel}")
                page.wait_for_function("() => window.tfChartsDrawn !== undefined || "
                                       "!document.querySelector('div[id^=\"altair-viz-\"]')", timeout=20000)
                if width == "print":
                    page.emulate_media(media="print")
                    page.wait_for_timeout(400)
                for chart in page.evaluate(CHART_FIT):
                    seen += 1
                    if chart["drawn"] <= 0 or chart["drawn"] > chart["room"] + 1:
                        over.append((width, rel, chart["title"], round(chart["drawn"]), chart["room"]))
                    if chart["scaled"] and width in (1280, 768):
                        scaled.append((width, rel, chart["title"]))
                if width == "print":
                    page.emulate_media(media="screen")
            page.context.close()
        assert not reader.errors, reader.errors
    assert seen, "no chart found on any page"
    assert not over, f"charts wider than their column (width, page, title, drawn px, column px): {over}"
    assert not scaled, f"charts scaled down on a wide screen: {scaled}"
    print(f"{seen} chart views measured, none overflows")


def _visible(page, selector: str):
    for handle in page.query_selector_all(selector):
        if handle.is_visible():
            return handle
    return None


def test_a_phone_reader_opens_the_menu_and_the_contents(site):
    """At 390 px with a touch screen: tapping the visible ☰ opens the site navigation drawer and
    tapping "On this page" opens the contents drawer of a long page, whose links move the reader
    to the section. At 1280 px the ☰ hides and shows the sidebar."""
    from tokenfactory.build import browser

    long_page = "book/data.html" if (site / "book" / "data.html").exists() else _chapter_pages(site)[0]
    with browser.reader(site) as (base, reader):
        context = reader.browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        context.route("**/*", reader._route)
        page = context.new_page()
        page.on("pageerror", lambda exc: reader.errors.append(f"{page.url}: uncaught {exc}"))
        browser.open_page(page, f"{base}/{long_page}")
        menu = _visible(page, ".primary-toggle")
        assert menu is not None, "no visible menu button at 390 px"
        menu.tap()
        page.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open", timeout=3000)
        links = page.evaluate("""[...document.querySelectorAll('#pst-primary-sidebar-modal a')]
            .filter(a => a.getBoundingClientRect().width > 0).length""")
        assert links >= 3, f"the menu drawer opened with {links} visible links"
        page.keyboard.press("Escape")
        page.wait_for_function("!document.getElementById('pst-primary-sidebar-modal').open", timeout=3000)

        toc = _visible(page, ".secondary-toggle")
        assert toc is not None, "no visible 'On this page' button at 390 px"
        toc.tap()
        page.wait_for_function("document.getElementById('pst-secondary-sidebar-modal').open", timeout=3000)
        target = page.evaluate("""(() => { const a = [...document.querySelectorAll('#pst-secondary-sidebar-modal a[href^="#"]')]
            .filter(a => a.getBoundingClientRect().height > 0); return a.length ? a[a.length - 1].getAttribute('href') : null; })()""")
        assert target, "the contents drawer lists no section"
        page.tap(f'#pst-secondary-sidebar-modal a[href="{target}"]')
        page.wait_for_timeout(500)
        assert page.evaluate("window.scrollY") > 800, f"tapping {target} in the contents did not move the page"
        context.close()

        desk = reader.new_page(width=1280, height=900)
        browser.open_page(desk, f"{base}/{long_page}")
        burger = _visible(desk, ".primary-toggle")
        assert burger is not None
        burger.click()
        desk.wait_for_timeout(300)
        assert desk.evaluate("document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"), \
            "the ☰ at 1280 px does not hide the sidebar"
        assert not reader.errors, reader.errors


#: Page weight limits, uncompressed bytes of every request a page makes (issue 24).
TEXT_PAGE_LIMIT = 1_000_000
CHART_PAGE_LIMIT = 2_000_000


def page_weight(reader, url: str, width: int = 1280) -> tuple[int, int, list[tuple[str, int]]]:
    """Bytes and number of every request of one page opened with an empty cache, largest first."""
    from tokenfactory.build import browser

    context = reader.browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", reader._route)
    page = context.new_page()
    sizes: list[tuple[str, int]] = []

    def done(request):
        try:
            body = request.response().body() if request.response() else b""
        except Exception:  # noqa: BLE001 - a request without a body (redirect, blob)
            body = b""
        sizes.append((request.url, len(body)))

    page.on("requestfinished", done)
    browser.open_page(page, url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    context.close()
    return sum(s for _, s in sizes), len(sizes), sorted(sizes, key=lambda x: -x[1])


def test_pages_are_light(site):
    """Every request counted, cache empty: a page without charts weighs at most 1 MB, a chapter at
    most 2 MB (uncompressed). The chart library loads only on pages with charts, once, deferred."""
    from tokenfactory.build import browser

    heavy, report = [], []
    with browser.reader(site) as (base, reader):
        for rel in browser.book_pages(site):
            html = (site / rel).read_text(encoding="utf-8")
            charts = 'id="altair-viz-' in html
            total, n, largest = page_weight(reader, f"{base}/{rel}")
            report.append(f"{rel}: {total / 1e6:.2f} MB in {n} requests")
            limit = CHART_PAGE_LIMIT if charts else TEXT_PAGE_LIMIT
            if total > limit:
                heavy.append((rel, total, [(u.rsplit('/', 1)[-1], s) for u, s in largest[:5]]))
            fonts = [u for u, _ in largest if "/webfonts/" in u]
            assert not fonts, f"{rel}: the icon font is downloaded ({fonts}): an icon is drawn from it, not as SVG"
            vega = [u for u, _ in largest if "altair-offline" in u]
            assert len(vega) == (1 if charts else 0), f"{rel}: the chart library was requested {len(vega)} times"
            if charts:
                assert ' defer="defer" src="../_static/vega/altair-offline.js' in html or \
                    'defer="defer" src="_static/vega/altair-offline.js' in html, f"{rel}: the chart library blocks the page"
        assert not reader.offsite, reader.offsite
    print("\n".join(report))
    assert not heavy, f"pages over their weight limit: {heavy}"


def _axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError:  # pragma: no cover - requirements.txt pins it
        pytest.fail("the Python package axe-playwright-python (which bundles axe-core) is missing: "
                    "pip install -r requirements.txt")
    from pathlib import Path

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


#: axe-core over WCAG 2.1 A/AA and best practice; `rules` switches single rules on or off.
AXE_RUN = """(rules) => axe.run(document, Object.assign({runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',
    'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']}, rules)).then(r => r.violations.map(v =>
    ({id: v.id, impact: v.impact, n: v.nodes.length,
      where: v.nodes.slice(0, 3).map(x => x.target.join(' ') + ' ' + (x.failureSummary || '').slice(0, 160))})))"""

#: The rules that read colours (the only ones a colour scheme can change); `color-contrast` is also
#: most of axe's time on these pages (25 of 30 s over the book, measured December 2026).
COLOUR_RULES = ("color-contrast", "link-in-text-block")

#: Each pass: (colour scheme, width, which rules). Every rule runs on every page at 1280 px in the
#: light theme; the dark theme changes colours only, so it re-runs the colour rules; the phone width
#: changes layout only (drawers, scrolling regions, wrapped tables), so it re-runs every rule but the
#: colour ones.
AXE_PASSES = (
    ("light", 1280, {}),
    ("dark", 1280, {"runOnly": {"type": "rule", "values": list(COLOUR_RULES)}}),
    ("light", 390, {"rules": {rule: {"enabled": False} for rule in COLOUR_RULES}}),
)


def test_no_serious_accessibility_problem(site):
    """axe-core (offline, bundled in the PyPI package axe-playwright-python) finds no serious or
    critical violation of WCAG 2.1 A/AA or best practice on any page: every rule at 1280 px in the
    light theme, the colour rules again in the dark theme (the theme follows the reader's system
    setting), every other rule again at 390 px (see AXE_PASSES)."""
    from tokenfactory.build import browser

    axe = _axe_script()
    found, counts = [], {}
    with browser.reader(site) as (base, reader):
        for scheme, width, rules in AXE_PASSES:
            context = reader.browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            context.route("**/*", reader._route)
            page = context.new_page()
            for rel in browser.book_pages(site):
                browser.open_page(page, f"{base}/{rel}")
                page.add_script_tag(content=axe)
                for v in page.evaluate(AXE_RUN, rules):
                    counts[(v["id"], v["impact"])] = counts.get((v["id"], v["impact"]), 0) + v["n"]
                    if v["impact"] in ("serious", "critical"):
                        found.append((scheme, width, rel, v["id"], v["n"], v["where"]))
            context.close()
    print("axe violations (rule, impact): nodes over all pages:", counts)
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(map(str, found[:20]))


def test_every_chart_has_a_name_and_a_description(site):
    """Each chart is an image named by its title and described in text (its notebook's description
    or its subtitle and the numbers it labels); the chart menu button has a name."""
    from tokenfactory.build import browser

    missing = []
    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            page.wait_for_function("window.tfChartsDrawn !== undefined", timeout=20000)
            for chart in page.evaluate("""() => [...document.querySelectorAll('div[id^="altair-viz-"]')].map(d => {
                const m = d.querySelector('svg.marks, canvas.marks');
                const desc = m && document.getElementById(m.getAttribute('aria-describedby') || '-');
                const s = d.querySelector('details > summary');
                return {id: d.id, role: m && m.getAttribute('role'), name: m && m.getAttribute('aria-label'),
                        desc: desc ? desc.textContent : '', menu: s ? s.getAttribute('aria-label') : 'none'};
            })"""):
                if chart["role"] != "img" or not (chart["name"] or "").strip() or chart["name"] == "Chart" \
                        or len(chart["desc"].strip()) < 10 or not chart["menu"]:
                    missing.append((rel, chart))
    assert not missing, f"charts without a name, a description or a named menu: {missing[:5]}"


def test_chart_csv_is_the_data_drawn_with_units(site):
    """Every chart's CSV link names the file after the chart and leaves out label-placing tables;
    where the chart titles a field, the CSV header gives that title (its unit) beside the name."""
    from tokenfactory.build import browser

    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        unit_headers = 0
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            page.wait_for_function("window.tfChartsDrawn !== undefined", timeout=20000)
            for names, texts in page.evaluate("""() => [...document.querySelectorAll('.tf-downloads')].map(p =>
                    [[...p.querySelectorAll('a.tf-csv')].map(a => a.download), [...p.querySelectorAll('a.tf-csv')].map(a => a.textContent)])"""):
                assert names and all(n.endswith(".csv") and not n.startswith("chart") for n in names), (rel, names)
                assert not any(t.startswith("table ") for t in texts), (rel, texts)
            links = page.query_selector_all("a.tf-csv")
            if links:
                with page.expect_download() as info:
                    links[0].click()
                header = open(info.value.path(), encoding="utf-8").readline()
                unit_headers += "(" in header
    assert unit_headers, "no chart CSV carries a unit in its header"


def test_every_page_has_a_favicon_and_one_notebook_link(site):
    """A favicon is declared (no request for /favicon.ico answers 404); a chapter offers its
    notebook once."""
    for rel in _chapter_pages(site):
        html = (site / rel).read_text(encoding="utf-8")
        assert 'rel="icon"' in html, rel
        import re

        links = set(re.findall(r'href="([^"]+\.ipynb)"', html))
        assert len(links) == 1, f"{rel}: the notebook is offered by {len(links)} links: {sorted(links)}"


def test_controls_read_as_the_reader_reads_them(site):
    """Every slider is at least 24 px tall (WCAG 2.5.8), and a slider over a share (its label says
    "share", its range within 0..1) shows its value as a percentage, also after a move."""
    from tokenfactory.build import browser

    shares, short = 0, []
    with browser.reader(site) as (base, reader):
        page = reader.new_page(width=390, height=844)
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            page.wait_for_function("window.tfChartsDrawn !== undefined", timeout=20000)
            for s in page.evaluate("""() => [...document.querySelectorAll('.vega-bindings input[type=range]')].map(i => ({
                    name: i.name, label: i.closest('.vega-bind').textContent, min: +i.min, max: +i.max,
                    height: i.getBoundingClientRect().height,
                    shown: i.nextElementSibling ? i.nextElementSibling.textContent : ''}))"""):
                if s["height"] < 24:
                    short.append((rel, s["name"], s["height"]))
                if "share" in s["label"].lower() and s["min"] >= 0 and s["max"] <= 1:
                    shares += 1
                    assert s["shown"].endswith("%"), f"{rel}: slider {s['name']} shows {s['shown']!r}, not a percentage"
            for handle in page.query_selector_all('.vega-bindings input[type=range]'):
                label = handle.evaluate("i => i.closest('.vega-bind').textContent.toLowerCase()")
                if "share" not in label:
                    continue
                handle.evaluate("i => { i.value = i.min; i.dispatchEvent(new Event('input', {bubbles: true})); }")
                page.wait_for_timeout(150)
                shown = handle.evaluate("i => i.nextElementSibling.textContent")
                assert shown.endswith("%"), f"{rel}: after a move the share slider shows {shown!r}"
    assert not short, f"sliders under 24 px tall: {short}"
    print(f"{shares} share sliders shown as percentages")
