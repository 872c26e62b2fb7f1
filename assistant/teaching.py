"""The support team teaches the assistant: a thumbs-down answer assigned to the section that
answers it (or marked "not covered") becomes an example question and an eval case.

    teach(question, "nb", "Pris", example_file, eval_file, section_text) -> Lesson(...)

Both files are appended to as text, so the change shows up in `git diff` for review and nothing
else in them moves (comments and order stay): the example question goes at the end of its
section's language list in `<document>.questions.yaml` (or under `out_of_scope`), and the eval
case at the end of eval/questions.jsonl. A case for a section gets as its fact the start of the
section's first sentence, which a right answer quotes. Personal numbers are masked before
anything is written; a question already in the file is not added twice. Each file is rewritten
atomically (a temporary file, then os.replace), never truncated in place.
Deliberately left out: removing or moving examples (edit the file), and any automatic refit.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .privacy import mask_personal_numbers

NOT_COVERED = ""  # the "section" of a question the guidance does not answer


@dataclass(frozen=True)
class Lesson:
    question: str
    section: str  # "" = not covered
    example_added: bool
    case_id: str  # "" when no case was added (already there)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def add_example(text: str, section: str, lang: str, question: str) -> str | None:
    """The example file's text with `question` added under `section` (or out_of_scope), or None
    when it is already there.

    add_example('sections:\\n  "Pris":\\n    nb:\\n      - "Pris?"\\nout_of_scope:\\n', "Pris", "nb", "Hva koster det?")
      -> 'sections:\\n  "Pris":\\n    nb:\\n      - "Pris?"\\n      - "Hva koster det?"\\nout_of_scope:\\n'
    """
    item = json.dumps(question, ensure_ascii=False)
    if re.search(r"^\s*- " + re.escape(item) + r"\s*$", text, re.M):
        return None
    lines = text.split("\n")
    if section:
        # only under `sections:`: other top-level blocks (asked_by) key their entries by heading too
        start = next((i for i, l in enumerate(lines) if l.startswith("sections:")), -1)
        stop = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
        head = next((i for i in range(start + 1, stop) if lines[i].strip() in (
            f"{json.dumps(section, ensure_ascii=False)}:", f"{section}:") and lines[i].startswith("  ")
                     and not lines[i].startswith("   ")), None) if start >= 0 else None
        if head is None:  # a section with no examples yet: a new block under `sections:`
            at = next((i for i, l in enumerate(lines) if l.startswith("sections:")), None)
            block = [f"  {json.dumps(section, ensure_ascii=False)}:", f"    {lang}:", f"      - {item}"]
            if at is None:
                lines = ["sections:", *block, *lines]
            else:
                lines[at + 1:at + 1] = block
            return "\n".join(lines)
        indent, end = "    ", next((i for i in range(head + 1, len(lines))
                                    if lines[i].strip() and not lines[i].startswith("    ")), len(lines))
    else:
        head = next((i for i, l in enumerate(lines) if l.startswith("out_of_scope:")), None)
        if head is None:
            return text.rstrip("\n") + f"\nout_of_scope:\n  {lang}:\n    - {item}\n"
        indent, end = "  ", next((i for i in range(head + 1, len(lines))
                                  if lines[i].strip() and not lines[i].startswith("  ")), len(lines))
    lang_at = next((i for i in range(head + 1, end) if lines[i] == f"{indent}{lang}:"), None)
    if lang_at is None:
        while end > head + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = [f"{indent}{lang}:", f"{indent}  - {item}"]
    else:
        last = lang_at
        for i in range(lang_at + 1, end):
            if lines[i].startswith(f"{indent}  - "):
                last = i
            elif lines[i].strip():
                break
        lines.insert(last + 1, f"{indent}  - {item}")
    return "\n".join(lines)


def case_for(question: str, lang: str, section: str, section_text: str, case_id: str) -> dict:
    """The eval case a lesson adds; the fact is the start of the section's first sentence."""
    if not section:
        return {"id": case_id, "lang": lang, "answerable": False, "question": question,
                "facts": [], "section": None, "source": "staff"}
    first = " ".join(section_text.split())[:40].strip(" •-")
    return {"id": case_id, "lang": lang, "answerable": True, "question": question,
            "facts": [re.escape(first)], "section": section, "source": "staff"}


def teach(question: str, lang: str, section: str, example_file: Path, eval_file: Path,
          section_text: str = "") -> Lesson:
    """Append the example question and the eval case (see the module docstring)."""
    question = mask_personal_numbers(" ".join(str(question).split()))
    lang = lang if lang in ("nb", "nn", "en") else "nb"
    if not question:
        raise ValueError("The question is empty; nothing to learn from.")
    example_file, eval_file = Path(example_file), Path(eval_file)
    old = example_file.read_text(encoding="utf-8") if example_file.exists() else "sections:\nout_of_scope:\n"
    new = add_example(old, section, lang, question)
    if new is not None:
        _write_atomic(example_file, new if new.endswith("\n") else new + "\n")
    cases = eval_file.read_text(encoding="utf-8") if eval_file.exists() else ""
    known = {json.loads(l).get("question") for l in cases.splitlines() if l.strip().startswith("{")}
    case_id = ""
    if question not in known:
        n = sum(1 for l in cases.splitlines() if '"source": "staff"' in l) + 1
        case_id = f"staff-{n:03d}"
        line = json.dumps(case_for(question, lang, section, section_text, case_id), ensure_ascii=False)
        _write_atomic(eval_file, (cases if cases.endswith("\n") or not cases else cases + "\n") + line + "\n")
    return Lesson(question, section, new is not None, case_id)
