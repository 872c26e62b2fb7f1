"""The eval guards a guidance that changes: section diffs, stale cases, HTML, JUnit and history.

Pure pieces are checked with literals; the command (`python -m eval`) runs with injected
answerers on a copy of the corpus where the price went from NOK 1100 to NOK 1200. The real
path (`make eval` on a copy of the project, the real assistant) is tests/test_eval_stale_e2e.py.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

from assistant.corpus import load_documents, load_sections
from assistant.corpus_diff import (SectionChange, build_changes, describe, diff_sections, record_build,
                                   snapshot, word_diff)
from assistant.records import Chunk
from assistant.settings import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
# matplotlib keeps its font cache here, not in the home directory
os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "npr-assistant-mpl"))

from eval import QUESTIONS, MockAnswerer, load_cases  # noqa: E402
from eval.__main__ import CHECKED, main  # noqa: E402
from eval.cases import Case  # noqa: E402
from eval.checked import corpus_hash, load_checked, triage, write_checked  # noqa: E402
from eval.history import COLUMNS  # noqa: E402
from test_eval import abstained, answered, oracle  # noqa: E402

SCHEMA = Path(__file__).parent / "fixtures" / "junit.xsd"
PRICE_IDS = sorted(c.id for c in load_cases(QUESTIONS) if "1100" in c.facts)


def raise_price(corpus: Path) -> None:
    guidance = corpus / "npr_guidance_no.txt"
    text = guidance.read_text(encoding="utf-8")
    assert text.count("NOK 1100") == 1
    guidance.write_text(text.replace("NOK 1100", "NOK 1200"), encoding="utf-8")


# --- corpus_diff: pure ------------------------------------------------------------------------

def test_word_diff_shows_the_changed_words_with_context():
    assert (word_diff("Pris per time NOK 1100,- eks. mva.", "Pris per time NOK 1200,- eks. mva.")
            == "… per time NOK [-1100,--]{+1200,-+} eks. mva.")
    assert word_diff("a b c", "a  b\nc") == ""  # whitespace is not a change of words
    assert word_diff("a b c d e f g h i", "a b c d e f g h i j") == "… g h i {+j+}"
    assert word_diff("x a b c d e f g h y", "a b c d e f g h") == "[-x-] a b c … f g h [-y-]"
    assert len(word_diff("a " * 500, "b " * 500, limit=40)) == 40


def test_diff_sections_names_added_removed_and_changed():
    old = [{"source": "f", "heading": "Pris", "text": "NOK 1100"},
           {"source": "f", "heading": "Kontakt", "text": "Skriv til oss"}]
    new = [{"source": "f", "heading": "Pris", "text": "NOK 1200"},
           {"source": "f", "heading": "Frister", "text": "60 dager"}]
    assert diff_sections(old, new) == [
        SectionChange("changed", "f", "Pris", "NOK [-1100-]{+1200+}"),
        SectionChange("added", "f", "Frister", "60 dager"),
        SectionChange("removed", "f", "Kontakt", "Skriv til oss")]
    assert describe(diff_sections(old, new))[0] == "Sections 1 added, 1 removed, 1 changed:"
    assert describe([]) == ["No section's words changed."]
    assert diff_sections(old, old) == []


def test_snapshot_joins_the_chunks_of_a_section():
    chunks = [Chunk("1", "f", "t", "Pris", "", 0, 3, "NOK"), Chunk("2", "f", "t", "Pris", "", 5, 9, "1100"),
              Chunk("3", "f", "t", "Frister", "", 20, 28, "60 dager")]
    assert snapshot(chunks) == [{"source": "f", "heading": "Pris", "text": "NOK\n\n1100"},
                                {"source": "f", "heading": "Frister", "text": "60 dager"}]


def test_record_build_keeps_what_each_build_changed(tmp_path):
    first = [Chunk("1", "f", "t", "Pris", "", 0, 8, "NOK 1100")]
    record_build(tmp_path, first, "b1")
    assert build_changes(tmp_path, "b1") is None  # nothing to compare the first build with
    record_build(tmp_path, [Chunk("1", "f", "t", "Pris", "", 0, 8, "NOK 1200")], "b2")
    assert build_changes(tmp_path, "b2") == [SectionChange("changed", "f", "Pris", "NOK [-1100-]{+1200+}")]
    assert build_changes(tmp_path, "b1") is None  # only the live build's changes are kept
    (tmp_path / "changes.json").write_text("{broken", encoding="utf-8")
    assert build_changes(tmp_path, "b2") is None


def test_assistant_index_prints_the_changed_section(corpus_copy, monkeypatch, capsys):
    from assistant.cli import main as cli

    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    assert cli(["index"]) == 0
    assert "No earlier build in this data directory" in capsys.readouterr().out
    raise_price(corpus_copy)
    assert cli(["index"]) == 0
    out = capsys.readouterr().out
    assert "Index built" in out and "What changed in the guidance since the last build:" in out
    assert "Sections 1 changed:" in out
    assert "changed  Pris (" in out and "NOK [-1100,--]{+1200,-+} eks. mva." in out
    assert cli(["index"]) == 0  # up to date: nothing to say about changes
    assert "What changed" not in capsys.readouterr().out


# --- stale cases ------------------------------------------------------------------------------

def _guidance(corpus: Path):
    docs = load_documents(corpus)
    return docs, load_sections(docs)


def test_the_committed_check_is_of_todays_guidance():
    checked = load_checked(CHECKED)
    docs, sections = _guidance(REPO_ROOT / "corpus")
    assert checked is not None and checked.corpus == corpus_hash(docs)
    assert list(checked.sections) == snapshot(sections)


def test_triage_tells_stale_cases_from_typos(corpus_copy):
    checked = load_checked(CHECKED)
    cases = load_cases(QUESTIONS)
    raise_price(corpus_copy)
    docs, sections = _guidance(corpus_copy)
    review = triage(cases, docs, sections, checked)
    assert review.changed and review.problems == () and review.needs_review
    assert sorted(review.stale_ids) == PRICE_IDS and len(PRICE_IDS) >= 8
    assert {(s.fact, s.section) for s in review.stale} == {("1100", "Pris")}
    assert [(c.kind, c.heading) for c in review.changes] == [("changed", "Pris")]
    # a new case with a typo is still a mistake in the file, corpus change or not
    typo = Case("new-01", "Hva koster det?", "nb", True, ("NOK 1300",), ("Pris",))
    review = triage(cases + [typo], docs, sections, checked)
    assert any("new-01: fact 'NOK 1300' does not occur" in p for p in review.problems)
    # the same missing fact against the guidance it was checked with: a mistake, not stale
    same = write_checked(corpus_copy / "checked.json", docs, sections)
    review = triage(cases, docs, sections, same)
    assert not review.changed and review.stale == ()
    assert any("pris-01: fact '1100' does not occur" in p for p in review.problems)


def test_a_removed_section_makes_its_cases_stale_and_lists_uncovered(corpus_copy):
    checked = load_checked(CHECKED)
    guidance = corpus_copy / "npr_guidance_no.txt"
    text = guidance.read_text(encoding="utf-8")
    guidance.write_text(text.replace("\nLeveringsfrister\n", "\nNår får jeg data\n"), encoding="utf-8")
    docs, sections = _guidance(corpus_copy)
    review = triage(load_cases(QUESTIONS), docs, sections, checked)
    assert review.problems == ()
    assert ("Leveringsfrister", "Leveringsfrister") in {(s.fact, s.section) for s in review.stale}
    assert "Når får jeg data" in review.uncovered
    # a smaller set (held-out) need not cover every section: only its stale cases call for review
    small = [c for c in load_cases(QUESTIONS) if c.id.startswith("pris-")]
    review = triage(small, docs, sections, checked, complete=False)
    assert review.uncovered and review.stale == () and not review.needs_review
    kinds = {(c.kind, c.heading) for c in review.changes}
    assert {("added", "Når får jeg data"), ("removed", "Leveringsfrister")} <= kinds


def test_eval_on_a_raised_price_exits_3_and_reports_the_change(corpus_copy, tmp_path, monkeypatch, capsys):
    cases = load_cases(QUESTIONS)
    raise_price(corpus_copy)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    junit = tmp_path / "junit.xml"
    code = main(["--out", str(tmp_path), "--junit", str(junit)], answerer=oracle(cases),
                baseline=MockAnswerer(lambda q: answered(q, "Pris")))
    captured = capsys.readouterr()
    assert code == 3
    line = captured.err.strip()
    assert "\n" not in line and "questions.jsonl" in line and "make eval-checked" in line
    assert all(i in line for i in PRICE_IDS)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert sorted({s["id"] for s in report["stale_cases"]}) == PRICE_IDS
    assert report["figures"]["overall"]["cases"] == len(cases) - len(PRICE_IDS)  # kept out
    assert [(c["kind"], c["heading"]) for c in report["corpus_changes"]] == [("changed", "Pris")]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"changed  Pris ({corpus_copy / 'npr_guidance_no.txt'}): … per time NOK [-1100,--]{{+1200,-+}} eks. mva." in md
    assert "pris-01: /1100/ from the section 'Pris'" in md
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "[-1100,--]{+1200,-+}" in page and "pris-01" in page
    # a stale case is a skipped test case in JUnit, not a failure
    validate_junit(junit)
    skipped = junit_ids(junit, "skipped")
    assert sorted(skipped) == PRICE_IDS and junit_ids(junit, "failure") == []


def test_a_typo_in_a_new_case_stays_exit_2(corpus_copy, tmp_path, monkeypatch, capsys):
    raise_price(corpus_copy)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    cases = tmp_path / "questions.jsonl"
    cases.write_text(QUESTIONS.read_text(encoding="utf-8") + json.dumps(
        {"id": "new-01", "lang": "nb", "answerable": True, "question": "Pris?", "facts": ["NOK 1300"],
         "section": "Pris"}) + "\n", encoding="utf-8")
    assert main(["--cases", str(cases), "--out", str(tmp_path)], answerer=MockAnswerer(abstained)) == 2
    err = capsys.readouterr().err
    assert "new-01: fact 'NOK 1300' does not occur" in err and "pris-01" not in err


def test_mark_checked_refuses_while_cases_are_stale(corpus_copy, tmp_path, monkeypatch, capsys):
    checked = tmp_path / "checked.json"
    checked.write_bytes(CHECKED.read_bytes())
    raise_price(corpus_copy)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    assert main(["--checked", str(checked), "--mark-checked"]) == 3
    assert checked.read_bytes() == CHECKED.read_bytes()  # untouched
    assert "still has stale cases" in capsys.readouterr().err
    # the guidance it was checked with: nothing to write (no churn in git)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(REPO_ROOT / "corpus"))
    assert main(["--checked", str(checked), "--mark-checked"]) == 0
    assert checked.read_bytes() == CHECKED.read_bytes()
    assert "already records today's guidance" in capsys.readouterr().out
    # the price cases updated to the new price: now it can be recorded
    raised = tmp_path / "questions.jsonl"
    raised.write_text(QUESTIONS.read_text(encoding="utf-8").replace('"1100"', '"1200"'), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    monkeypatch.setattr("eval.__main__.CASE_FILES", (raised,))
    monkeypatch.setattr("eval.__main__.QUESTIONS", raised)
    assert main(["--checked", str(checked), "--mark-checked"]) == 0
    docs, sections = _guidance(corpus_copy)
    assert load_checked(checked).corpus == corpus_hash(docs) != load_checked(CHECKED).corpus
    # and the run counts every case again (the oracle quotes the repo's own 1100: --no-gate)
    assert main(["--cases", str(raised), "--checked", str(checked), "--out", str(tmp_path), "--no-gate"],
                answerer=oracle(load_cases(raised))) == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["stale_cases"] == [] and report["figures"]["overall"]["cases"] == len(load_cases(QUESTIONS))


def test_an_unchanged_guidance_runs_as_before(tmp_path, capsys):
    cases = load_cases(QUESTIONS)
    assert main(["--out", str(tmp_path)], answerer=oracle(cases)) == 0
    out = capsys.readouterr().out
    assert "Gate passed" in out
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "The guidance is the one the cases were checked against" in md and "Stale cases" not in md


# --- JUnit ------------------------------------------------------------------------------------

def validate_junit(path: Path) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log.filter_from_errors()


def junit_ids(path: Path, kind: str) -> list[str]:
    from lxml import etree

    return [tc.get("name").split(":")[0] for tc in etree.parse(str(path)).iter("testcase")
            if tc.find(kind) is not None]


def test_schema_rejects_a_broken_junit_file(tmp_path):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    bad = etree.fromstring(b'<testsuites><testsuite name="x" tests="two" failures="0" errors="0">'
                           b'<testcase name="a" classname="c"><failure/><skipped/></testcase>'
                           b'</testsuite></testsuites>')
    assert not schema.validate(bad)


def test_junit_failures_are_the_reports_failing_cases(tmp_path):
    cases = load_cases(QUESTIONS)
    always_price = MockAnswerer(lambda q: answered(q, "Pris"))
    junit = tmp_path / "junit.xml"
    assert main(["--out", str(tmp_path), "--junit", str(junit)], answerer=always_price) == 1
    validate_junit(junit)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    failing = sorted(c["id"] for c in report["cases"] if not c["passed"])
    assert sorted(junit_ids(junit, "failure")) == failing and len(failing) > 50
    assert len(junit_ids(junit, "system-out")) == len(cases)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert all(f"id='case-{i}'" in page for i in failing)


# --- history and the HTML page ----------------------------------------------------------------

def test_history_appends_one_row_per_run_and_the_page_plots_it(tmp_path):
    cases = load_cases(QUESTIONS)
    history = tmp_path / "history.csv"
    for _ in range(2):
        assert main(["--out", str(tmp_path), "--history", str(history)], answerer=oracle(cases)) == 0
    rows = list(csv.DictReader(history.open(encoding="utf-8")))
    assert len(rows) == 2 and list(rows[0]) == COLUMNS
    assert rows[1]["set"] == "questions" and rows[1]["gate"] == "passed"
    assert float(rows[1]["overall.fact_accuracy"]) == 1.0 and rows[1]["nn.hit@1"] == "1.0000"
    assert rows[1]["corpus"] == load_checked(CHECKED).corpus[:12]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "id='plot-trend'" in page and page.count("<svg") == 5
    # without --history nothing is written and the page says how to keep one
    assert main(["--out", str(tmp_path)], answerer=oracle(cases)) == 0
    assert len(history.read_text(encoding="utf-8").splitlines()) == 3
    assert "No history kept" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_page_is_self_contained(tmp_path):
    cases = load_cases(QUESTIONS)
    assert main(["--out", str(tmp_path)], answerer=oracle(cases),
                baseline=MockAnswerer(lambda q: answered(q, "Pris"))) == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for plot in ("plot-languages", "plot-confusion", "plot-calibration", "plot-latency"):
        assert f'id="{plot}"' in page
    assert page.count("<svg") >= 4
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/", "")
    assert "https://" not in page and "<link" not in page and "@import" not in page
