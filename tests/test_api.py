"""The JSON API (/api/v1) on the apps' own port: the contract, health, OpenAPI, clear errors,
the staff draft endpoint behind the log-in, and answering off the event loop."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from appserver import free_port, running  # puts the repo root on sys.path
from assistant.feedback import FeedbackStore
from assistant.web import AnswerPool, build_api, corpus_hash, serve


def call(url, body=None, *, content_type="application/json", headers=None, method=None):
    """(status, parsed JSON or text, headers) of one request; never raises for an HTTP status."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"),
                                 headers={**({"Content-Type": content_type} if content_type else {}),
                                          **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, raw, head = r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as exc:
        status, raw, head = exc.code, exc.read().decode(), dict(exc.headers)
    try:
        return status, json.loads(raw), head
    except ValueError:
        return status, raw, head


@pytest.fixture(scope="module")
def url(assistant, tmp_path_factory):
    with running(assistant, FeedbackStore(tmp_path_factory.mktemp("api") / "fb.sqlite3")) as url:
        yield url


def test_ask_returns_the_cli_json_contract(url, assistant):
    status, data, head = call(url + "api/v1/ask", {"question": "Hva koster det?"})
    assert status == 200 and head["content-type"].startswith("application/json")
    expected = assistant.ask("Hva koster det?").to_dict()
    assert data.keys() == expected.keys()
    assert {k: v for k, v in data.items() if k != "latency_ms"} == \
        {k: v for k, v in expected.items() if k != "latency_ms"}
    text = open(assistant.settings.corpus_dir / "npr_guidance_no.txt", encoding="utf-8").read()
    assert data["citations"] and all(text[c["start"]:c["end"]] == c["quote"] for c in data["citations"])
    # the context steers a follow-up, as in the chat
    status, follow, _ = call(url + "api/v1/ask", {"question": "Og hvor lang tid tar det?",
                                                  "context": "Hva koster det?"})
    assert status == 200 and follow["question"] == "Og hvor lang tid tar det?"
    # and a follow-up with no topic of its own asks about it
    status, where, _ = call(url + "api/v1/ask", {"question": "Hvor finner vi den?",
                                                 "context": "Finnes det ferdig statistikk?"})
    assert status == 200 and not where["abstained"] and where["citations"][0]["section"] == "Åpne data"


def test_a_question_out_of_scope_or_empty_is_an_answer_not_an_error(url):
    status, data, _ = call(url + "api/v1/ask", {"question": "Hva er været i Bergen i dag?"})
    assert status == 200 and data["abstained"] and data["reason"] == "not_covered" and not data["citations"]
    status, data, _ = call(url + "api/v1/ask", {"question": "   "})
    assert status == 200 and data["reason"] == "empty"
    status, data, _ = call(url + "api/v1/ask", {"question": "Thank you!", "context": "What does it cost?"})
    assert status == 200 and data["reason"] == "empty" and data["answer"].startswith("You're welcome")


def test_health_names_the_build_the_corpus_and_the_model(url, assistant):
    status, data, _ = call(url + "api/v1/health")
    assert status == 200 and data["status"] == "ok" and data["ui"] == "ready"
    assert data["index"]["build"] == assistant.vectors.manifest["build"]
    assert data["index"]["fingerprint"] == assistant.vectors.manifest["fingerprint"]
    assert data["corpus_hash"] == corpus_hash(assistant.documents) and len(data["corpus_hash"]) == 64
    assert data["model"] == assistant.embedder.name and data["chunks"] == len(assistant.chunks)


def test_openapi_schema_describes_the_api(url):
    status, schema, _ = call(url + "api/v1/openapi.json")
    assert status == 200 and schema["openapi"].startswith("3.")
    ask = schema["paths"]["/api/v1/ask"]["post"]
    body = ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][body]["required"] == ["question"]
    assert {"200", "413", "415", "422"} <= set(ask["responses"])
    assert "/api/v1/health" in schema["paths"] and "/api/v1/draft" not in schema["paths"]


@pytest.mark.parametrize("body, content_type, status, says", [
    ({"question": "Hva koster det?"}, "text/plain", 415, "application/json"),
    (b"question=Hva+koster+det", "application/x-www-form-urlencoded", 415, "application/json"),
    ({"question": "Hva koster det?"}, None, 415, "application/json"),
    ({}, "application/json", 422, "question"),
    ({"question": 5}, "application/json", 422, "question"),
    ({"question": ["Hva koster det?"]}, "application/json", 422, "question"),
    ({"question": "Hva koster det?", "context": 7}, "application/json", 422, "context"),
    (b'{"question": "Hva', "application/json", 422, "question"),
    (b"\xff\xfe\x00junk", "application/json", 422, "question"),
    (["Hva koster det?"], "application/json", 422, "question"),
])
def test_bad_requests_get_clear_json_errors(url, body, content_type, status, says):
    got, data, _ = call(url + "api/v1/ask", body, content_type=content_type)
    assert got == status
    assert isinstance(data, dict) and says in json.dumps(data) and "Traceback" not in json.dumps(data)


