from pathlib import Path

from assistant.corpus import blocks, is_heading_line, load_documents, load_sections, parse_sections

from conftest import CORPUS, GUIDANCE


def test_blocks_are_runs_of_non_blank_lines():
    assert blocks("a\nb\n\nc") == [(0, 3), (5, 6)]
    assert blocks("\u00a0\nx\n \n") == [(2, 3)]  # a line of nbsp is blank


def test_heading_shape():
    assert is_heading_line("Pris")
    assert is_heading_line("Kostnad og tidsbruk")
    assert not is_heading_line("Fra 1997 til d.d. ")
    assert not is_heading_line("Har du spørsmål, kontakt helseregistre@helsedir.no")
    assert not is_heading_line("NPR har som formål å")
    assert not is_heading_line(" • Opphold gjennom NAV")
    assert not is_heading_line("x" * 61)


def test_parse_sections_keeps_offsets_and_parent():
    text = "Kostnad og tidsbruk\n\nPris\n\n • NOK 1100\n • To timer\n\nLeveringsfrister\n\n • 30 dager\n"
    secs = parse_sections(text, "x.txt", "T")
    assert [(s.heading, s.parent) for s in secs] == [("Pris", "Kostnad og tidsbruk"),
                                                     ("Leveringsfrister", "")]
    assert secs[0].text == "• NOK 1100\n • To timer"
    assert text[secs[0].start:secs[0].end] == secs[0].text


def test_markdown_headings():
    secs = parse_sections("# Tittel\nTekst her.\n## Under\nMer tekst.\n", "x.md", "T", markdown=True)
    assert [(s.heading, s.text) for s in secs] == [("Tittel", "Tekst her."), ("Under", "Mer tekst.")]


def test_bundled_guidance_sections():
    docs = load_documents(CORPUS)
    assert [d.source for d in docs] == ["corpus/npr_guidance_no.txt"]
    assert docs[0].title.startswith("Norsk pasientregister")
    secs = load_sections(docs)
    headings = [s.heading for s in secs]
    for expected in ["Pris", "Leveringsfrister", "Søknad ved andre formål enn forskning",
                     "Inklusjons- eller eksklusjonskriterier", "Formålet med NPR", "Lovhjemmel",
                     "Databehandler og databehandlingsansvarlig", "Datainnsamlingsperiode"]:
        assert expected in headings
    text = GUIDANCE.read_text(encoding="utf-8")
    for s in secs:
        assert text[s.start:s.end] == s.text


def test_corpus_is_the_seed_verbatim():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "npr_guidance_no.txt"
    if seed.exists():  # CI and developers have shared/ beside the repo
        assert GUIDANCE.read_bytes() == seed.read_bytes()
    assert "Pris per time NOK 1100,- eks. mva." in GUIDANCE.read_text(encoding="utf-8")


def test_bad_files_are_skipped_with_a_warning(corpus_copy, caplog):
    (corpus_copy / "latin1.txt").write_bytes("Pris på æøå".encode("latin-1"))
    (corpus_copy / "empty.md").write_text("  \n")
    (corpus_copy / "extra.md").write_text("# Ny seksjon\nEt nytt dokument.\n", encoding="utf-8")
    docs = load_documents(corpus_copy)
    assert sorted(d.path.name for d in docs) == ["extra.md", "npr_guidance_no.txt"]
    assert "latin1.txt" in caplog.text and "not UTF-8" in caplog.text
    assert "empty.md" in caplog.text


def test_metadata_that_is_not_an_object_is_ignored_with_a_warning(corpus_copy, caplog):
    (corpus_copy / "extra.md").write_text("# Ny seksjon\nEt nytt dokument.\n", encoding="utf-8")
    (corpus_copy / "extra.meta.json").write_text('["title", "Feil"]', encoding="utf-8")
    extra = next(d for d in load_documents(corpus_copy) if d.path.name == "extra.md")
    assert extra.title == "extra" and "extra.meta.json" in caplog.text and "JSON object" in caplog.text


def test_a_document_with_only_headings_is_warned_about_and_the_rest_loads(corpus_copy, caplog):
    import pytest

    from assistant import CorpusError

    (corpus_copy / "tom.md").write_text("# Pris\n\n## Leveringsfrister\n", encoding="utf-8")
    sections = load_sections(load_documents(corpus_copy))
    assert {Path(s.source).name for s in sections} == {"npr_guidance_no.txt"}
    assert caplog.text.count("tom.md has headings but no text under them") == 1
    with pytest.raises(CorpusError, match="holds only headings.*ASSISTANT_CORPUS_DIR"):
        load_sections([d for d in load_documents(corpus_copy) if d.path.name == "tom.md"])


def test_headings_with_their_text_right_under_them_are_headings_and_wrapped_text_is_not():
    from assistant.corpus import parse_sections

    text = ("Brukerstøtte\n\nÅpningstider\nVi svarer mandag til fredag.\nI juli er det stengt.\n"
            "Klage på vedtak\nKlagen sendes innen tre uker.\n\n"
            "Søknaden må inneholde:\n• prosjektbeskrivelse\n• DPIA\n\n"
            "Kontakt\nHelsedirektoratet\nPostboks 220 Skøyen\n0213 Oslo\n\n"
            "Alle som blir henvist til\nspesialisthelsetjenesten blir registrert.\n")
    sections = parse_sections(text, "x.txt", "X")
    assert [(s.heading, s.parent) for s in sections] == [("Åpningstider", "Brukerstøtte"), ("Klage på vedtak", "")]
    assert all(text[s.start:s.end] == s.text for s in sections)  # offsets into the file as read
    assert sections[0].text == "Vi svarer mandag til fredag.\nI juli er det stengt."
    assert sections[1].text.startswith("Klagen sendes innen tre uker.") and "• DPIA" in sections[1].text
    # an address is short lines only, and a wrapped sentence goes on in lower case: no headings
    assert "Kontakt\nHelsedirektoratet\nPostboks 220 Skøyen\n0213 Oslo" in sections[1].text
    assert sections[1].text.endswith("spesialisthelsetjenesten blir registrert.")


def test_a_pages_first_line_is_its_title_even_when_longer_than_a_heading():
    from assistant.corpus import parse_sections

    title = "Kommunalt pasient- og brukerregister (KPR) – tilgang til data"  # 61 characters
    text = f"{title}\n\nOm KPR\n\nKPR er et helseregister.\n\n{title}\n\nMer tekst her.\n"
    sections = parse_sections(text, "x.txt", "X")
    assert [(s.heading, s.parent) for s in sections] == [("Om KPR", title)]
    assert title in sections[0].text  # further down, a line that long is text
