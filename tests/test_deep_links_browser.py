"""A citation's url opened in Debian's chromium on a local copy of the page: the browser must bring
the quoted text into view (and not an earlier place that starts the same way).

Chromium does not expose the range a text fragment selects; what it does is scroll it into view.
So each page is long, the viewport short, and where a quote's opening also stands earlier (a
decoy) the test checks that the decoy is out of view and the quote in it.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from assistant.links import fragment_url
from browserkit import browser, browser_type_launch_args, page_copy, playwright, serving  # noqa: F401

PAGE = "https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister-npr/"
VIEWPORT = {"width": 1000, "height": 360}


@pytest.fixture(scope="module")
def browser_context_args():
    return {"viewport": VIEWPORT, "locale": "nb-NO"}


@pytest.fixture(scope="module")
def site(assistant, tmp_path_factory):
    """helsedata.no's page path served on loopback, its HTML made from the corpus copy."""
    root = tmp_path_factory.mktemp("helsedata")
    doc = next(d for d in assistant.documents if d.source_url == PAGE)
    folder = root / urlparse(PAGE).path.strip("/")
    folder.mkdir(parents=True)
    headings = {s.heading for s in assistant.sections}
    (folder / "index.html").write_text(page_copy(doc.text, doc.title, headings), encoding="utf-8")
    with serving(root) as base:
        yield base, root


def local(url: str, base: str) -> str:
    """The same URL (path, fragment) on the loopback server."""
    parts = urlparse(url)
    return base + parts.path + "#" + parts.fragment


def in_view(page, text: str) -> list[bool]:
    """For each block holding `text` (whitespace as rendered), in page order: is it the one the
    browser scrolled to? That is: in the viewport, and the nearest of them to its middle (chromium
    centres a text fragment)."""
    return page.evaluate("""(text) => {
        const norm = (s) => s.replace(/\\s+/g, " ").trim();
        const blocks = [...document.querySelectorAll("h1, h2, p, li")]
            .filter((e) => norm(e.textContent).includes(norm(text)))
            .map((e) => e.getBoundingClientRect());
        const off = blocks.map((r) => Math.abs((r.top + r.bottom) / 2 - innerHeight / 2));
        const best = Math.min(...off);
        return blocks.map((r, i) => r.top >= 0 && r.bottom <= innerHeight && off[i] === best);
    }""", text)


def test_a_cited_quote_is_brought_into_view(page, assistant, site):
    base, _ = site
    answer = assistant.ask("Hvor lang tid tar det å få data?")
    cite = answer.citations[0]
    assert cite.url.startswith(PAGE + "#:~:text=")
    page.goto(local(cite.url, base), wait_until="load")
    page.wait_for_function("window.scrollY > 0")
    assert in_view(page, cite.quote) == [True]
    page.goto(local(PAGE, base), wait_until="load")  # the same page without the fragment stays at the top
    assert page.evaluate("window.scrollY") == 0 and in_view(page, cite.quote) == [False]


def test_a_prefix_picks_the_later_of_two_identical_sentences(page, assistant, site):
    base, _ = site
    doc = next(d for d in assistant.documents if d.source_url == PAGE)
    sentence = "For sammenstilling/kobling av data henvises til informasjon i norskpasientregisterforskriften"
    first = doc.text.find(sentence)
    second = doc.text.find(sentence, first + 1)
    assert 0 <= first < second  # the guidance says it twice
    end = doc.text.find("\n", second)
    url = assistant.link(doc.source, second, end)
    assert "-,For%20sammenstilling" in url
    page.goto(local(url, base), wait_until="load")
    page.wait_for_function("window.scrollY > 0")
    assert in_view(page, sentence) == [False, True]


LONG = ("Søknaden – med vedlegg, skjema og 100 % av dokumentasjonen – behandles\u00a0innen 30 dager; "
        "tid-til-levering regnes fra komplett søknad, og prisen er NOK 1100,- per time eks. mva. "
        "Data kan ikke leveres før avtalen er signert av begge parter, og Helsedirektoratet kan be om "
        "mer informasjon dersom formålet er uklart & varierer. Leveransen skjer kryptert til "
        "prosjektleder, normalt innen 60\u00a0dager.")  # a no-break space inside textEnd


def test_a_long_quote_with_commas_dashes_percent_and_nbsp_uses_start_end(page, tmp_path):
    filler = "\n\n".join(f"Avsnitt {i} om noe annet." for i in range(40))
    decoy = "Søknaden – med vedlegg, skjema er kort."  # the same opening words, far above
    text = f"Innledning\n\n{decoy}\n\n{filler}\n\n{LONG}\n\n{filler}\n"
    start = text.index(LONG)
    url = fragment_url("https://helsedata.no/test/", text, start, start + len(LONG))
    directive = url.split("#:~:text=", 1)[1]
    assert len(directive.split(",")) == 3  # prefix-, textStart, textEnd
    assert directive.split(",")[1] == "S%C3%B8knaden%20%E2%80%93%20med%20vedlegg%2C%20skjema"
    # the page's no-break space is matched by a plain space, as the page renders it
    assert directive.split(",")[2] == "prosjektleder%2C%20normalt%20innen%2060%20dager."
    folder = tmp_path / "test"
    folder.mkdir()
    (folder / "index.html").write_text(page_copy(text, "Test", {"Innledning"}), encoding="utf-8")
    with serving(tmp_path) as base:
        page.goto(local(url, base), wait_until="load")
        page.wait_for_function("window.scrollY > 0")
        assert in_view(page, "Søknaden – med vedlegg, skjema") == [False, True]
