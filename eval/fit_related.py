"""Fit the similarity floor for the sections offered on a decline: `python -m eval.fit_related`.

Runs every case of eval/questions.jsonl through the real Assistant (its ranking, as `ask` ranks)
and takes each ranked section's similarity (assistant/related.py: candidates). A floor is good
when an in-scope question's right section clears it (a decline would point the right way) and an
out-of-scope question's best section does not (it would be offered something useless):
    utility(floor) = right sections offered / in-scope cases - out-of-scope cases offered anything / out-of-scope cases
The floor with the best utility (the higher one on a tie: fewer offers) is written to
assistant/data/related.json with its figures, and eval/holdout.jsonl is measured at it, never fit
on. Never give it eval/blind/: what it is fitted on is no longer a measurement.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.settings import REPO_ROOT, offline_environment

offline_environment()

from assistant.related import FLOOR_FILE, candidates  # noqa: E402

from .cases import load_cases  # noqa: E402

DEV = REPO_ROOT / "eval" / "questions.jsonl"
CHECK = REPO_ROOT / "eval" / "holdout.jsonl"


def collect(assistant, cases) -> list[tuple[bool, float, float]]:
    """(in scope, the right section's similarity or 0, the best section's similarity) per case."""
    rows = []
    for case in cases:
        _, parts = assistant.rank_parts(case.one_line)
        off_topic = any(q.off_topic for q, _ in parts)
        found = [] if off_topic else candidates([r for _, r in parts])
        right = max((s for _, h, s in found if h in case.sections), default=0.0)
        rows.append((case.answerable, right, found[0][2] if found else 0.0))
    return rows


def figures(rows, floor: float) -> dict:
    inside = [r for r in rows if r[0]]
    outside = [r for r in rows if not r[0]]
    hit = sum(r[1] >= floor for r in inside) / max(1, len(inside))
    offered = sum(r[2] >= floor for r in outside) / max(1, len(outside))
    return {"right_section_offered": round(hit, 3), "out_of_scope_offered": round(offered, 3),
            "utility": round(hit - offered, 3), "in_scope": len(inside), "out_of_scope": len(outside)}


def best_floor(rows) -> float:
    """The floor with the best utility among the observed similarities (ties: the higher floor)."""
    levels = sorted({round(v, 4) for r in rows for v in (r[1], r[2]) if v > 0}) or [1.0]
    return max(levels, key=lambda f: (figures(rows, f)["utility"], f))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fit_related", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=FLOOR_FILE, help="where to write the floor")
    args = parser.parse_args(argv)
    from assistant import Assistant

    assistant = Assistant()
    dev = collect(assistant, load_cases(DEV))
    floor = best_floor(dev)
    check = collect(assistant, load_cases(CHECK))
    result = {"_comment": "Written by `python -m eval.fit_related`; do not edit by hand.",
              "floor": floor, "fitted_on": "eval/questions.jsonl", "dev": figures(dev, floor),
              "holdout": figures(check, floor), "embedder": assistant.embedder.name}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
