"""Drafting a folder or an mbox (assistant/batch.py): never over an input or an edited draft,
names that cannot collide, every readable message drafted, nothing skipped in silence, and the
output folder checked before the model loads.

The batch logic is tested with a fake assistant (what is tested is which mail goes where); the
CLI tests run the real command. Where a test needs a file root cannot read or write, root's
override is dropped with setpriv (chmod alone does not bind root).
"""

from __future__ import annotations

import json
import mailbox
import os
import re
import shutil
import stat
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from assistant.batch import SUMMARY, draft_folder, prepare_batch, run_batch
from assistant.drafting import Drafter
from assistant.mail import MailError, read_path
from assistant.privacy import keyed_token, secret_key
from assistant.records import Answer
from conftest import REPO_ROOT

EMAILS = REPO_ROOT / "tests" / "emails"
NO_MODEL = {"ASSISTANT_EMBEDDING_MODEL": "/no/such/model"}  # loading the model would fail loudly


class EchoAssistant:
    """Answers every question with itself, so each draft shows which mail it came from."""

    def __init__(self):
        self.asked: list[str] = []

    def ask(self, question, context="", whole="", signed=""):
        self.asked.append(question)
        return Answer(question, f"svar på {question}", False)


def drafter() -> Drafter:
    return Drafter(EchoAssistant())


def mail(question: str) -> str:
    return f"Hei!\n{question}\nMvh Kari\n"


def run_cli(args, tmp_path, env_extra=None, unprivileged=False, timeout=300):
    cmd = [sys.executable, "-m", "assistant", *args]
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), **(env_extra or {})}
    return subprocess.run(as_unprivileged(cmd) if unprivileged else cmd, capture_output=True, env=env,
                          cwd=REPO_ROOT, timeout=timeout)


def as_unprivileged(cmd: list[str]) -> list[str]:
    """`cmd` without root's power to read and write past file modes."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("the tests run as root: they need setpriv (util-linux) to test file permissions")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", *cmd]


def one_line_error(r) -> str:
    err = r.stderr.decode().strip()
    assert r.returncode == 2, (r.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# -- no-overwrite and names that cannot collide ---------------------------------------------------

def test_same_stem_and_a_mail_called_summary_txt_each_get_their_own_draft(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "x.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    (src / "x.eml").write_text("From: Ola <o@x.no>\nSubject: Frister\n\n" + mail("Hvor lang tid tar det?"),
                               encoding="utf-8")
    (src / "summary.txt").write_text(mail("Hvem er databehandlingsansvarlig?"), encoding="utf-8")
    report = draft_folder(drafter(), src, out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".summary.txt.sha256", "summary.txt", "summary.txt.utkast.json", "summary.txt.utkast.txt",
        "x.eml.utkast.json", "x.eml.utkast.txt", "x.txt.utkast.json", "x.txt.utkast.txt"]
    assert "«Hva koster det?»" in (out / "x.txt.utkast.txt").read_text(encoding="utf-8")
    assert "«Hvor lang tid tar det?»" in (out / "x.eml.utkast.txt").read_text(encoding="utf-8")
    assert "«Hvem er databehandlingsansvarlig?»" in (out / "summary.txt.utkast.txt").read_text(encoding="utf-8")
    assert (out / SUMMARY).read_text(encoding="utf-8") == report.summary()
    assert report.summary().startswith("3 utkast, 0 e-post(er) som ikke kunne leses.")


def test_a_second_run_keeps_the_teams_edited_drafts_unless_overwrite(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    (src / "b.txt").write_text(mail("Hvor lang tid tar det?"), encoding="utf-8")
    draft_folder(drafter(), src, out)
    edited = out / "a.txt.utkast.txt"
    edited.write_text("Redigert av Kari – ikke rør.", encoding="utf-8")
    (out / "b.txt.utkast.txt").unlink()
    (out / "b.txt.utkast.json").unlink()

    again = EchoAssistant()
    report = draft_folder(Drafter(again), src, out)
    assert edited.read_text(encoding="utf-8") == "Redigert av Kari – ikke rør."
    assert again.asked == ["Hvor lang tid tar det?"]  # only the missing draft is made again
    assert report.kept == [("a.txt", "a.txt.utkast.txt")]
    summary = (out / SUMMARY).read_text(encoding="utf-8")
    assert "1 utkast fantes fra før og er beholdt (bruk --overwrite" in summary
    assert "a.txt: utkastet a.txt.utkast.txt fantes fra før — beholdt" in summary

    draft_folder(drafter(), src, out, overwrite=True)
    assert "«Hva koster det?»" in edited.read_text(encoding="utf-8")


def test_names_holding_personal_numbers_are_drafted_once_each_over_repeated_runs(tmp_path, _data_dir):
    """Masked, 'henvendelse 15038512363.eml' and 'henvendelse 15038512444.eml' had one name, told
    apart only by -2 in sorted order: a third e-mail sorting first then got no draft and was told
    someone else's draft was kept for it. Now each name carries its keyed token."""
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    asked = {"henvendelse 15038512363.eml": "Hva koster det?", "henvendelse 15038512444.eml": "Hvor lang tid tar det?"}
    for name, question in asked.items():
        (src / name).write_text("Subject: Spørsmål\n\n" + mail(question), encoding="utf-8")
    runs = []
    for new in ({}, {}, {"henvendelse 01019012345.eml": "Hvem er databehandlingsansvarlig?"}):  # sorts first
        for name, question in new.items():
            (src / name).write_text("Subject: Spørsmål\n\n" + mail(question), encoding="utf-8")
        asked |= new
        echo = EchoAssistant()
        runs.append((echo.asked, draft_folder(Drafter(echo), src, out)))
    key = secret_key(_data_dir)  # the key the batch used: the data dir's, made by the first run
    named = {name: f"henvendelse ***********.eml-{keyed_token(name, key)[:8]}.utkast.txt" for name in asked}
    assert len(set(named.values())) == 3
    assert sorted(runs[0][0]) == ["Hva koster det?", "Hvor lang tid tar det?"] and runs[1][0] == []
    assert runs[2][0] == ["Hvem er databehandlingsansvarlig?"]  # only the new one, once
    assert sorted(runs[2][1].kept) == sorted(("henvendelse ***********.eml", named[name]) for name in list(asked)[:2])
    for name, question in asked.items():  # every draft, kept or new, is its own e-mail's
        assert f"«{question}»" in (out / named[name]).read_text(encoding="utf-8"), name
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([".summary.txt.sha256", SUMMARY, *named.values(),
                            *(n.replace(".txt", ".json") for n in named.values())])
    assert not any(re.search(r"\d{11}", text) for text in [*files, (out / SUMMARY).read_text(encoding="utf-8")])
    # the CLI takes the same key from the data dir: nothing new to draft, so no model is loaded
    r = run_cli(["draft", str(src), "--out", str(out)], tmp_path, NO_MODEL)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert "3 existing draft(s) kept unchanged" in r.stderr.decode()


