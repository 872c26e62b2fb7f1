"""Questions that ask for a number, and whether a section gives one.

    asks_for("Hvor mange pasienter er registrert?") -> Asked("count", ("pasienter", "er", "registrert"))
    gives(that, "Alle personer som ...")   -> False (no number of patients)
    gives(asks_for("Hvor mange virkedager tar det?"), "Personidentifiserbare opplysninger - 60 dager") -> True
    asks_for("What VAT rate is added?") -> Asked("percent");  gives(that, "NOK 1100,- eks. mva.") -> False
    asks_for("Hvor finner jeg statistikk over antall pasienter?") -> None (it asks where, not how many)
    asks_for("Hvilket år ble artikkelen publisert?") -> Asked("year");  gives(that, "Fra 1997 til d.d.") -> True
    asks_for("Finnes det et pristak?") -> Asked("limit");  gives(that, "minimum to timer") -> False

A section that holds no number of the kind asked for cannot answer the question, however close its
words are ("Hvor mange pasienter ble registrert som død ved ankomst?" is near the exclusion list,
which counts nobody): the decision declines it (decision.py, `number_missing`). The cue words and
what a section must hold live in assistant/data/asked_for.json. Deliberately left out: checking
that the number is the right one (the quote shows it), and questions for amounts of money, which
the price section answers with its number whatever the wording; a cap on them ("pristak", "price
cap") is a limit, which only a section stating a most or an upper limit gives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .text import data_text


@dataclass(frozen=True)
class Asked:
    kind: str  # count | percent | frequency | year | limit
    what: tuple[str, ...] = ()  # for a count, the words after "how many" ("pasienter", "ble")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = json.loads(data_text("asked_for.json"))
    units = data["count"]["units"]
    long_units = "|".join(u for u in units.split("|") if len(u.rstrip("?s")) >= 4)
    return {"count": re.compile(data["count"]["asks"], re.I),
            # a unit itself, or a compound ending in a long one ("virkedager", "arbeidsdagar")
            "units": re.compile(rf"(?:{units})|\w+(?:{long_units})", re.I),
            "percent": re.compile(data["percent"]["asks"], re.I),
            "percent_gives": re.compile(data["percent"]["gives"], re.I),
            "frequency": re.compile(data["frequency"]["asks"], re.I),
            "frequency_gives": re.compile(data["frequency"]["gives"], re.I),
            "year": re.compile(data["year"]["asks"], re.I),
            "year_gives": re.compile(data["year"]["gives"], re.I),
            "limit": re.compile(data["limit"]["asks"], re.I),
            "limit_gives": re.compile(data["limit"]["gives"], re.I),
            "number": re.compile(data["number"], re.I)}


def asks_for(question: str) -> Asked | None:
    """The kind of number a question asks for, or None. A percentage first ('Hvor mange prosent ...')."""
    p = _patterns()
    if p["percent"].search(question):
        return Asked("percent")
    if p["frequency"].search(question):
        return Asked("frequency")
    if p["year"].search(question):
        return Asked("year")
    if p["limit"].search(question):
        return Asked("limit")
    m = p["count"].search(question)
    if m:
        return Asked("count", tuple(re.findall(r"\w+", m.group(1).lower())))
    return None


def gives(asked: Asked, text: str) -> bool:
    """Whether `text` holds a number of the kind asked for (see the module's examples)."""
    p = _patterns()
    if asked.kind != "count":
        return bool(p[f"{asked.kind}_gives"].search(text))
    if any(p["units"].fullmatch(w) for w in asked.what[:3]):
        return bool(p["number"].search(text))
    # pasienter ~ pasient, variablane ~ variab: a number beside one of the next two words
    stems = [w[:max(4, len(w) - 3)] for w in asked.what[:2]]
    words = text.lower().split()
    return any(p["number"].search(w) and any(n.startswith(s) for n in words[i + 1:i + 3] for s in stems)
               for i, w in enumerate(words))
