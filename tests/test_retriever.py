"""The LangChain retriever: LangChain's own standard tests, plus what our metadata promises."""

from typing import Type

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant import Retriever
from assistant.retrieval import rrf


def test_rrf_literal():
    fused = rrf([([1, 2], 1.0), ([2], 0.5)], k=10)
    assert fused == pytest.approx({1: 1 / 11, 2: 1 / 12 + 0.5 / 11})


class TestRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> Type[Retriever]:
        return Retriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {}  # no arguments: bundled corpus, bundled model, default (temp) data dir

    @property
    def retriever_query_example(self) -> str:
        return "Hva koster det?"


def test_retriever_documents_carry_citations(assistant):
    docs = Retriever(k=3, assistant=assistant).invoke("Hvor lang tid tar det å få data?")
    assert len(docs) == 3
    top = docs[0]
    assert top.metadata["section"] == "Leveringsfrister"
    assert top.metadata["source"] == "corpus/npr_guidance_no.txt"
    assert "60 dager" in top.page_content
    assert docs[0].metadata["score"] >= docs[1].metadata["score"] >= docs[2].metadata["score"]
