"""python -m eval: run the question set, write the reports, exit 1 below the thresholds.

    python -m eval                     assistant (via `assistant ask --json`) + LangChain baseline
    python -m eval --no-baseline       only the assistant (faster)
    python -m eval --cases eval/holdout.jsonl --out /tmp/holdout --no-baseline --no-gate
                                       another question file (here the held-out set; its report
                                       goes elsewhere so eval/report.md stays the main set's)

Exit codes: 0 all thresholds met, 1 a figure below its threshold, 2 the eval could not run
(bad question file, the assistant crashed); the reason is printed as one line.
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
from eval.cases import CaseError, load_cases, problems  # noqa: E402
from eval.harness import evaluate, gate, load_thresholds, suggest_thresholds  # noqa: E402
from eval.report import summary_table, write_json, write_markdown  # noqa: E402


def _guidance(corpus_dir: Path | None = None) -> tuple[str, set[str]]:
    from assistant.corpus import load_documents, load_sections
    from assistant.settings import Settings

    docs = load_documents(corpus_dir or Settings.from_env().corpus_dir)
    return "\n\n".join(d.text for d in docs), {s.heading for s in load_sections(docs)}


def main(argv: list[str] | None = None, answerer: Answerer | None = None,
         baseline: Answerer | None = None) -> int:
    """The CLI; `answerer`/`baseline` can be handed in (tests inject a MockAnswerer)."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=QUESTIONS, help="the question file (JSON Lines)")
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS)
    parser.add_argument("--out", type=Path, default=HERE, help="where report.md/report.json go")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline")
    parser.add_argument("--no-gate", action="store_true",
                        help="report figures below threshold but exit 0 (for the held-out set)")
    parser.add_argument("--suggest-thresholds", action="store_true",
                        help="print thresholds at today's figures (JSON) instead of gating")
    parser.add_argument("--citation-ranks", action="store_true",
                        help="rank sections by the answer's citations, not the retriever")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    # quieten the libraries, not every handler (pytest's capture handler too)
    for noisy in ("sentence_transformers", "chromadb", "transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        cases = load_cases(args.cases)
        text, headings = _guidance()
        # size and coverage rules are for the main set; other files (a held-out set) are checked case by case
        bad = problems(cases, text, headings, complete=args.cases.resolve() == QUESTIONS)
        if bad:
            print(f"eval: {args.cases} has {len(bad)} problem(s):", *bad, sep="\n  ", file=sys.stderr)
            return 2
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
    args.out.mkdir(parents=True, exist_ok=True)
    write_markdown(args.out / "report.md", ours, base, thresholds, breaches, seconds)
    write_json(args.out / "report.json", ours, base, thresholds, breaches, seconds)
    print(summary_table(ours, base))
    spent = f"assistant {ours.seconds:.1f} s" + (f", baseline {base.seconds:.1f} s" if base else "")
    print(f"\n{len(cases)} cases in {seconds:.1f} s ({spent}); report: {args.out / 'report.md'}")
    if args.suggest_thresholds:
        import json

        print(json.dumps(suggest_thresholds(ours.figures), indent=1))
        return 0
    if breaches:
        print("GATE FAILED:" if not args.no_gate else "Below threshold (not gated):", *breaches, sep="\n  ")
        return 0 if args.no_gate else 1
    print("Gate passed: every figure meets eval/thresholds.json.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
