"""The two mailboxes `assistant inbox` works on, with one surface: a local Maildir and IMAP.

    box = open_mailbox(maildir="/srv/mail/support")          # or imap="imaps://host/INBOX"
    box.connect(); box.done_keys() -> {"<a@x.no>", ...}      # e-mails a draft or reply exists for
    for m in box.messages(): m.message_id, m.size, m.flags, m.load() -> raw bytes
    box.add_draft(raw_reply, manual=True); box.wait(stop, 60); box.close()

This module holds what both share (Incoming, the errors, open_mailbox); the two kinds live in
maildir_box.py and imap_box.py and are re-exported here.

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
went away mid-run: run again, or --watch reconnects). Deliberately left out: OAuth2 log-in,
POP3, moving or deleting anything.
"""

from __future__ import annotations

import email
import os
from dataclasses import dataclass
from email import policy
from typing import Callable

from .errors import MailError

__all__ = ["Incoming", "MaildirBox", "ImapBox", "open_mailbox", "LoginFailed", "MailboxUnavailable",
           "ServerUnreachable", "ConnectionLost"]


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
    flags: str  # Maildir letters: "S" seen, "R" replied (answered)
    message_id: str  # "" when the e-mail has none
    load: Callable[[], bytes]


def _header_values(head: bytes, *names: str) -> list[str]:
    """Values of the named headers in a header block: the keys a draft or reply answers."""
    msg = email.message_from_bytes(head, policy=policy.compat32)
    return [" ".join(str(v).split()) for n in names for v in (msg.get_all(n) or [])]


def open_mailbox(maildir: str = "", imap: str = "", drafts: str = "", env: dict | None = None):
    """A MaildirBox or an ImapBox (credentials from `env`, default os.environ); not yet connected."""
    from .imap_box import ImapBox
    from .maildir_box import MaildirBox

    env = os.environ if env is None else env
    if maildir:
        return MaildirBox(maildir)
    return ImapBox(imap, env.get("ASSISTANT_IMAP_USER", ""), env.get("ASSISTANT_IMAP_PASSWORD", ""), drafts,
                   cafile=env.get("ASSISTANT_IMAP_CAFILE", ""))


def __getattr__(name: str):
    """MaildirBox and ImapBox, imported on first use (they import Incoming and the errors from here)."""
    if name == "MaildirBox":
        from .maildir_box import MaildirBox
        return MaildirBox
    if name == "ImapBox":
        from .imap_box import ImapBox
        return ImapBox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