def test_a_body_over_64_kb_is_413_whether_declared_or_chunked(url):
    big = json.dumps({"question": "a" * 70_000}).encode()
    status, data, _ = call(url + "api/v1/ask", big)
    assert status == 413 and "64 KB" in data["error"]
    host, port = url.split("//")[1].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.putrequest("POST", "/api/v1/ask")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for i in range(0, len(big), 8192):  # no Content-Length: counted as it arrives
        piece = big[i:i + 8192]
        conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    response = conn.getresponse()
    assert response.status == 413 and "64 KB" in json.loads(response.read())["error"]
    conn.close()
    # just under the limit is still answered (the question itself is then too long, and says so)
    status, data, _ = call(url + "api/v1/ask", json.dumps({"question": "a" * 60_000}).encode())
    assert status == 200 and data["reason"] == "too_long"


@pytest.mark.parametrize("method, path, allow", [
    ("GET", "ask", "POST"), ("PUT", "ask", "POST"), ("DELETE", "ask", "POST"),
    ("POST", "health", "GET"), ("DELETE", "openapi.json", "GET, HEAD"),
])
def test_a_wrong_method_on_an_api_route_is_405_in_the_apis_error_shape(url, method, path, allow):
    body = {"question": "Hva koster det?"} if method in ("POST", "PUT") else None
    status, data, head = call(url + f"api/v1/{path}", body, method=method)
    assert (status, head["allow"]) == (405, allow)
    assert data == {"error": f"/api/v1/{path} takes {allow.replace(', ', ' or ')}, not {method}."}


def test_a_path_under_the_api_that_is_no_route_is_404_in_the_apis_error_shape(url):
    status, data, _ = call(url + "api/v1/questions")
    assert status == 404
    assert data == {"error": "There is no /api/v1/questions; the API's routes are in /api/v1/openapi.json."}


def test_the_gradio_api_and_ui_share_the_port(url):
    from gradio_client import Client

    assert Client(url, verbose=False).predict("Hva koster det?", api_name="/ask")["reason"] == "answered"
    status, page, _ = call(url, content_type=None)
    assert status == 200 and "<html" in page.lower()


def test_the_api_answers_while_the_page_loads_then_the_page_is_mounted(assistant, tmp_path):
    """app.py serves /api/v1 before Gradio is imported (most of a start) and mounts the page after."""
    import app
    from gradio_client import Client

    from assistant.web import serve_staged

    served, staged = serve_staged(build_api(assistant), "127.0.0.1", free_port())
    try:
        status, page, head = call(served.url, content_type=None)
        assert status == 503 and {k.lower(): v for k, v in head.items()}["retry-after"] == "2"
        assert 'http-equiv="refresh"' in page and "starter" in page
        assert call(served.url + "api/v1/health")[1]["ui"] == "starting"
        status, data, _ = call(served.url + "api/v1/ask", {"question": "Hva koster det?"})
        assert status == 200 and "NOK 1100" in data["answer"]
        staged.mount_ui(app.build_app(assistant, FeedbackStore(tmp_path / "fb.sqlite3")))
        assert call(served.url + "api/v1/health")[1]["ui"] == "ready"
        status, page, _ = call(served.url, content_type=None)
        assert status == 200 and "<html" in page.lower()
        # the page's queue runs although it started after the server: the chat answers
        assert Client(served.url, verbose=False).predict("Hva koster det?", api_name="/ask")["reason"] == "answered"
    finally:
        served.close()
    assert not served.thread.is_alive()
    # the page's lifespan ended with the server's, not cancelled: its shutdown ran
    assert staged._ui_task.done() and staged._ui_task.result() is None


def test_a_page_that_fails_to_start_is_one_error_and_the_server_still_stops_cleanly(assistant, capfd):
    import gradio as gr

    from assistant.web import serve_staged

    with gr.Blocks() as demo:
        gr.Markdown("test")

    async def broken():
        raise ValueError("startup failed")

    demo.extra_startup_events.append(broken)
    served, staged = serve_staged(build_api(assistant), "127.0.0.1", free_port())
    try:
        with pytest.raises(ValueError, match="startup failed"):
            staged.mount_ui(demo)
        assert call(served.url + "api/v1/health")[1]["ui"] == "starting"
    finally:
        served.close()
    assert not served.thread.is_alive()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "shutdown failed" not in err


