"""The Gradio app: chat with cited sources, thumbs up/down, a sources browser and a JSON API.

    python app.py                      http://127.0.0.1:7860 (ASSISTANT_HOST / ASSISTANT_PORT)
    Client(url).predict("Hva koster det?", api_name="/ask") -> the `assistant ask --json` dict
    POST /api/v1/ask {"question": "Hva koster det?"}      -> the same dict (assistant/web.py)

It talks to `Assistant` only (ask, search, documents, sections, chunks) and re-implements no
step. Every request is bounded: questions and Kilder queries by ASSISTANT_MAX_QUESTION_CHARS, and
each client address by a token bucket (ASSISTANT_RATE_LIMIT, default 60/min; over it the client is
told how long to wait). A port in use is one line and exit code 2. Deliberately left out: log-in,
file upload, streaming, and anything fetched from the internet (Gradio's bundled fonts and scripts).
"""

from __future__ import annotations

import html
import logging
import os
import re
import sqlite3
import sys

# importing the package sets the offline variables (HF_HUB_OFFLINE, GRADIO_ANALYTICS_ENABLED...)
from assistant import Answer, Assistant, AssistantError, Citation, Settings
from assistant.feedback import FeedbackStore
from assistant.limits import Limiter, RateLimit, client_address, port_taken
from assistant.privacy import MaskingFilter
from assistant.web import build_api, pool_size, serve

import gradio as gr  # noqa: E402  (after the offline variables)

log = logging.getLogger("app")
MARGIN = 150  # characters of the document shown either side of a quote
EXAMPLES = ["Hva koster det?", "Hvor lang tid tar det å få data?",
            "Må jeg søke via helsedata.no når det ikke er forskning?", "How long does delivery take?"]
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


def sources_html(assistant: Assistant, citations: tuple[Citation, ...]) -> str:
    """The cited passages: heading, quotes highlighted in their surrounding text, document."""
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
                   f'tegn {group[0].start}–{group[-1].end})</p><blockquote>{excerpt}</blockquote></div>')
    return "".join(out)


def answer_html(assistant: Assistant, answer: Answer) -> str:
    """One chat message: the answer, then its sources (one HTML block: no blank lines)."""
    body = EMAIL.sub(lambda m: f'<a href="mailto:{m[0]}">{m[0]}</a>', _escape(answer.answer.strip()))
    if not answer.citations:
        return f'<div class="svar">{body}</div>'
    return (f'<div class="svar">{body}</div><div class="kilder"><p><strong>Kilder</strong></p>'
            f"{sources_html(assistant, answer.citations)}</div>")


def chat_turn(assistant: Assistant, message: str, history: list, answers: dict, context: str):
    """One question in the chat -> (cleared textbox, history, answers by message index, context).

    The context for the next question is the last *answered* one, so a follow-up such as
    "Og hvor lang tid tar det?" borrows its terms; an abstention leaves it unchanged.
    """
    answer = assistant.ask(message or "", context=context or "")
    history = list(history or []) + [
        {"role": "user", "content": answer.question or "(tomt spørsmål)"},  # masked by ask()
        {"role": "assistant", "content": answer_html(assistant, answer)}]
    answers = {**(answers or {}), len(history) - 1: answer}
    log.info("chat answer reason=%s latency_ms=%s", answer.reason, answer.latency_ms)
    return "", history, answers, (context if answer.abstained else answer.question)


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
    return rows, assistant.ask(question, context=context).to_dict()


def throttle(limiter: Limiter, request) -> None:
    """Raises a gr.Error that says how long to wait when this client is over its rate limit."""
    wait = limiter.wait(client_address(request))
    if wait > 0:
        seconds = max(1, round(wait + 0.5))
        raise gr.Error(f"For mange forespørsler fra din adresse: vent {seconds} s og prøv igjen. "
                       f"(Too many requests from your address: wait {seconds} s and try again.)",
                       title="For mange forespørsler", print_exception=False)


