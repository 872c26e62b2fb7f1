"""The CLI as a user runs it: real subprocesses, real model, a temp data dir."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO_ROOT


def run(args, stdin=b"", env_extra=None, data_dir=None):
    env = {**os.environ, **(env_extra or {})}
    if data_dir:
        env["ASSISTANT_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          env=env, cwd=REPO_ROOT, timeout=300)


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-data")


def test_ask_prints_answer_and_sources(cli_data):
    r = run(["ask", "Hva koster det?"], data_dir=cli_data)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    assert "Pris per time NOK 1100,- eks. mva." in out
    assert "Kilder:" in out and "corpus/npr_guidance_no.txt › Pris" in out
    assert b"Traceback" not in r.stderr


def test_json_lines_mode_keeps_order_and_survives_bad_input(cli_data):
    lines = [
        "Hva koster det?".encode(),
        b"\xff\xfe\xfd not utf-8",
        b"",
        "Hva\x00 blir \x07været i morgen?".encode(),
        ("x" * 50_000).encode(),
        "How long does delivery take?".encode(),
    ]
    r = run(["ask", "--json"], stdin=b"\n".join(lines) + b"\n", data_dir=cli_data)
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr
    objs = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert len(objs) == len(lines)
    assert [o["reason"] for o in objs] == ["answered", "invalid", "empty", "not_covered", "too_long", "answered"]
    assert set(objs[0]) >= {"question", "answer", "abstained", "citations", "latency_ms"}
    for o in objs:
        for c in o["citations"]:
            assert set(c) >= {"source", "section", "quote", "start", "end", "score"}
            assert (REPO_ROOT / c["source"]).read_text(encoding="utf-8")[c["start"]:c["end"]] == c["quote"]
    assert objs[5]["answer"].startswith("According to the NPR guidance")


def test_single_json_object(cli_data):
    r = run(["ask", "--json", "Må jeg bruke helsedata.no hvis jeg trenger data til noe annet enn forskning?"],
            data_dir=cli_data)
    obj = json.loads(r.stdout)
    assert obj["abstained"] is False
    assert obj["citations"][0]["section"] == "Søknad ved andre formål enn forskning"


def test_index_command_and_clear_errors(cli_data, tmp_path):
    r = run(["index"], data_dir=cli_data)
    assert r.returncode == 0 and "21 chunks" in r.stdout.decode()
    bad = run(["ask", "hei"], env_extra={"ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}, data_dir=tmp_path)
    assert bad.returncode == 2
    err = bad.stderr.decode().strip()
    assert "ASSISTANT_EMBEDDING_MODEL" in err and "Traceback" not in err and len(err.splitlines()) == 1
    nocorp = run(["ask", "hei"], env_extra={"ASSISTANT_CORPUS_DIR": str(tmp_path / "none")}, data_dir=tmp_path)
    assert nocorp.returncode == 2 and "ASSISTANT_CORPUS_DIR" in nocorp.stderr.decode()
    badk = run(["ask", "hei"], env_extra={"ASSISTANT_TOP_K": "many"}, data_dir=tmp_path)
    assert badk.returncode == 2 and "ASSISTANT_TOP_K" in badk.stderr.decode()


# -- hardening (issue #14) ------------------------------------------------------------------------

def one_line_error(r) -> str:
    err = r.stderr.decode().strip()
    assert r.returncode == 2, (r.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def test_index_twice_is_up_to_date_and_keeps_its_build(_data_dir, capsys):
    from assistant.cli import main

    assert main(["index"]) == 0
    first = capsys.readouterr().out
    build = json.loads((_data_dir / "index" / "manifest.json").read_text())["build"]
    assert first.startswith(f"Index built (build {build}): 21 chunks and ")
    assert " example questions from 1 document(s)" in first
    assert main(["index"]) == 0
    assert capsys.readouterr().out.startswith(f"Index up to date (build {build}): 21 chunks")
    assert json.loads((_data_dir / "index" / "manifest.json").read_text())["build"] == build
    assert main(["index", "--force"]) == 0
    forced = json.loads((_data_dir / "index" / "manifest.json").read_text())["build"]
    assert forced != build and capsys.readouterr().out.startswith(f"Index built (build {forced})")


def test_a_manifest_that_is_a_json_list_is_rebuilt_with_one_warning(_data_dir, capsys):
    from assistant.cli import main

    assert main(["index"]) == 0
    (_data_dir / "index" / "manifest.json").write_text("[1, 2, 3]")
    capsys.readouterr()
    assert main(["ask", "Hva koster det?"]) == 0
    out, err = capsys.readouterr()
    assert "NOK 1100" in out and "Traceback" not in err
    assert err.count("is not a JSON object; rebuilding") == 1


@pytest.mark.parametrize("damage", ["garbage", "foreign table"])
def test_a_corrupt_feedback_file_is_one_line_on_export(_data_dir, capsys, damage):
    import sqlite3

    from assistant.cli import main

    _data_dir.mkdir(parents=True)
    path = _data_dir / "feedback.sqlite3"
    if damage == "garbage":  # DatabaseError: file is not a database
        path.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    else:  # OperationalError: a table of that name, but not ours
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE feedback (x TEXT)")
    assert main(["feedback-export"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"assistant: The feedback file {path} cannot be read") and "Move it aside" in err


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    import subprocess as sp

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    proc = sp.Popen([sys.executable, "-m", "assistant", "ask", "--json"], cwd=REPO_ROOT, env=env,
                    stdin=sp.PIPE, stdout=sp.PIPE, stderr=sp.PIPE)
    proc.stdin.write("Hva koster det?\n".encode() * 50)
    proc.stdin.close()
    first = proc.stdout.readline()  # `| head -1`: one line, then the reader is gone
    proc.stdout.close()
    err = proc.stderr.read().decode().strip()
    proc.wait(timeout=300)
    assert json.loads(first)["reason"] == "answered"
    assert proc.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "broken pipe" in err


def test_a_terminal_that_cannot_show_aeoeaa_gets_escapes_not_a_traceback(cli_data):
    r = run(["ask", "Hvor lang tid tar det å få data?"], env_extra={"PYTHONIOENCODING": "ascii"}, data_dir=cli_data)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr[-2000:]
    out = r.stdout.decode("ascii")  # every byte is ASCII
    assert "Statistikk og anonyme opplysninger" in out and "\\xf8" in out  # "ø", escaped
    r = run(["ask", "--json", "Hvor lang tid tar det å få data?"], env_extra={"PYTHONIOENCODING": "ascii"},
            data_dir=cli_data)
    assert r.returncode == 0 and json.loads(r.stdout.decode("ascii"))["question"] == "Hvor lang tid tar det å få data?"


def test_ask_without_a_question_says_so_before_loading_the_model(tmp_path):
    r = run(["ask"], env_extra={"ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}, data_dir=tmp_path)
    err = one_line_error(r)
    assert 'Give a question: assistant ask "Hva koster det?"' in err and "ASSISTANT_EMBEDDING_MODEL" not in err


def test_a_lone_carriage_return_ends_a_json_lines_question(assistant):
    import io

    from assistant.cli import _ask_lines, input_lines

    assert list(input_lines(io.BytesIO(b"a\rb\r\nc\n\nd"))) == [b"a", b"b", b"c", b"", b"d"]
    out = io.StringIO()
    _ask_lines(assistant, io.BytesIO("Hva koster det?\rHvor lang tid tar det å få data?\r\n"
                                     "How long does delivery take?\n".encode()), out)
    objs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [o["question"] for o in objs] == ["Hva koster det?", "Hvor lang tid tar det å få data?",
                                             "How long does delivery take?"]
    assert [o["reason"] for o in objs] == ["answered"] * 3


def test_a_corpus_of_headings_only_is_a_clear_error_and_an_empty_document_a_warning(tmp_path, corpus_copy):
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "a.md").write_text("# Pris\n\n## Leveringsfrister\n", encoding="utf-8")
    (bare / "b.txt").write_text("Pris\n\nLeveringsfrister\n", encoding="utf-8")
    err = one_line_error(run(["index"], env_extra={"ASSISTANT_CORPUS_DIR": str(bare)}, data_dir=tmp_path / "d1"))
    assert "holds only headings" in err and "ASSISTANT_CORPUS_DIR" in err

    shutil.copy(bare / "a.md", corpus_copy / "a.md")
    r = run(["index"], env_extra={"ASSISTANT_CORPUS_DIR": str(corpus_copy)}, data_dir=tmp_path / "d2")
    out, err = r.stdout.decode(), r.stderr.decode()
    assert r.returncode == 0, err
    assert "21 chunks and " in out and "example questions from 2 document(s)" in out  # as many as it lists
    assert "a.md: 0 sections, 0 chunks" in out and "no text under its headings: not indexed" in out
    assert err.count("a.md has headings but no text under them") == 1


# -- non-UTF-8 questions on the command line and in the chat (tester's report) -------------------

def test_a_question_argument_that_is_not_utf8_is_an_invalid_answer_before_the_model_loads(tmp_path):
    question = "Hva koster det å få data".encode("latin-1")  # \xe5: not UTF-8
    env = {"ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}  # loading the model would fail loudly
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", question], capture_output=True,
                       env={**os.environ, **env, "ASSISTANT_DATA_DIR": str(tmp_path)}, cwd=REPO_ROOT, timeout=300)
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    answer = json.loads(r.stdout)
    assert (answer["question"], answer["abstained"], answer["reason"]) == ("", True, "invalid")
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", b"Hva", question], capture_output=True,
                       env={**os.environ, **env, "ASSISTANT_DATA_DIR": str(tmp_path)}, cwd=REPO_ROOT, timeout=300)
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    assert r.stdout.decode() == "Spørsmålet kunne ikke leses (det er ikke gyldig tekst). Skriv det på nytt som vanlig tekst.\n"


def test_a_chat_line_that_is_not_utf8_gets_the_invalid_answer_and_the_chat_goes_on(cli_data):
    r = run(["chat"], stdin="Hva koster det å få data?\n".encode("latin-1") + "Hva koster det?\n\n".encode(),
            data_dir=cli_data)
    out = r.stdout.decode()
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr[-2000:]
    assert "Spørsmålet kunne ikke leses (det er ikke gyldig tekst)." in out
    assert "Pris per time NOK 1100,- eks. mva." in out  # the next question is answered as usual


def test_a_chat_follow_up_with_no_topic_of_its_own_asks_about_the_question_before(cli_data):
    r = run(["chat"], stdin="Finnes det ferdig statistikk?\nHvor finner vi den?\n\n".encode(), data_dir=cli_data)
    out = r.stdout.decode()
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr[-2000:]
    # each answer quotes the open statistics and cites it
    assert out.count("«På nettsidene til Helsedirektoratet kan du finne aktuell statistikk om»") == 2
    assert "Det finner jeg ikke" not in out and "Skriv et spørsmål" not in out


def test_a_strict_stdin_that_cannot_decode_a_chat_line_gets_the_invalid_answer(monkeypatch, capsys):
    import builtins

    import assistant.service
    from assistant.cli import main

    lines = iter([UnicodeDecodeError("utf-8", b"\xe5", 0, 1, "invalid continuation byte"), EOFError()])

    def typed(prompt=""):
        raise next(lines)

    monkeypatch.setattr(builtins, "input", typed)
    monkeypatch.setattr(assistant.service, "Assistant", lambda: None)  # nothing is asked of it
    assert main(["chat"]) == 0
    assert "Spørsmålet kunne ikke leses (det er ikke gyldig tekst)." in capsys.readouterr().out


def test_a_personal_number_in_a_path_is_masked_in_every_error_line(tmp_path, capsys, monkeypatch):
    """Batch labels and the summary were masked, but "…/nope 15038512363.eml does not exist" (and
    the binary-file, FIFO and feedback-export lines) gave the number back on stderr."""
    from assistant.cli import main

    folder = tmp_path / "sak 15038512363"
    folder.mkdir()
    os.mkfifo(folder / "fifo 15038512363.eml")
    (folder / "bin 15038512363.eml").write_bytes(b"\x00\x01PNG\x00" * 20)
    (folder / "fb 15038512363.jsonl").write_text("", encoding="utf-8")
    (folder / "a.txt").write_text("Hva koster det?\n", encoding="utf-8")
    commands = {
        "does not exist": ["draft", str(folder / "nope 15038512363.eml")],
        "is not a regular file (a FIFO": ["draft", str(folder / "fifo 15038512363.eml")],
        "bin ***********.eml is not a text e-mail": ["draft", str(folder / "bin 15038512363.eml")],
        "is a folder: give --out FOLDER": ["draft", str(folder)],
        "is the folder of the e-mails": ["draft", str(folder / "a.txt"), "--out", str(folder)],
        "fb ***********.jsonl already exists": ["feedback-export", "--out", str(folder / "fb 15038512363.jsonl")],
        # the reply templates' file, missing or broken (the reason an OSError gives names the path again)
        "Reply templates": ["draft", str(folder / "a.txt"), "--templates", str(folder / "maler 15038512363.json")],
        ": 'nb' lacks": ["draft", str(folder / "a.txt"), "--templates", str(folder / "tom 15038512363.json")],
    }
    (folder / "tom 15038512363.json").write_text("{}", encoding="utf-8")
    # any error line: a folder that is no Maildir
    commands["is not a Maildir"] = ["inbox", "--maildir", str(folder)]
    monkeypatch.setenv("ASSISTANT_INBOX_FROM", "NPR <helseregistre@helsedir.no>")
    # valid JSON of another shape is an error line too, never a traceback
    for n, shape in enumerate(("[]", "null", '"x"', '{"nb": 5, "en": {}}')):
        (folder / f"form{n}.json").write_text(shape, encoding="utf-8")
        commands[f"form{n}.json: "] = ["draft", str(folder / "a.txt"), "--templates", str(folder / f"form{n}.json")]
    for says, args in commands.items():
        assert main(args) == 2, args
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and says in err, err
        assert "15038512363" not in err and "***********" in err, err
    # a damaged privacy key under a data dir whose path holds a number (main masks every error line)
    (folder / "data").mkdir()
    (folder / "data" / "privacy.key").write_bytes(b"12345")
    (folder / "inn").mkdir()
    (folder / "inn" / "sak 15038512363.txt").write_text("Hva koster det?\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(folder / "data"))
    assert main(["draft", str(folder / "inn"), "--out", str(tmp_path / "ut")]) == 2
    err = capsys.readouterr().err.strip()
    assert "privacy key" in err and "15038512363" not in err and "***********" in err, err
