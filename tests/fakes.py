"""Deterministic fakes for unit tests: an embedder that needs no model, and a tiny PDF writer."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_WORD = re.compile(r"\w+|[^\w\s]")


class FakeEmbedder:
    """Hashed bag-of-words vectors: similar texts get similar vectors, with no model and no randomness."""

    def __init__(self, name: str = "fake-embedder", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.backend = "fake"
        self.recipe = ""
        self.embedded: list[str] = []  # every text ever embedded, so tests can count work done
        self.queries: list[str] = []  # ... and every single-text (query) call

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD.findall(t)) for t in texts]

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.embedded.extend(texts)
        if progress:
            progress(len(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self._vector(text)

    def warm(self) -> None:
        """Nothing to load."""


class ThesaurusEmbedder(FakeEmbedder):
    """Hashed bag-of-words vectors that read each word as its thesaurus entry: a word and its entry get the same
    vector, as a real model puts words of one meaning close."""

    def __init__(self, thesaurus: dict[str, str]) -> None:
        super().__init__()
        self.thesaurus = thesaurus

    def _vector(self, text: str) -> list[float]:
        return super()._vector(" ".join(self.thesaurus.get(w, w) for w in re.findall(r"\w+", text.lower())))


def make_pdf(pages: Sequence[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page (enough for pypdf to extract)."""
    objects: list[bytes] = []
    kids = []
    font_id = 3
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # pages, filled below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for text in pages:
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (font_id, content_id)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def failing_chat_model(message: str = "connection refused") -> Any:
    """A LangChain chat model whose every call fails, as a dead or misconfigured server would."""
    from langchain_core.language_models.chat_models import BaseChatModel

    class FailingChatModel(BaseChatModel):
        error: str = message

        @property
        def _llm_type(self) -> str:
            return "failing-fake"

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise ConnectionError(self.error)

    return FailingChatModel()


def scripted_chat_model(*replies: str) -> Any:
    """LangChain's own fake chat model, answering each call with the next scripted reply (streams too)."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


def small_index(root: Path, docs: dict[str, str], settings: Any, embedder: FakeEmbedder) -> Any:
    """Write ``docs`` (name → text) under ``root``, ingest them with the fake embedder, return a Retriever."""
    from bot.retrieve import open_retriever
    from ingest.pipeline import ingest

    root.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (root / name).write_text(text)
    ingest([root], settings, embedder, progress=False)
    return open_retriever(settings, embedder=embedder)
