"""Example questions per section: `<document>.questions.yaml` beside each document -> Examples.

The file maps each section heading to the questions it answers, by language, plus questions
the document does not answer (`out_of_scope`), and optionally (`asked_by`) the words by which an
asker says who they are or what the data is for, for sections that are one route among others
("kommune", "journalist" -> the section for purposes other than research; "stipendiat" -> the
research route); see corpus/npr_guidance_no.questions.yaml. The
support team edits it (the staff app appends to it, too). A heading that is not a section of the
document is reported and its examples are left out, so a typo never silently misroutes.
Deliberately left out: examples shared between documents, and weights per example.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

from .records import Example, Section

log = logging.getLogger(__name__)
SUFFIX = ".questions.yaml"
LANGS = ("nb", "nn", "en")


def examples_path(document: Path) -> Path:
    """corpus/npr_guidance_no.txt -> corpus/npr_guidance_no.questions.yaml"""
    return Path(document).with_name(Path(document).stem + SUFFIX)


def heading_of(written: str, headings: set[str]) -> str | None:
    """The document's heading that `written` names: the same text, also where one of the two is
    stored decomposed and the other not (a file saved on a Mac holds "Å" as "A" and a ring, NFD),
    so the examples of "Åpne data" still reach their section; None when it names none."""
    if written in headings:
        return written
    composed = unicodedata.normalize("NFC", written)
    return next((h for h in sorted(headings) if unicodedata.normalize("NFC", h) == composed), None)


def parse_examples(data, source: str, headings: set[str], where: str = "") -> tuple[list[Example], list[str]]:
    """Examples from one decoded file, and the problems found (as sentences).

    parse_examples({"sections": {"Pris": {"nb": ["Hva koster det?"]}}}, "x", {"Pris"})
      -> ([Example("x", "Pris", "nb", "Hva koster det?")], [])
    """
    out, problems = [], []
    if not isinstance(data, dict):
        return [], [f"{where}expected `sections:` and `out_of_scope:` at the top."]
    blocks = [(h, v) for h, v in (data.get("sections") or {}).items()]
    blocks.append(("", data.get("out_of_scope") or {}))
    for heading, by_lang in blocks:
        written = str(heading)
        heading = heading_of(written, headings) if written else ""
        if heading is None:
            problems.append(f"{where}{written!r} is not a heading of the document; its examples are left out.")
            continue
        if not isinstance(by_lang, dict):
            problems.append(f"{where}{heading or 'out_of_scope'}: expected nb:/nn:/en: lists.")
            continue
        for lang, questions in by_lang.items():
            if lang not in LANGS:
                problems.append(f"{where}{heading or 'out_of_scope'}: language {lang!r} is not nb, nn or en.")
                continue
            for q in questions or []:
                text = " ".join(str(q).split())
                if text:
                    out.append(Example(source, heading, lang, text))
    return out, problems


def parse_askers(data, source: str, headings: set[str], where: str = "", key: str = "asked_by") -> tuple[dict, list[str]]:
    """`asked_by:` -> {(source, heading): (cue, ...)}, and the problems found; `not_for:` (a list,
    or {askers: [...], unless: [...]}) -> {(source, heading): ((cue, ...), (unless, ...))}.

    parse_askers({"asked_by": {"Pris": ["kommune"]}}, "x", {"Pris"}) -> ({("x", "Pris"): ("kommune",)}, [])
    """
    out, problems = {}, []
    block = data.get(key) if isinstance(data, dict) else None
    if block is None:
        return out, problems
    if not isinstance(block, dict):
        return out, [f"{where}{key}: expected section headings, each with a list of words; left out."]
    for heading, cues in block.items():
        written = str(heading)
        heading = heading_of(written, headings)
        if heading is None:
            problems.append(f"{where}{key}: {written!r} is not a heading of the document; left out.")
        elif key == "not_for" and isinstance(cues, dict):  # {askers: [...], unless: [...]}
            askers, unless = cues.get("askers"), cues.get("unless", [])
            unknown = sorted(str(k) for k in cues if k not in ("askers", "unless"))
            if unknown:  # a misspelt "unles:" must not silently leave the askers unqualified
                problems.append(f"{where}{key}: {heading}: unknown keys {', '.join(unknown)} (expected askers, unless); left out.")
            elif not isinstance(askers, list) or not isinstance(unless, list):
                problems.append(f"{where}{key}: {heading}: expected lists `askers` and `unless`.")
            else:
                out[(source, heading)] = (_words(askers), _words(unless))
        elif not isinstance(cues, list):
            problems.append(f"{where}{key}: {heading}: expected a list of words.")
        else:
            out[(source, heading)] = _words(cues) if key != "not_for" else (_words(cues), ())
    return out, problems


def _words(cues: list) -> tuple[str, ...]:
    return tuple(" ".join(str(c).split()) for c in cues if c is not None and str(c).strip())


def load_examples(documents, sections: list[Section], askers: dict | None = None,
                  not_for: dict | None = None) -> list[Example]:
    """Every document's examples (a document without an example file simply has none); with
    `askers` (a dict) also fills it with every document's `asked_by` cues, and with `not_for` its
    `not_for` cues (the askers a section must never be quoted to)."""
    import yaml

    # libyaml's safe loader when PyYAML was built with it: the same data, parsed 10x faster
    # (0.04 s against 0.53 s for the bundled example file, most of a cold start's margin)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = []
    for doc in documents:
        path = examples_path(doc.path)
        if not path.is_file():
            continue
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            log.warning("%s cannot be read (%s); answering without its example questions.", path, exc)
            continue
        headings = {s.heading for s in sections if s.source == doc.source}
        examples, problems = parse_examples(data, doc.source, headings, f"{path.name}: ")
        if askers is not None:
            cues, more = parse_askers(data, doc.source, headings, f"{path.name}: ")
            askers.update(cues)
            problems += more
        if not_for is not None:
            cues, more = parse_askers(data, doc.source, headings, f"{path.name}: ", "not_for")
            not_for.update(cues)
            problems += more
        for p in problems:
            log.warning(p)
        found.extend(examples)
    return found
