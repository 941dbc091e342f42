"""Loaders: a file on disk becomes a ``Document`` with sections, or a one-line reason it was skipped.

One bad file never aborts a run: every failure is caught here and reported as a ``Skipped``.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.types import Attribution, Document, PrimarySource, Section

# A folder's README describes the folder (its layout, how to edit it); quoting it as evidence would make
# answers talk about the knowledge base instead of the medicine, so it is never ingested.
DOCUMENTATION_NAMES = frozenset({"readme.md", "readme.markdown", "readme.txt", "readme"})
SUPPORTED = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_FILE_BYTES = 20 * 1024 * 1024
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)
# A paragraph names its primary sources with a marker such as ``<!-- src: uspi-5.2, eupl-2 -->``. It is an
# HTML comment so rendered Markdown hides it, and the loader blanks it so it never reaches a passage.
SOURCE_MARKER = re.compile(r"<!--\s*src:\s*([^>]*?)\s*-->")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why, in one line."""

    source: str
    reason: str


class LoadError(Exception):
    """Raised inside a loader; becomes a ``Skipped`` with this message."""


def display_path(path: Path) -> str:
    """Paths relative to the working directory read better and match gold-set substrings."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop cannot be resolved; name it as given
        resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Every file under ``paths`` (sorted, hidden entries and symlinked dirs skipped) or a skip reason."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for root in paths:
        if root.is_file():
            files.append(root)
            continue

        def on_error(err: OSError, root: Path = root) -> None:
            skipped.append(Skipped(display_path(Path(err.filename or root)), f"unreadable: {err.strerror}"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not name.startswith("."):
                    files.append(Path(dirpath) / name)
    return files, skipped


def load(path: Path) -> Document | Skipped:
    """Load one file; any failure becomes a ``Skipped`` with a short reason."""
    source = display_path(path)
    suffix = path.suffix.lower()
    if path.name.lower() in DOCUMENTATION_NAMES:
        return Skipped(source, f"{path.name} is documentation about the folder, not a source")
    if suffix not in SUPPORTED:
        return Skipped(source, f"unsupported file type '{suffix or path.name}'")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Skipped(source, "not a regular file (a pipe, device or socket)")
        size = info.st_size
        if size == 0:
            return Skipped(source, "empty file")
        if size > MAX_FILE_BYTES:
            return Skipped(source, f"larger than the {MAX_FILE_BYTES // 2**20} MB limit ({size / 2**20:.0f} MB)")
        data = path.read_bytes()
        if suffix == ".pdf":
            doc = _load_pdf(source, data)
        else:
            text = _decode(data)
            if suffix in (".html", ".htm"):
                doc = _load_html(source, text)
            elif suffix == ".txt":
                lead = len(text) - len(text.lstrip())
                doc = Document(source, text, (Section(text.strip(), lead),), {})
            else:
                doc = _load_markdown(source, text)
    except LoadError as err:
        return Skipped(source, str(err))
    except OSError as err:
        return Skipped(source, f"unreadable: {err.strerror or err}")
    if not any(s.text.strip() for s in doc.sections):
        return Skipped(source, "no text content")
    return doc


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LoadError(f"not UTF-8 text (bad byte at offset {err.start})") from None


def parse_front_matter(text: str) -> tuple[dict[str, Any], int]:
    """YAML front matter and the offset where the body starts (0 when there is none)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        meta = _lenient_front_matter(match.group(1))
    if not isinstance(meta, dict):
        meta = _lenient_front_matter(match.group(1))
    return {str(k): v for k, v in meta.items()}, match.end()


def _lenient_front_matter(block: str) -> dict[str, Any]:
    """Real-world headers often have unquoted colons in values; read them as ``key: rest of line``."""
    meta: dict[str, Any] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-")):
            meta[key.strip()] = value.strip().strip('"')
    return meta


def _load_markdown(source: str, text: str, meta: dict[str, Any] | None = None) -> Document:
    front, body_start = parse_front_matter(text)
    meta = {**front, **(meta or {})}
    text, attributions = source_markers(text, body_start, primary_sources(meta))
    sections = tuple(markdown_sections(text, body_start))
    if "title" not in meta:
        first = _HEADING.search(text, body_start)
        if first:
            meta["title"] = first.group(2).strip()
    return Document(source, text, sections, meta, attributions)


