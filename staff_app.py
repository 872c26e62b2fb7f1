"""The support team's app: reply drafts for applicants' e-mails and the feedback export.

    ASSISTANT_STAFF_USER=... ASSISTANT_STAFF_PASSWORD=... python staff_app.py
        http://127.0.0.1:7861 (ASSISTANT_STAFF_HOST / ASSISTANT_STAFF_PORT)
    Client(url, auth=(user, password)).predict(mail_text, api_name="/draft") -> the `draft --json` dict

Separate from app.py on purpose: applicants' e-mails and stored questions are for staff only, so
the applicant-facing app never serves these tabs or endpoints. On any host beyond loopback this
app refuses to start without a log-in (Gradio `auth=`, credentials from the environment, never
from the repo). Failed log-ins are slowed down per client address and per user name (after 5 in
a row: locked 1 s, 2 s, 4 s, ... up to 15 min; assistant.limits.LoginGuard) and logged with the
password masked. Requests are rate-limited per address (ASSISTANT_RATE_LIMIT) and e-mails capped
at 20 looked-up questions. Deliberately left out: user management (one shared staff log-in),
sending mail.
"""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import os
import sys
import time
from pathlib import Path

from assistant import Assistant, AssistantError, ConfigError, Settings
from assistant.drafting import Drafter
from assistant.examples import examples_path
from assistant.feedback import FeedbackStore
from assistant.limits import Limiter, LockedOut, LoginGuard, RateLimit, port_taken
from assistant.settings import PORT_MAX, REPO_ROOT, whole_number
from assistant.teaching import TeachingError, teach

import gradio as gr  # noqa: E402  (after the offline variables)

from app import _setup_logging, sources_html, throttle  # noqa: E402

log = logging.getLogger("staff_app")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
NOT_COVERED = "Ikke dekket av veiledningen"
EXAMPLE = ("Hei! Vi planlegger et kvalitetsprosjekt (ikke forskning) og trenger data fra NPR. "
           "Skal vi søke via helsedata.no? Hva koster det, og hvor lang tid tar det? Mvh Kari")


