"""Sections offered on a decline: close to the question, above a similarity floor fit on the eval set.

    offer([ranking], floor=0.55, sections=..., pages=...) -> (Related("Pris", "https://…#:~:text=Pris", 0.61),)

A decline ("Det finner jeg ikke i veiledningen…") is a dead end unless it points somewhere. The
ranking already scores every section it considered; its semantic similarity to the question
(the section's example questions, else its passage: the signal the decision weighs first) says
how close a section came. Up to MAX_RELATED sections at or above the floor are offered, best
first. The floor lives in data/related.json and is fit by `python -m eval.fit_related` on the
development questions only (eval/questions.jsonl; eval/holdout.jsonl checks it; never
eval/blind/), so an off-topic question ("Hva er været i Bergen?") gets none.

Deliberately left out: offering sections on an answer (its citations are the way on), and
sections the glossary marks as another register's topic (an off-topic question gets none).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .links import fragment_url
from .records import Ranking, Related, Section

__all__ = ["MAX_RELATED", "FLOOR_FILE", "load_floor", "candidates", "offer", "section_url"]

MAX_RELATED = 3
FLOOR_FILE = Path(__file__).parent / "data" / "related.json"


@lru_cache(maxsize=4)
def load_floor(path: str | Path = FLOOR_FILE) -> float:
    """The fitted similarity floor; 1.0 (offer nothing) when the file is missing or unreadable."""
    try:
        return float(json.loads(Path(path).read_text(encoding="utf-8"))["floor"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1.0


def candidates(rankings: list[Ranking]) -> list[tuple[str, str, float]]:
    """(source, section, similarity) of every ranked section, best first; one entry per section.

    A section's similarity is its example-question similarity, or its passage's when it has no
    example questions: candidates([Ranking((Hit(Pris…, example=0.6),…))]) -> [("doc", "Pris", 0.6), …]
    """
    best: dict[tuple[str, str], float] = {}
    for ranking in rankings:
        for hit in ranking.hits:
            key = (hit.chunk.source, hit.chunk.heading)
            if key not in ranking.other_routes:  # the research form is not "related" for a municipality
                best[key] = max(best.get(key, 0.0), hit.example or hit.dense)
    return sorted(((s, h, round(v, 4)) for (s, h), v in best.items()), key=lambda x: (-x[2], x[1]))


def section_url(section: Section, page_url: str, text: str) -> str | None:
    """The page scrolled to the section's heading (its opening words when the heading is not found)."""
    at = text.rfind(section.heading, 0, section.start)
    if section.heading and at >= 0:
        return fragment_url(page_url, text, at, at + len(section.heading))
    line_end = text.find("\n", section.start, section.end)
    return fragment_url(page_url, text, section.start, line_end if line_end > 0 else section.end)


def offer(rankings: list[Ranking], floor: float, sections: dict[tuple[str, str], Section],
          pages: dict[str, tuple[str, str]]) -> tuple[Related, ...]:
    """Up to MAX_RELATED sections whose similarity reaches `floor`, best first.

    `sections` maps (source, heading) to its Section; `pages` maps a source to (source_url, text).
    """
    out = []
    for source, heading, score in candidates(rankings):
        if score < floor or len(out) >= MAX_RELATED:
            break
        section = sections.get((source, heading))
        if section is None:
            continue
        page_url, text = pages.get(source, ("", ""))
        out.append(Related(heading, section_url(section, page_url, text) if page_url else None, score, source))
    return tuple(out)
