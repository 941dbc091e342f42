"""The web app: an OpenAI-compatible ``/v1`` API beside the Gradio chat (``/``) and widget (``/widget``).

Every interface goes through the same ``Bot.stream``; this module adds what serving from many threads
needs (a lock around the embedding model and retrieval) and the OpenAI wire format, so existing
OpenAI clients get cited answers with the structured citations in an extra ``citations`` field.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fastapi import Request  # at module level: FastAPI resolves handler annotations from these globals
from pydantic import BaseModel, ConfigDict, Field

from bot.answer import Bot, Event, InvalidQuestion
from bot.cite import HeuristicJudge
from bot.render import answer_dict, reply_answer, reply_content, sources_text
from bot.retrieve import Mode, Retriever
from bot.types import Answer, Audience, Passage
from bot.web.privacy import FAILED, log_failure
from ingest.embed import Embedder, Progress
from ingest.errors import CitebotError, SearchUnavailable
from ingest.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("citebot.api")
T = TypeVar("T")
MODEL_ID = "citebot"


class LockedEmbedder:
    """Serialises calls into the embedding model.

    Hugging Face fast tokenizers raise "Already borrowed" when one instance is used from two threads,
    and on a 2-core machine parallel forward passes only contend; one lock costs nothing and makes
    the model safe for the UI's and the API's worker threads.
    """

    def __init__(self, inner: Embedder, lock: threading.RLock) -> None:
        self.inner = inner
        self.lock = lock
        self.name = inner.name
        self.dim = inner.dim
        self.backend = inner.backend
        self.recipe = inner.recipe

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        with self.lock:
            return self.inner.count_tokens(texts)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        with self.lock:
            return self.inner.embed_documents(texts, progress)

    def embed_query(self, text: str) -> list[float]:
        with self.lock:
            return self.inner.embed_query(text)

    def warm(self) -> None:
        with self.lock:
            self.inner.warm()


class SerialRetriever(Retriever):
    """Retrieval under the model's lock: the BM25 stemmer and the Chroma client are not documented thread-safe."""

    def __init__(self, base: Retriever, lock: threading.RLock) -> None:
        super().__init__(base.store, base.embedder, base.lexical, base.candidates)
        self.lock = lock

    def search(self, query: str, k: int = 6, mode: Mode = "hybrid") -> list[Passage]:
        with self.lock:
            return super().search(query, k, mode)

    def search_many(self, queries: Sequence[str], k: int = 6, mode: Mode = "hybrid") -> list[list[Passage]]:
        with self.lock:
            return super().search_many(queries, k, mode)


def make_thread_safe(bot: Bot) -> Bot:
    """Route every model call of ``bot`` (retriever, extractive answerer, judge) through one lock; idempotent."""
    if isinstance(bot.retriever, SerialRetriever):
        return bot
    lock = threading.RLock()
    raw = bot.retriever.embedder
    locked = raw if isinstance(raw, LockedEmbedder) else LockedEmbedder(raw, lock)
    if isinstance(locked, LockedEmbedder):
        lock = locked.lock
    bot.retriever.embedder = locked
    bot.retriever = SerialRetriever(bot.retriever, lock)
    if bot.offline.embedder is raw:
        bot.offline.embedder = locked
    if bot.offline.near.embedder is raw:  # the scope check's words: a warm-up thread embeds them beside questions
        bot.offline.near.embedder = locked
    corpus = bot.offline.corpus
    if corpus is not None:  # the store is read under the lock too (the corpus's names, a warm-up): Chroma's client

        def read() -> list[Passage]:
            with lock:
                return list(corpus())

        bot.offline.corpus = read
    if isinstance(bot.judge, HeuristicJudge) and bot.judge.embedder is raw:
        bot.judge.embedder = locked
    return bot


# ---------------------------------------------------------------- OpenAI-compatible wire format


class ChatMessage(BaseModel):
    """One OpenAI message; ``content`` may be a string or a list of typed parts."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return ""


class ChatRequest(BaseModel):
    """The subset of OpenAI's chat-completions request citebot uses; unknown fields are ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    audience: Literal["clinician", "patient"] | None = Field(
        None, description="citebot extension: answer style; else a system message naming clinicians, else patient."
    )


