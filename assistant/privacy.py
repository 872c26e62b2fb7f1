"""Personal numbers out of everything stored or logged.

A Norwegian fødselsnummer (also a D- or H-number) is 11 digits: a birth date DDMMYY and a
5-digit individual number. People write it in many ways, and every one is masked:

    mask_personal_numbers("fnr 010190 12345")     -> "fnr ***********"
    "01019012345", "010190-12345", "010190–12345" (en dash), "010190 — 12345", "010190/12345",
    "010190.12345", "010190,12345", "010190: 12345", "(010190) 12345", "010190 * 12345", "01.01.90 12345", "0101 90 12345", "01-01-90-123 45", "01.01.1990 12345",
    "0101\\n90 12345", "> 010190\\n> 12345" (quoted lines), "01019<br>012345" (HTML),
    a non-breaking or thin space anywhere, a zero-width character anywhere inside,
    and next to other numbers: "01019012345 02029054321" -> "*********** ***********",
    "Født 01.01.1990 01019012345" -> "Født 01.01.1990 ***********".

The rule: digits joined into a run by short gaps (spaces, separators such as - . / , : ( ) < >,
line breaks with the quote markers after them, HTML tags and entities, invisible characters:
every format character, combining marks, variation selectors, blank fillers); within
a run, whole digit groups that add up to 11 digits are masked when they are one group or start
with a possible date (day 01-31, or 41-71 for a D-number; month 01-12, or 41-52 for an
H-number), and so are 13 when the year is written out ("01.01.1990 12345"). Masking whole
groups is what keeps look-alikes next to a number: the date and the "3" stay in
"Født 01.01.1990 01019012345 3 timer", and "konto 1234 5678 901 23" stays (no date). Check
digits are not checked (but for the letter shapes below): a mistyped number is still personal
data, and a false positive costs a masked number while a false negative leaks one.
Letters typed for digits are read as the digits they stand for, in words that mix digits and
those letters (O or o for 0, I or l for 1): "O1O19O12345", "0l0l90 l2345" and "O1.O1.9O 12345" are
masked. A word of letters alone is a word ("Phase III 2019-2023", "I'll", "OOOOOOOOOOO" stay), and a
capital O or I with two or three digits an ICD-10 code ("ICD-10 I61–I64), 2012–2022", "I210 2019
345" stay). Those groups of letters alone are read as digits too (not a Roman numeral, an ICD-10
code or an HTML tag's name), and look-alike letters at a group's end as letters glued to it, where
the 11 digits that come out are grouped as people write a number (010190 12345, 01 01 90 123 45,
0101 90 12345, ...: WRITTEN_SHAPES) and hold a fødselsnummer's control digits: "IO.IO.9O IOI17",
"15O385I2363l" and "l15O385I2363, 3 barn" are masked, while "Phase III 2014-2021", stage tables
("III\\t1769\\t7195"), register rows ("23.12.2015\\tO80\\t44") and "<ol><li>…" stay. Left as
written: a group typed as a Roman numeral ("24.II.74 00189") or as an ICD-10 code ("150385 I23
63"), letters glued to both ends of a number written in groups ("lI4023O-56462l"), more than
GLUED_LETTERS glued to one end, and a number typed that way whose control digits are mistyped too.
Deliberately not masked: a number glued to more digits (12 or more in one group: account
numbers with a 12th digit, timestamps), numbers after "+" (international phone numbers such as
+46 8 524 800 00), and encoded text: callers mask after quoted-printable, base64 and HTML are
decoded (a soft line break's "=" and HTML tags are gaps too, but only as a fallback). Norway's
"+47" glued to a number is read as the country code and what follows it, as "+47 " would be:
"+4715038512363" -> "+47***********", while "+4722248888" (a phone number: 8 digits) stays.
The five digits written apart from the date under their own name ("Fødselsdato: 150385
Personnummer: 12363", "f. 15. mars 1985, pnr. 12363", "1985-03-15 … Personnummeret mitt er 12363")
are masked where a date of birth stands within LABELLED_REACH, the date left: with it they are the
number ("Antall unike personnummer: 84692" and "personnummer: 84692 (2010-2012)" stay). Left as
written there: the five digits before their name, a date more than LABELLED_REACH away or in
another field (the subject), and a table whose columns put the name in its head row. A single
quote and ";" are separators as people write a number ("010190;12345"), so a CSV of single-quoted
or semicolon-separated figures may lose one. Left as written: digits split by "|", double quotes,
"…", "•", "+", "=", "#", "~" or an emoji (a table's cells, a CSV's fields: statistics, not a
number), superscript digits, encoded spaces ("=20", "%20"), and a date and five digits written
apart with no name for the five ("15. mars 1985 12363").

Where a masked string would have to tell people apart (a draft's file name, the key an e-mail is
remembered by), `keyed_token` gives a stand-in instead: an HMAC under the installation's own
secret (`secret_key`, data dir/privacy.key), since a plain hash of a personal number is undone by
trying the few million possible numbers.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import itertools
import logging
import os
import re
import tempfile
from pathlib import Path

from .errors import ConfigError
from .files import NO_LINKS

__all__ = ["MASK", "WRITTEN_SHAPES", "MaskingFilter", "check_digits_hold", "keyed_token", "looks_personal",
           "mask_personal_numbers", "secret_key", "without_number_names"]

# invisible characters someone may paste inside a number: every format character (Unicode's Cf:
# zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks such as the Arabic letter
# mark, tags; tests check the list against the running Python's Unicode data), combining marks
# and variation selectors (the grapheme joiner U+034F, an emoji's U+FE0F, Mongolian's U+180B), the
# fillers that show as blanks (Hangul U+3164, braille U+2800); NUL and the information separators
# U+001C-U+001F; and U+FFFD, what an undecodable separator turns into
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
           "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
           "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U00013439-\U0001343f")  # the last: Unicode 15
_MARKS = ("\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\ufe00-\ufe0f\U000e0100-\U000e01ef"
          "\u180b-\u180d\u180f")
_FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
_ZW = f"\x00\x1c-\x1f\ufffd{_FORMAT}{_MARKS}{_FILLERS}"
# spaces, and the breaks a line may end with besides \r and \n (vertical tab, form feed, NEL, U+2028, U+2029)
_SPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c\x85\u2028\u2029"
_DASH = "\\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
# "<", ">": quoted lines joined into one ("> 010190 > 12345"); "," ";" ":" brackets "*" "·" "'": a number
# written "010190,12345", "010190: 12345", "(010190) 12345"; the full stops, commas and slashes of
# other scripts ("010190。12345") (a list's numbers stay: only whole groups that add up to a personal
# number, starting with a date, are masked). Not "|", quotes or "…": they part a table's cells, a
# CSV's fields and a JSON list's strings, and statistics pasted into an e-mail ("| 2015 | 20 900 |
# 63,8 |", '"19.08.2022","30497"') would lose their figures
_SEP = f"[{_DASH}./\\\\_<>,;:()\\[\\]*\u00b7\u2219'\u2018\u2019\u2024\u2025\u2044\u2215\u3002\uff0c\uff0e\uff0f]"
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
# a word of digits and the letters people type for them ("O1O19O12345"): the letters are read as digits
_LOOK_ALIKE = re.compile(r"[0-9OoIl]++")  # one pass, no backtracking: its words are checked in _as_digits
_AS_DIGIT = str.maketrans("OoIl", "0011")
# the five digits after a date of birth, written apart under their own name ("Fødselsdato: 150385
# Personnummer: 12363", "f. 15. mars 1985, pnr. 12363"): with the date they are the number. The
# name, then what a form or a reply puts between ("Personnummer: \t \t 12363" from an HTML form's
# cells, its tags, "> Personnummer:\n> 12363", "personnummeret er 12363", "(5 siffer):"), then five digits
# of their own; masked only with a date of birth within LABELLED_REACH of the name, so that
# "Antall unike personnummer: 84692" and "Prosjektnr / P.nr: 20231" keep their figures
_LABELLED_FIVE = re.compile(
    r"\b(?:person(?:nummer(?:et)?|\s?nr)|pers\.?\s?nr|pnr|individ(?:nummer(?:et)?|\s?nr)|"
    r"personal\s+(?:identity\s+|id\s+)?number)\.?"
    r"(?:[\s>:=\-\u2013\u2014|,\"'\u00ab\u00bb]|<[^<>\d]{0,100}>|\([^()\d]{0,40}(?:5[^()\d]{0,40})?\)|"
    r"\b(?:5|fem|five)\s+(?:siste\s+|last\s+)?(?:siffer|sifre|digits)\b|\b(?:er|is|mitt|mi|min|hans|hennes|my)\b){0,16}+"
    r"(?<!\d)(\d{5})(?!\d)(?![.,]\d)", re.IGNORECASE)
# a count or another number's name before the name on its line: "Antall unike personnummer: 84692",
# "pasienter med gyldig personnr: 12363" are figures
_COUNTED = re.compile(r"\b(?:antall|antal|number\s+of|count|totalt?|unike|unique|gyldige?|ugyldige?|valid|invalid|uten|"
                      r"utan|without|mangl\w*|missing)\b[^\n]{0,60}$", re.IGNORECASE)
_MONTH = (r"(?:jan(?:uar|uary)?|feb(?:ruar|ruary)?|mar(?:s|ch)?|apr(?:il)?|mai|may|jun[ie]?|jul[iy]?|aug(?:ust)?|"
          r"sep(?:t|tember)?|o[ck]t(?:ober)?|nov(?:ember)?|de[sc](?:ember)?)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NO = r"(?:0?[1-9]|1[0-2])"
# a date of birth as people write one: "150385" alone, "15.03.85", "15.3.1985", "15. 03. 1985",
# "15/3/85", "1985-03-15", "15. mars 1985", "15-mar-1985", "15th March 1985", "March 15, 1985"
_BIRTH_DATE = re.compile(
    r"(?<![\d\-./])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d(?![\d])(?![\-./]\d)"
    rf"|(?<![\d\-./]){_DAY}([./\-]) ?{_MONTH_NO}\1 ?(?:(?:19|20)\d\d|\d\d)(?!\d)(?![\-./]\d)"
    rf"|(?<![\d\-./])(?:19|20)\d\d-{_MONTH_NO}-{_DAY}(?!\d)"
    rf"|(?<!\d){_DAY}(?:st|nd|rd|th)?\.?[\s\-]*{_MONTH}\.?,?[\s\-]*(?:'|-)?(?:(?:19|20)\d\d|\d\d)(?!\d)"
    rf"|\b{_MONTH}\.?\s+{_DAY}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d(?!\d)", re.IGNORECASE)
LABELLED_REACH = 200  # characters either side of the name in which its date of birth stands
_ICD = re.compile(r"[OI]\d{2,3}")  # an ICD-10 code, with or without its fourth character ("I21", "I210", "O80")
GLUED_REACH = 40  # characters either side of a group with glued letters: a written number is shorter
GLUED_MOST = 200  # groups with glued letters looked at in one text (an e-mail has a handful)
GLUED_LETTERS = 2  # letters at either end of a group that may be glued to it
KEY_FILE = "privacy.key"
KEY_BYTES = 32


# what a masked number is called when the asker gives their own: the name says nothing the question
# asks about ("Hva koster det for fnr ***********?" asks what "Hva koster det?" asks)
_NUMBER_NAME = re.compile(
    r"(?<!\w)(?:(?:mitt|mit|my|our|vårt|hennes|hans|his|her)\s+)?"
    r"(?:fnr|f\.nr|fødselsnr|fødselsnummer|fodselsnummer|fødselsnummeret|personnr|personnummer|personnummeret|pnr|"
    r"d-nummer|d-nr|(?:norwegian\s+)?(?:national|personal)\s+(?:id(?:entity|entification)?\s+)?number|"
    r"(?:national\s+)?id(?:entity)?\s+number|social\s+security\s+number|ssn)\.?"
    r"\s*(?:[:=]|\ber\b|\bis\b)?\s*(?=" + re.escape(MASK) + r")", re.IGNORECASE)


def without_number_names(text: str) -> str:
    """Masked text with the name of each masked number left out, for reading what is asked.

        without_number_names("Hva koster det for fnr ***********?") -> "Hva koster det for ***********?"
        without_number_names("My national ID number is ***********. How long?") -> "***********. How long?"
    """
    return _NUMBER_NAME.sub("", text) if MASK in text else text


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


# how a personal number is grouped when written (the date as 010190, 01 01 90, 0101 90, 01 0190 or
# 01 01 1990; the rest as 12345, 123 45 or 12 345), or one group of 11 or 13
_DATES = ((6,), (2, 2, 2), (4, 2), (2, 4), (2, 2, 4))
WRITTEN_SHAPES = frozenset({(11,), (13,)} | {d + r for d in _DATES for r in ((5,), (3, 2), (2, 3))})
_INVISIBLE = re.compile(f"[{_ZW}]+")


def _shape(text: str, groups: list[tuple[int, int]]) -> tuple[int, ...]:
    """How many digits each group holds as seen: groups split by invisible characters alone are one."""
    sizes = [groups[0][1] - groups[0][0]]
    for (_, end), (start, stop) in zip(groups, groups[1:]):
        if _INVISIBLE.fullmatch(text, end, start):
            sizes[-1] += stop - start
        else:
            sizes.append(stop - start)
    return tuple(sizes)


def _spans(text: str, strict: bool = False):
    """(start, end) of each personal number in `text`, by start; spans may overlap. `strict`: only
    numbers grouped as people write them (WRITTEN_SHAPES) whose control digits hold.

    _spans("Født 01.01.1990 01019012345") -> [(16, 27)]
    """
    for run in DIGIT_RUN.finditer(text):
        if run.end() - run.start() < 11:  # too short to hold 11 digits: most runs, quickly
            continue
        groups = [g.span(1) for g in _GROUP.finditer(text, run.start(), run.end()) if g[1]]
        # "+46 8 524 800 00": a phone number's country code starts no personal number
        first = 1 if _AFTER_PLUS.search(text, max(0, run.start() - 3), run.start()) else 0
        a, b = groups[0]
        if first and b - a > 2 and text.startswith("47", a):
            # "+4715038512363": Norway's code glued to what follows is read as "+47 15038512363"
            groups[0], first = (a + 2, b), 0
        digits = "".join(text[a:b] for a, b in groups)
        ends, count = {}, 0  # how many digits the run has up to the end of group j -> j
        for j, (a, b) in enumerate(groups):
            count += b - a
            ends[count] = j
        before = 0  # digits before group i
        for i, (a, b) in enumerate(groups):
            for size in (11, 13) if i >= first else ():
                j = ends.get(before + size)
                # 11 digits on their own are masked whatever they start with (also an FH-number,
                # 8 or 9 and no date); made of several groups, they must start with a date
                if j is None or not (j == i and size == 11 or looks_personal(digits[before:before + size])):
                    continue
                if not strict or (_shape(text, groups[i:j + 1]) in WRITTEN_SHAPES
                                  and check_digits_hold(digits[before:before + size])):
                    yield a, groups[j][1]
            before += b - a


def _as_digits(text: str) -> str:
    """`text` with the letters typed for digits read as digits, in words that mix both (never an
    ICD-10 code, and never a word of letters alone: "III", "I'll", "<ol>"); the same length, so a
    span in one is a span in the other.

    _as_digits("fnr O1O19O12345, Phase III, I21") -> "fnr 01019012345, Phase III, I21"
    """
    if not any(c in text for c in "OoIl"):
        return text
    return _reading(text, lambda word, a, b: word.isalpha() or bool(_ICD.fullmatch(word)) or _is_word(word, text, a, b))


def _reading(text: str, kept) -> str:
    """`text` with each word of digits and look-alike letters read as digits unless kept(word,
    start, end)."""
    def one(m: re.Match) -> str:
        word = m.group(0)
        return word if kept(word, m.start(), m.end()) else word.translate(_AS_DIGIT)

    return _LOOK_ALIKE.sub(one, text)


def check_digits_hold(digits: str) -> bool:
    """Whether 11 digits (13 with the year written out) end in the two control digits a
    fødselsnummer, D- or H-number is given (modulus 11, weights 3 7 6 1 8 9 4 5 2, then 5 4 3 2 7
    6 5 4 3 2).

        check_digits_hold("15038512363") -> True;  check_digits_hold("15038512364") -> False
    """
    if len(digits) == 13:
        digits = digits[:4] + digits[6:]
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    for weights, at in (((3, 7, 6, 1, 8, 9, 4, 5, 2), 9), ((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), 10)):
        control = (11 - sum(w * x for w, x in zip(weights, d)) % 11) % 11
        if control != d[at]:  # 10 is never a control digit
            return False
    return True


def _is_word(word: str, text: str, a: int, b: int) -> bool:
    """Whether a word of digits and look-alike letters at text[a:b] stays as written in every
    reading: digits alone, part of a longer word ("Oslo", "x1O1"), a Roman numeral ("I", "II",
    "III"), an ICD-10 code ("O80": "23.12.2015\\tO80\\t44", a date, a diagnosis and an age, is a row
    of register data), or an HTML tag's name ("<ol>")."""
    # (an invisible character inside a number splits no code off it: "I30\u200b676")
    code = _ICD.fullmatch(word) and not (_INVISIBLE.match(text, b) or a and _INVISIBLE.match(text, a - 1))
    return (word.isdigit() or (a and text[a - 1].isalpha()) or (b < len(text) and text[b].isalpha())
            or word in ("I", "II", "III") or bool(code) or _tag_name(word, text, a, b))


