"""The asking model beside the patterns (assistant/asking.py): which e-mail sentences ask.

The sentences here were written for these tests, not taken from eval/asking/ (the model's data).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.asking import PATH, AskingModel
from assistant.drafting import Drafter
from assistant.embedding import HashEmbedder, load_embedder
from assistant.mail import asks, find_asked, read_mail
from assistant import tuning as T

# asks only by naming what someone else needs to know: no pattern hears it
BUDGET = "Budsjettet vårt krever at vi oppgir hva NPR tar per time for et uttrekk."
GRANT = "Our grant office requires an estimate of what the data extraction will cost."
# the same shape about what the guidance never says
PARKING = "Budsjettmalen vår krever at vi oppgir parkeringsavgifta ved kontoret dykkar."
# who asks, wanting data: context that steers the answers, never a question of its own
INSURER = "I work for a private insurance company and we'd like to use NPR data to price our products."


@pytest.fixture(scope="module")
def model():
    found = AskingModel.load(load_embedder(""))
    assert found is not None, f"{PATH} must hold a model fitted for the bundled embedder"
    return found


class Spy:
    """A model that hears every sentence ask and records what it was shown."""

    def __init__(self):
        self.seen: list[str] = []

    def judge(self, sentences):
        self.seen += sentences
        return [1.0] * len(sentences)

    def may_overrule(self, sentence, regex):
        return AskingModel(np.zeros(1), 0.0, 0.9).may_overrule(sentence, regex)

    def combine(self, regex, p, sentence):
        return AskingModel(np.zeros(1), 0.0, 0.9).combine(regex, p, sentence)


def test_the_model_hears_a_question_no_pattern_names(model):
    for sentence in (BUDGET, GRANT, PARKING):
        assert not asks(sentence)
        assert find_asked(sentence)[0] == []
        assert [q for q, _ in find_asked(sentence, model)[0]] == [sentence]


def test_a_sentence_that_says_who_asks_is_never_made_a_question(model):
    assert model.judge([INSURER])[0] >= model.high  # the model alone would take it
    asked, context = find_asked(f"{INSURER} {GRANT}", model)
    assert [q for q, _ in asked] == [GRANT]
    assert INSURER in context


def test_what_only_the_model_hears_still_steers_the_other_questions(model):
    asked, context = find_asked(f"{GRANT} Hva koster det?", model)
    assert [q for q, _ in asked] == [GRANT, "Hva koster det?"]
    assert GRANT in context


def test_the_patterns_verdict_stands_where_the_model_doubts(model):
    doubt = "We're not sure whether we need to use the application form on helsedata.no."
    assert asks(doubt)
    assert [q for q, _ in find_asked(doubt, model)[0]] == [doubt]
    statement = "Vi har allerede søkt REK og venter på svar."
    assert model.judge([statement])[0] < model.high and find_asked(statement, model)[0] == []


def test_no_model_for_another_embedder_or_without_its_file(tmp_path):
    assert AskingModel.load(HashEmbedder()) is None
    broken = tmp_path / "asking.json"
    broken.write_text("{not json", encoding="utf-8")
    assert AskingModel.load(load_embedder(""), broken) is None
    other = json.loads(PATH.read_text(encoding="utf-8"))
    other["embedder"] = "some-other-model"
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    assert AskingModel.load(load_embedder(""), tmp_path / "other.json") is None


def test_the_model_sees_personal_numbers_masked_and_a_bounded_number_of_sentences():
    spy = Spy()
    find_asked("Fødselsnummeret mitt er 010170 12345 og her følger søknaden om data.", spy)
    assert spy.seen and not any(ch.isdigit() for s in spy.seen for ch in s)
    spy = Spy()
    long_mail = " ".join(f"Linje nummer {chr(97 + i % 26)}{i} i loggen er her." for i in range(500))
    find_asked(long_mail + " " + "x" * 5000 + " slutt.", spy)
    assert 0 < len(spy.seen) <= T.ASKING_SENTENCES
    assert all(len(s) <= T.ASKING_CHARS for s in spy.seen) and sum(map(len, spy.seen)) <= T.ASKING_TOTAL


def test_a_number_split_by_a_blank_line_is_masked_in_the_context_too():
    asked, context = find_asked("Fnr 010190\n\n12345 er mitt. Hva koster det?")
    assert "12345" not in context and "010190" not in context


def test_a_broken_character_reaches_the_model_as_a_replacement(model):
    asked, _ = find_asked(f"Hei \ud800 der. {BUDGET}", model)
    assert [q for q, _ in asked] == [BUDGET]


@pytest.mark.parametrize("sentence", [
    "Vi er nødt til å oppgi minimumskostnaden for datauttaket i søknaden.",
    "Jeg er pålagt å oppgi hvem som er databehandlingsansvarlig i DPIA-en.",
])
def test_being_bound_to_state_something_is_no_saying_who_one_is(model, sentence):
    assert not asks(sentence)
    assert [q for q, _ in find_asked(sentence, model)[0]] == [sentence]


def test_a_statement_a_question_points_back_to_is_that_questions_and_no_item(assistant):
    body = ("Planen er å bruke anonyme opplysninger, så vi trenger ikke REK. Vi trenger data om "
            "datakvalitet og dekningsgrad til en rapport. Blir disse registrert?")
    with_model = Drafter(assistant)
    assert with_model.asking is not None
    without = Drafter(assistant)
    without.asking = None
    drafts = [d.draft(read_mail(f"Hei!\n\n{body}\n\nHilsen Kari")) for d in (without, with_model)]
    for draft in drafts:
        assert [i.question for i in draft.items] == ["Blir disse registrert?"]
    assert [c.section for c in drafts[1].items[0].answer.citations] == \
        [c.section for c in drafts[0].items[0].answer.citations] != []


def test_a_draft_answers_what_only_the_model_hears_where_the_guidance_answers_it(assistant):
    draft = Drafter(assistant).draft(read_mail(f"Hei!\n\n{BUDGET} {PARKING}\n\nHilsen Kari"))
    items = {i.question: i for i in draft.items}
    assert BUDGET in items and not items[BUDGET].manual
    assert any(c.section == "Pris" for c in items[BUDGET].answer.citations)
    # declined, it was most likely a statement: context, not a question for staff
    assert PARKING not in items and PARKING not in draft.manual


def test_a_draft_still_flags_what_the_patterns_hear_and_the_guidance_does_not_cover(assistant):
    asked = "Hva er parkeringsavgiften ved kontoret deres?"
    draft = Drafter(assistant).draft(read_mail(f"Hei!\n\n{asked}\n\nHilsen Kari"))
    assert [i.question for i in draft.items] == [asked] and draft.items[0].manual


def test_only_sentences_the_model_could_overrule_are_judged():
    spy = Spy()
    find_asked(f"Hva koster det? Hei der. {INSURER} {GRANT}", spy)
    assert spy.seen == [GRANT]  # not the question, the short line or who asks


def test_a_sentence_judged_once_is_not_embedded_again(model):
    class Counting:
        name = model.embedder.name

        def __init__(self):
            self.texts: list[str] = []

        def embed_queries(self, texts):
            self.texts += texts
            return model.embedder.embed_queries(texts)

    counting = Counting()
    fresh = AskingModel(model.weights, model.bias, model.high, counting)
    sentence = "Revisoren vår krever at vi legger ved en beskrivelse av hvordan dataene blir levert."
    first = fresh.judge([sentence, sentence])
    assert fresh.judge([sentence]) == first[:1] and counting.texts == [sentence]
