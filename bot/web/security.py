"""What a clinic's security review asks of the server: API keys, per-client rate limits, framing and headers.

Both pieces are plain ASGI middleware, so they see every route (FastAPI's ``/v1`` and the mounted Gradio
apps alike) and never buffer a streamed answer. Keys are compared in constant time and never logged or
echoed; a client is known by a hash of its key, so not even the rate limiter holds a key in memory twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import math
import os
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from starlette.responses import JSONResponse, PlainTextResponse, Response

from ingest.errors import CitebotError
from ingest.settings import Settings

log = logging.getLogger("citebot.security")

API_PREFIX = "/v1"
WIDGET_PREFIX = "/widget"
# Open even when keys are required: the API's description holds no data.
OPEN_API_PATHS = frozenset({"/v1/docs", "/v1/openapi.json"})
# Gradio's endpoints that start an answer (the browser's queue, gradio_client, REST calls).
QUESTION_ROUTES = re.compile(r"/gradio_api/(queue/join|call/|run/)")
_ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$")


class KeyRing:
    """The accepted API keys: inline ones plus a file that is re-read whenever it changes.

    The file is checked (one ``stat``) on each request, so a rotated key works, and a revoked one stops
    working, without a restart. If the file becomes unreadable the last keys stay in force: failing open
    would expose the API, failing shut on a half-written file would lock every client out.
    """

    def __init__(self, inline: Sequence[str] = (), file: Path | None = None) -> None:
        self.inline = tuple(k.encode() for k in inline if k)
        self.file = file
        self.enabled = bool(self.inline) or file is not None
        self._stamp: tuple[int, int, int] | None = None
        self._from_file: tuple[bytes, ...] = ()
        if file is not None:
            try:
                self._reload(file)
            except OSError as err:
                raise CitebotError(f"cannot read the API keys file {file}: {err.strerror or err}") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        raw = settings.api_keys.get_secret_value() if settings.api_keys is not None else ""
        return cls([k.strip() for k in raw.split(",")], settings.api_keys_file)

    def _reload(self, file: Path) -> None:
        st = os.stat(file)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        lines = file.read_text(encoding="utf-8").splitlines()
        self._from_file = tuple(s.encode() for line in lines if (s := line.strip()) and not s.startswith("#"))
        self._stamp = stamp
        log.info("API keys file %s loaded: %d key(s)", file, len(self._from_file))

    def keys(self) -> tuple[bytes, ...]:
        if self.file is not None:
            try:
                self._reload(self.file)
            except (OSError, UnicodeDecodeError) as err:
                why = type(err).__name__
                log.warning("API keys file %s unreadable (%s); keeping the previous keys", self.file, why)
        return self.inline + self._from_file

    def valid(self, candidate: str) -> bool:
        """Constant time: every key is compared, whatever matched, so timing tells nothing about any key."""
        given = candidate.encode()
        ok = False
        for key in self.keys():
            ok |= hmac.compare_digest(given, key)
        return ok


class SlidingWindow:
    """At most ``limit`` requests per client in any ``window`` seconds (a log of accepted request times).

    Refused requests are not counted, so a client that backs off for Retry-After seconds gets in again.
    Idle clients are swept out, so memory follows the clients active in the last window.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self._swept = clock()

    def wait(self, client: str) -> float:
        """Record a request and return 0, or return the seconds until ``client`` may send again."""
        now = self.clock()
        if now - self._swept > self.window:
            self.hits = {c: q for c, q in self.hits.items() if q and q[-1] > now - self.window}
            self._swept = now
        q = self.hits.setdefault(client, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if len(q) >= self.limit:
            return q[0] + self.window - now
        q.append(now)
        return 0.0


def parse_origins(raw: str) -> tuple[str, ...]:
    """``CITEBOT_WIDGET_ORIGINS`` as CSP sources; anything but scheme://host[:port] is refused, not passed on."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise CitebotError(
                f"CITEBOT_WIDGET_ORIGINS: {origin!r} is not an origin like https://clinic.example (or https://*.example)"
            )
    return origins


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def presented_key(scope: dict[str, Any], basic: bool) -> str | None:
    """The key a request carries: ``Bearer <key>``, or (for browsers, when ``basic``) the password of Basic auth."""
    scheme, _, value = _header(scope, b"authorization").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if basic and scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2] or None
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


def api_error(message: str, status: int, kind: str, headers: dict[str, str]) -> Response:
    """OpenAI's error shape, so API clients show the message."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
    return JSONResponse(body, status, headers=headers)


class Gate:
    """ASGI middleware: API keys on ``/v1`` (and, if asked, the chat), then the per-client rate limit.

    The limit is checked first, by key when the key is valid and else by address, so guessing keys is
    rate-limited too, and a flooding client is refused here, before it can take a place in the answer queue.
    """

    def __init__(self, app: Any, keys: KeyRing, limiter: SlidingWindow | None, protect_ui: bool = False) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.protect_ui = protect_ui and keys.enabled

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        api = (path == API_PREFIX or path.startswith(API_PREFIX + "/")) and path not in OPEN_API_PATHS
        guarded = (api and self.keys.enabled) or (self.protect_ui and not api and path not in OPEN_API_PATHS)
        key = presented_key(scope, basic=not api) if guarded else None
        valid = key is not None and self.keys.valid(key)
        counted = api or (scope["type"] == "http" and scope.get("method") == "POST" and QUESTION_ROUTES.search(path))
        if counted and self.limiter is not None:
            client = (
                "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
                if valid and key is not None
                else "addr:" + (scope.get("client") or ("unknown", 0))[0]
            )
            wait = self.limiter.wait(client)
            if wait > 0:
                retry = str(max(1, math.ceil(wait)))
                message = (
                    f"Too many requests: each client may send {self.limiter.limit} per "
                    f"{self.limiter.window:g} s. Retry after {retry} s."
                )
                headers = {"Retry-After": retry}
                if api:
                    await api_error(message, 429, "rate_limit_exceeded", headers)(scope, receive, send)
                else:
                    await JSONResponse({"detail": message}, 429, headers=headers)(scope, receive, send)
                return
        if guarded and not valid:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            if api:
                message = "Missing or invalid API key: send it as 'Authorization: Bearer <key>'."
                headers = {"WWW-Authenticate": 'Bearer realm="citebot"'}
                await api_error(message, 401, "invalid_api_key", headers)(scope, receive, send)
            else:
                headers = {"WWW-Authenticate": 'Basic realm="citebot", charset="UTF-8"'}
                message = "Sign in: any user name, and your citebot key as the password."
                await PlainTextResponse(message, 401, headers=headers)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def frame_headers(path: str, widget_origins: Sequence[str]) -> list[tuple[bytes, bytes]]:
    """Only the widget may be framed, and only by the configured origins; everything else refuses framing."""
    if path == WIDGET_PREFIX or path.startswith(WIDGET_PREFIX + "/"):
        sources = " ".join(["'self'", *widget_origins])
        headers = [(b"content-security-policy", f"frame-ancestors {sources}".encode())]
        if not widget_origins:  # older browsers without frame-ancestors get the same rule
            headers.append((b"x-frame-options", b"SAMEORIGIN"))
        return headers
    return [(b"content-security-policy", b"frame-ancestors 'none'"), (b"x-frame-options", b"DENY")]


class SecurityHeaders:
    """ASGI middleware adding framing rules, ``nosniff`` and a referrer policy to every response.

    ``no-referrer``: a click on a cited source must not tell the source's site which page (or question) led there.
    """

    COMMON: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]

    def __init__(self, app: Any, widget_origins: Sequence[str]) -> None:
        self.app = app
        self.widget_origins = tuple(widget_origins)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.COMMON + frame_headers(scope.get("path", ""), self.widget_origins)
        names = {name for name, _ in added}

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure(app: Any, settings: Settings) -> None:
    """Install the gate and the headers on ``app`` (a FastAPI/Starlette app), reading every rule from settings."""
    origins = parse_origins(settings.widget_origins)
    limiter = SlidingWindow(settings.rate_limit, settings.rate_window) if settings.rate_limit else None
    app.add_middleware(Gate, keys=KeyRing.from_settings(settings), limiter=limiter, protect_ui=settings.protect_ui)
    app.add_middleware(SecurityHeaders, widget_origins=origins)  # outermost: also on the gate's 401 and 429
