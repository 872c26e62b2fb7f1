"""A Run -> eval/report.html: one self-contained page, plots as inline SVG made with matplotlib.

    write_html(Path("eval/report.html"), ours, base, thresholds, breaches, seconds, review,
               threshold=0.42, history=read_rows(csv_path))

The page: the gate, what changed in the guidance (the same lines as report.md and `assistant
index`), stale cases and uncovered sections; per-language bars, assistant against the baseline;
the answer/decline confusion matrix; the reliability diagram of the decision score with the
threshold marked; a latency histogram; the trend over past runs (when a history CSV is kept);
the failing cases with their answer and citations. No script, no stylesheet or font from
anywhere else: text in the plots is drawn as paths, so it reads the same offline everywhere.
The reliability diagram bins the answers' `confidence` (the decision score, the highest over
the question's parts): "answering would be right" is an answerable case whose top section (the
cited one, or the retriever's first when declined) is an expected one, as in eval/sets.py,
but from the run itself instead of asking every question again.
Deliberately left out: interactivity (hover, filters) and any JavaScript.
"""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path

from .cases import LANGS
from .harness import Run

__all__ = ["write_html", "reliability", "confusion"]

GROUPS = ("overall", *LANGS)
OURS, BASE = "#1f6feb", "#9aa4ae"


def confusion(run: Run) -> list[list[int]]:
    """[[should answer & answered, should answer & declined], [should decline & answered, ... declined]]"""
    m = [[0, 0], [0, 0]]
    for o in run.outcomes:
        m[0 if o.answerable else 1][1 if o.abstained else 0] += 1
    return m


def reliability(run: Run, bins: int = 10) -> list[tuple[float, float, int, float | None]]:
    """(bin start, bin end, cases, share where answering would be right) per score bin."""
    rows = []
    for o in run.outcomes:
        top = o.cited[0] if (o.cited and not o.abstained) else (o.ranking[0] if o.ranking else "")
        rows.append((o.confidence, o.answerable and top in o.expected))
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [ok for s, ok in rows if lo <= s < hi or (b == bins - 1 and s >= 1.0)]
        out.append((lo, hi, len(inside), sum(inside) / len(inside) if inside else None))
    return out


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    # the XML prologue and the RDF metadata (namespace URLs, a timestamp) are not needed inline
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)


