"""Bigger corpora: batched builds with a progress bar, and no per-query work over every chunk.

The lexical scores are computed from postings (sparse) and must equal the dense reference
exactly; the retriever takes its lexical candidates with argpartition and computes coverage only
for the fused candidates, however many chunks match.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time

import numpy as np
import pytest

from assistant.chunking import chunk_sections
from assistant.corpus import load_documents, load_sections
from assistant.embedding import HashEmbedder
from assistant.index import EMBED_BATCH, PROGRESS_AFTER_S, IndexStore
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.records import Chunk
from assistant.retrieval import HybridSearch, top_positive
from assistant.tuning import DENSE_CANDIDATES, LEXICAL_CANDIDATES
from conftest import CORPUS, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from bench.filler import grow  # noqa: E402


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The guidance plus 29 filler documents (about 400 chunks), lexical index only."""
    corpus = grow(tmp_path_factory.mktemp("big") / "corpus", 30)
    chunks = chunk_sections(load_sections(load_documents(corpus)))
    return chunks, LexicalIndex([c.search_text for c in chunks], Glossary.load(CORPUS))


def dense_reference(lx: LexicalIndex, query) -> np.ndarray:
    """The scores as computed before (a full row per term from bm25s), to compare against."""
    total = np.zeros(lx.n, dtype=np.float32)
    for g in query.groups:
        rows = [w * lx.bm25.get_scores([t])[: lx.n] for t, w in zip(g.terms, g.weights) if t in lx.df]
        if rows:
            stacked = np.vstack(rows)
            best = stacked.max(axis=0)
            total += best + 0.5 * (stacked.sum(axis=0) - best)
    return total


def test_top_positive():
    assert top_positive(np.array([0.0, 2.0, 1.0, 2.0]), 2) == [1, 3]
    assert top_positive(np.array([0.0, 0.5, 3.0]), 10) == [2, 1]
    assert top_positive(np.zeros(5), 3) == []


def test_sparse_scores_equal_the_dense_reference(big):
    _, lx = big
    questions = (REPO_ROOT / "bench" / "questions.txt").read_text(encoding="utf-8").splitlines()
    for q in [*questions, "Hagen trenger mye sol om høsten", "sykkelkjedet og prisen på data"]:
        query = lx.analyze(q)
        assert np.array_equal(lx.scores(query), dense_reference(lx, query)), q


class Vectors:
    """A stand-in dense index: every chunk, in order (so dense adds the most candidates it can)."""

    def __init__(self, chunks):
        self.ids = [c.id for c in chunks]

    def search_items(self, vector, n, kind=None):
        return [(i, 0.5, {"kind": "chunk"}) for i in self.ids[:n]]


def test_coverage_only_for_the_fused_candidates(big, monkeypatch):
    chunks, lx = big
    engine = HybridSearch(chunks, lx, Vectors(chunks), HashEmbedder())
    calls = []
    real = lx.coverage
    monkeypatch.setattr(lx, "coverage", lambda q, terms, generic=False: calls.append(1) or real(q, terms, generic))
    query = lx.analyze("Hagen trenger tørre sokker og riktig lufttrykk om høsten")  # filler words
    assert np.count_nonzero(lx.scores(query)) > 200  # most chunks match lexically
    hits = engine.search(query, 5)
    # at most a couple of coverage calls (chunk body, heading) per fused candidate, not per chunk
    assert len(hits) == 5 and len(calls) <= 2 * (LEXICAL_CANDIDATES + DENSE_CANDIDATES) < len(chunks)
    assert "NOK 1100" in engine.search(lx.analyze("Hva koster det?"), 3)[0].chunk.text


def _chunks(n: int) -> list[Chunk]:
    return [Chunk(f"c{i}", "x.txt", "X", f"H{i}", "", 0, 1, f"ord{i} tekst") for i in range(n)]


def test_long_builds_show_a_progress_bar_quick_ones_do_not(tmp_path, capsys, caplog, monkeypatch):
    class Slow(HashEmbedder):  # about 6 s for 300 texts: longer than PROGRESS_AFTER_S, with a log line on the way
        def embed(self, texts):
            time.sleep(0.02 * len(texts))
            return super().embed(texts)

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)  # a terminal: the tqdm bar
    IndexStore(tmp_path / "quick").open(_chunks(30), HashEmbedder(dim=8))
    assert "indexing" not in capsys.readouterr().err
    n = int(PROGRESS_AFTER_S * 150)
    vectors, built = IndexStore(tmp_path / "slow").open(_chunks(n), Slow(dim=8))
    err = capsys.readouterr().err
    assert built and vectors.count == n and "indexing" in err and f"{n}/{n}" in err
    # not a terminal (the app's log, a pipe): log lines, not a bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with caplog.at_level(logging.INFO, logger="assistant.index"):
        IndexStore(tmp_path / "slow-log").open(_chunks(n), Slow(dim=8))
    assert "indexing" not in capsys.readouterr().err
    assert re.search(rf"indexing: {n}/{n} items in \d+ s", caplog.text)
    assert re.search(rf"indexing: \d+/{n} items \(\d+ %\), \d+ s so far, about \d+ s left", caplog.text)
    IndexStore(tmp_path / "flag", progress=True).open(_chunks(30), HashEmbedder(dim=8), force=True)
    assert "30/30" in capsys.readouterr().err


