"""Bad input never becomes a traceback: questions through the Bot, the HTTP API and the CLI; files through ingest.

Questions that are empty, whitespace, 100k characters, full of NUL bytes, invalid UTF-8 (raw bytes on the
wire), emoji, right-to-left or non-English get a clear message (Bot: ``InvalidQuestion``; API: 400 JSON in
OpenAI's error shape; CLI: one line on stderr, exit 2) or a normal answer. Files that are empty, binary,
truncated PDFs, HTML with a 5 MB inline data: URI, a 50 MB text file (over the 20 MB limit), symlink loops,
dangling symlinks, a FIFO and a directory named like a document are each skipped with a reason while the
good files are ingested. Fake embedder throughout, so the file runs in seconds.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.answer import Bot, InvalidQuestion
from bot.web.api import create_app
from citebot.cli import main
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, make_pdf, small_index

DOCS = {
    "dosing.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months after the first dose.\n",
    "vaccines.md": "# Vaccines\n\nLive vaccines are not recommended during treatment with ocrelizumab.\n",
}
HUGE = "How often is ocrelizumab given? " * 3200  # about 100k characters

# (label, question, expected: "invalid" → clear message, "answer" → a normal reply)
QUESTIONS: list[tuple[str, str, str]] = [
    ("empty", "", "invalid"),
    ("whitespace", " \t\n\r  \u3000", "invalid"),
    ("only NUL and control bytes", "\x00\x00\x01\x1b", "invalid"),
    ("100k characters", HUGE, "invalid"),
    ("NUL bytes inside", "How often\x00 is ocrelizumab\x00 given?", "answer"),
    ("emoji", "💉 How often is ocrelizumab 💊 given? 🤔", "answer"),
    ("right-to-left", "\u202eHow often is ocrelizumab given?\u202c", "answer"),
    ("Arabic", "كم مرة يعطى أوكريليزوماب؟", "answer"),
    ("Chinese", "奥瑞珠单抗多久给药一次？", "answer"),
    ("German", "Wie oft wird Ocrelizumab gegeben?", "answer"),
    ("lone surrogate", "How often is ocrelizumab given?\ud800", "answer"),
    ("only emoji", "🤔🤔🤔", "answer"),
]


@pytest.fixture
def bot(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> Bot:
    return Bot(small_index(tmp_path / "corpus", DOCS, settings, fake_embedder), settings)


@pytest.fixture
def client(bot: Bot, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(bot, settings), raise_server_exceptions=False) as c:
        yield c


def test_bot_questions_get_a_message_or_an_answer(bot: Bot, record_property: Any) -> None:
    held = 0
    for label, question, expected in QUESTIONS:
        if expected == "invalid":
            with pytest.raises(InvalidQuestion) as err:
                bot.ask(question)
            message = str(err.value)
            assert message and "\n" not in message and len(message) < 200, label
        else:
            answer = bot.ask(question)
            assert answer.status in ("answered", "partial", "abstained"), label
            assert "\x00" not in answer.question and "\ud800" not in answer.question, label
            answer.to_dict()  # serialisable
        held += 1
    record_property("tried", len(QUESTIONS))
    record_property("held", held)


def _post(client: TestClient, body: bytes) -> Any:
    return client.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"})


def test_api_questions_get_400_json_or_an_answer(client: TestClient, record_property: Any) -> None:
    import json

    tried = held = 0
    for label, question, expected in QUESTIONS:
        for stream in (False, True):
            body = json.dumps({"messages": [{"role": "user", "content": question}], "stream": stream}).encode()
            r = _post(client, body)
            tried += 1
            if expected == "invalid":
                assert r.status_code == 400, (label, r.text[:200])
                assert r.json()["error"]["message"], label
            else:
                assert r.status_code == 200, (label, r.text[:200])
                if stream:
                    assert r.text.rstrip().endswith("data: [DONE]") and '"server_error"' not in r.text, label
                else:
                    assert r.json()["choices"][0]["message"]["content"], label
            held += 1
    raw_bodies = [
        b'{"messages": [{"role": "user", "content": "\xff\xfe\xfd invalid utf-8"}]}',
        b'{"messages": [{"role": "user", "content": "caf\xe9"}]}',
        b"\x00\x01\x02 not json at all",
        b'{"messages": []}',
        b'{"messages": [{"role": "user", "content": 42}]}',
        b'{"messages": "hello"}',
        b"",
        b"[]",
        b'{"messages": [{"role": "user", "content": "' + b"a" * 200_000 + b'"}]}',
    ]
    for body in raw_bodies:
        r = _post(client, body)
        tried += 1
        assert r.status_code == 400, (body[:40], r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"]["message"] and "Traceback" not in r.text
        held += 1
    record_property("tried", tried)
    record_property("held", held)


def _fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI opens the real embedding model; the fake one keeps this file fast."""
    import ingest.embed

    monkeypatch.setattr(ingest.embed, "make_embedder", lambda *a, **k: FakeEmbedder())


