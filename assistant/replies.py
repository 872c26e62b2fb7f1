"""One applicant's raw e-mail -> why it gets no reply, or the RFC 5322 reply draft to file.

    skip_reason(b"From: MAILER-DAEMON@x.no\\n...", own="helseregistre@helsedir.no") -> "bounce"
    reply_subject("SV: Re: Søknad") -> "Re: Søknad"
    reply_message(original, draft, sender="Brukerstøtte <helseregistre@helsedir.no>") -> EmailMessage

A reply goes to Reply-To (else From), says "Re: " once (whatever "Re:", "SV:", "AW:" the thread
already carries), threads with In-Reply-To and References, and carries its UTF-8 body with
personal numbers masked (the drafter's text and the applicant's quoted text both), as they are
in every header it copies from the e-mail (To, Subject, References): a draft is stored, so
"Kari 01019012345" <kari@x.no> becomes "Kari *********** <kari@x.no>", even where that breaks
the address. A draft the team must finish by hand gets NEEDS_HUMAN_TAG before its subject and
the X-Assistant-Needs-Human header (the IMAP keyword $NeedsHuman is set by the mailbox).
X-Assistant-Draft-For names the e-mail a draft answers (its Message-ID), so a later run finds it
in the Drafts folder and never drafts it twice. A Message-ID holding a personal number
("<15038512363@example.no>") is never copied: masked it would name no e-mail (and every such
e-mail the same), so X-Assistant-Draft-For carries the caller's keyed token instead
("<TOKEN@masked.assistant.invalid>") and the draft has no In-Reply-To or References: it is not
threaded, since threading needs the Message-ID in clear.
Deliberately left out: attachments, HTML bodies in the draft, and sending.
"""

from __future__ import annotations

import email
import email.utils
import hashlib
import re
from email import policy
from email.message import EmailMessage, Message

from .privacy import mask_personal_numbers

__all__ = ["MAX_BYTES", "SKIP_REASONS", "NEEDS_HUMAN_TAG", "NEEDS_HUMAN_KEYWORD", "DRAFT_FOR", "TOKEN_KEY",
           "parse", "message_key", "skip_reason", "reply_subject", "reply_message", "needs_human"]

MAX_BYTES = 10 * 1024 * 1024  # larger e-mails are skipped before they are downloaded
NEEDS_HUMAN_TAG = "[Må besvares manuelt]"
NEEDS_HUMAN_KEYWORD = "$NeedsHuman"
DRAFT_FOR = "X-Assistant-Draft-For"
# what X-Assistant-Draft-For says for a key holding a personal number: the key's token, no number
TOKEN_DOMAIN = "masked.assistant.invalid"
TOKEN_KEY = re.compile(rf"<([0-9a-f]{{32}})@{re.escape(TOKEN_DOMAIN)}>")
# every reason a message gets no draft, in the order the run summary lists them
SKIP_REASONS = ("auto_reply", "bounce", "list", "own", "answered", "too_large", "undecodable", "no_sender",
                "failed")  # failed: drafting this e-mail raised an unexpected error (logged, not retried)

AUTO_SUBJECT = re.compile(r"^\s*(?:automatisk svar|autosvar|auto:|automatic reply|autoreply|auto-reply|"
                          r"out of office|fravær|fraværsmelding|abwesenheit|ikke på kontoret)",
                          re.IGNORECASE)
BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster)@", re.IGNORECASE)
PREFIX = re.compile(r"^\s*(?:(?:re|sv|aw|vs|ref|antw|odp)\s*(?:\[\d+\])?\s*:\s*|"
                    + re.escape(NEEDS_HUMAN_TAG) + r"\s*)+", re.IGNORECASE)


def parse(raw: bytes) -> Message:
    """Raw bytes -> an email.message.EmailMessage (never raises on malformed headers)."""
    return email.message_from_bytes(raw, policy=policy.default)


def _header(msg: Message, name: str) -> str:
    try:
        return str(msg.get(name) or "").strip()
    except Exception:  # a header the email package cannot represent counts as absent
        return ""


def _address(value: str) -> str:
    return email.utils.parseaddr(value)[1].strip().lower()


def message_key(msg: Message, raw: bytes) -> str:
    """The Message-ID the work is keyed on; one made from the bytes when the e-mail has none.

    message_key(<msg without Message-ID>, b"x") -> "<sha256-2d711642b726b044@no-message-id.invalid>"
    """
    mid = _header(msg, "Message-ID")
    if re.fullmatch(r"<[^<>\s]+>", mid):
        return mid
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:16]}@no-message-id.invalid>"


