"""One row per eval run in a CSV (opt-in), read back for the trend plot in report.html.

    append_row(Path("eval-history.csv"), "questions", run, base, breaches, review)
    read_rows(Path("eval-history.csv")) -> [{"commit": "1a2b3c4", "date": "...", ...}, ...]

Columns: commit, date, set (the question file's name), corpus (hash, 12 characters), cases,
stale, gate (passed/failed), then for overall and each language the assistant's FIGURES
(`overall.fact_accuracy`, `nb.hit@1`, ...) and the baseline's fact accuracy. A file whose
header differs (an older layout) is never rewritten: the row goes to a new file beside it.
Deliberately left out: locking (one `make eval` at a time writes it) and pruning old rows.
"""

from __future__ import annotations

import csv
import subprocess
import time
from pathlib import Path

from assistant.settings import REPO_ROOT

from .cases import LANGS
from .harness import Run

__all__ = ["FIGURES", "COLUMNS", "append_row", "read_rows"]

FIGURES = ("hit@1", "top_section", "fact_accuracy", "abstain_precision", "abstain_recall",
           "false_abstention_rate", "latency_p95_ms")
GROUPS = ("overall", *LANGS)
COLUMNS = (["commit", "date", "set", "corpus", "cases", "stale", "gate"]
           + [f"{g}.{f}" for g in GROUPS for f in FIGURES]
           + [f"baseline.{g}.fact_accuracy" for g in GROUPS])


def _commit() -> str:
    """The short commit, with "+dirty" when the tree has changes; "" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+dirty" if head and dirty else "")


def _cell(value) -> str:
    return "" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def append_row(path: Path, name: str, ours: Run, base: Run | None, breaches, review) -> Path:
    """Append one row; returns the file written (a new one beside `path` if its header differs)."""
    path = Path(path)
    row = {"commit": _commit(), "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "set": name,
           "corpus": review.corpus[:12] if review is not None else "",
           "cases": len(ours.outcomes), "stale": len(review.stale_ids) if review is not None else 0,
           "gate": "failed" if breaches else "passed"}
    for g in GROUPS:
        for f in FIGURES:
            row[f"{g}.{f}"] = _cell(ours.figures.get(g, {}).get(f))
        row[f"baseline.{g}.fact_accuracy"] = _cell(base.figures.get(g, {}).get("fact_accuracy")) if base else ""
    if path.exists() and path.stat().st_size:
        with open(path, encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
        if header != COLUMNS:
            path = path.with_name(f"{path.stem}-{time.strftime('%Y%m%d')}{path.suffix}")
    new = not path.exists() or not path.stat().st_size
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    return path


def read_rows(path: Path | None) -> list[dict]:
    """Every row of the CSV, oldest first; [] when there is none."""
    if path is None or not Path(path).exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
