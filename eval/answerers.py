"""What the harness asks: an Answerer turns questions into `assistant.Answer`s.

    Answerer            base class, one abstract method: answer_all(questions) -> [Answer]
    ├── CliAnswerer     runs `python -m assistant ask --json` once, questions as JSON Lines on
    │                   stdin (the same code path users get); ranks with the retriever
    ├── MockAnswerer    wraps a plain function question -> Answer; the test double
    └── LangChainBaseline (baseline.py) the textbook pipeline we compare against

`rank_all` is optional: the sections in retrieval order for each question, used for hit@k and
MRR. An answerer that returns None there is ranked by its answers' citations instead.
Deliberately left out: retries, timeouts per question, parallel processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import fields

from assistant.records import Answer, Citation
from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT

__all__ = ["Answerer", "CliAnswerer", "MockAnswerer", "EvalError", "answer_from_dict"]


class EvalError(RuntimeError):
    """The evaluation could not run; the message says what to fix."""


def answer_from_dict(data: dict) -> Answer:
    """An Answer from one line of `assistant ask --json` (unknown keys are ignored)."""
    cite_keys = {f.name for f in fields(Citation)}
    keys = {f.name for f in fields(Answer)} - {"citations"}
    cites = tuple(Citation(**{k: v for k, v in c.items() if k in cite_keys})
                  for c in data.get("citations") or ())
    return Answer(**{k: v for k, v in data.items() if k in keys}, citations=cites)


class Answerer(ABC):
    name = "answerer"

    @abstractmethod
    def answer_all(self, questions: Sequence[str]) -> list[Answer]:
        """One Answer per question, in order."""

    def rank_all(self, questions: Sequence[str]) -> list[tuple[str, ...]] | None:
        """Section headings in retrieval order per question, or None (rank by citations)."""
        return None


class MockAnswerer(Answerer):
    """MockAnswerer(lambda q: some_answer): any function becomes an answerer."""

    name = "mock"

    def __init__(self, handler: Callable[[str], Answer],
                 ranker: Callable[[str], Sequence[str]] | None = None):
        self.handler, self.ranker = handler, ranker

    def answer_all(self, questions):
        return [self.handler(q) for q in questions]

    def rank_all(self, questions):
        return None if self.ranker is None else [tuple(self.ranker(q)) for q in questions]


class CliAnswerer(Answerer):
    """`python -m assistant ask --json` in one subprocess for all questions.

    The subprocess inherits the environment (ASSISTANT_DATA_DIR etc.) plus the offline
    variables. With `retriever_ranks=True`, hit@k/MRR come from `Assistant.search` in this
    process: the retriever's full ranking, so a question the answer step abstains on still
    counts for retrieval.
    """

    name = "assistant"

    def __init__(self, python: str = sys.executable, retriever_ranks: bool = True,
                 timeout: float = 600.0):
        self.python, self.retriever_ranks, self.timeout = python, retriever_ranks, timeout

    def answer_all(self, questions):
        lines = [" ".join(q.split()) for q in questions]  # one question per line, always
        env = {**os.environ, **OFFLINE_VARIABLES}
        try:
            proc = subprocess.run([self.python, "-m", "assistant", "ask", "--json"],
                                  input="\n".join(lines) + "\n", capture_output=True, text=True,
                                  encoding="utf-8", cwd=REPO_ROOT, env=env, timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            raise EvalError(f"`assistant ask --json` took over {self.timeout:.0f} s for "
                            f"{len(lines)} questions; run it by hand to see where it hangs.") from exc
        out = [line for line in proc.stdout.splitlines() if line.strip()]
        if proc.returncode != 0 or len(out) != len(lines):
            tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
            raise EvalError(f"`python -m assistant ask --json` exited {proc.returncode} with "
                            f"{len(out)} of {len(lines)} answers. Its last words:\n{tail}\n"
                            "Fix the assistant (try `assistant ask \"Hva koster det?\"`) and rerun.")
        return [answer_from_dict(json.loads(line)) for line in out]

    def rank_all(self, questions):
        if not self.retriever_ranks:
            return None
        from assistant import Assistant

        assistant = Assistant()
        k = len(assistant.chunks)
        return [tuple(dict.fromkeys(h.chunk.heading for h in assistant.search(q, k=k)))
                for q in questions]