def staff_auth(host: str, env: dict | None = None) -> tuple[str, str] | None:
    """The (user, password) log-in from ASSISTANT_STAFF_USER/_PASSWORD, or None on loopback.

    staff_auth("127.0.0.1", {}) -> None; staff_auth("0.0.0.0", {}) raises ConfigError.
    """
    env = os.environ if env is None else env
    user, password = env.get("ASSISTANT_STAFF_USER", ""), env.get("ASSISTANT_STAFF_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError("Set both ASSISTANT_STAFF_USER and ASSISTANT_STAFF_PASSWORD (or neither, "
                          "on 127.0.0.1 only).")
    if user:
        return user, password
    if host not in LOOPBACK:
        raise ConfigError(f"The staff app will not listen on {host} without a log-in: set "
                          "ASSISTANT_STAFF_USER and ASSISTANT_STAFF_PASSWORD, or use ASSISTANT_STAFF_HOST=127.0.0.1.")
    return None


def inbox_queue_html(data_dir: Path, limit: int = 50) -> str:
    """The Innboks tab: the latest drafts `assistant inbox` wrote, newest first, and which need a human."""
    import html

    from assistant.mailroom import read_queue

    rows = read_queue(data_dir, limit)
    if not rows:
        return ("<p>Ingen utkast ennå. Start <code>assistant inbox --maildir …</code> eller "
                "<code>assistant inbox --imap …</code>; utkastene havner i postkassens Utkast-mappe.</p>")
    manual = sum(r.get("manual", False) for r in rows)
    out = [f"<p>{len(rows)} siste utkast, <strong>{manual} må besvares manuelt</strong> "
           "(i Utkast-mappen: nøkkelordet $NeedsHuman og «[Må besvares manuelt]» i emnet).</p>",
           "<table><tr><th>Skrevet</th><th>Emne</th><th>Til</th><th>Spørsmål</th><th>Trenger et menneske</th></tr>"]
    for r in rows:
        e = lambda v: html.escape(str(v))  # noqa: E731
        human = ("<strong>Ja</strong>: " + "; ".join(f"«{e(q)}»" for q in r.get("manual_questions", []))
                 if r.get("manual") else "Nei")
        out.append(f"<tr class=\"{'manual' if r.get('manual') else 'drafted'}\"><td>{e(r.get('time', ''))}</td>"
                   f"<td>{e(r.get('subject', ''))}</td><td>{e(r.get('to', ''))}</td>"
                   f"<td>{e(r.get('questions', 0))}</td><td>{human}</td></tr>")
    return "\n".join(out) + "</table>"


def lesson_for(assistant: Assistant, feedback_id: int, choice: str, feedback: FeedbackStore,
               eval_file: Path) -> str:
    """Teach the assistant from one thumbs-down answer: `choice` is a section heading or NOT_COVERED.

    Appends an example question (to the section's document's example file, or to the out-of-scope
    list of the first document that has an example file) and an eval case; returns what was done,
    or why nothing was (a read-only or linked file), in one line.
    """
    row = next((r for r in feedback.rows("down") if r["id"] == feedback_id), None)
    if row is None:
        return "Fant ikke tilbakemeldingen; trykk «Hent» på nytt."
    if choice == NOT_COVERED:
        # the file the team already keeps (the guidance's), never a new one beside another document
        section, text = "", ""
        doc = next((d for d in assistant.documents if examples_path(d.path).exists()), assistant.documents[0])
    else:
        match = next((s for s in assistant.sections if s.heading == choice), None)
        if match is None:
            return f"{choice!r} er ikke en overskrift i veiledningen."
        section, text = match.heading, match.text
        doc = next(d for d in assistant.documents if d.source == match.source)
    try:
        lesson = teach(row["question"], row["lang"], section, examples_path(doc.path), eval_file, text)
    except TeachingError as exc:
        return f"Kunne ikke lagre: {exc}"
    done = []
    if lesson.example_added:
        done.append(f"eksempelspørsmål lagt til i {examples_path(doc.path).name}")
    if lesson.case_id:
        done.append(f"eval-sak {lesson.case_id} lagt til i {eval_file.name}")
    if not done:
        return "Spørsmålet finnes allerede i begge filene; ingenting endret."
    return ("; ".join(done).capitalize() + ". Se over endringen i `git diff` før den sjekkes inn; "
            "den tas i bruk ved neste oppstart.")


# the address of the request being served: Gradio calls auth(user, password) without it
CLIENT = contextvars.ContextVar("client", default="unknown")


class ClientAddress:
    """ASGI middleware that makes each request's client address visible to the log-in check."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        client = scope.get("client") if scope.get("type") == "http" else None
        token = CLIENT.set(client[0] if client else "unknown")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT.reset(token)


def guarded_login(user: str, password: str, clock=time.monotonic, **guard_options):
    """The Gradio `auth` callable: the (user, password) pair behind a LoginGuard.

    Wrong log-ins return False (Gradio answers 400); while locked the answer is 429 with how long
    to wait, and the password is not even compared. `guard_options`: LoginGuard's free/base/cap.
    """
    def compare(u: str, p: str) -> bool:
        # compare_digest: the time taken says nothing about how much of the password was right
        return hmac.compare_digest(u.encode(), user.encode()) & hmac.compare_digest(p.encode(), password.encode())

    guard = LoginGuard(compare, clock=clock, **guard_options)

    def auth(u: str, p: str) -> bool:
        from fastapi import HTTPException

        try:
            return guard.check(u, p, client=CLIENT.get())
        except LockedOut as exc:
            raise HTTPException(status_code=429, detail=f"For mange mislykkede innlogginger: vent "
                                f"{exc.seconds:.0f} s og prøv igjen. (Too many failed log-ins: wait "
                                f"{exc.seconds:.0f} s and try again.)")
    auth.guard = guard
    return auth


def launch(demo: gr.Blocks, host: str, port: int, auth, api=None, prevent_thread_lock: bool = False,
           **_options):
    """Serves the staff app with its log-in (a (user, password) pair, guarded_login's callable or
    None on loopback) and, with `api` (staff_api's), the JSON API under /api/v1 behind the same
    log-in. With prevent_thread_lock it runs on a thread; the returned object's close() stops it."""
    from assistant.web import serve

    if isinstance(auth, tuple):
        auth = guarded_login(*auth)
    if api is None:
        from fastapi import FastAPI

        api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    api.add_middleware(ClientAddress)
    return serve(api, demo, host, port, background=prevent_thread_lock, auth=auth,
                 auth_message="Brukerstøtte, Norsk pasientregister")


def staff_api(assistant: Assistant, auth, limiter: Limiter | None = None, drafter: Drafter | None = None):
    """/api/v1/ask, /health and /draft for the staff app; /draft behind `auth`'s guard (the UI's log-in)."""
    from assistant.web import build_api

    return build_api(assistant, limiter=limiter, drafter=drafter or Drafter(assistant),
                     guard=getattr(auth, "guard", None), title=f"{assistant.settings.title} – brukerstøtte")


def build_staff_app(assistant: Assistant, feedback: FeedbackStore | None = None,
                    drafter: Drafter | None = None, limiter: Limiter | None = None,
                    eval_file: Path | None = None) -> gr.Blocks:
    """The staff UI and its /draft endpoint; start it with launch(demo, host, port, staff_auth(host))."""
    feedback = feedback or FeedbackStore.for_settings(assistant.settings)
    drafter = drafter or Drafter(assistant)
    limiter = limiter or Limiter(RateLimit.from_env(os.environ))
    eval_file = eval_file or REPO_ROOT / "eval" / "questions.jsonl"
    headings = list(dict.fromkeys(s.heading for s in assistant.sections))

    def pending():
        rows = feedback.rows("down")
        return gr.Dropdown(choices=[(f"#{r['id']}: {r['question'][:90]}", r["id"]) for r in rows],
                           value=rows[-1]["id"] if rows else None)

    def learn(feedback_id, choice, request: gr.Request):
        throttle(limiter, request)
        if feedback_id is None or not choice:
            return "Velg et svar og hvor det hører hjemme."
        try:
            return lesson_for(assistant, int(feedback_id), choice, feedback, eval_file)
        except (OSError, ValueError) as exc:
            return f"Kunne ikke lagre: {exc}"

    def make_draft(text, request: gr.Request):
        throttle(limiter, request)
        draft = drafter.draft_text(text if isinstance(text, str) else "")
        log.info("draft: %d question(s), %d manual", len(draft.items), len(draft.manual))
        return draft.text, sources_html(assistant, draft.citations) or "<p>Ingen kilder.</p>"

    def draft(mail: str, request: gr.Request) -> dict:
        """A reply draft for one e-mail (plain text or .eml source); the `assistant draft --json` shape."""
        throttle(limiter, request)
        return drafter.draft_text(mail if isinstance(mail, str) else "").to_dict()

    def export(request: gr.Request):
        throttle(limiter, request)
        try:
            return "\n".join(json.dumps(c, ensure_ascii=False) for c in feedback.cases())
        except AssistantError as exc:  # a corrupt feedback file: say so in the tab, keep the app up
            raise gr.Error(str(exc), print_exception=False)

    with gr.Blocks(title=f"{assistant.settings.title} – brukerstøtte") as demo:
        gr.Markdown("# Brukerstøtte: svarutkast\nLim inn en e-post fra en søker. Utkastet siterer "
                    "veiledningen; spørsmål den ikke dekker står under «Må besvares manuelt».")
        with gr.Tab("Svarutkast"):
            with gr.Row():
                with gr.Column(scale=5):
                    mail = gr.Textbox(label="E-post fra søker", lines=14, max_lines=40, value="",
                                      placeholder=EXAMPLE, elem_id="mail")
                    go = gr.Button("Lag svarutkast", variant="primary")
                    reply = gr.Textbox(label="Svarutkast (sjekk, kopier og send)", lines=18, max_lines=60,
                                       buttons=["copy"], interactive=False, elem_id="draft")
                with gr.Column(scale=4):
                    gr.Markdown("### Kilder")
                    sources = gr.HTML(elem_id="draft-sources")
        with gr.Tab("Tilbakemeldinger"):
            gr.Markdown("Svar søkerne har merket som dårlige, som eval-saker (JSON Lines): fyll inn "
                        "`facts` og `section` og legg dem i eval-settet.")
            refresh = gr.Button("Hent")
            cases = gr.Code(language="json", label="Tommel ned", elem_id="feedback-cases")
            gr.Markdown("### Lær av et dårlig svar\nVelg svaret og delen av veiledningen som svarer på "
                        "spørsmålet (eller at veiledningen ikke dekker det). Spørsmålet legges til som "
                        "eksempelspørsmål og som eval-sak; se over endringen i `git diff`.")
            with gr.Row():
                which = gr.Dropdown(label="Tommel ned-svar", choices=[], elem_id="lesson-question")
                where = gr.Dropdown(label="Hører hjemme i", choices=[*headings, NOT_COVERED],
                                    elem_id="lesson-section")
            teach_btn = gr.Button("Lær av dette", variant="primary")
            taught = gr.Markdown(elem_id="lesson-result")
        with gr.Tab("Innboks"):  # what `assistant inbox` put in the mailbox's Drafts folder
            gr.Markdown("Utkast som `assistant inbox` har lagt i postkassens Utkast-mappe, nyeste først.")
            inbox_refresh = gr.Button("Hent")
            inbox_queue = gr.HTML(elem_id="inbox-queue")
            inbox_refresh.click(lambda: inbox_queue_html(assistant.settings.data_dir), outputs=inbox_queue,
                                api_visibility="private")
            demo.load(lambda: inbox_queue_html(assistant.settings.data_dir), outputs=inbox_queue,
                      api_visibility="private")
        go.click(make_draft, inputs=mail, outputs=[reply, sources], api_visibility="private")
        refresh.click(export, outputs=cases, api_visibility="private")
        refresh.click(pending, outputs=which, api_visibility="private")
        teach_btn.click(learn, inputs=[which, where], outputs=taught, api_visibility="private")
        gr.api(draft, api_name="draft")
    return demo.queue(default_concurrency_limit=4)


def main() -> int:
    _setup_logging()
    host = os.environ.get("ASSISTANT_STAFF_HOST", "127.0.0.1")
    try:
        # every setting checked before the model loads
        port = whole_number(os.environ, "ASSISTANT_STAFF_PORT", 7861, high=PORT_MAX)
        settings = Settings.from_env()
        auth = staff_auth(host)
        limiter = Limiter(RateLimit.from_env(os.environ))
        taken = port_taken(host, port, "ASSISTANT_STAFF_PORT", "ASSISTANT_STAFF_HOST")
        if taken:
            print(f"staff_app: {taken}", file=sys.stderr)
            return 2
        if isinstance(auth, tuple):
            auth = guarded_login(*auth)
        assistant = Assistant(settings)
        drafter = Drafter(assistant)
        demo = build_staff_app(assistant, drafter=drafter, limiter=limiter)
        api = staff_api(assistant, auth, limiter=limiter, drafter=drafter)
    except AssistantError as exc:
        print(f"staff_app: {exc}", file=sys.stderr)
        return 2
    try:
        launch(demo, host, port, auth, api=api)
    except OSError as exc:  # taken between the check and now
        print(f"staff_app: cannot listen on {host}:{port} ({exc}); stop the other server or set "
              "ASSISTANT_STAFF_HOST / ASSISTANT_STAFF_PORT.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
