"""Small helpers the benchmark scripts share: percentiles, the question list, stopping a child."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
N_QUESTIONS = 200


def percentile(values: list[float], q: float) -> float:
    """percentile([1, 2, 3, 4], 0.5) -> 2.5 (linear interpolation)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def questions(n: int = N_QUESTIONS) -> list[str]:
    """The benchmark questions (bench/questions.txt), cycled to n."""
    base = [line.strip() for line in (HERE / "questions.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [base[i % len(base)] for i in range(n)]

# warm-up questions, never among the timed ones
WARM_UP = ("Hei, hva gjelder dette?", "Kan jeg få data?", "What is this register?", "Kva er NPR?",
           "Hvem kan jeg spørre?", "Where do I apply?", "Fins det statistikk?", "Hvor lenge?",
           "Is there a fee?", "Korleis søkjer eg?")


def stop(proc, timeout: float = 30) -> None:
    """Ends a child process: SIGTERM, then SIGKILL if it has not exited within `timeout` s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
