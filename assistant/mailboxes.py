"""The two mailboxes `assistant inbox` works on, with one surface: a local Maildir and IMAP.

    box = open_mailbox(maildir="/srv/mail/support")          # or imap="imaps://host/INBOX"
    box.connect(); box.done_keys() -> {"<a@x.no>", ...}      # e-mails a draft or reply exists for
    for m in box.messages(): m.message_id, m.size, m.flags, m.load() -> raw bytes
    box.add_draft(raw_reply, manual=True); box.wait(stop, 60); box.close()

Reading never changes a flag: a Maildir's files are only opened (never moved from new/ to
cur/), an IMAP folder is EXAMINEd (read-only) and fetched with BODY.PEEK. Drafts go to the
Maildir++ folder PATH/.Drafts (flag D; $NeedsHuman as a Dovecot keyword) or are APPENDed to the
IMAP folder with the SPECIAL-USE \\Drafts attribute (or --drafts NAME) with \\Draft and
$NeedsHuman. A draft is written whole or not at all: Maildir writes into tmp/ and renames,
IMAP APPEND is atomic on the server. IMAP credentials come from ASSISTANT_IMAP_USER and
ASSISTANT_IMAP_PASSWORD only; plaintext IMAP is allowed on loopback only; the server's
certificate is checked against the system's CAs or only ASSISTANT_IMAP_CAFILE's.

Errors (MailError children): LoginFailed (wrong credentials), MailboxUnavailable (folder
missing, TLS refused) and its child ServerUnreachable (no answer), ConnectionLost (the server
went away mid-run: run again, or --watch reconnects). Deliberately left out: OAuth2 log-in, POP3, moving or deleting anything.
"""

from __future__ import annotations

import email
import ipaddress
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import date
from email import policy
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from .errors import MailError
from .replies import DRAFT_FOR, NEEDS_HUMAN_KEYWORD

__all__ = ["Incoming", "MaildirBox", "ImapBox", "open_mailbox", "LoginFailed", "MailboxUnavailable",
           "ServerUnreachable", "ConnectionLost"]

HEADERS_READ = 64 * 1024  # a Maildir file's header block is read up to here, never the whole file


class LoginFailed(MailError):
    """The IMAP server refused the log-in (wrong ASSISTANT_IMAP_USER / ASSISTANT_IMAP_PASSWORD)."""


class MailboxUnavailable(MailError):
    """The mailbox cannot be opened: no such folder, server unreachable, TLS refused."""


class ServerUnreachable(MailboxUnavailable):
    """The IMAP server does not answer (refused, unknown host, timed out); --watch retries."""


class ConnectionLost(MailError):
    """The IMAP server went away mid-run; what was drafted is kept."""


@dataclass(frozen=True)
class Incoming:
    ref: str  # a Maildir file name or an IMAP UID, for messages only
    size: int
    flags: str  # Maildir letters: "S" seen, "R" replied (answered), "T" trashed
    message_id: str  # "" when the e-mail has none
    load: Callable[[], bytes]


def _header_values(head: bytes, *names: str) -> list[str]:
    """Values of the named headers in a header block: the keys a draft or reply answers."""
    msg = email.message_from_bytes(head, policy=policy.compat32)
    return [" ".join(str(v).split()) for n in names for v in (msg.get_all(n) or [])]


def _flags_of(name: str) -> str:
    """'1700000000.M1P2.host,S=120:2,RS' -> 'RS'"""
    return name.rpartition(":2,")[2] if ":2," in name else ""