def primary_sources(meta: dict[str, Any]) -> dict[str, PrimarySource]:
    """The front matter's ``primary_sources`` records by id, each as the label a reader checks.

    A record is ``{id, label, section, revision or date, url}``; the label shown is
    "label section, revision" (e.g. "US Prescribing Information §5.2 Infections, rev. 8/2025").
    """
    records = meta.get("primary_sources") or []
    if not isinstance(records, list):
        raise LoadError("front matter 'primary_sources' must be a list of records")
    out: dict[str, PrimarySource] = {}
    for rec in records:
        if not isinstance(rec, dict) or not str(rec.get("id") or "").strip() or not str(rec.get("label") or "").strip():
            raise LoadError(f"primary_sources record without an id and a label: {str(rec)[:60]}")
        label, section = str(rec["label"]).strip(), str(rec.get("section") or "").strip()
        # "US Prescribing Information §5.2 Infections", but "Roche medical information, Serum Ig levels".
        head = f"{label}{' ' if section.startswith('§') else ', '}{section}" if section else label
        when = str(rec.get("revision") or rec.get("date") or "").strip()
        shown = f"{head}, {when}" if when and when not in head else head  # a paper's label often holds its year
        out[str(rec["id"]).strip()] = PrimarySource(shown, str(rec.get("url") or ""))
    return out


def source_markers(text: str, start: int, records: dict[str, PrimarySource]) -> tuple[str, tuple[Attribution, ...]]:
    """Blank every source marker (same length, so offsets hold) and attribute its paragraph to its ids."""
    attributions: list[Attribution] = []
    chars = list(text)
    bounds = [start, *(m.end() for m in _PARAGRAPH_BREAK.finditer(text, start)), len(text)]
    for m in SOURCE_MARKER.finditer(text, start):
        ids = [i for i in re.split(r"[\s,]+", m.group(1)) if i]
        unknown = [i for i in ids if i not in records]
        if unknown or not ids:
            raise LoadError(f"source marker names no primary_sources record: {m.group(0)[:60]!r}")
        para_start = max(b for b in bounds if b <= m.start())
        para_end = min(b for b in bounds if b >= m.end())
        attributions.append(Attribution(para_start, para_end, tuple(records[i] for i in dict.fromkeys(ids))))
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars), tuple(attributions)


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    marks = [m.start() for m in _FENCE.finditer(text)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def markdown_sections(text: str, start: int = 0) -> Iterator[Section]:
    """Split at headings (not inside code fences), keeping the heading path as the section name."""
    fences = _fenced_ranges(text)
    headings = [m for m in _HEADING.finditer(text, start) if not any(a <= m.start() < b for a, b in fences)]
    stack: list[tuple[int, str]] = []
    bounds = [(start, "")]
    for m in headings:
        level, title = len(m.group(1)), m.group(2).strip()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        # The top-level heading usually repeats the document title; the path reads better without it.
        path = " > ".join(t for lvl, t in stack if lvl > 1 or len(stack) == 1)
        bounds.append((m.end(), path))
    ends = [m.start() for m in headings] + [len(text)]
    for (begin, heading), end in zip(bounds, ends, strict=True):
        chunk = text[begin:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            yield Section(chunk.strip(), begin + lead, heading)


_BLOCK_TAGS = ("p", "li", "div", "section", "article", "tr", "br", "table", "ul", "ol", "blockquote", "pre")


def _load_html(source: str, text: str) -> Document:
    """Visible text only: scripts, styles and hidden templates are dropped; headings keep their level."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.insert_before("\n\n" + "#" * level + " ")
            h.insert_after("\n\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after("\n")
    raw = soup.get_text("")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.splitlines()]
    plain = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if title and not plain.startswith("# "):
        plain = f"# {title}\n\n{plain}"
    return _load_markdown(source, plain, {"title": title} if title else None)


def _load_pdf(source: str, data: bytes) -> Document:
    """One section per page so every chunk keeps its page number."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title) if info and info.title else ""
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise LoadError(f"unreadable PDF ({type(err).__name__}: {str(err)[:80]})") from None
    except Exception as err:  # pypdf raises assorted errors on truncated files
        raise LoadError(f"unreadable PDF ({type(err).__name__})") from None
    sections: list[Section] = []
    parts: list[str] = []
    offset = 0
    for number, page_text in enumerate(pages, start=1):
        page_text = page_text.strip()
        if page_text:
            sections.append(Section(page_text, offset, f"Page {number}", page=number))
            parts.append(page_text)
            offset += len(page_text) + 2
    if not sections:
        raise LoadError("PDF has no extractable text (scanned images?)")
    meta = {"title": title} if title else {}
    return Document(source, "\n\n".join(parts), tuple(sections), meta)
