"""Embedding quality: reduced-precision vectors against float32, as retrieval recall and cosine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from evals.bench.common import Bench, Row

if TYPE_CHECKING:
    from ingest.types import Chunk


def bf16_quality(bench: Bench, base: Sequence[Chunk], bf16: Any, questions: Sequence[str], qbf16: Any) -> None:
    """Recall@5 of the question's own abstract, bf16 vs float32 vectors, exact search."""
    import numpy as np

    from ingest.embed import SentenceTransformerEmbedder

    f32 = SentenceTransformerEmbedder(dtype="float32", cache_size=0)
    if f32.dtype == SentenceTransformerEmbedder().dtype:
        return
    bench.log(f"quality: embedding {len(base)} chunks in float32 for the bf16 check…")
    v32 = np.asarray(f32.embed_documents([c.embed_text() for c in base]), dtype=np.float32)
    q32 = np.asarray(f32.embed_documents(list(questions)), dtype=np.float32)
    owners = sorted({c.source for c in base})
    owner_of = np.array([owners.index(c.source) for c in base])
    nq = min(len(questions), 300)

    def recall(v: Any, q: Any) -> float:
        top = np.argsort(-(q[:nq] @ v.T), axis=1)[:, :5]
        return float(np.mean([i in owner_of[row] for i, row in enumerate(top)]))

    r16, r32 = recall(bf16, qbf16), recall(v32, q32)
    cos = float(np.mean(np.sum(bf16 * v32, axis=1)))
    bench.results["bf16_quality"] = {
        "questions": nq,
        "recall_at_5_bf16": r16,
        "recall_at_5_float32": r32,
        "mean_cosine_bf16_vs_float32": cos,
    }
    bench.rows.append(
        Row(
            f"bf16 retrieval quality (PubMedQA, {nq} questions, {len(base)} chunks, recall@5)",
            f"bf16 {r16:.3f}",
            f"float32 {r32:.3f}; mean cosine bf16·fp32 vectors {cos:.4f}",
            "no loss beyond noise",
            r16 >= r32 - 0.01,
        )
    )
