"""`assistant` on the command line: ask, index, chat, feedback-export, draft.

    assistant ask "Hva koster det?"          readable answer with its sources
    assistant ask --json "Hva koster det?"   one JSON object (the contract in README.md)
    assistant ask --json < questions.txt      JSON Lines: one object per input line, in order
    assistant index [--force]                 build the index if the corpus changed and say what it holds
    assistant chat                            an interactive prompt
    assistant feedback-export [--out FILE]    thumbs-down answers as eval cases (JSON Lines; --overwrite)
    assistant draft MAIL.eml [--json]         a reply draft for one e-mail (.txt, .eml)
    assistant draft FOLDER --out DRAFTS/      a draft per e-mail in a folder or .mbox, plus summary.txt
    assistant inbox --maildir PATH            a reply draft per new e-mail into PATH/.Drafts (--watch: keep going)
    assistant inbox --imap imaps://host/INBOX  the same over IMAP (ASSISTANT_IMAP_USER/_PASSWORD)

Errors become one line on stderr and exit code 2, never a traceback: AssistantError, a closed
output pipe (`| head -1`), and a terminal that cannot show æøå (that output is escaped instead).
A path in a message is shown as text.shown shows it (a personal number in it masked).
The core never prints or exits.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys

from .errors import AssistantError
from .privacy import MaskingFilter


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(MaskingFilter())
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for noisy in ("sentence_transformers", "chromadb", "httpx", "transformers", "imapclient"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


class _ProgressLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage().startswith("indexing:")


@contextlib.contextmanager
def _index_progress():
    """`assistant index` says how a long build goes also off a terminal (a pipe, a CI log, cron),
    where no bar is drawn: the build's "indexing: …" lines, without -v and nothing else of its log;
    for the command's run only (in one process with other work, nothing is left behind)."""
    logger = logging.getLogger("assistant.index")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ProgressLines())
    handler.addFilter(MaskingFilter())
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # the root handler still shows only its warnings
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def format_answer(answer) -> str:
    """An Answer as text for a terminal: the answer, then numbered sources."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Kilder:" if answer.lang != "en" else "Sources:")
        for i, c in enumerate(answer.citations, 1):
            lines.append(f"  [{i}] {c.source} › {c.section} (tegn {c.start}–{c.end}, score {c.score:.2f})")
            lines.append(f"      «{c.quote}»")
    return "\n".join(lines)


_ascii_json = False  # set by main() when stdout cannot encode æøå: JSON escapes them instead


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=_ascii_json)


def _dump(answer) -> str:
    return _json(answer.to_dict())


def _safe_streams() -> None:
    """A stdout/stderr that cannot encode æøå (PYTHONIOENCODING=ascii, LANG=C) escapes them
    instead of raising UnicodeEncodeError; JSON output uses \\u escapes, so it stays exact."""
    global _ascii_json
    _ascii_json = False
    for stream in (sys.stdout, sys.stderr):
        try:
            "æøå«»–•".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="backslashreplace")
            if stream is sys.stdout:
                _ascii_json = True


def input_lines(stream):
    """Lines of a binary stream, ended by \\n, \\r\\n or a lone \\r, read as they arrive.

    b"a\\rb\\r\\nc\\n" -> b"a", b"b", b"c"
    """
    for raw in stream:  # the stream splits after \n only, so a \r\n is always inside one piece
        raw = raw[:-1] if raw.endswith(b"\n") else raw
        yield from raw.removesuffix(b"\r").split(b"\r")


def _ask_lines(assistant, stream, out) -> int:
    """JSON Lines mode: one question per input line, one object per output line, in order."""
    from .answering import abstain

    for line in input_lines(stream):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            answer = abstain("", "nb", "invalid")
        else:
            answer = assistant.ask(text)
        out.write(_dump(answer) + "\n")
        out.flush()
    return 0


def _undecodable(text: str) -> bool:
    """True for an argument Python could not decode: its bytes are kept as lone surrogates.

    _undecodable("f\\udce5 data") -> True; _undecodable("få data") -> False
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _cmd_ask(args) -> int:
    if not args.question and not args.json:  # before the model loads (8 s) for nothing
        raise AssistantError('Give a question: assistant ask "Hva koster det?" '
                             "(or use --json to read one question per line from stdin).")
    question = " ".join(args.question)
    if args.question and _undecodable(question):  # not UTF-8: as in JSON Lines mode, and no model needed
        from .answering import abstain

        answer = abstain("", "nb", "invalid")
        print(_dump(answer) if args.json else format_answer(answer))
        return 0
    from .service import Assistant

    assistant = Assistant()
    if args.question:
        answer = assistant.ask(question)
        print(_dump(answer) if args.json else format_answer(answer))
        return 0
    return _ask_lines(assistant, sys.stdin.buffer, sys.stdout)


