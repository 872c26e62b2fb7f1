"""Fit the answer/decline decision on the development set: `python -m eval.fit`.

Runs every case of eval/questions.jsonl, eval/holdout.jsonl and the development sets eval/dev2.jsonl
and eval/dev3.jsonl (written by helpers from the guidance alone: questions as applicants word them,
and many near-misses) through the real Assistant (in process), records each
question's decision signals and whether its best section is an expected one, fits a logistic
model (assistant/decision.py: fit) and picks the threshold with the best utility on the same
cases: +1 for a right answer or a right decline, 0 for a false decline, -2 for a wrong answer
(a confident wrong answer is worse than a decline). Twice: with the example questions and the
glossary, and on the documents alone; the documents-only model on every development set
(eval/dev5.jsonl to eval/dev8.jsonl too, 1,563 questions), because with only four live signals its
threshold moved from 0.67 to 0.53 on the four sets after a small change of the ranking, and on all
of them it stays put. Writes assistant/data/decision.json with the figures, and each model's sets.
Never give it a blind set: what it is fitted on is no longer a measurement.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from assistant.settings import REPO_ROOT, offline_environment

offline_environment()

from assistant.decision import FEATURES, PATH, fit  # noqa: E402

from .cases import load_cases  # noqa: E402

WRONG_COST = 2.0


def documents_only(corpus: Path, into: Path) -> Path:
    """A copy of the corpus folder with only the documents (and their .meta.json)."""
    into.mkdir(parents=True, exist_ok=True)
    for f in corpus.iterdir():
        if f.suffix in (".txt", ".md") or f.name.endswith(".meta.json"):
            shutil.copy2(f, into / f.name)
    return into


def collect(assistant, cases) -> list[tuple[list[float], int, bool, bool]]:
    """(signals, 1 if answering would be right, answerable, vetoed) per case; its best-scoring part
    counts. Vetoed: a rule declines it whatever the model says (an off-topic subject, a number the
    section does not hold): the model learns it as wrong to answer, and no threshold answers it."""
    rows = []
    for case in cases:
        trace: list = []
        assistant.ask(case.one_line, trace=trace)
        if not trace:
            rows.append(([0.0] * len(FEATURES), 0, case.answerable, True))
            continue
        sig, verdict, heading = max(trace, key=lambda t: t[1].score)
        vetoed = sig.off_topic or sig.kind_missing
        right = int(case.answerable and heading in case.sections and not vetoed)
        rows.append((sig.vector(), right, case.answerable, vetoed))
    return rows


def _shown(path: Path) -> str:
    """A case file as the decision file names it: relative to the repo, or as given from elsewhere."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def best_threshold(model, rows, wrong_cost: float = WRONG_COST) -> tuple[float, dict]:
    """The threshold with the best utility, and the figures at it."""
    from assistant.decision import Signals

    scored = [(-1.0 if v else model.score(Signals(*x)), y, a) for x, y, a, v in rows]  # a veto never answers
    best = None
    values = sorted({s for s, _, _ in scored})
    # midpoints between neighbouring scores: a threshold equal to a case's score would hang it on rounding
    for t in [(lo + hi) / 2 for lo, hi in zip(values, values[1:])] or [0.5]:
        right = sum(1 for s, y, a in scored if s >= t and y) + sum(1 for s, y, a in scored if s < t and not a)
        wrong = sum(1 for s, y, a in scored if s >= t and not y)
        utility = right - wrong_cost * wrong
        if best is None or utility > best[0]:
            best = (utility, t, right, wrong)
    _, t, right, wrong = best
    t = round(t, 4)
    return t, {"right": right, "wrong_answers": wrong, "cases": len(rows),
               "false_declines": sum(1 for s, y, a in scored if s < t and a)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, nargs="+",
                        help="the cases the model with example questions is fitted on (default: "
                             "eval/questions.jsonl, holdout.jsonl, dev2.jsonl, dev3.jsonl)")
    parser.add_argument("--documents-cases", type=Path, nargs="+",
                        help="the cases the documents-only model is fitted on (default: those and "
                             "eval/dev5.jsonl to dev8.jsonl)")
    parser.add_argument("--out", type=Path, default=PATH)
    parser.add_argument("--wrong-cost", type=float, default=WRONG_COST,
                        help=f"what a wrong answer costs against a right one (default {WRONG_COST})")
    parser.add_argument("--only", choices=("with_examples", "documents_only"),
                        help="refit this model only, keeping the other as --out has it")
    args = parser.parse_args(argv)
    for given, model in ((args.cases, "with_examples"), (args.documents_cases, "documents_only")):
        if given and args.only and args.only != model:
            flag = "--cases" if model == "with_examples" else "--documents-cases"
            print(f"eval.fit: {flag} names the {model} model's cases, which --only {args.only} does not fit.",
                  file=sys.stderr)
            return 2
    first = ("questions.jsonl", "holdout.jsonl", "dev2.jsonl", "dev3.jsonl")
    args.cases = args.cases or [REPO_ROOT / "eval" / name for name in first]
    args.documents_cases = args.documents_cases or [
        REPO_ROOT / "eval" / name for name in (*first, "dev5.jsonl", "dev6.jsonl", "dev7.jsonl", "dev8.jsonl")]
    if any("blind" in str(c) for c in (*args.cases, *args.documents_cases)):
        print("eval.fit: never fit on a blind set.", file=sys.stderr)
        return 2
    from assistant import Assistant
    from assistant.settings import Settings

    sets = {"with_examples": args.cases, "documents_only": args.documents_cases}
    out = {"_about": "Fitted by `python -m eval.fit`, each model on the case files its `sets` names (one kept by "
           "--only from an older fit may not name them); features: "
           + ", ".join(FEATURES) + ". Do not edit by hand; refit instead."}
    kept = {}
    if args.only:
        try:
            kept = json.loads(args.out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"eval.fit: --only needs the other model in {args.out} ({exc}).", file=sys.stderr)
            return 2
        other = "documents_only" if args.only == "with_examples" else "with_examples"
        if not isinstance(kept, dict) or not isinstance(kept.get(other), dict):
            print(f"eval.fit: --only needs the other model ({other}) in {args.out}.", file=sys.stderr)
            return 2
        out[other] = kept[other]
        out["_about"] += f" The {other} model was kept from the fit before (--only {args.only})."
    with tempfile.TemporaryDirectory() as tmp:
        base = Settings.from_env()
        for name, corpus in (("with_examples", base.corpus_dir),
                             ("documents_only", documents_only(base.corpus_dir, Path(tmp) / "docs"))):
            if args.only and name != args.only:
                continue
            a = Assistant(base.with_(corpus_dir=corpus, data_dir=Path(tmp) / name, min_confidence=0.0))
            if kept.get("embedder") not in (None, a.embedder.name):  # the kept model's similarities are another model's
                print(f"eval.fit: the kept model was fitted for {kept['embedder']}, not {a.embedder.name}: "
                      "refit both (without --only).", file=sys.stderr)
                return 2
            rows = collect(a, [c for path in sets[name] for c in load_cases(path)])
            model = fit([(x, y) for x, y, _, _ in rows])
            t, figures = best_threshold(model, rows, args.wrong_cost)
            out["embedder"] = a.embedder.name
            out[name] = {"weights": model.weights, "bias": model.bias, "mean": model.mean,
                         "scale": model.scale, "threshold": t, "fitted_on": figures,
                         "sets": [_shown(p) for p in sets[name]]}
            print(name, json.dumps(figures), "threshold", t,
                  dict(zip(FEATURES, (round(w, 2) for w in model.weights))))
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
