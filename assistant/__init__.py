"""The NPR data-access assistant: grounded, cited answers from the Norsk pasientregister guidance.

    from assistant import Assistant, Retriever
    Assistant().ask("Hva koster det?").answer
    Retriever(k=3).invoke("Hvor lang tid tar det?")
"""

from .settings import offline_environment

offline_environment()  # before anything imports huggingface, gradio or onnxruntime

from .errors import AssistantError, ConfigError, CorpusError, IndexBuildError, ModelError  # noqa: E402
from .records import Answer, Chunk, Citation, Hit, Related, Section  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["Assistant", "Retriever", "Answer", "Citation", "Related", "Chunk", "Hit", "Section", "Settings",
           "AssistantError", "ConfigError", "CorpusError", "IndexBuildError", "ModelError"]


def __getattr__(name):
    # heavy imports (torch, chromadb, langchain) wait until they are used
    if name == "Assistant":
        from .service import Assistant

        return Assistant
    if name == "Retriever":
        from .langchain_retriever import Retriever

        return Retriever
    raise AttributeError(name)
