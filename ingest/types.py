"""Data types of the ingest layer: what a loader yields and what the index stores."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
        return sources_in(self.attributions, start, end, self.title, str(self.meta.get("source_url") or ""))


def sources_in(
    attributions: Sequence[Attribution], start: int, end: int, title: str, source_url: str
) -> tuple[PrimarySource, ...]:
    """The primary sources of the paragraphs a span overlaps; the document itself when none are marked."""
    found: list[PrimarySource] = []
    for a in attributions:
        if a.start < end and start < a.end:
            found += [s for s in a.sources if s not in found]
    if found:
        return tuple(found)
    # A front-matter source_url may trail a note ("https://... (EPAR PDF)"); the link is its first word.
    words = source_url.split(maxsplit=1)
    return (PrimarySource(title, words[0] if words and "://" in words[0] else ""),)


def attributions_json(attributions: Sequence[Attribution]) -> str:
    """Chroma metadata holds scalars only, so a chunk's attributions travel as a JSON string."""
    return json.dumps([asdict(a) for a in attributions], ensure_ascii=False)


def attributions_from_json(value: Any) -> tuple[Attribution, ...]:
    """The inverse of ``attributions_json``; an index without them (or a garbled value) gives none."""
    try:
        return tuple(
            Attribution(int(a["start"]), int(a["end"]), tuple(PrimarySource(str(s["label"]), str(s.get("url") or ""))
                                                              for s in a["sources"]))
            for a in (json.loads(value) if isinstance(value, str) else [])
        )  # fmt: skip
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


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
    attributions: tuple[Attribution, ...] = ()  # the marked paragraphs this chunk overlaps

    @property
    def primary(self) -> tuple[PrimarySource, ...]:
        return sources_in(self.attributions, self.start, self.end, self.title, self.source_url)

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
            "attributions": attributions_json(self.attributions),
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta
