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
# an English negation written short: "don't" is "do not", so the negation reaches the word after it
# ("we don't do research" denies research as "we do not do research" does), and no half word
# ("shouldn", "doesn") is ever read as a topic
NEGATED = re.compile(r"\b([^\W_]+)n['’]t\b")
_NEGATED_HEADS = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}
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
    """Lower-case words with æøå kept: 'Kva kostar?' -> ['kva', 'kostar']; "isn't" -> ['is', 'not']"""
    return WORD.findall(unnegated(text.lower()))


def unnegated(text: str) -> str:
    """English short negations written out: "We don't, it won't" -> "We do not, it will not"."""
    if "'" not in text and "’" not in text:
        return text
    return NEGATED.sub(lambda m: f"{_NEGATED_HEADS.get(m.group(1).lower(), m.group(1))} not", text)


def data_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")
