"""Write the bundled corpus's vectors for the bundled model into the package (assistant/data/vectors).

    python scripts/ship_vectors.py [--fresh]          (make vectors)

Builds the bundled corpus (corpus/) from nothing, with an empty vector cache of its own, records
every text the build embeds (passages, sentences, example questions, and each role it is embedded
in), and writes them with their vectors in the vector cache's own form, plus the texts and roles so
a test can embed a sample again and compare. A text the shipped file already holds keeps its
vector, so only new or edited texts are embedded: the model's vectors depend a little (about 1e-4)
on which texts share a batch, and embedding everything again would shift every example question's
similarity by that much and turn near ties (two sections 0.0001 apart) the other way.
`--fresh` embeds every text anew (for a new version of the model).
A first build of the bundled corpus then reads them instead of embedding for about 50 s; a text
that changed since (an edited example question, a new document) is embedded as before.
Run it after changing the guidance or its example file; `tests/test_shipped_vectors.py` fails
until you do. Deliberately left out: other models (their builds embed as before).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assistant.settings import offline_environment  # noqa: E402

offline_environment()

from assistant import Assistant, Settings  # noqa: E402
from assistant.embedding import SHIPPED, VectorCache  # noqa: E402
from assistant.settings import REPO_ROOT  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    fresh = "--fresh" in (sys.argv[1:] if argv is None else argv)
    seen: dict[str, tuple[str, str]] = {}  # key -> (role, text)
    real_embed = VectorCache.embed

    def recording(cache, embedder, texts, role="passage"):
        for text in texts:
            seen[VectorCache.key(embedder.name, role, text)] = (role, text)
        return real_embed(cache, embedder, texts, role)

    settings = Settings.from_env()
    if settings.embedding_model:
        print(f"ASSISTANT_EMBEDDING_MODEL={settings.embedding_model}: the shipped vectors are for the "
              "bundled model only; unset it.", file=sys.stderr)
        return 2
    before = {} if fresh else _shipped_before()
    VectorCache.embed = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            assistant = Assistant(settings.with_(corpus_dir=REPO_ROOT / "corpus", data_dir=Path(tmp) / "data",
                                                 cache_dir=Path(tmp) / "cache", shipped_vectors=bool(before)))
            model = assistant.embedder.name
            known = {**before.get(model, {}), **VectorCache(Path(tmp) / "cache")._load(model)}
    finally:
        VectorCache.embed = real_embed
    keys = [k for k in seen if k in known]
    if len(keys) != len(seen):
        print(f"{len(seen) - len(keys)} embedded texts are missing from the build's cache", file=sys.stderr)
        return 1
    SHIPPED.mkdir(parents=True, exist_ok=True)
    path = VectorCache.file(SHIPPED, model)
    encoded = [seen[k][1].encode() for k in keys]
    with tempfile.TemporaryDirectory() as tmp:  # written beside, then moved in: never half a file
        staged = Path(tmp) / path.name
        # not compressed: every start reads the file (its sentences' vectors), and unpacking
        # compressed float32 took 37 ms of a 53 ms read against 7 ms (git compresses the blob
        # anyway). The texts are UTF-8 bytes with their end offsets, so any character (even NUL)
        # may stand in a text
        np.savez(staged, keys=np.array(keys, dtype="U40"), vectors=np.stack([known[k] for k in keys]),
                            roles=np.array([seen[k][0] for k in keys]),
                            texts=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                            ends=np.cumsum([len(t) for t in encoded]), model=np.array(model))
        moved = path.with_name(f".{path.name}.new")
        shutil.copyfile(staged, moved)
        moved.replace(path)
    for old in SHIPPED.glob("vectors-*.npz"):
        if old != path:
            old.unlink()
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    print(f"{len(keys)} vectors of {model} -> {shown} ({path.stat().st_size / 1e6:.1f} MB), "
          f"{len([k for k in keys if k not in before.get(model, {})])} embedded anew")
    return 0


def _shipped_before() -> dict[str, dict[str, np.ndarray]]:
    """The vectors shipped now, by model and key ({} when there are none or they cannot be read)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for path in SHIPPED.glob("vectors-*.npz"):
        try:
            with np.load(path) as data:
                out[str(data["model"])] = dict(zip(map(str, data["keys"]), data["vectors"]))
        except Exception as exc:  # a damaged file (BadZipFile, a bad CRC) is embedded anew, as --fresh
            print(f"{path.name} unreadable ({type(exc).__name__}: {exc}): embedding every text anew", file=sys.stderr)
            continue
    return out


if __name__ == "__main__":
    sys.exit(main())
