"""The real Gradio app on a free loopback port, for test_app.py and test_browser.py.

    with running(assistant, FeedbackStore(tmp / "feedback.sqlite3")) as url:
        Client(url).predict("Hva koster det?", api_name="/ask")
        POST url + "api/v1/ask" {"question": "Hva koster det?"}
"""

from __future__ import annotations

import socket
import sys
from contextlib import contextmanager

from conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:  # app.py lives at the repo root, next to tests/
    sys.path.insert(0, str(REPO_ROOT))

import app  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(assistant, feedback):
    """The app as app.py serves it: the Gradio UI and the JSON API (/api/v1) on one port."""
    import os

    from assistant.limits import Limiter, RateLimit
    from assistant.web import build_api, serve

    limiter = Limiter(RateLimit.from_env(os.environ))
    demo = app.build_app(assistant, feedback, limiter=limiter)
    served = serve(build_api(assistant, limiter=limiter), demo, "127.0.0.1", free_port(), background=True)
    try:
        yield served.url
    finally:
        served.close()
