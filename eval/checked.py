"""The guidance the cases were last checked against (eval/checked.json), and stale cases.

    review = triage(cases, documents, sections, load_checked(CHECKED))
    review.stale        cases whose fact was in the checked guidance but is gone from today's
    review.problems     mistakes in the question file (a typo in a new case): exit code 2
    review.changes      the sections added, removed and changed since the check (corpus_diff)

eval/checked.json holds the corpus hash and the sections' text as they were when the cases
were last checked (about 6 kB). A fact that no longer occurs is *stale* only when the corpus
hash differs from that one and the fact did occur in the checked text; otherwise it is a
mistake in the file, as before. The same goes for a case's section that was a heading then.
The file is written by an explicit command (`make eval-checked`, `python -m eval
--mark-checked`), never by a run, so a CI run never changes a committed file and the check
only moves when someone has reviewed the cases and commits it.
Deliberately left out: guessing the new value of a stale fact (the reviewer reads the diff).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus_diff import SectionChange, diff_sections, load_json, snapshot

from .cases import Case, problems, uncovered

__all__ = ["Checked", "Stale", "Review", "corpus_hash", "load_checked", "write_checked", "triage"]


@dataclass(frozen=True)
class Checked:
    corpus: str  # corpus_hash() at the check
    checked_at: str
    sections: tuple[dict, ...]  # corpus_diff.snapshot() at the check


@dataclass(frozen=True)
class Stale:
    id: str
    fact: str  # the fact (regex) gone from the guidance, or the heading that is gone
    section: str  # where it was in the checked guidance

    def to_dict(self) -> dict:
        return {"id": self.id, "fact": self.fact, "section": self.section}


@dataclass(frozen=True)
class Review:
    corpus: str
    checked: Checked | None
    changes: tuple[SectionChange, ...]
    stale: tuple[Stale, ...]
    problems: tuple[str, ...]
    uncovered: tuple[str, ...]  # headings no (non-stale) case expects
    complete: bool = True  # the main set, which must cover every section

    @property
    def changed(self) -> bool:
        return self.checked is not None and self.checked.corpus != self.corpus

    @property
    def stale_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.stale)

    @property
    def needs_review(self) -> bool:
        """The guidance changed under the cases: some went stale, or (main set) a section has no case."""
        return bool(self.stale) or (self.changed and self.complete and bool(self.uncovered))


def corpus_hash(documents) -> str:
    """sha256 over the documents' file names and their own sha256 (where the folder is does not count)."""
    h = hashlib.sha256()
    for name, digest in sorted((Path(d.source).name, d.sha256) for d in documents):
        h.update(f"{name}\x00{digest}\x01".encode())
    return h.hexdigest()


def load_checked(path: Path) -> Checked | None:
    data = load_json(path)
    if not isinstance(data, dict) or "corpus" not in data:
        return None
    return Checked(str(data["corpus"]), str(data.get("checked_at", "")), tuple(data.get("sections") or ()))


def write_checked(path: Path, documents, sections) -> Checked:
    checked = Checked(corpus_hash(documents), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                      tuple(snapshot(sections)))
    data = {"_about": "The guidance the eval cases were last checked against: written by "
                      "`make eval-checked` after the cases were reviewed; commit it with them.",
            "corpus": checked.corpus, "checked_at": checked.checked_at, "sections": list(checked.sections)}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return checked


def _search(fact: str, text: str) -> bool:
    try:
        return re.search(fact, text, re.IGNORECASE) is not None
    except re.error:
        return False  # an invalid regex is a mistake in the file, reported by problems()


def _came_from(fact: str, case: Case, old: tuple[dict, ...]) -> str:
    """The checked section that held the fact, one of the case's own sections first."""
    ordered = sorted(old, key=lambda s: s["heading"] not in case.sections)
    return next((s["heading"] for s in ordered if _search(fact, f"{s['heading']}\n{s['text']}")), "?")


def triage(cases: list[Case], documents, sections, checked: Checked | None,
           complete: bool = True) -> Review:
    """Stale cases, mistakes and uncovered sections of a question set against today's guidance."""
    guidance = "\n\n".join(d.text for d in documents)
    headings = {s.heading for s in sections}
    now = corpus_hash(documents)
    changed = checked is not None and checked.corpus != now
    stale: list[Stale] = []
    if changed:
        old_text = "\n\n".join(f"{s['heading']}\n{s['text']}" for s in checked.sections)
        old_headings = {s["heading"] for s in checked.sections}
        for c in cases:
            stale += [Stale(c.id, f, _came_from(f, c, checked.sections)) for f in c.facts
                      if not _search(f, guidance) and _search(f, old_text)]
            stale += [Stale(c.id, s, s) for s in c.sections if s not in headings and s in old_headings]
    gone = frozenset((s.id, s.fact) for s in stale)
    changes = tuple(diff_sections(list(checked.sections), snapshot(sections))) if changed else ()
    ids = frozenset(s.id for s in stale)
    return Review(now, checked, changes, tuple(stale),
                  tuple(problems(cases, guidance, headings, complete, gone, changed)),
                  tuple(uncovered(cases, headings, ids)), complete)
