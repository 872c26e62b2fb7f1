"""The language layer, the glossary check, example-question files and the answer/decline decision.

Pure functions on literal strings where possible; the shipped glossary and example file are
checked as files the support team edits.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from wordfreq import zipf_frequency

from assistant import language
from assistant.chunking import chunk_sections
from assistant.corpus import load_documents, load_sections
from assistant.decision import FEATURES, Decision, Model, Signals, fit
from assistant.examples import examples_path, load_examples, parse_examples
from assistant.glossary import Glossary, check
from assistant.language import Speller
from assistant.lexical import LexicalIndex, content_stems
from conftest import CORPUS, GUIDANCE


def test_detect_language():
    assert language.detect("Kva kostar det?") == "nn"
    assert language.detect("What does it cost?") == "en"
    assert language.detect("Hva koster det?") == "nb"
    # Norwegian "i" (in) is English "I": the bokmål question words outweigh it
    assert language.detect("Hvilken paragraf i helseregisterloven er NPR hjemlet i?") == "nb"
    assert language.detect("Når får vi dataene i hende?") == "nb"
    assert language.detect("Can I get NPR data?") == "en"


def test_nynorsk_and_english_words_lead_to_the_guidance_words():
    nn, en = language.get("nn"), language.get("en")
    assert nn.to_guidance("kostar") == ["koster"] and nn.to_guidance("korleis") == ["hvordan"]
    # typed without æøå, as nynorsk often is: "foremal" is "føremål"
    assert nn.to_guidance("foremal") == ["formål"] and nn.to_guidance("føremål") == ["formål"]
    assert "time" in en.to_guidance("hour")
    assert language.get("nb").to_guidance("koster") == []


def test_a_question_in_the_guidance_words_nynorsk_forms_in_bokmal_english_with_its_gloss():
    from assistant.lexical import stopwords

    assert language.in_guidance_words("Kva kostar det å få tal frå dykk?", "nn") == "Hva koster det å få tall fra dere?"
    # typed without æøå, and capitals kept; an address stays as written ("no" is "nå" elsewhere)
    assert language.in_guidance_words("Kva for foremal har NPR?", "nn") == "Hva for formål har NPR?"
    assert language.in_guidance_words("KVA KOSTAR DET?", "nn") == "HVA KOSTER DET?"
    assert language.in_guidance_words("Kan eg søkje på helsedata.no no?", "nn") == "Kan jeg søke på helsedata.no nå?"
    # each content word's first FreeDict word after the question; function words and single letters
    # ("what's") have no gloss
    english = language.in_guidance_words("What's the purpose of the register?", "en", stopwords())
    assert english.startswith("What's the purpose of the register? ")
    gloss = english.split("? ", 1)[1].split()
    assert gloss[0] in language.get("en").to_guidance("purpose") and len(gloss) == 2 and "s" not in gloss
    assert language.in_guidance_words("Hva koster det?", "nb") == "Hva koster det?"


def test_english_words_freedict_lacks_come_from_danish_read_backwards_and_never_override_it():
    en = language.get("en")
    # eng-nor has no "consent" or "purpose"; Danish headwords that list them are bokmål words too
    assert en.to_guidance("consent") == ["samtykke"]
    assert "formål" in en.to_guidance("purposes")  # a plural falls back on its lemma here too
    # a word eng-nor has keeps eng-nor's translations only: Danish gives "access" "adgang"
    assert "tilgang" in en.to_guidance("access") and "adgang" not in en.to_guidance("access")
    direct = language._mapping("en_nb.tsv")
    via_da = language._mapping("en_nb_via_da.tsv")
    assert via_da and not set(via_da) & set(direct)
    # a word's own entry comes before its lemma's: "records" is an archive, not "record"'s recording
    assert "records" in via_da and en.to_guidance("records") == list(via_da["records"])
    # words used in Danish only ("noget", "måske", "hjælp") were left out, those bokmål shares kept
    words = {w for found in via_da.values() for w in found}
    assert {"noget", "måske", "hjælp", "lidt"}.isdisjoint(words) and {"formål", "samtykke"} <= words


def test_rarity_lets_everyday_words_pass_and_flags_specific_ones():
    nb = language.get("nb")
    assert nb.rarity("og") == 0.0 and nb.rarity("pris") < 0.15 and nb.rarity("kommune") < 0.15
    assert nb.rarity("minnepinne") > 0.8 and nb.rarity("1995") == 1.0


def test_everyday_words_without_aeoeaa_or_in_nynorsk_are_as_common_as_their_written_form():
    nb, nn = language.get("nb"), language.get("nn")
    # a keyboard without æøå ("naar", "altsa") and nynorsk forms (wordfreq has no nynorsk list)
    assert nb.rarity("naar") == 0.0 and nb.rarity("altsa") == 0.0 and nb.rarity("paa") == 0.0
    assert nb.rarity("foer") == 0.0  # ø typed as oe
    assert nn.rarity("berre") == 0.0 and nn.rarity("sjølv") == 0.0 and nb.rarity("sjølv") == 0.0
    assert nn.written_forms("kostar")[:2] == ("kostar", "koster") and nn.rarity("kostar") < 0.5
    # a specific word stays specific, whatever its spelling
    assert nn.rarity("heimel") == nb.rarity("hjemmel") > 0.4 and nb.rarity("minnepinne") > 0.8
    assert language.get("en").written_forms("naar") == ("naar",)  # English: no æøå, no nynorsk
    # an inflected form is as common a topic as its word
    en = language.get("en")
    assert en.written_forms("approvals") == ("approvals", "approval")
    assert en.rarity("approvals") == en.rarity("approval") < english_rarity_by_own_frequency("approvals")


def english_rarity_by_own_frequency(word: str) -> float:
    """The rarity an English word would have by its own frequency alone."""
    from assistant import tuning as T

    z = zipf_frequency(word, "en")
    return min(1.0, max(0.0, (T.COMMON_ZIPF - z) / (T.COMMON_ZIPF - T.RARE_ZIPF)))


def test_lemmas_per_language():
    assert language.get("nn").lemma("opplysningane") == "opplysning"
    assert language.get("nb").lemma("søknadene") == "søknad"


def test_speller_corrects_against_the_vocabulary_only():
    s = Speller({"pasientregisteret": 3, "leveringsfrister": 1})
    assert s.correct("pasientregistert") == "pasientregisteret"
    assert s.correct("hagen") is None  # too short to guess
    assert s.correct("leveringsfrister") is None  # already known


def test_spelling_mends_slips_in_guidance_and_everyday_words_and_leaves_real_words_alone():
    spelling = language.Spelling({"hvordan": 9, "hvilke": 9, "aggregerte": 1, "datainnsamlinga": 1, "lese": 3})
    nb = language.get("nb")
    assert spelling.correct("hovrdan", "hovrdan", nb) == "hvordan"  # two letters swapped
    assert spelling.correct("hvillke", "hvillke", nb) == "hvilke"  # a letter doubled
    assert spelling.correct("datainnsamlinnga", "datainnsamlinnga", nb) == "datainnsamlinga"
    # an everyday word the guidance lacks is mended from general language
    assert spelling.correct("beetale", "beetale", nb) == "betale"
    # real words stay: rare and short, another form of a guidance word, or not one slip away
    assert spelling.correct("lefse", "lefse", nb) is None
    assert spelling.correct("aggregert", "aggregert", nb) is None
    assert spelling.correct("minnepinne", "minnepinne", nb) is None
    assert spelling.correct("hvordan", "hvordan", nb) is None  # known
    # a prefix is no slip, and a real word is meant however rare: they keep their meaning
    assert language.Spelling({"identifisering": 2, "typisk": 2}).correct(
        "avidentifisering", "avidentifisering", nb) is None
    assert language.Spelling({"typisk": 2}).correct("atypisk", "atypisk", nb) is None
    assert language.Spelling({"forskere": 2}).correct("forsere", "forsere", nb) is None
    assert language.Spelling({"contents": 2}).correct("consents", "consents", language.get("en")) is None
    # the word comes back as the guidance writes it, æøå and all
    assert language.Spelling({"søknaden": 3}).correct("soknaen", "søknaen", nb) == "søknaden"


def test_a_slip_general_language_barely_knows_is_mended_and_a_rare_real_word_is_not():
    """wordfreq knows the commonest slips ("reserch" at Zipf 1.2, "lenght" 2.0): one slip from a far
    commoner word they are read as it; a real word as rare as "consents" (2.8) stays itself."""
    en = language.get("en")
    assert language.Spelling({"research": 3}).correct("reserch", "reserch", en) == "research"
    assert language.Spelling({"delivery": 3}).correct("lenght", "lenght", en) == "length"  # from general language
    assert language.Spelling({"contents": 2}).correct("consents", "consents", en) is None
    # "eksludert" (1.7) is one slip from "ekskludert" (3.5): commoner by less than two, but a slip
    nb = language.get("nb")
    assert language.Spelling({"ekskludert": 3}).correct("eksludert", "eksludert", nb) == "ekskludert"
    # ...and a Norwegian word is never read as an English one of the examples
    assert language.Spelling({"studies": 3}).correct("studiets", "studiets", nb) is None
    # ...and is not read as a word no commoner than itself
    assert language.Spelling({"reserchs": 3}).correct("reserch", "reserch", en) is None


def test_an_english_short_negation_denies_what_follows_it(assistant):
    """"don't", "isn't" and "dont" deny as "not" does, and no half word ("shouldn") is a topic."""
    from assistant.text import words
    assert words("We don't, it won't, we can't, isn’t it") == ["we", "do", "not", "it", "will", "not", "we", "can",
                                                           "not", "is", "not", "it"]
    route = "Søknad ved andre formål enn forskning"
    for question in ("We don't do research. How do we apply for data?",
                     "We dont do research. How do we apply for data?",
                     "Our project isn't research, how do we apply?"):
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == route, question
    query = assistant.lexical.analyze("We shouldn't use the helsedata.no forms, where do we apply?")
    assert not any(g.label.startswith("shouldn") for g in query.groups)


def test_a_question_with_slips_is_answered_as_the_one_without(assistant):
    clean = assistant.ask("Hvordan søker jeg om tilgang til data fra pasientregisteret?")
    slipped = assistant.ask("Hovrdan søker jeg om tilgnag til data fra pasientregisteret?")
    assert not clean.abstained and not slipped.abstained
    assert slipped.citations[0].section == clean.citations[0].section
    assert slipped.question.startswith("Hovrdan")  # the asker's own words are shown
    # what the embedding reads
    assert assistant.lexical.spelled("Hovrdan søker jeg?").startswith("hvordan ")


def test_a_short_word_is_mended_only_for_two_swapped_letters_and_never_when_written_in_capitals(assistant):
    """"How logn does it take", "how long does it tkae" and "Hovr lang tid tar det å få data?" were
    declined (a word under five letters was never read as a slip). Two swapped letters after the
    first are read; a dropped, added or changed letter in a short word is not ("kost", "kose"), and
    neither is a name in capitals ("MSIS" is no "miss")."""
    en, nb = language.get("en"), language.get("nb")
    spelling = language.Spelling({"long": 3, "hvor": 9})
    assert spelling.correct("logn", "logn", en) == "long"
    assert spelling.correct("tkae", "tkae", en) == "take"  # unknown to general language: its words count
    assert spelling.correct("hovr", "hovr", nb) == "hvor"
    assert spelling.correct("hwo", "hwo", en) is None  # general language has seen "hwo": only the guidance's words
    assert language.Spelling({"how": 5}).correct("hwo", "hwo", en) == "how"
    assert spelling.correct("lon", "lon", en) is None  # a dropped letter: too many words lie there
    assert spelling.correct("teh", "teh", en) is None  # general language knows it too well (Zipf 3.0)
    assert spelling.correct("olng", "olng", en) is None  # the first letter stays
    assert assistant.lexical.spelled("Hvilke regler gjelder for MSIS-data?") == "Hvilke regler gjelder for MSIS-data?"
    # a word general language has seen at all is read only as one of the guidance's: lower-case
    # names stay ("msis", "nkr"), and so do real nynorsk words and letters the asker never typed
    for kept in ("Kan vi koble msis-data med NPR?", "hva koster data fra nkr?", "vi er fra hsø, hvordan søker vi?",
                 "Kor lang tid tek det å få data for alle byar?"):
        assert assistant.lexical.spelled(kept) == kept
    assert assistant.lexical.spelled("Hva betyr PA og DOD i NPR-data?") == "Hva betyr PA og DOD i NPR-data?"
    for question in ("How logn does it take to get the data?", "how long does it tkae to get the data",
                     "Hovr lang tid tar det å få data?"):
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == "Leveringsfrister", question


def test_a_norwegian_word_typed_without_aeoa_is_embedded_with_them_unless_it_is_a_word_of_its_own(assistant):
    """Coverage and BM25 fold æøå; the embedding did not, so "hva koster en mr-undersokelse" read
    as near the price (answered with it) while "… MR-undersøkelse" was declined, and "naar faar eg
    personidentifiserbare data" went to the linking section instead of the delivery times."""
    nb = language.get("nb")
    spelling = language.Spelling({"når": 3, "mal": 1})
    assert spelling.with_letters("naar", nb) == "når"  # "aa" is how å is typed without it
    assert spelling.with_letters("undersokelse", nb) == "undersøkelse"  # from general language
    assert spelling.with_letters("mal", nb) is None  # a template, not "mål"
    assert spelling.with_letters("far", nb) is None  # a father, not "får"
    assert spelling.with_letters("naar", language.get("en")) is None  # Norwegian only
    assert assistant.lexical.spelled("hva koster en mr-undersokelse") == "hva koster en mr-undersøkelse"
    assert assistant.lexical.spelled("Naar faar jeg data?") == "Når får jeg data?"  # the capital kept
    assert assistant.ask("hva koster en mr-undersokelse").abstained
    assert assistant.ask("hvor mye koster det aa parkere ved sykehuset").abstained
    answer = assistant.ask("naar faar eg personidentifiserbare data")
    assert not answer.abstained and answer.citations[0].section == "Leveringsfrister"


