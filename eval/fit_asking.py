"""Fit the model that hears which e-mail sentences ask: `python -m eval.fit_asking`.

A logistic regression over each labelled sentence's multilingual-e5 vector (assistant/asking.py),
fitted on eval/asking/set1 … set4 and review.jsonl; set5 stays held out and is only reported.
`--choose` repeats the choice of the regularisation and the threshold: fitted on set1 … set3 and
review, each setting is scored on set4 by the sentences found minus twice the false alarms (a
statement answered as a question costs more than a question left for staff), together with the
patterns as assistant/asking.py combines them. Writes assistant/data/asking.json.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.settings import REPO_ROOT, offline_environment

offline_environment()

import numpy as np  # noqa: E402

from assistant.asking import PATH, AskingModel  # noqa: E402

FOLDER = REPO_ROOT / "eval" / "asking"
TRAIN = ("set1", "set2", "set3", "set4", "review")
CHOOSE_ON = "set4"
HELD_OUT = "set5"
C, HIGH = 100.0, 0.9  # chosen by --choose, the best utility on set4 (found 154 -> 186 of 200, false alarms
# 9 -> 12 of 160) with the model as first combined; with the final combine (which sentences are judged, who says
# who they are) the grid puts 0.95 one point above it (163 against 162): a tie, left as chosen
GRID_C = (3.0, 10.0, 30.0, 100.0)
GRID_HIGH = (0.8, 0.85, 0.9, 0.95)


def load(name: str, embedder) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rows = [json.loads(line) for line in (FOLDER / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    texts = [r["text"] for r in rows]
    return np.asarray(embedder.embed_queries(texts)), np.array([bool(r["asks"]) for r in rows]), texts


def fit(X: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # installed with sentence-transformers

    m = LogisticRegression(C=c, max_iter=5000).fit(X, y)
    return m.coef_[0].astype(np.float32), float(m.intercept_[0])


def score(model: AskingModel, X: np.ndarray, y: np.ndarray, texts: list[str]) -> tuple[int, int, int, int]:
    """(found by the patterns, their false alarms, found together, their false alarms)."""
    from assistant.mail import find_asked

    judged = AskingModel(model.weights, model.bias, model.high, _Embedded(dict(zip(texts, X)), model.embedder))
    regex = np.array([bool(find_asked(t)[0]) for t in texts])
    both = np.array([bool(find_asked(t, judged)[0]) for t in texts])
    return int(regex[y].sum()), int(regex[~y].sum()), int(both[y].sum()), int(both[~y].sum())


class _Embedded:
    """The embedder, with the labelled sentences' vectors already at hand (the grid embeds each once)."""

    def __init__(self, vectors: dict[str, np.ndarray], embedder):
        self.vectors, self.embedder = vectors, embedder

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] if t in self.vectors else self.embedder.embed_queries([t])[0]
                         for t in texts])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choose", action="store_true", help="score the grid on set4 (fitted without it)")
    args = parser.parse_args(argv)
    from assistant.embedding import load_embedder

    embedder = load_embedder("")
    data = {name: load(name, embedder) for name in (*TRAIN, HELD_OUT)}
    if args.choose:
        rest = [n for n in TRAIN if n != CHOOSE_ON]
        X, y = np.vstack([data[n][0] for n in rest]), np.concatenate([data[n][1] for n in rest])
        for c in GRID_C:
            w, b = fit(X, y, c)
            for high in GRID_HIGH:
                f0, a0, f1, a1 = score(AskingModel(w, b, high, embedder), *data[CHOOSE_ON])
                print(f"C={c:g} high={high}: {CHOOSE_ON} found {f0} -> {f1}, false alarms {a0} -> {a1}, "
                      f"utility {f1 - 2 * a1}")
    X, y = np.vstack([data[n][0] for n in TRAIN]), np.concatenate([data[n][1] for n in TRAIN])
    w, b = fit(X, y, C)
    model = AskingModel(w, b, HIGH, embedder)
    f0, a0, f1, a1 = score(model, *data[HELD_OUT])
    positives = int(data[HELD_OUT][1].sum())
    negatives = len(data[HELD_OUT][1]) - positives
    out = {"embedder": embedder.name, "trained_on": list(TRAIN), "C": C, "high": HIGH,
           "held_out": {HELD_OUT: {"patterns": [f0, a0], "with_model": [f1, a1], "asking": positives,
                                   "not_asking": negatives}},
           "bias": round(b, 6), "weights": [round(float(v), 6) for v in w]}
    PATH.write_text(json.dumps(out) + "\n", encoding="utf-8")
    print(f"{HELD_OUT} (held out): found {f0} -> {f1} of {positives}, false alarms {a0} -> {a1} of {negatives}; "
          f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
