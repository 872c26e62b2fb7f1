"""The Gradio app for real: a server on a free loopback port, called through gradio_client.

Also the pure pieces the chat shows (excerpts with <mark>), the feedback store and its export.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from appserver import app, free_port, running
from assistant import Answer, Assistant, Citation, Settings
from assistant.cli import main as cli_main
from assistant.feedback import FeedbackStore, rating
from conftest import REPO_ROOT

ELEVEN_DIGITS = re.compile(rb"(?<!\d)\d{6}[ \-.]?\d{5}(?!\d)")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A first start: an empty data directory, so the index is built here."""
    return Assistant(Settings.from_env().with_(data_dir=tmp_path_factory.mktemp("app") / "data",
                                               corpus_dir=REPO_ROOT / "corpus"))


@pytest.fixture(scope="module")
def url(fresh):
    with running(fresh, FeedbackStore.for_settings(fresh.settings)) as address:
        yield address


@pytest.fixture(scope="module")
def client(url):
    return Client(url, verbose=False)


# -- what the chat shows ------------------------------------------------------------------

def test_excerpt_marks_the_quote_inside_whole_words():
    assert app.excerpt_html("Pris per time NOK 1100.", [(14, 22)], margin=5) == \
        "…time <mark>NOK 1100</mark>."
    assert app.excerpt_html("aa bbbb cc dddd ee", [(8, 10)], margin=4) == "…<mark>cc</mark>…"
    assert app.excerpt_html("aa bbbb cc dddd ee", [(0, 2), (8, 10)], margin=4) == \
        "<mark>aa</mark> bbbb <mark>cc</mark>…"


def test_excerpt_escapes_html_and_keeps_line_breaks():
    text = "a <b>\n\nNOK 1100 & mer\nslutt"
    assert app.excerpt_html(text, [(7, 15)], margin=100) == \
        "a &lt;b&gt;<br><mark>NOK 1100</mark> &amp; mer<br>slutt"


def test_excerpt_stays_inside_the_bounds_it_is_given():
    text = "Pris\n\nNOK 1100.\n\nLeveringsfrister\n\n30 dager"
    assert app.excerpt_html(text, [(6, 15)], lo=6, hi=15) == "<mark>NOK 1100.</mark>"


def test_neighbouring_quotes_from_one_section_form_one_passage():
    c = lambda start, section="Pris": Citation("doc.txt", section, "q", start, start + 10, 1.0)  # noqa: E731
    groups = app.passages((c(500), c(100), c(120), c(130, "Leveringsfrister")))
    assert [[x.start for x in g] for g in groups] == [[100, 120], [130], [500]]


def test_answer_message_shows_heading_marked_quote_and_document(fresh):
    message = app.answer_html(fresh, fresh.ask("Hva koster det?"))
    assert "<strong>1. Pris</strong>" in message
    assert "<mark>Pris per time NOK 1100,- eks. mva.</mark>" in message
    assert "Norsk pasientregister (NPR) – tilgang til data" in message
    assert "corpus/npr_guidance_no.txt" in message
    assert "\n\n" not in message  # one HTML block: a blank line would end it in Markdown


def test_abstention_message_says_so_and_links_the_contact_address(fresh):
    message = app.answer_html(fresh, fresh.ask("Hva er hovedstaden i Frankrike?"))
    assert "finner jeg ikke" in message
    assert '<a href="mailto:helseregistre@helsedir.no">' in message
    assert "Kilder" not in message


def test_follow_up_gets_the_last_answered_question_as_context(fresh):
    _, history, answers, context = app.chat_turn(fresh, "Hva koster det?", [], {}, "")
    assert context == "Hva koster det?"
    _, history, answers, context = app.chat_turn(fresh, "Hva er hovedstaden i Frankrike?",
                                                 history, answers, context)
    assert context == "Hva koster det?"  # an abstention does not become the context
    _, history, answers, context = app.chat_turn(fresh, "Og hvor lang tid tar det?", history,
                                                 answers, context)
    assert context == "Og hvor lang tid tar det?"
    assert [m["role"] for m in history] == ["user", "assistant"] * 3
    assert {i: a.reason for i, a in answers.items()} == {1: "answered", 3: "not_covered", 5: "answered"}
    assert "Leveringsfrister" in history[5]["content"]


