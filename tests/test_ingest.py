"""Incremental ingest with exact counts, bad files, the writer lock and the build-stamp check.

Fake embedder, real Chroma in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IndexBusy, IndexMismatch, IndexMissing
from ingest.index import ChunkStore, writer_lock
from ingest.pipeline import build_stamp, ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder


def _corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        body = "\n\n".join(
            f"## Part {j}\n\nDocument {i} part {j} explains topic {i}-{j} in one sentence. "
            f"A second sentence adds detail {i}-{j}."
            for j in range(4)
        )
        (root / f"doc{i}.md").write_text(f"---\ntitle: Doc {i}\n---\n# Doc {i}\n\n{body}\n")
    return root


def _store(settings: Settings, emb: FakeEmbedder) -> ChunkStore:
    return ChunkStore.open(settings, build_stamp(emb))


def test_add_unchanged_modify_delete_counts(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    corpus = _corpus(tmp_path / "corpus")
    first = ingest([corpus], settings, fake_embedder, progress=False)
    assert (first.files_seen, first.files_ingested, first.chunks_added, first.chunks_removed) == (3, 3, 12, 0)
    assert _store(settings, fake_embedder).count() == 12

    fake_embedder.embedded.clear()
    again = ingest([corpus], settings, fake_embedder, progress=False)
    assert (again.files_unchanged, again.chunks_added, again.chunks_unchanged) == (3, 0, 12)
    assert fake_embedder.embedded == []  # nothing re-embedded

    # modify one section of doc1: exactly that chunk is replaced, the other three are kept
    doc1 = corpus / "doc1.md"
    doc1.write_text(doc1.read_text().replace("topic 1-2 in one sentence", "a changed topic"))
    changed = ingest([corpus], settings, fake_embedder, progress=False)
    assert (changed.files_ingested, changed.files_unchanged) == (1, 2)
    assert (changed.chunks_added, changed.chunks_removed, changed.chunks_unchanged) == (1, 1, 11)
    assert len(fake_embedder.embedded) == 1 and "a changed topic" in fake_embedder.embedded[0]

    (corpus / "doc2.md").unlink()
    removed = ingest([corpus], settings, fake_embedder, progress=False)
    assert (removed.files_removed, removed.chunks_removed, removed.chunks_total) == (1, 4, 8)
    store = _store(settings, fake_embedder)
    assert store.count() == 8
    assert not any(c.source.endswith("doc2.md") for c in store.all_chunks())


def test_ingesting_another_folder_keeps_the_first(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    a = _corpus(tmp_path / "a")
    b = tmp_path / "b"
    b.mkdir()
    (b / "extra.txt").write_text("An extra note about infusions.")
    ingest([a], settings, fake_embedder, progress=False)
    summary = ingest([b], settings, fake_embedder, progress=False)
    assert (summary.files_removed, summary.chunks_total) == (0, 13)


def test_bad_files_are_skipped_and_the_rest_ingested(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "blob.bin").write_bytes(b"\x00\x01")
    (corpus / "empty.md").write_text("")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\xfa not utf8 \x00")
    summary = ingest([corpus], settings, fake_embedder, progress=False)
    assert summary.files_ingested == 3 and summary.chunks_total == 12
    reasons = {Path(s.source).name: s.reason for s in summary.skipped}
    assert set(reasons) == {"blob.bin", "empty.md", "bad.txt"}
    assert "skipped" in summary.report() and "blob.bin" in summary.report()


def test_a_file_that_turns_bad_loses_its_old_chunks(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    ingest([corpus], settings, fake_embedder, progress=False)
    (corpus / "doc0.md").write_bytes(b"\x00binary now")
    summary = ingest([corpus], settings, fake_embedder, progress=False)
    assert summary.chunks_removed == 4 and summary.chunks_total == 8


def test_second_concurrent_ingest_fails_fast(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    corpus = _corpus(tmp_path / "corpus")
    with writer_lock(settings.index), pytest.raises(IndexBusy, match="another ingest is running"):
        ingest([corpus], settings, fake_embedder, progress=False)
    assert ingest([corpus], settings, fake_embedder, progress=False).chunks_total == 12


def test_model_mismatch_names_rebuild(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    corpus = _corpus(tmp_path / "corpus")
    ingest([corpus], settings, fake_embedder, progress=False)
    other = FakeEmbedder(name="other-model", dim=32)
    with pytest.raises(IndexMismatch, match=r"other-model.*--rebuild"):
        ChunkStore.open(settings, build_stamp(other))
    (corpus / "new.md").write_text("New text.")
    with pytest.raises(IndexMismatch):
        ingest([corpus], settings, other, progress=False)
    rebuilt = ingest([corpus], settings, other, rebuild=True, progress=False)
    assert rebuilt.chunks_total == 13 and ChunkStore.open(settings, build_stamp(other)).count() == 13


def test_missing_index_is_a_clear_error(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(IndexMissing, match="citebot ingest"):
        ChunkStore.open(settings, build_stamp(fake_embedder))


def test_orphans_from_an_interrupted_run_are_swept(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    ingest([corpus], settings, fake_embedder, progress=False)
    store = _store(settings, fake_embedder)
    # simulate a run killed after upserting a chunk but before recording it in the manifest
    from ingest.types import Chunk

    ghost = Chunk("ghost", "ghost text", "corpus/ghost.md", "G", "", 0, 10)
    store.upsert([ghost], fake_embedder.embed_documents([ghost.embed_text()]))
    (corpus / "doc0.md").write_text((corpus / "doc0.md").read_text() + "\nMore.\n")
    summary = ingest([corpus], settings, fake_embedder, progress=False)
    assert "ghost" not in _store(settings, fake_embedder).ids()
    assert summary.chunks_total == _store(settings, fake_embedder).count()
