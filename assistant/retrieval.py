"""Dense + lexical hits fused into one ranking; and the LangChain retriever over it.

`HybridSearch.search(query, k)` ranks every chunk two ways, BM25 over Norwegian stems with the
glossary and fuzzy terms (lexical.py) and cosine similarity in Chroma (index.py), and fuses the
two rankings with weighted reciprocal rank fusion: score = sum(w / (RRF_K + rank)). The lexical
ranking weighs more because the only offline model is English. Each Hit also carries its
coverage: the idf-weighted share of the question's terms the chunk contains, which adds
COVERAGE_WEIGHT * coverage to the score and which the answerer uses to decide whether to answer.

No step is linear in the corpus per query beyond one numpy pass over the BM25 scores: the top
lexical candidates come from np.argpartition, and coverage is computed only for the fused
candidates (at most max(k, LEXICAL_CANDIDATES) lexical + max(k, DENSE_CANDIDATES) dense).
When the Chroma server is unreachable the search degrades to lexical only, with a warning,
and dense hits come back by themselves once the server answers again.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from .embedding import Embedder
from .index import IndexUnavailableError, VectorIndex
from .lexical import LexicalIndex, content_stems
from .records import Chunk, Hit, Query

RRF_K = 10
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.3
DENSE_CANDIDATES = 20
LEXICAL_CANDIDATES = 50
log = logging.getLogger(__name__)
COVERAGE_WEIGHT = 0.05
HEADING_WEIGHT = 0.02


def rrf(rankings: list[tuple[list[int], float]], k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists.

    rrf([([1, 2], 1.0), ([2], 0.5)], k=10) -> {1: 1/11, 2: 1/12 + 0.5/11}
    """
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def top_positive(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the n highest positive scores, best first (ties: lower index first).

    top_positive(np.array([0.0, 2.0, 1.0, 2.0]), 2) -> [1, 3]
    """
    idx = np.flatnonzero(scores > 0)
    if len(idx) > n:
        idx = idx[np.argpartition(-scores[idx], n - 1)[:n]]
    return sorted((int(i) for i in idx), key=lambda i: (-scores[i], i))


class HybridSearch:
    def __init__(self, chunks: list[Chunk], lexical: LexicalIndex, vectors: VectorIndex,
                 embedder: Embedder):
        self.chunks = chunks
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self.dense_down = False  # so an outage is logged once, not per question
        self._headings: dict[int, frozenset[str]] = {}

    def heading_terms(self, i: int) -> frozenset[str]:
        if i not in self._headings:
            chunk = self.chunks[i]
            self._headings[i] = frozenset(content_stems(f"{chunk.parent} {chunk.heading}"))
        return self._headings[i]

    def dense_text(self, query: Query) -> str:
        """The question plus its glossary words: gives the English model Norwegian anchors."""
        extra = [t for g in query.groups for t in g.terms[1:]]
        return " ".join([query.text, *extra])

    def search(self, query: Query, k: int) -> list[Hit]:
        lex = self.lexical.scores(query)
        lex_rank = top_positive(lex, max(k, LEXICAL_CANDIDATES))
        vector = self.embedder.embed([self.dense_text(query)])[0]
        dense = self._dense(vector, max(k, DENSE_CANDIDATES))
        cosine = {self.position[cid]: sim for cid, sim in dense if cid in self.position}
        fused = rrf([(lex_rank, LEXICAL_WEIGHT), (list(cosine), DENSE_WEIGHT)])
        # how much of the question a chunk covers decides between close ranks
        coverage = {i: self.lexical.coverage(query, self.lexical.doc_sets[i]) for i in fused}
        # ...and then whether its heading names what is asked ("Formålet med NPR")
        final = {i: fused[i] + COVERAGE_WEIGHT * coverage[i]
                 + HEADING_WEIGHT * self.lexical.coverage(query, self.heading_terms(i), generic=True)
                 for i in fused}
        ranked = sorted(final, key=lambda i: (-final[i], i))[:k]
        return [Hit(self.chunks[i], round(final[i], 6), round(float(lex[i]), 4),
                    round(cosine.get(i, 0.0), 4), round(coverage[i], 4))
                for i in ranked]

    def _dense(self, vector, n: int) -> list[tuple[str, float]]:
        """Dense candidates, or [] while the Chroma server is away (logged once per outage)."""
        try:
            found = self.vectors.search(vector, n)
        except IndexUnavailableError as exc:
            if not self.dense_down:
                log.warning("%s Answering from the lexical index only until it is back.", exc)
            self.dense_down = True
            return []
        if self.dense_down:
            log.warning("The Chroma server answers again; dense retrieval is back.")
        self.dense_down = False
        return found


class Retriever(BaseRetriever):
    """LangChain retriever over the NPR guidance: `Retriever(k=3).invoke("Hva koster det?")`.

    With no arguments it uses the bundled corpus, model and default data directory (building the
    index on first use). `invoke(query, k=2)` overrides k per call. Documents carry the chunk's
    source, section, offsets and scores in their metadata.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    k: int = 4
    assistant: Any = None
    _assistant: Any = PrivateAttr(default=None)

    def _engine(self):
        if self.assistant is not None:
            return self.assistant
        if self._assistant is None:
            from .service import Assistant

            self._assistant = Assistant()
        return self._assistant

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        k = int(kwargs.get("k", self.k))
        return [Document(page_content=h.chunk.text, id=h.chunk.id,
                         metadata={"source": h.chunk.source, "section": h.chunk.heading,
                                   "title": h.chunk.title, "start": h.chunk.start,
                                   "end": h.chunk.end, "score": h.score, "lexical": h.lexical,
                                   "dense": h.dense, "coverage": h.coverage})
                for h in self._engine().search(query, k=k)]