def skip_reason(msg: Message, size: int, own: str, flags: str = "") -> str | None:
    """Why this e-mail must get no reply, as one of SKIP_REASONS, or None when it should.

    `own` is our From address; `flags` holds "R" when the e-mail was already answered.
    skip_reason(<Precedence: bulk>, 900, "support@x.no") -> "list"
    """
    if size > MAX_BYTES:
        return "too_large"
    sender = _address(_header(msg, "From"))
    content_type = msg.get_content_type() if hasattr(msg, "get_content_type") else ""
    return_path = _header(msg, "Return-Path")
    if BOUNCE_SENDER.match(sender) or content_type == "multipart/report" or return_path == "<>":
        return "bounce"
    auto = _header(msg, "Auto-Submitted").lower()
    precedence = _header(msg, "Precedence").lower()
    if (auto and auto != "no") or _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond") \
            or precedence == "auto_reply" or AUTO_SUBJECT.match(_header(msg, "Subject")):
        return "auto_reply"
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe") or precedence in ("bulk", "list", "junk"):
        return "list"
    if (own and sender == _address(own)) or _header(msg, DRAFT_FOR):
        return "own"
    if "R" in flags:
        return "answered"
    if not reply_to(msg):
        return "no_sender"
    return None


def reply_to(msg: Message) -> str:
    """Where a reply goes: Reply-To when it holds an address, else From; "" when neither does.
    A personal number in a name is masked here, before formataddr writes a name with æøå as an
    encoded word ("=?utf-8?b?…?="), which no masker reads into."""
    for name in ("Reply-To", "From"):
        value = _header(msg, name)
        pairs = [(n, a) for n, a in email.utils.getaddresses([value]) if "@" in a]
        if pairs:
            return ", ".join(email.utils.formataddr((mask_personal_numbers(n), a)) for n, a in pairs)
    return ""


def reply_subject(subject: str, manual: bool = False) -> str:
    """'SV: Re: Søknad' -> 'Re: Søknad'; with manual=True -> '[Må besvares manuelt] Re: Søknad'"""
    subject = " ".join(subject.split())
    base = PREFIX.sub("", subject) or "Henvendelsen din"
    return f"{NEEDS_HUMAN_TAG + ' ' if manual else ''}Re: {base}"


def needs_human(draft) -> bool:
    """True when a draft holds a question the guidance does not cover, or found no question."""
    return bool(draft.manual) or not draft.items


def _quoted(msg: Message, text: str) -> str:
    """The applicant's own text under an attribution line, each line quoted with '> '."""
    when = _header(msg, "Date")
    who = email.utils.parseaddr(_header(msg, "From"))
    name = who[0] or who[1] or "avsenderen"
    lines = text.strip().splitlines()[:200]  # a reply quotes the e-mail, not a whole thread
    attribution = f"Den {when} skrev {name}:" if when else f"{name} skrev:"
    return "\n".join([attribution, *("> " + line if line else ">" for line in lines)])


def reply_message(msg: Message, key: str, draft, text: str, sender: str, date: str | None = None,
                  token: str = "") -> EmailMessage:
    """The reply draft for `msg` (keyed `key`) with `draft` (a drafting.Draft) and the applicant's
    `text` (already read, masked) quoted below; From is `sender`.

    `token` (32 hex digits: the caller's keyed hash of `key`) stands in for a key that holds a
    personal number: X-Assistant-Draft-For is then "<TOKEN@masked.assistant.invalid>" and there
    is no In-Reply-To or References. Such a key without a token raises ValueError.
    reply_message(<Message-ID <m1@x.no>>, "<m1@x.no>", ...)["In-Reply-To"] -> "<m1@x.no>"
    reply_message(<Message-ID <15038512363@x.no>>, "<15038512363@x.no>", ..., token="3f0c…")["In-Reply-To"] -> None
    """
    personal = mask_personal_numbers(key) != key
    if personal and not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValueError("a key holding a personal number needs its token (32 hex digits) to name it in a draft")
    manual = needs_human(draft)
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = sender
    # each header copied from the e-mail is masked: a name, address or Message-ID may hold a number
    reply["To"] = mask_personal_numbers(reply_to(msg))
    reply["Subject"] = mask_personal_numbers(reply_subject(draft.subject or _header(msg, "Subject"), manual))
    reply["Date"] = date or email.utils.formatdate(localtime=True)
    domain = _address(sender).partition("@")[2] or "assistant.invalid"
    reply["Message-ID"] = email.utils.make_msgid("npr-assistant", domain=domain)
    mid = _header(msg, "Message-ID")
    # a Message-ID holding a number is not copied: masked, it would thread with no e-mail, or a wrong one
    if re.fullmatch(r"<[^<>\s]+>", mid) and mask_personal_numbers(mid) == mid:
        refs = _header(msg, "References").split() or _header(msg, "In-Reply-To").split()[:1]
        refs = [r for r in refs if re.fullmatch(r"<[^<>\s]+>", r)][-20:]  # a long thread keeps its tail
        reply["In-Reply-To"] = mid
        reply["References"] = mask_personal_numbers(" ".join([*refs, mid]))  # earlier IDs may hold one
    reply[DRAFT_FOR] = f"<{token}@{TOKEN_DOMAIN}>" if personal else key
    if manual:
        reply["X-Assistant-Needs-Human"] = "yes"
        reply["Keywords"] = NEEDS_HUMAN_KEYWORD
    body = draft.text.rstrip("\n") + "\n\n" + _quoted(msg, text) + "\n"
    reply.set_content(mask_personal_numbers(body), charset="utf-8", cte="quoted-printable")
    return reply
