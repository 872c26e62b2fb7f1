"""eval/questions.jsonl -> Cases, and the checks that keep the file honest.

One JSON object per line (the support team edits this file, not Python):

    {"id": "pris-01", "lang": "nb", "answerable": true, "question": "Hva koster det?",
     "facts": ["1100"], "section": "Pris"}

`facts` are case-insensitive regexes a right answer must contain (each must match the guidance
text); `section` is the heading the top citation must come from, or a list of acceptable
headings for a question that touches several sections; `null` for a question that must be
abstained on. Blank lines and lines starting with `#` are skipped.

Deliberately left out: weights per case and free-text "ideal answers" (the answer is quoted,
so the facts it must quote are what matters).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Case", "CaseError", "LANGS", "load_cases", "parse_case", "problems", "uncovered"]

LANGS = ("nb", "nn", "en")
MIN_CASES = 110
MIN_UNANSWERABLE = 25


class CaseError(ValueError):
    """A line of the question file cannot be read; the message names the line and the fix."""


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    lang: str
    answerable: bool
    facts: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()  # acceptable headings for the top citation; () when unanswerable

    @property
    def one_line(self) -> str:
        """The question as sent to `assistant ask --json` (one question per line)."""
        return " ".join(self.question.split())


def parse_case(data: dict, where: str = "") -> Case:
    """A Case from one decoded JSON line.

    parse_case({"id": "a", "question": "Pris?", "lang": "nb", "answerable": True,
                "facts": ["1100"], "section": "Pris"}).sections -> ("Pris",)
    """
    missing = [k for k in ("id", "question", "lang", "answerable") if k not in data]
    if missing:
        raise CaseError(f"{where}missing {', '.join(missing)}: every case needs id, question, "
                        "lang, answerable, facts and section.")
    section = data.get("sections", data.get("section"))
    sections = () if section is None else (section,) if isinstance(section, str) else tuple(section)
    return Case(str(data["id"]), str(data["question"]), str(data["lang"]), bool(data["answerable"]),
                tuple(data.get("facts") or ()), sections)


def load_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise CaseError(f"{path}:{n}: not valid JSON ({exc}); each line must be one JSON "
                            "object, with strings in double quotes.") from exc
        cases.append(parse_case(data, f"{path}:{n}: "))
    return cases


def problems(cases: list[Case], guidance: str, headings: set[str], complete: bool = True,
             stale: frozenset[tuple[str, str]] = frozenset(), changed: bool = False) -> list[str]:
    """Everything wrong with a question set, as sentences; [] when it is fit to run.

    Checks: unique ids, known languages, answerable cases have facts that match the guidance
    and headings that exist, unanswerable cases have neither; with `complete` (the main set)
    also that every heading is covered and there are enough cases in all.
    `stale`: (case id, fact or heading) pairs a change in the guidance explains (checked.py):
    not mistakes in the file. `changed`: the guidance changed since the cases were checked, so
    a heading no case covers is for review (uncovered()), not a mistake.
    """
    out, seen = [], set()
    for c in cases:
        if c.id in seen:
            out.append(f"{c.id}: the id is used twice; give each case its own id.")
        seen.add(c.id)
        if c.lang not in LANGS:
            out.append(f"{c.id}: lang {c.lang!r} is not one of {', '.join(LANGS)}.")
        if not c.one_line:
            out.append(f"{c.id}: the question is empty.")
        for fact in c.facts:
            try:
                found = re.search(fact, guidance, re.IGNORECASE)
            except re.error as exc:
                out.append(f"{c.id}: fact {fact!r} is not a valid regex ({exc}).")
                continue
            if not found and (c.id, fact) not in stale:
                out.append(f"{c.id}: fact {fact!r} does not occur in the guidance; copy the "
                           "guidance's own wording.")
        for s in c.sections:
            if s not in headings and (c.id, s) not in stale:
                out.append(f"{c.id}: section {s!r} is not a heading of the guidance.")
        if c.answerable and not (c.facts and c.sections):
            out.append(f"{c.id}: an answerable case needs at least one fact and a section.")
        if not c.answerable and (c.facts or c.sections):
            out.append(f"{c.id}: a case that must be abstained on has no facts and section null.")
    if not complete:
        return out
    if not changed:
        out += [f"no case expects the section {h!r}; add one." for h in uncovered(cases, headings)]
    if len(cases) < MIN_CASES:
        out.append(f"only {len(cases)} cases; the set needs at least {MIN_CASES}.")
    if sum(not c.answerable for c in cases) < MIN_UNANSWERABLE:
        out.append(f"fewer than {MIN_UNANSWERABLE} cases that must be abstained on.")
    for lang in LANGS:
        if not any(c.lang == lang for c in cases):
            out.append(f"no {lang} case; every language needs some.")
    return out


def uncovered(cases: list[Case], headings: set[str], leave_out: frozenset[str] = frozenset()) -> list[str]:
    """Headings no case expects (cases in `leave_out`, e.g. stale ones, do not count), sorted.

    uncovered([Case("a", "?", "nb", True, ("1",), ("Pris",))], {"Pris", "Kontakt"}) -> ["Kontakt"]
    """
    covered = {s for c in cases if c.id not in leave_out for s in c.sections}
    return sorted(set(headings) - covered)
