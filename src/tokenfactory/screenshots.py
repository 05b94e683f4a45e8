"""`make screenshots`: a PNG of the front page and every chapter page of a built site.

Usage: python -m tokenfactory.screenshots HTML_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import browser
from .registry import CHAPTERS


def take(html_dir: Path, out_dir: Path, height: int = 3200) -> list[Path]:
    pages = ["index.html", *[f"notebooks/{cid}.html" for cid in CHAPTERS], "book/data.html", "book/reproduce.html"]
    shots = []
    with browser.serve(html_dir) as base:
        for rel in pages:
            if not (html_dir / rel).exists():
                continue
            name = rel.replace("/", "_").removesuffix(".html") + ".png"
            shots.append(browser.screenshot(f"{base}/{rel}", out_dir / name, height=height))
    return shots


def main() -> None:
    html_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    for shot in take(html_dir, out_dir):
        print(shot)


if __name__ == "__main__":
    main()
