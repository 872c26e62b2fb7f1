"""Every question set and e-mail set side by side: `python -m eval.sets` (part of `make eval`).

For each set (eval/questions.jsonl, the older eval/holdout.jsonl, the development sets
eval/dev2.jsonl and eval/dev3.jsonl, the blind sets eval/blind/ to eval/blind21/, and the development
questions again with one typing slip each, and greeted and signed, eval/perturb.py) and each
configuration (the full corpus folder; documents only: no glossary, no example questions) it
reports, over all questions:
- right: answered from an expected section with every fact, all quotes verbatim, or rightly declined;
- false declines: an answerable question declined;
- wrong answers: an answerable question answered wrongly, or a must-decline question answered;
and, apart, the share of must-decline questions declined. The e-mail sets (eval/dev3.emails.jsonl,
eval/dev4.emails.jsonl and the blind sets' emails.jsonl) are drafted: a draft
passes when every expected answer's facts are quoted, every uncovered question is listed for a
manual answer, and (for a non-research request) the research route is never quoted. Which single
e-mail sentences are taken for questions (eval/asking/: recall and false alarms). Plus the
decision's calibration on the main set (reliability bins). `--only dev3 blind6` runs the sets
whose names start so; `--quick` the full configuration only.
Writes eval/sets.md. A report, not a gate: the gate is `python -m eval` on the main set.
Deliberately left out: re-fitting anything. Never tune to what this shows for a blind set.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from assistant.settings import REPO_ROOT, offline_environment

offline_environment()

from . import metrics as m  # noqa: E402
from .cases import load_cases  # noqa: E402
from .fit import documents_only  # noqa: E402
from .perturb import greeted, slipped  # noqa: E402

HERE = Path(__file__).parent
# the blind sets, by their report name and folder (questions.jsonl and emails.jsonl in each); the
# first five's aggregates were seen while the pipeline was tuned
_FOLDERS = ["blind"] + [f"blind{n}" for n in range(2, 54)]
BLIND = {folder + (" (aggregate seen)" if n <= 5 else ""): HERE / folder for n, folder in enumerate(_FOLDERS, 1)}
SETS = {"main (tuned on)": HERE / "questions.jsonl", "held-out (older)": HERE / "holdout.jsonl",
        "dev2 (fitted on)": HERE / "dev2.jsonl", "dev3 (fitted on)": HERE / "dev3.jsonl",
        **{f"dev{n}": HERE / f"dev{n}.jsonl" for n in (5, 6, 7, 8, 10, 11, 12, 13, 14, 15)},
        **{name: folder / "questions.jsonl" for name, folder in BLIND.items()}}
# the development sets again, each question with one typing slip, or greeted and signed
# (eval/perturb.py), generated
SLIPS = "dev, one slip each (generated)"
GREETED = "dev, greeted and signed (generated)"
DEV_SETS = ("main (tuned on)", "held-out (older)", "dev2 (fitted on)", "dev3 (fitted on)")
EMAILS = {**{f"dev{n} e-mails": HERE / f"dev{n}.emails.jsonl" for n in range(3, 15)},
          **{name: folder / "emails.jsonl" for name, folder in BLIND.items()}}
# single e-mail sentences, asking or not (eval/asking/README.md): which ones mail.find_asked takes for questions
ASKING = {"set1 (tuned on)": HERE / "asking" / "set1.jsonl", "set2 (tuned on)": HERE / "asking" / "set2.jsonl",
          "set3 (tuned on)": HERE / "asking" / "set3.jsonl", "set4 (tuned on)": HERE / "asking" / "set4.jsonl",
          "set5": HERE / "asking" / "set5.jsonl", "review probes (tuned on)": HERE / "asking" / "review.jsonl"}
# the research route's sentence (the guidance has a no-break space in it)
RESEARCH_ROUTE = re.compile(r"via\s+søknadsskjemaene\s+på\s+helsedata\.no")


def judge(case, answer, files: dict) -> str:
    """'right' | 'false_decline' | 'wrong' for one case and its Answer."""
    if not case.answerable:
        return "right" if answer.abstained else "wrong"
    if answer.abstained:
        return "false_decline"
    cited = m.dedupe(c.section for c in answer.citations)
    verbatim = all(files[c.source][c.start:c.end] == c.quote for c in answer.citations)
    facts = not m.missing_facts(case.facts, answer.answer, [c.quote for c in answer.citations])
    return "right" if cited and cited[0] in case.sections and facts and verbatim else "wrong"


def run_set(assistant, cases, files) -> dict:
    verdicts, declined, latencies = [], [], []
    for case in cases:
        answer = assistant.ask(case.one_line)
        latencies.append(answer.latency_ms)
        verdicts.append(judge(case, answer, files))
        if not case.answerable:
            declined.append(answer.abstained)
    n = len(cases)
    return {"cases": n, "right": verdicts.count("right") / n, "false_declines": verdicts.count("false_decline") / n,
            "wrong": verdicts.count("wrong") / n,
            "declined": sum(declined) / len(declined) if declined else None, "must_decline": len(declined),
            "p50": m.percentile(latencies, 50), "p95": m.percentile(latencies, 95),
            "by_lang": {lang: sum(v == "right" for v, c in zip(verdicts, cases) if c.lang == lang)
                        / max(1, sum(c.lang == lang for c in cases)) for lang in ("nb", "nn", "en")}}


def run_emails(assistant, path: Path) -> dict:
    from rapidfuzz import fuzz

    from assistant.drafting import Drafter
    from assistant.mail import read_mail

    drafter, rows = Drafter(assistant), []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        draft = drafter.draft(read_mail(case["email"]))
        quotes = [c.quote for i in draft.items if not i.manual for c in i.answer.citations]
        answered = " ".join(quotes)
        missing = [e["question"] for e in case["expected"]
                   if not all(re.search(f, answered, re.I) for f in e["facts"])]
        unflagged = [u for u in case["uncovered"]
                     if not any(fuzz.partial_ratio(u.lower(), q.lower()) >= 80 for q in draft.manual)]
        research = bool(case.get("non_research")) and any(RESEARCH_ROUTE.search(q) for q in quotes)
        rows.append({"id": case["id"], "ok": not (missing or unflagged or research), "missing": len(missing),
                     "unflagged": len(unflagged), "research_route": research})
    return {"emails": len(rows), "passed": sum(r["ok"] for r in rows),
            "all_expected": sum(r["missing"] == 0 for r in rows),
            "flags_uncovered": sum(r["unflagged"] == 0 for r in rows),
            "research_route_to_non_research": sum(r["research_route"] for r in rows)}


def run_asking(path: Path, model=None) -> dict:
    """Recall (asking sentences found) and false alarms (statements taken for questions) of
    mail.find_asked on one file of labelled sentences, by the patterns alone or with `model`
    (assistant/asking.py) beside them."""
    from assistant.mail import find_asked

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [(r["asks"], bool(find_asked(r["text"], model)[0])) for r in rows]
    asking = [got for asks, got in found if asks]
    telling = [got for asks, got in found if not asks]
    return {"sentences": len(rows), "asking": len(asking), "recall": sum(asking) / max(1, len(asking)),
            "telling": len(telling), "false_alarms": sum(telling) / max(1, len(telling))}


def calibration(assistant, cases, bins: int = 5) -> list[tuple[str, int, float | None]]:
    """Reliability of the decision score on a set: (score bin, cases, share where answering is right)."""
    rows = []
    for case in cases:
        trace: list = []
        assistant.ask(case.one_line, trace=trace)
        if trace:
            sig, verdict, heading = max(trace, key=lambda t: t[1].score)
            rows.append((verdict.score, case.answerable and heading in case.sections))
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [ok for s, ok in rows if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        out.append((f"{lo:.1f}–{hi:.1f}", len(inside), sum(inside) / len(inside) if inside else None))
    return out


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.sets", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "sets.md")
    parser.add_argument("--quick", action="store_true", help="the full configuration only")
    parser.add_argument("--only", nargs="+", metavar="SET", help="only the sets whose name starts with one of these")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    from assistant import Assistant
    from assistant.asking import AskingModel
    from assistant.decision import Decision
    from assistant.embedding import load_embedder
    from assistant.settings import Settings

    started = time.perf_counter()
    base = Settings.from_env()
    lines = ["# Every set side by side", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `python -m eval.sets`. "
             "Right = right answer (expected section, every fact, verbatim quotes) or right decline; "
             "false declines and wrong answers are shares of all questions; declined = must-decline "
             "questions declined. The blind sets were written from the guidance alone and never tuned on.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        configs = [("full", base.corpus_dir)]
        if not args.quick:
            configs.append(("documents only", documents_only(base.corpus_dir, Path(tmp) / "docs")))
        lines += ["| configuration | set | cases | right | false declines | wrong answers | must-decline declined | nb | nn | en | p50 ms | p95 ms |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        emails = {}
        for name, corpus in configs:
            a = Assistant(base.with_(corpus_dir=corpus, data_dir=Path(tmp) / name.replace(" ", "-")))
            files = {d.source: d.text for d in a.documents}
            wanted = [n for n in (*SETS, SLIPS, GREETED) if not args.only or any(n.startswith(o) for o in args.only)]
            for set_name in wanted:
                if set_name in (SLIPS, GREETED):
                    dev = [c for d in DEV_SETS for c in load_cases(SETS[d])]
                    cases = slipped(dev) if set_name == SLIPS else greeted(dev)
                elif SETS[set_name].exists():
                    cases = load_cases(SETS[set_name])
                else:
                    continue
                r = run_set(a, cases, files)
                lines.append(f"| {name} | {set_name} | {r['cases']} | {pct(r['right'])} | {pct(r['false_declines'])} | "
                             f"{pct(r['wrong'])} | {pct(r['declined'])} of {r['must_decline']} | "
                             + " | ".join(pct(r["by_lang"][lang]) for lang in ("nb", "nn", "en"))
                             + f" | {r['p50']:.0f} | {r['p95']:.0f} |")
                print(lines[-1], flush=True)
            for set_name, path in EMAILS.items():
                if path.exists() and (set_name in wanted or set_name not in SETS and
                                      (not args.only or any(set_name.startswith(o) for o in args.only))):
                    emails[(name, set_name)] = run_emails(a, path)
            if name == "full":
                cal = calibration(a, load_cases(SETS["main (tuned on)"]))
                threshold = Decision.load().model(a.with_examples).threshold
    lines += ["", "## E-mails (drafts)", "",
              "| configuration | set | e-mails | drafts passing | every expected answer | uncovered flagged | research route to a non-research request |",
              "|---|---|---|---|---|---|---|"]
    for (name, set_name), e in emails.items():
        lines.append(f"| {name} | {set_name} | {e['emails']} | {e['passed']} | {e['all_expected']} | {e['flags_uncovered']} | "
                     f"{e['research_route_to_non_research']} |")
    lines += ["", "## Which e-mail sentences ask (`mail.find_asked`, eval/asking/)", "",
              "The patterns alone, and with the model beside them (assistant/asking.py, fitted on set1 to set4 "
              "and the review probes; set5 held out). A sentence only the model hears is drafted as a "
              "question only where the guidance answers it.", "",
              "| set | sentences | asking: found | statements taken for questions | with the model: found | "
              "statements taken |", "|---|---|---|---|---|---|"]
    asking_model = AskingModel.load(load_embedder(base.model_name))
    for set_name, path in ASKING.items():
        if path.exists():
            r = run_asking(path)
            w = run_asking(path, asking_model) if asking_model else None
            beside = f"{pct(w['recall'])} | {pct(w['false_alarms'])}" if w else "(no model for this embedder) | "
            lines.append(f"| {set_name} | {r['sentences']} | {pct(r['recall'])} of {r['asking']} | "
                         f"{pct(r['false_alarms'])} of {r['telling']} | {beside} |")
    lines += ["", f"## Calibration of the answer/decline score (main set; threshold {threshold:.3f})", "",
              "| score | questions | answering would be right |", "|---|---|---|"]
    lines += [f"| {b} | {n} | {pct(share)} |" for b, n, share in cal]
    lines += ["", f"{time.perf_counter() - started:.0f} s in all."]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[-12 - len(emails):]))
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