def test_a_follow_up_with_no_topic_of_its_own_asks_about_the_last_answered_question(fresh):
    _, history, answers, context = app.chat_turn(fresh, "Finnes det ferdig statistikk?", [], {}, "")
    _, history, answers, context = app.chat_turn(fresh, "Hvor finner vi den?", history, answers, context)
    assert answers[3].reason == "answered" and answers[3].citations[0].section == "Åpne data"
    assert context == "Finnes det ferdig statistikk? Hvor finner vi den?"  # what the next one follows
    # one the guidance does not answer even so is declined, not taken for an empty question
    _, history, answers, _ = app.chat_turn(fresh, "Hvorfor det?", history, answers, "Hva koster det?")
    assert answers[5].reason == "not_covered" and not answers[5].citations
    # nor one asking a fact of a kind of its own, and thanks are no question about the price
    for said, reason in (("Når da?", "not_covered"), ("Who can see it?", "not_covered"), ("Takk!", "empty")):
        _, history, answers, _ = app.chat_turn(fresh, said, history, answers, "Hva koster det?")
        assert answers[len(history) - 1].reason == reason, said
    assert history[-1]["content"].startswith('<div class="svar">Bare hyggelig!')  # thanks are thanked for


def test_chat_shows_the_question_with_personal_numbers_masked(fresh):
    _, history, _, context = app.chat_turn(fresh, "Hva koster det for 010190 12345?", [], {}, "")
    assert history[0]["content"] == "Hva koster det for ***********?"
    assert "12345" not in context


# -- the API through gradio_client ----------------------------------------------------------

def test_first_start_built_the_index(fresh):
    assert fresh.built


def test_api_answers_non_research_question_with_its_section(client):
    a = client.predict("Må jeg bruke helsedata.no hvis jeg trenger data til noe annet enn forskning?",
                       api_name="/ask")
    assert a["abstained"] is False and a["reason"] == "answered"
    assert "skal du ikke bruke søknadsskjema på helsedata.no" in a["answer"]
    assert a["citations"][0]["section"] == "Søknad ved andre formål enn forskning"


def test_api_answers_price_with_its_section_and_offsets(client):
    a = client.predict("Hva koster det?", api_name="/ask")
    assert "NOK 1100" in a["answer"]
    assert {c["section"] for c in a["citations"]} == {"Pris"}
    for c in a["citations"]:
        assert (REPO_ROOT / c["source"]).read_text(encoding="utf-8")[c["start"]:c["end"]] == c["quote"]


def test_api_returns_exactly_what_the_cli_prints(client, fresh):
    a = client.predict("Hvor lang tid tar det å få data?", api_name="/ask")
    expected = fresh.ask("Hvor lang tid tar det å få data?").to_dict()
    assert {k: v for k, v in a.items() if k != "latency_ms"} == \
        {k: v for k, v in expected.items() if k != "latency_ms"}


@pytest.mark.parametrize("question, reason", [("", "empty"), ("   \n ", "empty"),
                                              ("x" * 50_000, "too_long"), ("\x00\x1b[31m", "empty")])
def test_api_bad_input_gets_a_clear_abstention_not_an_error(client, question, reason):
    a = client.predict(question, api_name="/ask")
    assert a["abstained"] is True and a["reason"] == reason
    assert a["citations"] == [] and len(a["answer"]) > 20
    assert "Traceback" not in a["answer"]


def test_api_masks_personal_numbers_in_the_echoed_question(client):
    a = client.predict("Hva koster det for 01019012345?", api_name="/ask")
    assert "01019012345" not in json.dumps(a) and "***********" in a["question"]


def test_twenty_parallel_clients_all_get_answers(url):
    questions = ["Hva koster det?", "Hvor lang tid tar det å få data?", "How long does delivery take?",
                 "Hva er hovedstaden i Frankrike?", ""] * 4

    def call(question):
        started = time.perf_counter()
        answer = Client(url, verbose=False).predict(question, api_name="/ask")
        return question, answer, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(call, questions))
    wall = time.perf_counter() - started
    for question, answer, _ in results:
        assert answer["question"] == question
        assert answer["reason"] in {"answered", "not_covered", "empty"}
    assert sum("NOK 1100" in a["answer"] for _, a, _ in results) == 4
    slowest = max(s for _, _, s in results)
    print(f"\n20 parallel /ask calls: wall {wall:.2f} s, slowest {slowest:.2f} s")
    assert wall < 60


