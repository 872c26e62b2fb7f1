"""Personal numbers out of everything stored or logged.

A Norwegian fødselsnummer (also a D- or H-number) is 11 digits: a birth date DDMMYY and a
5-digit individual number. People write it in many ways, and every one is masked:

    mask_personal_numbers("fnr 010190 12345")     -> "fnr ***********"
    "01019012345", "010190-12345", "010190–12345" (en dash), "010190 — 12345", "010190/12345",
    "010190.12345", "01.01.90 12345", "0101 90 12345", "01-01-90-123 45", "01.01.1990 12345",
    a non-breaking or thin space anywhere, a zero-width character anywhere inside.

The rule: 11 digits in a row where any two neighbours are apart by at most one separator
(space, dash of any kind, dot, slash; a space either side of it) plus invisible characters, and
the date and the individual number by up to five characters (" – ", a line break). Check digits are not checked: a mistyped
number is still personal data, and a false positive costs a masked number while a false
negative leaks one. Deliberately not masked: longer digit runs (account numbers with a 12th
digit, timestamps) and numbers after "+" (international phone numbers such as +46 8 524 800 00).
"""

from __future__ import annotations

import logging
import re

# invisible characters someone may paste inside a number: zero-width space/joiners, word joiner,
# BOM, soft hyphen, bidi marks; and U+FFFD, what an undecodable separator turns into
_ZW = "\ufffd\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069"
_SPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_DASH = "\\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SEP = f"[{_SPACE}{_DASH}./\\\\_]"
_Z = f"[{_ZW}]*"
_HSPACE = f"(?:[{_SPACE}]{_Z})?"
# between two digits: at most one visible separator, a space either side of it allowed ("01 .01":
# Assistant.ask turns an invisible character into a space before masking)
# atomic: " \u200b " has several readings, and trying them all is exponential over 11 digits
_GAP = f"(?>{_Z}{_HSPACE}(?:{_SEP}{_Z})?{_HSPACE})"
_BLANK = f"(?:[{_SPACE}\\r\\n]{_Z})"
_MID = f"(?>{_Z}{_BLANK}{{0,2}}(?:{_SEP}{_Z})?{_BLANK}{{0,2}})"  # between date and individual number: " – "


def _digits(n: int) -> str:
    return _GAP.join([r"\d"] * n)


_START = rf"(?<![\d+])(?<![\d+]{_SEP})"
_END = rf"(?!{_GAP}\d)"
PERSONAL_NUMBER = re.compile(
    _START + "(?:"
    + _digits(6) + _MID + _digits(5)  # 010190 12345, 01.01.90 12345, 0101 90 12345 ...
    + "|" + _digits(4) + _GAP + f"(?:1{_GAP}9|2{_GAP}0)" + _GAP + _digits(2)
    + _MID + _digits(5)  # 01.01.1990 12345: the year written out
    + ")" + _END)
MASK = "***********"


def mask_personal_numbers(text: str) -> str:
    """'010190 12345 og 01.01.90–12345' -> '*********** og ***********'"""
    return PERSONAL_NUMBER.sub(MASK, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_numbers(record.getMessage())
        record.args = ()
        return True