def test_a_build_writes_the_vector_cache_once_and_keeps_it_after_a_crash(tmp_path):
    from assistant.embedding import VectorCache

    cache = VectorCache(tmp_path / "cache")
    writes = []
    real_save = cache._save
    cache._save = lambda model, known: (writes.append(len(known)), real_save(model, known))
    IndexStore(tmp_path / "a", cache=cache).open(_chunks(200), HashEmbedder(dim=8))
    assert writes == [200]  # once, at the end, not once per model call

    class Failing(HashEmbedder):
        calls = 0

        def embed(self, texts):
            Failing.calls += 1
            if Failing.calls == 3:
                raise KeyboardInterrupt("^C mid-build")
            return super().embed(texts)

    writes.clear()
    with pytest.raises(KeyboardInterrupt):
        IndexStore(tmp_path / "b", cache=cache).open(_chunks(300)[200:], Failing(dim=16))
    assert writes == [2 * EMBED_BATCH]  # what was embedded before the crash is kept


def test_builds_embed_on_every_core_while_questions_keep_one_thread(tmp_path, monkeypatch):
    import threading
    from contextlib import contextmanager

    from assistant.embedding import load_embedder

    seen = []

    class Counting(HashEmbedder):
        active = 1

        @contextmanager
        def threads(self, n):
            Counting.active = n
            try:
                yield
            finally:
                Counting.active = 1

        def embed(self, texts):
            seen.append(Counting.active)
            return super().embed(texts)

    monkeypatch.setenv("ASSISTANT_BUILD_THREADS", "3")
    IndexStore(tmp_path / "x").open(_chunks(70), Counting(dim=8))
    assert seen and set(seen) == {3}
    monkeypatch.delenv("ASSISTANT_BUILD_THREADS")
    seen.clear()
    IndexStore(tmp_path / "y").open(_chunks(70), Counting(dim=8))
    assert set(seen) == {os.cpu_count()}

    # the bundled model: OpenMP's thread count is per calling thread
    e5 = load_embedder("e5")
    assert e5._omp is not None
    other = []
    with e5.threads(2):
        assert e5._omp.omp_get_max_threads() == 2
        t = threading.Thread(target=lambda: other.append(e5._omp.omp_get_max_threads()))
        t.start(), t.join()
    assert other == [1] and e5._omp.omp_get_max_threads() == 1


def test_a_lone_question_takes_the_spare_core_and_gives_it_back():
    from assistant.embedding import load_embedder

    e5 = load_embedder("e5")
    real, seen = e5.model, []

    class Watching:  # what OpenMP allows while the engine runs
        def __getattr__(self, name):
            return getattr(real, name)

        def query(self, texts):
            seen.append(e5._omp.omp_get_max_threads())
            return real.query(texts)

        def passage(self, texts):
            seen.append(e5._omp.omp_get_max_threads())
            return real.passage(texts)

    e5.model = Watching()
    question = "Kor lang tid tek det å få personidentifiserbare opplysningar?"
    e5._spare.look = lambda: True
    two = e5.embed_queries([question])
    assert seen == [2] and e5._omp.omp_get_max_threads() == 1
    e5._asking = 1  # another question is already in or waiting for the model: no core is spare
    e5.embed_queries([question])
    e5._asking = 0
    e5.embed(["Pris per time", "Leveringsfrister"])  # documents: a build's own thread setting
    e5._spare.look = lambda: False
    one = e5.embed_queries([question])
    assert seen == [2, 1, 1, 1] and e5._omp.omp_get_max_threads() == 1
    assert np.allclose(one, two, atol=1e-5)  # the same vector either way