def test_drafts_are_never_written_into_the_input_folder_or_over_an_input(tmp_path):
    src = tmp_path / "inn"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    (src / SUMMARY).write_text(mail("Hvor lang tid tar det?"), encoding="utf-8")  # an e-mail, by its name
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    with pytest.raises(MailError, match="is the folder of the e-mails.*--out utkast/"):
        prepare_batch(src, src)
    with pytest.raises(MailError, match="summary.txt is one of the e-mails"):
        prepare_batch(src / SUMMARY, src)
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


def test_cli_refuses_out_equal_to_in_before_the_model_loads_and_keeps_the_mails(tmp_path):
    src = tmp_path / "inn"
    src.mkdir()
    for name in ("01_kvalitetsprosjekt.txt", "11_fra_navn.eml"):
        shutil.copy(EMAILS / name, src / name)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    err = one_line_error(run_cli(["draft", str(src), "--out", str(src)], tmp_path, NO_MODEL))
    assert "is the folder of the e-mails" in err and "ASSISTANT_EMBEDDING_MODEL" not in err
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


# -- one bad message, and the progress counter ----------------------------------------------------

def _mbox(path: Path, n: int, bad: int) -> Path:
    box = mailbox.mbox(str(path))
    for i in range(1, n + 1):
        msg = EmailMessage()
        msg["From"], msg["Subject"], msg["Message-ID"] = "Kari <k@x.no>", f"Sak {i}", f"<sak-{i}@example.no>"
        if i == bad:  # an attachment and nothing else
            msg.set_content(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="skjema.pdf")
        else:
            msg.set_content(mail(f"Hva koster sak nummer {i}?"))
        box.add(msg)
    box.close()
    return path


