"""Our assistant next to the textbook LangChain pipeline, same machine, same questions.

Both answer eval/questions.jsonl in this process and are scored by eval's own harness
(`evaluate`), so accuracy means exactly what `python -m eval` means; latency is each answerer's
own `latency_ms` per question (ours: the whole `ask`; the baseline: its Chroma search).

    ours, base = compare()          # two eval Runs
    ratios(ours, base)["latency_p50_ms"] -> 1.8   # ours / baseline
Deliberately left out: the CLI subprocess path (python -m eval measures that one).
"""

from __future__ import annotations

from collections.abc import Sequence

from eval import QUESTIONS, Answerer, Run, evaluate, load_cases

FIGURES = ("latency_p50_ms", "latency_p95_ms", "fact_accuracy", "hit@1", "top_section")


class InProcessAnswerer(Answerer):
    """An Assistant in this process as an eval Answerer (ranks with `search`, like CliAnswerer)."""

    name = "assistant"

    def __init__(self, assistant):
        self.assistant = assistant

    def answer_all(self, questions: Sequence[str]):
        return [self.assistant.ask(q) for q in questions]

    def rank_all(self, questions: Sequence[str]):
        k = len(self.assistant.chunks)
        return [tuple(dict.fromkeys(h.chunk.heading for h in self.assistant.search(q, k=k)))
                for q in questions]


def compare(assistant) -> tuple[Run, Run]:
    from eval.baseline import LangChainBaseline

    from .stats import WARM_UP

    from assistant import tuning

    tuning.QUERY_CACHE = 0  # time the model on every question, never the embedding cache
    cases = load_cases(QUESTIONS)
    ours = InProcessAnswerer(assistant)
    # warm-up, as for the baseline's first query; never the timed questions (embeddings are cached)
    ours.answer_all(list(WARM_UP))
    ours_run = evaluate(cases, ours)
    baseline = LangChainBaseline()
    try:
        base_run = evaluate(cases, baseline)
    finally:
        baseline.close()
    return ours_run, base_run


def ratios(ours: Run, base: Run) -> dict[str, float | None]:
    """ours / baseline for each figure in FIGURES (None when the baseline's is 0 or missing)."""
    a, b = ours.figures["overall"], base.figures["overall"]
    return {f: (a[f] / b[f] if a.get(f) is not None and b.get(f) else None) for f in FIGURES}
