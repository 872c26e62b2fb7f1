"""`python -m bench.inbox` (`make bench-inbox`, also run by `make bench`): `assistant inbox` on
500 generated applicant e-mails, first in a Maildir, then through IMAP against a local Dovecot.

Each run is the real CLI in a new process (model load included), timed from start to exit;
a second run over the same mailbox must write 0 drafts. The e-mails ask 1-3 of the benchmark
questions (bench/questions.txt) each; one in 25 is an auto-reply and one in 25 list mail, so
the skip path is timed too. Targets (issue 11): Maildir <= 60 s, IMAP <= 120 s.

    python -m bench.inbox                 both
    python -m bench.inbox --n 100 --no-imap
Deliberately left out: TLS (loopback), and anything beyond this machine.
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

from .stats import questions

SENDER = "Brukerstøtte NPR <helseregistre@helsedir.no>"
NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Haugen", "John Smith", "Lise Berg", "Per Olsen"]


def applicant_mails(n: int) -> list[bytes]:
    """n e-mails: 1-3 benchmark questions each; every 25th an auto-reply, every 25th+1 list mail."""
    qs = questions(3 * n)
    out = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        extra = "Auto-Submitted: auto-replied\n" if i % 25 == 0 else "List-Id: <nyheter.example.no>\n" \
            if i % 25 == 1 else ""
        body = "Hei!\n\nVi planlegger et prosjekt. " + " ".join(qs[3 * i: 3 * i + 1 + i % 3]) + \
               f"\n\nMvh\n{name}\n"
        out.append((f"From: {name} <applicant{i}@example.no>\nTo: helseregistre@helsedir.no\n"
                    f"Subject: Spørsmål {i}\nDate: Thu, 5 Mar 2026 13:{i % 60:02d}:00 +0100\n"
                    f"Message-ID: <bench{i}@example.no>\n{extra}MIME-Version: 1.0\n"
                    f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}")
                   .encode("utf-8"))
    return out


def run_cli(args: list[str], env: dict) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assistant", "inbox", *args, "--json"], env=env,
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=1800)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"assistant inbox {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1]), elapsed


def measure(kind: str, args: list[str], env: dict, target: float) -> dict:
    first, first_s = run_cli(args, env)
    second, second_s = run_cli(args, env)
    row = {"kind": kind, "wall_s": round(first_s, 1), "in_run_s": first["seconds"], "read": first["read"],
           "drafted": first["drafted"], "manual": first["manual"], "skipped": first["skipped_total"],
           "second_wall_s": round(second_s, 1), "second_drafted": second["drafted"], "target_s": target}
    row["ok"] = first_s <= target and second["drafted"] == 0
    print(f"  measured {kind}: {row}", file=sys.stderr)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="e-mails in the mailbox (500)")
    parser.add_argument("--no-imap", action="store_true", help="the Maildir run only")
    args = parser.parse_args(argv)
    mails = applicant_mails(args.n)
    rows = []
    with tempfile.TemporaryDirectory(prefix="npr-bench-inbox-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, **OFFLINE_VARIABLES, "ASSISTANT_INBOX_FROM": SENDER,
               "ASSISTANT_DATA_DIR": str(tmp / "data")}
        # the index is built once beforehand: the figures are the inbox's, not a first build's
        subprocess.run([sys.executable, "-m", "assistant", "index"], env=env, cwd=REPO_ROOT, check=True,
                       capture_output=True, timeout=1800)
        root = tmp / "Maildir"
        for d in ("new", "cur", "tmp"):
            (root / d).mkdir(parents=True)
        for i, raw in enumerate(mails):
            (root / "new" / f"{1700000000 + i}.M{i}P1.bench").write_bytes(raw)
        rows.append(measure("Maildir", ["--maildir", str(root)], env, 60))
        if not args.no_imap:
            sys.path.insert(0, str(REPO_ROOT / "tests"))
            from dovecotserver import Dovecot

            with Dovecot() as server:
                server.append_many("INBOX", mails)
                imap_env = {**env, "ASSISTANT_IMAP_USER": server.user, "ASSISTANT_IMAP_PASSWORD": server.password}
                rows.append(measure("IMAP (local Dovecot)", ["--imap", server.url], imap_env, 120))

    print(f"\nassistant inbox on {args.n} e-mails — {os.cpu_count()} cores, Python {sys.version.split()[0]} "
          "(new process each run, model load included)")
    for r in rows:
        print(f"  {r['kind']}: {r['wall_s']:.1f} s (in the run {r['in_run_s']:.1f} s), {r['drafted']} drafted "
              f"({r['manual']} need a human), {r['skipped']} skipped; second run {r['second_wall_s']:.1f} s, "
              f"{r['second_drafted']} drafts; target <= {r['target_s']} s and 0: "
              f"{'OK' if r['ok'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
