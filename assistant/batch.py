"""A folder or an mbox of e-mails -> one reply draft per message on disk, plus summary.txt.

    batch = prepare_batch(Path("innboks"), Path("utkast"))   # reads and checks everything; no model yet
    report = run_batch(Drafter(Assistant()), batch, progress)  # drafts and writes
    report.summary() -> "3 utkast, 1 e-post(er) som ikke kunne leses. ..."

Guarantees, each tested in tests/test_batch.py:
- nothing is ever written over an input, and an existing draft (which the team may have
  edited) is kept unless `overwrite`; it is listed in the summary instead;
- --out is never the folder the e-mails are in (a folder given, or a file's own folder): the
  drafts would be read as e-mails next time;
- summary.txt is replaced only when it is exactly a summary the drafter wrote: the drafter keeps
  the SHA-256 of each summary beside it (.summary.txt.sha256), and a file that does not match it
  (the team's notes, a summary with a line added) is kept, with or without `overwrite`, and the
  summary goes to summary-2.txt (-3, …) instead, as for one written before the digests (delete it
  to have summaries written there again);
- every file is written whole or not at all, a draft's .txt and .json both or neither (files.write_files:
  a full disk leaves no half pair for later runs to keep; with `overwrite`, a rename refused
  between the two would leave the new .txt beside the old .json), with the umask's mode;
- draft names cannot collide: `<file name>.utkast.txt` / `.json` (`box.mbox-3.utkast.txt` for
  message 3 of an mbox), with `-2`, `-3` added when two inputs would still share one, and
  summary.txt, which no draft name can take;
- a name holding a personal number is masked and gets a token of the whole name instead
  (`sak 15038512363.eml` -> `sak ***********.eml-1f0a93c2.utkast.txt`, privacy.keyed_token under
  the data dir's privacy.key): masked names alone would make every such e-mail one, so that a
  later run kept someone else's draft for it; the token is the same on every run, and differs
  between numbers; so does a name with bytes that are not UTF-8, shown with U+FFFD for them
  (text.shown, as every name and path in a label, the summary or a message);
- every readable message is drafted: an unreadable file or mbox message, a FIFO, a broken link
  or a sub-folder is named in the summary, never skipped in silence;
- the output folder is checked for writing, and every input read, before the model loads.
Deliberately left out: sub-folders (not read recursively) and hidden files (ignored, e.g. .DS_Store).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .drafting import Draft, Drafter
from .errors import MailError
from .files import write_files
from .mail import Mail, read_path
from .privacy import keyed_token, mask_personal_numbers, secret_key
from .text import shown

__all__ = ["Batch", "FolderReport", "mail_files", "prepare_batch", "run_batch", "draft_folder", "summary_path",
           "SUMMARY"]

SUMMARY = "summary.txt"
SUFFIX = ".utkast"  # every draft is <name>.utkast.txt / .json, so none can be called summary.txt


@dataclass
class FolderReport:
    drafted: list[tuple[str, Draft]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file or message, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why): not an e-mail file
    kept: list[tuple[str, str]] = field(default_factory=list)  # (label, draft file) left as it was
    summary_file: str = SUMMARY  # where run_batch wrote the summary (summary-2.txt beside someone's summary.txt)

    def summary(self) -> str:
        """What needs manual work, one block per e-mail; readable by the support team."""
        lines = [f"{len(self.drafted)} utkast, {len(self.failed)} e-post(er) som ikke kunne leses."]
        if self.kept:
            lines.append(f"{len(self.kept)} utkast fantes fra før og er beholdt (bruk --overwrite for å lage dem på nytt).")
        if self.skipped:
            lines.append(f"{len(self.skipped)} oppføring(er) hoppet over (ikke e-postfiler).")
        lines.append("")
        for label, draft in self.drafted:
            manual = draft.manual
            state = "må sjekkes manuelt" if manual or not draft.items else "klar til gjennomlesing"
            lines.append(f"{label}: {len(draft.items)} spørsmål, {len(manual)} ubesvart — {state}")
            lines += [f"    - {q}" for q in manual]
            if not draft.items:
                lines.append("    - fant ingen spørsmål")
        lines += [f"{name}: kunne ikke leses — {why}" for name, why in self.failed]
        lines += [f"{name}: hoppet over — {why}" for name, why in self.skipped]
        lines += [f"{label}: utkastet {name} fantes fra før — beholdt" for label, name in self.kept]
        return mask_personal_numbers("\n".join(lines) + "\n")


@dataclass
class Batch:
    """Everything read and checked before the model loads: what to draft and where."""

    out_dir: Path
    jobs: list[tuple[str, Mail, str]]  # (label, mail, file stem: <stem>.utkast.txt / .json)
    report: FolderReport
    inputs: set[tuple[int, int]]  # (device, inode) of every input file: never written to
    overwrite: bool = False


def mail_files(path: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """(the e-mail files in a folder, sorted, or the one file given; what was skipped and why).

    Hidden files are ignored; FIFOs, sockets, broken links and sub-folders are skipped and named.
    """
    path = Path(path)
    if not path.is_dir():
        return [path], []
    try:
        entries = sorted(path.iterdir())
    except OSError as exc:
        raise MailError(f"The folder {shown(path)} cannot be read ({exc.strerror}); make it readable "
                        "(chmod u+rx) or give another folder.")
    files, skipped = [], []
    for p in entries:
        if p.name.startswith("."):
            continue
        if p.is_file():
            files.append(p)
        elif p.is_symlink() and not p.exists():
            skipped.append((shown(p.name), "en brutt lenke (filen den peker på finnes ikke)"))
        elif p.is_dir():
            skipped.append((shown(p.name), "en undermappe (undermapper leses ikke; gi den som egen mappe)"))
        else:
            skipped.append((shown(p.name), "ikke en vanlig fil (FIFO, socket eller enhet)"))
    return files, skipped


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise MailError(f"Cannot write drafts to {shown(out_dir)} ({exc.strerror}); give a writable --out folder.")


def draft_paths(out_dir: Path, stem: str) -> tuple[Path, Path]:
    """out_dir/'x.eml' -> (out_dir/x.eml.utkast.txt, out_dir/x.eml.utkast.json)"""
    return out_dir / f"{stem}{SUFFIX}.txt", out_dir / f"{stem}{SUFFIX}.json"


def _file_stem(label: str, key: bytes | None) -> str:
    """'box.mbox#3' -> 'box.mbox-3'; a name as text.shown shows it, with its keyed token (8 hex digits)
    where that changed it: 'sak 15038512363.eml' -> 'sak ***********.eml-1f0a93c2'"""
    masked = shown(label)
    stem = masked.replace("#", "-").replace(os.sep, "_")
    return stem if masked == label else f"{stem}-{keyed_token(label, key)[:8]}"


def prepare_batch(source: Path, out_dir: Path, overwrite: bool = False, key: bytes | None = None) -> Batch:
    """Reads every input and checks the output folder; raises MailError before any work.

    Refused: a source that does not exist or holds no e-mail files, a summary.txt that is one
    of the inputs, an --out that is the folder the e-mails are in (the source folder, or a
    file's own folder: the drafts would be read as e-mails next time), and an --out that
    cannot be written. `key` is the secret for draft names holding a personal number
    (privacy.secret_key); None reads it, when a name holds one, from Settings.from_env()'s data dir.
    """
    source, out_dir = Path(source), Path(out_dir)
    if not source.exists():
        raise MailError(f"{shown(source)} does not exist; give a .txt, .eml or .mbox file or a folder of them.")
    files, skipped = mail_files(source)
    if not files:
        raise MailError(f"{shown(source)} holds no e-mail files; put .txt, .eml or .mbox files in it.")
    # a file's folder is the one its name is in, and the one a link to it points into
    folders = {source.resolve()} if source.is_dir() else {source.absolute().parent.resolve(), source.resolve().parent}
    own_folder = MailError(f"--out {shown(out_dir)} is the folder of the e-mails: the drafts would be read as "
                           "e-mails next time. Give another folder, e.g. --out utkast/.")
    if source.is_dir() and out_dir.resolve() in folders:
        raise own_folder
    inputs = {i for i in map(_identity, files) if i}
    summary_id = _identity(out_dir / SUMMARY)
    if summary_id and summary_id in inputs:  # said before a file's own folder: it is the worse of the two
        raise MailError(f"{shown(out_dir / SUMMARY)} is one of the e-mails to draft and would be overwritten by "
                        "the summary; give another --out folder.")
    if out_dir.resolve() in folders:
        raise own_folder
    _check_writable(out_dir)
    report = FolderReport(skipped=skipped)
    jobs, taken = [], set()
    for path in files:
        unread: list[tuple[str, str]] = []  # (label, why) of an mbox's messages that cannot be read
        try:
            mails = read_path(path, unread)
        except MailError as exc:
            mails, unread = [], [(path.name, str(exc))]
        report.failed += [(shown(label), why) for label, why in unread]
        for label, mail in mails:
            if key is None and shown(label) != label:  # read only when a name needs it
                from .settings import Settings

                key = secret_key(Settings.from_env().data_dir)
            stem, n = _file_stem(label, key), 1
            while stem in taken:  # two inputs that would still share a name ("x.mbox-3" and x.mbox's 3rd)
                n += 1
                stem = f"{_file_stem(label, key)}-{n}"
            taken.add(stem)
            label = shown(label)
            written = [p for p in draft_paths(out_dir, stem) if p.exists() or p.is_symlink()]
            if any(_identity(p) in inputs for p in written):
                report.failed.append((label, f"the draft file {shown(written[0])} is one of the inputs; "
                                             "give another --out"))
            elif written and not overwrite:
                report.kept.append((label, written[0].name))
            else:
                jobs.append((label, mail, stem))
    return Batch(out_dir, jobs, report, inputs, overwrite)


def _write(texts: list[tuple[Path, str]], batch: Batch) -> None:
    """Writes a draft's files, all or none; over existing ones only with overwrite, never an input."""
    if batch.overwrite and any(_identity(path) in batch.inputs for path, _ in texts):
        raise FileExistsError("a draft file is an input")
    write_files(texts, overwrite=batch.overwrite)


def digest_path(summary: Path) -> Path:
    """Where the drafter keeps the SHA-256 of a summary it wrote: out/summary.txt -> out/.summary.txt.sha256"""
    return summary.with_name(f".{summary.name}.sha256")


def _drafters_summary(path: Path, inputs: set[tuple[int, int]]) -> bool:
    """True when `path` is exactly a summary an earlier run wrote: a regular file (not a link, not an
    input) whose SHA-256 is the one kept beside it (digest_path); not one with a line added. A
    summary from before the digests (none beside it) is kept: no reading of its lines told it from
    one the team edited (three reviews found notes it would have replaced)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in inputs:
            return False
        digest = digest_path(path)
        if not stat.S_ISREG(os.lstat(digest).st_mode):  # a FIFO there would hang the read
            return False
        kept = digest.read_bytes()[:64]
        with open(path, "rb") as fh:
            return kept == hashlib.file_digest(fh, "sha256").hexdigest().encode("ascii")
    except OSError:
        return False


def summary_path(out_dir: Path, inputs: set[tuple[int, int]] = frozenset()) -> Path:
    """Where this run's summary goes: summary.txt when it is free or an earlier summary, else the
    first of summary-2.txt, summary-3.txt, … that is.

    summary_path(out_dir) -> out_dir/"summary-2.txt" when out_dir/summary.txt holds the team's notes
    """
    n = 1
    while True:
        path = out_dir / (SUMMARY if n == 1 else f"summary-{n}.txt")
        if not os.path.lexists(path) or _drafters_summary(path, inputs):
            return path
        n += 1


def run_batch(drafter: Drafter | None, batch: Batch,
              progress: Callable[[int, int, str], None] | None = None) -> FolderReport:
    """Drafts every job of `batch`, writes <name>.utkast.txt/.json and summary.txt; the report.

    `progress(n, total, label)` counts messages, not files. `drafter` may be None when there
    is nothing to draft (so the model need not load).
    """
    report = batch.report
    for n, (label, mail, stem) in enumerate(batch.jobs, 1):
        if progress:
            progress(n, len(batch.jobs), label)
        draft = drafter.draft(mail)
        text_path, json_path = draft_paths(batch.out_dir, stem)
        try:
            _write([(text_path, draft.text), (json_path, json.dumps(draft.to_dict(), ensure_ascii=False, indent=1))],
                   batch)
        except FileExistsError:  # appeared since prepare_batch looked: someone else's, keep it (and name
            # the one that is there: this run's .txt was taken back when the .json's name was found taken)
            there = next((p for p in (text_path, json_path) if os.path.lexists(p)), text_path)
            report.kept.append((label, there.name))
            continue
        report.drafted.append((label, draft))
    summary, text = summary_path(batch.out_dir, batch.inputs), report.summary()
    # an earlier summary is replaced (it is this run's report, always the newest), with the digest
    # that tells the next run it is the drafter's (sha256sum's form: `sha256sum -c` checks it)
    replace, digest = os.path.lexists(summary), digest_path(summary)
    if not replace and os.path.lexists(digest):  # left behind by a summary deleted by hand
        os.unlink(digest)
    line = f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}  {summary.name}\n"
    write_files([(summary, text), (digest, line)], overwrite=replace)
    report.summary_file = summary.name
    return report


def draft_folder(drafter: Drafter, source: Path, out_dir: Path,
                 progress: Callable[[int, int, str], None] | None = None, overwrite: bool = False,
                 key: bytes | None = None) -> FolderReport:
    """prepare_batch + run_batch in one call (the CLI splits them to check before the model loads)."""
    return run_batch(drafter, prepare_batch(source, out_dir, overwrite, key), progress)
