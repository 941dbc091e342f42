"""The ingest run: discover → hash → load → chunk → embed only new chunks → upsert → manifest → BM25.

Incremental by construction: unchanged files are skipped on their hash (no model load at all when
nothing changed), a changed file re-embeds only chunks whose content hash is new, and chunks of
deleted files or left over by an interrupted run are swept. The manifest is saved after every
batch, so a killed ingest resumes where it stopped and ends equal to a clean one.
"""

from __future__ import annotations

import hashlib
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunk import Chunker
from ingest.embed import Embedder, warm_in_background
from ingest.errors import CitebotError
from ingest.index import BuildStamp, ChunkStore, Manifest, writer_lock
from ingest.lexical import LexicalIndex
from ingest.load import MAX_FILE_BYTES, Skipped, discover, display_path, load
from ingest.settings import Settings
from ingest.types import Chunk

BATCH_CHUNKS = 512


@dataclass
class IngestSummary:
    """What one run did, for the one-screen report and for tests."""

    files_seen: int = 0
    files_ingested: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    chunks_added: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def report(self) -> str:
        lines = [
            f"files: {self.files_seen} seen, {self.files_ingested} ingested, {self.files_unchanged} unchanged, "
            f"{len(self.skipped)} skipped, {self.files_removed} removed",
            f"chunks: {self.chunks_added} added, {self.chunks_unchanged} unchanged, {self.chunks_removed} removed "
            f"({self.chunks_total} in index)",
            f"time: {self.seconds:.1f} s",
        ]
        lines += [f"  skipped {s.source}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


def build_stamp(embedder: Embedder) -> BuildStamp:
    return BuildStamp(
        embed_model=embedder.name, dim=embedder.dim, embed_backend=embedder.backend, embed_recipe=embedder.recipe
    )


def _under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


def ingest(
    paths: Sequence[Path], settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = True
) -> IngestSummary:
    """Bring the index in line with the files under ``paths``; see the module docstring."""
    started = time.perf_counter()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CitebotError(f"no such file or directory: {', '.join(missing)}")
    summary = IngestSummary()
    with writer_lock(settings.index):
        manifest = Manifest() if rebuild else Manifest.load(settings.index)
        files, skipped = discover(paths)
        summary.skipped.extend(skipped)
        summary.files_seen = len(files) + len(skipped)
        roots = [p.resolve() for p in paths]
        seen: set[str] = set()
        todo: list[tuple[Path, str, str]] = []
        for path in files:
            source = display_path(path)
            seen.add(source)
            try:
                info = path.stat()
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                    todo.append((path, source, ""))  # never read a FIFO (it blocks) or a huge file; load() says why
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as err:
                summary.skipped.append(Skipped(source, f"unreadable: {err.strerror or err}"))
                continue
            entry = manifest.files.get(source)
            if entry and entry["sha256"] == digest:
                summary.files_unchanged += 1
                summary.chunks_unchanged += len(entry["chunks"])
            else:
                todo.append((path, source, digest))
        gone = [s for s in manifest.files if s not in seen and _under(Path(s).resolve(), roots)]
        if not todo and not gone and not rebuild and (settings.index / "bm25" / "ids.json").exists():
            summary.chunks_total = len(manifest.all_ids())
            summary.seconds = time.perf_counter() - started
            return summary  # nothing changed: no Chroma writes, no model load

        if todo:  # load the model while files are read and chunked (~3 s of a small ingest)
            warm_in_background(embedder)
        store = ChunkStore.open(settings, build_stamp(embedder), create=True, rebuild=rebuild)
        chunker = Chunker(embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens)
        for source in gone:
            ids = manifest.files.pop(source)["chunks"]
            store.delete(ids)
            summary.chunks_removed += len(ids)
            summary.files_removed += 1
        manifest.save(settings.index)
        _ingest_files(todo, store, chunker, embedder, manifest, settings, summary, progress)

        orphans = store.ids() - manifest.all_ids()
        if orphans:  # left by an interrupted run, or by a file that turned unreadable
            store.delete(sorted(orphans))
        chunks = list(store.all_chunks())
        LexicalIndex.build([c.id for c in chunks], [c.embed_text() for c in chunks]).save(settings.index)
        summary.chunks_total = len(chunks)
    summary.seconds = time.perf_counter() - started
    return summary


def _ingest_files(
    todo: list[tuple[Path, str, str]],
    store: ChunkStore,
    chunker: Chunker,
    embedder: Embedder,
    manifest: Manifest,
    settings: Settings,
    summary: IngestSummary,
    progress: bool,
) -> None:
    from tqdm import tqdm

    pending: list[tuple[str, str, list[Chunk], set[str]]] = []  # source, digest, chunks, old ids
    bar = tqdm(total=0, unit="chunk", desc="embedding", disable=not progress or None, leave=False)

    def flush() -> None:
        new = [c for _, _, chunks, old in pending for c in chunks if c.id not in old]
        vectors = embedder.embed_documents([c.embed_text() for c in new], progress=bar.update)
        store.upsert(new, vectors)
        for source, digest, chunks, old in pending:
            ids = [c.id for c in chunks]
            stale = sorted(old - set(ids))
            store.delete(stale)
            summary.chunks_removed += len(stale)
            summary.chunks_unchanged += len(old & set(ids))
            manifest.files[source] = {"sha256": digest, "chunks": ids}
        summary.chunks_added += len(new)
        manifest.save(settings.index)
        pending.clear()

    for path, source, digest in todo:
        old = set(manifest.files.get(source, {}).get("chunks", []))
        doc = load(path)
        if isinstance(doc, Skipped):
            summary.skipped.append(doc)
            if source in manifest.files:  # the file turned bad: its old chunks no longer reflect it
                store.delete(sorted(old))
                summary.chunks_removed += len(old)
                del manifest.files[source]
            continue
        chunks = chunker.chunk(doc)
        if not chunks:
            summary.skipped.append(Skipped(source, "no text content"))
            continue
        summary.files_ingested += 1
        pending.append((source, digest, chunks, old))
        bar.total += sum(1 for c in chunks if c.id not in old)
        bar.refresh()
        if sum(len(p[2]) for p in pending) >= BATCH_CHUNKS:
            flush()
    if pending:
        flush()
    bar.close()
