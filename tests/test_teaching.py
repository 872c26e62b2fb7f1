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
