"""Personal numbers out of everything stored or logged.

A Norwegian fødselsnummer (also a D- or H-number) is 11 digits: a birth date DDMMYY and a
5-digit individual number. People write it in many ways, and every one is masked:

    mask_personal_numbers("fnr 010190 12345")     -> "fnr ***********"
    "01019012345", "010190-12345", "010190–12345" (en dash), "010190 — 12345", "010190/12345",
    "010190.12345", "01.01.90 12345", "0101 90 12345", "01-01-90-123 45", "01.01.1990 12345",
    "0101\\n90 12345", "> 010190\\n> 12345" (quoted lines), "01019<br>012345" (HTML),
    a non-breaking or thin space anywhere, a zero-width character anywhere inside,
    and next to other numbers: "01019012345 02029054321" -> "*********** ***********",
    "Født 01.01.1990 01019012345" -> "Født 01.01.1990 ***********".

The rule: digits joined into a run by short gaps (spaces, separators such as - . / < >, line
breaks with the quote markers after them, HTML tags and entities, invisible characters); within
a run, whole digit groups that add up to 11 digits are masked when they are one group or start
with a possible date (day 01-31, or 41-71 for a D-number; month 01-12, or 41-52 for an
H-number), and so are 13 when the year is written out ("01.01.1990 12345"). Masking whole
groups is what keeps look-alikes next to a number: the date and the "3" stay in
"Født 01.01.1990 01019012345 3 timer", and "konto 1234 5678 901 23" stays (no date). Check
digits are not checked: a mistyped number is still personal data, and a false positive costs a
masked number while a false negative leaks one.
Deliberately not masked: a number glued to more digits (12 or more in one group: account
numbers with a 12th digit, timestamps), commas between groups (lists: "0.99, 0.1, -0.1"),
numbers after "+" (international phone numbers such as +46 8 524 800 00), and encoded text:
callers mask after quoted-printable, base64 and HTML are decoded (a soft line break's "=" and
HTML tags are gaps too, but only as a fallback).
"""

from __future__ import annotations

import logging
import re

__all__ = ["MASK", "MaskingFilter", "looks_personal", "mask_personal_numbers"]

# invisible characters someone may paste inside a number: zero-width space/joiners, word joiner,
# BOM, soft hyphen, bidi marks; and U+FFFD, what an undecodable separator turns into
_ZW = "\ufffd\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069"
_SPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_DASH = "\\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SEP = f"[{_DASH}./\\\\_<>]"  # "<", ">": quoted lines joined into one ("> 010190 > 12345")
_BLANK = f"[{_SPACE}{_ZW}]"
# HTML tags and entities between the groups are gaps, and their own digits (<td width="2">, &#8203;) no group
_MARKUP = "<[^<>\\d\\s][^<>]{0,200}+>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});"
# one piece of what may stand between two digit groups of a number; every piece is bounded and
# possessive, so a run is found in one pass (no backtracking over the ways to read " \u200b ")
_PIECE = ("(?:"
          f"{_MARKUP}"  # first: "<" alone is a separator, "<br>" a tag
          f"|{_BLANK}{{1,40}}+"  # spaces, also no-break, thin and zero-width ones
          f"|{_SEP}"
          f"|(?:\\r\\n?|\\n)(?:{_BLANK}*+>)*+{_BLANK}*+"  # a line break and a quoted line's "> > "
          "|=(?=\\r?\\n)"  # a quoted-printable soft line break someone forgot to decode
          ")")
DIGIT_RUN = re.compile(rf"(?<!\d)\d++(?:{_PIECE}{{1,12}}+\d++)*+")
_GROUP = re.compile(rf"{_MARKUP}|(\d+)")  # a run's digit groups, skipping markup
_AFTER_PLUS = re.compile(rf"\+(?:{_BLANK}|{_SEP})?\Z")
MASK = "***********"
_DIGIT = re.compile(r"\d")


def looks_personal(digits: str) -> bool:
    """Whether these digits read as a personal number: 11 starting with a possible date, or 13
    with the year written out.

    looks_personal("01019012345") -> True; looks_personal("0101199012345") -> True;
    looks_personal("41019012345") -> True (a D-number); looks_personal("12345678901") -> False
    """
    if not digits.isascii():  # fullwidth or other Unicode digits: "０１０１９０１２３４５"
        digits = "".join(str(int(c)) for c in digits)
    if len(digits) == 13 and digits[4:6] in ("19", "20"):
        digits = digits[:4] + digits[6:]
    if len(digits) != 11:
        return False
    day, month = int(digits[:2]), int(digits[2:4])
    return (1 <= day <= 31 or 41 <= day <= 71) and (1 <= month <= 12 or 41 <= month <= 52)


def _spans(text: str):
    """(start, end) of each personal number in `text`, by start; spans may overlap.

    _spans("Født 01.01.1990 01019012345") -> [(16, 27)]
    """
    for run in DIGIT_RUN.finditer(text):
        if run.end() - run.start() < 11:  # too short to hold 11 digits: most runs, quickly
            continue
        groups = [g.span(1) for g in _GROUP.finditer(text, run.start(), run.end()) if g[1]]
        digits = "".join(text[a:b] for a, b in groups)
        ends, count = {}, 0  # how many digits the run has up to the end of group j -> j
        for j, (a, b) in enumerate(groups):
            count += b - a
            ends[count] = j
        # "+46 8 524 800 00": a phone number's country code starts no personal number
        first = 1 if _AFTER_PLUS.search(text, max(0, run.start() - 3), run.start()) else 0
        before = 0  # digits before group i
        for i, (a, b) in enumerate(groups):
            for size in (11, 13) if i >= first else ():
                j = ends.get(before + size)
                # 11 digits on their own are masked whatever they start with (also an FH-number,
                # 8 or 9 and no date); made of several groups, they must start with a date
                if j is not None and (j == i and size == 11 or looks_personal(digits[before:before + size])):
                    yield a, groups[j][1]
            before += b - a


def mask_personal_numbers(text: str) -> str:
    """'010190 12345 og 01.01.90–12345' -> '*********** og ***********'"""
    merged: list[list[int]] = []  # overlapping spans: [start, end, how many]
    for start, end in _spans(text):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += 1
        else:
            merged.append([start, end, 1])
    out, done = [], 0
    for start, end, count in merged:
        # one number becomes one mask; numbers that overlap (a table of small counts where any
        # 11 digits in a row may start with a date) lose their digits, never the text between
        whole = count == 1 or len(_DIGIT.findall(text, start, end)) <= 13  # one number read two ways
        out += [text[done:start], MASK if whole else _DIGIT.sub("*", text[start:end])]
        done = end
    return "".join(out) + text[done:]


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_numbers(record.getMessage())
        record.args = ()
        return True
