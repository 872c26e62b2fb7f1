"""The evaluation harness: metric helpers with literals, the question file, and the gate.

The gate tests run the harness with injected answerers (no model): a broken one must fail the
gate, an oracle built from the guidance must pass it. One small end-to-end test drives the real
`assistant ask --json` subprocess to check the contract the harness relies on.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

import pytest

from assistant.corpus import load_documents, load_sections
from assistant.records import Answer, Citation, Section
from assistant.settings import REPO_ROOT

if str(REPO_ROOT) not in sys.path:  # `eval` lives at the repo root, next to `assistant`
    sys.path.insert(0, str(REPO_ROOT))

from eval import QUESTIONS, THRESHOLDS, MockAnswerer, evaluate, gate, load_cases, load_thresholds  # noqa: E402
from eval import metrics as m  # noqa: E402
from eval.__main__ import main  # noqa: E402
from eval.baseline import section_at  # noqa: E402
from eval.cases import Case, parse_case, problems  # noqa: E402
from eval.harness import score, suggest_thresholds, summarize  # noqa: E402

SOURCE = "corpus/npr_guidance_no.txt"
TEXT = (REPO_ROOT / SOURCE).read_text(encoding="utf-8")
SECTIONS = load_sections(load_documents(REPO_ROOT / "corpus"))
BODY = {s.heading: s for s in SECTIONS}
IMPORTANT = ["Pris", "Leveringsfrister", "Søknad ved andre formål enn forskning",
             "Søknad om tilgang til data", "Inklusjons- eller eksklusjonskriterier"]


def cite(heading: str) -> Citation:
    s = BODY[heading]
    return Citation(SOURCE, heading, s.text, s.start, s.end, 1.0)


def answered(question: str, *headings: str) -> Answer:
    cites = tuple(cite(h) for h in headings)
    return Answer(question, "\n".join(c.quote for c in cites), False, cites, 5.0, "nb")


def abstained(question: str) -> Answer:
    return Answer(question, "Det finner jeg ikke i veiledningen.", True, (), 5.0, "nb", "not_covered")


# --- metric helpers -------------------------------------------------------------------------

def test_ranks_and_hits():
    assert m.dedupe(["Pris", "Pris", "Lovhjemmel", "Pris"]) == ("Pris", "Lovhjemmel")
    assert m.first_rank(("Pris", "Lovhjemmel"), {"Lovhjemmel"}) == 2
    assert m.first_rank(("Pris",), {"Lovhjemmel"}) is None
    assert (m.hit_at(1, 1), m.hit_at(2, 1), m.hit_at(3, 3), m.hit_at(None, 3)) == (True, False, True, False)
    assert m.reciprocal_rank(4) == 0.25 and m.reciprocal_rank(None) == 0.0


def test_facts_must_be_in_answer_and_in_a_quote():
    assert m.fact_found("nok 1100", "Pris per time NOK 1100,-")
    assert m.missing_facts(["1100", "60 dager"], "NOK 1100", ["NOK 1100"]) == ("60 dager",)
    # in the answer text but in no quote: missing
    assert m.missing_facts(["1100"], "NOK 1100", ["60 dager"]) == ("1100",)
    assert m.missing_facts(["30|60 dager"], "60 dager", ["60 dager"]) == ()


def test_verbatim_ratio_mean():
    assert m.verbatim("abcd", 1, 3, "bc") and not m.verbatim("abcd", 1, 3, "bd")
    assert not m.verbatim("abcd", 3, 9, "d")
    assert m.ratio(3, 4) == 0.75 and m.ratio(0, 0) is None
    assert m.mean([1, 0, 0.5]) == 0.5 and m.mean([]) is None


def test_precision_recall_of_abstaining():
    assert m.precision_recall([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert m.precision_recall([False, False], [True, False]) == (None, 0.0)
    assert m.precision_recall([True, True], [True, True]) == (1.0, 1.0)


def test_percentile_interpolates():
    assert m.percentile([10, 20, 30, 40], 50) == 25.0
    assert m.percentile([40, 10, 30, 20], 95) == pytest.approx(38.5)
    assert m.percentile([7], 95) == 7 and m.percentile([], 50) is None


def test_section_at_maps_offsets_to_headings():
    secs = [Section("f", "t", "Pris", "", 10, 20, "x" * 10),
            Section("f", "t", "Leveringsfrister", "", 30, 40, "y" * 10)]
    assert section_at(secs, "f", 15) == "Pris"
    assert section_at(secs, "f", 25) == "Leveringsfrister"  # on the heading line
    assert section_at(secs, "f", 0) == "Pris"
    assert section_at(secs, "f", 99) == "Leveringsfrister"
    assert section_at(secs, "other", 15) == ""


# --- the question file ----------------------------------------------------------------------

def test_question_file_is_valid():
    cases = load_cases(QUESTIONS)
    assert problems(cases, TEXT, set(BODY)) == []
    assert len(cases) >= 110
    assert sum(not c.answerable for c in cases) >= 25
    langs = Counter(c.lang for c in cases)
    assert langs["nn"] >= 15 and langs["en"] >= 20 and langs["nb"] > 0
    assert len({c.id for c in cases}) == len(cases)
    assert {s for c in cases for s in c.sections} == set(BODY)
    for heading in IMPORTANT:
        assert sum(heading in c.sections for c in cases) >= 3, heading
    assert all(re.search(f, TEXT, re.IGNORECASE) for c in cases for f in c.facts)


def test_holdout_file_is_valid_case_by_case():
    cases = load_cases(QUESTIONS.with_name("holdout.jsonl"))
    assert problems(cases, TEXT, set(BODY), complete=False) == []
    assert not {c.id for c in cases} & {c.id for c in load_cases(QUESTIONS)}
    assert not {c.one_line for c in cases} & {c.one_line for c in load_cases(QUESTIONS)}
    assert {c.lang for c in cases} == {"nb", "nn", "en"} and any(not c.answerable for c in cases)


def test_problems_names_each_mistake():
    good = parse_case({"id": "a", "question": "Pris?", "lang": "nb", "answerable": True,
                       "facts": ["1100"], "section": "Pris"})
    assert good.sections == ("Pris",)
    two = parse_case({"id": "b", "question": "x", "lang": "nb", "answerable": True,
                      "facts": ["1100"], "section": ["Pris", "Leveringsfrister"]})
    assert two.sections == ("Pris", "Leveringsfrister")
    bad = [good, Case("a", "Pris?", "sv", True, ("NOK 9999",), ("Kostnad",)),
           Case("c", "Vær?", "nb", False, ("1100",), ())]
    assert "only 3 cases" not in "\n".join(problems(bad, TEXT, {"Pris"}, complete=False))
    found = "\n".join(problems(bad, TEXT, {"Pris"}))
    for expected in ("used twice", "'sv' is not one of", "'NOK 9999' does not occur",
                     "'Kostnad' is not a heading", "has no facts and section null",
                     "only 3 cases", "no en case"):
        assert expected in found


# --- scoring and the gate -------------------------------------------------------------------

def test_score_flags_each_kind_of_failure():
    price = Case("p", "Hva koster det?", "nb", True, ("1100",), ("Pris",))
    assert score(price, answered("q", "Pris")).problems == ()
    wrong = score(price, answered("q", "Leveringsfrister"))
    assert wrong.problems == ("top citation from 'Leveringsfrister', expected 'Pris'",
                              "fact /1100/ missing from the answer or its quotes")
    assert score(price, abstained("q")).problems == ("abstained on an answerable question (not_covered)",)
    off = Case("o", "Parkering?", "nb", False)
    assert score(off, abstained("q")).passed
    assert score(off, answered("q", "Pris")).problems == ("answered instead of abstaining (cited 'Pris')",)
    shifted = Citation(SOURCE, "Pris", BODY["Pris"].text, BODY["Pris"].start + 1, BODY["Pris"].end + 1, 1.0)
    bad = score(price, Answer("q", BODY["Pris"].text, False, (shifted,), 1.0))
    assert bad.problems == ("1 citation(s) not verbatim at their offsets",)


def test_summarize_counts_by_hand():
    price = Case("p", "Hva koster det?", "nb", True, ("1100",), ("Pris",))
    late = Case("l", "Hvor lang tid?", "nb", True, ("60 dager",), ("Leveringsfrister",))
    off = Case("o", "Parkering?", "nb", False)
    outs = [score(price, answered("q", "Pris"), ("Pris", "Lovhjemmel")),
            score(late, abstained("q"), ("Pris", "Lovhjemmel", "Leveringsfrister")),
            score(off, abstained("q"), ())]
    f = summarize(outs)
    assert (f["hit@1"], f["hit@3"], f["mrr"]) == (0.5, 1.0, pytest.approx((1 + 1 / 3) / 2))
    assert (f["fact_accuracy"], f["top_section"], f["verbatim"]) == (0.5, 0.5, 1.0)
    assert (f["abstain_precision"], f["abstain_recall"], f["false_abstentions"]) == (0.5, 1.0, 1)
    assert f["latency_p50_ms"] == 5.0 and f["passed"] == 2


def test_gate_compares_min_and_max():
    assert gate({"overall": {"hit@1": 0.7}}, {"overall": {"min": {"hit@1": 0.8}}}) == [
        "overall: hit@1 = 0.700, below the minimum 0.800"]
    assert gate({"en": {"latency_p95_ms": 90.0}}, {"en": {"max": {"latency_p95_ms": 50}}}) == [
        "en: latency_p95_ms = 90.000, above the maximum 50.000"]
    assert gate({"overall": {"hit@1": 0.8}}, {"overall": {"min": {"hit@1": 0.8}}}) == []
    assert gate({}, {"nn": {"min": {"hit@1": 0.1}}}) == ["nn: hit@1 could not be measured (no cases for it)"]


def test_suggested_thresholds_round_towards_passing():
    got = suggest_thresholds({"overall": {"hit@1": 0.7254, "fact_accuracy": 0.29,
                                          "false_abstention_rate": 0.2676, "latency_p95_ms": 700.0},
                              "en": {"hit@1": 1.0, "abstain_precision": None}})
    assert got == {"overall": {"min": {"hit@1": 0.72, "fact_accuracy": 0.29, "verbatim": 1.0},
                               "max": {"false_abstention_rate": 0.27, "latency_p95_ms": 1400}},
                   "en": {"min": {"hit@1": 1.0, "verbatim": 1.0}, "max": {}}}


def oracle(cases):
    """Answers every case from its expected sections; abstains on the rest."""
    by_question = {c.one_line: c for c in cases}

    def handler(q):
        c = by_question[q]
        return answered(q, *c.sections) if c.answerable else abstained(q)
    return MockAnswerer(handler)


def test_gate_passes_an_oracle_and_fails_broken_answerers(tmp_path):
    cases, limits = load_cases(QUESTIONS), load_thresholds(THRESHOLDS)
    assert gate(evaluate(cases, oracle(cases)).figures, limits) == []
    always_price = MockAnswerer(lambda q: answered(q, "Pris"))
    always_abstain = MockAnswerer(abstained)
    for broken in (always_price, always_abstain):
        breaches = gate(evaluate(cases, broken).figures, limits)
        assert any(b.startswith("overall: fact_accuracy") for b in breaches)
    # the command itself: exit 1, and the report names the failing cases
    assert main(["--out", str(tmp_path)], answerer=always_price) == 1
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Gate: **FAILED**" in report and "off-04" in report
    assert main(["--out", str(tmp_path), "--no-gate"], answerer=always_price) == 0
    assert main(["--out", str(tmp_path)], answerer=oracle(cases)) == 0
    assert "Gate: **PASSED**" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_bad_question_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "x", "question": "Pris?"\n', encoding="utf-8")
    assert main(["--cases", str(bad), "--out", str(tmp_path)], answerer=MockAnswerer(abstained)) == 2
    assert "not valid JSON" in capsys.readouterr().err


# --- the real pieces, small ----------------------------------------------------------------

def test_cli_answerer_keeps_the_json_lines_contract(session_dir, monkeypatch):
    """Two questions through `python -m assistant ask --json`: one answer each, in order, verbatim."""
    from eval import CliAnswerer

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(session_dir / "data"))  # reuse the session index

    questions = ["Hva koster det å få data fra NPR?", "Hva koster en MR-undersøkelse?\nog parkering"]
    answers = CliAnswerer(retriever_ranks=False).answer_all(questions)
    assert [a.question for a in answers] == [questions[0], "Hva koster en MR-undersøkelse? og parkering"]
    for a in answers:
        for c in a.citations:
            assert (REPO_ROOT / c.source).read_text(encoding="utf-8")[c.start:c.end] == c.quote


def test_baseline_cites_verbatim_chunks(tmp_path):
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from eval.baseline import LangChainBaseline

    base = LangChainBaseline(embeddings=DeterministicFakeEmbedding(size=16), persist_dir=tmp_path)
    (a,) = base.answer_all(["Hva koster det?"])
    (c,) = a.citations
    assert not a.abstained and a.answer == c.quote and c.section in BODY
    assert TEXT[c.start:c.end] == c.quote and len(c.quote) <= 500
    (ranking,) = base.rank_all(["Hva koster det?"])
    assert set(ranking) <= set(BODY) and ranking[0] == c.section
