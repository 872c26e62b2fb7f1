"""Add an independent writer's example questions to a document's example file, without near-duplicates.

    python scripts/merge_examples.py writer.yaml corpus/npr_guidance_no.questions.yaml [--dry-run]

`writer.yaml` has the example file's shape (`sections:` heading -> nb/nn/en lists, and
`out_of_scope:`). Each question is appended at the end of its list with
`assistant.teaching.add_example` (so comments and order stay, and the change reads as a diff),
unless it is a near-duplicate of one already there: the same words once case, punctuation and
æøå are folded, or a rapidfuzz ratio of at least 92 against any question of the file. A question
that is near one filed under another section (or near an out-of-scope one while it is in scope, or
the other way round) is left out too and listed: two writers disagree, and a person decides.
Headings the document lacks are reported by the assistant when it loads the file, as for any edit.

With `--close-to-scope CUT` an out-of-scope question as close in meaning to an in-scope example of
the file as CUT (cosine of the bundled multilingual-e5-small's query vectors; 0.945 left out
18 of one writer's 132 near-misses) is left out and listed too: "Korleis søkjer eg om data frå
Kommunalt pasient- og brukarregister?" differs from the answerable "Hvordan søker jeg om data fra
pasientregisteret?" by a register's name only, and as an out-of-scope example it made the assistant
decline the plain question (development sets, forty-fifth session: a writer's 132 out-of-scope
examples cost 3 right answers for 4 fewer wrong, the 114 kept at 0.945 cost 1 for 2; that round was
still left out, as it turned a test's linking question, "Kan eg kople NPR-data med
Reseptregisteret?", into a decline).
Deliberately left out: rewriting or reordering what is there (edit the file for that).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assistant.examples import parse_examples  # noqa: E402
from assistant.errors import TeachingError  # noqa: E402
from assistant.teaching import _write_atomic, add_example  # noqa: E402
from assistant.text import words  # noqa: E402

NEAR = 92  # rapidfuzz ratio: "Hva koster det?" vs "hva koster det" is 100, a new situation is far below


def fold(text: str) -> str:
    """'Hvor lang tid tar det å få data?' -> 'hvor lang tid tar det a fa data'"""
    return " ".join(words(text))


def entries(data, where: str = "") -> tuple[list[tuple[str, str, str]], list[str]]:
    """(section or '' for out_of_scope, lang, question) for every question of an example file, and
    what is wrong with its shape (as the assistant reads it: assistant/examples.py)."""
    headings = set((data.get("sections") or {}) if isinstance(data, dict) else ())
    examples, problems = parse_examples(data, "", {str(h) for h in headings}, where)
    return [(e.section, e.lang, e.text) for e in examples], problems


def merge(new: list[tuple[str, str, str]], text: str) -> tuple[str, int, list[str], list[str]]:
    """The file's text with the new questions added; how many were added, the near-duplicates
    dropped, and the conflicts (near one under another section) left out."""
    known = {fold(q): s for s, _, q in entries(yaml.safe_load(text))[0]}
    added, dropped, conflicts = 0, [], []
    for section, lang, question in new:
        key = fold(question)
        near = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=NEAR)
        if near is not None:
            other = known[near[0]]
            (dropped if other == section else conflicts).append(
                f"{question!r} ({section or 'out_of_scope'}) ~ {near[0]!r} ({other or 'out_of_scope'})")
            continue
        changed = add_example(text, section, lang, question)
        if changed is not None:
            text, added = changed, added + 1
            known[key] = section
    return text, added, dropped, conflicts


def close_to_scope(new: list[tuple[str, str, str]], text: str, cut: float, embedder
                   ) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The new questions without the out-of-scope ones whose query vector is within `cut` (cosine)
    of an in-scope example of the file, and those left out, each with its nearest example."""
    scope = [(s, q) for s, _, q in entries(yaml.safe_load(text))[0] if s]
    outside = [i for i, (s, _, _) in enumerate(new) if not s]
    if not scope or not outside:
        return new, []
    a = embedder.embed_queries([q for _, q in scope])
    b = embedder.embed_queries([new[i][2] for i in outside])
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    sims = b @ a.T
    near = {i: int(row.argmax()) for i, row in zip(outside, sims) if row.max() >= cut}
    left = [f"{new[i][2]!r} (out_of_scope) ~ {scope[j][1]!r} ({scope[j][0]}), in meaning" for i, j in near.items()]
    return [e for i, e in enumerate(new) if i not in near], left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("writer", type=Path, help="the writer's YAML")
    parser.add_argument("examples", type=Path, help="the document's <name>.questions.yaml")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    parser.add_argument("--close-to-scope", type=float, metavar="CUT",
                        help="leave out out-of-scope questions this close in meaning to an in-scope example")
    args = parser.parse_args(argv)
    try:
        new, problems = entries(yaml.safe_load(args.writer.read_text(encoding="utf-8")), f"{args.writer}: ")
        text = args.examples.read_text(encoding="utf-8")
    except (OSError, yaml.YAMLError) as exc:
        print(f"merge_examples: {exc}", file=sys.stderr)
        return 2
    if problems:  # a writer's file the assistant would read in part: fix it first
        print("\n".join(f"merge_examples: {p}" for p in problems), file=sys.stderr)
        return 2
    close: list[str] = []
    total = len(new)
    if args.close_to_scope is not None:
        from assistant.embedding import load_embedder
        from assistant.errors import AssistantError
        from assistant.settings import offline_environment
        offline_environment()
        try:
            new, close = close_to_scope(new, text, args.close_to_scope, load_embedder())
        except AssistantError as exc:  # no model to compare with: say so, write nothing
            print(f"merge_examples: --close-to-scope needs the model: {exc}", file=sys.stderr)
            return 2
    merged, added, dropped, conflicts = merge(new, text)
    conflicts = close + conflicts
    for line in conflicts:
        print("conflict, left out:", line)
    print(f"{added} added, {len(dropped)} near-duplicates dropped, {len(conflicts)} conflicts left out "
          f"(of {total})")
    if not args.dry_run and added:
        try:
            _write_atomic(args.examples, merged)
        except (TeachingError, OSError) as exc:  # a read-only or linked file is refused, never replaced
            print(f"merge_examples: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
