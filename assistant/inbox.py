"""Bytes, files and mboxes -> Mail: what an e-mail says, as text, whatever it was written in.

    read_mail(b"From: Kari <k@x.no>\\n\\nHei! Hva koster det?\\nMvh Kari")
        -> Mail(subject="", sender="Kari", text="Hei! Hva koster det?\\nMvh Kari")
    read_path(Path("innboks.mbox"), errors) -> [("innboks.mbox#1", Mail(...)), ...]

Plain text, .eml (stdlib `email`, policy=default; an HTML-only body is stripped to text) and
mbox files (stdlib `mailbox`). A body or header whose charset label is missing or wrong
(Latin-1 labelled UTF-8, raw 8-bit headers) is decoded with the charset charset-normalizer
detects among Western European ones; text that starts with a byte-order mark (Notepad's
"Unicode" is UTF-16) is read in the encoding the mark names. An mbox message that cannot be read is reported by number
and Message-ID; the others are still read. Personal numbers are masked in every Mail, and a lone
surrogate (a header's "=?utf-8?b?7aCA?=", a pasted "\\ud800") is U+FFFD in it, so that every
draft can be written as UTF-8. A file's path in a message is shown as text.shown shows it.
Deliberately left out: attachments. What the text means is mail.py's business.
"""

from __future__ import annotations

import codecs
import email
import email.utils
import mailbox
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from html.parser import HTMLParser
from pathlib import Path

from .errors import MailError
from .privacy import mask_personal_numbers
from .text import readable, shown

__all__ = ["Mail", "MailError", "read_mail", "read_path", "html_to_text"]

HEADER = re.compile(rb"^(?:From|To|Subject|Date|Return-Path|Received|MIME-Version|Message-ID|"
                    rb"Delivered-To|Content-Type|Reply-To|X-[\w-]+): ", re.IGNORECASE)

# the header lines a mail client copies above a pasted e-mail, in Norwegian or English
PASTED_HEADER = re.compile(r"(?P<key>emne|subject|fra|frå|from|til|to|kopi|cc|dato|date|sendt|sent)[ \t]*:"
                           r"[ \t]*(?P<value>[^\n]*)", re.IGNORECASE)


def pasted_headers(text: str) -> tuple[str, str, str]:
    """(subject, sender's display name, body) of a pasted e-mail whose first lines are headers
    (Emne:/Subject:, Fra:/From:, Til:, Dato: …); ("", "", text) when it has none.

    pasted_headers("Emne: Pris\\nFra: Kari Li <k@x.no>\\n\\nHva koster det?") -> ("Pris", "Kari Li", "Hva koster det?")
    """
    lines, subject, sender, n = text.lstrip("\n").split("\n"), "", "", 0
    while n < len(lines) and (m := PASTED_HEADER.fullmatch(lines[n].strip())):
        key = m["key"].lower()
        if key in ("emne", "subject"):
            subject = m["value"].strip()
        elif key in ("fra", "frå", "from"):
            value = m["value"].strip()
            sender = email.utils.parseaddr(value)[0] if "@" in value else value.strip('"')
        n += 1
    return (subject, sender, "\n".join(lines[n:]).lstrip("\n")) if n else ("", "", text)


@dataclass(frozen=True)
class Mail:
    subject: str
    sender: str  # the From: display name, "" when there is none
    text: str  # the body as plain text, personal numbers masked