def test_python_app_py_starts_with_settings_from_the_environment(tmp_path):
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_PORT": str(port),
           "ASSISTANT_TITLE": "NPR-test"}
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page, deadline = "", time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "<title>NPR-test</title>" in page or "NPR-test" in page
        assert (tmp_path / "data").is_dir() and any((tmp_path / "data").iterdir())
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "Traceback" not in output and proc.returncode == 0  # SIGTERM stops it cleanly
    # the JSON API was served before Gradio loaded, the page after
    assert output.index("the chat page is loading") < output.index("serving http://")


def test_app_log_lines_mask_personal_numbers():
    stream, logger = io.StringIO(), logging.getLogger("test_app.masking")
    logger.addHandler(app.log_handler(stream))
    try:
        logger.warning("spørsmål fra 010190 12345 og %s", "01019012345")
    finally:
        logger.handlers.clear()
    assert "spørsmål fra *********** og ***********" in stream.getvalue()
    assert not ELEVEN_DIGITS.search(stream.getvalue().encode())


# -- feedback -------------------------------------------------------------------------------

def _answer(question="Hva koster det for 01019012345?", text="Svar om 010190-12345: NOK 1100"):
    return Answer(question=question, answer=text, abstained=False, lang="nb", confidence=0.9,
                  citations=(Citation("corpus/npr_guidance_no.txt", "Pris", "NOK 1100", 1, 9, 1.0),))


def test_rating_reads_gradio_like_data():
    assert [rating(x) for x in (True, False, "", None, "Like", "Dislike")] == \
        ["up", "down", None, None, "up", "down"]


