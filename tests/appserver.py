"""The real Gradio app on a free loopback port, for test_app.py and test_browser.py.

    with running(assistant, FeedbackStore(tmp / "feedback.sqlite3")) as url:
        Client(url).predict("Hva koster det?", api_name="/ask")
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
    demo = app.build_app(assistant, feedback)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                ssr_mode=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
