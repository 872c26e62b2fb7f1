"""A corpus folder with only the documents (no glossary, no example questions): how its ranking
and its answer/decline decision hear a question (`python -m eval.sets` reports the figures)."""

from __future__ import annotations

import json
import sys

import pytest

from assistant import language
from assistant.lexical import stopwords
from assistant.settings import Settings
from conftest import CORPUS, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from eval.fit import documents_only  # noqa: E402


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    from assistant import Assistant

    tmp = tmp_path_factory.mktemp("documents-only")
    return Assistant(Settings.from_env().with_(corpus_dir=documents_only(CORPUS, tmp / "docs"),
                                               data_dir=tmp / "data"))


def _ranking(assistant, question):
    return assistant.rank_parts(question)[1][0][1]


def test_the_margin_is_the_top_sections_score_over_the_next_sections(plain):
    assert not plain.with_examples
    trace: list = []
    assert not plain.ask("Hvem er databehandler?", trace=trace).abstained
    signals, verdict, heading = trace[0]
    hits = _ranking(plain, "Hvem er databehandler?").hits
    top = hits[0]
    runner_up = next(h for h in hits if h.chunk.heading != top.chunk.heading)
    assert heading == top.chunk.heading == "Databehandler og databehandlingsansvarlig"
    assert signals.margin == round(top.score - runner_up.score, 4)
    assert signals.margin > 0.1 and verdict.answer
    # a near-miss stands barely above the next section, and is declined
    trace = []
    assert plain.ask("Kan jeg få dataene levert på minnepinne?", trace=trace).abstained
    assert trace[0][0].margin < 0.05


def test_a_section_is_heard_by_its_closest_sentence_too(plain, monkeypatch):
    from assistant import tuning

    share = tuning.UNIT_SHARE
    assert share > 0
    question = "Hva koster det?"
    with_sentences = {h.chunk.id: h.score for h in _ranking(plain, question).hits}
    monkeypatch.setattr(tuning, "UNIT_SHARE", 0.0)
    ranking = _ranking(plain, question)
    compared = 0
    for hit in ranking.hits:
        if hit.chunk.id in with_sentences:
            best = max(plain.unit_similarities(hit.chunk, ranking.vector), default=0.0)
            assert with_sentences[hit.chunk.id] == pytest.approx(hit.score + share * best, abs=1e-5)
            compared += 1
    assert compared >= 3


@pytest.mark.parametrize("question, section", [
    ("Kven er databehandlar for NPR?", "Databehandler og databehandlingsansvarlig"),
    ("What are the criteria for getting access to NPR data?", "Kriterier for tilgang til data"),
    ("How do I apply for access to NPR data?", "Søknad om tilgang til data"),
])
def test_a_nynorsk_or_english_question_is_matched_with_the_passages_in_bokmal(plain, question, section, monkeypatch):
    embedded = []
    original = plain.engine._query_vector
    monkeypatch.setattr(plain.engine, "_query_vector", lambda text: embedded.append(text) or original(text))
    answer = plain.ask(question)
    assert not answer.abstained and answer.citations[0].section == section
    # what was embedded is the question in the guidance's words (as asked, each was declined before)
    assert embedded and embedded[-1] != question
    assert embedded[-1] == language.in_guidance_words(question, language.detect(question), stopwords())


def test_beside_example_questions_a_question_is_embedded_as_asked(assistant, monkeypatch):
    embedded = []
    original = assistant.engine._query_vector
    monkeypatch.setattr(assistant.engine, "_query_vector", lambda text: embedded.append(text) or original(text))
    assistant.ask("Kven er databehandlar for NPR?")
    assert embedded == ["Kven er databehandlar for NPR?"]


