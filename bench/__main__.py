"""The benchmark: `python -m bench` (or `make bench`) prints the figures the README quotes.

1. Cold start: a new `python -m assistant ask --json` process to its first answer, with the
   index on disk and on a very first run (which builds it, from the shipped vectors of the
   bundled corpus and, once more, without them); peak RSS of that process; the same
   for the textbook pipeline; and how long app.py takes until its JSON API answers a question,
   and until its chat page loads.
2. Scaling: the real guidance plus generated filler (bench/filler.py) at 1x, 10x and 100x its
   size. Each scale runs in its own process (bench/scale.py) from an empty data dir, an empty
   vector cache and no shipped vectors: index build
   time, warm `ask` latency p50/p95 over 200 questions, peak RSS (os.wait4 of that child), and
   how each figure grows against 1x.
   Then a py-spy profile of the smallest scale's warm questions (bench/profile.py).
3. Side by side: our assistant and the textbook LangChain pipeline (eval/baseline.py) on
   eval/questions.jsonl, scored by eval's harness; ours/baseline ratios for latency and accuracy.

    python -m bench                      everything (about 5 minutes on 2 cores)
    python -m bench --scales 1,10        fewer scales;  --no-baseline skips part 3
Deliberately left out: GPU figures (there is none) and anything that needs the network.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT

from .filler import grow
from .stats import N_QUESTIONS, percentile, questions, stop  # noqa: F401  (re-exported for callers)

CHILD_TIMEOUT = 1800  # seconds for one scale; a 100x build takes about a minute


def _env(**extra) -> dict:
    """The children's environment: offline, and each with the vector cache of its own data dir (a
    shared ASSISTANT_CACHE_DIR would make a "first run" or "empty cache" build read its vectors)."""
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_CACHE_DIR"}
    return {**env, **OFFLINE_VARIABLES, **extra}


def _run_child(args: list[str], env: dict, timeout: float = CHILD_TIMEOUT) -> tuple[str, float, float]:
    """Run `python args...`; its stdout, wall seconds and peak RSS in MB (from os.wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, env=env, cwd=REPO_ROOT)
    deadline = time.monotonic() + timeout
    out = b""
    while True:  # the child's stdout is small: read it after exit, but never wait forever
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise RuntimeError(f"{' '.join(args)} took over {timeout} s")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read().decode("utf-8")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}")
    return out, elapsed, usage.ru_maxrss / 1024


def cold_start(data_dir: Path, shipped: bool = True) -> tuple[float, float]:
    """Seconds from process start to the first answer, and the child's peak RSS in MB.
    `shipped`: a first build may read the bundled corpus's shipped vectors (as a new user's does)."""
    out, elapsed, rss = _run_child(["-m", "assistant", "ask", "--json", "Hva koster det?"],
                                   _env(ASSISTANT_DATA_DIR=str(data_dir),
                                        ASSISTANT_SHIPPED_VECTORS="1" if shipped else "0"), timeout=600)
    assert "1100" in out
    return elapsed, rss


def baseline_cold_start() -> tuple[float, float]:
    """The textbook pipeline (eval/baseline.py) from a new process to its first answer: it imports
    sentence-transformers and torch and embeds the chunks into an in-memory Chroma every start."""
    code = ("from eval.baseline import LangChainBaseline; "
            "print(LangChainBaseline().answer_one('Hva koster det?').answer)")
    out, elapsed, rss = _run_child(["-c", code], _env(), timeout=600)
    return elapsed, rss


def app_ready(data_dir: Path, timeout: float = 300) -> tuple[float, float]:
    """Seconds from starting app.py (index on disk) until (its JSON API has answered a question,
    its chat page has loaded): the API is served before Gradio's import, the page after it."""
    import json
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_PORT=str(port), ASSISTANT_HOST="127.0.0.1",
               GRADIO_TEMP_DIR=str(data_dir.parent / "gradio"))
    base = f"http://127.0.0.1:{port}/"
    ask = json.dumps({"question": "Hva koster det?"}).encode()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py")], env=env, cwd=data_dir.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        answered = None
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited {proc.returncode} before it was ready")
            try:
                if answered is None:
                    req = urllib.request.Request(base + "api/v1/ask", data=ask,
                                                 headers={"Content-Type": "application/json"})
                    with urllib.request.urlopen(req, timeout=5) as r:
                        reply = json.loads(r.read())
                        if "NOK 1100" not in reply.get("answer", ""):
                            raise RuntimeError(f"app.py answered the price question without the price: {reply}")
                        answered = time.perf_counter() - started
                with urllib.request.urlopen(base, timeout=2) as r:  # 503 while the page loads
                    if r.status == 200:
                        return answered, time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"app.py was not ready within {timeout} s")
    finally:
        stop(proc)


def scaling(tmp: Path, scales: list[int]) -> list[dict]:
    rows = []
    for scale in scales:
        corpus = grow(tmp / f"corpus-{scale}x", scale)
        # an empty vector cache and no shipped vectors: the build embeds every text (the model's throughput)
        out, _, rss = _run_child(["-m", "bench.scale", str(corpus), str(tmp / f"data-{scale}x"),
                                  str(N_QUESTIONS)], _env(ASSISTANT_SHIPPED_VECTORS="0"))
        rows.append({"scale": scale, **json.loads(out.strip().splitlines()[-1]), "rss_mb": round(rss)})
        print(f"  measured {scale}x: {rows[-1]}", file=sys.stderr)
    return rows


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                                      enumerate(zip(r, widths))) for r in rows)


