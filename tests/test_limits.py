"""Per-client limits: the token bucket, the staff log-in guard (pure, with a clock the test
steps instead of sleeping), and both wired into the real apps over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client

from appserver import free_port
from assistant import ConfigError
from assistant.feedback import FeedbackStore
from assistant.limits import Limiter, LockedOut, LoginGuard, RateLimit
from conftest import REPO_ROOT


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the token bucket ---------------------------------------------------------------------------

def test_rate_limit_setting_is_parsed_or_rejected_with_the_variable_named():
    assert RateLimit.parse("60/min") == RateLimit(1.0, 60)
    assert RateLimit.parse("10/s,burst=20") == RateLimit(10.0, 20)
    assert RateLimit.parse("3600/h, burst=5") == RateLimit(1.0, 5)
    assert RateLimit.parse("off") is None
    assert RateLimit.from_env({}) == RateLimit(1.0, 60)  # generous by default
    for bad in ("fast", "0/min", "60/week", "60/min,burst=0"):
        with pytest.raises(ConfigError, match="ASSISTANT_RATE_LIMIT.*60/min"):
            RateLimit.parse(bad)


def test_each_client_has_its_own_bucket():
    clock = Clock()
    limiter = Limiter(RateLimit(1.0, 3), clock=clock)
    assert [limiter.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("a") == pytest.approx(1.0)
    assert limiter.wait("b") == 0.0  # another address is not slowed by "a"
    clock.now += 0.5
    assert limiter.wait("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.wait("a") == 0.0 and limiter.wait("a") == pytest.approx(1.0)
    assert Limiter(None).wait("a") == 0.0  # "off"


def test_the_limiter_forgets_idle_clients_so_memory_stays_bounded():
    clock = Clock()
    limiter = Limiter(RateLimit(1.0, 2), clock=clock, max_clients=100)
    for i in range(1000):
        limiter.wait(f"10.0.{i // 256}.{i % 256}")
        clock.now += 0.01
    assert len(limiter._buckets) <= 100


# -- the log-in guard ---------------------------------------------------------------------------

def test_log_in_failures_back_off_exponentially_per_address_and_per_user(caplog):
    clock, checked = Clock(), []

    def check(user, password):
        checked.append(password)
        return (user, password) == ("stab", "riktig-passord")

    guard = LoginGuard(check, free=2, base=1.0, cap=8.0, clock=clock)
    assert not guard.check("stab", "feil-1", client="10.0.0.1")
    assert not guard.check("stab", "feil-2", client="10.0.0.1")
    assert not guard.check("stab", "feil-3", client="10.0.0.1")  # third in a row: locked 1 s
    with pytest.raises(LockedOut) as locked:
        guard.check("stab", "riktig-passord", client="10.0.0.1")
    assert locked.value.seconds == pytest.approx(1.0) and checked[-1] == "feil-3"  # not even compared
    with pytest.raises(LockedOut):  # the user name is locked from any address
        guard.check("stab", "riktig-passord", client="10.0.0.2")
    assert not guard.check("annen", "x", client="10.0.0.2")  # another user from elsewhere: checked

    clock.now += 1.0
    assert not guard.check("stab", "feil-4", client="10.0.0.1")
    with pytest.raises(LockedOut) as locked:
        guard.check("stab", "feil-5", client="10.0.0.1")
    assert locked.value.seconds == pytest.approx(2.0)  # 1 s, 2 s, 4 s, ...
    for _ in range(5):
        clock.now += 10.0
        guard.check("stab", "feil", client="10.0.0.1")
    with pytest.raises(LockedOut) as locked:
        guard.check("stab", "feil", client="10.0.0.1")
    assert locked.value.seconds == pytest.approx(8.0)  # capped

    clock.now += 8.0
    assert guard.check("stab", "riktig-passord", client="10.0.0.1")  # a success clears the counts
    assert not guard.check("stab", "feil", client="10.0.0.1")
    assert not guard.check("stab", "feil", client="10.0.0.1")

    assert "staff log-in failed for user 'stab' from 10.0.0.1 (password ********)" in caplog.text
    assert "locked for" in caplog.text
    assert "feil-" not in caplog.text and "riktig-passord" not in caplog.text


# -- wired into the staff app ---------------------------------------------------------------------

def _login(url: str, user: str, password: str) -> tuple[int, str]:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=data), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_staff_log_in_locks_out_repeated_failures(assistant, tmp_path, caplog):
    from staff_app import build_staff_app, guarded_login, launch

    clock = Clock()
    demo = build_staff_app(assistant, FeedbackStore(tmp_path / "fb.sqlite3"))
    port = free_port()
    served = launch(demo, "127.0.0.1", port, guarded_login("stab", "hemmelig-1", clock=clock, free=3, base=30.0),
           prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert [_login(url, "stab", f"gjett-{i}")[0] for i in range(4)] == [400, 400, 400, 400]
        status, body = _login(url, "stab", "hemmelig-1")  # right, but locked: never compared
        assert status == 429 and "vent 30 s og prøv igjen" in body and "wait 30 s" in body
        clock.now += 30.0
        assert _login(url, "stab", "hemmelig-1")[0] == 200
    finally:
        served.close()
    assert caplog.text.count("staff log-in failed for user 'stab' from 127.0.0.1 (password ********)") == 4
    assert "gjett-" not in caplog.text and "hemmelig-1" not in caplog.text


# -- wired into both apps: the rate limit -------------------------------------------------------

def test_both_apps_rate_limit_each_client_with_a_clear_message(assistant, tmp_path, monkeypatch):
    from appserver import running
    from staff_app import build_staff_app, launch

    monkeypatch.setenv("ASSISTANT_RATE_LIMIT", "2/min")
    with running(assistant, FeedbackStore(tmp_path / "fb.sqlite3")) as url:
        client = Client(url, verbose=False)
        assert client.predict("Hva koster det?", api_name="/ask")["reason"] == "answered"
        assert client.predict("Hva koster det?", api_name="/ask")["reason"] == "answered"
        with pytest.raises(Exception, match=r"For mange forespørsler fra din adresse: vent \d+ s og prøv igjen"):
            client.predict("Hva koster det?", api_name="/ask")

    demo = build_staff_app(assistant, FeedbackStore(tmp_path / "fb2.sqlite3"))
    port = free_port()
    served = launch(demo, "127.0.0.1", port, ("stab", "hemmelig-1"), prevent_thread_lock=True, quiet=True)
    try:
        staff = Client(f"http://127.0.0.1:{port}/", auth=("stab", "hemmelig-1"), verbose=False)
        staff.predict("Hva koster det?", api_name="/draft")
        staff.predict("Hva koster det?", api_name="/draft")
        with pytest.raises(Exception, match="Too many requests from your address: wait"):
            staff.predict("Hva koster det?", api_name="/draft")
    finally:
        served.close()


# -- a port in use is one line, before the model loads -------------------------------------------

@pytest.mark.parametrize("script, variable", [("app.py", "ASSISTANT_PORT"), ("staff_app.py", "ASSISTANT_STAFF_PORT")])
def test_a_port_in_use_is_one_line_and_exit_2(tmp_path, script, variable):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {**os.environ, variable: str(port), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
               "ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}  # loading the model would fail loudly
        r = subprocess.run([sys.executable, script], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120)
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert f"cannot listen on 127.0.0.1:{port}" in err and variable in err


def test_a_bad_rate_limit_setting_stops_the_app_with_one_line(tmp_path):
    env = {**os.environ, "ASSISTANT_RATE_LIMIT": "fast", "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}
    r = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120)
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and len(err.splitlines()) == 1 and "ASSISTANT_RATE_LIMIT='fast'" in err


# -- every setting checked, with the right advice, before the model loads (tester's report) ------

def test_settings_out_of_range_or_not_numbers_are_config_errors_naming_them():
    from assistant.settings import Settings

    assert Settings.from_env({"ASSISTANT_PORT": "65535", "ASSISTANT_API_QUEUE": "0"}).api_queue == 0
    bad = {"ASSISTANT_PORT": ["70000", "0", "-1"], "ASSISTANT_API_QUEUE": ["-5", "many"],
           "ASSISTANT_API_THREADS": ["abc", "0"], "ASSISTANT_BUILD_THREADS": ["abc", "-2"]}
    for name, values in bad.items():
        for value in values:
            with pytest.raises(ConfigError, match=f"^{name}="):
                Settings.from_env({name: value})


def test_a_cache_folder_that_is_a_file_a_corpus_file_and_a_word_for_a_score_are_named_plainly(tmp_path):
    """ASSISTANT_CACHE_DIR set to a file was accepted in silence (no vector cache, every start
    embedding again); ASSISTANT_CORPUS_DIR set to a file was said "not to exist"; a non-number for
    ASSISTANT_MIN_CONFIDENCE was told to "give e.g. None" (QA review)."""
    from assistant.corpus import CorpusError, load_documents
    from assistant.settings import Settings

    afile = tmp_path / "afile"
    afile.write_text("x")
    for value in (afile, afile / "sub"):
        with pytest.raises(ConfigError, match=f"^ASSISTANT_CACHE_DIR=.*{afile} is a file, not a folder"):
            Settings.from_env({"ASSISTANT_CACHE_DIR": str(value)})
    assert Settings.from_env({"ASSISTANT_CACHE_DIR": str(tmp_path / "new")}).vector_cache_dir == tmp_path / "new"
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        load_documents(afile)
    with pytest.raises(ConfigError, match=r"^ASSISTANT_MIN_CONFIDENCE='abc' is not a number; unset it or give e\.g\. 0\.5\.$"):
        Settings.from_env({"ASSISTANT_MIN_CONFIDENCE": "abc"})


def test_a_host_that_cannot_be_resolved_or_is_not_ours_names_the_host_setting():
    from assistant.limits import port_taken

    # the resolver's own words in the brackets vary from system to system
    said = port_taken("no.such.host.invalid", 7860, "ASSISTANT_STAFF_PORT", "ASSISTANT_STAFF_HOST")
    assert said.startswith("cannot listen on no.such.host.invalid:7860: the host name cannot be resolved")
    assert "set ASSISTANT_STAFF_HOST" in said and "another server" not in said and "STAFF_PORT" not in said
    said = port_taken("192.0.2.1", 7860, "ASSISTANT_PORT")  # TEST-NET-1: no machine's own address
    nonlocal_bind = Path("/proc/sys/net/ipv4/ip_nonlocal_bind")  # where set, any address can be bound
    if not (nonlocal_bind.exists() and nonlocal_bind.read_text().strip() == "1"):
        assert "192.0.2.1 is not an address of this machine; set ASSISTANT_HOST" in said
        assert "another server" not in said


@pytest.mark.parametrize("script, setting, named", [
    ("app.py", "ASSISTANT_PORT=70000", "ASSISTANT_PORT=70000 is out of range; give a whole number from 1 to 65535"),
    ("app.py", "ASSISTANT_API_QUEUE=-5", "ASSISTANT_API_QUEUE=-5 is too small"),
    ("app.py", "ASSISTANT_API_THREADS=abc", "ASSISTANT_API_THREADS='abc' is not a whole number"),
    ("app.py", "ASSISTANT_BUILD_THREADS=abc", "ASSISTANT_BUILD_THREADS='abc' is not a whole number"),
    ("app.py", "ASSISTANT_HOST=no.such.host.invalid", "the host name cannot be resolved"),
    ("staff_app.py", "ASSISTANT_STAFF_PORT=70000", "ASSISTANT_STAFF_PORT=70000 is out of range"),
    ("staff_app.py", "ASSISTANT_API_QUEUE=-5", "ASSISTANT_API_QUEUE=-5 is too small"),
])
def test_a_bad_setting_stops_either_app_with_one_line_before_the_model_loads(tmp_path, script, setting, named):
    name, value = setting.split("=", 1)
    env = {**os.environ, name: value, "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}  # loading the model would fail loudly
    r = subprocess.run([sys.executable, script], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120)
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert named in err and "ASSISTANT_EMBEDDING_MODEL" not in err
    if name == "ASSISTANT_HOST":
        assert "set ASSISTANT_HOST" in err and "another server" not in err
