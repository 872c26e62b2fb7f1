"""One folder on an IMAP server as a mailbox for `assistant inbox` (the surface: mailboxes.py; shared parts: incoming.py).

    box = ImapBox("imaps://imap.example.no/INBOX", user, password); box.connect()
    box.drafts -> "Drafts" (SPECIAL-USE \\Drafts, or --drafts NAME); box.idle -> True

The folder is EXAMINEd (read-only) and fetched with BODY.PEEK, so no flag changes; drafts are
APPENDed with \\Draft (and $NeedsHuman). imaps:// is TLS, imap:// STARTTLS; plaintext only on
loopback; certificates checked against the system's CAs or only `cafile`'s. Any socket or
protocol failure after log-in becomes ConnectionLost. Deliberately left out: OAuth2, CONDSTORE
(every pass lists the folder's Message-IDs: cheap for thousands of e-mails).
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
import time
from datetime import date
from typing import Iterator
from urllib.parse import unquote, urlsplit

from .incoming import ConnectionLost, Incoming, LoginFailed, MailboxUnavailable, ServerUnreachable, header_values
from .replies import DRAFT_FOR, NEEDS_HUMAN_KEYWORD

__all__ = ["ImapBox"]


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ImapBox:
    """One folder on an IMAP server (imaps://host[:port]/FOLDER, or imap:// with STARTTLS)."""

    def __init__(self, url: str, user: str, password: str, drafts: str = "", timeout: float = 30.0,
                 cafile: str = ""):
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # "Invalid IPv6 URL"; the URL is not repeated: it may hold a password
            raise MailboxUnavailable(f"The --imap URL cannot be read ({exc}); give e.g. imaps://imap.example.no/INBOX "
                                     "(an IPv6 address in brackets: imaps://[::1]:993/INBOX).") from None
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
        client = None
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
            client.shutdown()
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
            keys.update(header_values(head, DRAFT_FOR, "In-Reply-To"))
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
            uids = client.search(["NOT", "DELETED"] + (["SINCE", since] if since else []))
            return client.fetch(uids, ["RFC822.SIZE", "FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) \
                if uids else {}
        for uid, data in sorted(self._guard(listing).items()):
            head = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""
            found = header_values(head, "Message-ID")
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
