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
from typing import Iterator

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
