"""The Gradio app: chat with cited sources, thumbs up/down, a sources browser and a JSON API.

    python app.py                      http://127.0.0.1:7860 (ASSISTANT_HOST / ASSISTANT_PORT)
    Client(url).predict("Hva koster det?", api_name="/ask") -> the `assistant ask --json` dict
    POST /api/v1/ask {"question": "Hva koster det?"}      -> the same dict (assistant/web.py)

It talks to `Assistant` only (ask, search, documents, sections, chunks) and re-implements no
step. The page speaks bokmål or English (Gradio's i18n: the browser's language, or the Norsk/English
choice, kept in the browser; wording in assistant/data/ui.json); each source links to the official
page with a text fragment on the quote ("Les på helsedata.no"), and a decline offers the related
sections as buttons that ask about them. Every request is bounded: questions and Kilder queries by ASSISTANT_MAX_QUESTION_CHARS, and
each client address by a token bucket (ASSISTANT_RATE_LIMIT, default 60/min; over it the client is
told how long to wait). The JSON API is served as soon as the index is open (about a second);
the chat page follows when Gradio has loaded, and until then / is a page that reloads itself
(503, Retry-After). A port in use is one line and exit code 2. Deliberately left out: log-in,
file upload, streaming, and anything fetched from the internet (Gradio's bundled fonts and scripts).
"""

from __future__ import annotations

import html
import logging
import os
import re
import sqlite3
import sys
import threading

# importing the package sets the offline variables (HF_HUB_OFFLINE, GRADIO_ANALYTICS_ENABLED...)
from assistant import Answer, Assistant, AssistantError, Citation, Related, Settings
from assistant.feedback import FeedbackStore
from assistant.limits import Limiter, RateLimit, client_address, port_taken
from assistant.privacy import MaskingFilter
from assistant.web import build_api, pool_size

log = logging.getLogger("app")


