"""A real `chroma run` server on a free loopback port, for the server-mode tests.

    with ChromaServer(tmp_path / "chroma") as server:
        Settings.from_env().with_(chroma_url=server.url)
        server.stop(); server.start()      # same port and path: the data survives

Waits for the heartbeat (bounded) after each start; stops the process it started, by its pid.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    def __init__(self, path: Path, port: int | None = None, timeout: float = 30.0):
        self.path, self.port, self.timeout = Path(path), port or free_port(), timeout
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def start(self) -> "ChromaServer":
        self.path.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host",
                                      "127.0.0.1", "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while not self.alive():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chroma run did not answer on {self.url} within {self.timeout} s")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc = None
        deadline = time.monotonic() + 10
        while self.alive() and time.monotonic() < deadline:  # the port is really free again
            time.sleep(0.1)

    def __enter__(self) -> "ChromaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
