"""A mailbox's new applicant e-mails -> one reply draft each in its Drafts folder, once.

    summary = Mailroom(box, drafter, sender="Brukerstøtte <helseregistre@helsedir.no>",
                       data_dir=settings.data_dir).run()
    summary.line() -> "inbox maildir /srv/mail: read 3, drafted 2 (1 needs a human), skipped 1 (list 1), already done 40; 1.2 s"
    Mailroom(...).watch(stop, interval=60, report=print)   # IDLE or polling, reconnects with backoff

Idempotent and crash-safe, keyed on Message-ID: an e-mail is done when its key is in the local
state file (data dir/inbox/<mailbox>.jsonl, one fsynced line per e-mail, keys hashed so no
Message-ID is stored) *or* a draft or reply for it is in the Drafts (or Sent) folder, which is
read at the start of every pass: a lost state file or a kill -9 between APPEND and the state
line duplicates nothing. A key holding a personal number ("<15038512363@example.no>") is hashed
with the installation's secret (privacy.secret_key: a plain hash of it is undone by trying every
number) and its draft names it by that token ("<TOKEN@masked.assistant.invalid>", which hashes
back to TOKEN) instead of threading: no In-Reply-To or References, which would need it in clear.
One process per mailbox (a lock file). Every draft written is also appended to
data dir/inbox/queue.jsonl (subject and questions masked) for the staff app.
Deliberately left out: sending, and any per-user queue (the team shares one mailbox).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .errors import AssistantError, MailError
from .inbox import read_mail
from .incoming import ConnectionLost, ServerUnreachable
from .privacy import keyed_token, mask_personal_numbers, secret_key
from .replies import MAX_BYTES, SKIP_REASONS, TOKEN_KEY, needs_human, parse, message_key, reply_message, skip_reason

__all__ = ["Mailroom", "Summary", "read_queue", "BACKOFF_CAP"]

log = logging.getLogger(__name__)
BACKOFF_CAP = 300.0  # seconds between reconnect attempts, at most


@dataclass
class Summary:
    mailbox: str
    read: int = 0  # e-mails looked at this run (drafted + skipped)
    drafted: int = 0
    manual: int = 0  # of the drafted: need a human (a question the guidance does not cover)
    already: int = 0  # done on an earlier run (a draft, a reply or a state line exists)
    skipped: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    stopped: bool = False  # SIGTERM came mid-run; the rest waits for the next run

    def line(self) -> str:
        """One line for the log: what was read, drafted, skipped (with reasons) and already done."""
        reasons = ", ".join(f"{r} {self.skipped[r]}" for r in SKIP_REASONS if self.skipped[r])
        human = f" ({self.manual} need{'s' if self.manual == 1 else ''} a human)" if self.manual else ""
        return (f"inbox {self.mailbox}: read {self.read}, drafted {self.drafted}{human}, "
                f"skipped {sum(self.skipped.values())}{f' ({reasons})' if reasons else ''}, "
                f"already done {self.already}; {self.seconds:.1f} s" + ("; stopped early" if self.stopped else ""))

    def to_dict(self) -> dict:
        return {"mailbox": self.mailbox, "read": self.read, "drafted": self.drafted, "manual": self.manual,
                "skipped": {r: self.skipped[r] for r in SKIP_REASONS if self.skipped[r]},
                "skipped_total": sum(self.skipped.values()), "already": self.already,
                "seconds": round(self.seconds, 2), "stopped": self.stopped}


def key_hash(key: str, secret: bytes) -> str:
    """What an e-mail's key is stored and compared as (32 hex digits), never the key itself.

    key_hash("<m1@x.no>", secret) -> sha256 of the key (as state files have always held it);
    key_hash("<15038512363@x.no>", secret) -> its keyed token T (a plain hash would give the number away);
    key_hash("<T@masked.assistant.invalid>", secret) -> T, so the draft named so matches its e-mail
    """
    key = key.strip()
    named = TOKEN_KEY.fullmatch(key)
    if named:
        return named[1]
    if mask_personal_numbers(key) != key:
        return keyed_token(key, secret)
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class State:
    """The keys (hashed) of e-mails handled, one JSON line each, fsynced; a torn last line is ignored."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def keys(self) -> set[str]:
        keys = set()
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    keys.add(json.loads(line)["key"])
                except (ValueError, KeyError, TypeError):  # a line cut short by a kill -9
                    continue
        return keys

    def add(self, key_hash: str, outcome: str) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"key": key_hash, "outcome": outcome}) + "\n")
            f.flush()
            os.fsync(f.fileno())


def read_queue(data_dir: Path, limit: int = 50) -> list[dict]:
    """The latest drafts written by `assistant inbox`, newest first (from data dir/inbox/queue.jsonl)."""
    path = Path(data_dir) / "inbox" / "queue.jsonl"
    if not path.exists():
        return []
    with path.open("rb") as f:  # the tail only: the file grows by a line per draft, for years
        f.seek(max(0, path.stat().st_size - 4096 * limit))
        tail = f.read().decode("utf-8", errors="replace")
    rows = []
    for line in tail.splitlines()[-limit:]:
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows[::-1]


