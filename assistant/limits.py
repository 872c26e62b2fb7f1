"""Per-client limits for the two apps: a token bucket per address, a guard on the staff log-in,
and the two checks both apps make before serving (where a request comes from, whether the port
is free).

    limiter = Limiter(RateLimit.parse("60/min,burst=60"))
    limiter.wait("10.0.0.7") -> 0.0 (allowed, one token taken) or the seconds until the next one

    guard = LoginGuard(lambda user, password: (user, password) == ("stab", "hemmelig"))
    guard.check("stab", "feil", client="10.0.0.7") -> False; after 5 failures in a row the address
    and the user name are each locked for 1 s, then 2, 4, ... (at most 15 min): LockedOut

ASSISTANT_RATE_LIMIT (read here, not in Settings, so the core never depends on it):
    "60/min" (default, burst 60)   "10/s,burst=20"   "1000/h"   "off" (no limit: load tests)
Both classes are pure: time comes from `clock`, so tests step it instead of sleeping.
Deliberately left out: shared state between processes (each app process limits on its own) and
trusting X-Forwarded-For (behind a proxy every client has the proxy's address).
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .errors import ConfigError
from .privacy import mask_personal_numbers

__all__ = ["RateLimit", "Limiter", "LoginGuard", "LockedOut", "DEFAULT_RATE_LIMIT", "client_address",
           "port_taken"]

log = logging.getLogger(__name__)
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


class LockedOut(Exception):
    """Too many failed log-ins from this address or for this user; `seconds` to wait."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"Too many failed log-ins: wait {seconds:.0f} s and try again.")


class LoginGuard:
    """Checks log-ins with `check(user, password)`, slowing down repeated failures.

    Failures are counted per client address and per user name. The first `free` in a row cost
    nothing; each one after that locks the address and the user name for base * 2**n seconds
    (n = 0, 1, 2, ..., at most `cap`). While locked, attempts are refused without looking at the
    password. A success clears both counts; a quiet `forget` seconds clear them too.
    Every failure is logged with the password masked.
    """

    def __init__(self, check: Callable[[str, str], bool], free: int = 5, base: float = 1.0,
                 cap: float = 900.0, forget: float = 3600.0, clock: Callable[[], float] = time.monotonic):
        self.verify, self.free, self.base, self.cap, self.forget = check, free, base, cap, forget
        self.clock = clock
        self._failures: dict[str, tuple[int, float, float]] = {}  # key -> (count, last failure, locked until)
        self._lock = threading.Lock()

    def _state(self, key: str, now: float) -> tuple[int, float, float]:
        count, last, until = self._failures.get(key, (0, 0.0, 0.0))
        return (0, 0.0, 0.0) if count and now - last > self.forget and now >= until else (count, last, until)

    def check(self, user: str, password: str, client: str = "unknown") -> bool:
        """True for the right log-in; False for a wrong one; raises LockedOut while locked."""
        keys = (f"client {client}", f"user {user}")
        with self._lock:
            now = self.clock()
            until = max(self._state(k, now)[2] for k in keys)
            if now < until:
                log.warning("staff log-in refused for user %r from %s: locked for %.0f s more (password ********)",
                            mask_personal_numbers(user), client, until - now)
                raise LockedOut(until - now)
        if self.verify(user, password):
            with self._lock:
                for k in keys:
                    self._failures.pop(k, None)
            return True
        with self._lock:
            now = self.clock()
            counts = []
            for k in keys:
                count, _, until = self._state(k, now)
                count += 1
                if count > self.free:
                    until = now + min(self.cap, self.base * 2 ** (count - self.free - 1))
                self._failures[k] = (count, now, until)
                counts.append(count)
            if len(self._failures) > 100_000:  # bounded memory under a spray of user names
                self._failures = dict(sorted(self._failures.items(), key=lambda kv: kv[1][1])[-50_000:])
        log.warning("staff log-in failed for user %r from %s (password ********): failure %d from this "
                    "address, %d for this user", mask_personal_numbers(user), client, counts[0], counts[1])
        return False


def client_address(request) -> str:
    """The address a request came from (the key of its limits), or "local" without one."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "local"


def port_taken(host: str, port: int, variable: str, host_variable: str = "ASSISTANT_HOST") -> str:
    """"" when host:port can be listened on, else the one line that says what to do, naming the
    setting to change: `variable` (the port's) or `host_variable` (the host's).

    port_taken("127.0.0.1", 7860, "ASSISTANT_PORT") -> "" (free) or
        "cannot listen on 127.0.0.1:7860 (Address already in use): another server has it; ..."
    port_taken("no.such.host.invalid", 7860, "ASSISTANT_PORT") ->
        "cannot listen on no.such.host.invalid:7860: the host name cannot be resolved (...); set ASSISTANT_HOST ..."
    """
    if port == 0:
        return ""
    where = f"cannot listen on {host}:{port}"
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except socket.gaierror as exc:  # before OSError: it is one
        return (f"{where}: the host name cannot be resolved ({exc.strerror or exc}); set {host_variable} to "
                "an address of this machine, e.g. 127.0.0.1 or 0.0.0.0.")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            return f"{where} ({reason}): another server has it; stop that one or set {variable} to a free port."
        if exc.errno == errno.EACCES:
            return (f"{where} ({reason}): ports below 1024 need root; set {variable} to a port from 1024 up, "
                    "e.g. 7860.")
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EINVAL):
            return (f"{where} ({reason}): {host} is not an address of this machine; set {host_variable} to one, "
                    "e.g. 127.0.0.1 or 0.0.0.0.")
        return f"{where} ({reason}); check {host_variable} and {variable}."
    return ""
