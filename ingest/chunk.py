"""Structure-aware chunking: whole sentences packed under a token budget, with overlap and char spans.

Sentences never straddle headings; a chunk's text is exactly ``document.text[start:end]`` so the UI
can highlight it in the source. Token counts come from the embedding model's own tokenizer, so no
chunk is silently truncated by the model's 256-word-piece window.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.types import Chunk, Document, Section

CHUNKER_VERSION = "sentences-v4"  # v4: chunks carry their paragraphs' primary-source attributions
MODEL_WINDOW = 256  # all-MiniLM-L6-v2's max_seq_length, including [CLS] and [SEP]

TokenCounter = Callable[[Sequence[str]], list[int]]

# Words whose trailing period is not a sentence end. Units ("600 mg.") and "MS." end sentences here.
_ABBREV = frozenset("e.g i.e dr mr mrs vs fig approx st al ref u.s u.k e.u inc ltd cf".split())
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets/citation markers) and whitespace.
_END = re.compile(r"[.!?][\"'”’)\]]*(?:\s*\[\d+(?:,\s*\d+)*\])*(?=\s|$)")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+•]|\d+[.)]|#{1,6}|\|)[ \t])")


@dataclass(frozen=True)
class Unit:
    """A sentence (or a list item, or a table row) located in the document text."""

    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Unit]:
    """Sentences with character spans; blank lines and list items always start a new unit."""
    units: list[Unit] = []
    block_start = 0
    for brk in [*_BLOCK_BREAK.finditer(text), None]:
        block_end = brk.start() if brk else len(text)
        _split_block(text, block_start, block_end, offset, units)
        block_start = brk.end() if brk else len(text)
    return units


def _split_block(text: str, start: int, end: int, offset: int, out: list[Unit]) -> None:
    cursor = start
    for m in _END.finditer(text, start, end):
        word = re.search(r"(\S+)$", text[cursor : m.start()])
        token = word.group(1).lower().rstrip(".") if word else ""
        if token in _ABBREV or (len(token) == 1 and token.isalpha()):
            continue  # "e.g." / "Dr." / initials do not end a sentence
        nxt = text[m.end() : end].lstrip()[:1]
        if nxt and nxt.islower():
            continue
        _emit(text, cursor, m.end(), offset, out)
        cursor = m.end()
    _emit(text, cursor, end, offset, out)


def _emit(text: str, start: int, end: int, offset: int, out: list[Unit]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append(Unit(offset + start + lead, offset + start + lead + len(stripped)))


def chunk_id(source: str, text: str) -> str:
    """Content hash of source and text: the same passage always gets the same id, so ingest upserts."""
    return hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()[:32]


class Chunker:
    """Packs sentences into chunks no larger than the token budget, repeating some for overlap."""

    def __init__(self, count_tokens: TokenCounter, budget: int = 200, overlap: int = 40) -> None:
        self.count = count_tokens
        self.budget = budget
        self.overlap = overlap

    def chunk(self, doc: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        seen: set[str] = set()
        for section in doc.sections:
            for start, end in self._spans(doc, section):
                text = doc.text[start:end]
                cid = chunk_id(doc.source, text)
                if cid in seen:
                    continue
                seen.add(cid)
                chunks.append(
                    Chunk(
                        id=cid,
                        text=text,
                        source=doc.source,
                        title=doc.title,
                        section=section.heading,
                        start=start,
                        end=end,
                        page=section.page,
                        source_url=str(doc.meta.get("source_url") or ""),
                        audience=str(doc.meta.get("audience") or ""),
                        ordinal=len(chunks),
                        attributions=tuple(a for a in doc.attributions if a.start < end and start < a.end),
                    )
                )
        return chunks

    def _budget_for(self, doc: Document, section: Section) -> int:
        """What the text may use once the title/section header that is embedded with it is counted."""
        header = Chunk("", "", doc.source, doc.title, section.heading, 0, 0).embed_text()
        room = MODEL_WINDOW - 2 - self.count([header])[0] - 1
        return max(32, min(self.budget, room))

    def _spans(self, doc: Document, section: Section) -> list[tuple[int, int]]:
        budget = self._budget_for(doc, section)
        units = self._fit(doc.text, split_sentences(section.text, section.start), budget)
        if not units:
            return []
        sizes = self.count([doc.text[u.start : u.end] for u in units])
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(units):
            j, used = i, 0
            while j < len(units) and used + sizes[j] <= budget:
                used += sizes[j]
                j += 1
            j = max(j, i + 1)
            spans.append((units[i].start, units[j - 1].end))
            if j >= len(units):
                break
            # Step back over trailing sentences that fit the overlap, but always move forward.
            k, carried = j, 0
            while k - 1 > i and carried + sizes[k - 1] <= self.overlap:
                k -= 1
                carried += sizes[k]
            i = k
        return spans

    def _fit(self, text: str, units: list[Unit], budget: int) -> list[Unit]:
        """Split any single unit longer than the budget at word boundaries."""
        sizes = self.count([text[u.start : u.end] for u in units]) if units else []
        out: list[Unit] = []
        for unit, size in zip(units, sizes, strict=True):
            if size <= budget:
                out.append(unit)
                continue
            words = [
                (m.start() + cut, min(m.end(), m.start() + cut + budget))
                for m in re.finditer(r"\S+", text[unit.start : unit.end])
                # A word piece covers at least one character, so `budget` characters always fit.
                for cut in range(0, m.end() - m.start(), budget)
            ]
            word_sizes = self.count([text[unit.start + a : unit.start + b] for a, b in words])
            begin, used = 0, 0
            for idx, ws in enumerate(word_sizes):
                if used + ws > budget and idx > begin:
                    out.append(Unit(unit.start + words[begin][0], unit.start + words[idx - 1][1]))
                    begin, used = idx, 0
                used += ws
            out.append(Unit(unit.start + words[begin][0], unit.start + words[-1][1]))
        return out
