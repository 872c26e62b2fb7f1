"""Write the bundled corpus's vectors for the bundled model into the package (assistant/data/vectors).

    python scripts/ship_vectors.py          (make vectors)

Builds the bundled corpus (corpus/) from nothing, with an empty vector cache of its own and the
shipped vectors switched off, records every text the build embeds (passages, sentences, example
questions, and each role it is embedded in), and writes them with their vectors in the vector
cache's own form, plus the texts and roles so a test can embed a sample again and compare.
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


def main() -> int:
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
    VectorCache.embed = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            assistant = Assistant(settings.with_(corpus_dir=REPO_ROOT / "corpus", data_dir=Path(tmp) / "data",
                                                 cache_dir=Path(tmp) / "cache", shipped_vectors=False))
            model = assistant.embedder.name
            known = VectorCache(Path(tmp) / "cache")._load(model)
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
    print(f"{len(keys)} vectors of {model} -> {path.relative_to(REPO_ROOT)} "
          f"({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
