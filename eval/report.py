"""Runs -> eval/report.md (for people), eval/report.json (every case) and a stdout summary.

The plots are in eval/report.html (html.py); the CSV of past runs is history.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

from .cases import LANGS
from .harness import Run

__all__ = ["write_markdown", "write_json", "summary_table", "fmt", "review_lines"]

ROWS = [  # (figure, label, kind) kind: share | count | ms
    ("hit@1", "retrieval hit@1", "share"),
    ("hit@3", "retrieval hit@3", "share"),
    ("mrr", "retrieval MRR", "share"),
    ("top_section", "top citation in expected section", "share"),
    ("fact_accuracy", "fact accuracy (answerable)", "share"),
    ("verbatim", "citations verbatim at offsets", "share"),
    ("abstain_precision", "abstention precision", "share"),
    ("abstain_recall", "abstention recall", "share"),
    ("false_abstentions", "answerable cases abstained on", "count"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
    ("passed", "cases passed", "count"),
    ("cases", "cases", "count"),
]
KIND = {name: kind for name, _, kind in ROWS}


def fmt(value, kind: str = "share") -> str:
    """fmt(0.8571) -> "85.7 %"; fmt(None) -> "–"; fmt(12.345, "ms") -> "12.3" """
    if value is None:
        return "–"
    if kind == "share":
        return f"{100 * value:.1f} %"
    if kind == "ms":
        return f"{value:.1f}"
    return str(value)


def _limit(thresholds: dict, group: str, name: str) -> str:
    limits = thresholds.get(group, {})
    if name in (limits.get("min") or {}):
        return "≥ " + fmt(limits["min"][name], KIND.get(name, "share"))
    if name in (limits.get("max") or {}):
        return "≤ " + fmt(limits["max"][name], KIND.get(name, "share"))
    return ""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def summary_table(ours: Run, base: Run | None) -> str:
    """A fixed-width table for the terminal: figures per language, ours/baseline."""
    groups = [g for g in ("overall", *LANGS) if g in ours.figures]
    head = f"{'':<34}" + "".join(f"{g:>19}" for g in groups)
    lines = [head, f"{'(assistant / baseline)':<34}" + "".join(f"{'ours / base':>19}" for _ in groups)]
    for name, label, kind in ROWS:
        cells = []
        for g in groups:
            a = fmt(ours.figures[g].get(name), kind)
            b = fmt(base.figures.get(g, {}).get(name), kind) if base else ""
            cells.append(f"{a + (' / ' + b if base else ''):>19}")
        lines.append(f"{label[:33]:<34}" + "".join(cells))
    return "\n".join(lines)


def _excerpt(text: str, n: int = 160) -> str:
    one = " ".join(text.split()).replace("|", "\\|")
    return one if len(one) <= n else one[: n - 1] + "…"


def review_lines(review) -> list[str]:
    """What changed in the guidance since the cases were checked, stale cases, uncovered sections.

    The section list is corpus_diff.describe(): the same lines `assistant index` prints.
    """
    from assistant.corpus_diff import describe

    out = []
    if review.checked is None:
        out.append("No eval/checked.json: run `make eval-checked` to record the guidance the cases were checked against.")
    elif review.changed:
        out += [f"The guidance changed since the cases were checked ({review.checked.checked_at}):",
                *describe(list(review.changes))]
    else:
        out.append(f"The guidance is the one the cases were checked against ({review.checked.checked_at}).")
    if review.stale:
        out.append(f"Stale cases ({len(review.stale_ids)}), kept out of the figures: the fact was in the "
                   "checked guidance and is gone from today's:")
        out += [f"  {s.id}: /{s.fact}/ from the section {s.section!r}" for s in review.stale]
    if review.uncovered:
        out.append("Sections not covered by any case: " + ", ".join(repr(h) for h in review.uncovered))
    return out


def write_markdown(path: Path, ours: Run, base: Run | None, thresholds: dict,
                   breaches: Sequence[str], seconds: float, review=None, cases: Path | None = None) -> None:
    groups = [g for g in ("overall", *LANGS) if g in ours.figures]
    f = ours.figures["overall"]
    out = ["# Evaluation report", "",
           f"{f['cases']} cases ({f['answerable']} answerable, {f['cases'] - f['answerable']} to "
           f"abstain on) from `{_shown(cases)}`, run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
           f"in {seconds:.0f} s with `python -m eval` (assistant {ours.seconds:.0f} s"
           + (f", baseline {base.seconds:.0f} s). " if base else "). ") +
           f"Gate: **{'PASSED' if not breaches else 'FAILED'}** (thresholds in `eval/thresholds.json`).", ""]
    if breaches:
        out += ["Below threshold:", ""] + [f"- {b}" for b in breaches] + [""]
    if review is not None and review.needs_review:
        out += [f"**The guidance changed under the cases:** {len(review.stale_ids)} stale case(s) kept "
                f"out of the figures; review `{_shown(cases)}`, then run `make eval-checked` "
                "(the run exits with code 3).", ""]
    if review is not None:
        out += ["## The guidance and the cases", "", "```", *review_lines(review), "```", ""]
    out += ["## Overall", ""]
    rows = []
    for name, label, kind in ROWS:
        b = fmt(base.figures["overall"].get(name), kind) if base else "–"
        rows.append([label, fmt(f.get(name), kind), b, _limit(thresholds, "overall", name)])
    out += _table(["figure", "assistant", "LangChain baseline", "threshold"], rows) + [""]
    out += ["## By language", ""]
    rows = []
    for name, label, kind in ROWS:
        row = [label]
        for g in groups[1:]:
            a = fmt(ours.figures[g].get(name), kind)
            b = fmt(base.figures.get(g, {}).get(name), kind) if base else "–"
            row.append(f"{a} / {b}")
        rows.append(row)
    out += _table(["figure (assistant / baseline)", *groups[1:]], rows) + [""]
    out += ["## Retrieval hit@1 by expected section", ""]
    by_sec: dict[str, list] = {}
    base_by_id = {o.id: o for o in base.outcomes} if base else {}
    for o in ours.outcomes:
        if o.answerable:
            by_sec.setdefault(o.expected[0], []).append(o)
    rows = []
    for sec, os_ in by_sec.items():
        ours_hit = sum(o.rank == 1 for o in os_)
        base_hit = sum(base_by_id[o.id].rank == 1 for o in os_) if base else 0
        rows.append([sec, str(len(os_)), f"{ours_hit}", f"{base_hit}" if base else "–"])
    out += _table(["first expected section", "cases", "assistant hit@1", "baseline hit@1"], rows) + [""]
    failed = [o for o in ours.outcomes if not o.passed]
    out += [f"## Failing cases ({len(failed)})", ""]
    if failed:
        rows = [[o.id, o.lang, _excerpt(o.question, 90), "; ".join(o.problems),
                 _excerpt(o.answer), o.cited[0] if o.cited else "–",
                 str(o.rank) if o.rank else "–"] for o in failed]
        out += _table(["id", "lang", "question", "what went wrong", "answer (excerpt)",
                       "top cited section", "retriever rank"], rows) + [""]
    else:
        out += ["None.", ""]
    if base:
        bf = sum(not o.passed for o in base.outcomes)
        out += [f"The LangChain baseline fails {bf} of {len(base.outcomes)} cases "
                "(every case in `eval/report.json`, key `baseline_cases`).", ""]
    out += ["## How the figures are computed", "",
            "- Retrieval (hit@1, hit@3, MRR) uses the retriever's ranking of sections "
            "(`Assistant.search` over all chunks, headings deduplicated; for the baseline, Chroma's "
            "ranking of its chunks mapped to headings), over answerable cases.",
            "- Fact accuracy: the case is answered and every fact regex matches both the answer "
            "text and at least one cited quote.",
            "- Abstention: positive class = should abstain; precision = right abstentions / all "
            "abstentions, recall = right abstentions / cases that should be abstained on.",
            "- The assistant is run as `python -m assistant ask --json` (JSON Lines), one process "
            "for all cases; latency is the `latency_ms` it reports.",
            "- The baseline: RecursiveCharacterTextSplitter(500, 50) + all-MiniLM-L6-v2 + Chroma, "
            "top-1 chunk as the answer, never abstaining.", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")


def _shown(cases: Path | None) -> str:
    from assistant.settings import REPO_ROOT

    if cases is None:
        return "eval/questions.jsonl"
    try:
        return str(Path(cases).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(cases)


def write_json(path: Path, ours: Run, base: Run | None, thresholds: dict,
               breaches: Sequence[str], seconds: float, review=None) -> None:
    from dataclasses import asdict

    data = {"seconds": round(seconds, 2), "gate_passed": not breaches, "breaches": list(breaches),
            "thresholds": thresholds, "figures": ours.figures,
            "baseline_figures": base.figures if base else None,
            "cases": [o.to_dict() for o in ours.outcomes],
            "baseline_cases": [o.to_dict() for o in base.outcomes] if base else None}
    if review is not None:
        data.update({"corpus": review.corpus, "corpus_changed": review.changed,
                     "checked_at": review.checked.checked_at if review.checked else None,
                     "corpus_changes": [asdict(c) for c in review.changes],
                     "stale_cases": [s.to_dict() for s in review.stale],
                     "not_covered": list(review.uncovered)})
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