def parse_request(req: ChatRequest, default: Audience = "patient") -> tuple[str, list[dict[str, str]], Audience]:
    """Last user message = question; the earlier user and assistant messages = history (the bot reads what it
    already answered from the assistant ones, so a follow-up is not sent the same sentences again); audience
    from the extra field or a system message."""
    turns = [m for m in req.messages if m.role in ("user", "assistant")]
    last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].role == "user"), None)
    if last is None:
        raise InvalidQuestion("the request has no user message")
    audience: Audience = default
    system = " ".join(m.text().lower() for m in req.messages if m.role in ("system", "developer"))
    if "clinician" in system or "healthcare professional" in system:
        audience = "clinician"
    if req.audience is not None:
        audience = req.audience
    history = [{"role": m.role, "content": reply_answer(m.text()) if m.role == "assistant" else m.text()}
               for m in turns[:last]]  # fmt: skip
    return turns[last].text(), history, audience


def _extras(answer: Answer) -> dict[str, Any]:
    data = answer_dict(answer)
    return {
        "citations": data["citations"],
        "citebot": {
            "status": answer.status,
            "audience": answer.audience,
            "backend": answer.backend,
            "notices": list(answer.notices),
            "followups": list(answer.followups),
            "disclaimer": answer.disclaimer,
            "safety": data["safety"],  # which safety rule or exemplar decided (docs/SAFETY.md)
        },
    }


def completion(answer: Answer, model: str) -> dict[str, Any]:
    """A ``chat.completion`` object carrying the cited answer."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply_content(answer)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        **_extras(answer),
    }


def completion_chunks(events: Iterator[Event], model: str) -> Iterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects from bot events.

    The bot's deltas are the verified text so far, while OpenAI deltas append; we send the new suffix.
    Should the verified text ever stop extending what was sent (a sentence removed after it streamed),
    the final answer is sent again after a rule, so a client never ends with unverified text alone.
    """
    cid = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        body = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [body], **extra}  # fmt: skip

    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    diverged = False
    final: Answer | None = None
    for event in events:
        if event.kind == "status":
            continue
        text = event.text
        if event.answer is not None:
            final = event.answer
            text = final.text
        if diverged:
            continue
        if text.startswith(sent):
            if len(text) > len(sent):
                yield chunk({"content": text[len(sent) :]})
                sent = text
        elif event.answer is None:
            diverged = True
    assert final is not None
    if diverged or not final.text.startswith(sent):
        yield chunk({"content": "\n\n---\n\n" + final.text})
    tail = "\n\n".join(p for p in (sources_text(final), final.disclaimer) if p)
    if tail:
        yield chunk({"content": "\n\n" + tail})
    yield chunk({}, "stop", **_extras(final))


def openai_error(message: str, status: int, kind: str = "invalid_request_error") -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": None}}, status)


# ---------------------------------------------------------------- the app