def _cmd_index(args) -> int:
    from .service import Assistant

    # -v shows the whole log, these lines with it
    with contextlib.nullcontext() if args.verbose else _index_progress():
        assistant = Assistant()  # builds the index when the corpus (or the model) changed
        if args.force and not assistant.built:
            assistant.rebuild()
    manifest = assistant.vectors.manifest
    state = "built" if assistant.built else "up to date"
    print(f"Index {state} (build {manifest['build']}): {manifest.get('chunks', manifest['count'])} chunks "
          f"and {manifest.get('examples', 0)} example questions from "
          f"{len(assistant.documents)} document(s) in {manifest.get('build_seconds', 0):.2f} s, "
          f"model {manifest['model'].split('|')[0]}")
    for doc in assistant.documents:
        n_sec = sum(s.source == doc.source for s in assistant.sections)
        n_chunk = sum(c.source == doc.source for c in assistant.chunks)
        note = "" if n_chunk else " (no text under its headings: not indexed)"
        print(f"  {doc.source}: {n_sec} sections, {n_chunk} chunks — {doc.title}{note}")
    if assistant.built:
        _print_changes(assistant.store.root, manifest["build"])
    print(f"Data directory: {assistant.settings.data_dir}")
    return 0


def _print_changes(root, build: str) -> None:
    """What this build changed in the guidance since the build before (corpus_diff)."""
    from .corpus_diff import build_changes, describe

    changes = build_changes(root, build)
    if changes is None:
        print("No earlier build in this data directory to compare the sections with.")
    elif not changes:
        print("No section's words changed since the last build (the model, chunker or example questions did, or --force).")
    else:
        print("What changed in the guidance since the last build:")
        print(*describe(changes), sep="\n")