def log_handler(stream=None) -> logging.Handler:
    """A stderr handler that masks personal numbers in every line it writes."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskingFilter())
    handler.setLevel(logging.INFO)  # some libraries set their own loggers to DEBUG on import
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _setup_logging() -> None:
    root = logging.getLogger()
    root.handlers[:] = [log_handler()]
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "sentence_transformers", "chromadb", "bm25s", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> int:
    """The JSON API first, the chat page when Gradio has loaded (its import is most of a start).

    Defined above Gradio's import: `python app.py` runs this without importing Gradio, serves
    /api/v1 as soon as the index is open, then imports this file as the module `app` for the page.
    A SIGTERM or Ctrl-C from then on (the model load, the server's start, Gradio's import, serving)
    stops the app with exit code 0.
    """
    import signal

    _setup_logging()
    run = _Run()
    signal.signal(signal.SIGTERM, run.stop)  # before anything slow: the model load, Gradio's import
    signal.signal(signal.SIGINT, run.stop)
    run.chained, sys.unraisablehook = sys.unraisablehook, run.unraisable
    try:
        return run.start()
    except KeyboardInterrupt:
        log.info("stopping")
        return 0
    finally:
        run.deferred = True  # a signal while the server closes only hurries it (a second: at once)
        if run.served is not None:
            run.served.close()


class _Run:
    """One run of the app: what a signal has to stop, and the start in its stages."""

    def __init__(self):
        self.served = None  # the server, once it is ours
        self.signalled: list[int] = []
        self.deferred = False  # True while the server starts: it is stopped as soon as it is ours
        self.resent = 0  # a first signal `unraisable` sends again: not a second one
        self.chained = sys.__unraisablehook__  # the hook before ours, for everything else

    def stop(self, signum, frame) -> None:
        if self.resent:
            self.resent -= 1
        elif self.signalled:  # a second signal: now
            os._exit(128 + signum)
        else:
            self.signalled.append(signum)
        if self.served is not None:
            self.served.server.should_exit = True
        if not self.deferred:
            raise KeyboardInterrupt

    def unraisable(self, info) -> None:
        """sys.unraisablehook: the interrupt `stop` raised where Python can only print and drop it
        (a signal that lands in a weakref callback, such as the import system's module locks while
        Gradio loads) is sent again a moment later, from a thread, once the callback has returned:
        the stop still happens at once, and prints no traceback."""
        import signal

        if issubclass(info.exc_type, KeyboardInterrupt) and self.signalled and not self.deferred:
            self.resent += 1  # the signal sent again is not a second one (which would exit at once)
            again = threading.Timer(0.01, signal.pthread_kill, (threading.main_thread().ident, self.signalled[0]))
            again.daemon = True
            again.start()
            return
        self.chained(info)

    def start(self) -> int:
        import time

        from assistant.web import Staged, serve_staged

        started = time.perf_counter()
        try:
            settings = Settings.from_env()
            limiter = Limiter(RateLimit.from_env(os.environ))
            # before the model loads: a port in use is known in milliseconds
            taken = port_taken(settings.host, settings.port, "ASSISTANT_PORT")
            if taken:
                print(f"app: {taken}", file=sys.stderr)
                return 2
            assistant = Assistant(settings)
            api = build_api(assistant, limiter=limiter, title=settings.title)
        except AssistantError as exc:
            print(f"app: {exc}", file=sys.stderr)
            return 2
        log.info("ready in %.1f s: %d chunks from %d document(s), data in %s", assistant.startup_seconds,
                 len(assistant.chunks), len(assistant.documents), settings.data_dir)
        self.deferred = True
        try:
            self.served, staged = serve_staged(api, settings.host, settings.port)
        except OSError as exc:  # taken between the check and now, or a host that is not this machine's
            print(f"app: cannot listen on {settings.host}:{settings.port} ({exc}); stop the other server "
                  "or set ASSISTANT_HOST / ASSISTANT_PORT.", file=sys.stderr)
            return 2
        finally:
            self.deferred = False
        if self.signalled:  # signalled while the server started: it may have answered already
            raise KeyboardInterrupt
        log.info("JSON API at %sapi/v1 after %.1f s (%d answer threads); the chat page is loading",
                 self.served.url, time.perf_counter() - started, pool_size())
        try:
            page = sys.modules.get("app") or __import__("app")  # this file as a module, Gradio and all
            staged.mount_ui(page.build_app(assistant, limiter=limiter), server_name=settings.host,
                            server_port=settings.port)
            log.info("serving %s after %.1f s (JSON API under /api/v1)", self.served.url,
                     time.perf_counter() - started)
            while self.served.thread.is_alive():
                self.served.thread.join(0.5)
        except Staged.Stopped:
            log.info("stopping")
        except Exception as exc:  # the API must not keep running without its page, unnoticed
            if self.signalled:  # a library turned the interrupt into its own error: still a stop
                log.info("stopping")
                return 0
            log.error("the chat page could not start (%s: %s); stopping", type(exc).__name__, exc)
            return 2
        return 0


if __name__ == "__main__":
    sys.exit(main())

import gradio as gr  # noqa: E402  (after the offline variables)

from app_page import (CSS, I18N, INITIAL_LANG_JS, N_EXAMPLES, SWITCH_LANG_JS, Blocks,  # noqa: E402
                      example, read_on, words)

MARGIN = 150  # characters of the document shown either side of a quote
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SECTION_COLUMNS = ["Overskrift", "Overordnet", "Start", "Slutt", "Tegn"]
CHUNK_COLUMNS = ["Id", "Overskrift", "Start", "Slutt", "Tekst"]
HIT_COLUMNS = ["#", "Score", "Leksikalsk", "Semantisk", "Dekning", "Overskrift", "Tekst"]


def _escape(text: str) -> str:
    """HTML-escaped, line breaks as <br>: 'a < b\\n\\nc' -> 'a &lt; b<br>c'"""
    return re.sub(r"\s*\n\s*", "<br>", html.escape(text, quote=False))


def excerpt_html(text: str, spans: list[tuple[int, int]], lo: int = 0, hi: int | None = None,
                 margin: int = MARGIN) -> str:
    """`text` around the sorted `spans`, each in <mark>, at most `margin` characters either side,
    cut at a word and never outside lo..hi.

    excerpt_html("Pris per time NOK 1100.", [(14, 22)], margin=5) -> "…time <mark>NOK 1100</mark>."
    """
    hi = len(text) if hi is None else hi
    a, b = max(lo, spans[0][0] - margin), min(hi, spans[-1][1] + margin)
    if a > lo and not text[a - 1].isspace():  # begin at a word, not inside one
        m = re.compile(r"\s").search(text, a, spans[0][0])
        a = m.end() if m else a
    if b < hi and not text[b].isspace():  # and end after a whole word
        tail = re.search(r"\s\S*$", text[spans[-1][1]:b])
        b = spans[-1][1] + tail.start() if tail else b
    cut_a, cut_b = a > lo, b < hi
    while a < spans[0][0] and text[a].isspace():
        a += 1
    while b > spans[-1][1] and text[b - 1].isspace():
        b -= 1
    parts, pos = ["…" if cut_a else ""], a
    for start, end in spans:
        parts += [_escape(text[pos:start]), "<mark>", _escape(text[start:end]), "</mark>"]
        pos = end
    return "".join(parts + [_escape(text[pos:b]), "…" if cut_b else ""])


def passages(citations: tuple[Citation, ...], margin: int = MARGIN) -> list[list[Citation]]:
    """Citations in document order, neighbours from one section grouped into one passage."""
    groups: list[list[Citation]] = []
    for c in sorted(citations, key=lambda c: (c.source, c.start)):
        last = groups[-1][-1] if groups else None
        if last and (last.source, last.section) == (c.source, c.section) and c.start - last.end <= 2 * margin:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def group_url(group: list[Citation]) -> str | None:
    """One link that highlights every quote of a passage (text directives joined by '&')."""
    urls = [c.url for c in group if c.url]
    if not urls:
        return None
    return urls[0].split("#:~:", 1)[0] + "#:~:" + "&".join(u.split("#:~:", 1)[1] for u in urls)


def link_html(lang, url: str | None) -> str:
    """A link that opens the official page in a new tab; nothing without a page URL."""
    if not url:
        return ""
    return (f' <a class="les" href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
            f'{html.escape(read_on(lang, url))}</a>')


def sources_html(assistant: Assistant, citations: tuple[Citation, ...], lang: str = "nb") -> str:
    """The cited passages: heading, quotes highlighted in their surrounding text, document, link."""
    texts = {d.source: d.text for d in assistant.documents}
    out = []
    for i, group in enumerate(passages(citations), 1):
        first, text = group[0], texts.get(group[0].source, "")
        # the surrounding text stays inside the cited section, not the next heading
        lo, hi = next(((s.start, s.end) for s in assistant.sections
                       if s.source == first.source and s.start <= first.start < s.end), (0, len(text)))
        excerpt = excerpt_html(text, [(c.start, c.end) for c in group], lo, hi) if text else \
            " ".join(f"<mark>{_escape(c.quote)}</mark>" for c in group)
        out.append(f'<div class="kilde"><p><strong>{i}. {html.escape(first.section)}</strong> — '
                   f'{html.escape(first.title)} (<code>{html.escape(first.source)}</code>, '
                   f'{words(lang)["chars"]} {group[0].start}–{group[-1].end})'
                   f'{link_html(lang, group_url(group))}</p><blockquote>{excerpt}</blockquote></div>')
    return "".join(out)


def related_html(related: tuple[Related, ...], lang: str = "nb") -> str:
    """The sections offered on a decline, each with its link (the buttons under the chat ask about them)."""
    if not related:
        return ""
    items = "".join(f"<li>{html.escape(r.section)}{link_html(lang, r.url)}</li>" for r in related)
    return f'<div class="relatert"><p><strong>{words(lang)["related"]}</strong></p><ul>{items}</ul></div>'


def answer_html(assistant: Assistant, answer: Answer, lang: str = "nb") -> str:
    """One chat message: the answer, then its sources or, on a decline, the related sections
    (one HTML block: no blank lines). `lang` is the page's language; the answer keeps its own."""
    body = EMAIL.sub(lambda m: f'<a href="mailto:{m[0]}">{m[0]}</a>', _escape(answer.answer.strip()))
    if not answer.citations:
        return f'<div class="svar">{body}</div>{related_html(answer.related, lang)}'
    return (f'<div class="svar">{body}</div><div class="kilder"><p><strong>{words(lang)["sources"]}</strong></p>'
            f"{sources_html(assistant, answer.citations, lang)}</div>")


