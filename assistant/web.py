"""The plain HTTP JSON API, served by the apps on the same port as their Gradio UI.

    POST /api/v1/ask      {"question": str, "context": str?}  -> the `assistant ask --json` object
    GET  /api/v1/health   status, whether the chat page is up yet, index build and fingerprint,
                          corpus hash, model
    GET  /api/v1/openapi.json
    POST /api/v1/draft    {"mail": str} -> the `assistant draft --json` object (staff app, log-in)

Bad requests are JSON errors, never a traceback: 404 for a path under /api/v1 that is no route, 405
(with Allow) for another method on one, 413 over MAX_BODY bytes, 415 for a body that is not
application/json, 422 for a missing or non-string field (or JSON that does not parse), 429 with
Retry-After over the rate limit, 503 with Retry-After when the answer queue is full.
Answering runs in a bounded thread pool (`AnswerPool`), so the event loop keeps serving.
Only the apps import this module (FastAPI is Gradio's dependency): the CLI never loads it.
Deliberately left out: API keys for the applicant API (it is as public as the chat) and
Swagger UI (it loads its scripts from a CDN).
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Callable

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import AssistantError
from .limits import Limiter, LockedOut, LoginGuard, client_address
from .privacy import mask_personal_numbers
from .settings import Settings, whole_number

log = logging.getLogger("assistant.web")

PREFIX = "/api/v1"
MAX_BODY = 64 * 1024  # bytes of one request body: a question is at most a few thousand characters


def pool_size(env=os.environ) -> int:
    """ASSISTANT_API_THREADS, default two per core; a bad value is a ConfigError naming it.

    Why two per core: an answer is CPU work (the e5 question embedding, in C without the GIL, then
    Python ranking with it), so more threads than cores only queue inside the process; a second
    thread per core keeps a core busy while the other thread of its pair waits for the model's lock
    or the GIL. Measured with `make load` (README): 4 threads on this 2-core machine.
    """
    return whole_number(env, "ASSISTANT_API_THREADS", Settings.api_threads)


def queue_size(env=os.environ) -> int:
    """ASSISTANT_API_QUEUE, default 256: requests that may wait for an answer thread (0 or more)."""
    return whole_number(env, "ASSISTANT_API_QUEUE", Settings.api_queue, low=0)


class AnswerPool:
    """A bounded pool of worker threads with a bounded queue in front of it.

    `await pool.run(fn, *args)` runs fn on a worker thread; when `queue` callers are already
    waiting it raises Busy at once (the API answers 503) instead of letting the queue grow.
    """

    class Busy(Exception):
        pass

    def __init__(self, threads: int, queue: int):
        self.threads, self.queue = threads, queue
        self._limiter = anyio.CapacityLimiter(threads)
        self._waiting = 0

    async def run(self, fn: Callable, *args):
        if self._waiting >= self.threads + self.queue:
            raise AnswerPool.Busy()
        self._waiting += 1  # only the event loop's thread touches this counter
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self._waiting -= 1


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(description="The applicant's question, in bokmål, nynorsk or English.",
                                examples=["Hva koster det?"])
    context: StrictStr = Field("", description="An earlier question or the message around this one; "
                                              "it steers the answer, and a question that names nothing "
                                              "of its own ('Hvor finner vi den?') asks about it.")


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    mail: StrictStr = Field(description="An applicant's e-mail: plain text or the raw .eml source.")


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    source: str
    section: str
    quote: str = Field(description="Exact text of the source file: open(source).read()[start:end]")
    start: int
    end: int
    score: float
    title: str = ""
    url: str | None = Field(None, description="The official page with a text fragment that highlights "
                                              "the quote; null for a document without a source_url")


class RelatedOut(BaseModel):
    section: str
    url: str | None = Field(None, description="The official page at the section; null without a source_url")
    score: float = Field(description="The section's similarity to the question (above the fitted floor)")


class AnswerOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    question: str
    answer: str
    abstained: bool
    citations: list[CitationOut]
    latency_ms: float
    lang: str
    reason: str = Field(description="answered | not_covered | empty (no question asked: thanks or a greeting gets a courtesy reply, anything else a call to ask one) | too_long | invalid")
    confidence: float
    related: list[RelatedOut] = Field([], description="Only on a decline (not_covered): up to three "
                                                      "sections close to the question; never citations")


class ErrorOut(BaseModel):
    error: str
    detail: list | str | None = None


def error(status: int, message: str, detail=None, headers: dict | None = None) -> JSONResponse:
    body = {"error": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, headers=headers)


class BodyLimits:
    """ASGI middleware for the API's POST routes: 415 unless the body is JSON, 413 past MAX_BODY
    bytes (by Content-Length, or counted as a chunked body arrives), before anything parses it."""

    def __init__(self, app, max_body: int = MAX_BODY):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "POST" or \
                not scope.get("path", "").startswith(PREFIX + "/"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return await error(415, "The body must be JSON: send Content-Type: application/json.",
                               headers={"Accept": "application/json"})(scope, receive, send)
        try:
            declared = int(headers.get("content-length", "0"))
        except ValueError:
            declared = 0
        too_big = error(413, f"The body is over {self.max_body // 1024} KB: send a shorter question.")
        if declared > self.max_body:
            return await too_big(scope, receive, send)
        # read the body here (at most max_body + 1 bytes of it), then hand it on in one piece
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            more = message.get("more_body", False)
            if seen > self.max_body:
                return await too_big(scope, receive, send)
        body, delivered = b"".join(chunks), False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def corpus_hash(documents) -> str:
    """sha256 over the documents' names and hashes, in order: changes when any document does."""
    digest = hashlib.sha256()
    for d in sorted(documents, key=lambda d: d.source):
        digest.update(f"{d.source}\x00{d.sha256}\n".encode())
    return digest.hexdigest()


