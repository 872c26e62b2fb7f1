"""python -m eval: run the question set, write the reports, exit 1 below the thresholds.

    python -m eval                     assistant (via `assistant ask --json`) + LangChain baseline
    python -m eval --no-baseline       only the assistant (faster)
    python -m eval --cases eval/holdout.jsonl --out /tmp/holdout --no-baseline --no-gate
                                       another question file (here the held-out set; its report
                                       goes elsewhere so eval/report.md stays the main set's)

    python -m eval --junit eval-junit.xml   also one JUnit test case per eval case (for CI)
    python -m eval --history eval-history.csv   also append one row of figures to a CSV
                                       (or set EVAL_HISTORY; opt-in: the file is yours to keep)
    python -m eval --mark-checked      record today's guidance as the one the cases were checked
                                       against (eval/checked.json) after reviewing them; no run

Exit codes: 0 all thresholds met, 1 a figure below its threshold, 2 the eval could not run
(bad question file, the assistant crashed), 3 the guidance changed under the cases (stale
cases, or a section no case covers any more): review the question file, then --mark-checked.
The reason is printed as one line. Reports: report.md, report.json, report.html in --out.
"""

from __future__ import annotations

import os

# set before anything heavy is imported (eval/__init__ sets them too; this is the entry point)
for _name, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                      "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                      "ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(_name, _value)

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from assistant.errors import AssistantError  # noqa: E402
from eval import HERE, QUESTIONS, THRESHOLDS  # noqa: E402
from eval.answerers import Answerer, CliAnswerer, EvalError  # noqa: E402
from eval.cases import CaseError, load_cases  # noqa: E402
from eval.checked import Review, corpus_hash, load_checked, triage, write_checked  # noqa: E402
from eval.harness import evaluate, gate, load_thresholds, suggest_thresholds  # noqa: E402
from eval.report import review_lines, summary_table, write_json, write_markdown  # noqa: E402

CHECKED = HERE / "checked.json"
# the question files written against the guidance; --mark-checked vouches for all of them
# (the blind set is never edited, so it is not among them)
CASE_FILES = (QUESTIONS, HERE / "holdout.jsonl", HERE / "dev2.jsonl", HERE / "dev3.jsonl")


def _guidance(corpus_dir: Path | None = None):
    """Today's documents and their sections."""
    from assistant.corpus import load_documents, load_sections
    from assistant.settings import Settings

    docs = load_documents(corpus_dir or Settings.from_env().corpus_dir)
    return docs, load_sections(docs)


def _threshold() -> float | None:
    """The decision's answer/decline threshold in force (for the calibration plot)."""
    try:
        from assistant.decision import Decision
        from assistant.settings import Settings

        override = Settings.from_env().min_confidence
        return override if override is not None else Decision.load().model(True).threshold
    except (AssistantError, OSError, ValueError):
        return None


def _mark_checked(path: Path, docs, sections) -> int:
    """Vouch for today's guidance: only when no question file has a stale case or a mistake."""
    checked = load_checked(path)
    for file in CASE_FILES:
        if not file.exists():
            continue
        review = triage(load_cases(file), docs, sections, checked, complete=file == QUESTIONS)
        if review.problems:
            print(f"eval: {file} has {len(review.problems)} problem(s):", *review.problems,
                  sep="\n  ", file=sys.stderr)
            return 2
        if review.needs_review:
            print(*review_lines(review), sep="\n")
            print(f"eval: {file} still has stale cases or uncovered sections; fix them, then run "
                  "this again.", file=sys.stderr)
            return 3
    if checked is not None and checked.corpus == corpus_hash(docs):
        print(f"{path} already records today's guidance ({checked.checked_at}); nothing to change.")
        return 0
    new = write_checked(path, docs, sections)
    print(f"{path} now records the guidance of {new.checked_at} (corpus {new.corpus[:12]}); commit it.")
    return 0


