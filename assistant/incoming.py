"""What both mailbox kinds share (maildir_box.py, imap_box.py): an incoming e-mail and the errors.

    Incoming(ref="1700000000.M1.host", size=812, flags="S", message_id="<a@x.no>", load=read)
    header_values(b"In-Reply-To: <a@x.no>\r\n", "In-Reply-To") -> ["<a@x.no>"]

Errors (MailError children): LoginFailed (wrong credentials), MailboxUnavailable (folder
missing, TLS refused) and its child ServerUnreachable (no answer), ConnectionLost (the server
went away mid-run: run again, or --watch reconnects). Kept apart from mailboxes.py, which picks a
kind, so that neither kind imports the module that imports it.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from typing import Callable

from .errors import MailError

__all__ = ["Incoming", "LoginFailed", "MailboxUnavailable", "ServerUnreachable", "ConnectionLost",
           "header_values"]


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


def header_values(head: bytes, *names: str) -> list[str]:
    """Values of the named headers in a header block: the keys a draft or reply answers."""
    msg = email.message_from_bytes(head, policy=policy.compat32)
    return [" ".join(str(v).split()) for n in names for v in (msg.get_all(n) or [])]