def _tag_name(word: str, text: str, a: int, b: int) -> bool:
    """Whether the letters at text[a:b] name an HTML tag: "<ol>", "</li>", "<ol class=…"."""
    return word.isalpha() and text.endswith(("<", "</"), 0, a) and text.startswith((">", " ", "/"), b)


def _every_reading(text: str) -> str:
    """`text` with every letter typed for a digit read as that digit, also in groups of letters
    alone (not in the words of _is_word); the same length as `text`.

        _every_reading("fnr O1.O1.OO OO11O, Phase III") -> "fnr 01.01.00 00110, Phase III"
    """
    return _reading(text, lambda word, a, b: _is_word(word, text, a, b))


def _glued_spans(text: str, every: str):
    """The numbers of `every` (`text` read by _every_reading) to which look-alike letters are glued
    ("15O385I2363l", "lI15O385I2363", "150385 I2363l, 3 timer"): for each group with letters
    before its first digit or after its last, up to GLUED_LETTERS of those at either end are kept
    letters, the rest of the text around it read as in `every`. Strict spans (see _spans), in
    `text`'s offsets; at most GLUED_MOST groups are looked at."""
    looked = 0
    for m in _LOOK_ALIKE.finditer(text):
        word, a, b = m.group(0), m.start(), m.end()
        if _is_word(word, text, a, b) or not (word[0].isalpha() or word[-1].isalpha()):
            continue
        if len(word) < 2:
            continue
        digits = [n for n, c in enumerate(word) if c.isdigit()]
        looked += 1
        if looked > GLUED_MOST:
            return
        # how many letters before its first digit and after its last (letters alone: "lO" before
        # "\u200b1O1OOOO11O" may be a letter glued to a 0)
        head, tail = (digits[0], len(word) - 1 - digits[-1]) if digits else (len(word) - 1, len(word) - 1)
        lo, hi = max(0, a - GLUED_REACH), min(len(text), b + GLUED_REACH)
        # the first k letters before it and the last n after it kept letters, the others read as
        # digits ("llo4423": "l" glued to "lo4423"), any k and n but none of either
        for k, n in itertools.product(range(min(head, GLUED_LETTERS) + 1), range(min(tail, GLUED_LETTERS) + 1)):
            if not k and not n or k + n >= len(word):
                continue
            window = every[lo:a] + text[a:a + k] + every[a + k:b - n] + text[b - n:b] + every[b:hi]
            for x, y in _spans(window, strict=True):
                # a number cut by the window's edge is no number
                if (x or not lo) and (y < len(window) or hi == len(text)) and _DIGIT.search(text, lo + x, lo + y):
                    yield lo + x, lo + y


