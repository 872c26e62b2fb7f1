"""Text basics every stage shares: words, diacritic folding, text that can be written, file
names as a message shows them, and the package's data files.

    words("Hva koster det på helsedata.no?") -> ['hva', 'koster', 'det', 'pa', 'helsedata.no']
    readable("Hei \\ud800") -> "Hei \ufffd"
    shown(Path("inn/sak 15038512363.eml")) -> "inn/sak ***********.eml"

Deliberately left out: anything language-specific (language.py) or corpus-specific (lexical.py).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .privacy import mask_personal_numbers

DATA = Path(__file__).parent / "data"
WORD = re.compile(r"[^\W_]+(?:[.@][^\W_]+)*")  # keeps helsedata.no and e-mail addresses whole
# an English negation written short: "don't" is "do not", so the negation reaches the word after it
# ("we don't do research" denies research as "we do not do research" does), and no half word
# ("shouldn", "doesn") is ever read as a topic
NEGATED = re.compile(r"\b([^\W_]+)n['’]t\b")
_NEGATED_HEADS = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}
# a lone surrogate: a byte of a file name that is not UTF-8 (Python keeps it as U+DC80-U+DCFF), a
# broken character from a mail header or JSON ("\\ud800"); no UTF-8 writer, file or socket, takes one
SURROGATE = re.compile(r"[\ud800-\udfff]")
FOLD = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ö": "o", "ä": "ae", "ü": "u"})


def fold(word: str) -> str:
    """'Søknadsskjemaene' -> 'soknadsskjemaene'; other accents dropped ('é' -> 'e')."""
    if word.isascii():  # most words: nothing to fold (the spelling layer folds 30,000 a language)
        return word.lower()
    word = word.lower().translate(FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """'Hva koster det på helsedata.no?' -> ['hva', 'koster', 'det', 'pa', 'helsedata.no']"""
    return [fold(w) for w in raw_words(text)]


def raw_words(text: str) -> list[str]:
    """Lower-case words with æøå kept: 'Kva kostar?' -> ['kva', 'kostar']; "isn't" -> ['is', 'not'];
    a word written decomposed (NFD: "å" as "a" and a combining ring, as a Mac may save a page or send
    a question) is the word composed, not two words around the ring"""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return WORD.findall(unnegated(text.lower()))


def unnegated(text: str) -> str:
    """English short negations written out: "We don't, it won't" -> "We do not, it will not"."""
    if "'" not in text and "’" not in text:
        return text
    return NEGATED.sub(lambda m: f"{_NEGATED_HEADS.get(m.group(1).lower(), m.group(1))} not", text)


def readable(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD, so that it can be written as UTF-8 anywhere.

    readable("k_\\udcff.eml") -> "k_\ufffd.eml"; readable("Hva koster det?") -> "Hva koster det?"
    """
    return SURROGATE.sub("\ufffd", text)


def shown(path: str | os.PathLike) -> str:
    """A file name or path as a message, a summary or a draft's name shows it: personal numbers
    masked (as everywhere else), bytes that are not UTF-8 as U+FFFD.

    shown("/tmp/x/nope 15038512363.eml") -> "/tmp/x/nope ***********.eml"
    """
    return mask_personal_numbers(readable(os.fspath(path)))


def data_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")