def test_a_nynorsk_question_finds_the_bokmal_section():
    chunks = chunk_sections(load_sections(load_documents(CORPUS)))
    lx = LexicalIndex([c.search_text for c in chunks], Glossary({}))  # no glossary: the language layer alone
    query = lx.analyze("Kor mykje kostar det?")
    assert any("kost" in g.terms for g in query.groups)


# --- the glossary check

def _check(text: str, corpus: str = "pris time timer søknad andre formål enn forskning"):
    stems = {t.lstrip("!") for t in content_stems(corpus)}
    return check(Glossary.parse(text), stems, content_stems, {"time": ("tid", "gang")}, zipf_frequency)


def test_glossary_check_flags_folded_duplicates():
    problems = _check("søknad*\tsøknad\nsoknad*\tsøknad\n")
    assert len(problems) == 1 and "line 2" in problems[0] and "same key" in problems[0]


def test_glossary_check_flags_alternatives_the_corpus_never_has():
    problems = _check("cost\tpris, kostnad\n")
    assert len(problems) == 1 and "'kostnad' never matches" in problems[0]


def test_glossary_check_flags_a_sense_of_one_language_and_accepts_a_tag():
    assert any("English word too" in p for p in _check("time\ttime, timer\n"))
    assert _check("no:time\ttime, timer\n") == []


