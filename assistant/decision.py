"""Answer or decline: calibrated signals about one question part -> one score and its reason.

    Decision.load().decide(signals) -> Verdict(answer=True, score=0.91, reason="answered")

The signals (`Signals`), each measured on the part's best section:
- example:   similarity to the section's example questions (or, for a section without any, its
             documents-only ranking score: its passage, its closest sentence and its words)
- margin:    how far that section stands above the runner-up section (by their closest example
             questions; documents only, by their ranking scores)
- out_of_scope: similarity to the nearest out-of-scope example, minus `example`
- passage:   similarity to the section's own text
- coverage:  idf-weighted share of the question's words the section holds
- missing:   topic words the guidance and its examples lack, each weighted by how rare it is in
             general language (wordfreq): an everyday word never vetoes, a register, year or
             service the guidance lacks does
- oos_share: the share of out-of-scope examples among the ten nearest example questions
- oos_words: topic words only the out-of-scope examples use ("rabatt", "minnepinne"), weighted
             as `missing` is: a subject the guidance has been seen not to answer
- oos_named: `out_of_scope` again, but only when the question names what makes that example out
             of scope ("kor lang tid tek det" is close to "kor lang tid tek ei klage" without
             asking about a complaint); 0 otherwise
- share:     the share of the section's own among the ten nearest example questions (a vote of
             the neighbours: a real question sits among its section's examples, a near-miss among
             several sections' and out-of-scope ones); 0 documents only
A logistic model turns them into a score (the fitted probability that answering is right); the
threshold is the one that was best on the development sets. Weights and threshold live in
assistant/data/decision.json, written by `python -m eval.fit` (never from a blind set): one model
with example questions, from eval/questions.jsonl, eval/holdout.jsonl, eval/dev2.jsonl and
eval/dev3.jsonl (556 questions, 161 must-decline), and one for documents only, from every
development set (1,563 questions: its threshold was unstable on 556). A subject the
glossary marks as outside the guidance always declines, and so does a question for a kind of fact
(how many, what percentage, how often, what it costs, how long, in which language) that the section
does not hold (asked_for.py).
Deliberately left out: per-language models (too few cases per language to fit them apart).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
FEATURES = ("example", "margin", "out_of_scope", "passage", "coverage", "missing", "oos_share", "oos_words",
            "oos_named", "share")
PATH = Path(__file__).parent / "data" / "decision.json"
MARGIN = FEATURES.index("margin")
SHARE = FEATURES.index("share")


@dataclass(frozen=True)
class Signals:
    example: float
    margin: float
    out_of_scope: float
    passage: float
    coverage: float
    missing: float
    oos_share: float = 0.0
    oos_words: float = 0.0
    oos_named: float = 0.0
    share: float = 0.0
    off_topic: bool = False
    kind_missing: bool = False  # it asks for a kind of fact (a number, a price, a span of time, a language) the section does not hold (asked_for.py)
    margin_known: bool = True  # False: no margin can be measured (the model counts its fitted mean)
    share_known: bool = True  # False: the section has no example questions to vote (its fitted mean counts)

    def vector(self) -> list[float]:
        return [float(getattr(self, f)) for f in FEATURES]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    answer: bool
    score: float
    reason: str  # answered | not_covered | off_topic


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def score(self, s: Signals) -> float:
        """The fitted probability that answering is right (0..1)."""
        x = s.vector()
        if not s.margin_known:
            x[MARGIN] = self.mean[MARGIN]
        if not s.share_known:
            x[SHARE] = self.mean[SHARE]
        z = self.bias + sum(w * (v - m) / sc for w, v, m, sc in zip(self.weights, x, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, d: dict) -> "Model":
        return cls(tuple(d["weights"]), float(d["bias"]), tuple(d["mean"]), tuple(d["scale"]),
                   float(d["threshold"]))


# Before any fit: answer when the lexical coverage is at least half, as the first version did.
FALLBACK = Model((0, 0, 0, 0, 10.0, 0, 0, 0, 0, 0), -5.0, (0,) * len(FEATURES), (1,) * len(FEATURES), 0.5)


class Decision:
    def __init__(self, models: dict[str, Model], threshold: float | None = None):
        self.models = models
        self.override = threshold

    @classmethod
    def load(cls, path: Path = PATH, threshold: float | None = None, embedder: str | None = None) -> "Decision":
        """The fitted models; for another embedding model than they were fitted with (similarities
        on another scale), or a fit over other signals than today's, the coverage rule FALLBACK
        instead, with a warning to refit."""
        models = _models(str(path))
        if any(len(m.weights) != len(FEATURES) for m in models.values()):
            log.warning("The answer/decline decision in %s was fitted on other signals than %s: using "
                        "the coverage rule instead. Refit it with `python -m eval.fit`.", path, ", ".join(FEATURES))
            models = {}
        fitted_for = _fitted_for(str(path))
        if embedder is not None and fitted_for and embedder != fitted_for:
            log.warning("The answer/decline decision was fitted for %s, not %s: using the coverage "
                        "rule instead. Refit it with `python -m eval.fit`.", fitted_for, embedder)
            models = {}
        return cls(models, threshold)

    def model(self, with_examples: bool) -> Model:
        return self.models.get("with_examples" if with_examples else "documents_only", FALLBACK)

    def decide(self, s: Signals, with_examples: bool = True, lexical_only: bool = False) -> Verdict:
        """`lexical_only`: the vector store is away, so only the coverage rule can judge."""
        if s.off_topic:
            return Verdict(False, 0.0, "off_topic")
        if s.kind_missing:
            return Verdict(False, 0.0, "not_covered")
        m = FALLBACK if lexical_only else self.model(with_examples)
        score = m.score(s)
        threshold = m.threshold if self.override is None or lexical_only else self.override
        return Verdict(score >= threshold, round(score, 4), "answered" if score >= threshold else "not_covered")


@lru_cache(maxsize=4)
def _fitted_for(path: str) -> str:
    try:
        return str(json.loads(Path(path).read_text(encoding="utf-8")).get("embedder", ""))
    except (OSError, ValueError, AttributeError):
        return ""


@lru_cache(maxsize=4)
def _models(path: str) -> dict[str, Model]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: Model.from_dict(v) for k, v in data.items() if isinstance(v, dict) and "weights" in v}


def fit(rows: list[tuple[list[float], int]], steps: int = 3000, l2: float = 0.01) -> Model:
    """Logistic regression by gradient descent on standardised features; threshold left at 0.5.

    fit([([0, 0, 0, 0, 1, 0], 1), ([0, 0, 0, 0, 0, 0], 0)]).score(...) rises with coverage.
    """
    import numpy as np

    X = np.array([r for r, _ in rows], dtype=float)
    y = np.array([t for _, t in rows], dtype=float)
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        w -= 0.1 * (Z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.1 * float(np.mean(p - y))
    return Model(tuple(map(float, w)), float(b), tuple(map(float, mean)), tuple(map(float, scale)), 0.5)