def test_fit_can_refit_one_model_and_keep_the_other(tmp_path):
    from eval.fit import main

    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in (
        {"id": "t-1", "lang": "nb", "answerable": True, "question": "Hva koster det?", "facts": ["1100"],
         "section": "Pris"},
        {"id": "t-2", "lang": "nb", "answerable": True, "question": "Hvem er databehandler?",
         "facts": ["Helsedirektoratet"], "section": "Databehandler og databehandlingsansvarlig"},
        {"id": "t-3", "lang": "nb", "answerable": False, "question": "Hva blir været i morgen?", "facts": [],
         "section": None},
        {"id": "t-4", "lang": "nb", "answerable": False, "question": "Kan jeg få data på minnepinne?",
         "facts": [], "section": None})) + "\n", encoding="utf-8")
    before = json.loads((REPO_ROOT / "assistant" / "data" / "decision.json").read_text(encoding="utf-8"))
    out = tmp_path / "decision.json"
    out.write_text(json.dumps(before), encoding="utf-8")
    # the documents-only model is fitted on its own case files (--documents-cases), and says which
    assert main(["--documents-cases", str(cases), "--out", str(out), "--only", "documents_only"]) == 0
    after = json.loads(out.read_text(encoding="utf-8"))
    assert after["with_examples"] == before["with_examples"]
    assert after["documents_only"]["fitted_on"]["cases"] == 4
    assert after["documents_only"]["sets"] == [str(cases)]
    assert "kept from the fit before" in after["_about"]
    # the other model's cases beside --only are refused, not silently ignored
    assert main(["--cases", str(cases), "--out", str(out), "--only", "documents_only"]) == 2
    assert main(["--documents-cases", str(cases), "--out", str(out), "--only", "with_examples"]) == 2
    # never on a blind set, for either model
    blind = tmp_path / "blind9.jsonl"
    blind.write_text(cases.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["--documents-cases", str(blind), "--out", str(out), "--only", "documents_only"]) == 2
    assert json.loads(out.read_text(encoding="utf-8")) == after
    # without a file to keep the other model from, or one without that model, or one fitted for
    # another embedding model, it says so and writes nothing
    missing = tmp_path / "none.json"
    assert main(["--cases", str(cases), "--out", str(missing), "--only", "with_examples"]) == 2
    assert not missing.exists()
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"documents_only": before["documents_only"]}), encoding="utf-8")
    assert main(["--documents-cases", str(cases), "--out", str(partial), "--only", "documents_only"]) == 2
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({**before, "embedder": "another-model|dim=8"}), encoding="utf-8")
    assert main(["--documents-cases", str(cases), "--out", str(foreign), "--only", "documents_only"]) == 2
    assert json.loads(foreign.read_text(encoding="utf-8"))["embedder"] == "another-model|dim=8"


def test_a_long_section_filling_every_hit_is_measured_against_the_next_section(tmp_path):
    """The margin is over every candidate, not the k hits: a section of many chunks can fill them all."""
    from assistant import Assistant
    from assistant.embedding import HashEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_section = "\n\n".join(
        f"Del {n}: prisen for saksbehandling er beregnet per time, og prisen for saksbehandling av "
        + " ".join(f"timepris{n} faktura{n} ledd{k}" for k in range(20)) + "."
        for n in range(12))
    (corpus / "guide.txt").write_text(
        "Pris\n\n" + long_section + "\n\nLeveringsfrister\n\nLevering skjer innen 60 dager, uansett prisen.\n", encoding="utf-8")
    a = Assistant(Settings.from_env().with_(corpus_dir=corpus, data_dir=tmp_path / "data",
                                            cache_dir=tmp_path / "cache"), embedder=HashEmbedder(dim=1024))
    ranking = _ranking(a, "Hva er prisen for saksbehandling?")
    assert len({h.chunk.heading for h in ranking.hits}) == 1 and len(ranking.hits) >= 5  # Pris fills them
    # the next section stands below every hit, yet it is there
    assert ranking.next_section is not None and 0 < ranking.next_section < min(h.score for h in ranking.hits)
    trace: list = []
    a.ask("Hva er prisen for saksbehandling?", trace=trace)
    signals = trace[0][0]
    top = ranking.hits[0]
    assert signals.margin == round(max(0.0, top.score - ranking.next_section), 4)
    assert signals.margin < round(top.score, 4)  # not the whole score, as when no next section was among the hits


