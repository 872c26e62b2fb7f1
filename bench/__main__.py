"""The benchmark: `python -m bench` (or `make bench`) prints the figures the README quotes.

- index build time: a fresh data dir, the bundled corpus and model (`Assistant.rebuild`);
- warm `ask` latency p50/p95 over 200 questions (bench/questions.txt, cycled), in process;
- cold start to first answer: a new `python -m assistant ask --json` process, wall clock;
- peak RSS of that process (ru_maxrss of the child).
Deliberately left out: GPU figures (there is none) and anything that needs the network.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT, Settings

HERE = Path(__file__).resolve().parent
N_QUESTIONS = 200


def percentile(values: list[float], q: float) -> float:
    """percentile([1, 2, 3, 4], 0.5) -> 2.5 (linear interpolation)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def questions(n: int = N_QUESTIONS) -> list[str]:
    base = [line.strip() for line in (HERE / "questions.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [base[i % len(base)] for i in range(n)]


def cold_start(data_dir: Path) -> tuple[float, float]:
    """Seconds from process start to the first answer, and the child's peak RSS in MB."""
    env = {**os.environ, **OFFLINE_VARIABLES, "ASSISTANT_DATA_DIR": str(data_dir)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "Hva koster det?"],
                         capture_output=True, env=env, cwd=REPO_ROOT, check=True)
    elapsed = time.perf_counter() - started
    assert b"1100" in out.stdout
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> int:
    for name, value in OFFLINE_VARIABLES.items():
        os.environ.setdefault(name, value)
    from assistant import Assistant

    with tempfile.TemporaryDirectory(prefix="npr-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        settings = Settings.from_env().with_(data_dir=data_dir)
        assistant = Assistant(settings)
        started = time.perf_counter()
        manifest = assistant.rebuild()
        build = time.perf_counter() - started

        qs = questions()
        for q in qs[:10]:
            assistant.ask(q)  # warm-up: first calls pay for lazy initialisation
        latencies = []
        for q in qs:
            t = time.perf_counter()
            assistant.ask(q)
            latencies.append((time.perf_counter() - t) * 1000)

        cold, rss = cold_start(data_dir)  # index exists: what a user's second start costs
        cold_first, rss_first = cold_start(Path(tmp) / "fresh")  # very first start builds it

    rows = [
        ("chunks indexed", f"{manifest['count']}"),
        ("index build (embed + Chroma write)", f"{build:.2f} s"),
        (f"warm ask latency p50 ({len(qs)} questions)", f"{percentile(latencies, 0.5):.1f} ms"),
        (f"warm ask latency p95 ({len(qs)} questions)", f"{percentile(latencies, 0.95):.1f} ms"),
        ("warm ask latency max", f"{max(latencies):.1f} ms"),
        ("cold start to first answer (index on disk)", f"{cold:.2f} s"),
        ("cold start to first answer (first run, builds index)", f"{cold_first:.2f} s"),
        ("peak RSS of the CLI process", f"{max(rss, rss_first):.0f} MB"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"NPR assistant benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(f"  targets: warm p95 <= 30 ms: {'OK' if percentile(latencies, 0.95) <= 30 else 'MISSED'}; "
          f"cold start <= 8 s: {'OK' if cold <= 8 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
