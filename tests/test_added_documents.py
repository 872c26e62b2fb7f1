"""A document the team adds beside the guidance, with only a few example questions of its own:
the guidance's out-of-scope examples never decline what the added document answers, a section with
three example questions can win the neighbours' vote, and a text stating weekdays, clock times or
its telephone answers "when" and "can I call"."""

from __future__ import annotations

import shutil

import pytest

from assistant.asked_for import asks_for, gives
from assistant.settings import Settings
from conftest import CORPUS

SUPPORT = """Brukerstøtte for Helsedataservice (HDS)

Åpningstider

Brukerstøtten svarer på telefon mandag til fredag mellom klokken 09 og 15. I juli er telefonen stengt, men e-post besvares.

Klage på vedtak

Den som har fått avslag på en søknad om data, kan klage på vedtaket. Klagen sendes skriftlig innen tre uker etter at vedtaket er mottatt. Klagen behandles av Klagenemnda for helsedata.

Endring av prosjekt

Endringer i et prosjekt som allerede har fått tilgang, må meldes på eget endringsskjema. Utvidet tidsperiode, nye variabler eller nye prosjektmedarbeidere regnes som endringer.
"""

EXAMPLES = """sections:
  "Åpningstider":
    nb:
      - "Når kan jeg ringe brukerstøtten?"
      - "Er dere åpne i sommerferien?"
    en:
      - "What are your phone hours?"
  "Klage på vedtak":
    nb:
      - "Kan jeg klage hvis søknaden blir avslått?"
      - "Hvor lang frist har jeg for å klage?"
    en:
      - "Can I appeal a rejection?"
  "Endring av prosjekt":
    nb:
      - "Hvordan melder jeg en endring i prosjektet?"
    nn:
      - "Korleis melder eg ei endring i prosjektet?"
    en:
      - "How do I report a change to my project?"
"""


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    from assistant import Assistant

    tmp = tmp_path_factory.mktemp("added")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "brukerstotte.txt").write_text(SUPPORT, encoding="utf-8")
    (corpus / "brukerstotte.questions.yaml").write_text(EXAMPLES, encoding="utf-8")
    return Assistant(Settings.from_env().with_(corpus_dir=corpus, data_dir=tmp / "data"))


@pytest.mark.parametrize("question, section, fact", [
    ("Hvem behandler klagen?", "Klage på vedtak", "Klagenemnda"),  # the guidance declines complaints of its own
    ("Innen hvilken frist må klagen sendes?", "Klage på vedtak", "tre uker"),
    ("Kan eg klage på vedtaket?", "Klage på vedtak", "kan klage"),
    ("Hvilke dager har brukerstøtten åpent?", "Åpningstider", "mandag til fredag"),
    ("Kan jeg ringe dere i juli?", "Åpningstider", "I juli er telefonen stengt"),
    ("Må nye prosjektmedarbeidere meldes?", "Endring av prosjekt", "endringsskjema"),
])
def test_an_added_documents_sections_with_three_examples_answer(added, question, section, fact):
    answer = added.ask(question)
    assert not answer.abstained, (question, answer.reason, answer.confidence)
    assert answer.citations[0].section == section and answer.citations[0].source.endswith("brukerstotte.txt")
    assert fact in " ".join(c.quote for c in answer.citations)


def test_beside_an_added_document_the_guidance_still_answers_and_declines_as_before(added):
    assert added.ask("Hva koster det?").citations[0].section == "Pris"
    assert added.ask("Kan dataene leveres på minnepinne?").abstained  # the guidance's own out-of-scope example
    ranking = added.rank_parts("Kan dataene leveres på minnepinne?")[1][0][1]
    assert ranking.oos_share > 0  # ...still counted for the guidance's sections


def test_only_the_first_sections_document_s_out_of_scope_examples_count(added):
    ranking = added.rank_parts("Hvem behandler klagen?")[1][0][1]
    assert ranking.hits[0].chunk.source.endswith("brukerstotte.txt")
    assert ranking.oos_share == 0 and ranking.out_of_scope == 0  # the guidance's complaints are no neighbour


def test_weekdays_clock_times_and_the_telephone_give_when_and_can_i_call():
    hours = "Brukerstøtten svarer på telefon mandag til fredag mellom klokken 09 og 15."
    assert gives(asks_for("Når har dere telefontid?"), hours)
    assert gives(asks_for("Når kan jeg ringe?"), "Telefonen er åpen kl. 9-15.")
    assert gives(asks_for("When are you open?"), "Open Monday to Friday, 9:00-15:00.")
    assert gives(asks_for("Kan jeg ringe dere i juli?"), "I juli er telefonen stengt.")
    # the guidance itself names neither: its sections still give no date or telephone
    assert not gives(asks_for("Når kan jeg ringe?"), "Søknad sendes via søknadsskjemaene på helsedata.no")
    assert not gives(asks_for("Kan jeg ringe dere?"), "Søknad sendes via helsedata.no")
    assert not gives(asks_for("Når kommer neste årsrapport?"), "Alle personer som blir henvist til spesialisthelsetjenesten")


