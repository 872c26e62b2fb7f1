"""The support team teaches the assistant from thumbs-down answers (staff_app.lesson_for).

A real Assistant on a copy of the corpus: the lesson lands in the copy's example file and in a
temporary eval file, and the next Assistant started on that corpus knows the new example.
"""

from __future__ import annotations

import json
import sys

import yaml

from assistant import Assistant
from assistant.feedback import FeedbackStore
from assistant.records import Answer
from assistant.settings import Settings
from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from staff_app import NOT_COVERED, lesson_for  # noqa: E402


def test_a_thumbs_down_answer_becomes_an_example_and_a_case(tmp_path, corpus_copy):
    settings = Settings.from_env().with_(data_dir=tmp_path / "data", corpus_dir=corpus_copy)
    a = Assistant(settings)
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.record(Answer("Hvor mye må vi punge ut for et uttrekk?", "…", True, lang="nb"), False, "s", 1)
    store.record(Answer("Kan dere sende dataene på en minnepinne?", "…", False, lang="nb"), False, "s", 2)
    first, second = (r["id"] for r in store.rows("down"))
    cases = tmp_path / "questions.jsonl"
    cases.write_text("", encoding="utf-8")

    said = lesson_for(a, first, "Pris", store, cases)
    assert "eksempelspørsmål" in said.lower() and "staff-001" in said
    examples = yaml.safe_load((corpus_copy / "npr_guidance_no.questions.yaml").read_text(encoding="utf-8"))
    assert examples["sections"]["Pris"]["nb"][-1] == "Hvor mye må vi punge ut for et uttrekk?"
    case = json.loads(cases.read_text(encoding="utf-8").splitlines()[0])
    assert case["section"] == "Pris" and case["answerable"] and case["facts"]

    assert "staff-002" in lesson_for(a, second, NOT_COVERED, store, cases)
    examples = yaml.safe_load((corpus_copy / "npr_guidance_no.questions.yaml").read_text(encoding="utf-8"))
    assert "Kan dere sende dataene på en minnepinne?" in examples["out_of_scope"]["nb"]
    assert "ingenting endret" in lesson_for(a, first, "Pris", store, cases)  # never twice
    assert "ikke en overskrift" in lesson_for(a, first, "Prsi", store, cases)

    again = Assistant(settings)  # the next start indexes the new example
    assert again.built and any(e.text == "Hvor mye må vi punge ut for et uttrekk?" for e in again.examples)


# --- what a lesson must never lose or break (teach on temporary files; no model where none is needed)

import re  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402

from assistant.corpus import load_documents  # noqa: E402
from assistant.teaching import TeachingError, case_for, teach  # noqa: E402
from eval.metrics import missing_facts  # noqa: E402

SMALL = 'sections:\n  "Pris":\n    nb:\n      - "Pris?"\nout_of_scope:\n  nb:\n    - "Været?"\n'
PRIS = " • Pris per time NOK 1100,- eks. mva.\n • Helsedirektoratet fakturerer medgått tid til saksbehandling."


def _files(tmp_path, examples_text=SMALL, cases_text='{"id": "a", "question": "Pris?"}\n'):
    examples, cases = tmp_path / "x.questions.yaml", tmp_path / "questions.jsonl"
    examples.write_text(examples_text, encoding="utf-8")
    cases.write_text(cases_text, encoding="utf-8")
    return examples, cases


def test_eight_lessons_at_once_keep_all_eight(tmp_path):
    examples, cases = _files(tmp_path)
    questions = [f"Hva koster uttrekk nummer {i}?" for i in range(8)]
    start, errors = threading.Barrier(8), []

    def one(q):
        start.wait()  # all eight read-modify-write together, as eight clicks would
        try:
            teach(q, "nb", "Pris", examples, cases, PRIS)
        except Exception as exc:  # noqa: BLE001  (any error is a lost lesson)
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(yaml.safe_load(examples.read_text(encoding="utf-8"))["sections"]["Pris"]["nb"]) == sorted(["Pris?", *questions])
    added = [json.loads(line) for line in cases.read_text(encoding="utf-8").splitlines()[1:]]
    assert sorted(c["question"] for c in added) == sorted(questions)
    assert sorted(c["id"] for c in added) == [f"staff-{i:03d}" for i in range(1, 9)]
    # only the lock files stay beside them: no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".questions.jsonl.lock", ".x.questions.yaml.lock", "questions.jsonl", "x.questions.yaml"]


@pytest.mark.parametrize("which", ["examples", "cases"])
def test_a_read_only_file_is_refused_and_neither_file_changes(tmp_path, which):
    examples, cases = _files(tmp_path)
    target = examples if which == "examples" else cases
    target.chmod(0o444)
    before = {p: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in (examples, cases)}
    with pytest.raises(TeachingError, match=rf"{re.escape(target.name)} is read-only.*chmod u\+w"):
        teach("Hva koster det?", "nb", "Pris", examples, cases, PRIS)
    assert {p: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in (examples, cases)} == before