class RefuseNulPaths:
    """ASGI middleware: a path with a NUL byte is a 400 before any route sees it (Gradio's proxy route 500s on it)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "\x00" in scope.get("path", ""):
            from fastapi.responses import PlainTextResponse

            await PlainTextResponse("Bad request: NUL byte in the path.", 400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_bot(settings: Settings, embedder: Embedder | None = None) -> Bot:
    """The served bot: opened from settings, with the model behind a lock, warmed up before the first user."""
    from bot.retrieve import open_retriever

    bot = make_thread_safe(Bot.from_settings(settings, retriever=open_retriever(settings, embedder)))
    bot.retriever.embedder.embed_query("warm up")
    return bot


def warm_in_background(bot: Bot, say: Callable[[str], None] = log.info) -> threading.Thread:
    """Start the bot's warm-up (``Bot.warm``) in a daemon thread and return at once: questions asked meanwhile are
    answered as before, each waiting at most for one of its batches. ``say``s the number of passages, then the time."""
    bot = make_thread_safe(bot)

    def warm() -> None:
        try:
            passages = list(bot.offline.corpus()) if bot.offline.corpus else []
            say(f"warming up: embedding the sentences, words and phrases of {len(passages)} passages in the background")
            warmed = bot.warm(passages=passages)
        except Exception:  # the bot answers as before, embedding each passage when it is first retrieved
            log.exception("warm-up failed; passages are embedded when first retrieved")
            return
        say(f"warm-up done in {warmed.seconds:.1f} s ({warmed.units} sentences, {warmed.words} words and phrases)")

    thread = threading.Thread(target=warm, name="citebot-warm-up", daemon=True)
    thread.start()
    return thread


def create_app(bot: Bot, settings: Settings) -> FastAPI:
    """FastAPI app: ``/v1`` (OpenAI-compatible), ``/widget`` (embeddable Gradio), ``/`` (the chat)."""
    import anyio
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse, StreamingResponse

    from bot.web.feedback import FeedbackStore
    from bot.web.security import secure
    from bot.web.ui import CSS, HEAD, THEME, WIDGET_CSS, build_chat

    bot = make_thread_safe(bot)
    store = FeedbackStore.in_dir(settings.data_dir, settings.feedback_retention_days)
    # The API's share of the CPU: waiting requests hold no worker thread, so a burst cannot starve the UI.
    limiter = anyio.CapacityLimiter(settings.chat_concurrency)
    app = FastAPI(title="citebot", docs_url="/v1/docs", openapi_url="/v1/openapi.json", redoc_url=None)

    # Requests computing or waiting for a worker (a stream counts until its first event is ready).
    pending = [0]
    capacity = settings.chat_concurrency + settings.chat_queue_size

    async def run(fn: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)

    app.add_middleware(RefuseNulPaths)
    secure(app, settings)  # API keys, rate limits, framing and security headers
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Any:
        """A malformed body (not JSON, no messages, wrong types) is a 400 in OpenAI's error shape, not a 422."""
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(x) for x in first.get("loc", ())[1:])
        return openai_error(
            f"invalid request: {where + ': ' if where else ''}{first.get('msg', 'malformed body')}", 400
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        """API clients get OpenAI-shaped errors (e.g. a body that is not UTF-8); everything else FastAPI's."""
        from fastapi.exception_handlers import http_exception_handler

        if request.url.path.startswith("/v1/"):
            return openai_error(str(exc.detail), exc.status_code)
        return await http_exception_handler(request, exc)

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "citebot"}],
        }

    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(req: ChatRequest) -> Any:
        if pending[0] >= capacity:  # bounded queue: beyond it a clear 503 at once, never an endless wait
            busy = openai_error(
                "citebot is busy: too many questions are waiting. Please retry in a few seconds.", 503, "server_busy"
            )
            busy.headers["Retry-After"] = "5"
            return busy
        pending[0] += 1  # only touched on the event loop, so no lock is needed
        try:
            question, history, audience = parse_request(req, settings.audience)
            if not req.stream:
                answer = await run(bot.ask, question, audience, history)
                return completion(answer, req.model)
            # Validate (and raise InvalidQuestion) before the 200 status line goes out.
            events = bot.stream(question, audience, history)
            first = await run(next, events)
        except SearchUnavailable as err:  # the Chroma server is down: temporary, so 503 with a retry hint
            unavailable = openai_error(str(err), 503, "search_unavailable")
            unavailable.headers["Retry-After"] = "10"
            return unavailable
        except CitebotError as err:
            return openai_error(str(err), 400)
        except Exception as err:  # uvicorn's own report would quote the exception's message
            log_failure(log, "answering over /v1", err, req.messages[-1].text())
            return openai_error(FAILED, 500, "server_error")
        finally:
            pending[0] -= 1

        async def sse() -> AsyncIterator[str]:
            def rest() -> Iterator[Event]:
                yield first
                yield from events

            chunks = completion_chunks(rest(), req.model)
            try:
                while True:
                    item = await run(next, chunks, None)
                    if item is None:
                        break
                    yield f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
            except Exception as err:  # the status line is gone; report in-band like OpenAI does
                log_failure(log, "streaming an answer", err, question)
                yield f"data: {json.dumps({'error': {'message': FAILED, 'type': 'server_error'}})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(sse(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @app.get("/widget", include_in_schema=False)
    def widget_slash(request: Request) -> RedirectResponse:
        """Embed snippets often drop the trailing slash; the mount only matches /widget/."""
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"widget/{query}", status_code=307)

    blocked = [str(settings.data_dir.resolve()), str(settings.index.resolve())]
    # show_error=False: an unexpected exception reaches the browser as a generic error, never its message;
    # the handlers turn every expected problem (bad input, missing index) into a clear message themselves.
    common: dict[str, Any] = {"theme": THEME, "head": HEAD, "ssr_mode": False, "blocked_paths": blocked,
                              "footer_links": ["api"], "show_error": False}  # fmt: skip
    widget = build_chat(bot, settings, store, compact=True)
    gr.mount_gradio_app(app, widget, path="/widget", css=WIDGET_CSS, **common)
    main = build_chat(bot, settings, store, compact=False)
    gr.mount_gradio_app(app, main, path="/", css=CSS, **common)
    return app


def citation_dicts(answer: Answer) -> list[dict[str, Any]]:
    """Citations as plain dicts, as stored with feedback."""
    return [asdict(c) for c in answer.citations]