def main(argv: list[str] | None = None, answerer: Answerer | None = None,
         baseline: Answerer | None = None) -> int:
    """The CLI; `answerer`/`baseline` can be handed in (tests inject a MockAnswerer)."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=QUESTIONS, help="the question file (JSON Lines)")
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS)
    parser.add_argument("--out", type=Path, default=HERE, help="where report.md/.json/.html go")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline")
    parser.add_argument("--no-gate", action="store_true",
                        help="report figures below threshold but exit 0 (for the held-out set)")
    parser.add_argument("--suggest-thresholds", action="store_true",
                        help="print thresholds at today's figures (JSON) instead of gating")
    parser.add_argument("--citation-ranks", action="store_true",
                        help="rank sections by the answer's citations, not the retriever")
    parser.add_argument("--checked", type=Path, default=CHECKED,
                        help="the guidance the cases were last checked against (JSON)")
    parser.add_argument("--mark-checked", action="store_true",
                        help="record today's guidance as checked (after reviewing the cases); no run")
    parser.add_argument("--junit", type=Path, help="also write JUnit XML, one test case per eval case")
    parser.add_argument("--history", type=Path, default=os.environ.get("EVAL_HISTORY") or None,
                        help="append one row of figures to this CSV (default: $EVAL_HISTORY; off)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    # quieten the libraries, not every handler (pytest's capture handler too)
    for noisy in ("sentence_transformers", "chromadb", "transformers", "httpx", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        docs, sections = _guidance()
        if args.mark_checked:
            return _mark_checked(args.checked, docs, sections)
        cases = load_cases(args.cases)
        # size and coverage rules are for the main set; other files (a held-out set) are checked case by case
        review = triage(cases, docs, sections, load_checked(args.checked),
                        complete=args.cases.resolve() == QUESTIONS)
        if review.problems:
            print(f"eval: {args.cases} has {len(review.problems)} problem(s):", *review.problems,
                  sep="\n  ", file=sys.stderr)
            return 2
        cases = [c for c in cases if c.id not in review.stale_ids]  # kept out of the figures
        thresholds = load_thresholds(args.thresholds)
        ours = evaluate(cases, answerer or CliAnswerer(retriever_ranks=not args.citation_ranks))
        base = None
        if baseline is not None or (answerer is None and not args.no_baseline):
            if baseline is None:
                from eval.baseline import LangChainBaseline

                own = LangChainBaseline()
                try:
                    base = evaluate(cases, own)
                finally:
                    own.close()  # removes its temp Chroma folder
            else:
                base = evaluate(cases, baseline)
    except (EvalError, CaseError, AssistantError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    breaches = gate(ours.figures, thresholds)
    return _finish(args, ours, base, thresholds, breaches, seconds, review)


def _finish(args, ours, base, thresholds, breaches, seconds, review: Review) -> int:
    """Reports, JUnit, history; then the exit code."""
    from eval.history import append_row, read_rows
    from eval.html import write_html
    from eval.junit import write_junit

    args.out.mkdir(parents=True, exist_ok=True)
    name = args.cases.stem
    write_markdown(args.out / "report.md", ours, base, thresholds, breaches, seconds, review, args.cases)
    write_json(args.out / "report.json", ours, base, thresholds, breaches, seconds, review)
    try:
        if args.history:
            append_row(args.history, name, ours, base, breaches, review)
        history = read_rows(args.history) if args.history else []
        write_html(args.out / "report.html", ours, base, thresholds, breaches, seconds, review,
                   _threshold(), history, args.cases)
        if args.junit:
            write_junit(args.junit, name, ours, review)
    except OSError as exc:
        print(f"eval: cannot write a report ({exc}); check that the folder is writable.", file=sys.stderr)
        return 2
    print(summary_table(ours, base))
    spent = f"assistant {ours.seconds:.1f} s" + (f", baseline {base.seconds:.1f} s" if base else "")
    print(f"\n{len(ours.outcomes)} cases in {seconds:.1f} s ({spent}); report: {args.out / 'report.md'}, "
          f"{args.out / 'report.html'}")
    if review.changed or review.stale or review.uncovered:
        print("", *review_lines(review), sep="\n")
    if args.suggest_thresholds:
        import json

        print(json.dumps(suggest_thresholds(ours.figures), indent=1))
        return 0
    if breaches:
        print("GATE FAILED:" if not args.no_gate else "Below threshold (not gated):", *breaches, sep="\n  ")
    if review.needs_review:
        ids = ", ".join(dict.fromkeys(s.id for s in review.stale)) or "none"
        more = f"; sections not covered by any case: {', '.join(review.uncovered)}" if review.uncovered else ""
        print(f"eval: the guidance changed since {args.checked.name} ({review.checked.checked_at}): "
              f"{len(review.stale_ids)} stale case(s) kept out of the figures ({ids}){more}; review "
              f"{args.cases}, then run `make eval-checked`.", file=sys.stderr)
        return 3
    if breaches:
        return 0 if args.no_gate else 1
    print("Gate passed: every figure meets eval/thresholds.json.")
    if review.changed:
        print(f"The guidance changed since {args.checked.name} but no case went stale: record it "
              "with `make eval-checked` and commit the file.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
