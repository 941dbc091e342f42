"""Degraded LLM backends: a local OpenAI-compatible server that hangs, fails or talks garbage.

Each fault must end in the offline extractive answer with a clear notice, within a bounded time, never a
hang or a traceback; the same through the HTTP API. The evals' LLM judge pointed at the same faults must
fall back to the heuristic verdict and record the failure instead of crashing the run.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from bot.answer import Bot
from bot.retrieve import open_retriever
from bot.web.api import create_app
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder

TIMEOUT = 1.0  # llm_timeout for these tests; the "slow" server sleeps past it
FAULTS = ["slow", "http500", "nonjson", "sse_garbage", "empty", "nocite", "reset"]
Q = "How often is ocrelizumab given as an infusion?"


class FaultyOpenAI(BaseHTTPRequestHandler):
    """/v1/chat/completions misbehaving in the way ``FaultyOpenAI.mode`` names."""

    mode: ClassVar[str] = "http500"
    calls: ClassVar[int] = 0

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _sse(self, contents: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for c in contents:
            self.wfile.write(f"data: {c}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _chunk(self, text: str) -> str:
        return json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                           "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})  # fmt: skip

    def do_POST(self) -> None:
        FaultyOpenAI.calls += 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        mode = FaultyOpenAI.mode
        if mode == "slow":
            time.sleep(TIMEOUT * 4)
            self._send(200, b"{}", "application/json")
        elif mode == "http500":
            self._send(500, b'{"error": {"message": "model crashed"}}', "application/json")
        elif mode == "nonjson":
            self._send(200, b"<html>502 Bad Gateway</html>", "application/json")
        elif mode == "sse_garbage" and body.get("stream"):
            self._sse(["{not json", "\x00\x01garbage"])
        elif mode == "empty" and body.get("stream"):
            self._sse([self._chunk("")])
        elif mode == "nocite" and body.get("stream"):
            self._sse([self._chunk("Ocrelizumab is a wonderful drug that everyone should take.\n")])
        elif mode == "reset":
            self.connection.close()
        else:  # non-streaming calls (the regeneration) in the garbage modes
            text = "" if mode == "empty" else "Still no citations here."
            reply = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                  "finish_reason": "stop"}]}  # fmt: skip
            self._send(200, json.dumps(reply).encode(), "application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FaultyOpenAI)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("degraded")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "d.md").write_text("# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months.\n")
    (corpus / "v.md").write_text("# Vaccines\n\nLive vaccines are not recommended during treatment.\n")
    settings = Settings(index=root / "index", data_dir=root / "data", chroma_url=None)
    ingest([corpus], settings, FakeEmbedder(), progress=False)
    return settings


def faulty_bot(index: Settings, server: str) -> tuple[Bot, Settings]:
    settings = index.model_copy(update={"llm": "local-model", "llm_base_url": server, "llm_timeout": TIMEOUT})
    return Bot.from_settings(settings, retriever=open_retriever(settings, embedder=FakeEmbedder())), settings


@pytest.mark.parametrize("mode", FAULTS)
def test_llm_fault_gives_the_offline_answer_with_a_notice(
    index: Settings, server: str, mode: str, record_property: Any
) -> None:
    FaultyOpenAI.mode = mode
    bot, _ = faulty_bot(index, server)
    started = time.monotonic()
    answer = bot.ask(Q, "clinician")
    took = time.monotonic() - started
    assert took < 8 * TIMEOUT + 5, f"{mode}: {took:.1f} s"  # two tries at most, then the fallback
    assert answer.backend == "extractive", (mode, answer.backend, answer.notices)
    assert answer.status in ("answered", "partial") and "600 mg" in answer.text, (mode, answer.text)
    notes = " ".join(answer.notices)
    assert "offline" in notes and ("LLM" in notes or "language model" in notes), (mode, notes)
    assert "Traceback" not in notes and len(notes) < 600
    record_property("tried", 1)
    record_property("held", 1)


@pytest.mark.parametrize("mode", ["slow", "http500", "sse_garbage", "reset"])
def test_api_stays_up_and_says_what_happened(index: Settings, server: str, mode: str) -> None:
    FaultyOpenAI.mode = mode
    bot, settings = faulty_bot(index, server)
    with TestClient(create_app(bot, settings), raise_server_exceptions=False) as client:
        for stream in (False, True):
            body = {"messages": [{"role": "user", "content": Q}], "stream": stream}
            r = client.post("/v1/chat/completions", json=body)
            assert r.status_code == 200, (mode, r.text[:300])
            if stream:
                assert r.text.rstrip().endswith("data: [DONE]") and "server_error" not in r.text
                final = json.loads(r.text.strip().split("\n\n")[-2].removeprefix("data: "))
            else:
                final = r.json()
            assert final["citebot"]["backend"] == "extractive"
            assert any("offline" in n for n in final["citebot"]["notices"])


@pytest.mark.parametrize("mode", ["slow", "http500", "nonjson", "reset"])
def test_eval_judge_failure_falls_back_and_is_recorded(index: Settings, server: str, mode: str) -> None:
    from bot.types import Passage
    from evals.judge import MAX_CONSECUTIVE_FAILURES, make_judge

    FaultyOpenAI.mode = mode
    settings = index.model_copy(update={"judge_llm": "judge-model", "llm_base_url": server, "llm_timeout": TIMEOUT})
    judge = make_judge(settings, None)
    passages = [Passage("p", "Ocrelizumab is given as a 600 mg infusion every 6 months.", "Dosing", "", "d.md")]
    started = time.monotonic()
    verdicts = [judge.judge("Ocrelizumab is given every 6 months.", passages).supported for _ in range(5)]
    assert verdicts == [True] * 5  # the heuristic verdict stands in
    assert time.monotonic() - started < MAX_CONSECUTIVE_FAILURES * 4 * TIMEOUT + 10
    assert any("LLM judge failed" in f for f in judge.failures)
    assert any("disabled" in f for f in judge.failures)  # a dead endpoint stops being called


def test_unreachable_llm_is_a_notice_not_an_error(index: Settings, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    bot, _ = faulty_bot(index, f"http://127.0.0.1:{port}/v1")
    answer = bot.ask(Q)
    assert answer.backend == "extractive" and any("offline" in n for n in answer.notices)
