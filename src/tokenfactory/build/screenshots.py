"""`make screenshots`: the front page, every chapter and the appendices at 1280 px and 390 px.

Usage: python -m tokenfactory.build.screenshots HTML_DIR OUT_DIR
Each PNG is the whole page (Playwright's full-page capture, after the charts are drawn), named
`<page>-<width>.png`. Look at them: a chart that renders can still be unreadable.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import browser

WIDTHS = (1280, 390)


def pages(html_dir: Path) -> list[str]:
    """Every page of a built site a reader would open (not the search or index pages)."""
    return browser.book_pages(html_dir)


def take(html_dir: Path, out_dir: Path, widths: tuple[int, ...] = WIDTHS) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = []
    with browser.reader(html_dir) as (base, r):
        for width in widths:
            page = r.new_page(width=width)
            for rel in pages(html_dir):
                browser.open_page(page, f"{base}/{rel}")
                name = rel.replace("/", "_").removesuffix(".html") + f"-{width}.png"
                page.screenshot(path=str(out_dir / name), full_page=True)
                shots.append(out_dir / name)
            page.context.close()
    return shots


def main() -> None:
    if len(sys.argv) != 3 or not (Path(sys.argv[1]) / "index.html").exists():
        raise SystemExit("usage: python -m tokenfactory.build.screenshots HTML_DIR OUT_DIR (HTML_DIR: a built "
                         f"site's html folder, with an index.html; got {sys.argv[1:]})")
    html_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    for shot in take(html_dir, out_dir):
        print(shot)


if __name__ == "__main__":
    main()
