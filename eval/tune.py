"""Grid-search the ranking weights of assistant/tuning.py on the development sets: `python -m eval.tune`.

Prints hit@1 (the top section is an expected one) over the answerable cases of eval/questions.jsonl
and eval/holdout.jsonl for each combination, best first; it changes nothing. Each question's
signals per chunk (example and passage similarity, BM25, coverage) are computed once; only the
weighted sum is re-run per combination. Never point it at a blind set.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from assistant.settings import offline_environment

offline_environment()

from .cases import load_cases  # noqa: E402

HERE = Path(__file__).parent
GRID = {"EXAMPLES_PER_SECTION": [1, 2, 3], "PASSAGE_SHARE": [0.0, 0.1, 0.2, 0.4],
        "LEXICAL_SHARE": [0.0, 0.01, 0.02, 0.04, 0.08], "COVERAGE_WEIGHT": [0.0, 0.01, 0.02, 0.04, 0.08],
        "HEADING_WEIGHT": [0.0, 0.01, 0.02]}


def signals(a, case):
    """Per chunk: example similarity for 1..3 best examples, passage, BM25 share, coverage, heading."""
    from assistant.retrieval import mean_best

    e = a.engine
    query = a.lexical.analyze(case.one_line)
    lex = a.lexical.scores(query)
    vector, found = e._dense(case.one_line, 80)
    passage, by_section = {}, {}
    for item, sim, meta in found:
        if item in e.position:
            passage[e.position[item]] = sim
        elif meta.get("heading"):
            by_section.setdefault((meta["source"], meta["heading"]), []).append(sim)
    floor = min((s for _, s, m in found if m.get("kind") == "example"), default=0.0)
    pfloor = min((s for _, s, m in found if m.get("kind") != "example"), default=0.0)
    rows = []
    for i, c in enumerate(a.chunks):
        sims = by_section.get((c.source, c.heading), [])
        ex = [mean_best(sims, n) if sims else floor for n in (1, 2, 3)]
        best = float(lex.max()) or 1.0
        rows.append(ex + [passage.get(i, pfloor), float(lex[i]) / best,
                          a.lexical.coverage(query, a.lexical.doc_sets[i]),
                          a.lexical.coverage(query, e.heading_terms(i), generic=True)])
    right = np.array([c.heading in case.sections for c in a.chunks])
    return np.array(rows), right


def main() -> int:
    from assistant import Assistant

    a = Assistant()
    files = sys.argv[1:] or ["questions.jsonl", "holdout.jsonl"]
    if any("blind" in f for f in files):
        print("eval.tune: never tune on a blind set.", file=sys.stderr)
        return 2
    cases = [c for f in files for c in load_cases(HERE / f) if c.answerable]
    data = [signals(a, c) for c in cases]
    results = []
    for n, ps, lx, cov, hd in itertools.product(*GRID.values()):
        hits = 0
        for rows, right in data:
            score = rows[:, n - 1] + ps * rows[:, 3] + lx * rows[:, 4] + cov * rows[:, 5] + hd * rows[:, 6]
            hits += bool(right[int(np.argmax(score))])
        results.append((hits / len(data), dict(zip(GRID, (n, ps, lx, cov, hd)))))
    results.sort(key=lambda r: -r[0])
    for share, combo in results[:8]:
        print(f"{100 * share:.1f} %", combo)
    from assistant import tuning as T

    n, ps, lx, cov, hd = (getattr(T, name) for name in GRID)
    hits = sum(bool(right[int(np.argmax(rows[:, n - 1] + ps * rows[:, 3] + lx * rows[:, 4] + cov * rows[:, 5]
                                        + hd * rows[:, 6]))]) for rows, right in data)
    print(f"assistant/tuning.py today ({a.embedder.name}): {100 * hits / len(data):.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
