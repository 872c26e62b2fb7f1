"""Per-client limits: the token bucket (pure, with a clock the test steps instead of sleeping),
wired into the real apps over HTTP; a port in use.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from gradio_client import Client

from appserver import free_port
from assistant import ConfigError
from assistant.feedback import FeedbackStore
from assistant.limits import Limiter, RateLimit
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
    launch(demo, "127.0.0.1", port, ("stab", "hemmelig-1"), prevent_thread_lock=True, quiet=True)
    try:
        staff = Client(f"http://127.0.0.1:{port}/", auth=("stab", "hemmelig-1"), verbose=False)
        staff.predict("Hva koster det?", api_name="/draft")
        staff.predict("Hva koster det?", api_name="/draft")
        with pytest.raises(Exception, match="Too many requests from your address: wait"):
            staff.predict("Hva koster det?", api_name="/draft")
    finally:
        demo.close()


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