def test_a_spare_core_is_judged_by_what_other_processes_use(monkeypatch, tmp_path):
    import assistant.embedding as embedding

    stat = tmp_path / "stat"
    monkeypatch.setattr(embedding.SpareCore, "STAT", str(stat))
    clock = {"wall": 0.0, "own": 0.0, "busy": 0.0}
    monkeypatch.setattr(embedding.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(embedding.time, "process_time", lambda: clock["own"])
    tick = embedding.SpareCore(cores=2)._tick

    def write(running):  # /proc/stat's shape: user nice system idle iowait ... (ticks), then more lines
        busy = round(clock["busy"] * tick)
        stat.write_text(f"cpu  {busy} 0 0 {10 ** 7} 0 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"
                        f"intr 1 2 3\nprocs_running {running}\nprocs_blocked 0\n")

    def after(seconds, own, others, spare, running=1):
        clock["wall"] += seconds
        clock["own"] += own
        clock["busy"] += own + others
        write(running)
        return spare.look()

    write(1)
    spare = embedding.SpareCore(cores=2)
    assert after(0.6, own=0.6, others=0.05, spare=spare)  # only this process at work: a core is spare
    assert not after(0.6, own=0.6, others=0.5, spare=spare)  # another process takes most of a core
    assert not after(0.1, own=0.1, others=0.0, spare=spare)  # within SPARE_WINDOW: the last judgement
    assert after(0.6, own=0.3, others=0.0, spare=spare)
    assert after(0.6, own=0.3, others=0.0, spare=spare, running=2)  # often: the average decides (own threads left out)
    # after an idle minute the average would hide a process busy for the last second: only now counts
    assert not after(60.0, own=0.0, others=1.0, spare=spare, running=2)
    assert after(60.0, own=0.0, others=1.0, spare=spare, running=1)
    assert not after(1.0, own=0.0, others=0.0, spare=embedding.SpareCore(cores=1))  # one core: never
    for odd in ("", "cpu\n", "cpu  1 2 3\nprocs_running 1\n", "cpu  1 2 3 4 5 6 7 8\n", "\x00\xff"):
        stat.write_text(odd)  # no /proc/stat line to read: never spare, never an error
        assert not embedding.SpareCore(cores=2).look()
    monkeypatch.setattr(embedding.SpareCore, "STAT", str(tmp_path / "missing"))
    assert not after(1.0, own=0.0, others=0.0, spare=embedding.SpareCore(cores=2))


def _spying(calls):
    class Spy(HashEmbedder):
        def embed(self, texts):
            calls.append(("passage", list(texts)))
            return super().embed(texts)

        def embed_queries(self, texts):
            calls.append(("query", list(texts)))
            return super().embed(texts)

    return Spy(dim=32)


def test_a_build_embeds_the_sentences_so_no_question_does(tmp_path, corpus_copy, monkeypatch):
    from assistant import Assistant, Settings
    from assistant import tuning
    from assistant.chunking import units

    settings = Settings.from_env().with_(corpus_dir=corpus_copy, data_dir=tmp_path / "a",
                                         cache_dir=tmp_path / "cache")
    calls = []
    a = Assistant(settings, embedder=_spying(calls))
    assert {c.id for c in a.chunks if units(c)} == set(a._unit_vectors)
    calls.clear()
    answer = a.ask("Hva koster det?")
    assert answer.citations and [kind for kind, _ in calls] == ["query"]

    # over UNITS_AT_BUILD they are embedded the first time an answer quotes their section
    monkeypatch.setattr(tuning, "UNITS_AT_BUILD", 1)
    lazy = Assistant(settings.with_(data_dir=tmp_path / "b", cache_dir=tmp_path / "cache-b"),
                     embedder=_spying(calls))
    assert not lazy._unit_vectors
    calls.clear()
    assert lazy.ask("Hva koster det?").citations
    assert "passage" in [kind for kind, _ in calls]



def test_assistant_index_off_a_terminal_prints_the_builds_progress_lines_without_v(tmp_path, capsys, monkeypatch):
    """A pipe or a CI log draws no bar; `assistant index` still says how a long build goes, and
    nothing else of the log unless -v."""
    from assistant import cli

    class Slow(HashEmbedder):
        def embed(self, texts):
            time.sleep(0.02 * len(texts))
            return super().embed(texts)

    logger, root = logging.getLogger("assistant.index"), logging.getLogger()
    kept = (logger.handlers[:], logger.level, root.handlers[:], root.level)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    try:
        cli._setup_logging(False)
        n = int(PROGRESS_AFTER_S * 150)
        with cli._index_progress():
            IndexStore(tmp_path / "slow").open(_chunks(n), Slow(dim=8))
            logging.getLogger("assistant.index").warning("a warning still shows once")
        err = capsys.readouterr().err
        assert re.search(rf"^indexing: {n}/{n} items in \d+ s$", err, re.M), err
        assert re.search(rf"^indexing: \d+/{n} items \(\d+ %\), \d+ s so far, about \d+ s left$", err, re.M)
        assert "indexed " not in err and err.count("a warning still shows once") == 1
        assert len(re.findall(r"items in \d+ s", err)) == 1
        # the command's run only: nothing is left on the logger for the rest of the process
        assert logger.handlers == kept[0] and logger.level == kept[1]
        IndexStore(tmp_path / "after").open(_chunks(n), Slow(dim=8))
        assert "indexing" not in capsys.readouterr().err
    finally:
        logger.handlers[:], root.handlers[:] = kept[0], kept[2]
        logger.setLevel(kept[1])
        root.setLevel(kept[3])
