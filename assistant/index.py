"""The dense index: chunks embedded into a Chroma store on disk, rebuilt only when needed.

Layout under the data directory:
    index/manifest.json      which build is live, and the fingerprint it was built from
    index/builds/<id>/       one Chroma PersistentClient folder per build
    index/build.lock         held while a build runs (two processes never build at once)

The fingerprint hashes the chunks (so the corpus and the chunking), the chunker version and
the model name; when it changes the index is rebuilt. A rebuild writes a new build folder and
only then swaps the manifest (os.replace), so a crash mid-build leaves the old index live.
A store that cannot be opened or has the wrong size is rebuilt with a warning. We always pass
embeddings ourselves: Chroma's default embedding function would try to download a model.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from .chunking import CHUNKER_VERSION
from .embedding import Embedder
from .errors import IndexBuildError
from .records import Chunk

log = logging.getLogger(__name__)
COLLECTION = "chunks"
BATCH = 256


def fingerprint(chunks: list[Chunk], model_name: str) -> str:
    h = hashlib.sha256(f"{CHUNKER_VERSION}|{model_name}".encode())
    for c in chunks:
        h.update(f"\x00{c.id}\x00{c.heading}\x00{c.parent}\x00{c.text}".encode())
    return h.hexdigest()


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class VectorIndex:
    """Chroma collection of chunk embeddings; `search` returns (chunk id, cosine) pairs."""

    def __init__(self, collection, manifest: dict):
        self.collection = collection
        self.manifest = manifest

    @property
    def count(self) -> int:
        return int(self.manifest["count"])

    def search(self, vector, n: int) -> list[tuple[str, float]]:
        n = min(n, self.count)
        if n <= 0:
            return []
        res = self.collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]


class IndexStore:
    """Opens the live build if it matches the chunks, rebuilds it atomically if not."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "index"
        self.manifest_path = self.root / "manifest.json"
        self.builds = self.root / "builds"

    def read_manifest(self) -> dict | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("index manifest %s is unreadable (%s); rebuilding", self.manifest_path, exc)
            return None

    def _open_build(self, manifest: dict) -> VectorIndex:
        path = self.builds / manifest["build"]
        if not path.is_dir():
            raise FileNotFoundError(f"build folder {path} is missing")
        collection = _client(path).get_collection(COLLECTION)
        if collection.count() != manifest["count"]:
            raise ValueError(f"store holds {collection.count()} chunks, manifest says {manifest['count']}")
        return VectorIndex(collection, manifest)

    def open(self, chunks: list[Chunk], embedder: Embedder, force: bool = False) -> tuple[VectorIndex, bool]:
        """The live index for these chunks, and whether it had to be built now."""
        want = fingerprint(chunks, embedder.name)
        if not force:
            found = self._try_open(want)
            if found:
                return found, False
        with self._lock():
            if not force:  # another process may have built it while we waited
                found = self._try_open(want)
                if found:
                    return found, False
            return self._build(chunks, embedder, want), True

    def _try_open(self, want: str) -> VectorIndex | None:
        manifest = self.read_manifest()
        if not manifest or manifest.get("fingerprint") != want:
            return None
        try:
            return self._open_build(manifest)
        except Exception as exc:  # a corrupt store can raise almost anything from Chroma's Rust core
            log.warning("index store %s is unusable (%s: %s); rebuilding",
                        self.builds / manifest.get("build", "?"), type(exc).__name__, exc)
            return None

    @contextmanager
    def _lock(self):
        try:
            self.builds.mkdir(parents=True, exist_ok=True)
            fh = open(self.root / "build.lock", "a")
        except OSError as exc:
            raise IndexBuildError(
                f"Cannot write the index under {self.root} ({exc.strerror}). Make the folder "
                "writable or set ASSISTANT_DATA_DIR to a writable folder."
            ) from exc
        with fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _build(self, chunks: list[Chunk], embedder: Embedder, want: str) -> VectorIndex:
        build_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.builds / build_id
        started = time.perf_counter()
        try:
            collection = _client(path).create_collection(
                COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            for i in range(0, len(chunks), BATCH):
                batch = chunks[i:i + BATCH]
                vectors = embedder.embed([c.context for c in batch])
                collection.add(ids=[c.id for c in batch], embeddings=vectors,
                               metadatas=[{"source": c.source, "heading": c.heading,
                                           "start": c.start, "end": c.end} for c in batch])
                log.info("indexed %d/%d chunks", min(i + BATCH, len(chunks)), len(chunks))
            manifest = {"fingerprint": want, "build": build_id, "count": len(chunks),
                        "model": embedder.name, "chunker": CHUNKER_VERSION,
                        "sources": sorted({c.source for c in chunks}),
                        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "build_seconds": round(time.perf_counter() - started, 3)}
            _write_json_atomic(self.manifest_path, manifest)
        except Exception as exc:  # OSError, or Chroma's own "readonly database" errors
            shutil.rmtree(path, ignore_errors=True)
            if isinstance(exc, IndexBuildError):
                raise
            raise IndexBuildError(
                f"Cannot build the index under {self.root} ({type(exc).__name__}: {exc}). Make the "
                "folder writable or set ASSISTANT_DATA_DIR to a writable folder, then run "
                "`assistant index`."
            ) from exc
        for old in self.builds.iterdir():  # the manifest no longer points at these
            if old.name != build_id:
                shutil.rmtree(old, ignore_errors=True)
        return VectorIndex(collection, manifest)
