"""The support team teaches the assistant: a thumbs-down answer assigned to the section that
answers it (or marked "not covered") becomes an example question and an eval case.

    teach(question, "nb", "Pris", example_file, eval_file, section_text) -> Lesson(...)

Both files are appended to as text, so the change shows up in `git diff` for review and nothing
else in them moves (comments and order stay): the example question goes at the end of its
section's language list in `<document>.questions.yaml` (or under `out_of_scope`), and the eval
case at the end of eval/questions.jsonl. A case for a section gets as its fact the section's first
sentence or list item (cut to 40 characters at a word), which a right answer quotes. An
out-of-scope question goes to the first document's example file that exists. Personal numbers
are masked before anything is written; a question already in the file is not added twice.
Each file is read, changed and rewritten under an exclusive lock on `.<name>.lock` beside it
(two staff members, or two processes, at once both keep their lesson), atomically (files.write_file:
a unique temporary file, then os.replace), with its own mode and line ends. A file that is
read-only or a symbolic link is refused (TeachingError), never replaced: files.py never writes
through a link, and replacing one would leave its target without the lesson.
Deliberately left out: removing or moving examples (edit the file), and any automatic refit.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import TeachingError
from .files import write_file
from .privacy import mask_personal_numbers

NOT_COVERED = ""  # the "section" of a question the guidance does not answer


@dataclass(frozen=True)
class Lesson:
    question: str
    section: str  # "" = not covered
    example_added: bool
    case_id: str  # "" when no case was added (already there)


def _writable(path: Path) -> int | None:
    """The mode `path` keeps when rewritten (None: a new file); raises TeachingError for a
    symbolic link or a file without write permission."""
    if path.is_symlink():
        raise TeachingError(f"{path} is a symbolic link; the lesson was not saved. Replace the link "
                            "with the file itself (or point the setting at the real file).")
    if not path.exists():
        return None
    st = path.stat()
    # no write bit at all counts too: as root, os.access says yes to a chmod 444 file
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:
        raise TeachingError(f"{path} is read-only; the lesson was not saved. Make it writable "
                            f"(chmod u+w {path.name}) and try again.")
    return stat.S_IMODE(st.st_mode)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Holds an exclusive flock on `.<name>.lock` beside `path`: one read-modify-write at a time,
    across threads (each open is its own lock) and processes."""
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read(path: Path) -> str:
    """The file's text with its own line ends ("\\r\\n" stays), "" for a missing file."""
    return path.read_bytes().decode("utf-8") if path.exists() else ""


def _line_end(text: str) -> str:
    """The first line's end: _line_end("a\\r\\nb\\n") -> "\\r\\n"; _line_end("") -> "\\n" """
    return "\r\n" if text.partition("\n")[0].endswith("\r") else "\n"


def _write_atomic(path: Path, text: str) -> None:
    """Replaces `path` whole, keeping its mode; TeachingError for a link or a read-only file."""
    write_file(path, text, overwrite=True, mode=_writable(path))


def add_example(text: str, section: str, lang: str, question: str) -> str | None:
    """The example file's text with `question` added under `section` (or out_of_scope), or None
    when it is already there.

    add_example('sections:\\n  "Pris":\\n    nb:\\n      - "Pris?"\\nout_of_scope:\\n', "Pris", "nb", "Hva koster det?")
      -> 'sections:\\n  "Pris":\\n    nb:\\n      - "Pris?"\\n      - "Hva koster det?"\\nout_of_scope:\\n'
    A file with "\\r\\n" line ends gets its added lines with "\\r\\n" too, and no other byte changes.
    """
    item = json.dumps(question, ensure_ascii=False)
    if re.search(r"^\s*- " + re.escape(item) + r"\s*$", text, re.M):
        return None
    # lines keep a trailing "\r" of their own; the added ones get the first line's end
    cr = _line_end(text)[:-1]
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
            block = [f"  {json.dumps(section, ensure_ascii=False)}:{cr}", f"    {lang}:{cr}", f"      - {item}{cr}"]
            if at is None:
                lines = [f"sections:{cr}", *block, *lines]
            else:
                lines[at + 1:at + 1] = block
            return "\n".join(lines)
        indent, end = "    ", next((i for i in range(head + 1, len(lines))
                                    if lines[i].strip() and not lines[i].startswith("    ")), len(lines))
    else:
        head = next((i for i, l in enumerate(lines) if l.startswith("out_of_scope:")), None)
        if head is None:
            nl = cr + "\n"
            return text.rstrip("\r\n") + f"{nl}out_of_scope:{nl}  {lang}:{nl}    - {item}{nl}"
        indent, end = "  ", next((i for i in range(head + 1, len(lines))
                                  if lines[i].strip() and not lines[i].startswith("  ")), len(lines))
    lang_at = next((i for i in range(head + 1, end) if lines[i].rstrip("\r") == f"{indent}{lang}:"), None)
    if lang_at is None:
        while end > head + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = [f"{indent}{lang}:{cr}", f"{indent}  - {item}{cr}"]
    else:
        last = lang_at
        for i in range(lang_at + 1, end):
            if lines[i].startswith(f"{indent}  - "):
                last = i
            elif lines[i].strip():
                break
        lines.insert(last + 1, f"{indent}  - {item}{cr}")
    return "\n".join(lines)


