"""Deep links into the official page: a document's `source_url` plus a URL text fragment.

    fragment_url("https://helsedata.no/x/", text, 120, 155) -> "https://helsedata.no/x/#:~:text=Pris%20per%20time%20NOK%201100%2C%2D%20eks.%20mva."

Encoding follows the URL Fragment Text Directive spec (WICG scroll-to-text-fragment, "Fragment
directive grammar"): a term may keep only TextDirectiveExplicitChar, that is [a-zA-Z0-9] and
! $ ' ( ) * + . / : ; = ? @ _ ~; everything else is UTF-8 percent-encoded, and "&", "-" and ","
always, since they are the directive's own syntax. Following the spec's advice for generated
links ("Generating Text Fragment Directives"): a quote under EXACT_LIMIT characters is one exact
term; a longer one is `textStart,textEnd` (its first and last words); context (`prefix-,`) is
added only when the quote's opening also stands earlier in the document, so the first match is
the quoted place. Whitespace runs (line breaks, non-breaking spaces) become one space: the page
renders them so.

Deliberately left out: suffix terms, several directives in one URL, and any check that the live
page still holds the text (the corpus is a copy of it; a link to changed text opens the page top).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["encode_term", "text_directive", "fragment_url", "fold", "EXACT_LIMIT", "EDGE_WORDS"]

EXACT_LIMIT = 300  # the spec recommends exact terms below 300 characters, ranges above
EDGE_WORDS = 5  # words in textStart / textEnd of a range, and at most in a prefix
# TextDirectiveExplicitChar: what a term may hold unencoded
EXPLICIT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$'()*+./:;=?@_~")
BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦]|\d{1,2}[.)])\s+")  # as corpus.BULLET: a list marker, not text


def encode_term(term: str) -> str:
    """One text-directive term, percent-encoded per the spec's grammar.

    encode_term("a, b-c & 100%") -> "a%2C%20b%2Dc%20%26%20100%25"
    encode_term("NOK\u00a01100") -> "NOK%C2%A01100"
    """
    return "".join(ch if ch in EXPLICIT else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                   for ch in term)


def _words(text: str) -> list[str]:
    return text.split()


def fold(text: str) -> str:
    """Text as the browser compares it (case and accents ignored): "På  Nett" -> "pa nett"."""
    # a quote's document text before it is folded for every answer that quotes it: kept for texts
    # up to CACHED_CHARS (256 of them, at most ~10 MB); a longer document is folded each time
    return _fold_cached(text) if len(text) <= CACHED_CHARS else _fold(text)


CACHED_CHARS = 20_000


@lru_cache(maxsize=256)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in plain if not unicodedata.combining(ch)).casefold().split())


def _prefix(before: str) -> str:
    """The last EDGE_WORDS words ahead of a quote, from one line (one block on the page).

    _prefix("Pris\n\n • Pris per time") -> "Pris per time"   (a list bullet is not page text)
    """
    lines = [w for w in (_words(BULLET.sub("", line)) for line in before.split("\n")) if w]
    return " ".join(lines[-1][-EDGE_WORDS:]) if lines else ""


def text_directive(quote_text: str, before: str = "") -> str:
    """`text=` directive for a quote; `before` is the document text ahead of it (for a prefix).

    text_directive("Pris per time NOK 1100,-") -> "text=Pris%20per%20time%20NOK%201100%2C%2D"
    text_directive("NOK 1100", "Pris: NOK 1100 eller NOK 1100") -> "text=NOK%201100%20eller-,NOK%201100"
    """
    lines = [w for w in (_words(BULLET.sub("", line)) for line in quote_text.split("\n")) if w]
    if not lines:
        return ""
    flat = " ".join(w for line in lines for w in line)
    if len(lines) == 1 and len(flat) < EXACT_LIMIT:
        terms, opening = [encode_term(flat)], flat
    else:
        # a range: each term stays within one line (one block on the page), and textEnd's
        # first occurrence after textStart must be the quote's own end
        first, last = lines[0], lines[-1]
        opening = " ".join(first[:EDGE_WORDS])
        n = min(EDGE_WORDS, len(last))
        while n < len(last) and fold(flat).find(fold(" ".join(last[-n:])), len(fold(opening))) \
                < len(fold(flat)) - len(fold(" ".join(last[-n:]))):
            n += 1
        terms = [encode_term(opening), encode_term(" ".join(last[-n:]))]
    # the first match on the page must be this one: an earlier occurrence of the opening (as
    # the browser compares) asks for the words right before it as a prefix
    if before.strip() and fold(opening) in fold(before):
        prefix = _prefix(before)
        if prefix:
            terms.insert(0, encode_term(prefix) + "-")
    return "text=" + ",".join(terms)


def fragment_url(source_url: str, text: str, start: int, end: int) -> str | None:
    """The page URL that highlights text[start:end]; None without a page URL or a quote.

    fragment_url("", "abc", 0, 3) -> None
    fragment_url("https://e.no/p", "a b", 0, 3) -> "https://e.no/p#:~:text=a%20b"
    """
    if not source_url or not source_url.startswith(("https://", "http://")):
        return None
    directive = text_directive(text[start:end], text[:start])
    if not directive:
        return None
    base = source_url.split("#", 1)[0]  # a page anchor would be a fallback target, not ours
    return f"{base}#:~:{directive}"
