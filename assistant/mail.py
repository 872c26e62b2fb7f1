"""An applicant's e-mail -> the part they wrote now, their questions, their context and their name.

    read_mail(b"From: Kari <k@x.no>\\n\\nHei! Hva koster det?\\nMvh Kari")
        -> Mail(subject="", sender="Kari", text="Hei! Hva koster det?\\nMvh Kari")
    own_text("Hva koster det?\\n\\nDen 1. mars skrev NPR:\\n> Hei") -> "Hva koster det?"
    find_questions("Vi trenger data. Hva koster det?") -> (["Hva koster det?"], "Vi trenger data.")

Plain text, .eml (stdlib `email`, policy=default; an HTML-only body is stripped to text) and
mbox files (stdlib `mailbox`). What is cut before questions are looked for: quoted earlier
replies ("> " lines, "Den … skrev:", "On … wrote:", "-----Original Message-----", a "Fra:/From:"
header block) and everything after them, the signature ("Mvh", "Best regards", "--" …),
disclaimers ("Denne e-posten kan inneholde konfidensiell …") and the greeting.
Deliberately left out: attachments, character sets beyond what `email` decodes, and any
guessing at questions inside forwarded history (history is never answered).
"""

from __future__ import annotations

import email
import mailbox
import re
from dataclasses import dataclass
from email import policy
from html.parser import HTMLParser
from pathlib import Path

from .errors import MailError
from .questions import SENTENCE_BREAK, is_asking, split_questions
from .privacy import mask_personal_numbers

__all__ = ["Mail", "MailError", "read_mail", "read_path", "html_to_text", "own_text", "signature_name",
           "find_questions", "find_name", "asks"]

HEADER = re.compile(rb"^(?:From|To|Subject|Date|Return-Path|Received|MIME-Version|Message-ID|"
                    rb"Delivered-To|Content-Type|Reply-To|X-[\w-]+): ", re.IGNORECASE)
# where the history of a thread begins: everything from here on was written earlier
HISTORY = re.compile(
    r"^\s*(?:>|-{2,}\s*(?:Original Message|Opprinnelig melding|Forwarded message|Videresendt melding)|"
    r"(?:Den|On|Am|På)\b[^\n]{0,200}\n?[^\n]{0,200}\b(?:skrev|skreiv|wrote|schrieb)\b[^\n]{0,200}:\s*$|"
    r"(?:Fra|From|Frå)\s*:\s*.+\n\s*(?:Sendt|Sent|Date|Dato|Til|To)\s*:)",
    re.IGNORECASE | re.MULTILINE)
SIGN_OFF = re.compile(
    r"^\s*(?:--\s*$|_{5,}|(?:mvh|m\.v\.h\.?|med vennlig hilsen|vennlig hilsen|vennleg helsing|med venleg "
    r"helsing|beste hilsen|hilsen|helsing|best regards|kind regards|regards|best wishes|sincerely|"
    r"cheers|sendt fra min|sent from my)\b[,.!]?)(?P<rest>.*)$", re.IGNORECASE | re.MULTILINE)
DISCLAIMER = re.compile(
    r"^\s*(?:denne e-?posten|denne meldingen|this e-?mail|this message|konfidensialitet|"
    r"confidentiality notice|disclaimer)\b.*?(?:konfidensiell|confidential|tiltenkt|intended)"
    r".*?(?:\n\s*\n|\Z)", re.IGNORECASE | re.MULTILINE | re.DOTALL)
GREETING = re.compile(r"^\s*(?:hei|hallo|heisann|god dag|god morgen|hello|hi|dear)\b"
                      r"[^\n.!?:,]{0,40}(?:[,!.:][ \t]*|[ \t]*(?:\n|$))", re.IGNORECASE)
THANKS = re.compile(r"^\s*(?:takk|tusen takk|på forhånd takk|thanks|thank you|many thanks)\b",
                    re.IGNORECASE)
NAME = r"(?P<name>[A-ZÆØÅ][\w'\-]+(?:[ \t]+[A-ZÆØÅ][\w'\-]+){0,3})"
INTRODUCTION = re.compile(r"\b(?i:jeg heter|eg heiter|mitt namn er|mitt navn er|my name is)\s+" + NAME)


@dataclass(frozen=True)
class Mail:
    subject: str
    sender: str  # the From: display name, "" when there is none
    text: str  # the body as plain text, personal numbers masked


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

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")

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


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise MailError(f"{name} is not a text e-mail (it holds binary data); give a .txt, .eml or .mbox file.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        junk = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t" or 0x7f <= ord(c) < 0xa0)
        if junk <= len(text) // 100:
            return text
    raise MailError(f"{name} is not readable text; save the e-mail as plain text (UTF-8) or .eml and try again.")


