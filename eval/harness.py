"""Cases + an Answerer -> Outcomes -> figures -> the gate.

    run = evaluate(cases, CliAnswerer())          # every case through `assistant ask --json`
    run.figures["overall"]["fact_accuracy"]       # 0..1
    gate(run.figures, load_thresholds(path))      # [] when every figure meets its threshold

Figures (each for "overall", "nb", "nn" and "en"):
- hit@1, hit@3, mrr: rank of the first expected section in the answerer's retrieval ranking
  (`rank_all`; for the assistant, `Assistant.search` over all chunks, headings deduplicated),
  over answerable cases. Without a ranking, the answer's cited sections in order are used.
- top_section: share of answerable cases answered with the first citation from an expected section.
- fact_accuracy: share of answerable cases answered (not abstained) where every fact regex
  matches the answer text and at least one cited quote.
- verbatim: share of all citations whose quote is the file text at its offsets (must be 1.0).
- abstain_precision / abstain_recall: positive class = "should abstain" (unanswerable cases).
- false_abstentions: answerable cases abstained on (a count; the rate is false_abstention_rate).
- latency_p50_ms / latency_p95_ms: `latency_ms` reported by the answerer.
Deliberately left out: statistical tests, LLM judging, partial credit for some facts.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.records import Answer
from assistant.settings import REPO_ROOT

from . import metrics as m
from .answerers import Answerer, EvalError
from .cases import LANGS, Case

__all__ = ["Outcome", "Run", "score", "evaluate", "summarize", "gate", "load_thresholds",
           "suggest_thresholds"]

GATED_MIN = ("hit@1", "hit@3", "mrr", "top_section", "fact_accuracy", "abstain_precision",
             "abstain_recall")


@dataclass(frozen=True)
class Outcome:
    id: str
    lang: str
    question: str
    answerable: bool
    expected: tuple[str, ...]
    abstained: bool
    reason: str
    answer: str
    cited: tuple[str, ...]  # cited sections, in order, each once
    ranking: tuple[str, ...]  # sections in retrieval order (hit@k, MRR)
    rank: int | None  # of the first expected section in `ranking`
    facts_missing: tuple[str, ...]
    citations: int
    citations_verbatim: int
    latency_ms: float
    problems: tuple[str, ...]  # what went wrong, as sentences; () when the case passed
    confidence: float = 0.0  # the decision's score (answer/decline), for the calibration plot
    quotes: tuple[tuple[str, str], ...] = ()  # (section, quote) of each citation, in order

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def _read(source: str, cache: dict) -> str:
    if source not in cache:
        path = Path(source) if Path(source).is_absolute() else REPO_ROOT / source
        try:
            cache[source] = path.read_text(encoding="utf-8")
        except OSError:
            cache[source] = ""  # an unreadable source: its citations are not verbatim
    return cache[source]


def score(case: Case, answer: Answer, ranking: Sequence[str] | None = None,
          files: dict | None = None) -> Outcome:
    """One case's Outcome. `ranking` None -> rank by the answer's cited sections."""
    files = {} if files is None else files
    cited = m.dedupe(c.section for c in answer.citations)
    ranking = tuple(cited if ranking is None else ranking)
    ok = sum(m.verbatim(_read(c.source, files), c.start, c.end, c.quote) for c in answer.citations)
    missing = (m.missing_facts(case.facts, answer.answer, [c.quote for c in answer.citations])
               if case.answerable and not answer.abstained else case.facts)
    probs = []
    if case.answerable:
        if answer.abstained:
            probs.append(f"abstained on an answerable question ({answer.reason})")
        else:
            if not cited or cited[0] not in case.sections:
                probs.append(f"top citation from {cited[0] if cited else 'nothing'!r}, expected "
                             + " or ".join(repr(s) for s in case.sections))
            probs += [f"fact /{f}/ missing from the answer or its quotes" for f in missing]
    elif not answer.abstained:
        probs.append(f"answered instead of abstaining (cited {cited[0] if cited else 'nothing'!r})")
    if ok < len(answer.citations):
        probs.append(f"{len(answer.citations) - ok} citation(s) not verbatim at their offsets")
    return Outcome(case.id, case.lang, case.question, case.answerable, case.sections,
                   answer.abstained, answer.reason, answer.answer, cited, ranking,
                   m.first_rank(ranking, case.sections) if case.answerable else None,
                   missing, len(answer.citations), ok, float(answer.latency_ms), tuple(probs),
                   float(answer.confidence or 0.0), tuple((c.section, c.quote) for c in answer.citations))


def summarize(outcomes: Sequence[Outcome]) -> dict:
    """The figures of one group of outcomes (see the module docstring)."""
    ans = [o for o in outcomes if o.answerable]
    should = [not o.answerable for o in outcomes]
    did = [o.abstained for o in outcomes]
    precision, recall = m.precision_recall(did, should)
    false_abst = sum(o.abstained for o in ans)
    lat = [o.latency_ms for o in outcomes]
    return {
        "cases": len(outcomes),
        "answerable": len(ans),
        "hit@1": m.mean([m.hit_at(o.rank, 1) for o in ans]),
        "hit@3": m.mean([m.hit_at(o.rank, 3) for o in ans]),
        "mrr": m.mean([m.reciprocal_rank(o.rank) for o in ans]),
        "top_section": m.mean([not o.abstained and bool(o.cited) and o.cited[0] in o.expected
                               for o in ans]),
        "fact_accuracy": m.mean([not o.abstained and not o.facts_missing for o in ans]),
        "verbatim": m.ratio(sum(o.citations_verbatim for o in outcomes),
                            sum(o.citations for o in outcomes)),
        "abstain_precision": precision,
        "abstain_recall": recall,
        "false_abstentions": false_abst,
        "false_abstention_rate": m.ratio(false_abst, len(ans)),
        "latency_p50_ms": m.percentile(lat, 50),
        "latency_p95_ms": m.percentile(lat, 95),
        "passed": sum(o.passed for o in outcomes),
    }


def figures_by_lang(outcomes: Sequence[Outcome]) -> dict:
    """{"overall": {...}, "nb": {...}, "nn": {...}, "en": {...}}"""
    out = {"overall": summarize(outcomes)}
    for lang in LANGS:
        group = [o for o in outcomes if o.lang == lang]
        if group:
            out[lang] = summarize(group)
    return out


@dataclass(frozen=True)
class Run:
    name: str
    outcomes: tuple[Outcome, ...]
    figures: dict
    seconds: float


def evaluate(cases: Sequence[Case], answerer: Answerer) -> Run:
    """Every case through `answerer` (one batch), scored."""
    started = time.perf_counter()
    questions = [c.one_line for c in cases]
    answers = answerer.answer_all(questions)
    if len(answers) != len(cases):
        raise EvalError(f"{answerer.name} returned {len(answers)} answers for {len(cases)} questions.")
    rankings = answerer.rank_all(questions) or [None] * len(cases)
    files: dict = {}
    outcomes = tuple(score(c, a, r, files) for c, a, r in zip(cases, answers, rankings))
    return Run(answerer.name, outcomes, figures_by_lang(outcomes), time.perf_counter() - started)


def load_thresholds(path: Path) -> dict:
    """{"overall": {"min": {"hit@1": 0.8, ...}, "max": {"latency_p95_ms": 200, ...}}, "nb": ...}"""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"Cannot read the thresholds file {path} ({exc}); it must be JSON like "
                        '{"overall": {"min": {"hit@1": 0.8}, "max": {"latency_p95_ms": 200}}}.') from exc
    return {k: v for k, v in data.items() if not k.startswith("_")}


def gate(figures: dict, thresholds: dict) -> list[str]:
    """Every figure that misses its threshold, as a line; [] when all are met.

    gate({"overall": {"hit@1": 0.7}}, {"overall": {"min": {"hit@1": 0.8}}})
        -> ["overall: hit@1 = 0.700, below the minimum 0.800"]
    A figure that could not be measured (None, or a group with no cases) fails too.
    """
    out = []
    for group, limits in thresholds.items():
        got = figures.get(group, {})
        for kind, sign in (("min", 1), ("max", -1)):
            for name, limit in (limits.get(kind) or {}).items():
                value = got.get(name)
                if value is None:
                    out.append(f"{group}: {name} could not be measured (no cases for it)")
                elif sign * (value - limit) < -1e-9:
                    word = "below the minimum" if kind == "min" else "above the maximum"
                    out.append(f"{group}: {name} = {value:.3f}, {word} {limit:.3f}")
    return out


def suggest_thresholds(figures: dict) -> dict:
    """Thresholds at today's figures: shares rounded down to whole percents, verbatim fixed at
    1.0, the false-abstention rate rounded up, and (overall only) twice today's p95 latency
    rounded up to 50 ms and at least 1000 ms: under load (a test run beside it) p95 moves
    from 25 to 600 ms, so this only catches gross regressions; bench/ measures latency properly.

    suggest_thresholds({"overall": {"hit@1": 0.7254, "false_abstention_rate": 0.2676,
                                    "latency_p95_ms": 23.1}})
      -> {"overall": {"min": {"hit@1": 0.72, "verbatim": 1.0},
                      "max": {"false_abstention_rate": 0.27, "latency_p95_ms": 1000}}}
    """
    out = {}
    for group, f in figures.items():
        mins = {k: math.floor(f[k] * 100 + 1e-9) / 100 for k in GATED_MIN if f.get(k) is not None}
        mins["verbatim"] = 1.0
        maxs = {}
        if f.get("false_abstention_rate") is not None:
            maxs["false_abstention_rate"] = math.ceil(f["false_abstention_rate"] * 100 - 1e-9) / 100
        if group == "overall" and f.get("latency_p95_ms") is not None:
            maxs["latency_p95_ms"] = max(1000, 50 * math.ceil(2 * f["latency_p95_ms"] / 50))
        out[group] = {"min": mins, "max": maxs}
    return out
