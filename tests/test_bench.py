"""The benchmark's pure helpers and its retrieval-latency path at 500 chunks (fake embedder, no timings asserted)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bot.retrieve import open_retriever
from evals.bench.common import MODES, Row, percentiles
from evals.bench.corpus import synthetic_chunks, variants
from evals.bench.ingest_timing import flops_per_token
from evals.bench.latency import build_index, hnsw_recall, measure_retrieval
from evals.bench.report import render_table, summary_table
from ingest.chunk import Chunker
from ingest.pipeline import build_stamp
from ingest.settings import Settings
from ingest.types import Chunk, Document, Section
from tests.fakes import FakeEmbedder


def test_percentiles_interpolate_like_numpy() -> None:
    values = [5.0, 1.0, 3.0, 2.0, 4.0, 10.0, 7.0]
    got = percentiles(values, (0, 50, 95, 99, 100))
    for p in (0, 50, 95, 99, 100):
        assert got[f"p{p}"] == pytest.approx(float(np.percentile(values, p)))
    assert percentiles([2.5]) == {"p50": 2.5, "p95": 2.5, "p99": 2.5}
    assert all(math.isnan(v) for v in percentiles([]).values())


def test_flop_estimate_follows_the_stated_formula() -> None:
    # MiniLM-L6: 6 layers, d=384; 2·N plus 4·L·s·d for the two attention matmuls.
    assert flops_per_token(10_000_000, 6, 384, 128) == 2 * 10_000_000 + 4 * 6 * 128 * 384
    assert flops_per_token(1, 1, 1, 0) == 2.0


def test_tables_render_as_markdown_and_escape_pipes() -> None:
    text = render_table(["a", "b"], [["1", "x|y"], ["2", "line\nbreak"]])
    lines = text.splitlines()
    assert lines[0] == "| a | b |" and lines[1] == "|---|---|"
    assert lines[2] == "| 1 | x\\|y |" and lines[3] == "| 2 | line break |"
    table = summary_table([Row("ingest", "2 s", "plain 4 s", "≥ 2×", True), Row("cold", "9 s", met=False)])
    assert "| ingest | 2 s | plain 4 s | ≥ 2× | yes |" in table and "**no**" in table


def test_variants_are_distinct_and_as_many_as_asked() -> None:
    out = variants(["a b c", "d e"], 7)
    assert len(out) == 7 and out[:2] == ["a b c", "d e"] and out[2] == "b c a"


def _base(n_docs: int = 25) -> list[Chunk]:
    embedder = FakeEmbedder()
    chunker = Chunker(embedder.count_tokens, budget=40, overlap=8)
    chunks: list[Chunk] = []
    for i in range(n_docs):
        text = " ".join(
            f"Drug {i} lowers marker {j} in patients with condition {i % 5}. Dose {j} mg was given daily."
            for j in range(6)
        )
        chunks += chunker.chunk(Document(f"doc{i}.md", text, (Section(text, 0),), {"title": f"Doc {i}"}))
    return chunks


def test_synthetic_chunks_keep_real_ones_and_perturb_vectors() -> None:
    base = _base(5)
    vecs = np.asarray(FakeEmbedder().embed_documents([c.embed_text() for c in base]), dtype=np.float32)
    chunks, out = synthetic_chunks(base, vecs, 60, seed=1, cosine=0.85)
    assert len(chunks) == 60 and out.shape == (60, vecs.shape[1])
    assert chunks[: len(base)] == base and len({c.id for c in chunks}) == 60
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    src = np.arange(60 - len(base)) % len(base)
    cos = np.sum(out[len(base) :] * vecs[src], axis=1)
    assert 0.6 < float(cos.mean()) < 0.99  # close to the source, not a copy
    variant = chunks[len(base)]
    assert sorted(variant.text.split()) == sorted(base[0].text.split())  # same words, sentences shuffled
    again, _ = synthetic_chunks(base, vecs, 60, seed=1, cosine=0.85)
    assert [c.id for c in again] == [c.id for c in chunks]  # deterministic


def test_retrieval_latency_path_at_500_chunks(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    base = _base()
    vecs = np.asarray(embedder.embed_documents([c.embed_text() for c in base]), dtype=np.float32)
    chunks, allvecs = synthetic_chunks(base, vecs, 500)
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, collection="bench500")
    stamp = build_stamp(embedder)
    build_index(settings, stamp, chunks, allvecs)

    retriever = open_retriever(settings, embedder)
    assert retriever.store.count() == 500
    queries = variants(["Does drug 3 lower marker 2?", "condition 4 daily dose", "marker 5 in patients"], 12)
    lat = measure_retrieval(retriever, queries, warmup=2)
    assert set(lat) == set(MODES)
    for mode in MODES:
        assert set(lat[mode]) == {"p50", "p95", "p99"}
        assert 0 <= lat[mode]["p50"] <= lat[mode]["p95"] <= lat[mode]["p99"]
    qvecs = np.asarray([embedder.embed_query(q) for q in queries], dtype=np.float32)
    assert 0.5 <= hnsw_recall(settings, stamp, allvecs, qvecs, k=10) <= 1.0
