"""Questions that ask for a kind of fact (a number, an amount, a span of time, a language), and
whether a section gives one.

    asks_for("Hvor mange pasienter er registrert?") -> Asked("count", ("pasienter", "er", "registrert"))
    gives(that, "Alle personer som ...")   -> False (no number of patients)
    gives(asks_for("Hvor mange virkedager tar det?"), "Personidentifiserbare opplysninger - 60 dager") -> True
    asks_for("What VAT rate is added?") -> Asked("percent");  gives(that, "NOK 1100,- eks. mva.") -> False
    asks_for("Hvor finner jeg statistikk over antall pasienter?") -> None (it asks where, not how many)
    asks_for("Fra hvilket år finnes data?") -> Asked("year");  gives(that, "Fra 1997 til d.d.") -> True
    asks_for("Finnes det et pristak?") -> Asked("limit");  gives(that, "minimum to timer") -> False
    asks_for("Koster det noe å be om innsyn?") -> Asked("price");  gives(that, "gå til Helsenorge") -> False
    asks_for("Kor lang tid tek det?") -> Asked("duration");  gives(that, "60 dager") -> True
    asks_for("Is the form available in English?") -> Asked("language");  gives(that, "søknadsskjemaene") -> False
    asks_for("Hvorfor er NAV-opphold ekskludert?") -> Asked("reason");  gives(that, "Opphold gjennom NAV") -> False
    asks_for("Is the hourly rate lower for students?") -> Asked("differs");  gives(that, "NOK 1100,- eks. mva.") -> False
    asks_for("Has the price gone up since last year?") -> Asked("changed");  gives(that, "NOK 1100,- eks. mva.") -> False
    asks_for("Hva er søknadsfristen?") -> Asked("appdeadline");  gives(that, "Leveringsfrister ... 60 dager") -> False
    asks_for("Hvilket år kom artikkelen ut?") -> Asked("published");  gives(that, "Fra 1997 til d.d.") -> False
    asks_for("Hvilken paragraf gjelder?") -> Asked("paragraph");  gives(that, "helseregisterloven § 11") -> True
    asks_for("Kva avdeling har ansvaret?") -> Asked("department");  gives(that, "Helsedirektoratet er ...") -> False
    asks_for("Hvordan defineres «død ved ankomst»?") -> Asked("definition");  gives(that, "Pasienter ...") -> False
    asks_for("Er 60 dager kalenderdager?") -> Asked("days");  gives(that, "60 dager") -> False
    asks_for("Can we get the figures per hospital?") -> Asked("breakdown")  (the guidance gives none)
    asks_for("Eg vil ha ei liste over emna.") -> Asked("listing");  gives(that, "aktuell statistikk om") -> False

    asks_for("Hvor lang tid tar det å slette dataene?") -> Asked("duration", also=("remedy",))
    gives(that, "Personidentifiserbare opplysninger - 60 dager") -> False (a span of time, no deletion)

A section that holds no fact of the kind asked for cannot answer the question, however close its
words are ("Hvor mange pasienter ble registrert som død ved ankomst?" is near the exclusion list,
which counts nobody; "Koster det noe å be om innsyn på Helsenorge?" is near the Helsenorge
section, which names no price): the decision declines it (decision.py, `kind_missing`). The cue
words and what a section must hold live in assistant/data/asked_for.json. Deliberately left out:
checking that the fact is the right one (the quote shows it: a price question lands on the price
section, which answers with its number whatever the wording); a cap on the price ("pristak",
"price cap") is a limit, which only a section stating a most or an upper limit gives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from . import language
from .text import data_text


@dataclass(frozen=True)
class Asked:
    kind: str  # count, or one of KINDS
    what: tuple[str, ...] = ()  # for a count, the words after "how many" ("pasienter", "ble")
    also: tuple[str, ...] = ()  # SUBJECTS the question names beside its kind, which the section must give too


# the kinds besides "count", in the order they are tried: a change to come, on a schedule or since
# some time past before anything ("Will the price go up next year?", "Is the fee adjusted every
# year?", "Has the price gone up since last year?" ask for no price), and
# whether the price differs for a group of askers or from what it was ("Is the price lower for
# students?"), then a reason ("Hvorfor koster det 1100?" asks
# why, not what it costs), a rejection ("Do we pay if the application is rejected?" asks what then,
# which the guidance never says), a percentage before a count ("Hvor mange prosent ..."); another
# currency than NOK and the hours a request takes before a price and a count ("Hva er timeprisen i
# euro?", "Hvor mange timer bruker dere vanligvis?" are not answered by "NOK 1100" and "minimum to
# timer"); the kind of days ("kalenderdager eller virkedager?") before a count of them; a month
# before a year ("Fra hvilken måned i 1997 …?" wants a month, which a year does not give) and a
# publication's year ("Hvilket år kom artikkelen ut?") before any year (the collection period's 1997
# is no publication's); a deadline to apply by ("Hva er søknadsfristen?") before a date, which any
# deadline would give (the delivery deadlines are no deadline to apply by); a cap or a discount on
# the price, the terms of payment ("Kan jeg betale med kort?"), an approval asked for ("How long does REK take?" asks about REK, not NPR's delivery) and
# how long data may be kept or are stored ("Hvor lenge kan vi beholde dataene?", "Hvor lenge lagres
# dataene?") before a price and a span of time, a price before a span of time, and a span of time
# ("Hvor lang tid tar det?") before a date ("Når får vi data?"), and all three before what becomes
# of data once delivered ("Hvem eier dataene etter utlevering?"; "Hva koster et nytt uttrekk etter
# utlevering?" asks the price); last the facts the guidance names once or never: what a numbered provision,
# an annual report or the article says ("Hva står i § 11?": the guidance points to them and quotes
# none) before which paragraph it is ("§ 11"), a
# chapter (the one named, "kapittel 3"), a department of the directorate, a definition of a quoted
# term, a file format or way of delivery, a person's name, a way to opt out, delete, correct or
# appeal, where data may be stored, the code system, a way of logging in and who may apply, and last
# the facts the guidance never gives whatever the subject: figures broken down by hospital,
# municipality, age or the like ("Finst statistikken på kommunenivå?"), whether one named variable
# exists ("Finnes det en variabel for røyking?": the guidance points to the variable list and names
# none) and which one is best or worst ("Which hospitals have the poorest data quality?"), and the
# items of a list ("Jeg vil ha hele listen", "Which specific areas report to NPR?": the guidance
# was scraped with some lists cut off, and their items are nowhere); after every other kind, so
# "How long does it take to get figures per hospital?" still asks for the delivery time
# the kinds that name a subject rather than the shape of the fact wanted: where one is the action a
# span of time or a price is asked of (ACTION), the question asks about it too ("Hvor lang tid tar
# det å slette dataene?" asks for a span of time to delete, which the delivery deadlines do not
# give), so the section must give both. The shapes after them (breakdown, variable, ranking,
# listing) are not subjects: "Hvor lang tid tar det å få tall per sykehus?" still asks for the
# delivery time
SUBJECTS = ("payment", "approval", "retention", "phone", "format", "remedy", "storage", "coding", "login")
KINDS = ("change", "changed", "differs", "reason", "rejection", "percent", "currency", "hours",
         "frequency", "month", "days", "published", "year", "limit", "exception", "payment",
         "approval", "retention", "price", "duration", "appdeadline", "date", "afterwards",
         "author", "language", "purpose", "phone", "provision", "paragraph", "chapter",
         "department", "definition", "format", "person", "remedy", "storage", "coding", "login",
         "eligibility", "breakdown", "variable", "ranking", "listing")


# the action a span of time or a price is asked of: "tar det å …", "does it take to …", "koster det å …"
ACTION = re.compile(r"\b(?:tar|tek|take|takes|took|koster|kostar|cost|costs)\s+(?:det|it|dere|dykk|you|us|oss)?\s*(?:å|aa|to)\s+", re.I)
# the example a listing question gives of what it asks about ("…, til dømes tverrfagleg rusbehandling?")
# (Norwegian only: the guidance's words cannot be checked for an English example)
EXAMPLE = re.compile(r"(?:til\s+dømes|til\s+domes|for\s+eksempel|f\.\s?eks\.?|t\.\s?d\.)\s+([\w-]+)", re.I)


def _with_parts(pattern: str, parts: dict[str, str]) -> str:
    """`pattern` with each {name} of `parts` written out; a part may use the parts before it.

    _with_parts("{a}+", {"x": "b", "a": "(?:{x}|c)"}) -> "(?:b|c)+"
    """
    done: dict[str, str] = {}
    for name, value in parts.items():
        for prior, text in done.items():
            value = value.replace("{" + prior + "}", text)
        done[name] = value
    for name, text in done.items():
        pattern = pattern.replace("{" + name + "}", text)
    return pattern


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(data_text("asked_for.json"))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = _data()
    units = data["count"]["units"]
    long_units = "|".join(u for u in units.split("|") if len(u.rstrip("?s")) >= 4)
    patterns = {"count": re.compile(data["count"]["asks"], re.I),
                # a unit itself, or a compound ending in a long one ("virkedager", "arbeidsdagar")
                "units": re.compile(rf"(?:{units})|\w+(?:{long_units})", re.I),
                "number": re.compile(data["number"], re.I)}
    patterns["chapter_number"] = re.compile(_with_parts(data["chapter"]["number"], data["chapter"]["parts"]), re.I)
    patterns["chapter_elsewhere"] = re.compile(data["chapter"]["elsewhere"], re.I)
    patterns["subject_not"] = re.compile(data["subject_not"], re.I)
    shared = {k: v for k, v in data.get("shared_parts", {}).items() if not k.startswith("_")}
    for kind in KINDS:
        parts = {**shared, **data[kind].get("parts", {})}  # a kind's own parts may use the shared ones
        patterns[kind] = re.compile(_with_parts(data[kind]["asks"], parts), re.I)
        patterns[f"{kind}_gives"] = re.compile(_with_parts(data[kind]["gives"], shared), re.I)
        # words that look like the cue but ask for nothing: "Sorry for writing in English"
        patterns[f"{kind}_not"] = re.compile(data[kind].get("not", r"(?!)"), re.I)
    return patterns


def _chapters(question: str, p: dict) -> tuple[str, ...]:
    """The chapters a chapter question names: () for "which chapter", every number named ("Er det
    kapittel 4 eller kapittel 3 …?" -> ("4", "3")), and ("0",), never given, for a chapter of
    another document than the guidance's regulation ("Hvilket kapittel i søknadsveilederen …?")."""
    if p["chapter_elsewhere"].search(question):
        return ("0",)
    out = []
    for m in p["chapter_number"].finditer(question):
        word = (m.group("num") or m.group("ord") or "").lower()
        number = int(word) if word.isdigit() else _data()["chapter"]["ordinals"].get(word)
        if number:
            out.append(str(number))
    return tuple(dict.fromkeys(out))


def asks_for(question: str) -> Asked | None:
    """The kind of fact a question asks for, or None (see KINDS for the order they are tried in)."""
    p = _patterns()
    def asks(k: str, text: str) -> bool:
        return bool(p[k].search(p[f"{k}_not"].sub(" ", text)))

    kind = next((k for k in KINDS if asks(k, question)), None)
    # a subject that is the action timed or priced ("tar det å slette", "does it take to delete"),
    # not one that describes the data ("tar det å få data levert til TSD") nor a correction of the
    # application ("…, if we need to correct the application?" asks how long the request takes);
    # looked for only where a question of some kind names an action
    action = ACTION.search(question) if kind else None
    also: tuple[str, ...] = ()
    if action:
        done = p["subject_not"].sub(" ", " ".join(question[action.end():].split()[:3]))
        also = tuple(k for k in KINDS[KINDS.index(kind) + 1:]
                     if k in SUBJECTS and asks(k, question) and asks(k, done))
    if kind == "chapter":
        return Asked("chapter", _chapters(question, p), also)
    if kind == "listing":  # "Hvilke temaer …, for eksempel ventetider?": whether that one is on the list
        example = EXAMPLE.search(question)
        # its one word, or each part of a hyphenated one ("NAV-opphold")
        return Asked(kind, tuple(w for w in example.group(1).lower().split("-") if w) if example else (), also)
    if kind:
        return Asked(kind, (), also)
    m = p["count"].search(question)
    if m:
        return Asked("count", tuple(re.findall(r"\w+", m.group(1).lower())))
    return None


def gives(asked: Asked, text: str) -> bool:
    """Whether `text` holds a fact of the kind asked for (see the module's examples)."""
    p = _patterns()
    if any(not p[f"{k}_gives"].search(text) for k in asked.also):
        return False
    if asked.kind == "chapter":  # "kapittel 3" gives chapter 3 and "which chapter", not chapter 2
        numbers = {str(int(n)) for n in p["chapter_gives"].findall(text)}
        return bool(numbers) and (not asked.what or bool(numbers & set(asked.what)))
    if asked.kind == "listing" and asked.what:
        # the list's items, or a section naming the example ("…, til dømes poliklinikk?" is answered
        # by "… i poliklinikk …"; "…, for eksempel NAV-opphold?" by "Opphold gjennom NAV")
        words = [n.strip(".,:;()«»\"") for n in text.lower().split()]
        forms = {f for w in asked.what for f in (w, *language.get("nn").to_guidance(w))}
        return bool(p["listing_gives"].search(text)) or any(
            n.startswith(f[:max(4, len(f) - 3)]) if len(f) >= 4 else n == f for f in forms for n in words)
    if asked.kind != "count":
        return bool(p[f"{asked.kind}_gives"].search(text))
    if any(p["units"].fullmatch(w) for w in asked.what[:3]):
        return bool(p["number"].search(text))
    # pasienter ~ pasient, variablane ~ variab: a number beside one of the next two words
    stems = [w[:max(4, len(w) - 3)] for w in asked.what[:2]]
    words = text.lower().split()
    return any(p["number"].search(w) and any(n.startswith(s) for n in words[i + 1:i + 3] for s in stems)
               for i, w in enumerate(words))
