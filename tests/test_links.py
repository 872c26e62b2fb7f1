"""Text-fragment links (assistant/links.py) against the spec's own examples and the whole corpus.

The spec is the URL Fragment Text Directive draft (WICG scroll-to-text-fragment). `find` below
is a small reading of its "find a range from a text directive" steps over the page's blocks
(one per line, list bullets dropped, whitespace collapsed, compared case-insensitively), so every
quote the assistant can cite is checked to select itself and nothing earlier.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from assistant.chunking import chunk_sections, units
from assistant.corpus import load_documents, load_sections
from assistant.links import EDGE_WORDS, EXACT_LIMIT, encode_term, fold, fragment_url, text_directive
from conftest import CORPUS

PAGE = "https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister-npr/"


# --- the spec's examples ---------------------------------------------------------------------

def test_the_specs_exact_example():
    assert text_directive("an example text fragment") == "text=an%20example%20text%20fragment"


def test_the_specs_dash_comma_and_ampersand_must_be_encoded():
    # "Dash (-), ampersand (&), and comma (,) characters in text parameters must be percent-encoded"
    assert encode_term("C. E. Wynn-Williams") == "C.%20E.%20Wynn%2DWilliams"
    assert encode_term("By the late 1960s, computer systems") == "By%20the%20late%201960s%2C%20computer%20systems"
    assert encode_term("Health & Beauty") == "Health%20%26%20Beauty"


def test_percent_signs_and_non_ascii_are_utf8_percent_encoded():
    assert encode_term("100%") == "100%25"
    assert encode_term("%25") == "%2525"  # already-encoded-looking text stays literal text
    assert encode_term("Pris per time NOK 1100,- eks. mva.") == "Pris%20per%20time%20NOK%201100%2C%2D%20eks.%20mva."
    assert encode_term("søknad") == "s%C3%B8knad"
    # the spec's BiDi example: each term UTF-8 percent-encoded in logical order
    assert encode_term("البحرين") == "%D8%A7%D9%84%D8%A8%D8%AD%D8%B1%D9%8A%D9%86"
    assert encode_term("مصر") == "%D9%85%D8%B5%D8%B1"


def test_explicit_characters_stay_as_they_are():
    # TextDirectiveExplicitChar: [a-zA-Z0-9] ! $ ' ( ) * + . / : ; = ? @ _ ~
    assert encode_term("a!$'()*+./:;=?@_~Z9") == "a!$'()*+./:;=?@_~Z9"
    assert encode_term("a b#c\"<>`") == "a%20b%23c%22%3C%3E%60"


def test_non_breaking_spaces_are_encoded_in_a_term_and_collapse_in_a_quote():
    assert encode_term("NOK\u00a01100") == "NOK%C2%A01100"
    # the page renders a no-break space like a space, and the browser matches it as one
    assert text_directive("NOK\u00a01100  per\ttime") == "text=NOK%201100%20per%20time"
    # a line break is a block boundary on the page: no single term may span it
    assert text_directive("Eksklusjoner:\n • Pasienter") == "text=Eksklusjoner:,Pasienter"


def test_every_term_decodes_back_to_the_quote():
    quote = "Dash - comma, ampersand & percent 100% and\u00a0nbsp"
    directive = text_directive(quote)
    assert "," not in directive[5:] and "-" not in directive[5:] and "&" not in directive
    assert unquote(directive[5:]) == "Dash - comma, ampersand & percent 100% and nbsp"


def test_a_long_quote_uses_the_start_end_form():
    words = [f"ord{i}" for i in range(80)]
    quote = " ".join(words)
    assert len(quote) >= EXACT_LIMIT
    assert text_directive(quote) == ("text=" + "%20".join(words[:EDGE_WORDS]) + ","
                                     + "%20".join(words[-EDGE_WORDS:]))


def test_a_short_quote_is_one_exact_term():
    quote = "x" * (EXACT_LIMIT - 1)
    assert text_directive(quote) == "text=" + quote


def test_an_earlier_occurrence_gets_a_prefix_from_the_same_line():
    before = "Ny pris per time fra 2025.\n\nPris\n • Fakturaen viser:\n • "
    assert text_directive("Pris per time", before) == "text=Fakturaen%20viser:-,Pris%20per%20time"
    # no earlier occurrence: no context term (the spec: use context only when necessary)
    assert text_directive("Pris per time", "Kostnad\n\n • ") == "text=Pris%20per%20time"


def test_fragment_url_needs_a_page_url():
    text = "Pris per time NOK 1100,- eks. mva."
    assert fragment_url("", text, 0, 13) is None
    assert fragment_url("ftp://example.org/x", text, 0, 13) is None
    assert fragment_url("https://e.no/p#top", text, 0, 13) == "https://e.no/p#:~:text=Pris%20per%20time"
    assert fragment_url("https://e.no/p", text, 5, 5) is None


# --- every quote in the corpus selects itself ------------------------------------------------

BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦]|\d{1,2}[.)])\s+")


def blocks(text: str) -> list[str]:
    """The page's blocks as a browser reads them: one per non-empty line, bullets dropped."""
    return [" ".join(BULLET.sub("", line).split()) for line in text.split("\n") if line.strip()]