def chat_turn(assistant: Assistant, message: str, history: list, answers: dict, context: str,
              lang: str = "nb"):
    """One question in the chat -> (cleared textbox, history, answers by message index, context).

    The context for the next question is the last *answered* one, so a follow-up such as
    "Og hvor lang tid tar det?" borrows its terms and one with no topic of its own ("Hvor finner
    vi den?") asks about it; an abstention leaves it unchanged (Assistant.followed).
    """
    answer = assistant.ask_after(message or "", context or "")
    history = list(history or []) + [
        {"role": "user", "content": answer.question or words(lang)["empty_question"]},  # masked by ask()
        {"role": "assistant", "content": answer_html(assistant, answer, lang)}]
    answers = {**(answers or {}), len(history) - 1: answer}
    log.info("chat answer reason=%s latency_ms=%s", answer.reason, answer.latency_ms)
    return "", history, answers, assistant.followed(context or "", answer)


def search_hits(assistant: Assistant, question, k, context) -> tuple[list[list], dict]:
    """The Kilder tab: (the retriever's ranked hits as table rows, the answer as API JSON).

    A query or earlier question longer than ASSISTANT_MAX_QUESTION_CHARS is not searched: no
    rows, and the answer is the "too long" message, as for a question. `k` stays within 1..chunks.
    """
    question = question if isinstance(question, str) else ""
    context = context if isinstance(context, str) else ""
    too_long = next((t for t in (question, context) if len(t) > assistant.settings.max_question_chars), None)
    if too_long is not None:
        return [], assistant.ask(too_long).to_dict()  # the abstention that says how long is allowed
    try:
        k = max(1, min(int(k or 5), len(assistant.chunks)))
    except (TypeError, ValueError):
        k = 5
    hits = assistant.search(question, k=k, context=context)
    rows = [[i, round(h.score, 4), round(h.lexical, 3), round(h.dense, 3), round(h.coverage, 3),
             h.chunk.heading, h.chunk.text] for i, h in enumerate(hits, 1)]
    return rows, assistant.ask_after(question, context).to_dict()


