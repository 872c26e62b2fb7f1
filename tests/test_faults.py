"""Faults: what a crash, a broken disk, a broken model or a broken file does to the assistant.

Each test names the fault and asserts the behaviour users get: the old index or a rebuild
(never a half index), a rebuilt store with a clear log line, one clear error naming the
setting to fix, or the bad file skipped and the rest indexed. The Chroma server going away
mid-session is in test_chroma_server.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant, IndexBuildError, ModelError, Settings
from assistant.embedding import HashEmbedder
from assistant.index import IndexStore
from assistant.settings import bundled_model_path
from conftest import CORPUS, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from bench.filler import grow  # noqa: E402


def _settings(data: Path, corpus: Path = CORPUS) -> Settings:
    return Settings.from_env().with_(data_dir=data, corpus_dir=corpus)


def _env(data: Path, corpus: Path = CORPUS, **extra) -> dict:
    return {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(corpus), **extra}


def _kill_mid_build(data: Path, corpus: Path, before: set[str]) -> None:
    """Start `assistant index --force`, SIGKILL it once its new build folder holds a Chroma file."""
    builds = data / "index" / "builds"
    # an empty vector cache of its own and no shipped vectors: with every text cached the build
    # ends before it can be killed
    fresh = data.parent / f"vectors-{len(before)}-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--force"], cwd=REPO_ROOT,
                            env=_env(data, corpus, ASSISTANT_CACHE_DIR=str(fresh), ASSISTANT_SHIPPED_VECTORS="0"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            new = [p for p in builds.glob("*") if p.name not in before] if builds.is_dir() else []
            if new and any(new[0].glob("chroma.sqlite3")):
                time.sleep(0.3)  # let Chroma write part of it
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"


def test_sigkill_mid_build_serves_the_old_index_or_rebuilds(tmp_path):
    corpus, data = grow(tmp_path / "corpus", 5), tmp_path / "data"
    manifest_path = data / "index" / "manifest.json"

    _kill_mid_build(data, corpus, set())  # the very first build: nothing to fall back on
    assert not manifest_path.exists()
    first = Assistant(_settings(data, corpus))
    assert first.built and first.vectors.chunk_count == len(first.chunks) > 60  # a full rebuild
    manifest = json.loads(manifest_path.read_text())

    _kill_mid_build(data, corpus, {manifest["build"]})  # now an old index is live
    assert json.loads(manifest_path.read_text()) == manifest
    again = Assistant(_settings(data, corpus))
    assert not again.built and again.vectors.manifest == manifest
    assert again.vectors.chunk_count == len(again.chunks)
    assert "NOK 1100" in again.ask("Hva koster det?").answer
    assert any(h.dense > 0 for h in again.search("Hva koster det?"))


def test_deleted_or_corrupt_store_is_rebuilt_with_a_clear_log_line(tmp_path, caplog):
    s = _settings(tmp_path / "data")
    first = Assistant(s, embedder=HashEmbedder())
    build = s.data_dir / "index" / "builds" / first.vectors.manifest["build"]
    (build / "chroma.sqlite3").write_bytes(b"")  # truncated by a full disk
    second = Assistant(s, embedder=HashEmbedder())
    assert second.built and f"index store {build} is unusable" in caplog.text
    assert "rebuilding" in caplog.text and not second.ask("Hva koster det?").abstained
    caplog.clear()
    shutil.rmtree(s.data_dir / "index" / "builds" / second.vectors.manifest["build"])
    third = Assistant(s, embedder=HashEmbedder())
    assert third.built and "is missing" in caplog.text and third.vectors.count == first.vectors.count
    shutil.rmtree(s.data_dir)  # the whole data directory gone between two starts
    assert Assistant(s, embedder=HashEmbedder()).built


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only(tmp_path):
    """(source, mount point): a read-only bind mount of `source`; skipped where mount is not allowed.

    chmod does not stop root (CI and the sandbox run as root); a read-only mount does.
    """
    src, mnt = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    mnt.mkdir()
    if shutil.which("mount") is None or not _mount("--bind", str(src), str(mnt)):
        pytest.skip("cannot mount here (needs root and mount privileges)")
    try:
        if not _mount("-o", "remount,bind,ro", str(mnt)):
            pytest.skip("cannot remount read-only here")
        yield src, mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_read_only_data_dir_is_a_clear_error(read_only, caplog):
    src, mnt = read_only
    with pytest.raises(OSError):
        (mnt / "probe").write_text("x")  # really read-only, even for root
    Assistant(_settings(src / "data"), embedder=HashEmbedder())  # a good index, then read-only
    with pytest.raises(IndexBuildError, match=r"(?i)read-only.*ASSISTANT_DATA_DIR"):
        Assistant(_settings(mnt / "data"), embedder=HashEmbedder())
    # not mistaken for a corrupt store (which logged "unusable ... rebuilding", then failed anyway)
    assert "rebuilding" not in caplog.text and "unusable" not in caplog.text
    with pytest.raises(IndexBuildError, match=r"(?i)read-only.*ASSISTANT_DATA_DIR"):
        Assistant(_settings(mnt / "empty"), embedder=HashEmbedder())  # nothing to serve at all


def test_data_dir_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(IndexBuildError, match=r"is a file.*ASSISTANT_DATA_DIR"):
        IndexStore(tmp_path / "file" / "data").open([], HashEmbedder())


@pytest.mark.parametrize("kind", ["missing", "garbage", "no-weights", "file"])
def test_broken_model_path_is_a_clear_error(tmp_path, kind):
    bundled = Path(bundled_model_path())  # a real sentence-transformers folder (MiniLM, 1 MB without weights)
    model = tmp_path / "model"
    if kind == "garbage":
        model.mkdir()
        (model / "config.json").write_text("garbage")
        (model / "model.safetensors").write_bytes(os.urandom(2000))
    elif kind == "no-weights":  # a real model folder copied without its weights
        shutil.copytree(bundled, model, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    elif kind == "file":
        model.write_text("not a folder")
    s = _settings(tmp_path / "data").with_(embedding_model=str(model))
    with pytest.raises(ModelError, match="ASSISTANT_EMBEDDING_MODEL") as err:
        Assistant(s)
    assert str(model) in str(err.value)


def test_broken_model_through_the_cli_is_one_line(tmp_path):
    (tmp_path / "model").mkdir()
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "Hva koster det?"], cwd=REPO_ROOT,
                       env=_env(tmp_path / "data", ASSISTANT_EMBEDDING_MODEL=str(tmp_path / "model")),
                       capture_output=True, timeout=300)
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert err.strip().startswith("assistant:") and "ASSISTANT_EMBEDDING_MODEL" in err


def test_bad_corpus_files_are_skipped_and_the_rest_indexed(tmp_path, corpus_copy, caplog):
    (corpus_copy / "latin1.txt").write_bytes("Parkering\n\nParkering koster 50 kroner på sykehuset.\n"
                                             .encode("latin-1"))
    (corpus_copy / "empty.md").write_text("")
    (corpus_copy / "blank.txt").write_text(" \n\n\t\n")
    (corpus_copy / "ok.md").write_text("# Parkering\nParkering ved sykehuset koster 50 kroner.\n")
    a = Assistant(_settings(tmp_path / "data", corpus_copy), embedder=HashEmbedder())
    assert sorted(Path(d.source).name for d in a.documents) == ["npr_guidance_no.txt", "ok.md"]
    for name in ("latin1.txt", "empty.md", "blank.txt"):
        assert f"{name}" in caplog.text
    assert "not UTF-8" in caplog.text
    assert a.vectors.chunk_count == len(a.chunks) and {c.source for c in a.chunks} == {d.source for d in a.documents}
    assert a.ask("Hva koster parkering ved sykehuset?").citations[0].source.endswith("ok.md")
    assert "NOK 1100" in a.ask("Hva koster det?").answer


def test_unreachable_chroma_server_through_the_cli_is_one_line(tmp_path):
    from chromaserver import free_port

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "Hva koster det?"], cwd=REPO_ROOT,
                       env=_env(tmp_path / "data", ASSISTANT_CHROMA_URL=url), capture_output=True,
                       timeout=300)
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert f"ASSISTANT_CHROMA_URL={url}" in err and "chroma run" in err


def test_sigterm_mid_build_removes_the_half_build_at_once(tmp_path):
    corpus, data = grow(tmp_path / "corpus", 5), tmp_path / "data"
    builds = data / "index" / "builds"
    # an empty vector cache of its own and no shipped vectors: with every text cached the build
    # ends before the signal
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index"], cwd=REPO_ROOT,
                            env=_env(data, corpus, ASSISTANT_CACHE_DIR=str(tmp_path / "vectors"),
                                     ASSISTANT_SHIPPED_VECTORS="0"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if builds.is_dir() and any(builds.glob("*/chroma.sqlite3")):
                time.sleep(0.3)  # let Chroma write part of it
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)  # what `systemctl stop`, `docker stop` and `kill` send
    finally:
        err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, err[-2000:])  # it ran to its cleanup
    assert "Traceback" not in err
    assert list(builds.iterdir()) == []  # not left for the next successful build to delete
    assert not (data / "index" / "manifest.json").exists()