def test_language_tags_limit_an_entry_to_its_language():
    g = Glossary.parse("no:time\ttime, timer\n")
    assert g.match(["time"], 0, "nb") == (1, ("time", "timer"))
    assert g.match(["time"], 0, "en") is None


def test_the_shipped_glossary_is_clean():
    chunks = chunk_sections(load_sections(load_documents(CORPUS)))
    stems = {t.lstrip("!") for c in chunks for t in content_stems(c.search_text)}
    assert check(Glossary.load(CORPUS), stems, content_stems, language._mapping("en_nb.tsv"), zipf_frequency) == []


def test_a_missing_glossary_is_warned_about(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert Glossary.load(tmp_path).entries == {}
    assert "No glossary" in caplog.text


# --- example questions

def test_parse_examples_keeps_known_headings_and_reports_the_rest():
    data = {"sections": {"Pris": {"nb": ["Hva koster det?"], "xx": ["?"]}, "Prsi": {"nb": ["typo"]}},
            "out_of_scope": {"en": ["Weather?"]}}
    found, problems = parse_examples(data, "doc", {"Pris"})
    assert [(e.section, e.lang, e.text) for e in found] == [("Pris", "nb", "Hva koster det?"), ("", "en", "Weather?")]
    assert len(problems) == 2 and any("'Prsi'" in p for p in problems) and any("'xx'" in p for p in problems)


def test_the_shipped_example_file_covers_every_section_in_three_languages():
    docs = load_documents(CORPUS)
    sections = load_sections(docs)
    assert examples_path(GUIDANCE).is_file()
    examples = load_examples(docs, sections)
    for s in sections:
        mine = [e for e in examples if e.section == s.heading]
        assert len(mine) >= 20 and {e.lang for e in mine} == {"nb", "nn", "en"}, s.heading
    assert sum(not e.section for e in examples) >= 30


def test_a_document_saved_decomposed_keeps_its_examples(tmp_path, caplog):
    """A page saved on a Mac holds "Å" as "A" and a combining ring (NFD); the example file, written
    elsewhere, holds it composed: its headings still name the page's sections."""
    import shutil
    import unicodedata

    text = GUIDANCE.read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    (tmp_path / GUIDANCE.name).write_text(decomposed, encoding="utf-8")
    shutil.copy(examples_path(GUIDANCE), examples_path(tmp_path / GUIDANCE.name))
    docs = load_documents(tmp_path)
    sections = load_sections(docs)
    # the same sections: "NPR har som formål å" (its "å" decomposed) is no heading
    assert [unicodedata.normalize("NFC", s.heading) for s in sections] == \
        [s.heading for s in load_sections(load_documents(CORPUS))]
    with caplog.at_level("WARNING"):
        examples = load_examples(docs, sections)
    assert "is not a heading" not in caplog.text
    for s in sections:
        assert len([e for e in examples if e.section == s.heading]) >= 20, s.heading
    assert parse_examples({"sections": {"Åpne data": {"nb": ["Finnes det statistikk?"]}}}, "doc",
                          {unicodedata.normalize("NFD", "Åpne data")})[0][0].section == unicodedata.normalize("NFD", "Åpne data")


@pytest.mark.parametrize("question,section", [("Hva er formålet med NPR?", "Formålet med NPR"),
                                               ("Finnes det åpne data?", "Åpne data")])
def test_a_question_typed_decomposed_is_read_as_composed(assistant, question, section):
    """A Mac may send "å" as "a" and a combining ring (NFD): the words are the composed words."""
    import unicodedata

    from assistant.text import raw_words

    decomposed = unicodedata.normalize("NFD", question)
    assert decomposed != question and raw_words(decomposed) == raw_words(question)
    answer = assistant.ask(decomposed)
    assert not answer.abstained and answer.citations[0].section == section


def test_a_document_without_an_example_file_still_loads(tmp_path):
    (tmp_path / "a.txt").write_text("Pris\n\nDet koster 10 kroner.\n", encoding="utf-8")
    docs = load_documents(tmp_path)
    assert load_examples(docs, load_sections(docs)) == []


# --- the decision

def test_an_off_topic_subject_always_declines():
    s = Signals(0.99, 0.1, -0.1, 0.9, 1.0, 0.0, off_topic=True)
    assert Decision.load().decide(s).reason == "off_topic"


def test_the_fitted_decision_prefers_covered_questions_to_missing_topics():
    d = Decision.load()
    good = Signals(0.95, 0.03, -0.05, 0.85, 1.0, 0.0)
    bad = Signals(0.88, 0.0, 0.05, 0.80, 0.2, 1.0)
    assert d.decide(good).answer and not d.decide(bad).answer
    assert d.decide(good).score > d.decide(bad).score


def test_fit_learns_the_direction_of_a_signal():
    rows = [([0, 0, 0, 0, c / 10, 0], int(c >= 5)) for c in range(11)] * 3
    model = fit(rows)
    assert model.weights[FEATURES.index("coverage")] > 0
    low, high = (Signals(0, 0, 0, 0, c, 0) for c in (0.1, 0.9))
    assert model.score(high) > 0.5 > model.score(low)


def _signals(assistant, question: str) -> Signals:
    trace: list = []
    assistant.ask(question, trace=trace)
    return trace[0][0]


def test_a_year_or_compound_the_guidance_lacks_is_a_missing_topic_though_the_glossary_relates_it(assistant):
    from assistant.answering import missing_topics

    def missing(q):
        return missing_topics(assistant.analyze(q), assistant.known)

    # the glossary sends any year to the collection period; a year in neither the guidance nor an
    # example question (the writers' "Kan jeg få tall fra 1985?" makes 1985 known) is still not 1997
    year = next(str(y) for y in range(1980, 1997) if str(y) not in assistant.known)
    assert missing(f"Hvor mange ble innlagt i {year}?") >= 1.0
    assert missing("Har dere data fra 1997?") == 0.0
    # ...but a section that states a period ("Fra 1997 til d.d.") answers for any year asked about
    period = assistant.analyze("Prosjektet mitt går fra 2001 til 2015, dekker NPR den perioden?")
    assert missing_topics(period, assistant.known, period=True) == 0.0
    assert missing_topics(period, assistant.known) >= 1.0
    answer = assistant.ask("Prosjektet mitt går fra 2001 til 2015, dekker NPR den perioden?")
    assert answer.citations and answer.citations[0].section == "Datainnsamlingsperiode"
    assert assistant.ask(f"Hva kostet en søknad i {year}?").abstained  # the price section states no period
    # a compound is not known by its last part alone: tannbehandling is not behandling
    assert missing("Er tannbehandling registrert i NPR?") > 0.5
    assert missing("Er behandling i spesialisthelsetjenesten registrert i NPR?") == 0.0


def test_one_side_of_an_or_the_answering_section_holds_leaves_the_other_no_missing_topic(assistant):
    from assistant.answering import missing_topics
    from assistant.lexical import content_stems

    def section(heading):
        return frozenset(content_stems(next(c.context for c in assistant.chunks if c.heading == heading)))

    processor = section("Databehandler og databehandlingsansvarlig")
    either = assistant.analyze("Er det Helsedirektoratet eller en underleverandør som er databehandler for NPR?")
    assert ("helsedirektoratet", "underleverandor") in either.either
    assert missing_topics(either, assistant.known) > 0.5  # no section answering: the subcontractor is missing
    assert missing_topics(either, assistant.known, answering=processor) == 0.0  # ...the line naming Helsedirektoratet answers
    # both sides missing, or the side that is there not in the answering section: still missing
    assert missing_topics(assistant.analyze("Leveres dataene på minnepinne eller diskett?"), assistant.known,
                          answering=section("Leveringsfrister")) > 0.5
    assert missing_topics(either, assistant.known, answering=section("Datainnsamlingsperiode")) > 0.5
    answer = assistant.ask("Er det Helsedirektoratet eller en underleverandør som er databehandler for NPR?")
    assert not answer.abstained and answer.citations[0].section == "Databehandler og databehandlingsansvarlig"
    # the sides pair across a word or two between them and the "or", never across another subject,
    # and the side after is the "or"'s next word or the one after, not a clause of its own
    assert ("helsedirektoratet", "underleverandor") in \
        assistant.analyze("Er det Helsedirektoratet, altså, eller en underleverandør som er databehandler?").either
    assert not assistant.analyze("Er det Helsedirektoratet eller gjør dere det med en underleverandør?").either
    assert assistant.analyze("Gjelder det sykehus eller poliklinikk?").either == (("sykehus", "poliklinikk"),)
    assert not assistant.analyze("Gjelder det sykehus og Kreftregisteret eller poliklinikk?").either


def test_an_outside_subject_as_one_side_of_an_or_is_answered_by_the_other_side(assistant):
    from assistant.answering import missing_topics
    from assistant.lexical import content_stems

    processor = frozenset(content_stems(next(c.context for c in assistant.chunks
                                             if c.heading == "Databehandler og databehandlingsansvarlig")))
    # "Helsedirektoratet or FHI?" is answered by the line naming Helsedirektoratet, in either order
    # and language
    for question in ("Er det Helsedirektoratet eller Folkehelseinstituttet som er ansvarleg for registeret?",
                     "Er det Folkehelseinstituttet eller Helsedirektoratet som er ansvarleg for registeret?",
                     "Is it the Norwegian Institute of Public Health or Helsedirektoratet that is responsible?",
                     "er det helsedirektoratet eller folkehelseinstituttet som er ansvarlig?"):
        query = assistant.analyze(question)
        assert not query.off_topic and len(query.either) == 1
        # the outside side is known by no text: only the section holding the other side excuses it
        assert missing_topics(query, assistant.known) > 0.5
        assert missing_topics(query, assistant.known, answering=processor) == 0.0
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == "Databehandler og databehandlingsansvarlig"
    # ...never for NPR itself beside another register, two outside subjects, one said twice, a side
    # that is no body the guidance names ("i utlandet eller i Norge", capitals or not), a pair that
    # is the object of another question ("for Reseptregisteret eller Helsedirektoratet"), a negated
    # one, or an "or" with nothing after it
    for question in ("Kva kostar det å få data frå Reseptregisteret eller NPR?",
                     "How long does it take to get data from Statistics Norway or NPR?",
                     "Hvordan søker jeg om data fra Kreftregisteret eller Reseptregisteret?",
                     "Hvem leverer data, Kreftregisteret eller Kreftregisteret?",
                     "Er det Kreftregisteret eller Reseptregisteret, eller Kreftregisteret?",
                     "Har NPR data om pasienter behandlet i utlandet eller i Norge?",
                     "Does NPR have data on patients treated abroad or in Norway?",
                     "Gjelder det sykehus og Kreftregisteret eller poliklinikk?",
                     "Kan vi søke uten Kreftregisteret eller NPR?",
                     "Inneholder NPR Medisiner eller Diagnoser?",
                     "Does NPR cover Primary Care or Specialist Health Services?",
                     "HAR NPR DATA OM FASTLEGER ELLER SPESIALISTHELSETJENESTEN?",
                     "Hvem er databehandlingsansvarlig for Reseptregisteret eller Helsedirektoratet?",
                     "Who is the data controller for the Cancer Registry or Helsedirektoratet?",
                     "Hva med Kreftregisteret, eller?"):
        assert assistant.analyze(question).off_topic, question
        assert assistant.ask(question).abstained, question
    # another register linked with NPR named after it still asks about that register, "or" or not
    for question in ("Hvilke regler gjelder for kobling av Reseptregisteret eller KPR med NPR?",
                     "Kan vi koble Kreftregisteret eller MFR med NPR?"):
        assert assistant.analyze(question).off_topic, question
    assert not assistant.analyze("Hvordan kobler jeg NPR med Kreftregisteret eller SSB?").off_topic


def test_words_only_out_of_scope_examples_use_count_against_answering(assistant):
    assert "minnepinn" in assistant.declined  # "Kan dataene leveres på minnepinne?" and the like
    assert _signals(assistant, "Kan vi få dataene på en minnepinne?").oos_words > 0.5
    assert _signals(assistant, "Hva er timeprisen?").oos_words == 0


def test_a_near_out_of_scope_example_counts_apart_when_the_question_names_its_subject(assistant):
    named = _signals(assistant, "Hvor lang tid tar klagebehandlingen?")
    vague = _signals(assistant, "Hvor lang tid tar det?")
    assert named.oos_named == named.out_of_scope != 0
    assert vague.oos_named == 0 and vague.out_of_scope != 0


def test_oos_share_is_the_share_of_out_of_scope_examples_among_the_nearest(assistant):
    # off-topic: almost all out-of-scope; a near-miss: several; a plain price question: none
    assert _signals(assistant, "Hva blir været i Bergen i morgen?").oos_share >= 0.7
    assert _signals(assistant, "Kan jeg betale med kredittkort?").oos_share >= 0.3
    assert _signals(assistant, "Hva koster det per time?").oos_share <= 0.1


def test_an_emails_other_sentences_do_not_move_a_questions_embedding(assistant):
    alone = assistant.rank_parts("Hva koster det?")[1][0][1]
    mail = assistant.rank_parts("Hva koster det?", context="Jeg skriver masteroppgave om ventetider i "
                                "psykisk helsevern. Veilederen min har bedt meg finne ut av dette.")[1][0][1]
    assert alone.hits[0].chunk.heading == mail.hits[0].chunk.heading == "Pris"
    assert alone.hits[0].example == mail.hits[0].example


def test_asked_by_cues_are_read_and_a_badly_written_block_is_reported_not_fatal():
    from assistant.examples import parse_askers

    found, problems = parse_askers({"asked_by": {"Pris": ["kommune", None, " "], "Prsi": ["x"]}}, "doc", {"Pris"})
    assert found == {("doc", "Pris"): ("kommune",)} and "'Prsi'" in problems[0]
    for bad in (["kommune"], "kommune", {"Pris": "kommune"}):
        found, problems = parse_askers({"asked_by": bad}, "doc", {"Pris"})
        assert found == {} and len(problems) == 1
    assert parse_askers({"sections": {}}, "doc", {"Pris"}) == ({}, [])


def test_an_asker_who_names_their_purpose_gets_their_route_and_never_the_other(assistant):
    other = ("corpus/npr_guidance_no.txt", "Søknad ved andre formål enn forskning")
    research_form = "via\u00a0søknadsskjemaene"
    for question, context in [("Kan vi bruke søknadsskjemaet på helsedata.no?", "Vi er en kommune og trenger tall."),
                              ("Can we use the application forms on helsedata.no?",
                               "I work at a pharmaceutical company; this is not academic research."),
                              # no cue word: the negation alone names the route
                              ("Korleis søkjer vi om slike data?", "Vi treng tal, ikkje til forsking.")]:
        ranking = assistant.rank_parts(question, context)[1][0][1]
        assert ranking.route == other, question
        assert ranking.hits[0].chunk.heading == other[1], question
        answer = assistant.ask(question, context=context)
        assert not any(research_form in c.quote for c in answer.citations), question
        assert not any(r.section == "Søknad om tilgang til data" for r in answer.related), question
    answer = assistant.ask("Kan vi bruke søknadsskjemaet på helsedata.no?", context="Vi er en kommune og trenger tall.")
    assert answer.citations[0].section == other[1]
    # who asks, said in the question's own sentence, routes; the question's subject does not
    assert assistant.rank_parts("Vi er en kommune, kan vi bruke søknadsskjemaet?")[1][0][1].route == other
    assert assistant.rank_parts("Hvordan søker jeg om tall per kommune?")[1][0][1].route == ()
    # a researcher is sent to the form; a question that is not about applying keeps its section
    phd = assistant.ask("Hvordan søker jeg?", context="Jeg er stipendiat ved UiO.")
    assert phd.citations and phd.citations[0].section == "Søknad om tilgang til data"
    # ...and so is an English research group, though its hospital's name runs into "planning"
    group = assistant.rank_parts("Which route do we use to apply for the NPR data?",
                                 "We are a research group at Oslo University Hospital planning a register-based study.")[1][0][1]
    assert group.route != other
    assert group.hits[0].chunk.heading == "Søknad om tilgang til data"
    assert assistant.ask("Hva koster det?", context="Vi er en kommune.").citations[0].section == "Pris"
    # the route for other purposes rises by agreeing with what the asker negates only where the
    # routes answer the question: what NPR's data may be used for is the purpose section's
    use = assistant.ask("Kan dataene brukes til kvalitetssikring av sykdomsregistre?")
    assert use.citations[0].section == "Formålet med NPR"
    # both kinds named: no route is assumed
    both = assistant.rank_parts("Hvordan søker vi?", "Vi er en kommune og en forsker skal hjelpe oss.")[1][0][1]
    assert both.route == () and not both.other_routes


def test_the_people_an_asker_compares_themselves_with_name_no_route(assistant):
    """"Det samme skjemaet som forskerne bruker" is asked by someone who is not a researcher: the
    researchers named in a comparison never send the asker to the research form."""
    from assistant.questions import compared_with

    assert compared_with("Skal vi fylle ut det samme skjemaet som forskerne bruker?") == ["forskerne"]
    assert compared_with("Skal vi søkje gjennom helsedata.no slik forskarane gjer?") == ["forskarane"]
    assert compared_with("Do we apply like other researchers?") == ["researchers"]
    assert compared_with("Do we use the same form as the researchers do?") == ["researchers"]
    assert compared_with("Skal vi bruke samme skjema som forskere bruker?") == ["forskere"]
    assert compared_with("Kan vi søke på samme måte som forskere?") == ["forskere"]
    assert compared_with("Søker vi i likhet med forskerne?") == ["forskerne"]
    # "as researchers", "som forskere" and "som kommune" say who the asker is, and "would like" is a wish
    assert compared_with("As researchers, we want data.") == []
    assert compared_with("Vi som forskere lurer på prisen.") == []
    assert compared_with("Vi som kommune lurer på om vi skal bruke skjemaet.") == []
    assert compared_with("Som fylkeskommune lurer vi på hvordan vi søker.") == []
    assert compared_with("We would like quality improvement data.") == []
    other = ("corpus/npr_guidance_no.txt", "Søknad ved andre formål enn forskning")
    for question, context in [("Skal vi fylle ut det samme skjemaet på helsedata.no som forskerne bruker?",
                               "Dette er internt kvalitetsarbeid og ikke forskning."),
                              ("Skal vi søkje gjennom helsedata.no slik forskarane gjer?",
                               "Vi har starta eit forbetringsprosjekt på sjukehuset.")]:
        ranking = assistant.rank_parts(question, context)[1][0][1]
        assert ranking.route == other, question
        answer = assistant.ask(question, context=context)
        assert answer.citations and answer.citations[0].section == other[1], question
        assert not any("via\u00a0søknadsskjemaene" in c.quote for c in answer.citations), question
    # a researcher asking the same is still sent to the form
    own = assistant.rank_parts("Skal jeg bruke skjemaet på helsedata.no?", "Jeg er forsker ved UiO.")[1][0][1]
    assert own.route != other
    # quality-improvement work and a clinical audit are other purposes than research
    for context in ("Vi driv kvalitetsforbetring på sjukehuset.", "We run a clinical audit at our hospital."):
        assert assistant.rank_parts("How do we apply for NPR data?", context)[1][0][1].route == other, context


def test_the_research_form_is_never_quoted_to_an_asker_after_their_own_health_information(assistant):
    """`not_for`: whoever speaks of their own (or a relative's) health information is not sent to
    the research form, whichever part of the message says so; a researcher still is."""
    from assistant.examples import parse_askers

    research = "Søknad om tilgang til data"
    found, problems = parse_askers({"not_for": {research: ["egne helseopplysninger"], "Prsi": ["x"]}}, "doc",
                                   {research}, key="not_for")
    assert found == {("doc", research): (("egne helseopplysninger",), ())} and "not_for: 'Prsi'" in problems[0]
    found, problems = parse_askers({"not_for": {research: {"askers": ["egne"], "unless": ["phd", None]}}}, "doc",
                                   {research}, key="not_for")
    assert found == {("doc", research): (("egne",), ("phd",))} and problems == []
    assert parse_askers({"not_for": {research: {"askers": "egne"}}}, "doc", {research}, key="not_for")[0] == {}
    found, problems = parse_askers({"not_for": {research: {"askers": ["egne"], "unles": ["phd"]}}}, "doc",
                                   {research}, key="not_for")
    assert found == {} and "unknown keys unles" in problems[0]  # a misspelt key never leaves it unqualified
    for question, whole in [("Må jeg bruke søknadsskjemaet på helsedata.no for det?",
                             "Hvor kan jeg se hvilke opplysninger som er registrert om meg? "
                             "Må jeg bruke søknadsskjemaet på helsedata.no for det?"),
                            ("Trenger jeg å fylle ut søknadsskjema for å se min egen journal?", ""),
                            ("my dad wants to see his own data in the registry. does he have to apply the way "
                             "researchers do?", "")]:
        answer = assistant.ask(question, whole=whole)
        assert not any(c.section == research for c in answer.citations), question
        assert research not in {r.section for r in answer.related}, question
    # nor the route for other purposes: neither form is the way to one's own health information
    for question in ("Jeg vil se journalen min. Hvordan søker jeg?",
                     "My mother wants her own data from NPR. Which application form should she use?"):
        cited = {c.section for c in assistant.ask(question).citations}
        assert not cited & {research, "Søknad ved andre formål enn forskning"}, (question, cited)
    # the same question without the asker's own information, and a researcher's, get the form
    for question, context in [("Må jeg bruke søknadsskjemaet på helsedata.no?", ""),
                              ("Hvordan søker jeg?", "Jeg er stipendiat og skal koble egne data med NPR."),
                              # "my own data" with what the form is for (`unless`) is a researcher's
                              ("I need my own data for a research project, where do I send the application?", ""),
                              ("My own cohort data should be linked to NPR. Where do I apply?", ""),
                              # a research asker's own words (`asked_by`) say what the form is for
                              ("I'm a master's student using my own data. How do I apply for NPR data?", ""),
                              # "egne" and "helseopplysninger" apart are no patient's "egne helseopplysninger"
                              ("Vi har egne data og trenger helseopplysninger fra NPR om pasienter med hjertesvikt. "
                               "Hvordan søker vi?", "")]:
        assert assistant.ask(question, context=context).citations[0].section == research, question


def test_a_bare_how_do_we_apply_from_a_named_asker_is_answered_by_their_route(assistant):
    """The routes answer one question for different askers: "How do we apply?" sits nearer the
    research form's examples, but from a municipality it is the other route's question, and the
    decision counts the asker's words in the margin (before, both were declined)."""
    other = "Søknad ved andre formål enn forskning"
    for question, context in [("How do we apply?", "We're a municipality and want numbers for planning."),
                              ("Korleis søkjer vi om dette?", "Vi ønskjer å samanlikne liggjetider, altså ikkje forsking.")]:
        ranking = assistant.rank_parts(question, context)[1][0][1]
        assert ranking.routed and ranking.hits[0].chunk.heading == other, question
        answer = assistant.ask(question, context=context)
        assert not answer.abstained and answer.citations[0].section == other, question
        assert "skal du ikke bruke søknadsskjema" in " ".join(c.quote for c in answer.citations)
    # the same bare question with no asker named is not routed
    assert not assistant.rank_parts("How do we apply?")[1][0][1].routed


def test_a_question_the_routes_answer_in_other_words_is_answered_by_the_askers_route(assistant):
    """Where the routes' examples are the closest of all and the route's text holds a word of the
    question, a named asker's question is their route's, though its own words ("route", "tall")
    are not in that text; a question about something else from the same asker is not routed."""
    other = "Søknad ved andre formål enn forskning"
    for question, context in [("Which application route do we use?",
                               "We're a small consultancy preparing a market analysis. This is a commercial project, not research."),
                              ("Hvordan søker vi om slike tall fra NPR?",
                               "Jeg jobber som rådgiver i kommunen. Vi holder på med en ny helseplan.")]:
        ranking = assistant.rank_parts(question, context)[1][0][1]
        assert ranking.routed and ranking.hits[0].chunk.heading == other, question
        answer = assistant.ask(question, context=context)
        assert not answer.abstained and answer.citations[0].section == other, question
    for question, context in [("Kan jeg sitere dere med navn i artikkelen?", "Jeg er journalist i en avis."),
                              ("Hva koster det?", "Vi er en kommune."),
                              # the research route is where unnamed questions go anyway: "søknad" in
                              # a researcher's question about something else does not pull it there
                              ("Can I apply for data for my thesis in English?", "I am writing a thesis."),
                              ("Hvordan søker jeg om å koble NPR med Kreftregisteret?", "Jeg er forsker.")]:
        assert not assistant.rank_parts(question, context)[1][0][1].routed, question
    linked = assistant.ask("Hvordan søker jeg om å koble NPR med Kreftregisteret?", context="Jeg er forsker.")
    assert linked.citations[0].section == "Sammenstilling/kobling av data fra flere kilder"


def test_a_named_asker_gets_their_route_only_for_a_question_the_routes_answer(assistant):
    # who asks decides between the routes, never between a route and the section asked about
    purpose = assistant.ask("Hei, jeg jobber i en kommune. Hva er formålet med NPR? Mvh Kari")
    assert purpose.citations[0].section == "Formålet med NPR"
    who = assistant.ask("Hei, jeg jobber i en kommune. Hvem har opplysninger i NPR?")
    assert who.citations and "Søknad" not in who.citations[0].section
    # the routes' examples are the closest: the municipality's route, never the research form
    apply = assistant.ask("Hei, jeg jobber i en kommune. Hvordan søker jeg om tilgang til data fra NPR? Mvh Kari")
    assert apply.citations[0].section == "Søknad ved andre formål enn forskning"
    assert not any(c.section == "Søknad om tilgang til data" for c in apply.citations)


def test_greetings_around_a_question_the_guidance_does_not_answer_do_not_make_it_answered(assistant):
    bare = assistant.ask("Hva koster en MR-undersøkelse?")
    wrapped = assistant.ask("God dag. Jeg har et spørsmål om NPR. Hva koster en MR-undersøkelse?  På forhånd takk.")
    assert bare.abstained and wrapped.abstained
    signed = assistant.ask("Kor mange timar bruker de vanlegvis på ein søknad?\nMed venleg helsing\nKari Nordmann, Helse Bergen")
    assert signed.abstained
    # an announcement with a subject is what a topicless question asks about
    linking = assistant.ask("I have a question about linking data from several sources. What should we check first?")
    assert linking.citations[0].section == "Sammenstilling/kobling av data fra flere kilder"
    assert assistant.ask("Good morning. I have a question about NPR. asdfgh qwerty zxcvb  Thanks in advance.").abstained


def test_another_register_linked_with_npr_is_no_veto_but_one_asked_about_is(assistant):
    """The guidance has a section on linking NPR with other sources: a register NPR is to be
    linked with is one of them; a question about that register's own rules stays off topic."""
    linked = assistant.lexical.analyze("Kan eg kople NPR-data med Reseptregisteret?")
    assert linked.off_topic == ""
    answer = assistant.ask("Kan eg kople NPR-data med Reseptregisteret?")
    assert not answer.abstained and answer.citations[0].section.startswith("Sammenstilling")
    # another data source than a register
    assert assistant.lexical.analyze("Kan vi koble NPR med data fra SSB?").off_topic == ""
    answer = assistant.ask("Vi skal koble NPR med SSB-data. Er det noe vi må sjekke først?")
    assert not answer.abstained and answer.citations[0].section.startswith("Sammenstilling")
    for question in ("Hvilke krav stiller Reseptregisteret ved kobling med NPR?",  # that register's rules
                     "Hvilke krav stiller SSB ved kobling med NPR?",
                     "Kan jeg koble Kreftregisteret med Reseptregisteret?",  # NPR not in it
                     "Kan jeg koble data fra et helseregister med Reseptregisteret?",  # nor here
                     "Ikke NPR, men kan jeg koble Kreftregisteret med Reseptregisteret?",
                     "Kan NPR koble meg til legevakta?",  # not a register: no source to link
                     "Kan NPR sammenstille data med tannlegen min?",
                     "Hvordan søker jeg om data fra Kreftregisteret?"):
        assert assistant.lexical.analyze(question).off_topic, question
        assert assistant.ask(question).abstained, question
    # the health registers in general are not another register
    assert assistant.lexical.analyze("Hva er registrert om meg i helseregistrene?").off_topic == ""


def test_other_registers_by_their_english_names_are_no_veto_only_when_linked_with_npr(assistant):
    for question in ("Does the NOK 1100 per hour also apply to data from the Norwegian Prescription Database?",
                     "What is the delivery time for anonymous data from the Medical Birth Registry?"):
        assert assistant.lexical.analyze(question).off_topic, question
        assert assistant.ask(question).abstained, question
    for question in ("I want to link NPR with the Prescription Database. What should I check?",
                     "Skal kople NPR med SSB-data, noe jeg må sjekke først?",  # nynorsk "kople" links too
                     "Kan vi kombinere NPR-data med data fra Reseptregisteret?"):
        assert assistant.lexical.analyze(question).off_topic == "", question
        answer = assistant.ask(question)
        assert not answer.abstained and "sammenstilling" in answer.citations[0].section.lower(), question
    # "registered" is no register
    for question in ("Is the cause of death registered in NPR?", "Is date of birth registered in NPR?"):
        assert assistant.lexical.analyze(question).off_topic == "", question


def test_a_qualified_negation_still_denies_research_and_planning_a_study_is_research(assistant):
    """"not formal research" is the non-research route, like "not research"; a research group
    "planning a study" is the research route ("planning" as a purpose names the other)."""
    for question in ("I'm a nurse doing a quality-improvement project (not formal research). Do I use helsedata.no?",
                     "We are a hospital quality team, not strictly formal research. Do we use helsedata.no?",
                     "Vi er en kommune, ikke egentlig forskning. Hvordan søker vi?"):
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == "Søknad ved andre formål enn forskning", question
    answer = assistant.ask("We're a research group planning a registry study with Norwegian data. "
                           "Where do we submit the application?")
    assert not answer.abstained and answer.citations[0].section == "Søknad om tilgang til data"


def test_a_negation_reaches_past_a_verb_to_the_line_the_guidance_draws(assistant):
    """"ikkje driv med forsking" and "don't conduct research" deny research as "not research" does
    (one word further, where the guidance itself says "enn forskning"); a word it never denies
    after such a verb stands as it is ("surveys")."""
    route = "Søknad ved andre formål enn forskning"
    for question in ("We don't conduct research, how do we apply?",
                     "Kvar skal eg vende meg når eg ikkje driv med forsking?",
                     "Vi driv ikkje med forsking, korleis søkjer vi?",
                     "Vi driver ikke med forskning. Hvor henvender vi oss?"):
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == route, question
    query = assistant.lexical.analyze("We don't conduct surveys, how do we apply?")
    assert any("survey" in g.terms for g in query.groups)  # kept, and not denied
    assert not any("!survey" in g.terms for g in query.groups)


def test_not_living_in_norway_is_the_address_outside_norway_not_a_denied_address(assistant):
    """"I don't live in Norway" would deny "bostedsadresse" (the glossary's "live"), which the
    population section asserts ("bostedsadresse utenfor Norge"): the glossary says it whole."""
    for question in ("Am I in the register even though I don't live in Norway?",
                     "Er eg med i NPR sjølv om eg ikkje bur i Noreg?", "Er jeg i NPR selv om jeg ikke bor i Norge?"):
        query = assistant.lexical.analyze(question)
        assert any("bostedsadress" in g.terms for g in query.groups), question
        assert not any(t.startswith("!") for g in query.groups for t in g.terms), question
        ranking = assistant.rank_parts(question)[1][0][1]
        assert ranking.hits[0].chunk.heading == "Populasjon og geografi", question
    answer = assistant.ask("Kvar kan eg lese om kor komplett registeret er?")
    assert not answer.abstained and answer.citations[0].section == "Datakvalitet"


def test_published_or_ready_made_statistics_are_the_open_data_section(assistant):
    for question in ("Er det nokon ferdige statistikkar eg kan bruke?", "Is there any ready-made statistics I can use?",
                     "Finnes det noe ferdig publisert statistikk jeg kan bruke i mellomtiden?"):
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == "Åpne data", question


def test_a_register_the_guidance_itself_names_is_no_other_subject(assistant):
    """The guidance names "sykdoms- og kvalitetsregistre" among NPR's purposes: asked about, they
    are no other register ("*registre*" in the glossary)."""
    for question in ("Kan NPR brukes til å etablere nye kvalitetsregistre?", "Kan NPR brukes til å lage sykdomsregistre?"):
        assert assistant.lexical.analyze(question).off_topic == "", question
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations[0].section == "Formålet med NPR", question
    assert assistant.lexical.analyze("Hvordan søker jeg om data fra Kreftregisteret?").off_topic


def test_a_glossary_phrase_may_hold_determiners_between_its_words():
    g = Glossary.parse("submit application\tsøke\nsubmit\tfremlegge\npris per time\tpris\n")
    assert g.match(["submit", "my", "application"], 0) == (3, ("søke",))
    assert g.match(["submit", "the", "application"], 0) == (3, ("søke",))
    assert g.match(["submit", "our", "application", "now"], 0) == (3, ("søke",))
    # other words between them break the phrase; a determiner at either end is not the phrase's
    assert g.match(["submit", "documents", "application"], 0) == (1, ("fremlegge",))
    assert g.match(["submit", "the"], 0) == (1, ("fremlegge",))
    assert g.match(["pris", "per", "time"], 0) == (3, ("pris",))


def test_a_repeated_glossary_line_keeps_its_meaning():
    g = Glossary.parse("cause of death regist*\t!\ncause of death regist*\t!\nkost*\tpris\nkost*\tpris\n")
    assert g.match(["cause", "of", "death", "registry"], 0) == (4, ("!",))  # still off-topic
    assert g.match(["kostnad"], 0) == (1, ("pris",))


def test_a_threshold_override_wins():
    n = len(FEATURES)
    m = Model((0,) * n, 0.0, (0,) * n, (1,) * n, 0.5)  # always scores 0.5
    s = Signals(0, 0, 0, 0, 0, 0)
    assert Decision({"with_examples": m}).decide(s).answer
    assert not Decision({"with_examples": m}, threshold=0.6).decide(s).answer


# --- the support team teaches it

from assistant.teaching import add_example, teach  # noqa: E402

SMALL = 'sections:\n  "Pris":\n    nb:\n      - "Pris?"\n    en:\n      - "Price?"\nout_of_scope:\n  nb:\n    - "Været?"\n'


def test_add_example_never_writes_into_the_asked_by_block():
    import yaml

    text = 'sections:\n  "Pris":\n    nb:\n      - "Pris?"\nout_of_scope:\n  nb:\n    - "Været?"\n' \
           'asked_by:\n  "Søknad ved andre formål enn forskning":\n    - kommune\n'
    out = add_example(text, "Søknad ved andre formål enn forskning", "nb", "Vi er en kommune, hvordan søker vi?")
    data = yaml.safe_load(out)
    assert data["sections"]["Søknad ved andre formål enn forskning"] == {"nb": ["Vi er en kommune, hvordan søker vi?"]}
    assert data["asked_by"] == {"Søknad ved andre formål enn forskning": ["kommune"]}


def test_add_example_appends_to_the_right_list_and_keeps_the_rest():
    out = add_example(SMALL, "Pris", "nb", "Hva koster det?")
    assert out == SMALL.replace('      - "Pris?"\n', '      - "Pris?"\n      - "Hva koster det?"\n')
    assert add_example(out, "Pris", "nb", "Hva koster det?") is None  # never twice
    nn = add_example(SMALL, "Pris", "nn", "Kva kostar det?")
    assert '    nn:\n      - "Kva kostar det?"\nout_of_scope:' in nn
    oos = add_example(SMALL, "", "en", "Weather?")
    assert oos.endswith('    - "Været?"\n  en:\n    - "Weather?"\n')


def test_teach_writes_an_example_and_a_case_with_masked_numbers(tmp_path):
    import yaml

    examples, cases = tmp_path / "x.questions.yaml", tmp_path / "questions.jsonl"
    examples.write_text(SMALL, encoding="utf-8")
    cases.write_text('{"id": "a", "question": "Pris?"}\n', encoding="utf-8")
    lesson = teach("Hva koster det for 01019012345?", "nb", "Pris", examples, cases,
                   "• Pris per time NOK 1100,- eks. mva.")
    assert lesson.example_added and lesson.case_id == "staff-001"
    data = yaml.safe_load(examples.read_text(encoding="utf-8"))
    assert data["sections"]["Pris"]["nb"][-1].startswith("Hva koster det for ") and "01019012345" not in examples.read_text()
    last = json.loads(cases.read_text(encoding="utf-8").splitlines()[-1])
    assert last["section"] == "Pris" and last["answerable"] and last["facts"] == [re.escape("Pris per time NOK 1100,- eks. mva.")]
    again = teach("Hva koster det for 01019012345?", "nb", "Pris", examples, cases)
    assert not again.example_added and again.case_id == ""
    off = teach("Hva blir været?", "nb", "", examples, cases)
    assert off.case_id == "staff-002" and "Hva blir været?" in yaml.safe_load(examples.read_text())["out_of_scope"]["nb"]


def test_who_a_question_has_apply_names_the_route_never_the_research_form(assistant):
    """"Hvordan kan en kommune søke?", "Can a company use the forms?": the asker is the question's
    subject, not a self-introduction; a compound ("frilansjournalist") says its last part; the
    research form is never the answer. What the data is about ("tall per kommune") names nobody."""
    research_form = "Søknad om tilgang til data"
    for question in ["Hvordan kan en kommune søke om data fra NPR?", "Kan kommunen bruke søknadsskjemaene på helsedata.no?",
                     "Korleis søkjer ein kommune om data?", "Can a company use the forms on helsedata.no?",
                     "Which form should a company use?", "Vi i kommunen lurer på hvordan vi søker om data fra NPR.",
                     "Jeg er frilansjournalist. Hvor søker jeg?", "Vi er en bedrift. Hvordan søker vi om data?"]:
        answer = assistant.ask(question)
        assert not any(c.section == research_form for c in answer.citations), question
        assert answer.citations and answer.citations[0].section == "Søknad ved andre formål enn forskning", question
    assert assistant.rank_parts("Hvordan søker jeg om data per bostedskommune?")[1][0][1].route == ()


def test_a_researcher_who_works_in_a_municipality_gets_the_research_form(assistant):
    # both kinds named, the role the asker says they are decides; where they work comes second
    for question in ["Vi er forskere i en kommune. Hvordan søker vi?", "Eg er forskar i ein kommune. Korleis søkjer eg?"]:
        answer = assistant.ask(question)
        assert answer.citations and answer.citations[0].section == "Søknad om tilgang til data", question
    # a municipality with a researcher to help: nobody's role is stated over the other's
    both = assistant.rank_parts("Hvordan søker vi?", "Vi er en kommune og en forsker skal hjelpe oss.")[1][0][1]
    assert both.route == ()


def test_an_english_word_is_read_as_its_norwegian_cognate_by_the_regular_spelling_differences():
    from assistant import language

    en = language.get("en")
    assert en.cognates("exclusion") == ["eksklusjon"]
    assert en.cognates("criteria") == ["kriteria"]
    assert en.cognates("statistics") == ["statistikk"]
    assert en.cognates("quality") == ["kvalitet"]
    assert en.cognates("specialist") == ["spesialist"]
    assert en.cognates("technical") == ["teknisk"] and en.cognates("exception") == ["eksepsjon"]
    assert en.cognates("commission") == ["kommisjon"]
    assert en.cognates("case") == [] and en.cognates("purpose") == []  # short, or spelled the same
    assert language.get("nb").cognates("exclusion") == []


def test_a_cognate_the_guidance_uses_makes_the_english_word_known():
    from assistant.lexical import LexicalIndex

    lx = LexicalIndex(["Inklusjons- eller eksklusjonskriterier\nKriterier for hvem som er med i registeret.",
                       "Pris\nPris per time NOK 1100."])
    group = next(g for g in lx.analyze("What are the criteria?", "en").groups if g.label == "criteria")
    assert dict(zip(group.terms, group.weights)).get("kriteri", 0) >= 0.8
    assert lx.scores(lx.analyze("What are the criteria?", "en"))[0] > 0
    # a cognate the guidance does not use adds nothing ("collection" -> "kolleksjon"), not even as a
    # compound's part ("centre" -> "sentr" is no part of "sentralt")
    assert not any(t.startswith("kolleksjon") for g in lx.analyze("the collection", "en").groups for t in g.terms)
    central = LexicalIndex(["Norsk pasientregister\nEt sentralt helseregister."])
    assert not any(t.startswith("sentral") for g in central.analyze("the centre", "en").groups for t in g.terms)


def test_a_nynorsk_compound_apertium_lacks_is_read_by_its_parts():
    from assistant import language

    nn = language.get("nn")
    assert nn.to_guidance("kvalitetsforbetring") == ["kvalitetsforbedring"]  # the last part
    assert nn.to_guidance("sjukehusopphald") == ["sykehusopphold"]          # both parts
    assert nn.to_guidance("forskingsdata") == ["forskningsdata"]            # the first part, before its s
    assert nn.to_guidance("kvalitetsregister") == []  # nothing nynorsk in it: no guess ("kval" is no part)
    assert nn.to_guidance("tjenestene") == []         # a bokmål word is taken apart into nothing
    assert nn.to_guidance("x" * 500) == []            # pasted junk is no compound


def test_a_study_is_research_but_a_student_loan_is_not(assistant):
    # the glossary names the forms of "studie" rather than every word starting with it: a compound
    # names a kind of its last part ("studielån" is a loan), and none of the guidance's sections is about one
    groups = {g.label: g.terms for g in assistant.analyze("Hvordan søker jeg om data til studien min?").groups}
    assert "forskning" in groups["studien"]
    groups = {g.label: g.terms for g in assistant.analyze("Vi trenger data om studielån.").groups}
    assert "forskning" not in groups["studielan"]
    answer = assistant.ask_after("Vi trenger data om studielån.", "Hva koster det?")
    assert answer.abstained and answer.reason == "not_covered"