def build_api(assistant, limiter: Limiter | None = None, pool: AnswerPool | None = None,
              drafter=None, guard: LoginGuard | None = None, title: str = "") -> FastAPI:
    """The FastAPI app with /api/v1/ask and /api/v1/health; with `drafter` also /api/v1/draft,
    behind HTTP Basic checked by `guard` (the staff UI's log-in: 401 without it, 429 while locked
    out). Without a guard the staff app has no log-in (loopback only), and neither has the API.
    Mount the Gradio UI on it with gr.mount_gradio_app(api, demo, path="/")."""
    pool = pool or AnswerPool(pool_size(), queue=queue_size())
    api = FastAPI(title=title or "NPR data-access assistant", version="1",
                  description="Cited answers from the guidance on getting data from Norsk pasientregister.",
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=None, redoc_url=None)
    api.add_middleware(BodyLimits)
    errors = {413: {"model": ErrorOut, "description": "Body over 64 KB"},
              415: {"model": ErrorOut, "description": "Body is not application/json"},
              422: {"model": ErrorOut, "description": "Missing or non-string field, or bad JSON"},
              429: {"model": ErrorOut, "description": "Over the rate limit; see Retry-After"},
              503: {"model": ErrorOut, "description": "Busy, or the index is unavailable; see Retry-After"}}

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        detail = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "problem": e.get("msg", "")}
                  for e in exc.errors()]
        return error(422, "The body must be a JSON object with a string field "
                     f"{'mail' if request.url.path.endswith('/draft') else 'question'}.", detail)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:  # FastAPI could not read the body (binary junk, bad encoding)
            return error(422, "The body must be a JSON object (UTF-8) with a string field "
                         f"{'mail' if request.url.path.endswith('/draft') else 'question'}.")
        return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @api.exception_handler(AnswerPool.Busy)
    async def busy(request: Request, exc: AnswerPool.Busy):
        return error(503, "Too many questions at once: try again in a second.", headers={"Retry-After": "1"})

    @api.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.error("API %s failed: %s: %s", request.url.path, type(exc).__name__,
                  mask_personal_numbers(str(exc)))
        return error(500, "Something went wrong on our side; the question was not answered.")

    def throttled(request: Request) -> JSONResponse | None:
        if limiter is None:
            return None
        wait = limiter.wait(client_address(request))
        if wait > 0:
            seconds = max(1, round(wait + 0.5))
            return error(429, f"Too many requests from your address: wait {seconds} s.",
                         headers={"Retry-After": str(seconds)})
        return None

    @api.post(f"{PREFIX}/ask", response_model=AnswerOut, responses=errors, tags=["answers"],
              summary="Answer one question, with verbatim citations")
    async def ask(body: AskRequest, request: Request):
        """The same JSON as `assistant ask --json`. A question the guidance does not cover gets
        `abstained: true` and `reason: "not_covered"`; an empty or too long one `reason` empty/too_long."""
        over = throttled(request)
        if over is not None:
            return over
        try:
            answer = await pool.run(assistant.ask_after, body.question, body.context)
        except AssistantError as exc:  # the vector store gone for good, a model that failed
            return error(503, str(exc), headers={"Retry-After": "5"})
        return JSONResponse(answer.to_dict())

    @api.get(f"{PREFIX}/health", tags=["service"], summary="Status, index build, corpus hash and model")
    async def health():
        manifest = dict(getattr(assistant.vectors, "manifest", {}) or {})
        return {"status": "ok", "ui": getattr(api.state, "ui", "ready"),
                "index": {"build": manifest.get("build", ""),
                                          "fingerprint": manifest.get("fingerprint", ""),
                                          "items": manifest.get("count", 0),
                                          "built_at": manifest.get("built_at", "")},
                "corpus_hash": corpus_hash(assistant.documents),
                "documents": [d.source for d in assistant.documents],
                "chunks": len(assistant.chunks),
                "model": assistant.embedder.name}

    if drafter is not None:
        basic = HTTPBasic(auto_error=False, realm="NPR brukerstøtte")

        def staff(request: Request, credentials: HTTPBasicCredentials | None = Depends(basic)):
            if guard is None:  # the staff app without a log-in (loopback only): as open as its UI
                return ""
            if credentials is None:
                raise _Unauthorized("Log in with the staff user name and password (HTTP Basic).")
            try:
                ok = guard.check(credentials.username, credentials.password, client=client_address(request))
            except LockedOut as exc:
                raise _Locked(exc.seconds)
            if not ok:
                raise _Unauthorized("Wrong user name or password.")
            return credentials.username

        @api.exception_handler(_Unauthorized)
        async def unauthorized(request: Request, exc: _Unauthorized):
            return error(401, str(exc), headers={"WWW-Authenticate": 'Basic realm="NPR brukerstøtte"'})

        @api.exception_handler(_Locked)
        async def locked(request: Request, exc: _Locked):
            seconds = max(1, round(exc.seconds + 0.5))
            return error(429, f"Too many failed log-ins: wait {seconds} s.", headers={"Retry-After": str(seconds)})

        @api.post(f"{PREFIX}/draft", responses={**errors, 401: {"model": ErrorOut}}, tags=["staff"],
                  summary="A reply draft for one applicant e-mail (staff log-in)")
        async def draft(body: DraftRequest, request: Request, user: str = Depends(staff)):
            """The same JSON as `assistant draft --json`: the draft and each question with its answer,
            citations and whether it must be answered by hand."""
            over = throttled(request)
            if over is not None:
                return over
            try:
                result = await pool.run(drafter.draft_text, body.mail)
            except AssistantError as exc:
                return error(503, str(exc), headers={"Retry-After": "5"})
            return JSONResponse(result.to_dict())

    @api.api_route(PREFIX + "/{rest:path}", methods=list(METHODS), include_in_schema=False)
    async def elsewhere(request: Request, rest: str):
        """Another method on an API route (405 with Allow) or no such route (404), in the API's error
        shape: without this route the Gradio UI mounted at / would answer both with its own 404."""
        path = f"{PREFIX}/{rest}"
        allowed = sorted({m for r in api.routes if getattr(r, "path", None) == path
                          and getattr(r, "endpoint", None) is not elsewhere
                          for m in getattr(r, "methods", None) or ()})
        if allowed:
            return error(405, f"{path} takes {' or '.join(allowed)}, not {request.method}.",
                         headers={"Allow": ", ".join(allowed)})
        return error(404, f"There is no {path}; the API's routes are in {PREFIX}/openapi.json.")

    return api


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")  # what the catch-all route answers


