"""The LangChain retriever over the assistant: the only module that imports langchain-core.

    Retriever(k=3).invoke("Hva koster det?") -> [Document(page_content="• Pris per time …", …)]
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from .service import Assistant


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

    def _engine(self) -> Assistant:
        if self.assistant is not None:
            return self.assistant
        if self._assistant is None:
            self._assistant = Assistant()
        return self._assistant

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        k = int(kwargs.get("k", self.k))
        return [Document(page_content=h.chunk.text, id=h.chunk.id,
                         metadata={"source": h.chunk.source, "section": h.chunk.heading,
                                   "title": h.chunk.title, "start": h.chunk.start,
                                   "end": h.chunk.end, "score": h.score, "lexical": h.lexical,
                                   "dense": h.dense, "coverage": h.coverage, "example": h.example})
                for h in self._engine().search(query, k=k)]
