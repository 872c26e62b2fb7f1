"""The Assistant: one object that owns the corpus, the indexes and the model, and answers.

    Assistant().ask("Hva koster det?") -> Answer(answer="• Pris per time NOK 1100,- eks. mva. ...")

Every edge (CLI, app, drafter, eval) calls `ask` or `search`; none re-implements a step.
Construction loads the corpus, builds the lexical index in memory and opens (or builds) the
dense index on disk; that is the cold start. `ask` never raises for a bad question: empty,
too long or unreadable input gets an abstaining Answer with a clear message.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from .answering import abstain, compose
from .chunking import chunk_sections
from .corpus import load_documents, load_sections
from .embedding import Embedder, load_embedder
from .index import IndexStore
from .glossary import Glossary
from .lexical import LexicalIndex
from .questions import detect_language, split_questions, statements
from .privacy import mask_personal_numbers
from .records import Answer, Hit, Query
from .retrieval import HybridSearch
from .settings import Settings

log = logging.getLogger(__name__)
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# controls, bidi overrides, and lone surrogates (JSON can carry "\ud800"; the tokenizer and
# UTF-8 output both choke on them)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_question(text) -> str | None:
    """Printable text with single spaces, or None when it cannot be read as text.

    clean_question("  Hva\\x00 koster\\n det? ") -> "Hva koster det?"
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str):
        return None
    return " ".join(CONTROL.sub(" ", ANSI.sub("", text)).split())


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        started = time.perf_counter()
        self.documents = load_documents(self.settings.corpus_dir)
        self.sections = load_sections(self.documents)
        self.chunks = chunk_sections(self.sections)
        self.lexical = LexicalIndex([c.search_text for c in self.chunks],
                                    Glossary.load(self.settings.corpus_dir))
        self.embedder = embedder or load_embedder(self.settings.model_name)
        self.store = IndexStore(self.settings.data_dir, self.settings.chroma_url)
        self.vectors, self.built = self.store.open(self.chunks, self.embedder)
        self.engine = HybridSearch(self.chunks, self.lexical, self.vectors, self.embedder)
        self.startup_seconds = time.perf_counter() - started

    def rebuild(self) -> dict:
        """Force a new dense index build; returns its manifest."""
        self.vectors, self.built = self.store.open(self.chunks, self.embedder, force=True)
        self.engine = HybridSearch(self.chunks, self.lexical, self.vectors, self.embedder)
        return self.vectors.manifest

    def analyze(self, question: str, context: str = "") -> Query:
        """The Query for a question; `context` (an earlier question) adds weaker terms."""
        query = self.lexical.analyze(question)
        if context:
            before = self.lexical.analyze(context)
            own = {g.label for g in query.groups}
            extra = tuple(replace(g, weights=tuple(w * 0.5 for w in g.weights), context=True)
                          for g in before.groups if g.label not in own)
            query = replace(query, groups=query.groups + extra)
        return query

    def search(self, question: str, k: int | None = None, context: str = "") -> list[Hit]:
        text = clean_question(question) or ""
        return self.engine.search(self.analyze(text, context), k or self.settings.top_k)

    def ask(self, question, context: str = "") -> Answer:
        """The grounded answer to one question (never raises for bad input)."""
        started = time.perf_counter()
        text = clean_question(question)
        if text is None:
            answer = abstain("", "nb", "invalid")
        else:
            shown = mask_personal_numbers(text)
            lang = detect_language(text)
            limit = self.settings.max_question_chars
            if not text:
                answer = abstain("", lang, "empty")
            elif len(text) > limit:
                answer = abstain(shown[:200] + "…", lang, "too_long", length=len(text), limit=limit)
            else:
                k = max(self.settings.top_k, 5)
                parts = []
                # what the asker says around the question ("Vi trenger data til planlegging.")
                # steers it like an earlier question would
                around = " ".join(x for x in (statements(shown), context) if x)
                for part in split_questions(shown):
                    query = self.analyze(part, around)
                    if not any(not g.context for g in query.groups):
                        # "Hvor gjør jeg det?" after "Jeg vil se hva som er registrert om meg.":
                        # the statement is what is asked about
                        query = self.analyze(f"{part} {statements(shown)}", context)
                    parts.append((query, self.engine.search(query, k)))
                answer = compose(shown, lang, parts, self.lexical, self.settings.min_confidence)
        return replace(answer, latency_ms=round((time.perf_counter() - started) * 1000, 2))
