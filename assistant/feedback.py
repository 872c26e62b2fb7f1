"""Thumbs up/down on answers, kept in a local SQLite file; thumbs-down exported as eval cases.

    store = FeedbackStore.for_settings(settings)          # <data_dir>/feedback.sqlite3
    store.record(answer, liked=False, session="a1b2", message=1)
    store.cases() -> [{"id": "feedback-1", "question": "Hva koster det?", ..., "source": "feedback"}]

One row per (session, message): a later vote on the same answer replaces the earlier one and a
withdrawn vote (Gradio sends liked="") deletes it, so the file holds what users think now.
Personal numbers are masked before anything is written. A file that is not a readable database
is a FeedbackError naming it. Deliberately left out: who voted (no
user names, no IP addresses), free-text comments, and any network sync.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from .errors import FeedbackError
from .privacy import mask_personal_numbers
from .records import Answer

__all__ = ["FeedbackStore", "rating", "write_jsonl"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY,
    created    TEXT NOT NULL,
    rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    session    TEXT NOT NULL,
    message    INTEGER NOT NULL,
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    lang       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    confidence REAL NOT NULL,
    citations  TEXT NOT NULL,
    UNIQUE (session, message)
)
"""


def rating(liked) -> str | None:
    """Gradio's LikeData.liked as a rating: True -> "up", False -> "down", "" (withdrawn) -> None."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None


class FeedbackStore:
    FILE_NAME = "feedback.sqlite3"

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def for_settings(cls, settings) -> "FeedbackStore":
        return cls(Path(settings.data_dir) / cls.FILE_NAME)

    def _connect(self) -> sqlite3.Connection:
        # a connection per call: Gradio runs handlers on many threads, sqlite3 objects are per-thread
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=10)
            conn.execute(SCHEMA)
        except sqlite3.DatabaseError as exc:  # OperationalError too: a file that is not SQLite
            if conn is not None:
                conn.close()
            raise self._unreadable(exc) from exc
        return conn

    def _unreadable(self, exc: Exception) -> FeedbackError:
        return FeedbackError(f"The feedback file {self.path} cannot be read ({type(exc).__name__}: {exc}). "
                             "Move it aside (e.g. rename it to feedback.broken.sqlite3); a new one is "
                             "started with the next vote.")

    def record(self, answer: Answer, liked, session: str, message: int) -> str | None:
        """Store (or replace, or withdraw) the vote on one answer; returns the rating stored."""
        vote = rating(liked)
        with closing(self._connect()) as conn, conn:
            if vote is None:
                conn.execute("DELETE FROM feedback WHERE session = ? AND message = ?",
                             (session, message))
                return None
            citations = json.dumps([asdict(c) for c in answer.citations], ensure_ascii=False)
            conn.execute(
                "INSERT INTO feedback (created, rating, session, message, question, answer, lang,"
                " reason, confidence, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                # a cleared chat reuses message numbers, so a conflict replaces the whole row
                " ON CONFLICT (session, message) DO UPDATE SET created = excluded.created,"
                " rating = excluded.rating, question = excluded.question, answer = excluded.answer,"
                " lang = excluded.lang, reason = excluded.reason, confidence = excluded.confidence,"
                " citations = excluded.citations",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"), vote, session, message,
                 mask_personal_numbers(answer.question), mask_personal_numbers(answer.answer),
                 answer.lang, answer.reason, answer.confidence, mask_personal_numbers(citations)))
        return vote

    def rows(self, vote: str | None = None) -> list[dict]:
        """Stored votes, oldest first (all, or only "up" / "down")."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            sql = "SELECT * FROM feedback" + (" WHERE rating = ?" if vote else "") + " ORDER BY id"
            try:
                return [dict(r) for r in conn.execute(sql, (vote,) if vote else ())]
            except sqlite3.DatabaseError as exc:  # a table of another shape, a page that is garbage
                raise self._unreadable(exc) from exc

    def cases(self) -> list[dict]:
        """Thumbs-down answers in the eval's case format; the support team fills in facts/section."""
        return [{"id": f"feedback-{r['id']}", "question": r["question"], "lang": r["lang"],
                 "answerable": None, "facts": [], "section": None, "source": "feedback",
                 "answer_given": r["answer"]} for r in self.rows("down")]


def write_jsonl(cases: list[dict], out) -> int:
    """One JSON object per line to a text stream; returns how many were written."""
    for case in cases:
        out.write(json.dumps(case, ensure_ascii=False) + "\n")
    return len(cases)