def test_a_margin_that_cannot_be_measured_counts_as_the_models_mean():
    """A document without examples beside ones with: its score and theirs are on different scales."""
    from dataclasses import replace

    from assistant.decision import FEATURES, Decision, Signals

    model = Decision.load().model(with_examples=False)
    mean = model.mean[FEATURES.index("margin")]
    base = Signals(0.85, mean, 0.0, 0.85, 0.6, 0.0)
    unknown = [replace(base, margin=m, margin_known=False) for m in (0.0, 0.5, 5.0)]
    assert {model.score(s) for s in unknown} == {model.score(base)}
    assert model.score(replace(base, margin=5.0)) > model.score(base)  # a known margin counts


def test_a_document_without_examples_beside_ones_with_gets_no_margin(tmp_path, corpus_copy):
    from assistant import Assistant

    (corpus_copy / "kantine.txt").write_text(
        "Kantinen\n\nKantinen i Helsedirektoratet serverer lunsj mellom klokken 11 og 13 hver dag.\n",
        encoding="utf-8")
    a = Assistant(Settings.from_env().with_(corpus_dir=corpus_copy, data_dir=tmp_path / "data"))
    trace: list = []
    answer = a.ask("Når serverer kantinen i Helsedirektoratet lunsj?", trace=trace)
    signals, _, heading = trace[0]
    assert heading == "Kantinen" and signals.margin == 0 and not signals.margin_known
    # its first signal is its documents-only score (passage, closest sentence, words), on the scale
    # the documents-only model was fitted on, not its rank beside the sections with examples
    hit = a.rank_parts("Når serverer kantinen i Helsedirektoratet lunsj?")[1][0][1].hits[0]
    assert signals.example == hit.plain > hit.dense and hit.plain != hit.score
    # nor a neighbours' vote: none of the nearest example questions can be its own
    assert not signals.share_known and not answer.abstained and "lunsj" in answer.answer
    trace = []
    a.ask("Hva koster det å få data fra NPR?", trace=trace)
    assert trace[0][0].margin_known and trace[0][0].share_known  # a section with example questions: they count


def test_a_section_near_every_question_loses_its_excess_nearness(plain, assistant, monkeypatch):
    from assistant import tuning

    hub = plain.hubness
    assert len(hub) == len(plain.chunks) and abs(sum(hub.values())) < 1e-4  # centred on the mean (float32)
    heading = {c.heading: i for i, c in enumerate(plain.chunks)}
    # the short section of general words stands nearer every question than the price list does
    assert hub[heading["Annen relevant informasjon om innholdet i datakilden"]] > 0 > hub[heading["Pris"]]
    assert assistant.hubness == {}  # with example questions the ranking hears those instead
    question = "Hva står det om datakvaliteten?"
    corrected = {h.chunk.id: h.score for h in _ranking(plain, question).hits}
    monkeypatch.setattr(tuning, "HUB_SHARE", 0.0)
    compared = 0
    for hit in _ranking(plain, question).hits:
        i = plain.chunks.index(hit.chunk)
        if hit.chunk.id in corrected:
            assert corrected[hit.chunk.id] == pytest.approx(hit.score - 0.5 * hub[i], abs=1e-5)
            compared += 1
    assert compared >= 3


def test_a_translation_the_guidance_lacks_finds_the_compounds_it_is_part_of(plain):
    """Without the glossary an English word's dictionary translation ("quality" -> "kvalitet") is
    searched by the guidance's compounds it ends or begins ("datakvalitet"); a short one is no part."""
    lexical = plain.lexical
    assert "kvalit" not in lexical.df and "datakvalit" in lexical.df  # stems
    query = lexical.analyze("Where can I read about the quality of the data?", "en")
    quality = next(g for g in query.groups if g.label == "quality")
    assert "datakvalit" in quality.terms
    assert lexical.compounds_of("kvalit")[0] == "datakvalit"  # its last part first, then its first part
    assert set(lexical.compounds_of("kvalit")[1:]) == {"kvalitetsregistr", "kvalitetssikring"}
    assert lexical.compounds_of("levering") == ["leveringsfrist"]
    # no fuzzy neighbours of a translation: "rate" -> "prosent" is not "prosjekt", "talk" ->
    # "forelesning" is not "forskning"
    for word, never in (("rate", "prosjekt"), ("talk", "forskning"), ("reporting", "begrensning")):
        assert never not in {t for g in lexical.analyze(f"What about the {word}?", "en").groups for t in g.terms}
    # a short ending is no part: "sjon" of "informasjon"
    assert "informasjon" in lexical.df and lexical.compounds_of("sjon") == []
    # a compound part makes the word known (no missing topic): its weight is the glossary's threshold
    from assistant import tuning
    assert dict(zip(quality.terms, quality.weights))["datakvalit"] >= tuning.KNOWN_BY_WEIGHT
    ranking = _ranking(plain, "Where can I read about the quality of the data?")
    assert ranking.hits[0].chunk.heading == "Datakvalitet"