def test_cli_bad_questions_are_one_line_exit_2(
    bot: Bot, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_model(monkeypatch)
    monkeypatch.setenv("CITEBOT_INDEX", str(settings.index))
    for question in ("", "   ", HUGE):
        assert main(["ask", question]) == 2
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("citebot: error: "), err
    for question in ("💉 How often is ocrelizumab given?", "Wie oft wird Ocrelizumab gegeben?", "\u202ehow often?"):
        assert main(["ask", question]) == 0
        assert capsys.readouterr().out.strip()


def _bad_corpus(root: Path) -> dict[str, str]:
    """Good and bad files side by side; returns each bad file's name and a word its skip reason must contain."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(os.urandom(2048) + b"\x00" * 64)
    (corpus / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    pdf = make_pdf(["Ocrelizumab page one text.", "Page two text."])
    (corpus / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (corpus / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    blob = base64.b64encode(os.urandom(3_800_000)).decode()  # ~5 MB inline image
    (corpus / "inline.html").write_text(
        f"<html><head><title>Inline</title></head><body><p>Breastfeeding guidance for ocrelizumab.</p>"
        f'<img src="data:image/png;base64,{blob}"></body></html>'
    )
    with (corpus / "huge.txt").open("wb") as fh:  # 50 MB, sparse where the filesystem allows
        fh.truncate(50 * 2**20)
    (corpus / "loop.md").symlink_to("loop.md")
    (corpus / "dangling.md").symlink_to(root / "nowhere.md")
    (corpus / "dirloop").symlink_to(corpus, target_is_directory=True)
    os.mkfifo(corpus / "pipe.md")
    (corpus / "folder.md").mkdir()
    (corpus / "folder.md" / "inside.md").write_text("# Inside\n\nHepatitis B screening comes first.\n")
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return {
        "empty.md": "empty",
        "binary.txt": "binary",
        "latin1.txt": "UTF-8",
        "truncated.pdf": "PDF",
        "garbage.pdf": "PDF",
        "huge.txt": "20 MB limit",
        "loop.md": "unreadable",
        "nowhere.md": "unreadable",  # a dangling link is reported by its (resolved) target
        "pipe.md": "not a regular file",
        "image.png": "unsupported",
    }


def test_bad_files_are_skipped_with_reasons_and_the_rest_ingested(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, record_property: Any
) -> None:
    expected = _bad_corpus(tmp_path)
    summary = ingest([tmp_path / "corpus"], settings, fake_embedder, progress=False)
    reasons = {Path(s.source).name: s.reason for s in summary.skipped}
    for name, word in expected.items():
        assert name in reasons, (name, reasons)
        assert word.lower() in reasons[name].lower(), (name, reasons[name])
        assert "\n" not in reasons[name] and len(reasons[name]) < 200
    assert set(reasons) == set(expected), reasons
    assert summary.files_ingested == 4  # dosing, vaccines, inline.html, folder.md/inside.md
    assert "dirloop" not in " ".join(fake_embedder.embedded)
    record_property("tried", len(expected))
    record_property("held", len(expected))


def test_cli_ingest_of_a_bad_corpus_exits_0_and_lists_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_model(monkeypatch)
    expected = _bad_corpus(tmp_path)
    index = str(tmp_path / "index")
    assert main(["ingest", str(tmp_path / "corpus"), "--index", index, "--quiet"]) == 0
    out = capsys.readouterr().out
    for name in expected:
        assert f"{name}:" in out, name
    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    (only_bad / "empty.md").write_bytes(b"")
    assert main(["ingest", str(only_bad), "--index", str(tmp_path / "idx2"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "citebot: error: nothing was ingested (no supported documents found)"
    assert main(["ingest", str(tmp_path / "no-such-dir"), "--index", index]) == 2
    assert capsys.readouterr().err.startswith("citebot: error: no such file or directory")
