"""Personal numbers, however they are written, never reach an output or a store.

Literal cases first (every format in issue #14, and look-alikes that must stay), then
Hypothesis: valid fødselsnumre and D-numbers with real check digits, written in every format,
through `Assistant.ask` (the CLI's and the app's JSON), the drafter, the feedback store, the
staff export, the log filter and the CLI's JSON Lines mode.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import main as cli_main
from assistant.drafting import Drafter
from assistant.feedback import FeedbackStore
from assistant.index import new_build_id
from assistant.mail import read_mail
from assistant.privacy import MASK, MaskingFilter, mask_personal_numbers
from assistant.records import Answer
from assistant.settings import Settings
from conftest import REPO_ROOT

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("written", [
    "01019012345", "010190 12345", "010190-12345", "010190.12345", "010190\u00a012345",
    "010190–12345", "010190—12345", "010190 – 12345", "010190/12345", "01.01.90 12345",
    "0101 90 12345", "01/01/90-12345", "01-01-90 123 45", "01.01.1990 12345", "010190\n12345",
    "0101\u200b9012345", "01019\u200b012345", "010190\u202f12345", "41019012345",
])
def test_every_way_of_writing_the_number_is_masked(written):
    assert mask_personal_numbers(f"Fnr: {written}, takk.") == f"Fnr: {MASK}, takk."


@pytest.mark.parametrize("kept", [
    "+46 8 524 800 00", "Tlf. 22 45 50 00", "Pris per time NOK 1100,- eks. mva.", "org.nr. 974 707 152",
    "01.01.2024 - 31.12.2024", "Date: Tue, 3 Mar 2026 08:30:00 +0100", "konto 1234 5678 901 23",
    "010190123456", "30 dager, 60 dager", "2019 2020 2021",
])
def test_look_alikes_that_are_not_personal_numbers_stay(kept):
    assert mask_personal_numbers(kept) == kept



@settings(max_examples=300, deadline=None, database=None)
@given(now=st.integers(0, 4_102_444_800), token=st.text("0123456789abcdef", min_size=8, max_size=8))
def test_an_index_build_id_never_reads_as_a_personal_number(now, token):
    """A build's folder is named in log lines; masked, the path would lead nowhere (one in ten
    ids did: '20261127T205231-69782ac8')."""
    build = new_build_id(now, token)
    assert mask_personal_numbers(f"index store /data/index/builds/{build} is unusable") == \
        f"index store /data/index/builds/{build} is unusable"


# -- generated: valid numbers in every format ---------------------------------------------------

def check_digits(nine: str) -> str | None:
    """The two control digits of a fødselsnummer, or None when the first would be 10."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(int(d) * w for d, w in zip(nine, w1)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(int(d) * w for d, w in zip(nine + str(k1), w2)) % 11) % 11
    return None if k2 == 10 else f"{k1}{k2}"


@st.composite
def personal_numbers(draw) -> tuple[str, str]:
    """(the 11 digits, the number as someone wrote it in a sentence)."""
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2039, 12, 31)))
    d_number = draw(st.booleans())
    day = born.day + (40 if d_number else 0)  # a D-number adds 4 to the first digit
    date = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
    start = draw(st.integers(0, 999))
    # about one individual number in five has no valid control digits: take the next that has
    individual, control = next((f"{n % 1000:03d}", c) for n in range(start, start + 1000)
                               if (c := check_digits(date + f"{n % 1000:03d}")))
    digits = date + individual + control
    dd, mm, yy, rest = digits[:2], digits[2:4], digits[4:6], digits[6:]
    fmt = draw(st.sampled_from([
        digits, f"{dd}{mm}{yy} {rest}", f"{dd}{mm}{yy}-{rest}", f"{dd}{mm}{yy}.{rest}",
        f"{dd}{mm}{yy}\u00a0{rest}", f"{dd}{mm}{yy}–{rest}", f"{dd}{mm}{yy}—{rest}",
        f"{dd}{mm}{yy} – {rest}", f"{dd}{mm}{yy}/{rest}", f"{dd}.{mm}.{yy} {rest}",
        f"{dd}{mm} {yy} {rest}", f"{dd}/{mm}/{yy}-{rest}", f"{dd}-{mm}-{yy} {rest[:3]} {rest[3:]}",
        f"{dd}.{mm}.{born.year} {rest}", f"{dd}{mm}{yy}\n{rest}",
    ]))
    if draw(st.booleans()):  # a zero-width character somewhere inside
        at = draw(st.integers(1, len(fmt) - 1))
        fmt = fmt[:at] + draw(st.sampled_from(ZERO_WIDTH)) + fmt[at:]
    before = draw(st.sampled_from(["Fnr", "fødselsnummer:", "Mitt personnummer er", "D-nummer", "(", ""]))
    after = draw(st.sampled_from(["", ".", "?", ")", ", takk", " og jeg lurer på prisen."]))
    return digits, f"{before} {fmt}{after}".strip()