def test_one_attachment_only_message_does_not_lose_the_mbox(tmp_path):
    box = _mbox(tmp_path / "innboks.mbox", 21, bad=7)
    with pytest.raises(MailError, match=r"message 7 has no text or HTML part.*<sak-7@example.no>"):
        read_path(box)
    seen = []
    report = draft_folder(drafter(), box, tmp_path / "ut", lambda n, total, label: seen.append((n, total, label)))
    assert len(report.drafted) == 20 and [label for label, _ in report.failed] == ["innboks.mbox#7"]
    assert "<sak-7@example.no>" in report.failed[0][1]
    assert seen[0] == (1, 20, "innboks.mbox#1") and seen[-1] == (20, 20, "innboks.mbox#21")  # messages
    summary = (tmp_path / "ut" / SUMMARY).read_text(encoding="utf-8")
    assert summary.startswith("20 utkast, 1 e-post(er) som ikke kunne leses.")
    assert "innboks.mbox#7: kunne ikke leses — innboks.mbox message 7 has no text or HTML part" in summary
    assert (tmp_path / "ut" / "innboks.mbox-21.utkast.txt").exists()


# -- nothing skipped in silence ---------------------------------------------------------------------

def test_fifos_broken_links_and_subfolders_are_named_not_skipped_silently(tmp_path):
    src = tmp_path / "inn"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    os.mkfifo(src / "rør.txt")
    (src / "borte.eml").symlink_to(tmp_path / "finnes-ikke.eml")
    (src / "gamle").mkdir()
    (src / ".DS_Store").write_bytes(b"\x00\x01")  # hidden: ignored on purpose
    report = draft_folder(drafter(), src, tmp_path / "ut")
    assert [label for label, _ in report.drafted] == ["a.txt"]
    summary = (tmp_path / "ut" / SUMMARY).read_text(encoding="utf-8")
    assert "3 oppføring(er) hoppet over (ikke e-postfiler)." in summary
    assert "borte.eml: hoppet over — en brutt lenke" in summary
    assert "gamle: hoppet over — en undermappe" in summary
    assert "rør.txt: hoppet over — ikke en vanlig fil (FIFO" in summary
    assert ".DS_Store" not in summary


def test_a_fifo_given_as_the_mail_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "rør.eml")
    err = one_line_error(run_cli(["draft", str(tmp_path / "rør.eml")], tmp_path, NO_MODEL, timeout=60))
    assert "is not a regular file" in err


# -- checked before the model loads -----------------------------------------------------------------