def test_thumbs_down_is_stored_without_personal_numbers(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert store.record(_answer(), False, session="s1", message=1) == "down"
    raw = store.path.read_bytes()
    assert not ELEVEN_DIGITS.search(raw)
    [row] = store.rows()
    assert row["rating"] == "down"
    assert row["question"] == "Hva koster det for ***********?"
    assert row["answer"] == "Svar om ***********: NOK 1100"
    assert json.loads(row["citations"])[0]["section"] == "Pris"
    assert not any(ELEVEN_DIGITS.search(str(v).encode()) for v in row.values())


def test_a_vote_clicked_while_another_is_stored_is_not_dropped(fresh, tmp_path):
    # Gradio's default trigger mode ("once") ignores a like event while one is pending: two quick
    # votes on a loaded machine kept only the first (the browser test lost the second)
    demo = app.build_app(fresh, FeedbackStore(tmp_path / "feedback.sqlite3"))
    likes = [d for d in demo.config["dependencies"] if any(t[1] == "like" for t in d["targets"])]
    assert likes and all(d["trigger_mode"] == "multiple" for d in likes)


def test_a_later_vote_replaces_the_earlier_one_and_withdrawing_deletes_it(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.record(_answer(), True, session="s1", message=1)
    store.record(_answer(), False, session="s1", message=1)
    store.record(_answer("Hvor lang tid tar det?", "60 dager"), True, session="s1", message=3)
    assert [(r["message"], r["rating"]) for r in store.rows()] == [(1, "down"), (3, "up")]
    store.record(_answer(), "", session="s1", message=1)
    assert [(r["message"], r["rating"]) for r in store.rows()] == [(3, "up")]


def test_feedback_export_writes_thumbs_down_as_eval_cases(_data_dir, tmp_path, capsys):
    store = FeedbackStore.for_settings(Settings.from_env())
    assert store.path == _data_dir / "feedback.sqlite3"
    store.record(_answer(), False, session="s1", message=1)
    store.record(_answer("Hvor lang tid tar det?", "60 dager"), True, session="s1", message=3)
    expected = {"id": "feedback-1", "question": "Hva koster det for ***********?", "lang": "nb",
                "answerable": None, "facts": [], "section": None, "source": "feedback",
                "answer_given": "Svar om ***********: NOK 1100"}

    assert cli_main(["feedback-export"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [expected]
    assert list(json.loads(lines[0])) == list(expected)  # the eval's field order

    out = tmp_path / "cases.jsonl"
    assert cli_main(["feedback-export", "--out", str(out)]) == 0
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == [expected]
    assert "1 thumbs-down case(s)" in capsys.readouterr().err


def test_feedback_export_with_no_feedback_yet_prints_nothing(_data_dir, capsys):
    assert cli_main(["feedback-export"]) == 0
    assert capsys.readouterr().out == ""
    assert not (_data_dir / "feedback.sqlite3").exists()


def test_feedback_export_to_an_unwritable_path_is_one_clear_line(tmp_path, capsys):
    assert cli_main(["feedback-export", "--out", str(tmp_path / "missing" / "cases.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("assistant: Cannot write") and "Traceback" not in err


def test_feedback_export_never_writes_over_a_file_or_through_a_link(_data_dir, tmp_path, capsys):
    FeedbackStore.for_settings(Settings.from_env()).record(_answer(), False, session="s1", message=1)
    mine, target, link = tmp_path / "f.txt", tmp_path / "mål.txt", tmp_path / "lenke.jsonl"
    mine.write_text("USER\n")
    target.write_text("TARGET\n")
    link.symlink_to(target)
    for out in (mine, link):
        assert cli_main(["feedback-export", "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert err == (f"assistant: {out} already exists; give a new file name with --out, or pass "
                       "--overwrite to replace it.")
    assert mine.read_text() == "USER\n" and target.read_text() == "TARGET\n"
    assert cli_main(["feedback-export", "--out", str(tmp_path)]) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err

    assert cli_main(["feedback-export", "--out", str(link), "--overwrite"]) == 0
    assert not link.is_symlink() and target.read_text() == "TARGET\n"  # the link replaced, not followed
    assert json.loads(link.read_text())["id"] == "feedback-1"
    assert cli_main(["feedback-export", "--out", str(mine), "--overwrite"]) == 0
    assert json.loads(mine.read_text())["id"] == "feedback-1"
    old = os.umask(0o022)
    try:
        assert cli_main(["feedback-export", "--out", str(tmp_path / "ny.jsonl")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "ny.jsonl").stat().st_mode & 0o777 == 0o644
    assert len((tmp_path / "ny.jsonl").read_text().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


# -- bounded work per request (issue #14) ---------------------------------------------------------

class SpyAssistant:
    """The real assistant, recording what the Kilder tab asks the retriever to search."""

    def __init__(self, real):
        self.real, self.searched = real, []

    def __getattr__(self, name):
        return getattr(self.real, name)

    def search(self, question, k=None, context=""):
        self.searched.append((len(question), k, len(context)))
        return self.real.search(question, k=k, context=context)


def test_kilder_search_is_bounded_like_a_question(fresh):
    spy, limit = SpyAssistant(fresh), fresh.settings.max_question_chars
    rows, answer = app.search_hits(spy, "Hva koster det? " * 5000, 5, "")
    assert rows == [] and answer["reason"] == "too_long" and spy.searched == []
    assert f"høyst {limit}" in answer["answer"]
    rows, answer = app.search_hits(spy, "Hva koster det?", 5, "x" * (limit + 1))  # the earlier question too
    assert rows == [] and answer["reason"] == "too_long" and spy.searched == []
    rows, answer = app.search_hits(spy, "Hva koster det?", 10**9, "")
    assert spy.searched == [(15, len(fresh.chunks), 0)] and rows[0][5] == "Pris"  # k kept to the index
    assert answer["reason"] == "answered"


def test_kilder_searches_a_follow_up_as_it_is_answered(fresh):
    rows, answer = app.search_hits(fresh, "Hvor finner vi den?", 5, "Finnes det ferdig statistikk?")
    assert rows[0][5] == "Åpne data" and answer["citations"][0]["section"] == "Åpne data"
    assert app.search_hits(fresh, "Hvor finner vi den?", 5, "")[1]["reason"] == "empty"  # alone it names nothing


def test_a_corrupt_feedback_file_is_a_feedback_error_naming_it(tmp_path):
    from assistant.errors import AssistantError, FeedbackError

    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"not a database" * 300)
    store = FeedbackStore(path)
    for call in (lambda: store.record(_answer(), False, session="s", message=1), store.rows, store.cases):
        with pytest.raises(FeedbackError, match=f"{path} cannot be read.*Move it aside"):
            call()
    assert issubclass(FeedbackError, AssistantError)  # what app.py's thumbs handler catches