def read_mail(data: bytes | str, name: str = "the e-mail", eml: bool = False) -> Mail:
    """Bytes or text of one e-mail (raw .eml, or plain text unless `eml`) -> Mail; raises MailError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not eml and not HEADER.match(raw.lstrip()):
        text = data if isinstance(data, str) else _decode(raw, name)
        return Mail("", "", mask_personal_numbers(text.replace("\r\n", "\n")))
    msg = email.message_from_bytes(raw.lstrip(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise MailError(f"{name} has no text or HTML part to answer; open it in a mail client instead.")
    try:
        content = body.get_content()
    except (LookupError, ValueError) as exc:
        raise MailError(f"{name} cannot be decoded ({exc}); save it as plain text and try again.")
    if isinstance(content, bytes):
        content = _decode(content, name)
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    sender = msg["From"].addresses[0].display_name if msg["From"] and msg["From"].addresses else ""
    return Mail(mask_personal_numbers(str(msg["Subject"] or "")), mask_personal_numbers(sender),
                mask_personal_numbers(content.replace("\r\n", "\n")))


def read_path(path: Path) -> list[tuple[str, Mail]]:
    """A file -> [(label, Mail)]: one for .txt/.eml, one per message of an mbox file."""
    path = Path(path)
    try:
        head = path.read_bytes()
    except FileNotFoundError:
        raise MailError(f"{path} does not exist; give a .txt, .eml or .mbox file or a folder of them.")
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise MailError(f"{path} cannot be read ({exc.strerror}); give a readable e-mail file.")
    if path.suffix.lower() == ".mbox" or head.startswith(b"From "):
        box = mailbox.mbox(str(path), create=False)
        try:
            return [(f"{path.stem}-{i}", read_mail(m.as_bytes(), f"{path.name} message {i}", eml=True))
                    for i, m in enumerate(box, 1)]
        finally:
            box.close()
    if b"\x00" in head:  # binary before anything tries to parse it as headers
        raise MailError(f"{path.name} is not a text e-mail (it holds binary data); give a .txt, .eml or .mbox file.")
    return [(path.stem, read_mail(head, path.name, eml=path.suffix.lower() == ".eml"))]


def own_text(text: str) -> str:
    """What the sender wrote now: quoted history, disclaimers and the greeting cut off.

    own_text("Hei!\\nHva koster det?\\n\\nOn Mon, 1 Mar 2026, NPR wrote:\\n> Hei") -> "Hva koster det?"
    """
    m = HISTORY.search(text)
    text = text[:m.start()] if m else text
    text = DISCLAIMER.sub("", text)
    return GREETING.sub("", text.strip(), count=1).strip()


def signature_name(text: str) -> tuple[str, str]:
    """(text before the sign-off, the name signed under it or after it, or "").

    signature_name("Hva koster det?\\nMvh\\nKari Nordmann\\nSykehuset") -> ("Hva koster det?", "Kari Nordmann")
    signature_name("Hva koster det? Mvh Kari") -> ("Hva koster det?", "Kari")
    """
    m = SIGN_OFF.search(text)
    if not m:
        inline = re.search(r"\s(?:mvh|hilsen|regards)[,.]?\s+" + NAME + r"\s*$", text, re.IGNORECASE)
        if not inline:
            return text.strip(), ""
        return text[:inline.start()].strip(), inline["name"]
    after = (m["rest"].strip(" ,.") + "\n" + text[m.end():]).strip()
    first = next((line.strip() for line in after.splitlines() if line.strip()), "")
    name = re.fullmatch(NAME, first)
    return text[:m.start()].strip(), name["name"] if name else ""


def find_name(text: str, signed: str = "", sender: str = "") -> str:
    """The applicant's name: "Jeg heter X" in the text, else the signature's, else From:'s.

    find_name("Jeg heter Ola Hansen og jobber på et sykehus.") -> "Ola Hansen"
    """
    m = INTRODUCTION.search(text)
    name = m["name"] if m else signed or sender.strip().strip('"')
    return "" if re.search(r"[\d@*]", name) else name


def asks(sentence: str) -> bool:
    """'Jeg vil også vite prisen.' -> True; 'Takk for hjelpen!' -> False"""
    return is_asking(sentence)


def _tidy(part: str, sentence: str) -> str:
    """'hvor lang tid tar det' from a sentence ending in '?' -> 'Hvor lang tid tar det?'"""
    part = part.strip()
    if sentence.rstrip().endswith("?") and part[-1:] not in ".?!":
        part += "?"
    return part[:1].upper() + part[1:]


def find_questions(text: str) -> tuple[list[str], str]:
    """(the questions asked, the sentences around them as one context string).

    find_questions("Vi planlegger et kvalitetsprosjekt. Hva koster det, og hvor lang tid tar det?")
        -> (["Hva koster det?", "Hvor lang tid tar det?"], "Vi planlegger et kvalitetsprosjekt.")
    Only sentences that ask count: "Jeg lurer på prisen." does, "Takk for hjelpen!" does not.
    """
    questions, context = [], []
    for sentence in SENTENCE_BREAK.split(text):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        if asks(sentence):
            questions.extend(_tidy(p, sentence) for p in split_questions(sentence) if asks(p))
        elif not THANKS.match(sentence):
            context.append(sentence)
    return questions, " ".join(context)
