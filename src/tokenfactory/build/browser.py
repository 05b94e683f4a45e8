"""Look at the built site as a reader would: headless Chromium against a loopback server.

Used by the browser tests and by `make screenshots`. Chromium is Debian's (`.ci/run` installs it).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--hide-scrollbars", "--mute-audio"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _run(args: list[str], timeout: int = 90) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def dump_dom(url: str, budget_ms: int = 15000) -> str:
    """The page's DOM after scripts ran (charts drawn)."""
    return _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", url]).stdout


def screenshot(url: str, path: Path, width: int = 1280, height: int = 2400, budget_ms: int = 15000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _run([f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height}", f"--screenshot={path}", url])
    return path


def console_and_requests(url: str, budget_ms: int = 15000) -> tuple[list[str], list[str]]:
    """JavaScript console errors logged by the page, and every URL the page's network log shows."""
    with tempfile.TemporaryDirectory() as tmp:
        netlog = Path(tmp) / "net.json"
        proc = _run([f"--virtual-time-budget={budget_ms}", "--enable-logging=stderr", "--v=0",
                     f"--log-net-log={netlog}", "--dump-dom", url])
        errors = [line for line in proc.stderr.splitlines()
                  if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]
        urls: list[str] = []
        if netlog.exists():
            urls = page_requests(netlog.read_text(encoding="utf-8", errors="replace"), url)
        return errors, urls


def page_requests(netlog: str, page_url: str) -> list[str]:
    """URLs requested by the page itself: its own URL and whatever it initiated.

    Chromium makes requests of its own (updates, accounts) even headless; those carry no initiator
    from our origin, so they are left out.
    """
    from urllib.parse import urlsplit

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page_url))
    text = netlog.rstrip()
    for candidate in (text, text.rstrip(",") + "]}"):
        try:
            events = json.loads(candidate).get("events", [])
            break
        except json.JSONDecodeError:
            continue
    else:
        return []
    out = []
    for event in events:
        params = event.get("params") or {}
        target = params.get("url")
        if not target:
            continue
        initiator = str(params.get("initiator", ""))
        if target.startswith(origin) or initiator.startswith(origin):
            out.append(target)
    return sorted(set(out))


# --- Playwright: a reader who scrolls, clicks and moves sliders -----------------------------------
# Playwright for Python drives Debian's Chromium (`executable_path`); it never downloads a browser.

#: Waits until every Altair chart on the page has drawn its SVG (or canvas).
CHARTS_DRAWN = """() => [...document.querySelectorAll('div[id^="altair-viz-"]')]
    .every(d => d.querySelector('svg.marks, canvas.marks'))"""


def book_pages(html_dir: Path) -> list[str]:
    """Every page a reader opens in a built site (relative paths): not search, the general index,
    the redirecting top-level index.html, or anything under _static."""
    out = []
    for page in sorted(Path(html_dir).rglob("*.html")):
        rel = page.relative_to(html_dir).as_posix()
        if page.name in ("genindex.html", "search.html") or rel.startswith(("_static/", "_sources/")):
            continue
        if rel == "index.html" and 'http-equiv="Refresh"' in page.read_text(encoding="utf-8", errors="replace")[:500]:
            continue
        out.append(rel)
    return out


class Reader:
    """A headless browser on a loopback server. Requests off the server are blocked and recorded
    (`offsite`); console errors and uncaught exceptions of every page opened are in `errors`."""

    def __init__(self, base: str, browser: Any) -> None:
        self.base = base
        self.browser = browser
        self.offsite: list[str] = []
        self.errors: list[str] = []

    def new_page(self, width: int = 1280, height: int = 900) -> Any:
        context = self.browser.new_context(viewport={"width": width, "height": height})
        context.route("**/*", self._route)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: uncaught {exc}"))
        return page

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort()


@contextlib.contextmanager
def reader(html_dir: Path) -> Iterator[tuple[str, "Reader"]]:
    """Serve `html_dir` on loopback and open a headless Chromium on it (Playwright)."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("Chromium is not installed: make test installs it (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - requirements.txt pins it
        raise RuntimeError("the Python package playwright is missing: pip install -r requirements.txt") from exc
    with serve(Path(html_dir)) as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                                          "--disable-background-networking"])
        try:
            yield base, Reader(base, b)
        finally:
            b.close()


def open_page(page: Any, url: str, timeout_ms: int = 20000) -> None:
    """Open `url` and wait until its charts are drawn."""
    page.goto(url, wait_until="load")
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)
    page.wait_for_timeout(200)
