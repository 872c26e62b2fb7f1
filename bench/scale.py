"""One scale of the benchmark, in its own process: `python -m bench.scale CORPUS DATA`.

Starts an Assistant on CORPUS with an empty DATA dir (so it builds the index), then asks the
benchmark questions warm, and prints one JSON object:
    {"chunks": 2100, "documents": 100, "build_s": 41.2, "start_s": 44.0, "p50_ms": 15.1, "p95_ms": 22.3}
The parent reads this process's peak RSS from os.wait4, so scales never share a heap.
Deliberately left out: the cold start of a second process (the 1x figures in __main__ have it).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def measure(corpus: Path, data: Path, n_questions: int) -> dict:
    from assistant import Assistant, Settings

    from .stats import WARM_UP, percentile, questions

    from assistant import tuning

    tuning.QUERY_CACHE = 0  # the questions cycle: time the model every time, never the embedding cache
    started = time.perf_counter()
    assistant = Assistant(Settings.from_env().with_(corpus_dir=corpus, data_dir=data))
    start_s = time.perf_counter() - started
    qs = questions(n_questions)
    for q in WARM_UP:
        assistant.ask(q)  # warm-up: first calls pay for lazy initialisation (not the timed questions:
        # the assistant keeps recent question embeddings, and a repeat would time the cache)
    latencies = []
    for q in qs:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - t) * 1000)
    return {"chunks": len(assistant.chunks), "documents": len(assistant.documents),
            "chars": sum(len(d.text) for d in assistant.documents),
            "build_s": assistant.vectors.manifest["build_seconds"], "start_s": round(start_s, 3),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p95_ms": round(percentile(latencies, 0.95), 2)}


def main(argv: list[str]) -> int:
    corpus, data = Path(argv[0]), Path(argv[1])
    n = int(argv[2]) if len(argv) > 2 else 200
    print(json.dumps(measure(corpus, data, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
