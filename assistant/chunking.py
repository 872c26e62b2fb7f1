"""Sections -> Chunks (pure), and chunks -> answerable Units (sentences and list items).

A chunk never crosses a section border, and a section is cut only between paragraphs, so a
heading stays with its text and a bullet list (one paragraph of consecutive lines) stays whole.
A single paragraph longer than `max_chars` is cut with LangChain's
RecursiveCharacterTextSplitter, keeping offsets. Deliberately left out: overlap between chunks
of one section (sections here are short, and overlap would make one sentence two hits).
"""

from __future__ import annotations

import hashlib
import re

from .corpus import BULLET, blocks
from .records import Chunk, Section, Unit

CHUNKER_VERSION = "sections-v1"
MAX_CHARS = 1200

# Abbreviations whose final dot does not end a sentence ("eks. mva.", "d.d.", "f.eks.").
ABBREVIATIONS = {"eks", "d.d", "f.eks", "bl.a", "ca", "jf", "nr", "kap", "dvs", "osv", "evt",
                 "pkt", "ref", "e.g", "i.e", "etc", "vs", "dr", "prof", "tlf", "kl", "mr", "ms"}
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"«(]?[A-ZÆØÅ0-9])")


def _chunk_id(source: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{source}:{start}:{end}".encode()).hexdigest()[:16]


def _split_long(text: str, start: int, max_chars: int) -> list[tuple[int, int]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=max_chars, chunk_overlap=0,
                                              add_start_index=True, strip_whitespace=True)
    return [(start + d.metadata["start_index"], start + d.metadata["start_index"] + len(d.page_content))
            for d in splitter.create_documents([text])]


def chunk_sections(sections: list[Section], max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Group each section's paragraphs into chunks of at most max_chars.

    A section "Pris" whose body is one list -> one chunk with exactly that body.
    """
    chunks = []
    for sec in sections:
        spans = []
        for b_start, b_end in blocks(sec.text):
            if b_end - b_start > max_chars:
                spans.extend(_split_long(sec.text[b_start:b_end], b_start, max_chars))
            else:
                spans.append((b_start, b_end))
        group: list[tuple[int, int]] = []
        for span in spans + [None]:
            if span is None or (group and span[1] - group[0][0] > max_chars):
                if group:
                    s, e = sec.start + group[0][0], sec.start + group[-1][1]
                    chunks.append(Chunk(_chunk_id(sec.source, s, e), sec.source, sec.title,
                                        sec.heading, sec.parent, s, e,
                                        sec.text[group[0][0]:group[-1][1]]))
                group = []
            if span is not None:
                group.append(span)
    return chunks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in one line of prose, abbreviations respected.

    "Pris per time NOK 1100,- eks. mva. Minimum to timer." -> [(0, 34), (35, 52)]
    """
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        word = re.search(r"([\w.]+)$", text[start:m.start()])
        if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _wrapped(text: str) -> list[tuple[str, int]]:
    """The text's lines (each with its offset), a hard-wrapped sentence's lines joined: a line that
    goes on in lower case ("Det faktureres minimum tre timer\nper søknad.") continues the one above
    it, unless that one ends a sentence or either is a list item."""
    out: list[tuple[str, int]] = []
    pos = 0
    for line in text.split("\n"):
        if out and line.strip() and out[-1][0].strip() and line.lstrip()[:1].islower() \
                and not BULLET.match(line) and not BULLET.match(out[-1][0]) \
                and not out[-1][0].rstrip().endswith((".", "!", "?", ":")):
            out[-1] = (f"{out[-1][0]}\n{line}", out[-1][1])
        else:
            out.append((line, pos))
        pos += len(line) + 1
    return out


def units(chunk: Chunk) -> list[Unit]:
    """The chunk's sentences and list items, with file offsets; bullets are left out of quotes.

    A line ending in ':' right before a list is its `intro` and shares the list's list_id. A
    hard-wrapped sentence is one unit over its lines (`_wrapped`), never quoted in pieces.
    """
    out: list[Unit] = []
    text, base, list_id = chunk.text, chunk.start, 0
    lines = _wrapped(text)
    for i, (line, offset) in enumerate(lines):
        if not line.strip():
            continue
        m = BULLET.match(line)
        if m:
            s, e = offset + m.end(), offset + len(line.rstrip())
            if not out or out[-1].kind not in ("item", "intro"):
                list_id += 1
            out.append(Unit(base + s, base + e, text[s:e], "item", list_id))
            continue
        lead = len(line) - len(line.lstrip())
        nxt = next((l for l, _ in lines[i + 1:] if l.strip()), "")
        if line.rstrip().endswith(":") and BULLET.match(nxt) or BULLET.match(nxt) and len(line) < 80:
            list_id += 1
            s, e = offset + lead, offset + len(line.rstrip())
            out.append(Unit(base + s, base + e, text[s:e], "intro", list_id))
            continue
        for s, e in split_sentences(line[lead:]):
            s, e = offset + lead + s, offset + lead + e
            out.append(Unit(base + s, base + e, text[s:e], "sentence"))
    return out
