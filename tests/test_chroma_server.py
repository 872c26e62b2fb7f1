"""Server mode: ASSISTANT_CHROMA_URL points the index at a real `chroma run` server.

The same Assistant end to end (bundled model, real corpus), the index in the server; the
manifest in the local data directory names the live collection; a rebuild switches
collections and deletes the old one; the server going away degrades to lexical answers with a
warning, and dense hits come back when it returns on the same port and path.
"""

from __future__ import annotations

import logging

import pytest
from chromaserver import ChromaServer

from assistant import Assistant, ConfigError, Settings
from assistant.index import IndexStore, IndexUnavailableError
from conftest import CORPUS

HELSEDATA = "Må jeg søke via helsedata.no når det ikke er forskning?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with ChromaServer(tmp_path_factory.mktemp("chroma")) as s:
        yield s


@pytest.fixture(scope="module")
def remote(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("remote") / "data"
    return Assistant(Settings.from_env().with_(data_dir=data, corpus_dir=CORPUS, chroma_url=server.url))


def _collections(server):
    import chromadb

    return sorted(c.name for c in chromadb.HttpClient(host="127.0.0.1", port=server.port).list_collections())


def test_answers_from_the_server(remote, server):
    assert remote.built and remote.vectors.manifest["chroma_url"] == server.url
    a = remote.ask(HELSEDATA)
    assert not a.abstained and a.citations[0].section == "Søknad ved andre formål enn forskning"
    assert "NOK 1100" in remote.ask("Hva koster det?").answer
    assert any(h.dense > 0 for h in remote.search("Hva koster det?"))
    # nothing of the index in the data directory but the manifest and the lock
    assert not any((remote.settings.data_dir / "index" / "builds").iterdir())
    assert f"chunks-{remote.vectors.manifest['build']}" in _collections(server)


def test_reused_then_switched_atomically(remote, server):
    again = Assistant(remote.settings)
    assert not again.built and again.vectors.manifest == remote.vectors.manifest
    old = f"chunks-{again.vectors.manifest['build']}"
    manifest = again.rebuild()
    new = f"chunks-{manifest['build']}"
    assert new != old and new in _collections(server) and old not in _collections(server)
    assert "NOK 1100" in again.ask("Hva koster det?").answer
    remote.rebuild()  # leave the module fixture on a live collection


def test_lost_collection_is_rebuilt(remote, server, caplog):
    import chromadb

    chromadb.HttpClient(host="127.0.0.1", port=server.port).delete_collection(
        f"chunks-{remote.vectors.manifest['build']}")
    fresh = Assistant(remote.settings)
    assert fresh.built and "rebuilding" in caplog.text
    remote.vectors, remote.engine = fresh.vectors, fresh.engine


def test_server_gone_mid_session_degrades_then_recovers(remote, server, caplog):
    assert any(h.dense > 0 for h in remote.search(HELSEDATA))
    server.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="assistant.retrieval"):
            a = remote.ask(HELSEDATA)
            b = remote.ask("Hva koster det?")
        # lexical only, still the right answers, and one clear warning naming the setting
        assert a.citations[0].section == "Søknad ved andre formål enn forskning"
        assert "NOK 1100" in b.answer
        assert all(h.dense == 0 for h in remote.search(HELSEDATA))
        warnings = [r.getMessage() for r in caplog.records if "ASSISTANT_CHROMA_URL" in r.getMessage()]
        assert len(warnings) == 1 and server.url in warnings[0]
        # a new process cannot start against a dead server: a clear error, not a rebuild
        with pytest.raises(IndexUnavailableError, match="ASSISTANT_CHROMA_URL"):
            Assistant(remote.settings)
    finally:
        server.start()
    assert any(h.dense > 0 for h in remote.search(HELSEDATA))
    assert "dense retrieval is back" in caplog.text


def test_bad_url_is_a_config_error(tmp_path):
    for bad in ("localhost:8000", "ftp://x", "http://:80", "http://h:notaport"):
        with pytest.raises(ConfigError, match="ASSISTANT_CHROMA_URL"):
            IndexStore(tmp_path, bad)
    assert Settings.from_env({"ASSISTANT_CHROMA_URL": " http://127.0.0.1:9 "}).chroma_url == "http://127.0.0.1:9"
