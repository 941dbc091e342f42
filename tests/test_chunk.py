"""Chunker: exact spans, token budget, overlap, heading paths, and no truncation by the real tokenizer."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ingest.chunk import MODEL_WINDOW, Chunker, chunk_id, split_sentences
from ingest.load import load
from ingest.types import Document, Section
from tests.fakes import FakeEmbedder


def test_sentence_split_respects_abbreviations_and_lists() -> None:
    text = "Ocrelizumab is given IV, e.g. in clinics. Dr. Smith agreed. It works!\n- item one\n- item two"
    units = [text[u.start : u.end] for u in split_sentences(text)]
    assert units == [
        "Ocrelizumab is given IV, e.g. in clinics.",
        "Dr. Smith agreed.",
        "It works!",
        "- item one",
        "- item two",
    ]


def _doc(text: str, heading: str = "Sec") -> Document:
    return Document("d.md", text, (Section(text, 0, heading),), {"title": "T"})


def test_chunks_are_exact_spans_within_budget_with_overlap() -> None:
    sentences = [f"Sentence number {i} talks about ocrelizumab dosing and infusions today." for i in range(40)]
    text = " ".join(sentences)
    emb = FakeEmbedder()
    chunker = Chunker(emb.count_tokens, budget=50, overlap=12)
    chunks = chunker.chunk(_doc(text))
    assert len(chunks) > 5
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert emb.count_tokens([c.text])[0] <= 50
        assert c.section == "Sec" and c.title == "T"
        assert c.id == chunk_id("d.md", c.text)
    # consecutive chunks share their boundary sentence (overlap) and together cover every sentence
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end
    covered = " ".join(c.text for c in chunks)
    assert all(s in covered for s in sentences)


def test_overlong_sentence_is_split_not_truncated() -> None:
    text = " ".join(f"word{i}" for i in range(500)) + "."
    emb = FakeEmbedder()
    chunks = Chunker(emb.count_tokens, budget=100, overlap=0).chunk(_doc(text))
    assert len(chunks) >= 5
    assert all(emb.count_tokens([c.text])[0] <= 100 for c in chunks)
    assert sum(c.text.count("word") for c in chunks) == 500  # every word kept exactly once


def test_giant_token_without_spaces_is_split() -> None:
    text = "".join(str(i) for i in range(2000))[:5000]  # one 5,000-char "word", no repeating slices
    chunks = Chunker(lambda ts: [len(t) for t in ts], budget=100, overlap=0).chunk(_doc(text))
    assert all(len(c.text) <= 100 for c in chunks) and sum(len(c.text) for c in chunks) == 5000


def test_same_text_in_two_sources_gets_two_ids() -> None:
    assert chunk_id("a.md", "same") != chunk_id("b.md", "same")
    assert chunk_id("a.md", "same") == chunk_id("a.md", "same")


@pytest.mark.integration
def test_no_chunk_exceeds_the_model_window_on_real_documents(shared: Path) -> None:
    """Counted with the bundled model's own tokenizer, title and section header included."""
    from ingest.embed import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()
    chunker = Chunker(emb.count_tokens, budget=200, overlap=40)
    total = 0
    for path in sorted((shared / "corpus-external").glob("*.md")):
        doc = load(path)
        assert isinstance(doc, Document), doc
        chunks = chunker.chunk(doc)
        total += len(chunks)
        sizes = emb.count_tokens([c.embed_text() for c in chunks])
        assert max(sizes) + 2 <= MODEL_WINDOW, (path.name, max(sizes))
        for c in chunks:
            assert doc.text[c.start : c.end] == c.text
    assert total > 100
