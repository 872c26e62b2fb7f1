"""Per-client limits for the two apps: a token bucket per address, and the two checks both apps
make before serving (where a request comes from, whether the port is free).

    limiter = Limiter(RateLimit.parse("60/min,burst=60"))
    limiter.wait("10.0.0.7") -> 0.0 (allowed, one token taken) or the seconds until the next one

ASSISTANT_RATE_LIMIT (read here, not in Settings, so the core never depends on it):
    "60/min" (default, burst 60)   "10/s,burst=20"   "1000/h"   "off" (no limit: load tests)
The limiter is pure: time comes from `clock`, so tests step it instead of sleeping.
Deliberately left out: shared state between processes (each app process limits on its own) and
trusting X-Forwarded-For (behind a proxy every client has the proxy's address).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .errors import ConfigError

__all__ = ["RateLimit", "Limiter", "DEFAULT_RATE_LIMIT", "client_address", "port_taken"]

DEFAULT_RATE_LIMIT = "60/min"
UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "hour": 3600.0}
SPEC = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*(?:,\s*burst\s*=\s*(\d+)\s*)?$")


@dataclass(frozen=True)
class RateLimit:
    per_second: float  # tokens added per second
    burst: int  # bucket size: requests allowed at once

    @classmethod
    def parse(cls, text: str) -> "RateLimit | None":
        """'60/min' -> RateLimit(1.0, 60); '10/s,burst=20' -> RateLimit(10.0, 20); 'off' -> None"""
        text = (text or "").strip().lower()
        if text in ("off", "0", "none", "unlimited"):
            return None
        m = SPEC.match(text)
        if not m or m[2] not in UNITS or int(m[1]) < 1 or (m[3] is not None and int(m[3]) < 1):
            raise ConfigError(f"ASSISTANT_RATE_LIMIT={text!r} is not a rate; give e.g. 60/min, "
                              "10/s,burst=20 or off.")
        count = int(m[1])
        return cls(count / UNITS[m[2]], int(m[3]) if m[3] else count)

    @classmethod
    def from_env(cls, env: dict) -> "RateLimit | None":
        return cls.parse(env.get("ASSISTANT_RATE_LIMIT") or DEFAULT_RATE_LIMIT)


class Limiter:
    """A token bucket per client key; thread-safe (Gradio runs handlers on many threads)."""

    def __init__(self, limit: RateLimit | None, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000):
        self.limit, self.clock, self.max_clients = limit, clock, max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at time)
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """0.0 and one token taken when `key` may go on; else the seconds until it may."""
        if self.limit is None:
            return 0.0
        rate, burst = self.limit.per_second, self.limit.burst
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - at) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._forget(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate

    def _forget(self, now: float) -> None:
        """Keeps memory bounded: full buckets carry no state; if that is not enough, the oldest go."""
        if len(self._buckets) <= self.max_clients:
            return
        full = self.limit.burst / self.limit.per_second
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
        if len(self._buckets) > self.max_clients:
            newest = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[-self.max_clients // 2:]
            self._buckets = dict(newest)


def client_address(request) -> str:
    """The address a request came from (the key of its limits), or "local" without one."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "local"


def port_taken(host: str, port: int, variable: str) -> str:
    """"" when host:port can be listened on, else the one line that says what to do.

    port_taken("127.0.0.1", 7860, "ASSISTANT_PORT") -> "" (free) or
        "cannot listen on 127.0.0.1:7860 (Address already in use): another server has it; ..."
    """
    if port == 0:
        return ""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        return (f"cannot listen on {host}:{port} ({exc.strerror or exc}): another server has it; stop "
                f"that one or set {variable} to a free port.")
    return ""