def test_the_register_a_question_names_decides_the_document(added):
    from assistant.service import document_names

    names = {d.source.rsplit("/", 1)[-1]: document_names(d) for d in added.documents}
    assert names["npr_guidance_no.txt"] == ("norsk pasientregister", "npr")
    assert names["brukerstotte.txt"] == ("brukerstøtte for helsedataservice", "hds")
    # HDS named: the guidance's purpose section, first without the name, falls behind the HDS page
    ranking = added.rank_parts("Hva er formålet med HDS?")[1][0][1]
    assert ranking.hits[0].chunk.source.endswith("brukerstotte.txt")
    assert all(c.section != "Formålet med NPR" for c in added.ask("Hva er formålet med HDS?").citations)
    assert added.ask("Hva er formålet med NPR?").citations[0].section == "Formålet med NPR"
    unnamed = added.rank_parts("Hva er formålet med registeret?")[1][0][1]
    assert unnamed.hits[0].chunk.heading == "Formålet med NPR"


def test_a_section_with_a_handful_of_examples_is_read_by_its_passage_too(added, monkeypatch):
    """Its three examples ask nothing of e-mail in July or of a longer period; its text does."""
    from assistant import tuning

    for question, section in (("Er e-post besvart i juli?", "Åpningstider"),
                              ("Regnes utvidet tidsperiode som en endring?", "Endring av prosjekt")):
        answer = added.ask(question)
        assert not answer.abstained and answer.citations[0].section == section, (question, answer.reason)
    monkeypatch.setattr(tuning, "FEW_EXAMPLES", 0)  # by its three examples alone it was declined
    assert added.ask("Er e-post besvart i juli?").abstained


def test_names_are_read_with_care_and_an_acronym_that_is_a_common_word_counts_only_in_capitals():
    from types import SimpleNamespace

    from assistant.retrieval import mentions
    from assistant.service import document_names

    def names(title, first="Tekst."):
        return document_names(SimpleNamespace(title=title, text=first))

    assert names("x", "# Kommunalt pasient- og brukerregister (KPR) – tilgang til data") == (
        "kommunalt pasient- og brukerregister", "kpr")
    assert names("Data og eksporttjenester (DET)") == ("data og eksporttjenester", "DET")
    assert names("A – (XY)") == ("xy",)  # no one-word name: "a" would be in every English question
    assert names("Veiledning for søknad om tilgang til data fra det kommunale registeret (KPR)") == ("kpr",)
    assert names(2024, "Ingen forkortelse her.") == ()  # a title that is no text names nothing
    assert mentions("Hva koster data fra kpr?", "kpr") and mentions("KPRs tall for 2023", "kpr")
    assert not mentions("Hva er det som gjelder?", "DET") and mentions("Hva tilbyr DET?", "DET")
    assert not mentions("Gjelder dette NPR?", "pr")


def test_a_page_about_the_same_register_with_no_name_of_its_own_is_not_pushed_down(tmp_path):
    """An annual report "for NPR" names no register of its own: a question naming NPR still finds
    it (only the pages of other registers fall)."""
    from assistant import Assistant

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "arsrapport.txt").write_text(
        "Årsrapport for NPR 2024\n\nVentetider\n\nGjennomsnittlig ventetid i 2024 var 58 dager for "
        "somatikk og 44 dager i psykisk helsevern.\n", encoding="utf-8")
    (corpus / "arsrapport.meta.json").write_text('{"title": 2024}', encoding="utf-8")  # no text: a warning
    assistant = Assistant(Settings.from_env().with_(corpus_dir=corpus, data_dir=tmp_path / "data"))
    assert assistant.engine.named[next(d.source for d in assistant.documents if "arsrapport" in d.source)] == ()
    ranking = assistant.rank_parts("Hva var gjennomsnittlig ventetid i NPR i 2024?")[1][0][1]
    assert ranking.hits[0].chunk.source.endswith("arsrapport.txt") and ranking.hits[0].chunk.heading == "Ventetider"


def test_the_added_page_eval_set_is_sound(tmp_path):
    """eval/added: every question names a section of the page, and its facts are in that section."""
    import re

    from assistant.corpus import parse_sections
    from eval.added import HERE, PAGE, corpus
    from eval.cases import load_cases

    folder = corpus(tmp_path / "c", True)
    assert {p.name for p in folder.iterdir()} >= {"npr_guidance_no.txt", f"{PAGE}.txt", f"{PAGE}.questions.yaml"}
    text = (HERE / f"{PAGE}.txt").read_text(encoding="utf-8")
    sections = {s.heading: s.text for s in parse_sections(text, PAGE, PAGE)}
    cases = load_cases(HERE / "kpr_questions.jsonl")
    assert len(cases) == 98 and sum(c.answerable for c in cases) == 66
    for case in cases:
        for section in case.sections:
            assert section in sections, (case.id, section)
            assert all(re.search(f, sections[section], re.I) for f in case.facts), case.id


def test_a_question_naming_one_register_is_never_answered_from_another_registers_page(added):
    """The name chooses the page, not its section that repeats the name; and the guidance's price or
    delivery times are never quoted beside (or instead of) what the named page says."""
    answer = added.ask("Kan jeg ringe HDS i juli?")
    assert not answer.abstained and answer.citations[0].section == "Åpningstider", answer.reason
    for question in ("Hvor lang tid tar det å få data fra HDS?", "Hva koster det å klage til HDS?"):
        answer = added.ask(question)
        assert all(c.source.endswith("brukerstotte.txt") for c in answer.citations), (question, answer.citations)
    # "Hva er HDS?" asks nothing else: the name stays its topic
    assert added._without_register(added.lexical.analyze("Hva er HDS?")).groups
    kept = added._without_register(added.lexical.analyze("Kan jeg ringe HDS?"))
    assert [g.raw or g.label for g in kept.groups if not g.context] == ["ringe"]