def mask_personal_numbers(text: str) -> str:
    """'010190 12345 og 01.01.90–12345' -> '*********** og ***********'"""
    # the text as written, and read with letters for digits ("O1O19O12345"): a number either way
    # is masked (both, so a letter glued to a number written in digits, "01019012345l", never hides it)
    shadow = _as_digits(text)
    spans = set(_spans(text)) | set(_spans(shadow)) if shadow != text else set(_spans(text))
    every = shadow
    if _DIGIT.search(text) and any(c in text for c in "OoIl"):
        # the forms the reading above leaves as words, so that "Phase III 2019-2023" and "<ol>"
        # stay: a group of letters alone ("IO.IO.9O IOI17"), letters glued to a number
        # ("15O385I2363l"). Each masked only where it is grouped as a number is written, its
        # control digits hold and a digit is typed as one
        every = _every_reading(text)
        if every != shadow:
            spans |= {(a, b) for a, b in _spans(every, strict=True) if _DIGIT.search(text, a, b)}
        spans |= set(_glued_spans(text, every))
    spans |= set(_labelled_spans(text))
    spans = sorted(spans)
    merged: list[list[int]] = []  # overlapping spans: [start, end, how many]
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += 1
        else:
            merged.append([start, end, 1])
    out, done = [], 0
    for start, end, count in merged:
        # one number becomes one mask; numbers that overlap (a table of small counts where any
        # 11 digits in a row may start with a date) lose their digits, never the text between
        whole = count == 1 or len(_DIGIT.findall(every, start, end)) <= 13  # one number read two ways
        out += [text[done:start], MASK if whole else _DIGIT.sub("*", every[start:end])]
        done = end
    return "".join(out) + text[done:]


