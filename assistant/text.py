"""Text basics every stage shares: words, diacritic folding, and the package's data files.

    words("Hva koster det på helsedata.no?") -> ['hva', 'koster', 'det', 'pa', 'helsedata.no']

Deliberately left out: anything language-specific (language.py) or corpus-specific (lexical.py).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

DATA = Path(__file__).parent / "data"
WORD = re.compile(r"[^\W_]+(?:[.@][^\W_]+)*")  # keeps helsedata.no and e-mail addresses whole
FOLD = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ö": "o", "ä": "ae", "ü": "u"})


def fold(word: str) -> str:
    """'Søknadsskjemaene' -> 'soknadsskjemaene'; other accents dropped ('é' -> 'e')."""
    if word.isascii():  # most words: nothing to fold (the spelling layer folds 30,000 a language)
        return word.lower()
    word = word.lower().translate(FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """'Hva koster det på helsedata.no?' -> ['hva', 'koster', 'det', 'pa', 'helsedata.no']"""
    return [fold(w) for w in WORD.findall(text.lower())]


def raw_words(text: str) -> list[str]:
    """Lower-case words with æøå kept: 'Kva kostar?' -> ['kva', 'kostar']"""
    return WORD.findall(text.lower())


def data_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")
