"""Personal numbers out of everything stored or logged.

A Norwegian fødselsnummer / D-number is 11 digits, written together or as 6+5 with a space,
dash or dot: mask_personal_numbers("fnr 010190 12345") -> "fnr ***********".
Deliberately broad: any 11-digit run is masked, checksum or not; a false positive costs a
masked number, a false negative leaks one.
"""

from __future__ import annotations

import logging
import re

PERSONAL_NUMBER = re.compile(r"(?<!\d)\d{6}[ \-.\u00a0]?\d{5}(?!\d)")
MASK = "***********"


def mask_personal_numbers(text: str) -> str:
    """'010190 12345 og 01019012345' -> '*********** og ***********'"""
    return PERSONAL_NUMBER.sub(MASK, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_numbers(record.getMessage())
        record.args = ()
        return True