def test_read_only_out_is_one_line_before_the_model_loads(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    out.mkdir()
    for name in ("01_kvalitetsprosjekt.txt", "02_english.txt", "03_nynorsk.txt"):
        shutil.copy(EMAILS / name, src / name)
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        r = run_cli(["draft", str(src), "--out", str(out)], tmp_path, NO_MODEL, unprivileged=True)
    finally:
        out.chmod(stat.S_IRWXU)
    err = one_line_error(r)
    assert f"Cannot write drafts to {out}" in err and "writable --out" in err
    assert "ASSISTANT_EMBEDDING_MODEL" not in err and "[1/" not in err  # nothing drafted first
    assert list(out.iterdir()) == []


def test_unreadable_input_folder_is_one_line(tmp_path):
    src = tmp_path / "inn"
    src.mkdir()
    shutil.copy(EMAILS / "01_kvalitetsprosjekt.txt", src)
    src.chmod(0)
    try:
        r = run_cli(["draft", str(src), "--out", str(tmp_path / "ut")], tmp_path, NO_MODEL, unprivileged=True)
    finally:
        src.chmod(stat.S_IRWXU)
    err = one_line_error(r)
    assert f"The folder {src} cannot be read (Permission denied)" in err and "chmod" in err


def test_cli_second_run_keeps_drafts_and_says_how_to_redo_them(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    shutil.copy(EMAILS / "05_svar_i_traad.txt", src)
    first = run_cli(["draft", str(src), "--out", str(out)], tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    draft = out / "05_svar_i_traad.txt.utkast.txt"
    assert draft.read_text(encoding="utf-8").startswith("Hei Mona!")
    draft.write_text("Hei Mona! (redigert)", encoding="utf-8")
    second = run_cli(["draft", str(src), "--out", str(out)], tmp_path, NO_MODEL)  # nothing to draft: no model
    assert second.returncode == 0, second.stderr[-2000:]
    assert "1 existing draft(s) kept unchanged; pass --overwrite" in second.stderr.decode()
    assert draft.read_text(encoding="utf-8") == "Hei Mona! (redigert)"
    assert json.loads((out / "05_svar_i_traad.txt.utkast.json").read_text(encoding="utf-8"))["questions"]


def test_run_batch_needs_no_drafter_when_everything_is_kept(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    draft_folder(drafter(), src, out)
    batch = prepare_batch(src, out)
    assert batch.jobs == [] and run_batch(None, batch).kept == [("a.txt", "a.txt.utkast.txt")]


# -- summary.txt, a file's own folder, file modes (tester's report) ---------------------------------

def test_a_summary_txt_the_drafter_did_not_write_is_kept_and_the_summary_goes_beside_it(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    out.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    notes = out / SUMMARY
    notes.write_text("Kari sine notater\n", encoding="utf-8")
    report = draft_folder(drafter(), src, out)
    assert notes.read_text(encoding="utf-8") == "Kari sine notater\n"
    assert report.summary_file == "summary-2.txt"
    assert (out / "summary-2.txt").read_text(encoding="utf-8") == report.summary()
    # the next run, --overwrite or not, replaces its own summary-2.txt and still keeps the notes
    for overwrite in (False, True):
        again = draft_folder(drafter(), src, out, overwrite=overwrite)
        assert again.summary_file == "summary-2.txt" and not (out / "summary-3.txt").exists()
        assert notes.read_text(encoding="utf-8") == "Kari sine notater\n"
    # a summary the drafter wrote is replaced in place, as before
    fresh = tmp_path / "ut2"
    draft_folder(drafter(), src, fresh)
    assert draft_folder(drafter(), src, fresh).summary_file == SUMMARY and not (fresh / "summary-2.txt").exists()


def test_a_summary_txt_link_is_never_written_through(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    out.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    target = tmp_path / "viktig.txt"
    target.write_text("3 utkast, 0 e-post(er) som ikke kunne leses.\nmen ikke vår\n", encoding="utf-8")
    (out / SUMMARY).symlink_to(target)
    assert draft_folder(drafter(), src, out).summary_file == "summary-2.txt"
    assert target.read_text(encoding="utf-8") == "3 utkast, 0 e-post(er) som ikke kunne leses.\nmen ikke vår\n"
    assert (out / SUMMARY).is_symlink()


def test_cli_says_where_the_summary_went_when_summary_txt_is_someone_elses(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    draft_folder(drafter(), src, out)  # the draft exists, so the CLI has nothing to draft: no model
    (out / SUMMARY).write_text("notater\n", encoding="utf-8")
    r = run_cli(["draft", str(src), "--out", str(out)], tmp_path, NO_MODEL)
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert f"{out / SUMMARY} is not a summary the drafter wrote unchanged (or one from before it kept their " \
           "SHA-256), so it is kept; this run's summary is summary-2.txt. Delete it to have summaries written " \
           "there again." in err and f"Drafts and summary-2.txt written to {out}" in err
    assert (out / SUMMARY).read_text(encoding="utf-8") == "notater\n"
    assert (out / "summary-2.txt").read_text(encoding="utf-8").startswith("0 utkast, 0 e-post(er)")


def test_a_file_with_out_its_own_folder_is_refused_like_a_folder(tmp_path):
    src = tmp_path / "inn"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    (src / "b.eml").write_text("Subject: x\n\n" + mail("Hvor lang tid tar det?"), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    with pytest.raises(MailError, match="is the folder of the e-mails.*--out utkast/"):
        prepare_batch(src / "a.txt", src)
    with pytest.raises(MailError, match="is the folder of the e-mails"):
        prepare_batch(tmp_path / "inn" / ".." / "inn" / "a.txt", tmp_path / "inn" / ".")
    link = tmp_path / "lenke.txt"  # a link to an e-mail, with --out the folder the e-mail is in
    link.symlink_to(src / "a.txt")
    with pytest.raises(MailError, match="is the folder of the e-mails"):
        prepare_batch(link, src)
    err = one_line_error(run_cli(["draft", str(src / "a.txt"), "--out", str(src)], tmp_path, NO_MODEL))
    assert "is the folder of the e-mails" in err and "ASSISTANT_EMBEDDING_MODEL" not in err
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
    assert prepare_batch(src / "a.txt", tmp_path / "ut").jobs  # another folder is fine


def test_drafts_and_summary_get_the_umasks_mode_with_or_without_overwrite(tmp_path):
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    old = os.umask(0o022)
    try:
        draft_folder(drafter(), src, out)
        first = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
        draft_folder(drafter(), src, out, overwrite=True)
        second = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    finally:
        os.umask(old)
    assert first == second == {"a.txt.utkast.txt": 0o644, "a.txt.utkast.json": 0o644, SUMMARY: 0o644,
                               ".summary.txt.sha256": 0o644}


# -- lone surrogates, the team's notes, a full disk (reviewer's report) ----------------------------

def test_a_file_name_that_is_not_utf8_and_a_broken_sender_name_are_drafted_with_a_summary(tmp_path):
    """b"k_\\xff\\xfe …" is "k_\\udcff\\udcfe …" to Python, and "=?utf-8?b?7aCA?=" decodes to
    "\\udced\\udca0\\udc80": both reached the summary, the draft's greeting and its name, and
    writing them as UTF-8 ended the run in a traceback with no summary, on every rerun."""
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (Path(os.fsdecode(os.path.join(os.fsencode(src), b"k_\xff\xfe latin1 navn.eml")))
     .write_text("From: a@b.no\nSubject: x\n\nHva koster det?\n", encoding="utf-8"))
    (src / "u.eml").write_text("From: =?utf-8?b?7aCA?= <a@b.no>\nSubject: =?utf-8?b?7aCA?=\n\nHva koster det?\n",
                               encoding="utf-8")
    report = draft_folder(drafter(), src, out)
    summary = (out / SUMMARY).read_text(encoding="utf-8")
    assert summary.startswith("2 utkast, 0 e-post(er) som ikke kunne leses.")
    assert "k_\ufffd\ufffd latin1 navn.eml: 1 spørsmål" in summary and "u.eml: 1 spørsmål" in summary
    assert (out / "u.eml.utkast.txt").read_text(encoding="utf-8").startswith("Hei!\n")  # no "Hei ���!"
    assert report.drafted[1][1].name == ""
    named = [p.name for p in out.iterdir() if p.name.startswith("k_")]
    assert len(named) == 2 and all(n.startswith("k_\ufffd\ufffd latin1 navn.eml-") for n in named)
    # the next run keeps both drafts and says so (the CLI prints the same labels: no model needed)
    r = run_cli(["draft", str(src), "--out", str(out)], tmp_path, NO_MODEL)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr.decode()[-2000:]
    assert "k_\ufffd\ufffd latin1 navn.eml: utkastet k_\ufffd\ufffd latin1 navn.eml-" in r.stdout.decode()


def test_a_summary_with_the_teams_notes_added_is_kept_and_the_next_goes_beside_it(tmp_path):
    """Only its first line was checked: notes added under a summary were replaced by the next run."""
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    draft_folder(drafter(), src, out)
    notes = (out / SUMMARY).read_text(encoding="utf-8") + "NOTATER FRA TEAMET: Kari tar a.txt. IKKE SLETT.\n"
    (out / SUMMARY).write_text(notes, encoding="utf-8")
    (src / "b.txt").write_text(mail("Hvor lang tid tar det?"), encoding="utf-8")
    report = draft_folder(drafter(), src, out)
    assert (out / SUMMARY).read_text(encoding="utf-8") == notes
    assert report.summary_file == "summary-2.txt"
    assert (out / "summary-2.txt").read_text(encoding="utf-8") == report.summary()
    # its own summary, unchanged, is still replaced in place (and so is summary-2.txt)
    assert draft_folder(drafter(), src, out).summary_file == "summary-2.txt"
    assert not (out / "summary-3.txt").exists()
    # a summary deleted by hand leaves its digest behind; the next summary takes the name again
    (out / "summary-2.txt").unlink()
    assert draft_folder(drafter(), src, out).summary_file == "summary-2.txt"
    digest = (out / ".summary-2.txt.sha256").read_text(encoding="ascii")
    assert re.fullmatch(r"[0-9a-f]{64}  summary-2\.txt\n", digest)


def test_a_summary_from_before_the_digests_is_kept_and_the_next_goes_beside_it(tmp_path):
    """An earlier version kept no digest: no reading of a summary's lines told it from one the team
    edited (three reviews found notes written as items, changed states and deleted blocks that such
    a reading would have replaced), so it is kept, and the command says how to have it replaced."""
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    draft_folder(drafter(), src, out)
    earlier = (out / SUMMARY).read_text(encoding="utf-8")
    (out / ".summary.txt.sha256").unlink()  # as an earlier version left it
    assert draft_folder(drafter(), src, out).summary_file == "summary-2.txt"
    assert (out / SUMMARY).read_text(encoding="utf-8") == earlier
    (out / SUMMARY).unlink()  # what the command's message says to do
    assert draft_folder(drafter(), src, out).summary_file == SUMMARY


def test_a_full_disk_leaves_no_half_draft_pair_and_the_next_run_drafts_it(tmp_path, monkeypatch):
    """m12.eml.utkast.txt was written without its .json when the disk filled, and every later run
    kept the half pair ("fantes fra før — beholdt"): now both go to temporary files first."""
    import errno

    from assistant import files

    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    for n in (1, 2, 3):
        (src / f"m{n}.txt").write_text(mail(f"Hva koster det? ({n})"), encoding="utf-8")
    fill, written = files._fill, []

    def full_disk(fd, text, mode):  # the disk fills while m2's .json is written
        if len(written) == 3:
            os.close(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(text)
        fill(fd, text, mode)

    monkeypatch.setattr(files, "_fill", full_disk)
    with pytest.raises(OSError, match="No space left"):
        draft_folder(drafter(), src, out)
    assert sorted(os.listdir(out)) == ["m1.txt.utkast.json", "m1.txt.utkast.txt"]  # no m2 half, no temporary
    monkeypatch.setattr(files, "_fill", fill)
    report = draft_folder(drafter(), src, out)
    assert [label for label, _ in report.drafted] == ["m2.txt", "m3.txt"] and report.kept == [("m1.txt", "m1.txt.utkast.txt")]
    assert json.loads((out / "m2.txt.utkast.json").read_text(encoding="utf-8"))["questions"]


def test_undoing_a_pair_never_deletes_what_another_writer_put_under_its_first_name(tmp_path, monkeypatch):
    """write_files gives the .txt its name, finds the .json's taken and takes the .txt back: only
    while the name still holds what it wrote. Another run (with --overwrite) or an editor may have
    saved over it in between (an independent review: another run's draft was deleted)."""
    from assistant import files

    txt, js = tmp_path / "x.utkast.txt", tmp_path / "x.utkast.json"
    js.write_text("someone's json", encoding="utf-8")
    place = files._place

    def raced(tmp, path, overwrite):
        if path == js:  # between the two names: another writer replaces the .txt
            other = tmp_path / "other"
            other.write_text("B txt", encoding="utf-8")
            os.replace(other, txt)
        place(tmp, path, overwrite)

    monkeypatch.setattr(files, "_place", raced)
    with pytest.raises(FileExistsError):
        files.write_files([(txt, "A txt"), (js, "A json")])
    assert txt.read_text(encoding="utf-8") == "B txt" and js.read_text(encoding="utf-8") == "someone's json"
    assert sorted(os.listdir(tmp_path)) == ["x.utkast.json", "x.utkast.txt"]  # no temporary left
    # the name gone in between: the FileExistsError stands, not a FileNotFoundError
    js2 = tmp_path / "y.utkast.json"
    js2.write_text("taken", encoding="utf-8")

    def vanished(tmp, path, overwrite):
        if path == js2:
            (tmp_path / "y.utkast.txt").unlink()
        place(tmp, path, overwrite)

    monkeypatch.setattr(files, "_place", vanished)
    with pytest.raises(FileExistsError):
        files.write_files([(tmp_path / "y.utkast.txt", "A"), (js2, "A json")])
    # with overwrite, a folder under a name fails before any name is given
    monkeypatch.setattr(files, "_place", place)
    (tmp_path / "z.utkast.json").mkdir()
    with pytest.raises(IsADirectoryError):
        files.write_files([(tmp_path / "z.utkast.txt", "new"), (tmp_path / "z.utkast.json", "{}")], overwrite=True)
    assert not (tmp_path / "z.utkast.txt").exists()


def test_a_draft_whose_json_name_is_taken_while_drafting_is_listed_by_the_file_that_is_there(tmp_path):
    """The .txt was taken back when the .json's name turned out taken, yet the summary named the
    .txt as kept (a fifth review): it names the file that is there."""
    src, out = tmp_path / "inn", tmp_path / "ut"
    src.mkdir()
    (src / "a.txt").write_text(mail("Hva koster det?"), encoding="utf-8")
    d = drafter()
    draft = d.draft

    def racing(m):  # someone else writes the .json while this run drafts
        out.mkdir(exist_ok=True)
        (out / "a.txt.utkast.json").write_text("someone's", encoding="utf-8")
        return draft(m)

    d.draft = racing
    report = draft_folder(d, src, out)
    assert report.kept == [("a.txt", "a.txt.utkast.json")] and not (out / "a.txt.utkast.txt").exists()
    assert "a.txt: utkastet a.txt.utkast.json fantes fra før — beholdt" in (out / SUMMARY).read_text(encoding="utf-8")
