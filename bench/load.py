"""Load test: `python -m bench.load` (or `make load`) — many gradio_client clients at once.

Starts the real app (`python app.py`) on a free 127.0.0.1 port with a temp data dir, waits
(bounded) until it answers, then runs CLIENTS threads, each with its own gradio_client
`Client`, calling the /ask API in a loop for SECONDS. Prints errors, latency p50/p95/max and
throughput, and stops the app it started. A benchmark that prints figures, not a test.

    python -m bench.load                       50 clients for 60 s
    python -m bench.load --clients 10 --seconds 20
Deliberately left out: ramp-up schedules and remote hosts (loopback only, never the network).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT

from .stats import percentile, questions

START_TIMEOUT = 180  # seconds for the app's first start (it builds the index)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, **OFFLINE_VARIABLES, "ASSISTANT_DATA_DIR": str(tmp / "data"),
           "ASSISTANT_HOST": "127.0.0.1", "ASSISTANT_PORT": str(port),
           "GRADIO_TEMP_DIR": str(tmp / "gradio"),
           "ASSISTANT_RATE_LIMIT": "off"}  # all clients share 127.0.0.1: a per-address limit would measure itself
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py")], cwd=tmp, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, deadline = f"http://127.0.0.1:{port}/", time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    proc.wait(timeout=30)
    raise RuntimeError(f"app.py did not answer on {url} within {START_TIMEOUT} s")


def run_load(url: str, clients: int, seconds: float) -> dict:
    from gradio_client import Client

    qs = questions(200)
    latencies: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []  # the first few errors in full, to say what went wrong
    lock = threading.Lock()
    stop_at = [0.0]  # set when every client is connected: the clock starts for all at once
    start = threading.Barrier(clients + 1, action=lambda: stop_at.__setitem__(0, time.monotonic() + seconds))

    def worker(n: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # counted, not raised: the figure is how many fail
            with lock:
                errors[f"connect: {type(exc).__name__}"] += 1
            client = None
        start.wait()
        i = n
        while client is not None and time.monotonic() < stop_at[0]:
            t = time.perf_counter()
            try:
                answer = client.predict(qs[i % len(qs)], api_name="/ask")
                ok = isinstance(answer, dict) and "answer" in answer
            except Exception as exc:
                ok, answer = False, exc
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - t) * 1000)
                else:
                    errors[type(answer).__name__] += 1
                    samples.append(f"{type(answer).__name__}: {answer!r:.200} after "
                                   f"{time.perf_counter() - t:.1f} s, {stop_at[0] - time.monotonic():.1f} s before the end")
            i += clients

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = stop_at[0] - seconds
    for t in threads:
        t.join(timeout=seconds + 120)  # a call in flight at the end may take a while
    wall = time.monotonic() - began
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
            "errors": sum(errors.values()), "error_kinds": dict(errors), "error_samples": samples[:5],
            "throughput_rps": round(len(latencies) / wall, 1),
            "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    for name, value in OFFLINE_VARIABLES.items():
        os.environ.setdefault(name, value)
    with tempfile.TemporaryDirectory(prefix="npr-load-") as tmp:
        os.environ["GRADIO_TEMP_DIR"] = str(Path(tmp) / "gradio-client")  # gradio_client writes here
        proc, url = start_app(Path(tmp))
        try:
            r = run_load(url, args.clients, args.seconds)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
    print(f"Load test — {r['clients']} gradio_client clients for {r['seconds']} s against app.py "
          f"on 127.0.0.1 ({os.cpu_count()} cores)")
    print(f"  requests answered  {r['requests']}")
    print(f"  errors             {r['errors']} {r['error_kinds'] or ''}")
    for line in r["error_samples"]:
        print(f"    {line}")
    print(f"  throughput         {r['throughput_rps']} answers/s")
    print(f"  latency p50 / p95  {r['p50_ms']} ms / {r['p95_ms']} ms (max {r['max_ms']} ms)")
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
