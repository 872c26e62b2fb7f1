"""A document added beside the guidance: `python -m eval.added`.

eval/added/kpr_tilgang.txt is a second guidance page of the same kind (a made-up page about
another register, written by a helper session), with a starting example file of three questions
per section (kpr_tilgang.questions.yaml) as a team would first write one; eval/added/
kpr_questions.jsonl holds questions about it written by another helper from the page alone (66
answerable, 32 near-misses). Three corpus folders are tried: the bundled corpus with the page and its
examples, the same without its examples, and documents only (both pages, no glossary, no examples).
Right, false declines and wrong answers are counted as `python -m eval.sets` counts them; an answer
from the NPR guidance to a question about the added page is wrong. A development set: the
thirty-third session looked at its failures.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
from pathlib import Path

from assistant.settings import REPO_ROOT, offline_environment

offline_environment()

from .cases import load_cases  # noqa: E402
from .fit import documents_only  # noqa: E402
from .sets import judge  # noqa: E402

HERE = REPO_ROOT / "eval" / "added"
PAGE = "kpr_tilgang"


def corpus(into: Path, examples: bool) -> Path:
    """The bundled corpus folder with the added page (and its example file when `examples`)."""
    shutil.copytree(REPO_ROOT / "corpus", into)
    shutil.copy2(HERE / f"{PAGE}.txt", into)
    if examples:
        shutil.copy2(HERE / f"{PAGE}.questions.yaml", into)
    return into


def run(folder: Path, data: Path, cases) -> collections.Counter:
    from assistant import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env().with_(corpus_dir=folder, data_dir=data))
    files = {d.source: d.text for d in assistant.documents}
    counts = collections.Counter()
    for case in cases:
        verdict = judge(case, assistant.ask(case.one_line), files)
        counts[verdict] += 1
        counts[("answerable" if case.answerable else "decline", verdict)] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m eval.added", description=__doc__.splitlines()[0]).parse_args(argv)
    cases = load_cases(HERE / "kpr_questions.jsonl")
    answerable = sum(c.answerable for c in cases)
    print(f"{len(cases)} questions about the added page ({answerable} answerable, {len(cases) - answerable} must-decline)\n")
    print("| corpus folder | right | false declines | wrong | answerable answered right | must-decline declined |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        configurations = (
            ("bundled + the page + its examples", lambda: corpus(tmp / "full", True)),
            ("bundled + the page, no examples of its own", lambda: corpus(tmp / "plain", False)),
            ("documents only (both pages)", lambda: documents_only(corpus(tmp / "both", False), tmp / "docs")),
        )
        for n, (name, make) in enumerate(configurations):
            c = run(make(), tmp / f"data{n}", cases)
            share = {k: 100 * c[k] / len(cases) for k in ("right", "false_decline", "wrong")}
            print(f"| {name} | {share['right']:.1f} % | {share['false_decline']:.1f} % | {share['wrong']:.1f} % | "
                  f"{c[('answerable', 'right')]} of {answerable} | "
                  f"{c[('decline', 'right')]} of {len(cases) - answerable} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