def _cmd_chat(args) -> int:
    from .service import Assistant

    assistant = Assistant()
    print("Spør om tilgang til data fra Norsk pasientregister. Tom linje eller Ctrl-D avslutter.")
    previous = ""
    while True:
        try:
            question = input("\n> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        except UnicodeDecodeError:  # a terminal that is not UTF-8 (stdin strict): answered as below
            question = None
        if question is not None and not question.strip():
            return 0
        if question is None or _undecodable(question):  # not UTF-8, as in the other modes
            from .answering import abstain

            print(format_answer(abstain("", "nb", "invalid")))
            continue
        answer = assistant.ask_after(question, previous)
        print(format_answer(answer))
        previous = assistant.followed(previous, answer)


def _cmd_feedback_export(args) -> int:
    import io

    from .feedback import FeedbackStore, write_jsonl
    from .files import write_file
    from .settings import Settings
    from .text import shown

    out = shown(args.out or "")
    exists = AssistantError(f"{out} already exists; give a new file name with --out, or pass "
                            "--overwrite to replace it.")
    if args.out and os.path.isdir(args.out) and not os.path.islink(args.out):
        raise AssistantError(f"--out {out} is a folder; give a file name, e.g. --out tilbakemeldinger.jsonl.")
    if args.out and os.path.lexists(args.out) and not args.overwrite:  # a user's file, or a link to one
        raise exists
    cases = FeedbackStore.for_settings(Settings.from_env()).cases()  # FeedbackError if unreadable
    if not args.out:
        write_jsonl(cases, sys.stdout)
        return 0
    text = io.StringIO()
    n = write_jsonl(cases, text)
    try:
        # whole or not at all; a symbolic link at --out is replaced (with --overwrite), never followed
        write_file(args.out, text.getvalue(), overwrite=args.overwrite)
    except FileExistsError:  # appeared since the check
        raise exists
    except OSError as exc:
        raise AssistantError(f"Cannot write {out} ({exc.strerror}); give a writable --out path.")
    print(f"{n} thumbs-down case(s) written to {out}", file=sys.stderr)
    return 0


def _cmd_draft(args) -> int:
    from pathlib import Path

    from .batch import SUMMARY, prepare_batch, run_batch
    from .drafting import TEMPLATES, Drafter, load_templates
    from .mail import MailError, read_path
    from .text import shown

    source = Path(args.path)
    load_templates(str(args.templates or TEMPLATES))  # a broken template file fails before the model loads
    if source.is_dir() and not args.out:
        raise MailError(f"{shown(source)} is a folder: give --out FOLDER for its drafts, e.g. "
                        f"assistant draft {shown(source)} --out utkast/")
    if not args.out:
        mails = read_path(source)  # reads (and fails on) the input before the model loads
        if len(mails) > 1:
            raise MailError(f"{shown(source)} holds {len(mails)} e-mails; draft them with --out FOLDER.")
        from .service import Assistant

        draft = Drafter(Assistant(), args.templates or TEMPLATES).draft(mails[0][1])
        print(_json(draft.to_dict()) if args.json else draft.text.rstrip("\n"))
        return 0

    # every input read, names chosen and --out checked for writing before the model loads
    # the privacy key (privacy.secret_key) is read or made only when a file name holds a number
    batch = prepare_batch(source, Path(args.out), overwrite=args.overwrite)
    drafter = None
    if batch.jobs:
        from .service import Assistant

        drafter = Drafter(Assistant(), args.templates or TEMPLATES)

    def progress(n, total, label):
        print(f"\r[{n}/{total}] {label}", end="\n" if n == total else "", file=sys.stderr, flush=True)

    out = shown(args.out)
    try:
        report = run_batch(drafter, batch, progress)
    except OSError as exc:
        raise AssistantError(f"Cannot write drafts to {out} ({exc.strerror}); give a writable --out folder.")
    print(report.summary(), end="")
    if report.kept:
        print(f"{len(report.kept)} existing draft(s) kept unchanged; pass --overwrite to draft them again.",
              file=sys.stderr)
    if report.summary_file != SUMMARY:
        print(f"{shown(Path(args.out) / SUMMARY)} is not a summary the drafter wrote unchanged (or one from before "
              f"it kept their SHA-256), so it is kept; this run's summary is {report.summary_file}. Delete it to "
              "have summaries written there again.", file=sys.stderr)
    print(f"Drafts and {report.summary_file} written to {out}", file=sys.stderr)
    return 0


def _day(text: str):
    """'2026-03-01' -> date(2026, 3, 1); argparse turns the ValueError into one usage line."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day; give YYYY-MM-DD, e.g. 2026-03-01")


MAX_INTERVAL = 86_400  # seconds between polls with --watch: more than a day is a typo, not a schedule


class _LazyDrafter:
    """A Drafter whose model loads at the first e-mail to draft: a pass with nothing new takes no 8 s."""

    def __init__(self, settings, templates):
        self.settings, self.templates, self.drafter = settings, templates, None

    def draft(self, mail):
        if self.drafter is None:
            from .drafting import Drafter
            from .service import Assistant

            self.drafter = Drafter(Assistant(self.settings), self.templates)
        return self.drafter.draft(mail)


def _cmd_inbox(args) -> int:
    import email.utils
    import signal
    import threading

    from .drafting import TEMPLATES, load_templates
    from .errors import ConfigError
    from .mailboxes import open_mailbox
    from .mailroom import Mailroom
    from .settings import Settings

    if not 0 < args.interval <= MAX_INTERVAL:  # also nan (no comparison holds) and inf
        raise ConfigError(f"--interval {args.interval:g} cannot be used; give a number of seconds above 0 and "
                          f"at most {MAX_INTERVAL} (a day), e.g. 60.")
    sender = os.environ.get("ASSISTANT_INBOX_FROM", "").strip()
    if "@" not in email.utils.parseaddr(sender)[1]:
        raise ConfigError("Set ASSISTANT_INBOX_FROM to the address drafts are sent from, e.g. "
                          "ASSISTANT_INBOX_FROM='Brukerstøtte NPR <helseregistre@helsedir.no>'.")
    load_templates(str(args.templates or TEMPLATES))
    settings = Settings.from_env()
    box = open_mailbox(maildir=args.maildir or "", imap=args.imap or "", drafts=args.drafts or "")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):  # finish the e-mail at hand, then stop cleanly
        signal.signal(sig, lambda *_: stop.set())
    if not (args.watch and args.imap):  # --watch connects itself, waiting for a server that is down
        box.connect()  # wrong credentials or no such folder: one line, before the model loads
    try:
        room = Mailroom(box, _LazyDrafter(settings, args.templates or TEMPLATES), sender, settings.data_dir,
                        since=args.since)
        room.lock()

        def report(summary):
            print(_json(summary.to_dict()) if args.json else summary.line(), flush=True)

        if args.watch:
            room.watch(stop, interval=args.interval, report=report)
        else:
            report(room.run(stop))
    finally:
        box.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant", description="The NPR data-access assistant.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (stderr)")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (or JSON Lines from stdin with --json)")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.set_defaults(func=_cmd_ask)
    idx = sub.add_parser("index", help="build the index if needed and report what it holds")
    idx.add_argument("--force", action="store_true", help="rebuild even when up to date")
    idx.set_defaults(func=_cmd_index)
    chat = sub.add_parser("chat", help="an interactive prompt in the terminal")
    chat.set_defaults(func=_cmd_chat)
    fb = sub.add_parser("feedback-export", help="thumbs-down answers from the app as eval cases")
    fb.add_argument("--out", help="write JSON Lines to this new file instead of stdout")
    fb.add_argument("--overwrite", action="store_true",
                    help="replace --out if it exists (a symbolic link there is replaced, never followed)")
    fb.set_defaults(func=_cmd_feedback_export)
    dr = sub.add_parser("draft", help="reply drafts for e-mails (a file, a folder or an mbox)")
    dr.add_argument("path", help="a .txt/.eml e-mail, an .mbox file or a folder of e-mails")
    dr.add_argument("--json", action="store_true", help="print the draft and its questions as JSON")
    dr.add_argument("--out", help="write one draft per e-mail and summary.txt into this folder")
    dr.add_argument("--templates", help="a reply_templates.json with your own wording")
    dr.add_argument("--overwrite", action="store_true",
                    help="replace drafts already in --out (they may hold the team's edits; inputs are never replaced)")
    dr.set_defaults(func=_cmd_draft)
    ib = sub.add_parser("inbox", help="a reply draft per new e-mail in a mailbox, into its Drafts folder")
    where = ib.add_mutually_exclusive_group(required=True)
    where.add_argument("--maildir", help="a Maildir folder (drafts go to PATH/.Drafts)")
    where.add_argument("--imap", help="imaps://host[:port]/FOLDER or imap://... (STARTTLS); log-in from "
                                      "ASSISTANT_IMAP_USER and ASSISTANT_IMAP_PASSWORD")
    ib.add_argument("--drafts", help="the IMAP folder for drafts (default: the one marked \\Drafts)")
    ib.add_argument("--watch", action="store_true", help="keep running: IMAP IDLE or polling, reconnecting")
    ib.add_argument("--interval", type=float, default=60.0, help="seconds between polls with --watch (60)")
    ib.add_argument("--since", type=_day, help="only e-mails received on or after this day (YYYY-MM-DD), "
                                               "e.g. on the first run over a mailbox with years of mail")
    ib.add_argument("--json", action="store_true", help="the run summary as one JSON object per line")
    ib.add_argument("--templates", help="a reply_templates.json with your own wording")
    ib.set_defaults(func=_cmd_inbox)
    _safe_streams()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return args.func(args)
    except AssistantError as exc:  # every error line masked as text.shown shows a path (a data dir, a corpus folder)
        from .text import shown

        print(f"assistant: {shown(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        print("assistant: the output was closed before everything was written (broken pipe); "
              "read all of it, or give fewer questions.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null: the reader is gone, and Python's final flush must not fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout without a file descriptor (tests)
        pass
