"""Grid-search the ranking weights of assistant/tuning.py on the development sets: `python -m eval.tune`.

Prints hit@1 (the top section is an expected one) over the answerable cases of eval/questions.jsonl
and eval/holdout.jsonl for each combination, best first; it changes nothing. Each question is
embedded once (the model is the slow part); only the fusion is re-run. Never point it at a blind set.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from assistant.settings import offline_environment

offline_environment()

from assistant import tuning as T  # noqa: E402

from .cases import load_cases  # noqa: E402

HERE = Path(__file__).parent
GRID = {"EXAMPLES_PER_SECTION": [1, 2, 3], "PASSAGE_SHARE": [0.0, 0.2, 0.5],
        "LEXICAL_SHARE": [0.0, 0.01, 0.02, 0.04], "COVERAGE_WEIGHT": [0.0, 0.01, 0.02],
        "HEADING_WEIGHT": [0.0, 0.01]}


def main() -> int:
    from assistant import Assistant

    a = Assistant()
    cases = [c for f in ("questions.jsonl", "holdout.jsonl") for c in load_cases(HERE / f) if c.answerable]
    real, memo = a.engine._dense, {}
    a.engine._dense = lambda text, n: memo.setdefault((text, n), real(text, n))
    queries = [(c, a.lexical.analyze(c.one_line)) for c in cases]
    results = []
    for values in itertools.product(*GRID.values()):
        for name, v in zip(GRID, values):
            setattr(T, name, v)
        hits = sum(a.engine.rank(q, 3, c.one_line).hits[0].chunk.heading in c.sections for c, q in queries)
        results.append((hits / len(queries), dict(zip(GRID, values))))
    results.sort(key=lambda r: -r[0])
    for share, combo in results[:15]:
        print(f"{100 * share:.1f} %", combo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
