"""Text from the data is shown as text: a `<script>` or quotes in a data cell never run or break
the page (table and chart tooltip data)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli

pytestmark = [pytest.mark.build, pytest.mark.browser]

EVIL = '<script>document.title="pwned"</script> "double" \'single\' & <b>bold</b>'


def test_data_strings_render_as_text(book_root):
    from tokenfactory import browser

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
    from tokenfactory import browser

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
    from tokenfactory import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: make test installs it (apt-get install -y chromium)")
    return built / "html"


def test_every_control_moves_its_chart_and_reset_restores_it(site):
    """On every chapter page: each bound input (slider, select, checkbox, radio) of each chart
    changes the chart's text (its title follows the control), and the Reset button brings the
    chart back to the page's setting."""
    from tokenfactory import browser

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
    from tokenfactory import browser

    done = 0
    with browser.reader(site) as (base, reader):
        page = reader.new_page()
        for rel in _chapter_pages(site):
            browser.open_page(page, f"{base}/{rel}")
            for chart_id, checks in page.evaluate(CHECKS):
                handle = page.query_selector(f"#{chart_id}")
                for check in checks:
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


def test_a_phone_reads_every_page_without_sideways_scrolling(site):
    """At 390 px: no page is wider than the screen (wide tables scroll in their own box), and the
    text of single-view charts (which take the column's width) stays at 11 px or more. The
    footer's links work from every page."""
    from tokenfactory import browser

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
    from tokenfactory import browser

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