def _labelled_spans(text: str):
    """The five digits under their own name (_LABELLED_FIVE) with a date of birth near the name."""
    dates = None  # where the dates of birth end, found once for the whole text (a text may name many)
    for m in _LABELLED_FIVE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _COUNTED.search(text, max(line_start, m.start() - 80), m.start()):
            continue
        if dates is None:
            dates = [d.end() for d in _BIRTH_DATE.finditer(text)]
        near = bisect.bisect_left(dates, m.start() - LABELLED_REACH)
        if near < len(dates) and dates[near] <= m.end() + LABELLED_REACH:
            yield m.span(1)


def keyed_token(value: str, key: bytes) -> str:
    """A stand-in for `value` that names it without giving it away: HMAC-SHA256 under `key`, the
    first 32 hex digits. The same value and key give the same token, on every run.

    keyed_token("<15038512363@example.no>", key) -> "3f0c…" (32 hex digits), another for "<15038512444@…>"
    """
    return hmac.new(key, value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()[:32]


def _make_key(path: Path) -> None:
    """Writes a new key to `path` unless a key is already there; whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE}.")  # mode 0600 whatever the umask
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        # link, not replace: of two processes making it at once, the first one's key stays and
        # both read that one back (a replace could swap a key the other had started to use)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise
            if not os.path.lexists(path):  # no links on this file system: a checked rename
                os.rename(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def secret_key(data_dir: Path) -> bytes:
    """This installation's secret for keyed_token: data_dir/privacy.key, made once (32 random
    bytes, mode 0600) and read ever after. Raises ConfigError when it cannot be read or made.

    secret_key(Path(".assistant")) -> b"\x8e\x11…" (32 bytes), the same bytes on every call
    """
    path = Path(data_dir) / KEY_FILE
    where = mask_personal_numbers(str(path))  # as the messages show it
    try:
        if not os.path.lexists(path):
            _make_key(path)
        key = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"The privacy key {where} cannot be read or made ({exc.strerror}); make "
                          "ASSISTANT_DATA_DIR a folder you can write to.")
    if len(key) != KEY_BYTES:
        raise ConfigError(f"The privacy key {where} is damaged (not {KEY_BYTES} bytes); restore it from a backup "
                          "(with a new key, e-mails keyed by the old one are drafted again).")
    return key


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_numbers(record.getMessage())
        record.args = ()
        return True