def build_app(assistant: Assistant, feedback: FeedbackStore | None = None,
              limiter: Limiter | None = None) -> gr.Blocks:
    """The whole UI, queued for concurrent use; launch it with `.launch(...)`.

    `limiter` defaults to ASSISTANT_RATE_LIMIT per client address.
    """
    settings = assistant.settings
    feedback = feedback or FeedbackStore.for_settings(settings)
    limiter = limiter or Limiter(RateLimit.from_env(os.environ))
    documents = {d.source: d for d in assistant.documents}

    def respond(message, history, answers, context, request: gr.Request):
        throttle(limiter, request)
        return chat_turn(assistant, message, history, answers, context)

    def on_like(answers, data: gr.LikeData, request: gr.Request):
        throttle(limiter, request)
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer = answers.get(index)
        if answer is None:
            return
        try:
            vote = feedback.record(answer, data.liked, session=request.session_hash or "", message=index)
        except (sqlite3.Error, OSError, AssistantError) as exc:  # a vote lost is no reason to break the chat
            log.warning("feedback not stored in %s: %s", feedback.path, exc)
            gr.Warning("Tilbakemeldingen kunne ikke lagres. Prøv igjen, eller kontakt brukerstøtte.")
            return
        gr.Info({"up": "Takk! Svaret er merket som nyttig.",
                 "down": "Takk! Svaret blir gjennomgått av brukerstøtte."}.get(vote, "Stemmen er fjernet."))

    def show_document(source):
        doc = documents.get(source)
        if doc is None:
            return "", [], []
        sections = [s for s in assistant.sections if s.source == source]
        chunks = [c for c in assistant.chunks if c.source == source]
        info = (f"**{doc.title}** — `{doc.source}`, språk {doc.language}, {len(doc.text)} tegn, "
                f"{len(sections)} seksjoner, {len(chunks)} biter, sha256 `{doc.sha256[:12]}`")
        return (info, [[s.heading, s.parent, s.start, s.end, s.end - s.start] for s in sections],
                [[c.id, c.heading, c.start, c.end, c.text] for c in chunks])

    def search(question, k, context, request: gr.Request):
        throttle(limiter, request)
        return search_hits(assistant, question, k, context)

    def ask(question: str, request: gr.Request) -> dict:
        """Answer one question about access to NPR data; the same JSON as `assistant ask --json`."""
        throttle(limiter, request)
        return assistant.ask(question if isinstance(question, str) else "").to_dict()

    with gr.Blocks(title=settings.title) as demo:
        gr.Markdown(f"# {settings.title}\nSvar på spørsmål om tilgang til data fra Norsk "
                    "pasientregister (NPR). Svarene er sitater fra veiledningen, med kilde.")
        answers, context = gr.State({}), gr.State("")
        with gr.Tab("Spør"):
            chatbot = gr.Chatbot(label="Samtale", height=520, buttons=["copy"],
                                 feedback_options=("Like", "Dislike"),
                                 placeholder="Spør om søknad, pris, leveringstid eller innhold i NPR.")
            with gr.Row():
                box = gr.Textbox(show_label=False, placeholder="Skriv spørsmålet ditt her og trykk Enter",
                                 scale=8, max_lines=6, elem_id="question")
                send = gr.Button("Send", variant="primary", scale=1)
            gr.Markdown("**Eksempler** (klikk for å spørre):")
            with gr.Row():
                examples = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES]
            new_chat = gr.Button("Ny samtale", size="sm")
        with gr.Tab("Kilder"):
            doc_pick = gr.Dropdown([(f"{d.title} ({d.source})", d.source) for d in assistant.documents],
                                   value=assistant.documents[0].source if assistant.documents else None,
                                   label="Dokument")
            doc_info = gr.Markdown()
            sections_table = gr.Dataframe(headers=SECTION_COLUMNS, label="Seksjoner", wrap=True,
                                          elem_id="sections")
            chunks_table = gr.Dataframe(headers=CHUNK_COLUMNS, label="Biter i indeksen", wrap=True,
                                        column_widths=["12%", "20%", "6%", "6%", "56%"])
            gr.Markdown("### Hvorfor svarte den det?\nSøket viser treffene slik de rangeres før svaret "
                        "settes sammen: samlet score, leksikalsk (BM25), semantisk (cosinus) og dekning.")
            with gr.Row():
                query = gr.Textbox(label="Søk i indeksen", scale=4, elem_id="search")
                prior = gr.Textbox(label="Forrige spørsmål (valgfritt)", scale=3)
                k = gr.Slider(1, max(1, len(assistant.chunks)), value=5, step=1, label="Antall treff",
                              scale=2)
            go = gr.Button("Søk", variant="primary")
            hits_table = gr.Dataframe(headers=HIT_COLUMNS, label="Treff", wrap=True, elem_id="hits",
                                      column_widths=["4%", "8%", "8%", "8%", "8%", "18%", "46%"])
            answer_json = gr.JSON(label="Svaret (samme JSON som API-et)", elem_id="answer-json")

        # the UI's own events stay off the public API: /ask is the one endpoint clients use
        chat_out = dict(outputs=[box, chatbot, answers, context], api_visibility="private")
        box.submit(respond, inputs=[box, chatbot, answers, context], **chat_out)
        send.click(respond, inputs=[box, chatbot, answers, context], **chat_out)
        for button in examples:  # an example button asks its own label
            button.click(respond, inputs=[button, chatbot, answers, context], **chat_out)
        chatbot.like(on_like, inputs=[answers], outputs=None, api_visibility="private")
        reset = dict(fn=lambda: ([], {}, ""), outputs=[chatbot, answers, context],
                     api_visibility="private")
        new_chat.click(**reset)
        chatbot.clear(**reset)
        doc_io = dict(inputs=doc_pick, outputs=[doc_info, sections_table, chunks_table],
                      api_visibility="private")
        doc_pick.change(show_document, **doc_io)
        demo.load(show_document, **doc_io)
        search_io = dict(inputs=[query, k, prior], outputs=[hits_table, answer_json],
                         api_visibility="private")
        go.click(search, **search_io)
        query.submit(search, **search_io)
        gr.api(ask, api_name="ask")
    # Assistant.ask is safe to call from many threads; 20 parallel API calls must not time out
    return demo.queue(default_concurrency_limit=8)


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
    _setup_logging()
    try:
        settings = Settings.from_env()
        limiter = Limiter(RateLimit.from_env(os.environ))
        # before the model loads: a port in use is known in milliseconds
        taken = port_taken(settings.host, settings.port, "ASSISTANT_PORT")
        if taken:
            print(f"app: {taken}", file=sys.stderr)
            return 2
        assistant = Assistant(settings)
        demo = build_app(assistant, limiter=limiter)
        api = build_api(assistant, limiter=limiter, title=settings.title)
    except AssistantError as exc:
        print(f"app: {exc}", file=sys.stderr)
        return 2
    log.info("ready in %.1f s: %d chunks from %d document(s), data in %s", assistant.startup_seconds,
             len(assistant.chunks), len(assistant.documents), settings.data_dir)
    log.info("serving http://%s:%d/ (JSON API under /api/v1, %d answer threads)", settings.host,
             settings.port, pool_size())
    try:
        serve(api, demo, settings.host, settings.port)
    except OSError as exc:  # taken between the check and now, or a host that is not this machine's
        print(f"app: cannot listen on {settings.host}:{settings.port} ({exc}); stop the other server "
              "or set ASSISTANT_HOST / ASSISTANT_PORT.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