class MaildirBox:
    """A Maildir (INBOX = PATH/new + PATH/cur) with its Maildir++ Drafts folder PATH/.Drafts."""

    idle = False

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self.label = f"maildir {self.path}"
        self.drafts = self.path / ".Drafts"
        self._counter = 0

    def connect(self) -> None:
        if not all((self.path / d).is_dir() for d in ("new", "cur", "tmp")):
            raise MailboxUnavailable(f"{self.path} is not a Maildir (it needs new/, cur/ and tmp/); "
                                     "give the folder that holds them.")
        for d in ("new", "cur", "tmp"):
            (self.drafts / d).mkdir(parents=True, exist_ok=True)
        (self.drafts / "maildirfolder").touch()

    def close(self) -> None:
        pass

    def _files(self, folder: Path) -> list[Path]:
        files = [p for d in ("new", "cur") if (folder / d).is_dir() for p in (folder / d).iterdir()
                 if not p.name.startswith(".")]
        return sorted(files, key=lambda p: p.name)  # Maildir names start with the delivery time

    def done_keys(self) -> set[str]:
        keys: set[str] = set()
        for folder in (self.drafts, self.path / ".Sent"):
            for p in self._files(folder):
                try:
                    with p.open("rb") as f:
                        head = f.read(HEADERS_READ).split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
                except FileNotFoundError:  # moved by a mail client while we listed
                    continue
                keys.update(_header_values(head, DRAFT_FOR, "In-Reply-To"))
        return keys

    def messages(self, since: date | None = None) -> Iterator[Incoming]:
        """INBOX's e-mails, oldest first; with `since`, those delivered (file time) on or after it."""
        for p in self._files(self.path):
            try:
                stat = p.stat()
                size = stat.st_size
                if since and date.fromtimestamp(stat.st_mtime) < since:
                    continue
                with p.open("rb") as f:
                    head = f.read(HEADERS_READ).split(b"\n\n", 1)[0]
            except FileNotFoundError:
                continue
            found = _header_values(head, "Message-ID")
            yield Incoming(p.name, size, _flags_of(p.name), found[0] if found else "", p.read_bytes)

    def _keyword_letter(self, keyword: str) -> str:
        """The letter Dovecot's dovecot-keywords file gives `keyword` in Drafts ('a' for 0 ...)."""
        index_file = self.drafts / "dovecot-keywords"
        names = {}
        if index_file.exists():
            for line in index_file.read_text(encoding="utf-8").splitlines():
                number, _, name = line.partition(" ")
                if number.isdigit():
                    names[name] = int(number)
        if keyword not in names:
            if len(names) >= 26:
                return ""
            names[keyword] = min(set(range(26)) - set(names.values()))
            with index_file.open("a", encoding="utf-8") as f:
                f.write(f"{names[keyword]} {keyword}\n")
        return chr(ord("a") + names[keyword])

    def add_draft(self, data: bytes, manual: bool) -> None:
        self._counter += 1
        data = data.replace(b"\r\n", b"\n")  # Maildir files end lines the Unix way
        now = time.time()
        unique = f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{self._counter}.{socket.gethostname()}"
        flags = "D" + (self._keyword_letter(NEEDS_HUMAN_KEYWORD) if manual else "")
        tmp = self.drafts / "tmp" / unique
        with tmp.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, self.drafts / "cur" / f"{unique},S={len(data)}:2,{flags}")

    def wait(self, stop: threading.Event, seconds: float) -> None:
        stop.wait(seconds)


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ImapBox:
    """One folder on an IMAP server (imaps://host[:port]/FOLDER, or imap:// with STARTTLS)."""

    def __init__(self, url: str, user: str, password: str, drafts: str = "", timeout: float = 30.0,
                 cafile: str = ""):
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise MailboxUnavailable(f"{url!r} is not an IMAP URL; give e.g. imaps://imap.example.no/INBOX.")
        if parts.username or parts.password:
            raise MailboxUnavailable("Put no user or password in the URL: set ASSISTANT_IMAP_USER and "
                                     "ASSISTANT_IMAP_PASSWORD instead.")
        if not user or not password:
            raise MailboxUnavailable("Set ASSISTANT_IMAP_USER and ASSISTANT_IMAP_PASSWORD to the mailbox's "
                                     "log-in (they are never taken from the command line).")
        self.tls = parts.scheme == "imaps"
        self.host = parts.hostname
        try:
            self.port = parts.port or (993 if self.tls else 143)
        except ValueError:
            raise MailboxUnavailable(f"{url!r} has no valid port; give e.g. imaps://{self.host}:993/INBOX.")
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.label = f"{parts.scheme}://{self.host}:{self.port}/{self.folder}"
        self.user, self._password, self.drafts_name, self.timeout = user, password, drafts, timeout
        self.cafile = cafile
        self.client = None
        self.drafts = ""
        self.idle = False

    def __repr__(self) -> str:  # never the password
        return f"ImapBox({self.label!r}, user={self.user!r})"

    def _lost(self, exc: BaseException) -> ConnectionLost:
        self.client = None
        return ConnectionLost(f"The IMAP server {self.host}:{self.port} went away ({type(exc).__name__}: "
                              f"{exc or 'connection closed'}); drafts written so far are kept: run again "
                              "(or use --watch, which reconnects).")

    def connect(self) -> None:
        from imapclient import IMAPClient
        from imapclient.imapclient import DRAFTS
        from imapclient.exceptions import IMAPClientError, LoginError

        try:  # the system's trusted CAs, or only ASSISTANT_IMAP_CAFILE's (an in-house CA)
            context = ssl.create_default_context(cafile=self.cafile or None)
        except OSError as exc:
            raise MailboxUnavailable(f"ASSISTANT_IMAP_CAFILE={self.cafile} cannot be read ({exc.strerror}); "
                                     "give a PEM file of the CA that signed the server's certificate.") from None
        try:
            client = IMAPClient(self.host, port=self.port, ssl=self.tls, timeout=self.timeout,
                                ssl_context=context if self.tls else None)
            if not self.tls:
                if b"STARTTLS" in client.capabilities():
                    client.starttls(context)
                elif not _loopback(self.host):
                    client.shutdown()
                    raise MailboxUnavailable(f"{self.host} offers no STARTTLS, and the password is never sent "
                                             "in plain text beyond this machine: use imaps://.")
            client.login(self.user, self._password)
        except LoginError:
            raise LoginFailed(f"The IMAP server {self.host}:{self.port} refused the log-in for "
                              f"{self.user!r}: check ASSISTANT_IMAP_USER and ASSISTANT_IMAP_PASSWORD.") from None
        except ssl.SSLError as exc:
            raise MailboxUnavailable(f"TLS with {self.host}:{self.port} failed ({exc.reason or exc}); "
                                     "check the host name and its certificate (an in-house CA: set "
                                     "ASSISTANT_IMAP_CAFILE to its PEM file).") from None
        except (OSError, IMAPClientError) as exc:
            raise ServerUnreachable(f"Cannot reach the IMAP server {self.host}:{self.port} "
                                     f"({exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}); "
                                     "check the URL and that the server is running.") from None
        try:
            self.drafts = self.drafts_name or client.find_special_folder(DRAFTS) or ""
            if not self.drafts or not client.folder_exists(self.drafts):
                client.logout()
                raise MailboxUnavailable(
                    f"No Drafts folder {self.drafts_name!r} on {self.host}" if self.drafts_name else
                    f"{self.host} names no Drafts folder (SPECIAL-USE \\Drafts); give one with --drafts NAME.")
            if not client.folder_exists(self.folder):
                client.logout()
                raise MailboxUnavailable(f"No folder {self.folder!r} on {self.host}; give e.g. "
                                         f"imaps://{self.host}/INBOX.")
            self.idle = client.has_capability("IDLE")
        except (OSError, IMAPClientError) as exc:
            raise self._lost(exc) from None
        self.client = client

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.logout()
            except Exception:  # the server is already gone: nothing left to close politely
                self.client.shutdown() if hasattr(self.client, "shutdown") else None
        self.client = None

    def _guard(self, work):
        from imapclient.exceptions import IMAPClientError

        if self.client is None:
            raise ConnectionLost(f"Not connected to {self.host}:{self.port}; run again.")
        try:
            return work(self.client)
        except (OSError, IMAPClientError) as exc:
            raise self._lost(exc) from None

    def _keys_in(self, client, folder: str) -> set[str]:
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        fetched = client.fetch(uids, [f"BODY.PEEK[HEADER.FIELDS ({DRAFT_FOR.upper()} IN-REPLY-TO)]"]) if uids else {}
        keys = set()
        for data in fetched.values():
            head = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""
            keys.update(_header_values(head, DRAFT_FOR, "In-Reply-To"))
        return keys

    def done_keys(self) -> set[str]:
        from imapclient.imapclient import SENT

        def work(client):
            keys = self._keys_in(client, self.drafts)
            sent = client.find_special_folder(SENT)
            if sent and sent != self.drafts:
                keys |= self._keys_in(client, sent)
            return keys
        return self._guard(work)

    def messages(self, since: date | None = None) -> Iterator[Incoming]:
        """The folder's e-mails in UID order; with `since`, those the server received on or after it."""
        def listing(client):
            client.select_folder(self.folder, readonly=True)  # EXAMINE: no flag can change
            uids = client.search(["SINCE", since] if since else "ALL")
            return client.fetch(uids, ["RFC822.SIZE", "FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) \
                if uids else {}
        for uid, data in sorted(self._guard(listing).items()):
            head = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""
            found = _header_values(head, "Message-ID")
            flags = {f.lower() for f in data.get(b"FLAGS", ())}
            letters = ("R" if b"\\answered" in flags else "") + ("S" if b"\\seen" in flags else "")
            yield Incoming(str(uid), int(data.get(b"RFC822.SIZE", 0)), letters, found[0] if found else "",
                           lambda uid=uid: self._body(uid))

    def _body(self, uid: int) -> bytes:
        fetched = self._guard(lambda c: c.fetch([uid], ["BODY.PEEK[]"]))
        data = fetched.get(uid, {})
        return next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""

    def add_draft(self, data: bytes, manual: bool) -> None:
        flags = [b"\\Draft"] + ([NEEDS_HUMAN_KEYWORD.encode()] if manual else [])
        self._guard(lambda c: c.append(self.drafts, data, flags=flags))

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Until new mail arrives (IDLE), `seconds` pass, or `stop` is set; polls without IDLE."""
        if not self.idle:
            stop.wait(seconds)
            return

        def work(client):
            client.select_folder(self.folder, readonly=True)
            client.idle()
            try:
                deadline = time.monotonic() + min(seconds, 25 * 60)  # RFC 2177: renew before 29 min
                while not stop.is_set() and time.monotonic() < deadline:
                    started = time.monotonic()
                    responses = client.idle_check(timeout=1)
                    if not responses and time.monotonic() - started < 0.5:  # readable yet empty: EOF
                        raise ConnectionResetError("the server closed the connection during IDLE")
                    if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                        return
            finally:
                client.idle_done()
        self._guard(work)


def open_mailbox(maildir: str = "", imap: str = "", drafts: str = "", env: dict | None = None):
    """A MaildirBox or an ImapBox (credentials from `env`, default os.environ); not yet connected."""
    env = os.environ if env is None else env
    if maildir:
        return MaildirBox(maildir)
    return ImapBox(imap, env.get("ASSISTANT_IMAP_USER", ""), env.get("ASSISTANT_IMAP_PASSWORD", ""), drafts,
                   cafile=env.get("ASSISTANT_IMAP_CAFILE", ""))