def test_without_sentence_vectors_the_passage_stands_for_the_closest_sentence(plain, monkeypatch):
    """Over UNITS_AT_BUILD sentences (or when embedding them failed) there is no closest sentence:
    the decision's score then counts the passage in its place, on the scale it was fitted on."""
    question = "Hvem er databehandler for NPR?"
    with_sentences = _ranking(plain, question).hits[0]
    monkeypatch.setattr(plain.engine, "sentence_best", None)
    without = _ranking(plain, question).hits[0]
    assert without.chunk.heading == with_sentences.chunk.heading == "Databehandler og databehandlingsansvarlig"
    from assistant import tuning
    assert without.plain == pytest.approx(without.score + tuning.UNIT_SHARE * without.dense, abs=1e-4)  # dense: 4 places
    assert abs(without.plain - with_sentences.plain) < 0.1  # the same scale, near the same value
    assert not plain.ask(question).abstained


def test_the_documents_only_decision_weighs_the_sections_ranking_score(plain, assistant):
    """Documents only, a hit's documents-only score is its ranking score, and the decision's first
    signal; with example questions a section's own examples are (its `plain` stays 0)."""
    trace: list = []
    plain.ask("Hva koster det å få data fra NPR?", trace=trace)
    ranking = _ranking(plain, "Hva koster det å få data fra NPR?")
    assert all(h.plain == h.score for h in ranking.hits)
    assert trace[0][0].example == ranking.hits[0].score != ranking.hits[0].dense
    with_examples = _ranking(assistant, "Hva koster det å få data fra NPR?")
    assert all(h.plain == 0.0 and h.example > 0 for h in with_examples.hits)


RESEARCH_ROUTE = "via søknadsskjemaene på helsedata.no"


def _quotes(answer) -> str:
    return " ".join(c.quote.replace("\u00a0", " ") for c in answer.citations)


@pytest.mark.parametrize("question", [
    "Vi er en kommune. Skal vi bruke søknadsskjemaet på helsedata.no?",
    "Skal vi bruke søknadsskjemaet på helsedata.no, siden dette ikke er forskning?",
    "I work for a newspaper. Do I apply through the form on helsedata.no?",
    "Eg er journalist. Kan eg søkje via helsedata.no?",
    "Jeg er frilansjournalist. Skal jeg bruke søknadsskjemaet på helsedata.no?",
])
def test_a_document_without_routes_never_sends_a_non_research_asker_to_the_research_form(plain, monkeypatch, question):
    """The section for other purposes than research tells its askers not to use the form on
    helsedata.no; without example questions there are no routes, and the document's own words bar
    the section offering that form from an asker who says (or is heard to say) it is not research."""
    from assistant import retrieval, tuning

    ranking = _ranking(plain, question)
    barred = {heading for _, heading in ranking.other_routes}
    assert barred == {"Søknad om tilgang til data"}
    answer = plain.ask(question)
    assert RESEARCH_ROUTE not in _quotes(answer)
    # ...and the section for other purposes, which agrees with who asks, answers
    first = next(h for h in ranking.hits if (h.chunk.source, h.chunk.heading) not in ranking.other_routes)
    assert first.chunk.heading == "Søknad ved andre formål enn forskning"
    assert not answer.abstained and answer.citations[0].section == "Søknad ved andre formål enn forskning"
    # the rule is what keeps it out: switched off (and who asks no longer heard as what they are
    # not), the research form is quoted or ranked first
    monkeypatch.setattr(tuning, "CONTRAST_SHARED", 0)
    monkeypatch.setattr(retrieval, "implied_negations", lambda said: set())
    ranking = _ranking(plain, question)
    assert not ranking.other_routes
    assert RESEARCH_ROUTE in _quotes(plain.ask(question)) \
        or ranking.hits[0].chunk.heading == "Søknad om tilgang til data"


