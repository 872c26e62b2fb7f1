from assistant.chunking import chunk_sections, split_sentences, units
from assistant.corpus import load_documents, load_sections, parse_sections

from conftest import CORPUS


def test_split_sentences_respects_abbreviations():
    text = "Pris per time NOK 1100,- eks. mva. Minimum to timer."
    assert split_sentences(text) == [(0, 34), (35, 52)]
    assert split_sentences("Fra 1997 til d.d.") == [(0, 17)]


def test_a_list_stays_whole_with_its_heading():
    text = "Pris\n\n • Pris per time NOK 1100,- eks. mva.\n • Minimum to timer.\n"
    chunks = chunk_sections(parse_sections(text, "x.txt", "T"))
    assert len(chunks) == 1
    assert chunks[0].heading == "Pris"
    assert chunks[0].context.startswith("Pris\n")
    got = units(chunks[0])
    assert [(u.kind, u.text) for u in got] == [("item", "Pris per time NOK 1100,- eks. mva."),
                                             ("item", "Minimum to timer.")]
    assert all(text[u.start:u.end] == u.text for u in got)


def test_long_sections_split_between_paragraphs():
    body = "\n\n".join(f"Avsnitt {i} har en setning her." for i in range(60))
    text = "Tittel\n\n" + body
    chunks = chunk_sections(parse_sections(text, "x.txt", "T"), max_chars=200)
    assert len(chunks) > 5
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(text[c.start:c.end] == c.text for c in chunks)
    assert all(c.text.startswith("Avsnitt") for c in chunks)


def test_one_huge_paragraph_is_cut_with_offsets():
    text = "Tittel\n\n" + " ".join(["ord"] * 1000)
    chunks = chunk_sections(parse_sections(text, "x.txt", "T"), max_chars=300)
    assert len(chunks) >= 10
    assert all(text[c.start:c.end] == c.text and len(c.text) <= 300 for c in chunks)


def test_every_unit_of_the_guidance_is_verbatim():
    docs = load_documents(CORPUS)
    text = docs[0].text
    chunks = chunk_sections(load_sections(docs))
    for c in chunks:
        assert text[c.start:c.end] == c.text
        for u in units(c):
            assert text[u.start:u.end] == u.text
            assert not u.text.startswith("•")
    intro = [u for c in chunks for u in units(c) if u.kind == "intro"]
    assert [u.text for u in intro] == ["Eksklusjoner:", "NPR har som formål å"]


def test_a_hard_wrapped_sentence_is_one_unit_over_its_lines():
    from assistant.records import Chunk

    text = ("Utlevering koster 1400 kroner per time. Det faktureres minimum tre timer\nper søknad.\n"
            "Søknaden må inneholde:\n• prosjektbeskrivelse\n• DPIA\nNy setning her.\nog en som står alene.")
    chunk = Chunk("c", "x.txt", "X", "Pris", "", 10, 10 + len(text), text)
    found = units(chunk)
    page = " " * 10 + text
    assert all(page[u.start:u.end] == u.text for u in found)  # offsets into the file as read
    assert [u.text for u in found if u.kind == "sentence"] == [
        "Utlevering koster 1400 kroner per time.", "Det faktureres minimum tre timer\nper søknad.",
        "Ny setning her.", "og en som står alene."]  # a line after a finished sentence is its own
    assert [u.text for u in found if u.kind == "item"] == ["prosjektbeskrivelse", "DPIA"]
