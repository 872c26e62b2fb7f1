"""Bad input at every edge, generated: `Assistant.ask`, the CLI's JSON Lines mode, the Gradio API.

Arbitrary unicode (controls, lone surrogates, right-to-left marks, emoji), huge inputs and raw
bytes. At every edge: no traceback, always a well-formed answer with the contract keys, and
every citation verbatim at its offsets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from conftest import REPO_ROOT

# hypothesis caches its unicode tables in ./.hypothesis unless told otherwise: not in the tree
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "npr-assistant-hypothesis")

KEYS = {"question", "answer", "abstained", "citations", "latency_ms", "lang", "reason", "confidence"}
CITE_KEYS = {"source", "section", "quote", "start", "end", "score"}
REASONS = {"answered", "not_covered", "empty", "too_long", "invalid"}


def some(n: int) -> settings:
    """n examples, no deadline, no example database (nothing written into the working tree)."""
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# unicode of every category, surrogates included; seeded with the guidance's own words so some
# generated questions really get answered
WORDS = st.sampled_from(["Hva", "koster", "det", "helsedata.no", "forskning", "søknad", "NPR",
                         "leveringstid", "How", "long", "?", "\x00", "\x1b[31m", "\u202e", "\ufeff",
                         "\ud800", "😀", "\r", "\t", "𝕳𝖛𝖆", "ǅ", "İ", "ß"])
TEXT = st.one_of(st.text(st.characters(), max_size=300),
                 st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join))
HUGE = st.builds(lambda s, n: (s or "x") * n, st.text(min_size=1, max_size=20), st.integers(200, 5000))


def check(obj: dict, files: dict) -> None:
    """One answer as the JSON contract: keys, types, reasons, verbatim citations."""
    assert set(obj) >= KEYS
    assert isinstance(obj["answer"], str) and obj["answer"].strip()
    assert isinstance(obj["abstained"], bool) and obj["reason"] in REASONS
    assert obj["abstained"] == (obj["reason"] != "answered")
    assert obj["abstained"] or obj["citations"]
    for c in obj["citations"]:
        assert set(c) >= CITE_KEYS
        if c["source"] not in files:
            files[c["source"]] = (REPO_ROOT / c["source"]).read_text(encoding="utf-8")
        assert files[c["source"]][c["start"]:c["end"]] == c["quote"]


@some(100)
@given(question=st.one_of(TEXT, HUGE, st.binary(max_size=200)))
def test_ask_never_raises_and_always_answers_in_the_contract(assistant, question):
    answer = assistant.ask(question)
    data = answer.to_dict()
    # what the CLI and the app send must encode: no lone surrogate may leak into the output
    line = json.dumps(data, ensure_ascii=False).encode("utf-8")
    check(json.loads(line), {})


@some(2)  # hypothesis tries the simplest list first, then a random one: one process each
@given(lines=st.lists(st.one_of(TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                                st.binary(max_size=100), HUGE.map(str.encode)),
                      min_size=100, max_size=200))
def test_cli_json_lines_answers_every_line(tmp_path_factory, lines):
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]  # one question per line; \r ends one too
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path_factory.getbasetemp() / "props-cli")}
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json"], input=b"\n".join(lines) + b"\n",
                       capture_output=True, env=env, cwd=REPO_ROOT, timeout=300)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr[-2000:]
    out = r.stdout.decode("utf-8").splitlines()
    assert len(out) == len(lines)
    files: dict = {}
    for line in out:
        check(json.loads(line), files)


@pytest.fixture(scope="module")
def api(assistant, tmp_path_factory):
    from appserver import running
    from gradio_client import Client

    from assistant.feedback import FeedbackStore

    with running(assistant, FeedbackStore(tmp_path_factory.mktemp("props-app") / "feedback.sqlite3")) as url:
        yield Client(url, verbose=False)


@some(10)
@given(question=st.one_of(TEXT.map(lambda t: t.encode("utf-8", "replace").decode("utf-8")), HUGE))
def test_gradio_api_never_errors(api, question):
    check(api.predict(question, api_name="/ask"), {})


@pytest.mark.parametrize("escaped", [r"Hva koster det?\ud800", r"\udfff", r"a\ud83d b"])
def test_gradio_api_survives_lone_surrogates_sent_as_json_escapes(api, escaped):
    # gradio_client cannot send these (it encodes to UTF-8 first); a raw JSON client can
    import urllib.request

    url = api.src.rstrip("/") + "/gradio_api/call/ask"
    body = json.dumps({"data": ["PLACEHOLDER"]}).replace("PLACEHOLDER", escaped).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{url}/{event}", timeout=60) as r:
        stream = r.read().decode("utf-8")
    assert stream.startswith("event: complete"), stream[:300]
    check(json.loads(stream.split("data:", 1)[1])[0], {})