class Mailroom:
    """Drafts replies for one mailbox (a mailboxes.MaildirBox or ImapBox) with one drafting.Drafter."""

    def __init__(self, box, drafter, sender: str, data_dir: Path, since: date | None = None):
        self.box, self.drafter, self.sender, self.since = box, drafter, sender, since
        self.secret = secret_key(Path(data_dir))  # made on the first run; ConfigError before any work
        folder = Path(data_dir) / "inbox"
        self.state = State(folder / f"{self._hash(box.label)[:16]}.jsonl")
        self.queue = folder / "queue.jsonl"
        self.lock_path = folder / f"{self._hash(box.label)[:16]}.lock"
        self._lock = None
        self._key = ""  # the e-mail at hand, for the record when it fails

    def _hash(self, key: str) -> str:
        return key_hash(key, self.secret)

    def lock(self) -> None:
        """One process per mailbox; raises MailError when another holds it."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise MailError(f"Another `assistant inbox` is already working on {self.box.label}; "
                            "stop it first (one process per mailbox).")
        self._lock = handle

    def run(self, stop: threading.Event | None = None) -> Summary:
        """One pass over the mailbox (already connected); raises ConnectionLost if the server goes."""
        stop = stop or threading.Event()
        started = time.perf_counter()
        summary = Summary(self.box.label)
        done = self.state.keys() | {self._hash(k) for k in self.box.done_keys()}
        try:
            for incoming in self.box.messages(self.since):
                if stop.is_set():
                    summary.stopped = True
                    break
                if incoming.message_id and self._hash(incoming.message_id) in done:
                    summary.already += 1
                    continue
                self._key = incoming.message_id or f"<{incoming.ref}@no-key.invalid>"
                try:
                    outcome = self._one(incoming, done, summary)
                except (AssistantError, OSError):  # the server, the index, the disk: the next run retries
                    raise
                except Exception as exc:  # this e-mail trips a bug: record it, never loop on it forever
                    log.warning("e-mail %s in %s could not be drafted (%s: %s); it is counted as failed and "
                                "not tried again", mask_personal_numbers(incoming.message_id or incoming.ref),
                                self.box.label, type(exc).__name__, mask_personal_numbers(str(exc))[:200])
                    outcome = self._skip(self._hash(self._key), "failed", done, summary)
                if outcome != "already":
                    summary.read += 1
        finally:
            summary.seconds = time.perf_counter() - started
        return summary

    def _one(self, incoming, done: set[str], summary: Summary) -> str:
        if incoming.size > MAX_BYTES:  # never downloaded
            key = incoming.message_id or f"<{incoming.ref}@too-large.invalid>"
            return self._skip(self._hash(key), "too_large", done, summary)
        raw = incoming.load()
        msg = parse(raw)
        key = self._key = message_key(msg, raw)
        if self._hash(key) in done:
            summary.already += 1
            return "already"
        reason = skip_reason(msg, incoming.size, self.sender, incoming.flags)
        mail = None
        if reason is None:
            try:
                mail = read_mail(raw, eml=True)
            except (MailError, LookupError, ValueError, UnicodeError):
                reason = "undecodable"
        if reason:
            return self._skip(self._hash(key), reason, done, summary)
        draft = self.drafter.draft(mail)
        manual = needs_human(draft)
        reply = reply_message(msg, key, draft, mail.text, self.sender, token=self._hash(key))
        self.box.add_draft(reply.as_bytes(), manual)
        self.state.add(self._hash(key), "drafted")
        done.add(self._hash(key))
        summary.drafted += 1
        summary.manual += manual
        self._queue(reply, draft, manual)
        return "drafted"

    def _skip(self, key_hash: str, reason: str, done: set[str], summary: Summary) -> str:
        self.state.add(key_hash, reason)
        done.add(key_hash)
        summary.skipped[reason] += 1
        return reason

    def _queue(self, reply, draft, manual: bool) -> None:
        row = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "mailbox": self.box.label,
               "subject": mask_personal_numbers(str(reply["Subject"])), "to": mask_personal_numbers(str(reply["To"])),
               "questions": len(draft.items), "manual": manual,
               "manual_questions": [mask_personal_numbers(q) for q in draft.manual]}
        with self.queue.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    def watch(self, stop: threading.Event, interval: float = 60.0, report=None, backoff: float = 1.0) -> int:
        """Pass after pass until `stop` is set; each pass's Summary goes to `report` when it read
        something (and the first one always). Connects when not connected; after ConnectionLost or
        an unreachable server it waits `backoff` seconds, doubled each failure up to BACKOFF_CAP.
        LoginFailed and a missing folder end it (raised). Returns the number of passes."""
        passes, wait, failed = 0, backoff, False
        while not stop.is_set():
            try:
                if getattr(self.box, "client", True) is None:
                    self.box.connect()
                    if failed:
                        log.warning("reconnected to %s", self.box.label)
                summary = self.run(stop)
                passes += 1
                if report and (passes == 1 or summary.read):
                    report(summary)
                wait, failed = backoff, False
                if not stop.is_set():
                    self.box.wait(stop, interval)
            except (ConnectionLost, ServerUnreachable) as exc:
                log.warning("%s Retrying in %.0f s.", exc, wait)
                self.box.close()
                failed = True
                stop.wait(wait)
                wait = min(wait * 2, BACKOFF_CAP)
        return passes
