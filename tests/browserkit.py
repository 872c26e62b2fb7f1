"""What the browser tests share: Debian's chromium under playwright, the app on loopback, a static
server for local copies of pages, and an HTML copy of the guidance page made from the corpus text.

    from browserkit import browser, browser_type_launch_args, playwright, static_site, page_copy  # fixtures

Never `playwright install` (it downloads a browser); every request stays on 127.0.0.1.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦]|\d{1,2}[.)])\s+")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need Debian's chromium: apt-get install -y chromium "
                    "(never `playwright install`, it downloads from the internet).")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run",
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]}


# a module's own sync Playwright, stopped at its end (see test_browser.py for why)
@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright, browser_name, browser_type_launch_args):
    browser = getattr(playwright, browser_name).launch(**browser_type_launch_args)
    yield browser
    browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is for failures, not for each GET
        pass


@contextmanager
def serving(folder: Path):
    """A static HTTP server for `folder` on a free loopback port; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def page_copy(text: str, title: str, headings: set[str]) -> str:
    """An HTML page with the text's blocks as the official page has them: headings as <h2>,
    list items as <li>, other lines as <p>. Bullets are list markers, not text."""
    out, in_list = [], False
    for line in text.split("\n"):
        if not line.strip():
            continue
        item = BULLET.match(line)
        if item and not in_list:
            out.append("<ul>")
        if not item and in_list:
            out.append("</ul>")
        in_list = bool(item)
        body = html.escape(line[item.end():].strip() if item else line.strip())
        tag = "li" if item else "h2" if line.strip() in headings else "p"
        out.append(f"<{tag}>{body}</{tag}>")
    if in_list:
        out.append("</ul>")
    return (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{html.escape(title)}'
            f'</title></head><body><h1>{html.escape(title)}</h1>{"".join(out)}</body></html>')