def first_fact(section_text: str, limit: int = 40) -> str:
    """The section's first sentence or list item (to the first line break or sentence end), cut to
    `limit` characters at a word: one quote holds it whole, never two list items.

    first_fact("• Pris per time NOK 1100,- eks. mva.\\n • Helsedirektoratet fakturerer ...")
      -> "Pris per time NOK 1100,- eks. mva."
    first_fact("Søknaden sendes via helsedata.no. Der finner du skjemaet.") -> "Søknaden sendes via helsedata.no."
    """
    line = next((l.strip(" \t•-*") for l in section_text.splitlines() if l.strip(" \t•-*")), "")
    # a full stop before a capital ends a sentence; "eks. mva." does not
    line = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", " ".join(line.split()), maxsplit=1)[0]
    if len(line) > limit:
        cut = line[:limit + 1].rsplit(" ", 1)[0] if " " in line[:limit + 1] else line[:limit]
        line = cut.rstrip(" ,;:-")
    return line


def case_for(question: str, lang: str, section: str, section_text: str, case_id: str) -> dict:
    """The eval case a lesson adds; the fact is first_fact(section_text), as a regex.

    case_for("Pris?", "nb", "Pris", "• Pris per time NOK 1100,- eks. mva.", "staff-001")["facts"]
      -> ['Pris\\ per\\ time\\ NOK\\ 1100,\\-\\ eks\\.\\ mva\\.']
    """
    if not section:
        return {"id": case_id, "lang": lang, "answerable": False, "question": question,
                "facts": [], "section": None, "source": "staff"}
    return {"id": case_id, "lang": lang, "answerable": True, "question": question,
            "facts": [re.escape(first_fact(section_text))], "section": section, "source": "staff"}


def teach(question: str, lang: str, section: str, example_file: Path, eval_file: Path,
          section_text: str = "") -> Lesson:
    """Append the example question and the eval case (see the module docstring); raises
    TeachingError for a read-only or linked file (then neither file changes)."""
    question = mask_personal_numbers(" ".join(str(question).split()))
    lang = lang if lang in ("nb", "nn", "en") else "nb"
    if not question:
        raise ValueError("The question is empty; nothing to learn from.")
    example_file, eval_file = Path(example_file), Path(eval_file)
    # refuse both files before writing either, so a refused lesson leaves no half behind
    _writable(example_file)
    _writable(eval_file)
    with _locked(example_file):  # read, change and write back with nobody in between
        old = _read(example_file) or "sections:\nout_of_scope:\n"
        new = add_example(old, section, lang, question)
        if new is not None:
            _write_atomic(example_file, new if new.endswith("\n") else new + _line_end(new))
    with _locked(eval_file):
        cases = _read(eval_file)
        known = {json.loads(l).get("question") for l in cases.splitlines() if l.strip().startswith("{")}
        case_id = ""
        if question not in known:
            n = sum(1 for l in cases.splitlines() if '"source": "staff"' in l) + 1
            case_id = f"staff-{n:03d}"
            line = json.dumps(case_for(question, lang, section, section_text, case_id), ensure_ascii=False)
            nl = _line_end(cases)
            _write_atomic(eval_file, (cases if cases.endswith("\n") or not cases else cases + nl) + line + nl)
    return Lesson(question, section, new is not None, case_id)
