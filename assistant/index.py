"""The dense index: chunks embedded into a Chroma store, rebuilt only when needed.

Layout under the data directory:
    index/manifest.json      which build is live, and the fingerprint it was built from
    index/builds/<id>/       one Chroma PersistentClient folder per build (embedded mode), with
                             vectors.npz: the same vectors, ids and metadatas as one array file
    index/build.lock         held while a build runs (two processes never build at once)

With ASSISTANT_CHROMA_URL set the vectors live in a Chroma server instead: one collection
per build, named `chunks-<id>`; the manifest stays in the local data directory and names the
live collection. Everything else is the same in both modes (stores.py holds the two kinds).

Beside each chunk (embedded as a passage) the collection holds the documents' example
questions (embedded as questions, metadata kind "example", with their section; "" for
out-of-scope ones): a question is matched against both (multi-vector retrieval). Vectors come
through a VectorCache, so a rebuild embeds only texts it has not seen.

The fingerprint hashes the chunks (so the corpus and the chunking), the example questions, the
chunker version and the model (backend) name; when it changes the index is rebuilt. A rebuild writes a new build (folder or
collection) and only then swaps the manifest (os.replace), so a crash mid-build leaves the old
index live; older builds are deleted after the switch. A store that cannot be opened or has
the wrong size is rebuilt with a warning; a server that cannot be reached is an
IndexUnavailableError, never a rebuild. We always pass embeddings ourselves: Chroma's default
embedding function would try to download a model.
Searches run over an in-memory copy of the vectors (exact cosine; a Chroma server is always
asked). When nothing changed, a start reads that copy from the build's vectors.npz, after
checking the build's SQLite file (quick_check, item count), and imports Chroma only if
something needs the store itself: about 1.5 s less to the first answer.
Deliberately left out: sharing one build between data directories, and retries.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import signal
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .chunking import CHUNKER_VERSION
from .corpus_diff import record_build
from .embedding import Embedder, VectorCache
from .errors import AssistantError, IndexBuildError
from .records import Chunk, Example
from .settings import CORES, whole_number
from .stores import IndexUnavailableError, LocalBuilds, ServerBuilds, parse_chroma_url, unavailable

__all__ = ["IndexStore", "VectorIndex", "IndexUnavailableError", "fingerprint", "parse_chroma_url"]

log = logging.getLogger(__name__)
BATCH = 256
# searches run over an in-memory copy of the vectors up to this many items (384 floats each:
# 250,000 items are 384 MB); a bigger store is searched by Chroma itself
MIRROR_MAX_ITEMS = 250_000
MIRROR_PAGE = 5_000  # items read from the store per request when the copy is made
SNAPSHOT = "vectors.npz"  # a local build's vectors, ids and metadatas, beside its Chroma files
PROGRESS_AFTER_S = 2.0  # a build that takes longer than this shows a progress bar on stderr
EMBED_BATCH = 32  # texts per model call in a build: big enough for every core, small enough to show progress


def fingerprint(chunks: list[Chunk], model_name: str, examples: list[Example] = ()) -> str:
    h = hashlib.sha256(f"{CHUNKER_VERSION}|{model_name}".encode())
    for c in chunks:
        h.update(f"\x00{c.id}\x00{c.heading}\x00{c.parent}\x00{c.text}".encode())
    for e in examples:
        h.update(f"\x01{e.id}\x00{e.lang}".encode())
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class VectorIndex:
    """Chroma collection of chunk embeddings; `search` returns (chunk id, cosine) pairs.

    With a server (`url` set) any failure to query is an IndexUnavailableError naming the URL.
    """

    def __init__(self, collection, manifest: dict, url: str = "", mirror=None, opener=None):
        self._collection = collection
        self._opener = opener  # opens the Chroma collection when it is first needed
        self.manifest = manifest
        self.url = url
        # (ids, unit vectors, metadatas, {kind: (its rows, their vectors)}): from the build's
        # snapshot, or read from the store on first search
        self._mirror = mirror
        self._mirror_lock = threading.Lock()

    @property
    def collection(self):
        if self._collection is None:
            self._collection = self._opener()
        return self._collection

    @property
    def count(self) -> int:
        """Items in the store: chunks plus example questions."""
        return int(self.manifest["count"])

    @property
    def chunk_count(self) -> int:
        return int(self.manifest.get("chunks", self.manifest["count"]))

    def search(self, vector, n: int) -> list[tuple[str, float]]:
        """The n nearest items as (id, cosine): chunk ids, and 'ex-…' ids for example questions."""
        return [(i, sim) for i, sim, _ in self.search_items(vector, n)]

    def search_items(self, vector, n: int, kind: str | None = None) -> list[tuple[str, float, dict]]:
        """The n nearest items as (id, cosine, metadata); `kind` "chunk" or "example" keeps to one kind.

        Embedded store: exact cosine over an in-memory copy of its vectors while it holds at most
        MIRROR_MAX_ITEMS (a matrix product, well under a millisecond for the bundled corpus, where
        Chroma's query with a metadata filter took half of a warm answer's time); Chroma's own
        search above that. A Chroma server is always asked: it is the shared, live copy.
        """
        total = {"chunk": self.manifest.get("chunks", self.count),
                 "example": self.manifest.get("examples", 0)}.get(kind, self.count)
        n = min(n, total)
        if n <= 0:
            return []
        mirror = self._mirrored() if not self.url and self.count <= MIRROR_MAX_ITEMS else None
        if mirror is not None:
            ids, matrix, metas, parts = mirror
            rows, part = parts.get(kind, (None, None)) if kind else (np.arange(len(ids)), matrix)
            if rows is None:
                return []
            sims = part @ np.asarray(vector, dtype=np.float32)  # one kind's rows, in their order
            top = np.argpartition(-sims, n - 1)[:n] if n < len(rows) else np.arange(len(rows))
            top = top[np.argsort(-sims[top], kind="stable")]
            return [(ids[rows[t]], float(sims[t]), metas[rows[t]]) for t in top]
        try:
            res = self.collection.query(query_embeddings=[vector], n_results=n,
                                        where={"kind": kind} if kind else None,
                                        include=["distances", "metadatas"])
        except Exception as exc:  # httpx transport errors, or Chroma's "collection not found"
            if not self.url:
                raise
            raise unavailable(self.url, exc) from exc
        metas = res.get("metadatas") or [[{}] * len(res["ids"][0])]
        return [(i, 1.0 - float(d), m or {})
                for i, d, m in zip(res["ids"][0], res["distances"][0], metas[0])]

    def _mirrored(self):
        """The store's ids, unit vectors, metadatas and kinds, read once (in pages); None if unreadable."""
        with self._mirror_lock:
            if self._mirror is None:
                ids, vectors, metas = [], [], []
                try:
                    while len(ids) < self.count:
                        page = self.collection.get(include=["embeddings", "metadatas"],
                                                   limit=MIRROR_PAGE, offset=len(ids))
                        if not page["ids"]:
                            break
                        ids += page["ids"]
                        vectors.append(np.asarray(page["embeddings"], dtype=np.float32))
                        metas += [m or {} for m in page["metadatas"]]
                except Exception as exc:  # a lost server or a damaged store: Chroma's query says so
                    log.warning("could not read the vectors into memory (%s: %s); searching the store",
                                type(exc).__name__, exc)
                    return None
                matrix = np.concatenate(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
                self._mirror = _mirror_of(ids, matrix, metas)
            return self._mirror


def _mirror_of(ids: list[str], matrix, metas: list[dict]):
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    kinds = [m.get("kind", "chunk") for m in metas]
    # the items grouped by kind (stably), so a search of one kind multiplies only its own rows: a
    # view of the matrix, not a copy
    order = sorted(range(len(ids)), key=lambda i: kinds[i])
    ids, metas = [ids[i] for i in order], [metas[i] for i in order]
    matrix = np.ascontiguousarray(matrix[order]) if order else matrix
    parts, start = {}, 0
    for kind in sorted(set(kinds)):
        end = start + kinds.count(kind)
        parts[kind] = (np.arange(start, end), matrix[start:end])
        start = end
    return ids, matrix, metas, parts


def write_snapshot(folder: Path, ids: list[str], vectors, metas: list[dict]) -> None:
    """The build's vectors as one .npz beside its Chroma files (written atomically), so a later
    start can search them without importing Chroma (about 1.5 s of a cold start)."""
    path = folder / SNAPSHOT
    tmp = path.with_name(f"{path.stem}.tmp-{os.getpid()}.npz")
    np.savez(tmp, ids=np.array(ids, dtype=str), vectors=np.asarray(vectors, dtype=np.float32),
             metas=np.array([json.dumps(m, ensure_ascii=False) for m in metas], dtype=str))
    os.replace(tmp, path)


def new_build_id(now: float | None = None, token: str | None = None) -> str:
    """'20261127T205231Z-b69782ac8': the UTC time, then a random hash behind a letter.

    The "Z" and the letter keep the id from ever reading as a personal number ("205231-69782…"
    would), which the log would mask, leaving a path nobody can find.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"{stamp}-b{token or uuid.uuid4().hex[:8]}"


def read_snapshot(folder: Path, count: int):
    """The mirror from a build's snapshot, or None when it is missing, unreadable or does not match
    a healthy store (its SQLite file must pass quick_check and hold `count` items)."""
    import sqlite3

    try:
        with np.load(folder / SNAPSHOT, allow_pickle=False) as data:
            ids, vectors, metas = data["ids"].tolist(), data["vectors"], data["metas"].tolist()
        if len(ids) != count or vectors.shape[0] != count:
            return None
        store = folder / "chroma.sqlite3"
        with open(store, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return None
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok" or \
                    db.execute("SELECT count(*) FROM embeddings").fetchone()[0] != count:
                return None
        finally:
            db.close()
        return _mirror_of(ids, vectors, [json.loads(m) for m in metas])
    except Exception:  # missing, truncated, foreign: open the store itself instead
        return None


_OFF_MAIN_THREAD = object()


def _raise_on_sigterm():
    """While a build runs, SIGTERM raises SystemExit(143) so the half build is deleted on the way
    out (by default the process would just die and leave it until the next build). Returns the
    handler to put back; off the main thread signals cannot be handled, and nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return _OFF_MAIN_THREAD

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    return signal.SIG_DFL if previous is None else previous  # None: a handler set outside Python


def _restore_sigterm(previous) -> None:
    if previous is not _OFF_MAIN_THREAD:
        signal.signal(signal.SIGTERM, previous)


def _progress(total: int, show: bool | None):
    """Progress of a build, on stderr: a tqdm bar on a terminal (the CLI), log lines elsewhere
    (the app's log). With show=None it appears only once the build has taken PROGRESS_AFTER_S
    seconds; show=True at once, show=False never."""
    if show is False or total == 0:
        return None
    if show or sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, unit="item", desc="indexing", file=sys.stderr,
                    delay=0 if show else PROGRESS_AFTER_S, mininterval=0.5)
    return _LoggedProgress(total)


