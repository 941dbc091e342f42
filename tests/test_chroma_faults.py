"""A Chroma server that stops during a session: a clear "try again shortly", then recovery without a restart.

One ``chroma run`` on a fixed loopback port and persistent path is stopped and started again while citebot
keeps running. During the stop, every request (API plain and streamed, the chat's ``/ask`` endpoint, and
``citebot ask``) must get the "search is unavailable" message within the client timeout, with no
traceback; the first request after the restart must be answered, by the same running app.
"""

from __future__ import annotations

import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.answer import Bot
from bot.retrieve import open_retriever
from citebot.cli import main
from evals.bench import chroma_server
from ingest.embed import Embedder
from ingest.errors import SearchUnavailable
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import IN_CI
from tests.test_ui import serve

pytestmark = pytest.mark.integration

DOCS = {
    "dosing.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months after the first dose.\n",
    "vaccines.md": "# Vaccines\n\nLive vaccines are not recommended during treatment with ocrelizumab.\n",
    "infections.md": "# Infections\n\nInfections are more common with ocrelizumab than with interferon beta-1a.\n",
}
QUESTION = "How often is ocrelizumab given?"
TIMEOUT = 5.0


class Server:
    """``chroma run`` that can be stopped and started again on the same port and data path."""

    def __init__(self, path: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.path = path
        self.running: AbstractContextManager[str] | None = None

    def start(self) -> str:
        self.running = chroma_server(self.path, port=self.port)
        return self.running.__enter__()

    def stop(self) -> None:
        if self.running is not None:
            self.running.__exit__(None, None, None)
            self.running = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not Path(sys.executable).with_name("chroma").exists() and shutil.which("chroma") is None:
        if IN_CI:
            pytest.fail("CI=true but the 'chroma' command (chromadb's CLI) is missing")
        pytest.skip("needs the 'chroma' command from chromadb")
    srv = Server(tmp_path / "chroma-data")
    try:
        yield srv
    finally:
        srv.stop()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


def test_a_stopped_server_is_a_clear_message_and_its_return_is_answered(
    server: Server,
    tmp_path: Path,
    real_embedder: Embedder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    record_property: Any,
) -> None:
    from gradio_client import Client

    url = server.start()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=url, llm=None,
                        chroma_timeout=TIMEOUT, rate_limit=0, api_keys=None, api_keys_file=None)  # fmt: skip
    ingest([corpus], settings, real_embedder, progress=False)
    bot = Bot(open_retriever(settings, real_embedder), settings)
    env = {
        "CITEBOT_INDEX": settings.index,
        "CITEBOT_CHROMA_TIMEOUT": TIMEOUT,
        "CITEBOT_EMBED_BACKEND": real_embedder.backend,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    body = {"messages": [{"role": "user", "content": QUESTION}]}
    cli = ["ask", QUESTION, "--chroma-url", url]

    with serve(bot, settings) as app, httpx.Client(base_url=app, timeout=60) as http:
        ui = Client(f"{app}/", verbose=False)

        def api() -> httpx.Response:
            return http.post("/v1/chat/completions", json=body)

        def api_stream() -> httpx.Response:
            return http.post("/v1/chat/completions", json={**body, "stream": True})

        def ui_ask() -> str:
            try:
                return str(ui.predict(QUESTION, "patient", [], api_name="/ask")["text"])
            except Exception as err:  # gradio_client raises the app's gr.Error as an AppError
                return f"error: {err}"

        assert "600 mg" in api().text and "600 mg" in ui_ask()  # up: answered
        assert main(cli) == 0 and "600 mg" in capsys.readouterr().out

        server.stop()
        during: list[tuple[str, float]] = []
        for _ in range(3):
            r, took = timed(api)
            assert r.status_code == 503 and r.headers["retry-after"] == "10", r.text
            assert r.json()["error"]["type"] == "search_unavailable"
            during.append((r.json()["error"]["message"], took))
            r, took = timed(api_stream)
            assert r.status_code == 503, r.text
            during.append((r.json()["error"]["message"], took))
            text, took = timed(ui_ask)
            during.append((text, took))
        capsys.readouterr()  # (Gradio's server thread prints the tracebacks of its own gr.Error replies)
        code, took = timed(lambda: main(cli))
        err = capsys.readouterr().err
        assert code == SearchUnavailable.exit_code and err.startswith("citebot: error: search is unavailable"), err
        assert err.count("\n") == 1, err  # one line, as every CLI error
        during.append((err, took))
        for message, took in during:
            assert "search is unavailable" in message and "try again shortly" in message, message
            assert "Traceback" not in message and "httpx" not in message and "127.0.0.1" not in message
            assert took < TIMEOUT, (message, took)

        server.start()  # same port, same data: the running app must recover by itself
        first, took = timed(api)
        assert first.status_code == 200 and "600 mg" in first.json()["choices"][0]["message"]["content"]
        assert "600 mg" in ui_ask() and "600 mg" in api_stream().text
        assert main(cli) == 0 and "600 mg" in capsys.readouterr().out
    record_property("tried", len(during) + 4)
    record_property("held", len(during) + 4)
    record_property("slowest_refusal_s", round(max(t for _, t in during), 2))


def _pid_listening_on(port: int) -> int:
    """The ``chroma run`` process serving ``port`` (from /proc: the helper that started it yields only the URL)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run" in args and b"--port" in args and str(port).encode() in args:
            return int(cmdline.parent.name)
    raise LookupError(f"no chroma run process on port {port}")


def test_a_frozen_server_costs_one_timeout_not_a_hang(server: Server, tmp_path: Path, record_property: Any) -> None:
    """SIGSTOP: the server still accepts connections but never answers, the case a timeout is for."""
    import os
    import signal

    from tests.fakes import FakeEmbedder, small_index

    url = server.start()
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=url, llm=None,
                        chroma_timeout=2.0, rate_limit=0, api_keys=None, api_keys_file=None)  # fmt: skip
    bot = Bot(small_index(tmp_path / "corpus", DOCS, settings, FakeEmbedder()), settings)
    body = {"messages": [{"role": "user", "content": QUESTION}]}
    pid = _pid_listening_on(server.port)
    with serve(bot, settings) as app, httpx.Client(base_url=app, timeout=60) as http:
        assert http.post("/v1/chat/completions", json=body).status_code == 200
        os.kill(pid, signal.SIGSTOP)
        try:
            frozen = [timed(lambda: http.post("/v1/chat/completions", json=body)) for _ in range(3)]
        finally:
            os.kill(pid, signal.SIGCONT)
        for r, took in frozen:
            assert r.status_code == 503 and "try again shortly" in r.json()["error"]["message"]
            assert settings.chroma_timeout <= took < 2 * settings.chroma_timeout + 1, took
        thawed = http.post("/v1/chat/completions", json=body)
        assert thawed.status_code == 200 and "600 mg" in thawed.json()["choices"][0]["message"]["content"]
    record_property("tried", len(frozen) + 1)
    record_property("held", len(frozen) + 1)
    record_property("slowest_refusal_s", round(max(t for _, t in frozen), 2))