class _Unauthorized(Exception):
    pass


class _Locked(Exception):
    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class Served:
    """A running server (see `serve`): `url`, and `close()` to stop it."""

    def __init__(self, server, thread, url: str):
        self.server, self.thread, self.url = server, thread, url

    def close(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout)


STARTING_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>NPR-assistenten starter</title></head><body style="font-family: sans-serif; margin: 2rem">
<h1>Assistenten starter …</h1><p>Siden lastes på nytt av seg selv om et par sekunder.</p>
<p lang="en">The assistant is starting: this page reloads itself in a couple of seconds.</p>
</body></html>"""


class Staged:
    """The JSON API as soon as the index is open, the Gradio UI when Gradio has loaded.

    Gradio's import takes seconds, the assistant about one: `serve_staged` starts the server on
    this ASGI app first. Until `mount_ui`, /api/v1 answers, every other HTTP path is a 503 page
    that reloads itself (Retry-After: 2) and a websocket is refused (uvicorn answers it with
    HTTP 403); then the UI is mounted at / as `serve` mounts it, and its queue and startup events
    run in the server's event loop, since the server's own startup is long past. The UI's
    shutdown runs at the server's.
    """

    def __init__(self, api: FastAPI):
        self.api = api
        api.state.ui = "starting"  # "ready" once the page is mounted; /api/v1/health says which
        self._loop = None
        self._stop = None  # an asyncio.Event in the server's loop: the UI's lifespan ends
        self._ui_task = None

    class Stopped(Exception):
        """The server stopped before the UI could be mounted."""

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            import asyncio

            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()

            async def receiving():
                message = await receive()
                if message["type"] == "lifespan.shutdown" and self._ui_task is not None:
                    self._stop.set()
                    if not self._ui_task.done():  # a UI that failed to start was reported then
                        try:
                            await asyncio.wait_for(asyncio.wrap_future(self._ui_task), 5)
                        except Exception as exc:  # the server stops all the same
                            log.warning("the chat page did not stop cleanly (%s)", type(exc).__name__)
                return message

            return await self.api(scope, receiving, send)
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):  # behind a proxy prefix, the API is still the API
            path = path[len(root):]
        if self.api.state.ui != "ready" and not path.startswith(PREFIX):
            if scope["type"] == "http":
                from starlette.responses import HTMLResponse

                response = HTMLResponse(STARTING_PAGE, status_code=503, headers={"Retry-After": "2"})
                return await response(scope, receive, send)
            return await send({"type": "websocket.close", "code": 1013})  # refused before accept
        return await self.api(scope, receive, send)

    def mount_ui(self, demo, timeout: float = 60.0, **mount_options) -> None:
        """Mounts the Gradio UI at / and runs its startup (its queue) in the server's loop;
        returns once that has run. Raises Staged.Stopped when the server has stopped meanwhile."""
        import asyncio
        import threading

        import gradio as gr
        from gradio.routes import App

        if self._loop is None:
            raise RuntimeError("mount_ui before the server started")
        gr.mount_gradio_app(self.api, demo, path="/", ssr_mode=False, **mount_options)
        ui = next(r.app for r in reversed(self.api.routes) if isinstance(getattr(r, "app", None), App))
        started = threading.Event()

        async def run():
            async with ui.router.lifespan_context(ui):  # what mount_gradio_app's lifespan would do
                blocks = ui.get_blocks()
                blocks.run_startup_events()
                await blocks.run_extra_startup_events()
                started.set()
                await self._stop.wait()

        coroutine = run()
        try:
            self._ui_task = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        except RuntimeError:  # the loop closed: stopped while Gradio loaded
            coroutine.close()
            raise Staged.Stopped() from None
        while not started.wait(0.05):
            if self._ui_task.done():
                try:
                    self._ui_task.result()  # raises what failed
                except asyncio.CancelledError:
                    raise Staged.Stopped() from None
            if self._loop.is_closed():
                raise Staged.Stopped()
            timeout -= 0.05
            if timeout <= 0:
                raise RuntimeError("the UI did not start")
        self.api.state.ui = "ready"


def serve_staged(api: FastAPI, host: str, port: int) -> tuple[Served, Staged]:
    """Starts serving the API at once (a background thread); mount the UI later with
    `staged.mount_ui(demo)`. A port that cannot be had is an OSError."""
    staged = Staged(api)
    return _start(staged, host, port, background=True), staged


def serve(api: FastAPI, demo, host: str, port: int, background: bool = False, **mount_options) -> Served:
    """The Gradio UI mounted at / on the API's FastAPI app, served by uvicorn on host:port.

    In the foreground it returns when the server stops (SIGINT/SIGTERM); with background=True it
    runs on a thread and returns once it listens. A port that cannot be had is an OSError.
    """
    import gradio as gr

    app = gr.mount_gradio_app(api, demo, path="/", ssr_mode=False, server_name=host, server_port=port,
                              **mount_options)
    return _start(app, host, port, background)


def _start(app, host: str, port: int, background: bool) -> Served:
    import threading

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False, timeout_graceful_shutdown=5))
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    failed = []

    def run():
        try:
            server.run()
        except SystemExit as exc:  # uvicorn exits when it cannot bind
            failed.append(exc)

    if not background:
        run()
        if failed or not server.started:
            raise OSError(f"cannot listen on {host}:{port}")
        return Served(server, None, url)
    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.02)
    if not server.started:
        raise OSError(f"cannot listen on {host}:{port}")
    return Served(server, thread, url)
