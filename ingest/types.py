"""Data types of the ingest layer: what a loader yields and what the index stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """A stretch of a document's text under one heading path (or one PDF page)."""

    text: str
    start: int  # offset of ``text`` in the document's text
    heading: str = ""
    page: int | None = None


@dataclass(frozen=True)
class Document:
    """One loaded source file: its text, where it came from, and its front matter."""

    source: str  # path as given (relative to the working directory when possible)
    text: str
    sections: tuple[Section, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.source.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Chunk:
    """An embeddable passage with enough provenance to cite and highlight it."""

    id: str
    text: str
    source: str
    title: str
    section: str
    start: int
    end: int
    page: int | None = None
    source_url: str = ""
    audience: str = ""
    ordinal: int = 0

    def embed_text(self) -> str:
        """The title and section ride along so a passage is findable by its topic."""
        head = " > ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "source_url": self.source_url,
            "audience": self.audience,
            "ordinal": self.ordinal,
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta
