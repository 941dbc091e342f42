"""The OpenAI-compatible path (vLLM, llama.cpp, LM Studio) against a local HTTP server the test runs."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot.answer import Bot
from bot.llm import LLMError, make_chat_model
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, small_index

DOCS = {
    "d.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months.\n",
    "v.md": "# Vaccines\n\nLive vaccines are not recommended during treatment.\n",
}


class FakeOpenAI(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions by citing the passage titled 'Dosing' in the prompt it was sent."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(body)
        prompt = body["messages"][-1]["content"]
        m = re.search(r'<passage n="(\d+)" source="Dosing', prompt)
        n = m.group(1) if m else "1"
        words = f"Ocrelizumab is given as a 600 mg infusion every 6 months [{n}].\n".split(" ")
        base = {"id": "x", "created": 0, "model": body["model"]}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i, w in enumerate(words):
                delta = {"content": w + (" " if i < len(words) - 1 else "")}
                chunk = {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            done = {**base, "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}  # fmt: skip
            self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
            return
        reply = {
            **base,
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": " ".join(words)},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }  # fmt: skip
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[str]:
    FakeOpenAI.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_openai_compatible_server_streams_a_cited_answer(
    server: str, tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    retriever = small_index(tmp_path / "c", DOCS, settings, fake_embedder)
    settings = settings.model_copy(update={"llm": "local-model", "llm_base_url": server, "llm_timeout": 10})
    bot = Bot.from_settings(settings, retriever=retriever)
    events = list(bot.stream("How often is ocrelizumab given?", "clinician"))
    answer = events[-1].answer
    assert answer is not None and answer.status == "answered", answer
    assert answer.text == "Ocrelizumab is given as a 600 mg infusion every 6 months [1]."
    assert answer.citations[0].title == "Dosing" and answer.backend == "llm:local-model"
    sent = FakeOpenAI.requests[-1]
    assert (
        sent["stream"] is True
        and sent["model"] == "local-model"
        and settings.llm_max_tokens in (sent.get("max_tokens"), sent.get("max_completion_tokens"))
    )
    assert "<passages>" in sent["messages"][-1]["content"] and "untrusted" in sent["messages"][0]["content"]
    assert any(e.kind == "delta" for e in events)


def test_follow_up_is_condensed_by_the_llm(
    server: str, tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    retriever = small_index(tmp_path / "c", DOCS, settings, fake_embedder)
    settings = settings.model_copy(update={"llm": "openai:m", "llm_base_url": server})
    bot = Bot.from_settings(settings, retriever=retriever)
    bot.ask("And how often?", "patient", ["Tell me about ocrelizumab"])
    condense = FakeOpenAI.requests[0]
    assert "standalone question" in condense["messages"][0]["content"]
    assert "Tell me about ocrelizumab" in condense["messages"][-1]["content"]


def test_missing_provider_package_names_the_extra() -> None:
    with pytest.raises(LLMError, match=r"pip install 'citebot\[anthropic\]'"):
        make_chat_model(Settings(llm="anthropic:claude-test"))


def test_missing_key_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(LLMError, match="cannot set up the LLM 'openai:gpt-4o-mini'"):
        make_chat_model(Settings(llm="openai:gpt-4o-mini"))