def scaling_table(rows: list[dict]) -> str:
    """Each scale's figures, then each figure's growth against the first (smallest) scale."""
    cols = [("chars", "{:,}"), ("chunks", "{:,}"), ("build_s", "{:.1f} s"), ("p50_ms", "{:.1f} ms"),
            ("p95_ms", "{:.1f} ms"), ("rss_mb", "{:,} MB")]
    head = ("scale", "corpus chars", "chunks", "index build", "warm p50", "warm p95", "peak RSS")
    body = [(f"{r['scale']}x", *(fmt.format(r[c]) for c, fmt in cols)) for r in rows]
    base = rows[0]
    growth = [(f"{r['scale']}x / {base['scale']}x",
               *(f"x{r[c] / base[c]:.2f}" if base[c] else "-" for c, _ in cols)) for r in rows[1:]]
    return _table([head, *body, *growth])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="corpus sizes, times the guidance")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain side by side")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile")
    args = parser.parse_args(argv)
    for name, value in OFFLINE_VARIABLES.items():
        os.environ.setdefault(name, value)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]

    with tempfile.TemporaryDirectory(prefix="npr-bench-") as tmp:
        tmp = Path(tmp)
        cold_first, rss_first = cold_start(tmp / "cli")  # very first start builds the index
        cold, rss = cold_start(tmp / "cli")  # index on disk: what a user's second start costs
        # the very first start again, embedding everything itself (an empty cache, no shipped vectors)
        cold_bare, rss_bare = cold_start(tmp / "cli-bare", shipped=False)
        ready, page_ready = app_ready(tmp / "cli")
        base_cold, base_rss = (None, None) if args.no_baseline else baseline_cold_start()
        rows = scaling(tmp, scales)
        from .profile import profile

        spied = None if args.no_profile else profile(tmp / f"corpus-{scales[0]}x",
                                                           tmp / f"data-{scales[0]}x", N_QUESTIONS, _env())
        side = None
        if not args.no_baseline:
            from assistant import Assistant, Settings

            from .side_by_side import compare, ratios

            ours, base = compare(Assistant(Settings.from_env().with_(data_dir=tmp / "side")))
            side = (ours.figures["overall"], base.figures["overall"], ratios(ours, base))

    print(f"NPR assistant benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(_table([("figure", "measured", "target"),
                  ("cold start to first answer (index on disk)", f"{cold:.2f} s", "<= 2.0 s"),
                  ("cold start, textbook LangChain pipeline", f"{base_cold:.2f} s" if base_cold else "-", ""),
                  ("cold start, ours / baseline", f"{cold / base_cold:.2f}" if base_cold else "-", "<= 0.3"),
                  ("cold start to first answer (first run: builds the index from the shipped vectors)",
                   f"{cold_first:.2f} s", ""),
                  ("the same without shipped vectors (embeds every passage and example question)",
                   f"{cold_bare:.2f} s", ""),
                  ("app ready to answer (app.py to its first API answer, index on disk)", f"{ready:.2f} s", "<= 5 s"),
                  ("app's chat page loaded (app.py to / answering 200)", f"{page_ready:.2f} s", ""),
                  ("peak RSS of the CLI process", f"{max(rss, rss_first, rss_bare):.0f} MB", "<= 400 MB"),
                  ("peak RSS, textbook pipeline", f"{base_rss:.0f} MB" if base_rss else "-", "")]))
    print(f"\nScaling (guidance + generated filler; {N_QUESTIONS} warm questions per scale, "
          "each scale in its own process)")
    print(scaling_table(rows))
    one = rows[0]
    print(f"  targets at {one['scale']}x: warm p95 <= 30 ms: {'OK' if one['p95_ms'] <= 30 else 'MISSED'}; "
          f"cold start <= 2 s: {'OK' if cold <= 2 else 'MISSED'}; app ready <= 5 s: "
          f"{'OK' if ready <= 5 else 'MISSED'}")
    if isinstance(spied, str):
        print(f"\nProfile: {spied}")
    elif spied:
        own, incl, total = spied
        print(f"\nProfile of warm `ask` at 1x (py-spy, {total} samples inside Assistant.ask; "
              "no question-vector cache)")
        print(_table([("own time", "%"), *((f, f"{p:.1f}") for f, p in own[:10])]))
        print(_table([("inclusive", "%"), *((f, f"{p:.1f}") for f, p in incl[:12])]))
    if side:
        a, b, r = side
        print("\nSide by side on eval/questions.jsonl (in process, eval's harness)")
        fmt = {"latency_p50_ms": "{:.1f} ms", "latency_p95_ms": "{:.1f} ms"}
        print(_table([("figure", "assistant", "LangChain baseline", "ours / baseline"),
                      *((f, fmt.get(f, "{:.1%}").format(a[f]), fmt.get(f, "{:.1%}").format(b[f]),
                         f"{r[f]:.2f}" if r[f] is not None else "-") for f in r)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