def test_a_signal_while_gradio_loads_stops_app_py_at_once(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO_ROOT

    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if _listening(port) and call(f"http://127.0.0.1:{port}/api/v1/health")[0] == 200:
                break  # the API is up, the page is still loading
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        output = proc.communicate(timeout=30)[0]
    finally:
        proc.kill()
    assert proc.returncode == 0 and time.monotonic() - signalled < 5, output
    assert "stopping" in output and "Traceback" not in output


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Gated:
    """The real assistant, but what the API asks (ask_after) waits until the test opens the gate."""

    def __init__(self, real):
        self.real, self.gate, self.entered = real, threading.Event(), threading.Semaphore(0)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def ask_after(self, question, previous=""):
        self.entered.release()
        assert self.gate.wait(60)
        return self.real.ask_after(question, previous)


@contextmanager
def api_only(assistant, pool):
    import gradio as gr

    with gr.Blocks() as demo:
        gr.Markdown("test")
    served = serve(build_api(assistant, pool=pool), demo, "127.0.0.1", free_port(), background=True)
    try:
        yield served.url
    finally:
        served.close()


def test_answering_runs_off_the_event_loop_in_a_bounded_pool(assistant):
    import time

    gated, pool = Gated(assistant), AnswerPool(threads=1, queue=1)
    with api_only(gated, pool) as url:
        results = []

        def ask(question):
            results.append(call(url + "api/v1/ask", {"question": question}))

        first = threading.Thread(target=ask, args=("Hva koster det?",))
        first.start()
        assert gated.entered.acquire(timeout=60)  # the one worker is busy with the first answer
        # the event loop still serves: health answers while the worker is blocked
        assert call(url + "api/v1/health")[0] == 200
        second = threading.Thread(target=ask, args=("Pris?",))
        second.start()
        deadline = time.monotonic() + 60
        while pool._waiting < 2 and time.monotonic() < deadline:  # the second takes the queue's place
            time.sleep(0.01)
        # a third finds the pool and its queue full: 503 at once, with Retry-After
        status, data, head = call(url + "api/v1/ask", {"question": "Leveringstid?"})
        assert status == 503 and head.get("retry-after") == "1" and "try again" in data["error"]
        gated.gate.set()
        first.join(60), second.join(60)
    assert sorted(r[0] for r in results) == [200, 200]
    assert {r[1]["question"] for r in results} == {"Hva koster det?", "Pris?"}


# -- the staff app: /api/v1/draft behind the same log-in as its UI -------------------------------

@pytest.fixture(scope="module")
def staff(assistant, tmp_path_factory):
    from staff_app import build_staff_app, guarded_login, launch, staff_api

    auth = guarded_login("stab", "hemmelig-1")
    demo = build_staff_app(assistant, FeedbackStore(tmp_path_factory.mktemp("staff-api") / "fb.sqlite3"))
    served = launch(demo, "127.0.0.1", free_port(), auth, api=staff_api(assistant, auth),
                    prevent_thread_lock=True)
    try:
        yield served.url
    finally:
        served.close()


def _basic(user, password):
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_draft_needs_the_staff_log_in(staff, caplog):
    mail = {"mail": "Hei!\nHva koster det å få data, og hvor lang tid tar det?\nMvh Kari"}
    status, data, head = call(staff + "api/v1/draft", mail)
    assert status == 401 and head.get("www-authenticate", "").startswith("Basic") and "log" in data["error"].lower()
    status, data, _ = call(staff + "api/v1/draft", mail, headers=_basic("stab", "feil-passord"))
    assert status == 401 and "feil-passord" not in json.dumps(data)
    assert "feil-passord" not in caplog.text
    status, data, _ = call(staff + "api/v1/draft", mail, headers=_basic("stab", "hemmelig-1"))
    assert status == 200 and "NOK 1100" in data["draft"] and len(data["questions"]) == 2
    assert all(q["citations"] or q["manual"] for q in data["questions"])
    # the same body rules as /ask
    assert call(staff + "api/v1/draft", {"mail": 3}, headers=_basic("stab", "hemmelig-1"))[0] == 422
    assert call(staff + "api/v1/draft", mail, content_type="text/plain",
                headers=_basic("stab", "hemmelig-1"))[0] == 415
    # and the UI is behind the same log-in
    assert call(staff + "gradio_api/info", content_type=None)[0] == 401


def test_a_personal_number_in_a_draft_request_is_masked(staff):
    mail = {"mail": "Hei, jeg heter Kari (fnr 010190 12345).\nHva koster det?\nMvh Kari"}
    status, data, _ = call(staff + "api/v1/draft", mail, headers=_basic("stab", "hemmelig-1"))
    assert status == 200 and "12345" not in json.dumps(data) and "010190" not in json.dumps(data)


@pytest.mark.parametrize("body", [b'{"mail": "Hei \\ud800 Hva koster det?"}',
                                  json.dumps({"mail": "From: =?utf-8?b?7aCA?= <a@b.no>\nSubject: x\n\n"
                                                      "Hva koster det?\n"}).encode()])
def test_a_lone_surrogate_in_a_draft_request_is_a_draft_not_a_500(staff, body):
    """/ask cleaned "\\ud800" (service.clean_question) but /draft encoded it as UTF-8 and answered
    500 with a traceback in the log; a From header decoding to one did the same. Both read it as U+FFFD."""
    status, data, _ = call(staff + "api/v1/draft", body, headers=_basic("stab", "hemmelig-1"))
    assert status == 200, data
    assert data["draft"].startswith("Hei!\n") and "NOK 1100" in data["draft"]
    assert len(data["questions"]) == 1 and data["questions"][0]["question"].endswith("Hva koster det?")
    assert not any("\ud800" <= ch <= "\udfff" for ch in json.dumps(data, ensure_ascii=False))


class _FakeServed:
    """What serve_staged returns, without a server: records that it was closed."""

    def __init__(self):
        self.server, self.thread, self.url, self.closed = None, None, "x", False

    def close(self):
        self.closed = True


@pytest.fixture
def app_main(monkeypatch):
    """app.main() in this process with the model and the server replaced; the signal handlers and
    the logging it installs are restored afterwards."""
    import signal

    import app

    monkeypatch.setattr(app, "port_taken", lambda *a: "")
    monkeypatch.setattr(app, "build_api", lambda *a, **k: object())
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # main() sets its own
    yield app
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_a_signal_while_the_model_loads_is_a_clean_stop(app_main, monkeypatch):
    import os
    import signal
    import time

    def loading(settings):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("not interrupted")

    monkeypatch.setattr(app_main, "Assistant", loading)
    started = time.monotonic()
    assert app_main.main() == 0 and time.monotonic() - started < 4


def test_an_interrupt_python_drops_in_a_callback_is_delivered_again(app_main, monkeypatch, capfd):
    import gc
    import signal
    import time
    import weakref

    def loading(settings):  # as when SIGINT lands in an import lock's weakref callback in Gradio's import
        class Lock:
            pass

        lock = Lock()
        ref = weakref.ref(lock, lambda r: signal.raise_signal(signal.SIGINT))
        del lock
        gc.collect()
        assert ref() is None
        time.sleep(5)  # the interrupt, delivered again, ends this
        raise AssertionError("not interrupted")

    monkeypatch.setattr(app_main, "Assistant", loading)
    started = time.monotonic()
    assert app_main.main() == 0 and time.monotonic() - started < 4
    err = capfd.readouterr().err
    assert "stopping" in err and "Traceback" not in err and "Exception ignored" not in err


def test_the_interrupt_sent_again_is_not_a_second_signal(app_main, monkeypatch):
    import os
    import signal
    import types

    class Exited(Exception):
        pass

    def exit_now(code):
        raise Exited(code)

    sent = []
    monkeypatch.setattr(os, "_exit", exit_now)
    monkeypatch.setattr(app_main.threading, "Timer",
                        lambda delay, send, args: types.SimpleNamespace(start=lambda: sent.append(args[1])))
    run = app_main._Run()
    with pytest.raises(KeyboardInterrupt):
        run.stop(signal.SIGINT, None)  # the first Ctrl-C, dropped by Python in a callback...
    run.unraisable(types.SimpleNamespace(exc_type=KeyboardInterrupt))
    assert sent == [signal.SIGINT]
    with pytest.raises(KeyboardInterrupt):  # ...arrives again: still a clean stop, not "now"
        run.stop(signal.SIGINT, None)
    with pytest.raises(Exited):  # while a real second one still exits at once
        run.stop(signal.SIGINT, None)


def test_a_signal_while_the_server_starts_stops_it_once_it_is_ours(app_main, monkeypatch):
    import os
    import signal

    served = _FakeServed()

    def serve_staged(api, host, port):  # the signal comes after it listens, before it returns
        os.kill(os.getpid(), signal.SIGINT)
        return served, object()

    monkeypatch.setattr("assistant.web.serve_staged", serve_staged)
    monkeypatch.setattr(app_main, "Assistant", lambda settings: type(
        "A", (), {"startup_seconds": 0.1, "chunks": [], "documents": []})())
    assert app_main.main() == 0
    assert served.closed  # (Served.close tells the server to exit and waits for it)
