"""The development questions as applicants send them: with a typing slip, or inside a message.

    slipped(cases) -> the same Cases, each with one slip (two letters swapped, one dropped or one
    doubled) in one of its words of six letters or more, and Norwegian ones without æøå
    greeted(cases) -> the same Cases inside a greeting, an announcement ("Jeg har et spørsmål om
    NPR.") and a sign-off with a name, in the question's language

Generated robustness sets for `python -m eval.sets`, drawn from the development sets only (never
a blind set) with a fixed seed, so the same cases come back every run. They measure whether a slip
or a polite frame turns a question the assistant answers into one it declines or answers wrongly,
or makes it answer a question it must decline.
Deliberately left out: slips in short words (too many real words lie one slip apart, so a slip
there often makes another real word, which no reader could mend either); frames that say who the
asker is (a municipality's "how do we apply?" has another right answer than a researcher's).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

LONG_WORD = re.compile(r"[^\W\d_]{6,}")
PLAIN = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def slip(text: str, rng: random.Random) -> str:
    """One slip in one long word: slip("Hvordan søker jeg?", random.Random(1)) -> e.g. "Hvordna søker jeg?"."""
    found = list(LONG_WORD.finditer(text))
    if not found:
        return text
    m = rng.choice(found)
    w, i = m.group(0), rng.randrange(1, len(m.group(0)) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif kind == "drop":
        w = w[:i] + w[i + 1:]
    else:
        w = w[:i] + w[i] + w[i:]
    return text[:m.start()] + w + text[m.end():]


def slipped(cases, seed: int = 7) -> list:
    rng = random.Random(seed)
    out = []
    for c in cases:
        text = slip(c.one_line, rng)
        out.append(replace(c, question=text if c.lang == "en" else text.translate(PLAIN)))
    return out


FRAMES = {
    "nb": [("Hei! ", " Takk for hjelpen!"), ("God dag. Jeg har et spørsmål om NPR. ", " På forhånd takk. Mvh Kari"),
           ("Hei, jeg lurer på en ting. ", " Vennlig hilsen Ola Nordmann"),
           ("Hei igjen!\n", "\nBeste hilsen\nKari Nordmann, Helse Bergen")],
    "nn": [("Hei! ", " Takk for hjelpa!"), ("God dag. Eg har eit spørsmål om NPR. ", " Takk på førehand. Helsing Kari"),
           ("Hei, eg lurer på ein ting. ", " Venleg helsing Ola Nordmann"),
           ("Hei igjen!\n", "\nMed venleg helsing\nKari Nordmann, Helse Førde")],
    "en": [("Hi! ", " Thanks for your help!"), ("Good morning. I have a question about NPR. ", " Thanks in advance. Best, Kari"),
           ("Hello, I'm wondering about something. ", " Kind regards, Ola Nordmann"),
           ("Dear NPR team,\n", "\nBest regards\nKari Nordmann, University of Bergen")],
}


def greeted(cases, seed: int = 7) -> list:
    rng = random.Random(seed)
    out = []
    for c in cases:
        before, after = rng.choice(FRAMES.get(c.lang, FRAMES["nb"]))
        out.append(replace(c, question=f"{before}{c.one_line}{after}"))
    return out
