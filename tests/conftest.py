"""Shared fixtures: offline variables, a temp data directory, one real Assistant per session.

Nothing a test does writes into the working tree or the home directory: ASSISTANT_DATA_DIR is
pointed at a temp folder for every test, and the session Assistant builds its index in its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.settings import OFFLINE_VARIABLES, REPO_ROOT, Settings

for _name, _value in OFFLINE_VARIABLES.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("GRADIO_TEMP_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "npr-assistant-gradio"))
# one vector cache for the whole run (and across runs on one machine): every test that builds an
# index in its own data directory would otherwise embed the ~650 passages and example questions again
os.environ.setdefault("ASSISTANT_CACHE_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "npr-assistant-vectors"))
# hypothesis keeps its example database out of the working tree
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(os.environ.get("TMPDIR", "/tmp")) / "npr-assistant-hypothesis"))

CORPUS = REPO_ROOT / "corpus"
GUIDANCE = CORPUS / "npr_guidance_no.txt"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path / "data"


@pytest.fixture(autouse=True)
def _root_log_handlers():
    """A test that runs a command's main() in-process installs a handler on pytest's captured
    stderr; it must not outlive the test, or later log lines go to a closed stream."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level
             for name in ("httpx", "sentence_transformers", "chromadb", "bm25s", "transformers", "imapclient")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in noisy.items():  # ...and the levels it set on chatty libraries
        logging.getLogger(name).setLevel(was)


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("session")


@pytest.fixture(scope="session")
def assistant(session_dir):
    """The real thing: bundled corpus, bundled model, Chroma on disk in a temp dir."""
    from assistant import Assistant

    return Assistant(Settings.from_env().with_(data_dir=session_dir / "data", corpus_dir=CORPUS))


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus folder for tests that add or break documents."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target
