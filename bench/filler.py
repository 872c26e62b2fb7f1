"""Bigger corpora for the benchmark: the real guidance plus generated filler documents.

`grow(target, scale)` copies corpus/ (guidance and glossary) into `target` and adds filler
documents until the text is about `scale` times the guidance: Norwegian-looking prose on other
topics (gardening, boats, baking...), with headings, so the corpus parser finds sections and the
real guidance still has to be found among them. Deterministic: the same scale gives the same files.

    grow(Path("/tmp/c10"), 10) -> Path("/tmp/c10")   # guidance + 9 filler documents

Deliberately left out: realistic topic overlap with the guidance (filler never mentions NPR).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from assistant.settings import REPO_ROOT

TOPICS = ["Hagearbeid om våren", "Vedlikehold av sykkel", "Turer i fjellet", "Baking av brød",
          "Fuglekikking ved kysten", "Snømåking og brøyting", "Båtliv i skjærgården",
          "Strikking for nybegynnere", "Bytte av vinterdekk", "Sopptur i skogen",
          "Maling av gamle hus", "Bigård og honning", "Fiske i elva", "Skiløyper i marka",
          "Oppussing av bad", "Kompost og jord"]
SUBHEADINGS = ["Utstyr", "Forberedelser", "Vanlige feil", "Gode råd", "Sikkerhet", "Årstider",
               "Vedlikehold", "Historikk", "Lokale forhold", "Videre lesning"]
SUBJECTS = ["Hagen", "Sykkelkjedet", "Stien", "Deigen", "Ærfuglen", "Brøytebilen", "Seilbåten",
            "Garnet", "Dekket", "Kantarellen", "Malingen", "Bikuben", "Ørreten", "Løypa",
            "Flisen", "Komposten", "Naboen", "Turlaget", "Snekkeren", "Bestemor"]
VERBS = ["trenger", "får", "viser", "holder", "bærer", "tåler", "gir", "samler", "skjuler", "dekker"]
OBJECTS = ["mye sol", "godt smøremiddel", "tørre sokker", "lang hevetid", "stille morgener",
           "nysnø", "fast fortøyning", "myk ull", "riktig lufttrykk", "fuktig mose", "to strøk",
           "rolige bier", "klart vann", "godt feste", "tett fuge", "varme lag", "grov sand",
           "blanke knapper", "en rusten spade", "ferske bær"]
TAILS = ["om høsten", "etter regnvær", "i godt vær", "hver søndag", "før frosten", "ved fjøra",
         "i skyggen", "langs veien", "på loftet", "uten hast", "i flere uker", "tidlig på dagen"]


def sentence(rng: random.Random) -> str:
    """'Hagen trenger mye sol om høsten.' (one random sentence)"""
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def document(rng: random.Random, n_chars: int) -> str:
    """A title line, then sections (a heading line, paragraphs of 3-6 sentences) up to n_chars."""
    parts = [rng.choice(TOPICS)]
    size = len(parts[0])
    while size < n_chars:
        heading = rng.choice(SUBHEADINGS)
        paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
                      for _ in range(rng.randint(1, 3))]
        parts += [heading, *paragraphs]
        size += len(heading) + sum(len(p) for p in paragraphs)
    return "\n\n".join(parts) + "\n"


def grow(target: Path, scale: int, seed: int = 2026) -> Path:
    """`target` holds the real corpus plus (scale - 1) guidance-sized filler documents."""
    source = REPO_ROOT / "corpus"
    target = Path(target)
    shutil.copytree(source, target, dirs_exist_ok=True)
    size = sum(len(p.read_text(encoding="utf-8")) for p in source.glob("*.txt"))
    rng = random.Random(seed)
    for i in range(scale - 1):
        (target / f"filler_{i:05d}.txt").write_text(document(rng, size), encoding="utf-8")
    return target
