"""File exposure: every file-serving route of the live app refuses the index, the feedback DB and the repo.

The real app (FastAPI + two mounted Gradio 6 Blocks) runs under uvicorn on 127.0.0.1. Requests go out
through ``http.client`` so the path reaches the server byte for byte (httpx would normalise ``..`` away).
Each secret is asked for through each file route (Gradio's ``/gradio_api/file=``, ``/gradio_api/file/``,
``/gradio_api/proxy=``, ``/static``, ``/assets``, ``/svelte``, legacy ``/file=``, under ``/`` and ``/widget``),
with absolute and relative paths, ``..`` traversal, ``%2e%2e``, double encoding, backslashes, mixed case,
NUL bytes and ``file://`` URLs. Every answer must be a 4xx and carry none of the file's content.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest

from bot.answer import Bot
from bot.retrieve import open_retriever
from bot.web.feedback import FeedbackStore
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.test_ui import serve

SECRET = "CITEBOT-SECRET-9f1c2e"
PREFIXES = [
    "/gradio_api/file=",
    "/gradio_api/file/",
    "/gradio_api/proxy=",
    "/file=",
    "/file/",
    "/static/",
    "/assets/",
    "/svelte/",
    "/widget/gradio_api/file=",
    "/widget/gradio_api/file/",
    "/widget/static/",
    "/widget/assets/",
    "/widget/file=",
    "/v1/",
]


def variants(path: str) -> list[str]:
    """Spellings of one target path that path checks commonly miss."""
    rel = path.lstrip("/")
    depth = "../" * 12
    out = {
        path,
        rel,
        depth + rel,
        (depth + rel).replace("/", "\\"),
        (depth + rel).replace("../", "..%2f"),
        (depth + rel).replace("../", "%2e%2e/"),
        (depth + rel).replace("../", "%2E%2E%2F"),
        (depth + rel).replace("../", "%252e%252e%252f"),
        (depth + rel).replace("../", "....//"),
        (depth + rel).replace("../", "..%5c"),
        (depth + rel).replace("../", "%c0%ae%c0%ae/"),
        "/" + path,
        quote(path, safe=""),
        quote(quote(path, safe=""), safe=""),
        "file://" + path,
        path + "%00.png",
        path.upper() if path.startswith("/") else path,
        "./" + rel,
        "static/../../" + rel,
    }
    return sorted(out)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, tuple[Path, bytes]]]]:
    root = tmp_path_factory.mktemp("exposure")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "d.md").write_text(f"# Dosing\n\nOcrelizumab is given every 6 months. {SECRET}\n")
    # rate_limit=0: thousands of probes from one address would otherwise end in 429s, hiding what the routes do.
    settings = Settings(index=root / "index", data_dir=root / "data", chroma_url=None, llm=None, llm_base_url=None,
                        rate_limit=0)  # fmt: skip
    embedder = FakeEmbedder()
    ingest([corpus], settings, embedder, progress=False)
    store = FeedbackStore.in_dir(settings.data_dir)
    store.record(SECRET, [], "patient", "answer", [], "down")
    (root / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    targets = {
        "chroma.sqlite3": (settings.index / "chroma" / "chroma.sqlite3", b"SQLite format"),
        "manifest.json": (settings.index / "manifest.json", b'"files"'),
        "bm25 ids": (settings.index / "bm25" / "ids.json", b"["),
        "feedback db": (settings.data_dir / "feedback.sqlite3", b"SQLite format"),
        ".env (tmp)": (root / ".env", SECRET.encode()),
        "pyproject.toml": (ROOT / "pyproject.toml", b"[build-system]"),
        "/etc/passwd": (Path("/etc/passwd"), b"root:"),
    }
    for name, (path, marker) in targets.items():
        assert path.exists() and marker in path.read_bytes(), name
    bot = Bot(open_retriever(settings, embedder=embedder), settings)
    with serve(bot, settings) as url:
        yield url, targets


def get(url: str, path: str) -> tuple[int, bytes]:
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read(1_000_000)
    finally:
        conn.close()


def test_file_routes_refuse_private_files(app: tuple[str, dict[str, tuple[Path, bytes]]], record_property: Any) -> None:
    url, targets = app
    tried = 0
    leaks: list[str] = []
    for name, (path, marker) in targets.items():
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else None
        spellings = (
            variants(str(path)) + (variants(rel) if rel else []) + ([".env", "../.env"] if name == ".env" else [])
        )
        for prefix in PREFIXES:
            for spelling in spellings:
                status, body = get(url, prefix + spelling)
                tried += 1
                if not 400 <= status < 500 or marker in body or SECRET.encode() in body:
                    leaks.append(f"{prefix}{spelling} -> {status} {body[:80]!r} ({name})")
    record_property("tried", tried)
    record_property("held", tried - len(leaks))
    assert leaks == [], "\n".join(leaks[:40])


def test_repo_files_by_relative_name_are_refused(app: tuple[str, dict[str, tuple[Path, bytes]]]) -> None:
    url, _ = app
    for prefix in PREFIXES[:9]:
        for name in (
            "pyproject.toml",
            "README.md",
            ".git/config",
            "tests/conftest.py",
            ".citebot/data/feedback.sqlite3",
        ):
            status, body = get(url, prefix + name)
            assert 400 <= status < 500, (prefix + name, status, body[:80])
            assert b"[build-system]" not in body and b"[core]" not in body and b"import pytest" not in body


def test_pages_still_load(app: tuple[str, dict[str, tuple[Path, bytes]]]) -> None:
    url, _ = app
    assert get(url, "/")[0] == 200 and get(url, "/widget/")[0] == 200 and get(url, "/v1/models")[0] == 200