def _mail(subject: str, sender: str, text: str) -> Mail:
    """The Mail of what was read: personal numbers masked, lone surrogates as U+FFFD, and letters
    written decomposed composed (NFC: a Mac may send "å" as "a" and a combining ring, which splits
    words, names and sentences)."""
    return Mail(*(mask_personal_numbers(unicodedata.normalize("NFC", readable(part)))
                  for part in (subject, sender, text)))


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul", "ol", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip, self.quote = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag == "blockquote":  # a quoted earlier message: mark it as history
            self.quote += 1
            self.out.append("\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag in ("td", "th"):  # cells apart: "<td>1</td><td>01019012345</td>" is two numbers, not 12 digits
            self.out.append("\t")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append("\t")

    def handle_data(self, data):
        if not self.skip:
            text = re.sub(r"\s+", " ", data)
            self.out.append("> " + text.strip() if self.quote and text.strip() else text)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one block a line; <blockquote> lines start with '> '.

    html_to_text("<p>Hei!</p><p>Hva koster det?<br>Mvh Kari</p>") -> "Hei!\\nHva koster det?\\nMvh Kari"
    """
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.out).splitlines())
    return "\n".join(line for line in lines if line)


# what European mail clients write when the label is missing or wrong; charset-normalizer picks
# among these (left to itself it reads Norwegian Latin-1 as Central European cp1250: "fĺ")
WESTERN = ["utf_8", "utf_16", "cp1252", "iso8859_15", "latin_1", "mac_roman", "cp865", "cp850"]


# a byte-order mark says the encoding for certain (Notepad's "Unicode" is UTF-16 LE with one);
# UTF-32's come first, since its little-endian mark begins with UTF-16's
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _unicode_with_bom(data: bytes, name: str) -> str | None:
    """The text of UTF-16 or UTF-32 bytes that begin with a byte-order mark, else None.

    _unicode_with_bom(b"\\xff\\xfeH\\x00v\\x00a\\x00?\\x00", "x") -> "Hva?"
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise MailError(f"{name} starts like {encoding.upper()} text but is not; save the e-mail as "
                                "plain text (UTF-8) or .eml and try again.") from None
    return None


def _readable(text: str) -> bool:
    junk = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t" or 0x7f <= ord(c) < 0xa0)
    return junk <= len(text) // 100


def _decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Bytes -> text: UTF-16/32 when they start with a byte-order mark, else the declared charset
    if it really decodes, else UTF-8, else the charset charset-normalizer detects, else cp1252;
    raises MailError for binary data.

    _decode("Hva koster det å få data?".encode("latin-1"), "x", "utf-8") -> "Hva koster det å få data?"
    """
    text = _unicode_with_bom(data, name)
    if text is not None:
        return text
    if b"\x00" in data:
        raise MailError(f"{name} is not a text e-mail (it holds binary data); give a .txt, .eml or .mbox file.")
    for encoding in (declared, "utf-8-sig"):
        if not encoding:
            continue
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):  # mislabelled, or a charset Python does not know
            continue
        if _readable(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=WESTERN).best()
    candidates = [str(best)] if best is not None else []
    candidates.append(data.decode("cp1252", errors="replace"))
    for text in candidates:
        if _readable(text):
            return text
    raise MailError(f"{name} is not readable text; save the e-mail as plain text (UTF-8) or .eml and try again.")


def _raw_8bit(msg, name: str) -> str | None:
    """A header's value decoded from raw 8-bit bytes (no RFC 2047 words), or None if it is 7-bit.

    The email package reads such bytes as U+FFFD (Subject) or lone surrogates (From).
    """
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), "")
    if not any("\udc80" <= c <= "\udcff" for c in raw):
        return None
    return " ".join(_decode(raw.encode("utf-8", "surrogateescape"), f"the {name} header").split())


def _subject(msg) -> str:
    text = _raw_8bit(msg, "Subject")
    return str(msg["Subject"] or "") if text is None else text


def _sender(msg) -> str:
    """The From: display name, "" when there is none or the header is not an address."""
    text = _raw_8bit(msg, "From")
    if text is not None:
        return email.utils.parseaddr(text)[0]
    try:
        return msg["From"].addresses[0].display_name if msg["From"] and msg["From"].addresses else ""
    except (IndexError, ValueError, AttributeError):
        return ""


def read_mail(data: bytes | str, name: str = "the e-mail", eml: bool = False) -> Mail:
    """Bytes or text of one e-mail (raw .eml, or plain text unless `eml`) -> Mail; raises MailError.
    Header lines a mail client copied above a pasted text become its subject and sender."""
    data = readable(data) if isinstance(data, str) else data  # a pasted "\ud800" cannot become bytes
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not eml and not HEADER.match(raw.lstrip()):
        text = data if isinstance(data, str) else _decode(raw, name)
        return _mail(*pasted_headers(text.replace("\r\n", "\n")))
    msg = email.message_from_bytes(raw.lstrip(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise MailError(f"{name} has no text or HTML part to answer; open it in a mail client instead.")
    try:
        # the raw bytes, not get_content(): that decodes a mislabelled body with "replace" (�)
        payload = body.get_payload(decode=True)
    except (LookupError, ValueError) as exc:
        raise MailError(f"{name} cannot be decoded ({exc}); save it as plain text and try again.")
    content = _decode(payload or b"", name, body.get_content_charset())
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return _mail(_subject(msg), _sender(msg), content.replace("\r\n", "\n"))


def _message_id(message) -> str:
    """The Message-ID header of an mbox message, or "no Message-ID"."""
    try:
        value = str(message.get("Message-ID") or "").strip()
    except Exception:  # a header the email package cannot even represent
        value = ""
    return mask_personal_numbers(value) or "no Message-ID"


def read_path(path: Path, errors: list[tuple[str, str]] | None = None) -> list[tuple[str, Mail]]:
    """A file -> [(label, Mail)]: one for .txt/.eml, one per message of an mbox file.

    Labels are the file name ("x.eml") or the file name and message number ("box.mbox#3"), as
    on disk: the caller shows them (text.shown). Messages show the path masked and readable.
    With `errors` given, a message of an mbox that cannot be read is appended there as
    (label, why, naming its number and Message-ID) and the others are still returned; without
    it, the first such message raises MailError.
    """
    path = Path(path)
    where, name = shown(path), shown(path.name)
    if path.exists() and not path.is_file() and not path.is_dir():  # reading a FIFO would hang
        raise MailError(f"{where} is not a regular file (a FIFO, socket or device); give a .txt, .eml or .mbox file.")
    try:
        head = path.read_bytes()
    except FileNotFoundError:
        raise MailError(f"{where} does not exist; give a .txt, .eml or .mbox file or a folder of them.")
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise MailError(f"{where} cannot be read ({exc.strerror}); give a readable e-mail file.")
    if path.suffix.lower() == ".mbox" or head.startswith(b"From "):
        return _read_mbox(path, errors)
    text = _unicode_with_bom(head, name)
    if text is not None:  # e.g. saved as "Unicode" in Notepad: read as the text it is
        return [(path.name, read_mail(text, name, eml=path.suffix.lower() == ".eml"))]
    if b"\x00" in head:  # binary before anything tries to parse it as headers
        raise MailError(f"{name} is not a text e-mail (it holds binary data); give a .txt, .eml or .mbox file.")
    return [(path.name, read_mail(head, name, eml=path.suffix.lower() == ".eml"))]


def _read_mbox(path: Path, errors: list[tuple[str, str]] | None) -> list[tuple[str, Mail]]:
    try:
        box = mailbox.mbox(str(path), create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        raise MailError(f"{shown(path)} cannot be read as an mbox ({shown(str(exc))}); export the mailbox again.")
    mails, name = [], shown(path.name)
    try:
        for i, key in enumerate(keys, 1):
            label = f"{path.name}#{i}"
            message = box.get_message(key)
            try:
                mails.append((label, read_mail(message.as_bytes(), f"{name} message {i}", eml=True)))
            except (MailError, ValueError, LookupError, TypeError, AttributeError, IndexError) as exc:
                why = mask_personal_numbers(readable(str(exc)))
                detail = why if isinstance(exc, MailError) else \
                    f"{name} message {i} cannot be parsed ({type(exc).__name__}: {why})"
                why = f"{detail} (Message-ID: {_message_id(message)})"
                if errors is None:
                    raise MailError(why) from exc
                errors.append((label, why))
    finally:
        box.close()
    return mails
