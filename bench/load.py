"""Load test: `python -m bench.load` (or `make load`) — many clients of the JSON API and of Gradio at once.

Starts the real app (`python app.py`) on a free 127.0.0.1 port with a temp data dir, waits
(bounded) until it answers, then, one run after the other in the same app, CLIENTS threads ask
for SECONDS each: through POST /api/v1/ask (one kept-alive connection per client), through
gradio_client's /ask, and through /api/v1/ask again with every question new (so every answer
pays for its question embedding). Prints errors, latency p50/p95/max and throughput per run,
and stops the app it started. A benchmark that prints figures, not a test.

    python -m bench.load                       50 clients, 60 s per run
    python -m bench.load --clients 10 --seconds 20 --paths api
Deliberately left out: ramp-up schedules and remote hosts (loopback only, never the network).
"""

from __future__ import annotations

import argparse
import json
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

from .stats import percentile, questions, stop

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
        try:  # the JSON API answers first; the Gradio path is driven too, so wait for the page
            if json.loads(urllib.request.urlopen(url + "api/v1/health", timeout=2).read()).get("ui") == "ready":
                return proc, url
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    proc.wait(timeout=30)
    raise RuntimeError(f"app.py did not answer on {url} within {START_TIMEOUT} s")


def _api_caller(url: str):
    """One client of /api/v1/ask: a kept-alive HTTP connection; returns ask(question) -> dict."""
    import http.client
    import json

    host, port = url.split("//")[1].rstrip("/").split(":")
    conn = [None]

    def ask(question: str) -> dict:
        body = json.dumps({"question": question}).encode()
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again, once
            if conn[0] is None:
                conn[0] = http.client.HTTPConnection(host, int(port), timeout=120)
            try:
                conn[0].request("POST", "/api/v1/ask", body, {"Content-Type": "application/json"})
                response = conn[0].getresponse()
                data = response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
                return json.loads(data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn[0].close()
                conn[0] = None
                if attempt == 2:
                    raise
    return ask


def _gradio_caller(url: str):
    from gradio_client import Client

    client = Client(url, verbose=False)
    return lambda question: client.predict(question, api_name="/ask")


def run_load(url: str, clients: int, seconds: float, path: str = "api", distinct: bool = False) -> dict:
    """`clients` threads asking for `seconds`: through /api/v1/ask (path "api") or gradio_client
    ("gradio"). The 54 benchmark questions cycle, so after the first pass their vectors are in the
    assistant's cache; distinct=True makes every question new (a number appended), so each one
    costs a model call."""
    qs = questions(200)
    latencies: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []  # the first few errors in full, to say what went wrong
    lock = threading.Lock()
    stop_at = [0.0]  # set when every client is connected: the clock starts for all at once
    start = threading.Barrier(clients + 1, action=lambda: stop_at.__setitem__(0, time.monotonic() + seconds))
    counter = iter(range(10**9))

    def worker(n: int) -> None:
        try:
            call = _api_caller(url) if path == "api" else _gradio_caller(url)
        except Exception as exc:  # counted, not raised: the figure is how many fail
            with lock:
                errors[f"connect: {type(exc).__name__}"] += 1
            call = None
        start.wait()
        i = n
        while call is not None and time.monotonic() < stop_at[0]:
            question = qs[i % len(qs)] + (f" (spørsmål {next(counter)})" if distinct else "")
            t = time.perf_counter()
            try:
                answer = call(question)
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
    return {"path": path, "distinct": distinct, "clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
            "errors": sum(errors.values()), "error_kinds": dict(errors), "error_samples": samples[:5],
            "throughput_rps": round(len(latencies) / wall, 1),
            "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None}


def _report(r: dict) -> None:
    what = ("POST /api/v1/ask (http.client, kept-alive)" if r["path"] == "api" else "gradio_client /ask")
    print(f"  {what}{', every question new' if r['distinct'] else ''}")
    print(f"    requests answered  {r['requests']}")
    print(f"    errors             {r['errors']} {r['error_kinds'] or ''}")
    for line in r["error_samples"]:
        print(f"      {line}")
    print(f"    throughput         {r['throughput_rps']} answers/s")
    print(f"    latency p50 / p95  {r['p50_ms']} ms / {r['p95_ms']} ms (max {r['max_ms']} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--paths", default="api,gradio,api-distinct",
                        help="which runs, in order: api, gradio, api-distinct (comma-separated)")
    args = parser.parse_args(argv)
    for name, value in OFFLINE_VARIABLES.items():
        os.environ.setdefault(name, value)
    results = []
    with tempfile.TemporaryDirectory(prefix="npr-load-") as tmp:
        os.environ["GRADIO_TEMP_DIR"] = str(Path(tmp) / "gradio-client")  # gradio_client writes here
        proc, url = start_app(Path(tmp))
        try:
            for run in args.paths.split(","):
                path, _, distinct = run.strip().partition("-")
                results.append(run_load(url, args.clients, args.seconds, path=path, distinct=bool(distinct)))
        finally:
            stop(proc)
    print(f"Load test — {args.clients} clients for {args.seconds:.0f} s each run, against app.py on "
          f"127.0.0.1 ({os.cpu_count()} cores), in one run of the app")
    for r in results:
        _report(r)
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
