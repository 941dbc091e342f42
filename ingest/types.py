"""Data types of the ingest layer: what a loader yields and what the index stores."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """A stretch of a document's text under one heading path (or one PDF page)."""

    text: str
    start: int  # offset of ``text`` in the document's text
    heading: str = ""
    page: int | None = None


@dataclass(frozen=True)
class PrimarySource:
    """The primary reference a passage draws on, as a reader checks it: one label and a link."""

    label: str  # e.g. "US Prescribing Information §5.2 Infections, rev. 8/2025"
    url: str = ""


@dataclass(frozen=True)
class Attribution:
    """A paragraph's span in the document text and the primary sources its marker names."""

    start: int
    end: int
    sources: tuple[PrimarySource, ...]


@dataclass(frozen=True)
class Document:
    """One loaded source file: its text, where it came from, and its front matter."""

    source: str  # path as given (relative to the working directory when possible)
    text: str
    sections: tuple[Section, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    attributions: tuple[Attribution, ...] = ()  # per paragraph, from the document's source markers

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.source.rsplit("/", 1)[-1])

    def primary_for(self, start: int, end: int) -> tuple[PrimarySource, ...]:
        """The primary sources of the paragraphs a span overlaps; the document itself when none are marked."""
        found: list[PrimarySource] = []
        for a in self.attributions:
            if a.start < end and start < a.end:
                found += [s for s in a.sources if s not in found]
        if found:
            return tuple(found)
        # A front-matter source_url may trail a note ("https://... (EPAR PDF)"); the link is its first word.
        url = str(self.meta.get("source_url") or "").split(maxsplit=1)
        return (PrimarySource(self.title, url[0] if url and "://" in url[0] else ""),)


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
    primary: tuple[PrimarySource, ...] = ()

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
            # Chroma metadata holds scalars only, so the list travels as a JSON string.
            "primary": json.dumps([asdict(p) for p in self.primary], ensure_ascii=False),
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta
