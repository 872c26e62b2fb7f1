"""Dense + lexical hits fused into one ranking; and the LangChain retriever over it.

`HybridSearch.search(query, k)` ranks every chunk two ways, BM25 over Norwegian stems with the
glossary and fuzzy terms (lexical.py) and cosine similarity in Chroma (index.py), and fuses the
two rankings with weighted reciprocal rank fusion: score = sum(w / (RRF_K + rank)). The lexical
ranking weighs more because the only offline model is English. Each Hit also carries its
coverage: the idf-weighted share of the question's terms the chunk contains, which adds
COVERAGE_WEIGHT * coverage to the score and which the answerer uses to decide whether to answer.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from .embedding import Embedder
from .index import VectorIndex
from .lexical import LexicalIndex
from .records import Chunk, Hit, Query

RRF_K = 10
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.3
DENSE_CANDIDATES = 20
COVERAGE_WEIGHT = 0.05


def rrf(rankings: list[tuple[list[int], float]], k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists.

    rrf([([1, 2], 1.0), ([2], 0.5)], k=10) -> {1: 1/11, 2: 1/12 + 0.5/11}
    """
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class HybridSearch:
    def __init__(self, chunks: list[Chunk], lexical: LexicalIndex, vectors: VectorIndex,
                 embedder: Embedder):
        self.chunks = chunks
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.position = {c.id: i for i, c in enumerate(chunks)}

    def dense_text(self, query: Query) -> str:
        """The question plus its glossary words: gives the English model Norwegian anchors."""
        extra = [t for g in query.groups for t in g.terms[1:]]
        return " ".join([query.text, *extra])

    def search(self, query: Query, k: int) -> list[Hit]:
        lex = self.lexical.scores(query)
        lex_rank = [int(i) for i in lex.argsort()[::-1] if lex[i] > 0]
        vector = self.embedder.embed([self.dense_text(query)])[0]
        dense = self.vectors.search(vector, max(k, DENSE_CANDIDATES))
        cosine = {self.position[cid]: sim for cid, sim in dense if cid in self.position}
        fused = rrf([(lex_rank, LEXICAL_WEIGHT), (list(cosine), DENSE_WEIGHT)])
        # how much of the question a chunk covers decides between close ranks
        coverage = {i: self.lexical.coverage(query, self.lexical.doc_sets[i]) for i in fused}
        final = {i: fused[i] + COVERAGE_WEIGHT * coverage[i] for i in fused}
        ranked = sorted(final, key=lambda i: (-final[i], i))[:k]
        return [Hit(self.chunks[i], round(final[i], 6), round(float(lex[i]), 4),
                    round(cosine.get(i, 0.0), 4), round(coverage[i], 4))
                for i in ranked]


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