def throttle(limiter: Limiter, request) -> None:
    """Raises a gr.Error that says how long to wait when this client is over its rate limit."""
    wait = limiter.wait(client_address(request))
    if wait > 0:
        seconds = max(1, round(wait + 0.5))
        raise gr.Error(f"For mange forespørsler fra din adresse: vent {seconds} s og prøv igjen. "
                       f"(Too many requests from your address: wait {seconds} s and try again.)",
                       title="For mange forespørsler", print_exception=False)


MAX_RELATED_BUTTONS = 3


def related_buttons(answer: Answer | None) -> list:
    """Updates for the "Possibly related" heading and its buttons: shown for a decline's sections."""
    related = answer.related if answer is not None else ()
    heading = gr.update(visible=bool(related))
    buttons = [gr.update(value=related[i].section, visible=True) if i < len(related)
               else gr.update(value="", visible=False) for i in range(MAX_RELATED_BUTTONS)]
    return [heading, *buttons]


def build_app(assistant: Assistant, feedback: FeedbackStore | None = None,
              limiter: Limiter | None = None) -> gr.Blocks:
    """The whole UI, queued for concurrent use; launch it with `.launch(...)`.

    `limiter` defaults to ASSISTANT_RATE_LIMIT per client address.
    """
    settings = assistant.settings
    feedback = feedback or FeedbackStore.for_settings(settings)
    limiter = limiter or Limiter(RateLimit.from_env(os.environ))
    documents = {d.source: d for d in assistant.documents}

    def respond(message, history, answers, context, lang, request: gr.Request):
        throttle(limiter, request)
        box, history, answers, context = chat_turn(assistant, message, history, answers, context, lang)
        return [box, history, answers, context, *related_buttons(answers[len(history) - 1])]

    def ask_example(i: int):
        def ask_this_example(history, answers, context, lang, request: gr.Request):
            return respond(example(lang, i), history, answers, context, lang, request)
        return ask_this_example

    def on_like(answers, lang, data: gr.LikeData, request: gr.Request):
        throttle(limiter, request)
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer = answers.get(index)
        if answer is None:
            return
        try:
            vote = feedback.record(answer, data.liked, session=request.session_hash or "", message=index)
        except (sqlite3.Error, OSError, AssistantError) as exc:  # a vote lost is no reason to break the chat
            log.warning("feedback not stored in %s: %s", feedback.path, exc)
            gr.Warning(words(lang)["vote_failed"])
            return
        gr.Info(words(lang)[{"up": "vote_up", "down": "vote_down"}.get(vote, "vote_removed")])

    def show_document(source):
        doc = documents.get(source)
        if doc is None:
            return "", [], []
        sections = [s for s in assistant.sections if s.source == source]
        chunks = [c for c in assistant.chunks if c.source == source]
        info = (f"**{doc.title}** — `{doc.source}`, språk {doc.language}, {len(doc.text)} tegn, "
                f"{len(sections)} seksjoner, {len(chunks)} biter, sha256 `{doc.sha256[:12]}`")
        if doc.source_url:
            info += f" — [{read_on('nb', doc.source_url)}]({doc.source_url})"
        return (info, [[s.heading, s.parent, s.start, s.end, s.end - s.start] for s in sections],
                [[c.id, c.heading, c.start, c.end, c.text] for c in chunks])

    def search(question, k, context, request: gr.Request):
        throttle(limiter, request)
        rows, answer = search_hits(assistant, question, k, context)
        return rows, gr.update(value=answer, visible=True)

    def ask(question: str, request: gr.Request) -> dict:
        """Answer one question about access to NPR data; the same JSON as `assistant ask --json`."""
        throttle(limiter, request)
        return assistant.ask(question if isinstance(question, str) else "").to_dict()

    with Blocks(title=settings.title) as demo:
        with gr.Row(equal_height=True, elem_id="title-row"):
            gr.Markdown(f"# {settings.title}")
            # the language names stay as they are: each is read in its own language
            language = gr.Radio([("Norsk", "nb"), ("English", "en")], value=None, label=I18N("language"),
                                scale=0, min_width=220, elem_id="language")
        gr.Markdown(I18N("intro"))
        gr.HTML(f"<style>{CSS}</style>", padding=False, elem_id="app-style", apply_default_css=False)
        answers, context = gr.State({}), gr.State("")
        # the page's language, for what the server writes (set by the script below on load)
        lang = gr.Textbox("nb", visible="hidden", elem_id="ui-lang", label="ui-lang")
        with gr.Tab(I18N("tab_ask")):
            chatbot = gr.Chatbot(label=I18N("chat_label"), height=520, buttons=["copy"],
                                 feedback_options=("Like", "Dislike"), elem_id="chat",
                                 placeholder=I18N("chat_placeholder"))
            related_heading = gr.Markdown(I18N("related_heading"), visible=False, elem_id="related-heading")
            with gr.Row(elem_id="related"):
                related = [gr.Button("", size="sm", variant="secondary", visible=False,
                                     elem_classes=["related"]) for _ in range(MAX_RELATED_BUTTONS)]
            with gr.Row():
                box = gr.Textbox(label=I18N("question_label"), show_label=False,
                                 placeholder=I18N("question_placeholder"),
                                 scale=8, max_lines=6, elem_id="question")
                send = gr.Button(I18N("send"), variant="primary", scale=1, min_width=80)
            gr.Markdown(I18N("examples_heading"))
            with gr.Row():
                examples = [gr.Button(I18N(f"example_{i}"), size="sm", variant="secondary")
                            for i in range(N_EXAMPLES)]
            new_chat = gr.Button(I18N("new_chat"), size="sm")
        with gr.Tab(I18N("tab_sources")):
            doc_pick = gr.Dropdown([(f"{d.title} ({d.source})", d.source) for d in assistant.documents],
                                   value=assistant.documents[0].source if assistant.documents else None,
                                   label=I18N("document"))
            doc_info = gr.Markdown()
            sections_table = gr.Dataframe(headers=SECTION_COLUMNS, label=I18N("sections"), wrap=True,
                                          elem_id="sections")
            chunks_table = gr.Dataframe(headers=CHUNK_COLUMNS, label=I18N("chunks"), wrap=True,
                                        column_widths=["12%", "20%", "6%", "6%", "56%"])
            gr.Markdown(I18N("why"))
            with gr.Row():
                query = gr.Textbox(label=I18N("search_label"), scale=4, elem_id="search")
                prior = gr.Textbox(label=I18N("prior_label"), scale=3)
                k = gr.Slider(1, max(1, len(assistant.chunks)), value=5, step=1, label=I18N("k_label"),
                              scale=2)
            go = gr.Button(I18N("search"), variant="primary")
            hits_table = gr.Dataframe(headers=HIT_COLUMNS, label=I18N("hits"), wrap=True, elem_id="hits",
                                      column_widths=["4%", "8%", "8%", "8%", "8%", "18%", "46%"])
            # shown from the first search on (Gradio's empty JSON box has an aria-label axe rejects)
            answer_json = gr.JSON(label=I18N("answer_json"), elem_id="answer-json", visible=False)

        # the UI's own events stay off the public API: /ask is the one endpoint clients use
        private = dict(api_visibility="private")
        chat_in = [chatbot, answers, context, lang]
        chat_out = dict(outputs=[box, chatbot, answers, context, related_heading, *related], **private)
        box.submit(respond, inputs=[box, *chat_in], **chat_out)
        send.click(respond, inputs=[box, *chat_in], **chat_out)
        for i, button in enumerate(examples):  # an example button asks its text in the page's language
            button.click(ask_example(i), inputs=chat_in, **chat_out)
        for button in related:  # a related button asks about its section (its heading)
            button.click(respond, inputs=[button, *chat_in], **chat_out)
        # every thumb counts: Gradio's default ("once") drops a vote clicked while another is still
        # being stored, so two quick votes under load kept only the first
        chatbot.like(on_like, inputs=[answers, lang], outputs=None, trigger_mode="multiple", **private)
        reset = dict(fn=lambda: ([], {}, "", *related_buttons(None)),
                     outputs=[chatbot, answers, context, related_heading, *related], **private)
        new_chat.click(**reset)
        chatbot.clear(**reset)
        language.input(None, js=SWITCH_LANG_JS, inputs=[language], outputs=[lang], **private)
        demo.load(None, js=INITIAL_LANG_JS, outputs=[lang, language], **private)
        doc_io = dict(inputs=doc_pick, outputs=[doc_info, sections_table, chunks_table], **private)
        doc_pick.change(show_document, **doc_io)
        demo.load(show_document, **doc_io)
        search_io = dict(inputs=[query, k, prior], outputs=[hits_table, answer_json], **private)
        go.click(search, **search_io)
        query.submit(search, **search_io)
        gr.api(ask, api_name="ask")
    # a FastAPI app that mounts this one (gr.mount_gradio_app) keeps the translations too
    demo.i18n_instance = I18N
    # Assistant.ask is safe to call from many threads; 20 parallel API calls must not time out
    return demo.queue(default_concurrency_limit=8)
