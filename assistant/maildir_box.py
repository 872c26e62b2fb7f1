"""A local Maildir as a mailbox for `assistant inbox` (the surface is described in mailboxes.py).

    box = MaildirBox("/srv/mail/support"); box.connect()    # creates PATH/.Drafts if missing
    [m.message_id for m in box.messages()] -> ["<a@x.no>", ...]   # INBOX = PATH/new + PATH/cur

Files are only opened, never moved from new/ to cur/ and never renamed, so no flag changes.
Drafts are written to PATH/.Drafts/tmp, fsynced and renamed into .Drafts/cur with flag D, plus
the letter Dovecot's dovecot-keywords file gives $NeedsHuman. Deliberately left out: Maildir++
sub-folders other than .Drafts and .Sent, and quota files.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import date
from pathlib import Path
from typing import Iterator

from .incoming import Incoming, MailboxUnavailable, header_values
from .replies import DRAFT_FOR, NEEDS_HUMAN_KEYWORD
from .text import shown

__all__ = ["MaildirBox"]

HEADERS_READ = 64 * 1024  # a file's header block is read up to here, never the whole file


def _flags_of(name: str) -> str:
    """'1700000000.M1P2.host,S=120:2,RS' -> 'RS'"""
    return name.rpartition(":2,")[2] if ":2," in name else ""


class MaildirBox:
    """A Maildir (INBOX = PATH/new + PATH/cur) with its Maildir++ Drafts folder PATH/.Drafts."""

    idle = False

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self.label = f"maildir {self.path}"  # the state's key (hashed): never changed, logs mask it
        self.drafts = self.path / ".Drafts"
        self._counter = 0

    def connect(self) -> None:
        if not all((self.path / d).is_dir() for d in ("new", "cur", "tmp")):
            raise MailboxUnavailable(f"{shown(self.path)} is not a Maildir (it needs new/, cur/ and tmp/); "
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
                keys.update(header_values(head, DRAFT_FOR, "In-Reply-To"))
        return keys

    def messages(self, since: date | None = None) -> Iterator[Incoming]:
        """INBOX's e-mails, oldest first; with `since`, those delivered (file time) on or after it."""
        for p in self._files(self.path):
            try:
                stat = p.stat()
                size = stat.st_size
                if since and date.fromtimestamp(stat.st_mtime) < since or "T" in _flags_of(p.name):
                    continue  # older than --since, or trashed (deleted, not yet expunged)
                with p.open("rb") as f:
                    head = f.read(HEADERS_READ).split(b"\n\n", 1)[0]
            except FileNotFoundError:
                continue
            found = header_values(head, "Message-ID")
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