@pytest.mark.parametrize("question", [
    "Vi er forskere i en kommune. Hvordan søker vi om tilgang til data?",
    "Hvordan søker jeg om tilgang til data til masteroppgaven min?",
    "Hvordan søker jeg om tilgang til data?",
    # the question's subject is not who asks (the independent review's examples)
    "Hvordan søker jeg om tilgang til data fra NPR for pasienter i min kommune?",
    "Jeg er masterstudent og skal skrive om pasientorganisasjoner. Hvordan søker jeg?",
    "I'm a researcher at a pharmaceutical company. How do I apply for access to data?",
    "Jeg er seniorforsker i et konsulentselskap. Hvordan søker jeg om data?",
])
def test_a_researcher_or_an_asker_who_says_nothing_still_gets_the_research_form(plain, question):
    assert not _ranking(plain, question).other_routes


def test_who_asks_is_heard_as_what_they_are_not():
    from assistant.lexical import content_stems
    from assistant.retrieval import implied_negations

    def heard(text):
        return implied_negations(set(content_stems(text)))

    assert heard("Vi er en kommune") == {"forskning"}
    assert heard("I work for a newspaper") == {"forskning"}
    assert heard("Vi driver med kvalitetsarbeid på sykehuset") == {"forskning"}
    assert heard("Vi er forskere i en kommune") == set()
    assert heard("Jeg skriver masteroppgave") == set()
    assert heard("Hva koster det?") == set()


@pytest.mark.parametrize("said", ["Dette er til planarbeid, ikkje forsking.", "This is not research.",
                                  "We are not doing research.", "Dette er ikke forskning."])
def test_what_an_asker_says_they_are_not_is_heard_in_the_guidances_word(plain, said):
    """Without the glossary, a negated word the guidance lacks ("forsking", "research") is read as
    the guidance's own word ("andre formål enn forskning"), so it is not dropped as a verb is."""
    from assistant.retrieval import polarity

    assert "forskning" in polarity(plain.lexical.analyze(said))[1]


def test_a_negated_word_without_a_guidance_word_still_reaches_past_a_verb(plain):
    # "uten å søke": what the asker does not want is no topic, and "ikkje driv med" still carries on
    from assistant.retrieval import polarity

    assert polarity(plain.lexical.analyze("Vi driv ikkje med forsking"))[1] == {"forskning"}


def test_a_missing_askers_file_is_a_warning_not_a_fault(monkeypatch, caplog):
    from assistant import retrieval

    def gone(name):
        raise FileNotFoundError(name)

    monkeypatch.setattr(retrieval, "data_text", gone)
    retrieval._purposes.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert retrieval.implied_negations({"kommun"}) == frozenset()
        assert "askers.json" in caplog.text
    finally:
        retrieval._purposes.cache_clear()
    monkeypatch.undo()
    assert retrieval.implied_negations({"kommun"}) == {"forskning"}


def test_two_stems_of_one_word_and_the_clause_a_bar_stops_at():
    from assistant.retrieval import CLAUSES, same_word

    assert same_word("soknadsskjem", "soknadsskjema")
    assert not same_word("soknad", "soknadsskjem")
    assert not same_word("helsedata.no", "helsedirektoratet.no")
    clauses = CLAUSES.split("skal du ikke bruke søknadsskjema på helsedata.no, men sende en bestilling")
    assert clauses[0].strip() == "skal du ikke bruke søknadsskjema på helsedata.no"
    assert CLAUSES.split("skal du ikke bruke skjemaet men bestillingen")[0].strip() == "skal du ikke bruke skjemaet"


