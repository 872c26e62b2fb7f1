"""Files in the corpus folder -> Sections with headings and character offsets.

A scraped page has no markup, so a heading is recognised by its shape: a paragraph of one short
line (at most 60 characters) with no final punctuation, no comma and no e-mail address, e.g.
"Kostnad og tidsbruk" or "Pris"; or such a line with its text right under it, where the next line
starts a sentence or an item and the line above (if any) ends one. A `.md` file uses its `#`
headings instead. A heading with no
body of its own ("Kostnad og tidsbruk", right above "Pris") becomes the `parent` of the next
section. Text is never altered: every Section keeps offsets into the file as read.

Deliberately left out: nested heading levels beyond one parent, and any format but .txt/.md.
Files that are not UTF-8 or are empty are skipped with a warning, the rest still load; so is a
file with only headings. A corpus with no text at all is a CorpusError.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .records import Section
from .settings import REPO_ROOT

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".txt", ".md")
MAX_HEADING_CHARS = 60
TITLE_CHARS = 100  # a page's first line, its title, may be longer than a heading
BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦]|\d{1,2}[.)])\s+")
# A line ending in one of these is a sentence cut short ("NPR har som formål å"), not a heading.
DANGLING = {"å", "og", "i", "på", "til", "om", "for", "av", "med", "som", "enn", "at", "eller",
            "the", "of", "to", "and", "or", "for", "in", "a", "an"}


@dataclass(frozen=True)
class Document:
    path: Path
    source: str  # shown to users: relative to the repo root when inside it
    title: str
    language: str
    text: str
    sha256: str
    source_url: str = ""  # the official page this text was copied from (its .meta.json), or ""


def blocks(text: str) -> list[tuple[int, int]]:
    """Spans of runs of non-blank lines (a whitespace-only line, nbsp included, is blank).

    "a\\nb\\n\\nc" -> [(0, 3), (5, 6)]
    """
    spans, start, pos = [], None, 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if content.strip():
            if start is None:
                start = pos
            end = pos + len(content)
        elif start is not None:
            spans.append((start, end))
            start = None
        pos += len(line)
    if start is not None:
        spans.append((start, end))
    return spans


def is_heading_line(line: str, most: int = MAX_HEADING_CHARS) -> bool:
    """'Pris' -> True; 'Fra 1997 til d.d.' -> False; 'Har du spørsmål, kontakt x@y.no' -> False."""
    s = line.strip()
    if not s or len(s) > most or "\n" in s:
        return False
    if BULLET.match(s) or s[-1] in ".:;,!" or "," in s or "@" in s:
        return False
    if unicodedata.normalize("NFC", s.split()[-1].lower()) in DANGLING:  # "å" also saved decomposed ("a" and a ring)
        return False
    return s[0].isupper() or s[0].isdigit()


BOM = "\ufeff"


SENTENCE_END = (".", "!", "?", ")", "»", '"')


def _headings_in(block: str) -> list[tuple[str, int]]:
    """The headings written with no blank line under them in a block of several lines: (heading,
    where its line starts). A line is one when it has a heading's shape, starts the block or
    follows a finished sentence, and the next line starts a sentence or an item of its own (a
    capital, a digit, a bullet): a hard-wrapped sentence goes on in lower case ("… som blir henvist
    til\nspesialisthelsetjenesten"), and short lines only (an address) have no heading.

        _headings_in("Pris\nNOK 1100 per time.\nLevering\nInnen 60 dager.") -> [("Pris", 0), ("Levering", 24)]
        _headings_in("Postboks 7000\n0130 Oslo") -> []
    """
    lines, at = [], 0
    for line in block.split("\n"):
        lines.append((line, at))
        at += len(line) + 1
    found = []
    for n, (line, at) in enumerate(lines[:-1]):
        s = line.strip().lstrip(BOM).strip()
        after = [x.strip() for x, _ in lines[n + 1:] if x.strip()]
        before = lines[n - 1][0].strip() if n else ""
        if not is_heading_line(s) or not after or (n and not before.endswith(SENTENCE_END)):
            continue
        if not (after[0][0].isupper() or after[0][0].isdigit() or BULLET.match(after[0])):
            continue
        rest = after[:next((k for k, x in enumerate(after) if x.endswith(SENTENCE_END)), len(after)) + 1]
        if all(is_heading_line(x) for x in rest):  # short lines only up to the next sentence's end
            continue
        found.append((s, at))
    return found


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == BOM):  # a Windows file's byte-order mark is no text
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_sections(text: str, source: str, title: str, markdown: bool = False) -> list[Section]:
    """Split one document into Sections; bodies keep their offsets into `text`.

    "Pris\\n\\n • NOK 1100\\n" -> [Section(heading="Pris", start=7, end=17, text="• NOK 1100")]
    """
    # text before the first heading belongs to a section named after the document
    heads: list[tuple[str, list[tuple[int, int]]]] = [(title, [])]
    for n, (b_start, b_end) in enumerate(blocks(text)):
        block = text[b_start:b_end]
        if markdown:
            # a '#' line starts a section even inside a block
            pos = b_start
            for line in block.split("\n"):
                s = line.strip().lstrip(BOM)
                if s.startswith("#"):
                    heads.append((s.lstrip("#").strip(), []))
                elif s:
                    ls, le = _strip_span(text, pos, pos + len(line))
                    heads[-1][1].append((ls, le))
                pos += len(line) + 1
        elif is_heading_line(block.lstrip(BOM), TITLE_CHARS if n == 0 else MAX_HEADING_CHARS):
            # (the page's first line is its title, which may be longer: "Kommunalt pasient- og
            # brukerregister (KPR) – tilgang til data" is no text to quote)
            heads.append((block.strip().lstrip(BOM).strip(), []))
        else:
            # "Åpningstider\nBrukerstøtten svarer …": headings with their text right under them
            at = b_start
            for head, cut in _headings_in(block):
                if cut > 0:
                    heads[-1][1].append(_strip_span(text, at, b_start + cut))
                heads.append((head, []))
                at = b_start + cut + len(block[cut:].split("\n", 1)[0]) + 1
            heads[-1][1].append(_strip_span(text, at, b_end))

    sections, pending_parent = [], ""
    for i, (heading, body) in enumerate(heads):
        if not body:
            pending_parent = heading if i else ""
            continue
        start, end = body[0][0], body[-1][1]
        sections.append(Section(source, title, heading, pending_parent, start, end, text[start:end]))
        pending_parent = ""
    return sections


def display_path(path: Path) -> str:
    """corpus/x.txt for files under the repo root, the absolute path otherwise."""
    path = path.resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _metadata(path: Path) -> dict:
    meta_path = path.with_suffix(".meta.json")
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable metadata file %s: %s", meta_path, exc)
        return {}
    if not isinstance(meta, dict):
        log.warning("ignoring metadata file %s: it must be a JSON object like {\"title\": \"...\"}", meta_path)
        return {}
    return meta


def load_documents(corpus_dir: Path) -> list[Document]:
    """Every readable .txt/.md file under corpus_dir, sorted by path."""
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder {corpus_dir} is a file, not a folder: give the folder that holds the "
            ".txt/.md guidance files in ASSISTANT_CORPUS_DIR.")
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder {corpus_dir} does not exist: create it and put .txt/.md guidance "
            "files in it, or set ASSISTANT_CORPUS_DIR to the folder that has them."
        )
    docs = []
    for path in sorted(p for p in corpus_dir.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("skipping %s: it is not UTF-8 text (save it as UTF-8 to index it)", path)
            continue
        if not text.strip():
            log.warning("skipping %s: it is empty", path)
            continue
        meta = _metadata(path)
        title = meta.get("title")
        if title is not None and not isinstance(title, str):
            log.warning("ignoring the title in %s: it must be text", path.with_suffix(".meta.json").name)
        title = title if isinstance(title, str) and title.strip() else path.stem.replace("_", " ")
        url = meta.get("source_url")
        docs.append(Document(path, display_path(path), title, meta.get("language", "nb"), text,
                             hashlib.sha256(raw).hexdigest(), url if isinstance(url, str) else ""))
    if not docs:
        raise CorpusError(
            f"The corpus folder {corpus_dir} has no readable .txt or .md files: add the guidance "
            "text (UTF-8) there, or set ASSISTANT_CORPUS_DIR to the folder that has it."
        )
    return docs


def load_sections(docs: list[Document]) -> list[Section]:
    """Every document's Sections; a document with no text under its headings is warned about,
    and a corpus where no document has any is a CorpusError (every question would decline)."""
    per_doc = [(doc, parse_sections(doc.text, doc.source, doc.title, doc.path.suffix.lower() == ".md"))
               for doc in docs]
    empty = [doc.source for doc, sections in per_doc if not sections]
    if per_doc and len(empty) == len(per_doc):  # one line naming them all, not a warning each, then an error
        raise CorpusError(
            f"The corpus ({', '.join(empty)}) holds only headings, no text to answer from: add the "
            "guidance text under the headings, or set ASSISTANT_CORPUS_DIR to the folder that has it.")
    for source in empty:
        log.warning("%s has headings but no text under them; it is not indexed (add the text "
                    "below each heading)", source)
    return [s for _, sections in per_doc for s in sections]