def _figure(width: float = 6.4, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")  # no display, ever
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({"svg.fonttype": "path", "font.size": 9})
    return Figure(figsize=(width, height))


def _bars(ours: Run, base: Run | None) -> str:
    fig = _figure(7.2, 2.8)
    names = [("hit@1", "retrieval hit@1"), ("top_section", "top citation right"),
             ("fact_accuracy", "fact accuracy")]
    groups = [g for g in GROUPS if g in ours.figures]
    for i, (key, label) in enumerate(names):
        ax = fig.add_subplot(1, len(names), i + 1)
        xs = range(len(groups))
        ax.bar([x - 0.2 for x in xs], [100 * (ours.figures[g].get(key) or 0) for g in groups], 0.4,
               label="assistant", color=OURS)
        if base:
            ax.bar([x + 0.2 for x in xs], [100 * (base.figures.get(g, {}).get(key) or 0) for g in groups],
                   0.4, label="LangChain baseline", color=BASE)
        ax.set_xticks(list(xs), groups)
        ax.set_ylim(0, 105)
        ax.set_title(label)
        if i == 0:
            ax.set_ylabel("% of answerable cases")
    fig.legend(*fig.axes[0].get_legend_handles_labels(), loc="lower center", ncol=2,
               bbox_to_anchor=(0.5, -0.1), frameon=False)
    return _svg(fig)


def _confusion(run: Run) -> str:
    fig = _figure(3.6, 3.0)
    ax = fig.add_subplot()
    m = confusion(run)
    ax.imshow(m, cmap="Blues")
    for r in range(2):
        for c in range(2):
            ax.text(c, r, str(m[r][c]), ha="center", va="center", fontsize=14,
                    color="white" if m[r][c] > max(map(max, m)) / 2 else "black")
    ax.set_xticks([0, 1], ["answered", "declined"])
    ax.set_yticks([0, 1], ["should answer", "should decline"])
    ax.set_xlabel("what the assistant did")
    ax.set_title("answer / decline")
    return _svg(fig)


def _calibration(run: Run, threshold: float | None) -> str:
    fig = _figure(4.8, 3.4)
    ax = fig.add_subplot()
    rows = reliability(run)
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="perfectly calibrated")
    pts = [((lo + hi) / 2, share) for lo, hi, n, share in rows if share is not None]
    ax.plot([x for x, _ in pts], [y for _, y in pts], "o-", color=OURS, label="share right when answering")
    for lo, hi, n, share in rows:
        if n:
            ax.text((lo + hi) / 2, (share or 0) + 0.04, str(n), ha="center", fontsize=7, color="#555")
    if threshold is not None:
        ax.axvline(threshold, color="#d1242f", ls="--", label=f"threshold {threshold:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.1)
    ax.set_xlabel("decision score (bins of 0.1; numbers: cases)")
    ax.set_ylabel("answering would be right")
    ax.set_title("calibration of the answer/decline score")
    ax.legend(loc="upper left", fontsize=7)
    return _svg(fig)


def _latency(ours: Run) -> str:
    from . import metrics as m

    fig = _figure(4.8, 3.0)
    ax = fig.add_subplot()
    lat = [o.latency_ms for o in ours.outcomes]
    ax.hist(lat, bins=30, color=OURS)
    for q, ls in ((50, "-"), (95, "--")):
        v = m.percentile(lat, q)
        if v is not None:
            ax.axvline(v, color="#d1242f", ls=ls, label=f"p{q} {v:.0f} ms")
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("latency (assistant)")
    ax.legend(fontsize=7)
    return _svg(fig)


def _trend(history: list[dict], name: str) -> str:
    rows = [r for r in history if r.get("set") == name]
    fig = _figure(7.2, 3.0)
    ax = fig.add_subplot()
    labels = [f"{r['date'][:10]}\n{r['commit'][:7]}" for r in rows]
    for key, label in (("overall.fact_accuracy", "fact accuracy"), ("overall.hit@1", "hit@1"),
                       ("overall.abstain_recall", "decline recall"),
                       ("baseline.overall.fact_accuracy", "baseline fact accuracy")):
        ys = [100 * float(r[key]) if r.get(key) else None for r in rows]
        if any(y is not None for y in ys):
            ax.plot(range(len(rows)), [y if y is not None else float("nan") for y in ys], "o-", label=label)
    step = max(1, len(rows) // 10)
    ax.set_xticks(list(range(0, len(rows), step)), labels[::step], fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(f"trend over {len(rows)} run(s) of {name}")
    ax.legend(fontsize=7, loc="lower left")
    return _svg(fig)


def _e(text) -> str:
    return html.escape(str(text))


def _failing(run: Run) -> str:
    failed = [o for o in run.outcomes if not o.passed]
    if not failed:
        return "<p>None.</p>"
    out = []
    for o in failed:
        cites = "".join(f"<li><b>{_e(s)}</b>: «{_e(q)}»</li>" for s, q in o.quotes) or "<li>none</li>"
        out.append(f"<details open class='case' id='case-{_e(o.id)}'><summary><code>{_e(o.id)}</code> ({_e(o.lang)}) "
                   f"{_e(o.question)} — <span class='bad'>{_e('; '.join(o.problems))}</span></summary>"
                   f"<p><b>Expected section:</b> {_e(' or '.join(o.expected) or 'decline')}</p>"
                   f"<pre>{_e(o.answer)}</pre><p><b>Citations</b></p><ul>{cites}</ul></details>")
    return "\n".join(out)


STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#1f2328}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
.plots{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.plot svg{max-width:100%;height:auto}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#d1242f}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
details.case{margin:.4em 0}"""


def write_html(path: Path, ours: Run, base: Run | None, thresholds: dict, breaches, seconds: float,
               review=None, threshold: float | None = None, history: list[dict] = (),
               cases: Path | None = None) -> None:
    from .report import review_lines

    name = Path(cases).stem if cases else "questions"
    f = ours.figures["overall"]
    gate = ("<span class='ok'>PASSED</span>" if not breaches
            else "<span class='bad'>FAILED</span><ul>" + "".join(f"<li>{_e(b)}</li>" for b in breaches) + "</ul>")
    guidance = f"<pre id='guidance'>{_e(chr(10).join(review_lines(review)))}</pre>" if review is not None else ""
    stale = ""
    if review is not None and review.stale:
        stale = ("<table id='stale'><tr><th>case</th><th>fact</th><th>section it came from</th></tr>"
                 + "".join(f"<tr><td>{_e(s.id)}</td><td><code>{_e(s.fact)}</code></td><td>{_e(s.section)}</td></tr>"
                           for s in review.stale) + "</table>")
    trend = (f"<div class='plot' id='plot-trend'>{_trend(list(history), name)}</div>" if history else
             "<p>No history kept: run <code>make eval EVAL_HISTORY=eval-history.csv</code> (see the README) "
             "to plot the figures over time.</p>")
    failed = sum(not o.passed for o in ours.outcomes)
    warn = ""
    if review is not None and review.needs_review:
        warn = (f"<p class='bad' id='needs-review'>The guidance changed under the cases: "
                f"{len(review.stale_ids)} stale case(s) kept out of the figures"
                + (f", {len(review.uncovered)} section(s) not covered by any case" if review.uncovered else "")
                + f". Review <code>{_e(name)}.jsonl</code>, then run <code>make eval-checked</code> "
                "(the run exits with code 3).</p>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body>
<h1>Evaluation report</h1>
<p>{f['cases']} cases ({f['answerable']} answerable) from <code>{_e(name)}</code>, run
{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in {seconds:.0f} s. Gate: {gate}</p>
{warn}
<h2>The guidance and the cases</h2>{guidance}{stale}
<h2>Assistant against the baseline, by language</h2>
<div class="plots"><div class="plot" id="plot-languages">{_bars(ours, base)}</div></div>
<h2>Answer or decline</h2>
<div class="plots"><div class="plot" id="plot-confusion">{_confusion(ours)}</div>
<div class="plot" id="plot-calibration">{_calibration(ours, threshold)}</div></div>
<h2>Latency</h2>
<div class="plots"><div class="plot" id="plot-latency">{_latency(ours)}</div></div>
<h2>Trend</h2>{trend}
<h2 id="failing">Failing cases ({failed})</h2>
{_failing(ours)}
</body></html>
"""
    Path(path).write_text(page, encoding="utf-8")
