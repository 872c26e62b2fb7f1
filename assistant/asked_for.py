"""Questions that ask for a number, and whether a section gives one.

    asks_for("Hvor mange pasienter er registrert i NPR?") -> Asked("count", "pasienter")
    gives(Asked("count", "pasienter"), "Alle personer som ...")   -> False (no number of patients)
    gives(Asked("count", "dager"), "Personidentifiserbare opplysninger - 60 dager") -> True
    asks_for("What VAT rate is added?") -> Asked("percent", "");  gives(..., "NOK 1100,- eks. mva.") -> False

A section that holds no number of the kind asked for cannot answer the question, however close its
words are ("Hvor mange pasienter ble registrert som død ved ankomst?" is near the exclusion list,
which counts nobody): the decision declines it (decision.py, `number_missing`). The cue words and
what a section must hold live in assistant/data/asked_for.json. Deliberately left out: checking
that the number is the right one (the quote shows it), and questions for amounts of money, which
the price section answers with its number whatever the wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .text import data_text


@dataclass(frozen=True)
class Asked:
    kind: str  # count | percent | frequency
    what: str = ""  # the counted word, for a count ("pasienter")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = json.loads(data_text("asked_for.json"))
    return {"count": re.compile(data["count"]["asks"], re.I), "units": re.compile(data["count"]["units"], re.I),
            "percent": re.compile(data["percent"]["asks"], re.I),
            "percent_gives": re.compile(data["percent"]["gives"], re.I),
            "frequency": re.compile(data["frequency"]["asks"], re.I),
            "frequency_gives": re.compile(data["frequency"]["gives"], re.I),
            "number": re.compile(data["number"], re.I)}


def asks_for(question: str) -> Asked | None:
    """The kind of number a question asks for, or None. A percentage first ('Hvor mange prosent ...')."""
    p = _patterns()
    if p["percent"].search(question):
        return Asked("percent")
    if p["frequency"].search(question):
        return Asked("frequency")
    m = p["count"].search(question)
    if m:
        return Asked("count", next(g for g in m.groups() if g).lower())
    return None


def gives(asked: Asked, text: str) -> bool:
    """Whether `text` holds a number of the kind asked for (see the module's examples)."""
    p = _patterns()
    if asked.kind != "count":
        return bool(p[f"{asked.kind}_gives"].search(text))
    if p["units"].match(asked.what):
        return bool(p["number"].search(text))
    stem = asked.what[:max(4, len(asked.what) - 3)]  # pasienter ~ pasient, variablane ~ variab
    words = text.lower().split()
    return any(p["number"].search(w) and any(n.startswith(stem) for n in words[i + 1:i + 3])
               for i, w in enumerate(words))
