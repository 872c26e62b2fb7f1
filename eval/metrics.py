"""Pure scoring helpers: ranks, hits, facts, abstention precision/recall, percentiles.

Every function takes plain values and returns plain values, so the tests can check them with
literals. A ratio over nothing is `None` (shown as "–"), never a made-up 0 or 1.

Deliberately left out: anything that runs a model or reads a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

__all__ = ["dedupe", "first_rank", "hit_at", "reciprocal_rank", "fact_found", "missing_facts",
           "verbatim", "ratio", "mean", "precision_recall", "percentile"]


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order, each once. ["Pris", "Pris", "Lovhjemmel"] -> ("Pris", "Lovhjemmel")"""
    return tuple(dict.fromkeys(items))


def first_rank(ranking: Sequence[str], expected: Iterable[str]) -> int | None:
    """1-based position of the first expected item, None when absent.

    first_rank(("Pris", "Lovhjemmel"), {"Lovhjemmel"}) -> 2
    """
    wanted = set(expected)
    for pos, item in enumerate(ranking, 1):
        if item in wanted:
            return pos
    return None


def hit_at(rank: int | None, k: int) -> bool:
    """hit_at(2, 3) -> True; hit_at(None, 3) -> False"""
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    """reciprocal_rank(4) -> 0.25; reciprocal_rank(None) -> 0.0"""
    return 1.0 / rank if rank else 0.0


def fact_found(pattern: str, text: str) -> bool:
    """Case-insensitive regex search. fact_found("nok 1100", "Pris per time NOK 1100,-") -> True"""
    return re.search(pattern, text, re.IGNORECASE) is not None


def missing_facts(facts: Iterable[str], answer: str, quotes: Iterable[str]) -> tuple[str, ...]:
    """The facts not found both in the answer text and in at least one cited quote.

    missing_facts(["1100", "60 dager"], "NOK 1100", ["NOK 1100"]) -> ("60 dager",)
    """
    quotes = list(quotes)
    return tuple(f for f in facts
                 if not (fact_found(f, answer) and any(fact_found(f, q) for q in quotes)))


def verbatim(text: str, start: int, end: int, quote: str) -> bool:
    """Does the file text hold `quote` exactly at [start:end]? verbatim("abcd", 1, 3, "bc") -> True"""
    return 0 <= start <= end <= len(text) and text[start:end] == quote


def ratio(num: float, den: float) -> float | None:
    """ratio(3, 4) -> 0.75; ratio(0, 0) -> None"""
    return num / den if den else None


def mean(values: Sequence[float]) -> float | None:
    """mean([1, 0, 0.5]) -> 0.5; mean([]) -> None"""
    return sum(values) / len(values) if values else None


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of the positive class (here: "abstained" vs "should abstain").

    precision_recall([True, True, False, False], [True, False, True, False]) -> (0.5, 0.5)
    """
    tp = sum(p and a for p, a in zip(predicted, actual))
    return ratio(tp, sum(predicted)), ratio(tp, sum(actual))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks, as numpy's default.

    percentile([10, 20, 30, 40], 50) -> 25.0; percentile([10, 20, 30, 40], 95) -> 38.5
    """
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