def test_a_document_added_without_examples_beside_one_with_keeps_a_municipality_from_either_form(tmp_path, monkeypatch):
    """A second guidance page of the same kind dropped into the folder without an example file: the
    bundled document's routes (`asked_by`) judge its own sections, and the new one's own words judge
    its sections, so a municipality is quoted neither research form."""
    import shutil
    from pathlib import Path

    from assistant import Assistant, tuning

    def barred(ranking):
        return {(Path(source).name, heading) for source, heading in ranking.other_routes}

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / "npr_guidance_no.txt").read_text(encoding="utf-8")
    (corpus / "tr_guidance.txt").write_text(
        text.replace("Norsk pasientregister (NPR)", "Testregisteret (TR)").replace("NPR", "TR"), encoding="utf-8")
    assistant = Assistant(Settings.from_env().with_(corpus_dir=corpus, data_dir=tmp_path / "data"))
    question = "Vi er en kommune. Skal vi bruke søknadsskjemaet på helsedata.no for TR?"
    assert ("tr_guidance.txt", "Søknad om tilgang til data") in barred(assistant.rank_parts(question)[1][0][1])
    answer = assistant.ask(question)
    assert not answer.abstained and RESEARCH_ROUTE not in _quotes(answer)
    assert answer.citations[0].section == "Søknad ved andre formål enn forskning"
    # a researcher still gets a research form
    assert RESEARCH_ROUTE in _quotes(assistant.ask("Jeg er forsker. Hvordan søker jeg om tilgang til data fra TR?"))
    # the new document's bar is its own words' doing: without it, its research form is not barred
    monkeypatch.setattr(tuning, "CONTRAST_SHARED", 0)
    assert ("tr_guidance.txt", "Søknad om tilgang til data") not in barred(assistant.rank_parts(question)[1][0][1])


def test_the_only_documents_register_name_is_no_topic_in_any_language(plain):
    # "Norwegian Patient Registry" reaches "norsk" and "pasientregister"'s parts by translation:
    # those words leave the topics, the controller stays
    labels = lambda q: [g.raw for g in plain._without_register(plain.lexical.analyze(q)).groups]
    assert labels("Who is the data controller for the Norwegian Patient Registry?") == ["data", "controller"]
    assert labels("Hva er formålet med Norsk pasientregister?") == ["formålet"]
    assert labels("Kva er formålet med NPR?") == ["formålet"]
    # kept where nothing else is asked, and the words of a question about patients who are registered
    assert labels("What is the Norwegian Patient Registry?") == ["norwegian", "patient", "registry"]
    assert labels("Hvilke pasienter registreres?") == ["pasienter", "registreres"]
    assert labels("Are Norwegian citizens living abroad included?")[:1] == ["norwegian"]
    # only the name's words in order, one word each: never the parts alone, nor a word before it
    assert labels("Are all patients registered?") == ["all", "patients", "registered"]
    assert labels("Which patients are in the Norwegian Patient Registry, and since when?") == ["patients", "since"]
    assert labels("Hva er formålet med pasientregisteret?") == ["formålet"]
    # the short section repeating the name no longer takes the purposes question
    ranking = _ranking(plain, "What are the purposes of the Norwegian Patient Registry?")
    assert ranking.hits[0].chunk.heading == "Formålet med NPR"


def test_beside_example_questions_the_register_name_stays(assistant):
    query = assistant.lexical.analyze("What are the purposes of the Norwegian Patient Registry?")
    assert assistant.with_examples and assistant._without_register(query) == query


def test_without_a_meta_title_the_register_name_is_read_from_the_headings(tmp_path):
    from assistant import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "npr_guidance_no.txt").write_text((CORPUS / "npr_guidance_no.txt").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    bare = Assistant(Settings.from_env().with_(corpus_dir=docs, data_dir=tmp_path / "data"))
    names = dict(bare._own_names)
    assert "npr" in names and ("norsk",) in names[""]
    query = bare.lexical.analyze("What are the purposes of the Norwegian Patient Registry?")
    assert [g.raw for g in bare._without_register(query).groups] == ["purposes"]
