"""What the browser tests share: Debian's chromium under playwright, the app on loopback, a static
server for local copies of pages, and an HTML copy of the guidance page made from the corpus text.

    from browserkit import browser, browser_type_launch_args, playwright, ...  # fixtures, by name

Never `playwright install` (it downloads a browser); every request stays on 127.0.0.1.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

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


# pytest-playwright keeps one sync Playwright for the whole session, and its event loop stays
# marked as running on this thread: every async test collected after a browser module would fail
# ("cannot be called from a running event loop"). These give each module its own, stopped at its end.
@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright, browser_name, browser_type_launch_args):
    browser = getattr(playwright, browser_name).launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def browser_context_args():
    return {"locale": "nb-NO"}  # a Norwegian browser: the chat's labels in bokmål


@pytest.fixture(scope="module")
def server(assistant, tmp_path_factory):
    """The app (UI and API) on loopback with its own feedback store: (url, store)."""
    from appserver import running
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(tmp_path_factory.mktemp("browser") / "feedback.sqlite3")
    with running(assistant, store) as url:
        yield url, store


@pytest.fixture
def requests(page):
    """Every URL the page asks for, checked after the test: loopback, data: or blob: only."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    yield seen
    outside = [u for u in seen if urlparse(u).scheme not in ("data", "blob")
               and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert seen and outside == []


def open_chat(page, url):
    """Loads the chat and returns its question box."""
    page.goto(url, wait_until="load")  # a Gradio page never reaches "networkidle"
    box = page.locator("#question textarea")
    box.wait_for()
    return box


def search_sources(page, section: str):
    """Opens the Kilder tab, checks it lists `section`, and searches "Hva koster det?" there."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Kilder").click()
    expect(page.locator("#sections")).to_contain_text(section)
    search = page.locator("#search textarea")
    search.fill("Hva koster det?")
    search.press("Enter")
    expect(page.locator("#hits")).to_contain_text("Pris per time NOK 1100")


def stored_votes(store, count, timeout=15.0):
    """The stored votes once there are `count` of them (the like event is asynchronous)."""
    deadline = time.monotonic() + timeout
    while len(rows := store.rows()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return rows


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
