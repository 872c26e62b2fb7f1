"""The two mailboxes `assistant inbox` works on, with one surface: a local Maildir and IMAP.

    box = open_mailbox(maildir="/srv/mail/support")          # or imap="imaps://host/INBOX"
    box.connect(); box.done_keys() -> {"<a@x.no>", ...}      # e-mails a draft or reply exists for
    for m in box.messages(): m.message_id, m.size, m.flags, m.load() -> raw bytes
    box.add_draft(raw_reply, manual=True); box.wait(stop, 60); box.close()

This module picks a kind (open_mailbox); the two kinds live in maildir_box.py and imap_box.py,
what they share (Incoming, the errors) in incoming.py, and all of it is re-exported here.

Reading never changes a flag: a Maildir's files are only opened (never moved from new/ to
cur/), an IMAP folder is EXAMINEd (read-only) and fetched with BODY.PEEK. Drafts go to the
Maildir++ folder PATH/.Drafts (flag D; $NeedsHuman as a Dovecot keyword) or are APPENDed to the
IMAP folder with the SPECIAL-USE \\Drafts attribute (or --drafts NAME) with \\Draft and
$NeedsHuman. A draft is written whole or not at all: Maildir writes into tmp/ and renames,
IMAP APPEND is atomic on the server. IMAP credentials come from ASSISTANT_IMAP_USER and
ASSISTANT_IMAP_PASSWORD only; plaintext IMAP is allowed on loopback only; the server's
certificate is checked against the system's CAs or only ASSISTANT_IMAP_CAFILE's.

Errors: see incoming.py. Deliberately left out: OAuth2 log-in, POP3, moving or deleting anything.
"""

from __future__ import annotations

import os

from .imap_box import ImapBox
from .incoming import ConnectionLost, Incoming, LoginFailed, MailboxUnavailable, ServerUnreachable
from .maildir_box import MaildirBox

__all__ = ["Incoming", "MaildirBox", "ImapBox", "open_mailbox", "LoginFailed", "MailboxUnavailable",
           "ServerUnreachable", "ConnectionLost"]


def open_mailbox(maildir: str = "", imap: str = "", drafts: str = "", env: dict | None = None):
    """A MaildirBox or an ImapBox (credentials from `env`, default os.environ); not yet connected."""
    env = os.environ if env is None else env
    if maildir:
        return MaildirBox(maildir)
    return ImapBox(imap, env.get("ASSISTANT_IMAP_USER", ""), env.get("ASSISTANT_IMAP_PASSWORD", ""), drafts,
                   cafile=env.get("ASSISTANT_IMAP_CAFILE", ""))
