"""The bundled corpus's vectors ship with the package (assistant/data/vectors, `make vectors`):
a first build reads them instead of embedding, they are what the model gives, and a text they
lack (an edited example, a new document) is still embedded."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embedding import SHIPPED, Embedder, HashEmbedder, VectorCache, load_embedder
from assistant.errors import ConfigError
from assistant.settings import Settings

from conftest import CORPUS


class Counting(Embedder):
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder):
        self.inner, self.name, self.calls = inner, inner.name, []

    def embed(self, texts):
        self.calls.append(("passage", list(texts)))
        return self.inner.embed(texts)

    def embed_queries(self, texts):
        self.calls.append(("query", list(texts)))
        return self.inner.embed_queries(texts)

    def threads(self, n):
        return self.inner.threads(n)


def _shipped(model: str) -> dict:
    with np.load(VectorCache.file(SHIPPED, model), allow_pickle=False) as data:
        blob, ends = bytes(data["texts"]), data["ends"].tolist()
        texts = [blob[a:b].decode() for a, b in zip([0, *ends[:-1]], ends)]
        return {"keys": data["keys"].tolist(), "vectors": data["vectors"], "roles": data["roles"].tolist(),
                "texts": texts, "model": str(data["model"])}


def test_a_first_build_of_the_bundled_corpus_embeds_nothing(tmp_path):
    from assistant import Assistant

    model = Counting(load_embedder(""))
    settings = Settings.from_env().with_(corpus_dir=CORPUS, data_dir=tmp_path / "data", cache_dir=tmp_path / "empty")
    assistant = Assistant(settings, embedder=model)
    # fails after an edit of the guidance or its example questions until `make vectors` is run
    assert assistant.built and model.calls == [], (
        f"{sum(len(t) for _, t in model.calls)} texts of the bundled corpus are not in the shipped "
        "vectors: run `make vectors` and commit assistant/data/vectors")
    answer = assistant.ask("Hva koster det?")
    assert not answer.abstained and "1100" in answer.answer
    assert [kind for kind, _ in model.calls] == ["query"]  # only the question was embedded


def test_the_shipped_vectors_are_what_the_model_gives():
    real = load_embedder("")
    shipped = _shipped(real.name)
    assert shipped["model"] == real.name
    assert len(shipped["keys"]) == len(shipped["texts"]) == len(shipped["roles"]) == len(shipped["vectors"])
    for key, role, text in zip(shipped["keys"], shipped["roles"], shipped["texts"]):
        assert key == VectorCache.key(real.name, role, text)
    rng = np.random.default_rng(7)
    for role in ("passage", "query"):
        rows = [i for i, r in enumerate(shipped["roles"]) if r == role]
        assert rows, role
        sample = rng.choice(rows, size=32, replace=False)
        texts = [shipped["texts"][i] for i in sample]
        fresh = real.embed_queries(texts) if role == "query" else real.embed(texts)
        similarity = np.sum(fresh * shipped["vectors"][sample], axis=1)
        assert np.all(similarity > 0.9999), (role, similarity)


def test_shipped_vectors_stand_in_for_the_cache_and_a_new_text_is_still_embedded(tmp_path):
    model = HashEmbedder(dim=16)
    VectorCache(tmp_path / "ship").embed(model, ["Fra 1997 til d.d.", "Pris per time"])
    calls = []

    class Spy(HashEmbedder):
        def embed(self, texts):
            calls.append(list(texts))
            return super().embed(texts)

    spy = Spy(dim=16)
    cache = VectorCache(tmp_path / "mine", shipped=tmp_path / "ship")
    got = cache.embed(spy, ["Fra 1997 til d.d.", "En ny tekst"])
    assert calls == [["En ny tekst"]]  # the shipped one was read, the new one embedded
    assert np.allclose(got, model.embed(["Fra 1997 til d.d.", "En ny tekst"]))
    # without the shipped folder every text is embedded
    calls.clear()
    VectorCache(tmp_path / "other").embed(spy, ["Fra 1997 til d.d."])
    assert calls == [["Fra 1997 til d.d."]]
    # the user's own file keeps only what was embedded here, never the shipped vectors
    with np.load(VectorCache.file(tmp_path / "mine", model.name)) as data:
        assert data["keys"].tolist() == [VectorCache.key(model.name, "passage", "En ny tekst")]
    # the user's own vector comes before a shipped one for the same text
    mine = VectorCache(tmp_path / "mine")
    mine._memory[model.name] = {VectorCache.key(model.name, "passage", "Pris per time"): np.full(16, 0.25, np.float32)}
    mine._save(model.name, mine._memory[model.name])
    calls.clear()
    got = VectorCache(tmp_path / "mine", shipped=tmp_path / "ship").embed(spy, ["Pris per time", "Fra 1997 til d.d."])
    assert calls == [] and np.allclose(got[0], 0.25) and np.allclose(got[1], model.embed(["Fra 1997 til d.d."])[0])
    # a corrupt file of the user's own: the shipped vectors still stand in
    VectorCache.file(tmp_path / "mine", model.name).write_bytes(b"PK\x03\x04 truncated")
    assert np.allclose(VectorCache(tmp_path / "mine", shipped=tmp_path / "ship").embed(spy, ["Pris per time"]),
                       model.embed(["Pris per time"])) and calls == []
    # a corrupt shipped file only costs time
    (tmp_path / "ship" / next((tmp_path / "ship").iterdir()).name).write_bytes(b"\x00junk")
    calls.clear()
    VectorCache(tmp_path / "third", shipped=tmp_path / "ship").embed(spy, ["Pris per time"])
    assert calls == [["Pris per time"]]


def test_the_setting_switches_the_shipped_vectors_off(tmp_path):
    assert Settings.from_env({}).shipped_vectors
    assert not Settings.from_env({"ASSISTANT_SHIPPED_VECTORS": "0"}).shipped_vectors
    assert Settings.from_env({"ASSISTANT_SHIPPED_VECTORS": "on"}).shipped_vectors
    with pytest.raises(ConfigError, match="ASSISTANT_SHIPPED_VECTORS"):
        Settings.from_env({"ASSISTANT_SHIPPED_VECTORS": "maybe"})


def test_shipping_again_keeps_every_vector_it_had_and_embeds_only_what_it_lacked(tmp_path, monkeypatch):
    """`make vectors` after an edit must not shift the vectors of unchanged texts: the model's output
    depends a little on which texts share a batch, and near ties would turn."""
    import importlib.util
    import shutil

    from assistant.settings import REPO_ROOT

    spec = importlib.util.spec_from_file_location("ship_vectors", REPO_ROOT / "scripts" / "ship_vectors.py")
    ship = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship)
    model = load_embedder("").name
    before = _shipped(model)
    folder = tmp_path / "vectors"
    folder.mkdir()
    shutil.copy2(VectorCache.file(SHIPPED, model), folder)
    # the copy lacks one example question's vector, as after adding it to the example file
    with np.load(VectorCache.file(folder, model), allow_pickle=False) as data:
        saved = {name: data[name] for name in data.files}
    gone = next(i for i, role in enumerate(before["roles"]) if role == "query")
    kept = [i for i in range(len(before["keys"])) if i != gone]
    # one kept vector the model never gives (its negative): reuse keeps it as it is; and a vector
    # of a text no longer used (an example deleted since), which is dropped
    marked = kept[0]
    vectors = saved["vectors"].copy()
    vectors[marked] = -vectors[marked]
    keys, vectors = np.append(saved["keys"][kept], "0" * 40), np.vstack([vectors[kept], vectors[marked:marked + 1]])
    encoded = [before["texts"][i].encode() for i in kept] + [b"an example deleted since"]
    np.savez(VectorCache.file(folder, model), keys=keys, vectors=vectors,
             roles=np.append(saved["roles"][kept], "query"), texts=np.frombuffer(b"".join(encoded), dtype=np.uint8),
             ends=np.cumsum([len(t) for t in encoded]), model=saved["model"])
    monkeypatch.setattr(ship, "SHIPPED", folder)
    monkeypatch.setattr("assistant.embedding.SHIPPED", folder)
    monkeypatch.setattr("assistant.service.SHIPPED", folder)
    assert ship.main([]) == 0
    after = _shipped_in(folder, model)
    assert sorted(after) == sorted(before["keys"])  # the lacking one is embedded again, the unused one gone
    assert np.array_equal(after[before["keys"][marked]], -before["vectors"][marked])  # reused, not embedded
    for i in kept[1:]:
        assert np.array_equal(after[before["keys"][i]], before["vectors"][i])  # the rest exactly as they were
    assert float(after[before["keys"][gone]] @ before["vectors"][gone]) > 0.999  # ...and it is the model's


def _shipped_in(folder, model: str) -> dict:
    with np.load(VectorCache.file(folder, model), allow_pickle=False) as data:
        return dict(zip(data["keys"].tolist(), data["vectors"]))


def test_a_damaged_shipped_file_counts_as_none_shipped_with_a_warning(tmp_path, monkeypatch, capsys):
    import importlib.util

    from assistant.settings import REPO_ROOT

    spec = importlib.util.spec_from_file_location("ship_vectors", REPO_ROOT / "scripts" / "ship_vectors.py")
    ship = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship)
    folder = tmp_path / "vectors"
    folder.mkdir()
    (folder / "vectors-0123456789ab.npz").write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setattr(ship, "SHIPPED", folder)
    assert ship._shipped_before() == {}
    assert "unreadable" in capsys.readouterr().err
