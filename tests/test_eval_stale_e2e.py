"""The real thing: `make eval` on a copy of the project whose guidance says NOK 1200, not 1100.

One run (module fixture) of the real path: make -> python -m eval -> `assistant ask --json` in a
subprocess -> the copy's own index, built in its own data directory. The baseline is left out
(--no-baseline) to keep it to about half a minute; everything else is what a user runs.
Then Debian's chromium opens that run's report.html with every request off this machine
refused, and takes a screenshot into test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from eval import QUESTIONS, load_cases  # noqa: E402
from test_eval_guard import junit_ids, raise_price, validate_junit  # noqa: E402

BIN = Path(sys.executable).parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
PRICE_IDS = sorted(c.id for c in load_cases(QUESTIONS) if "1100" in c.facts)


@pytest.fixture(scope="module")
def stale_run(tmp_path_factory):
    """A copy of the project with the price raised, and what `make eval` said about it."""
    root = tmp_path_factory.mktemp("project")
    copy = root / "npr"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "report.md", "report.json", "report.html")
    for folder in ("assistant", "eval", "corpus"):
        shutil.copytree(REPO_ROOT / folder, copy / folder, ignore=skip)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO_ROOT / name, copy / name)
    raise_price(copy / "corpus")
    junit = root / "junit.xml"
    env = {**os.environ, **OFFLINE_VARIABLES, "ASSISTANT_DATA_DIR": str(root / "data")}
    env.pop("ASSISTANT_CORPUS_DIR", None)  # the copy's own corpus/
    # -o: never reinstall this test's venv from the copy (make would, were pyproject.toml newer)
    proc = subprocess.run(["make", "-o", f"{BIN}/.installed", "eval", f"BIN={BIN}",
                           f"EVAL_ARGS=--no-baseline --junit {junit}"],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    return copy, junit, proc


def test_make_eval_stops_with_3_and_names_the_price_cases(stale_run):
    copy, _, proc = stale_run
    # python -m eval exits 3; make passes it on as "Error 3" (GNU make itself always exits 2)
    assert "[Makefile" in proc.stderr and "eval] Error 3" in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 2
    (line,) = [x for x in proc.stderr.splitlines() if x.startswith("eval: ")]
    assert "questions.jsonl" in line and "stale case(s)" in line
    assert all(i in line for i in PRICE_IDS)
    assert "eval.sets" not in proc.stdout  # make stopped at the gate
    for i in PRICE_IDS:
        assert f"  {i}: /1100/ from the section 'Pris'" in proc.stdout


def test_the_same_runs_report_lists_pris_as_changed(stale_run):
    copy, _, _ = stale_run
    md = (copy / "eval" / "report.md").read_text(encoding="utf-8")
    assert "Sections 1 changed:" in md and "**The guidance changed under the cases:**" in md
    assert ("changed  Pris (corpus/npr_guidance_no.txt): … per time NOK [-1100,--]{+1200,-+} eks. mva."
            in md)
    report = json.loads((copy / "eval" / "report.json").read_text(encoding="utf-8"))
    assert [(c["kind"], c["heading"]) for c in report["corpus_changes"]] == [("changed", "Pris")]
    assert sorted({s["id"] for s in report["stale_cases"]}) == PRICE_IDS
    assert not {c["id"] for c in report["cases"]} & set(PRICE_IDS)  # kept out of the figures
    assert report["figures"]["overall"]["cases"] == len(load_cases(QUESTIONS)) - len(PRICE_IDS)
    # the real assistant quoted the new price from the copy's guidance, where asked
    assert "1200" in (copy / "corpus" / "npr_guidance_no.txt").read_text(encoding="utf-8")


def test_the_junit_file_validates_and_fails_what_the_report_fails(stale_run):
    copy, junit, _ = stale_run
    validate_junit(junit)
    report = json.loads((copy / "eval" / "report.json").read_text(encoding="utf-8"))
    failing = sorted(c["id"] for c in report["cases"] if not c["passed"])
    assert sorted(junit_ids(junit, "failure")) == failing
    assert sorted(junit_ids(junit, "skipped")) == PRICE_IDS
    md = (copy / "eval" / "report.md").read_text(encoding="utf-8")
    assert f"## Failing cases ({len(failing)})" in md


def test_report_html_opens_offline_in_chromium_and_shows_the_plots(stale_run):
    from playwright.sync_api import sync_playwright

    copy, _, _ = stale_run
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need Debian's chromium: apt-get install -y chromium "
                    "(never `playwright install`, it downloads from the internet).")
    page_file = copy / "eval" / "report.html"
    refused: list[str] = []

    def only_the_file(route):
        if urlparse(route.request.url).scheme in ("file", "data"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", only_the_file)
            page.goto(page_file.as_uri(), wait_until="load")
            for plot in ("plot-languages", "plot-confusion", "plot-calibration", "plot-latency"):
                svg = page.locator(f"#{plot} svg")
                box = svg.bounding_box()
                assert box and box["width"] > 200 and box["height"] > 150, plot
                assert svg.locator("path").count() > 20, plot  # drawn: bars, glyphs, axes
            assert "changed  Pris" in page.locator("#guidance").inner_text()
            assert f"{len(PRICE_IDS)} stale case(s)" in page.locator("#needs-review").inner_text()
            assert page.locator("#stale tr").count() == len(PRICE_IDS) + 1
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "eval-report.png"), full_page=True)
        finally:
            browser.close()
    assert refused == []
    assert (ARTIFACTS / "eval-report.png").stat().st_size > 10_000