_INVISIBLE = re.compile("[\\s\u200b-\u200f\u2060\ufeff\u00ad.\\-–—/]")


def leaks(digits: str, written: str, blob: str) -> bool:
    """Whether the number survives in `blob`, also split by separators or invisible characters."""
    return written in blob or digits in _INVISIBLE.sub("", blob)


def some(n: int) -> settings:
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.large_base_example])


@some(150)
@given(number=personal_numbers())
def test_generated_numbers_never_survive_masking_or_the_log_filter(number):
    digits, written = number
    assert not leaks(digits, written, mask_personal_numbers(written))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("test_privacy.generated")
    logger.addHandler(handler)
    try:
        logger.warning("spørsmål: %s", written)
    finally:
        logger.removeHandler(handler)
    assert MASK in stream.getvalue() and not leaks(digits, written, stream.getvalue())


@pytest.fixture(scope="module")
def drafter(assistant):
    return Drafter(assistant)


@some(40)
@given(number=personal_numbers())
def test_generated_numbers_never_reach_answers_drafts_feedback_or_the_export(assistant, drafter, tmp_path_factory,
                                                                              number):
    digits, written = number
    answer = assistant.ask(f"Hva koster det? {written}")
    assert not leaks(digits, written, json.dumps(answer.to_dict(), ensure_ascii=False))

    mail = read_mail(f"From: Kari <k@x.no>\nSubject: Sak {written}\n\nHei!\nHva koster det?\n{written}\n"
                     f"Jeg lurer på om {written} er registrert.\nMvh Kari".encode())
    draft = drafter.draft(mail)
    assert not leaks(digits, written, draft.text + json.dumps(draft.to_dict(), ensure_ascii=False)
                     + draft.context + draft.subject)

    # the store masks on its own too: the app hands it answers, but nothing may rely on that
    store = FeedbackStore(tmp_path_factory.mktemp("fb") / "feedback.sqlite3")
    store.record(Answer(f"Er {written} registrert?", f"Svar om {written}", False), False, session="s", message=1)
    assert not leaks(digits, written, store.path.read_bytes().decode("utf-8", "replace"))
    assert not leaks(digits, written, json.dumps(store.cases(), ensure_ascii=False))


@some(1)
@given(numbers=st.lists(personal_numbers(), min_size=60, max_size=60))
def test_generated_numbers_never_reach_the_cli_json_or_the_staff_export(tmp_path_factory, numbers):
    data = tmp_path_factory.mktemp("privacy-cli")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    lines = [written.replace("\n", " ") for _, written in numbers]  # one question per line
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json"], cwd=REPO_ROOT, env=env,
                       input="\n".join(lines).encode() + b"\n", capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout.decode()
    assert len(out.splitlines()) == len(lines)
    for (digits, _), line in zip(numbers, lines):
        assert not leaks(digits, line, out)
        assert not leaks(digits, line, r.stderr.decode())

    store = FeedbackStore.for_settings(Settings.from_env().with_(data_dir=data))
    for i, (_, written) in enumerate(numbers):
        store.record(Answer(written, "svar", False), False, session="s", message=i)
    export = tmp_path_factory.mktemp("export") / "cases.jsonl"
    old = os.environ.get("ASSISTANT_DATA_DIR")
    os.environ["ASSISTANT_DATA_DIR"] = str(data)
    try:
        assert cli_main(["feedback-export", "--out", str(export)]) == 0
    finally:
        os.environ["ASSISTANT_DATA_DIR"] = old or ""
    text = export.read_text(encoding="utf-8")
    assert text.count(MASK) == len(numbers)
    for digits, written in numbers:
        assert not leaks(digits, written, text)