class _LoggedProgress:
    """tqdm's update/close for a log: a line every PROGRESS_AFTER_S seconds once the build has
    taken that long, with the share done and the time left."""

    def __init__(self, total: int, clock=time.monotonic):
        self.total, self.done, self.clock = total, 0, clock
        self.started = self.last = clock()

    def update(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if now - self.last >= PROGRESS_AFTER_S and now - self.started >= PROGRESS_AFTER_S:
            self.last = now
            rate = self.done / max(now - self.started, 1e-9)
            log.info("indexing: %d/%d items (%.0f %%), %.0f s so far, about %.0f s left", self.done,
                     self.total, 100 * self.done / self.total, now - self.started,
                     (self.total - self.done) / max(rate, 1e-9))

    def close(self) -> None:
        if self.clock() - self.started >= PROGRESS_AFTER_S:
            log.info("indexing: %d/%d items in %.0f s", self.done, self.total, self.clock() - self.started)


def build_threads(env=os.environ) -> int:
    """ASSISTANT_BUILD_THREADS, default every core: threads an index build embeds with.

    A bad value is a ConfigError; Settings.from_env raises it first, before any build starts.
    """
    return whole_number(env, "ASSISTANT_BUILD_THREADS", CORES)


class IndexStore:
    """Opens the live build if it matches the chunks, rebuilds it atomically if not."""

    def __init__(self, data_dir: Path, chroma_url: str = "", progress: bool | None = None,
                 cache: VectorCache | None = None):
        self.root = Path(data_dir) / "index"
        self.cache = cache or VectorCache(None)
        self.manifest_path = self.root / "manifest.json"
        self.builds = self.root / "builds"
        self.progress = progress
        self._warned: set[str] = set()
        if chroma_url:
            parse_chroma_url(chroma_url)  # a bad URL is a ConfigError now, not at first query
            owner = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:16]
            self.backend = ServerBuilds(chroma_url, owner)
        else:
            self.backend = LocalBuilds(self.builds)

    def read_manifest(self) -> dict | None:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            self._warn_once("manifest", f"index manifest {self.manifest_path} is unreadable ({exc}); rebuilding")
            return None
        if not isinstance(manifest, dict):  # a JSON list or string: someone else's file
            self._warn_once("manifest", f"index manifest {self.manifest_path} is not a JSON object; rebuilding")
            return None
        return manifest

    def _warn_once(self, about: str, message: str) -> None:
        # open() looks twice (before and after taking the build lock): say it once
        if about not in self._warned:
            self._warned.add(about)
            log.warning("%s", message)

    def _open_build(self, manifest: dict) -> VectorIndex:
        build = manifest["build"]
        if not self.backend.url and int(manifest["count"]) <= MIRROR_MAX_ITEMS:
            mirror = read_snapshot(self.builds / build, int(manifest["count"]))
            if mirror is not None:  # nothing changed: no Chroma until something needs it
                return VectorIndex(None, manifest, "", mirror=mirror, opener=lambda: self.backend.open(build))
        collection = self.backend.open(build)
        count = collection.count()
        if count != manifest["count"]:
            raise ValueError(f"store holds {count} chunks, manifest says {manifest['count']}")
        return VectorIndex(collection, manifest, self.backend.url)

    def open(self, chunks: list[Chunk], embedder: Embedder, force: bool = False,
             examples: list[Example] = ()) -> tuple[VectorIndex, bool]:
        """The live index for these chunks and example questions, and whether it had to be built now."""
        examples = list(dict((e.id, e) for e in examples).values())  # one vector per distinct example
        want = fingerprint(chunks, embedder.name, examples)
        self._check_writable()
        if not force:
            found = self._try_open(want)
            if found:
                return found, False
        with self._lock():
            if not force:  # another process may have built it while we waited
                found = self._try_open(want)
                if found:
                    return found, False
            return self._build(chunks, embedder, want, examples), True

    def _check_writable(self) -> None:
        """IndexBuildError unless the index folder (or its nearest existing parent) is writable.

        Chroma writes to its SQLite file even to read, so a read-only data directory would
        otherwise look like a corrupt store ("rebuilding") and then fail to rebuild.
        """
        place = self.root
        while not place.exists() and place != place.parent:
            place = place.parent
        if place.is_dir() and os.access(place, os.W_OK):
            return
        why = "is read-only" if place.is_dir() else "is a file, not a folder"
        raise IndexBuildError(
            f"Cannot use the index under {self.root}: {place} {why}. The index needs a writable "
            "folder (Chroma writes even to read): make it writable, or set ASSISTANT_DATA_DIR "
            "to a writable folder.")

    def _try_open(self, want: str) -> VectorIndex | None:
        manifest = self.read_manifest()
        if not manifest or manifest.get("fingerprint") != want:
            return None
        try:
            return self._open_build(manifest)
        except IndexUnavailableError:
            raise  # an unreachable server is not a broken store: rebuilding would fail too
        except Exception as exc:  # a corrupt store can raise almost anything from Chroma's Rust core
            self._warn_once(f"store {manifest.get('build')}", f"index store {self._where(manifest)} is "
                            f"unusable ({type(exc).__name__}: {exc}); rebuilding")
            return None

    def _where(self, manifest: dict) -> str:
        build = manifest.get("build", "?")
        if isinstance(self.backend, ServerBuilds):
            return f"{self.backend.url} collection {ServerBuilds.name(build)}"
        return str(self.builds / build)

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

    def _add_all(self, collection, items, embedder: Embedder, bar) -> list:
        """Embeds (through the cache) and adds the items, BATCH at a time; returns the vectors."""
        every = []
        for i in range(0, len(items), BATCH):
            batch = items[i:i + BATCH]
            vectors = [None] * len(batch)
            for role in ("passage", "query"):  # documents and questions embed differently (e5)
                at = [j for j, it in enumerate(batch) if it[2] == role]
                for k in range(0, len(at), EMBED_BATCH):
                    part = at[k:k + EMBED_BATCH]
                    for j, v in zip(part, self.cache.embed(embedder, [batch[j][1] for j in part], role)):
                        vectors[j] = v
                    if bar is not None:
                        bar.update(len(part))
            collection.add(ids=[it[0] for it in batch], embeddings=[list(map(float, v)) for v in vectors],
                           metadatas=[it[3] for it in batch])
            every.extend(vectors)
            log.info("indexed %d/%d items", min(i + BATCH, len(items)), len(items))
        return every

    def _build(self, chunks: list[Chunk], embedder: Embedder, want: str,
               examples: list[Example] = ()) -> VectorIndex:
        build_id = new_build_id()
        started = time.perf_counter()
        total = len(chunks) + len(examples)
        bar = _progress(total, self.progress)
        items = ([(c.id, c.context, "passage", {"kind": "chunk", "source": c.source, "heading": c.heading,
                                                 "start": c.start, "end": c.end}) for c in chunks]
                 + [(e.id, e.text, "query", {"kind": "example", "source": e.source, "heading": e.section,
                                              "lang": e.lang}) for e in examples])
        previous = _raise_on_sigterm()
        try:
            collection = self.backend.create(build_id)
            with embedder.threads(build_threads()), self.cache.deferred():
                vectors = self._add_all(collection, items, embedder, bar)
            mirror = None
            if not self.backend.url and len(items) <= MIRROR_MAX_ITEMS:
                write_snapshot(self.builds / build_id, [it[0] for it in items], vectors,
                               [it[3] for it in items])
                mirror = _mirror_of([it[0] for it in items], np.asarray(vectors, dtype=np.float32),
                                    [it[3] for it in items])
            manifest = {"fingerprint": want, "build": build_id, "count": len(items),
                        "chunks": len(chunks), "examples": len(examples),
                        "model": embedder.name, "chunker": CHUNKER_VERSION,
                        "sources": sorted({c.source for c in chunks}),
                        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "build_seconds": round(time.perf_counter() - started, 3)}
            if self.backend.url:
                manifest["chroma_url"] = self.backend.url
            _write_json_atomic(self.manifest_path, manifest)
        except BaseException as exc:  # OSError, Chroma's "readonly database", a lost server, ^C
            self.backend.drop(build_id)
            if not isinstance(exc, Exception) or isinstance(exc, AssistantError):
                raise
            if self.backend.url and not isinstance(exc, OSError):
                raise unavailable(self.backend.url, exc) from exc
            raise IndexBuildError(
                f"Cannot build the index under {self.root} ({type(exc).__name__}: {exc}). Make the "
                "folder writable or set ASSISTANT_DATA_DIR to a writable folder, then run "
                "`assistant index`."
            ) from exc
        finally:
            _restore_sigterm(previous)
            if bar is not None:
                bar.close()
        try:
            self.backend.drop_all_but(build_id)
        except Exception as exc:  # the new build is live; leftovers only cost space
            log.warning("could not delete old index builds (%s: %s)", type(exc).__name__, exc)
        record_build(self.root, chunks, build_id)  # what changed since the last build, for `assistant index`
        return VectorIndex(collection, manifest, self.backend.url, mirror=mirror)