def test_a_taught_file_keeps_its_own_mode(tmp_path):
    examples, cases = _files(tmp_path)
    examples.chmod(0o600)
    cases.chmod(0o664)
    teach("Hva koster det?", "nb", "Pris", examples, cases, PRIS)
    assert "Hva koster det?" in examples.read_text(encoding="utf-8")
    assert (stat.S_IMODE(examples.stat().st_mode), stat.S_IMODE(cases.stat().st_mode)) == (0o600, 0o664)


def test_a_symbolic_link_is_refused_and_stays_a_link_to_an_unchanged_target(tmp_path):
    examples, cases = _files(tmp_path)
    link = tmp_path / "y.questions.yaml"
    link.symlink_to(examples)
    with pytest.raises(TeachingError, match="symbolic link"):
        teach("Hva koster det?", "nb", "Pris", link, cases, PRIS)
    assert link.is_symlink() and examples.read_text(encoding="utf-8") == SMALL
    assert len(cases.read_text(encoding="utf-8").splitlines()) == 1


def test_crlf_files_get_only_the_added_lines_in_crlf(tmp_path):
    crlf = SMALL.replace("\n", "\r\n")
    examples, cases = tmp_path / "x.questions.yaml", tmp_path / "questions.jsonl"
    examples.write_bytes(crlf.encode("utf-8"))
    cases.write_bytes(b'{"id": "a", "question": "Pris?"}\r\n')
    teach("Hva koster det?", "nb", "Pris", examples, cases, PRIS)
    assert examples.read_bytes() == crlf.replace('- "Pris?"\r\n', '- "Pris?"\r\n      - "Hva koster det?"\r\n').encode("utf-8")
    first, added, end = cases.read_bytes().partition(b"\r\n")[0], cases.read_bytes().split(b"\r\n")[1], cases.read_bytes()[-2:]
    assert first == b'{"id": "a", "question": "Pris?"}' and json.loads(added)["id"] == "staff-001" and end == b"\r\n"
    assert cases.read_bytes().count(b"\n") == cases.read_bytes().count(b"\r\n") == 2


def _stub(corpus, sections=()):
    """What lesson_for reads of an Assistant: its documents and sections (no model needed)."""
    return SimpleNamespace(documents=load_documents(corpus), sections=list(sections))


def _thumbs_down(tmp_path, question):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.record(Answer(question, "…", False, lang="nb"), False, "s", 1)
    return store, store.rows("down")[-1]["id"]


def test_not_covered_goes_to_the_example_file_that_exists_and_creates_none(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_first.txt").write_text("Først\n\nEn tekst om noe annet.\n", encoding="utf-8")
    (corpus / "b_guidance.txt").write_text("Pris\n\nPris per time NOK 1100.\n", encoding="utf-8")
    (corpus / "b_guidance.questions.yaml").write_text(SMALL, encoding="utf-8")
    store, fid = _thumbs_down(tmp_path, "Kan dere sende dataene på en minnepinne?")
    cases = tmp_path / "questions.jsonl"

    said = lesson_for(_stub(corpus), fid, NOT_COVERED, store, cases)
    assert "b_guidance.questions.yaml" in said and "staff-001" in said
    data = yaml.safe_load((corpus / "b_guidance.questions.yaml").read_text(encoding="utf-8"))
    assert data["out_of_scope"]["nb"] == ["Været?", "Kan dere sende dataene på en minnepinne?"]
    assert not (corpus / "a_first.questions.yaml").exists()


def test_the_staff_app_says_a_read_only_file_in_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guidance.txt").write_text("Pris\n\nPris per time NOK 1100.\n", encoding="utf-8")
    (corpus / "guidance.questions.yaml").write_text(SMALL, encoding="utf-8")
    (corpus / "guidance.questions.yaml").chmod(0o444)
    store, fid = _thumbs_down(tmp_path, "Hva blir været?")
    said = lesson_for(_stub(corpus), fid, NOT_COVERED, store, tmp_path / "questions.jsonl")
    assert said.startswith("Kunne ikke lagre: ") and "read-only" in said and "\n" not in said
    assert (corpus / "guidance.questions.yaml").read_text(encoding="utf-8") == SMALL
    assert not (tmp_path / "questions.jsonl").exists()


def test_the_fact_of_a_taught_case_is_in_the_real_answer(assistant):
    """Pris opens with a list: the fact is its first item, which the answer quotes on its own."""
    pris = next(s for s in assistant.sections if s.heading == "Pris")
    facts = case_for("Hvor mye koster en time?", "nb", "Pris", pris.text, "staff-001")["facts"]
    assert facts == [re.escape("Pris per time NOK 1100,- eks. mva.")]
    answer = assistant.ask("Hvor mye koster en time?")
    assert missing_facts(facts, answer.answer, [c.quote for c in answer.citations]) == ()
