"""Two snapshots of the guidance's sections -> the sections added, removed and changed, each with
a short word-level diff.

    changes = diff_sections(old_snapshot, snapshot(sections))
    describe(changes) -> ["changed  Pris (corpus/npr_guidance_no.txt): … time NOK [-1100,--]{+1200,-+} eks. mva."]

A snapshot is a list of {"source", "heading", "text"}: each section's body, the bodies of one
heading in one document joined. Sections and chunks both make one (chunks never cross a section
border and are cut between paragraphs, so their words are the section's words).
Two users, one format and one wording:
- `assistant index`: every build writes index/sections.json in the data directory and
  index/changes.json, what it changed since the build before (record_build);
- the eval: eval/checked.json keeps the snapshot the cases were last checked against, and the
  report lists what changed since.
Deliberately left out: moves (order is not compared), whitespace-only edits (the words are the
same), character-level diffs, and the glossary and example-question files.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["SectionChange", "snapshot", "word_diff", "diff_sections", "describe", "record_build",
           "build_changes", "load_json"]

log = logging.getLogger(__name__)
SNAPSHOT = "sections.json"
CHANGES = "changes.json"


@dataclass(frozen=True)
class SectionChange:
    kind: str  # added | removed | changed
    source: str
    heading: str
    diff: str  # the word-level diff ("changed"), or the first words of the section

    @property
    def line(self) -> str:
        return f"{self.kind:<8} {self.heading} ({self.source}): {self.diff}"


def snapshot(items) -> list[dict]:
    """Sections or Chunks (anything with source, heading, text) -> a snapshot, in order.

    snapshot([Section("f", "t", "Pris", "", 0, 4, "NOK 1")]) -> [{"source": "f", "heading": "Pris", "text": "NOK 1"}]
    """
    out: dict[tuple[str, str], list[str]] = {}
    for item in items:
        out.setdefault((item.source, item.heading), []).append(item.text)
    return [{"source": s, "heading": h, "text": "\n\n".join(texts)} for (s, h), texts in out.items()]


def _excerpt(words: list[str], n: int = 12) -> str:
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def word_diff(old: str, new: str, context: int = 3, limit: int = 240) -> str:
    """The changed words with `context` words around, git's --word-diff style; "" when the words agree.

    word_diff("Pris per time NOK 1100,- eks. mva.", "Pris per time NOK 1200,- eks. mva.")
      -> "… per time NOK [-1100,--]{+1200,-+} eks. mva."
    """
    a, b = old.split(), new.split()
    if a == b:
        return ""
    groups = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        parts = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                parts.append(" ".join(a[i1:i2]))
                continue
            piece = ""
            if i2 > i1:
                piece += "[-" + " ".join(a[i1:i2]) + "-]"
            if j2 > j1:
                piece += "{+" + " ".join(b[j1:j2]) + "+}"
            parts.append(piece)
        text = " ".join(p for p in parts if p)
        first, last = group[0], group[-1]
        groups.append(("… " if first[1] > 0 else "") + text + (" …" if last[2] < len(a) else ""))
    out = " ".join(groups).replace("… …", "…")
    return out if len(out) <= limit else out[: limit - 1] + "…"


def diff_sections(old: list[dict], new: list[dict]) -> list[SectionChange]:
    """Added and changed sections in the new order, then removed ones in the old order.

    A section is known by its document's file name and its heading, so a corpus folder that
    moved (ASSISTANT_CORPUS_DIR) compares with itself.
    """
    def keyed(snap):
        return {(Path(s["source"]).name, s["heading"]): s for s in snap}

    before, after = keyed(old), keyed(new)
    out = []
    for key, s in after.items():
        if key not in before:
            out.append(SectionChange("added", s["source"], s["heading"], _excerpt(s["text"].split())))
        elif before[key]["text"].split() != s["text"].split():
            out.append(SectionChange("changed", s["source"], s["heading"], word_diff(before[key]["text"], s["text"])))
    out += [SectionChange("removed", s["source"], s["heading"], _excerpt(s["text"].split()))
            for k, s in before.items() if k not in after]
    return out


def describe(changes: list[SectionChange]) -> list[str]:
    """One headline and one line per change (what `assistant index` prints and the eval reports)."""
    if not changes:
        return ["No section's words changed."]
    counts = {k: sum(c.kind == k for c in changes) for k in ("added", "removed", "changed")}
    head = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    return [f"Sections {head}:"] + ["  " + c.line for c in changes]


def load_json(path: Path):
    """The JSON in `path`, or None when it is missing or unreadable (a snapshot is a convenience)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, data) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def record_build(root: Path, chunks, build: str) -> None:
    """After a build: index/changes.json (what changed since the last build's snapshot, or null
    for the first) and index/sections.json (this build's snapshot). Never raises: the index is
    live either way, and the note is only for people."""
    root = Path(root)
    try:
        previous = load_json(root / SNAPSHOT)
        new = snapshot(chunks)
        changes = None
        if isinstance(previous, dict) and isinstance(previous.get("sections"), list):
            changes = [asdict(c) for c in diff_sections(previous["sections"], new)]
        _write(root / CHANGES, {"build": build, "previous": (previous or {}).get("build"),
                                "changes": changes})
        _write(root / SNAPSHOT, {"build": build, "sections": new})
    except (OSError, TypeError, KeyError, AttributeError) as exc:
        log.warning("could not record what the index build changed (%s: %s)", type(exc).__name__, exc)


def build_changes(root: Path, build: str) -> list[SectionChange] | None:
    """What build `build` changed since the build before it; None when unknown (first build)."""
    data = load_json(Path(root) / CHANGES)
    if not isinstance(data, dict) or data.get("build") != build or data.get("changes") is None:
        return None
    try:
        return [SectionChange(**c) for c in data["changes"]]
    except TypeError:
        return None