def _bounded(block: str, at: int, end: int) -> bool:
    word = re.compile(r"\w")
    return (at == 0 or not word.match(block[at - 1]) or not word.match(block[at])) and \
        (end == len(block) or not word.match(block[end]) or not word.match(block[end - 1]))


def _occurrences(page: list[str], term: str, after: tuple[int, int] = (0, 0)):
    term = fold(term)
    for i, block in enumerate(page):
        if i < after[0]:
            continue
        folded, at = fold(block), (after[1] if i == after[0] else 0)
        while (at := folded.find(term, at)) >= 0:
            if _bounded(folded, at, at + len(term)):
                yield i, at, at + len(term)
            at += 1


def find(directive: str, page: list[str]) -> tuple[int, str] | None:
    """(block, text) the directive selects on the page, or None (the spec's steps, simplified)."""
    terms = [unquote(t) for t in directive.removeprefix("text=").split(",")]
    prefix = terms.pop(0)[:-1] if terms[0].endswith("-") else None
    start, end = terms[0], (terms[1] if len(terms) > 1 else None)
    for i, at, stop in _occurrences(page, start):
        if prefix is not None:
            before = fold(page[i])[:at].rstrip() if fold(page[i])[:at].strip() else \
                (fold(page[i - 1]) if i else "")
            if not before.endswith(fold(prefix)):
                continue
        if end is None:
            return i, fold(page[i])[at:stop]
        for j, e_at, e_stop in _occurrences(page, end, (i, stop)):
            text = fold(page[i])[at:e_stop] if j == i else None
            return j, text
    return None


@pytest.fixture(scope="module")
def guidance():
    doc = next(d for d in load_documents(CORPUS) if d.source_url)
    return doc, chunk_sections(load_sections([doc]))


def test_every_citable_quote_in_the_guidance_links_to_itself(guidance):
    doc, chunks = guidance
    page = blocks(doc.text)
    checked = 0
    for chunk in chunks:
        for unit in units(chunk):
            url = fragment_url(doc.source_url, doc.text, unit.start, unit.end)
            assert url and url.startswith(doc.source_url + "#:~:text=")
            found = find(url.split("#:~:", 1)[1], page)
            # the quote's block on the page: the number of blocks before its line
            expected_block = len(blocks(doc.text[:doc.text.rfind("\n", 0, unit.start) + 1]))
            assert found is not None, (unit.text, url)
            assert found == (expected_block, fold(unit.text)), (unit.text, url)
            checked += 1
    assert checked >= 40  # every sentence and list item of the guidance
