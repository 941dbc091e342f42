"""Embedding quality per backend against torch float32: vector cosine on real chunks, and retrieval
recall@5 on PubMedQA and MedQuAD (the same runs as ``citebot eval pubmedqa|medquad``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evals.bench.common import MEDQUAD, PUBMEDQA, Bench, Row, backend_embedders
from evals.bench.corpus import pubmedqa_chunks

if TYPE_CHECKING:
    from ingest.embed import Embedder

PARITY = 0.005  # largest recall@5 loss against float32 that counts as parity
QUALITY_CHUNKS = 1000
MEDQUAD_PAIRS = 1000  # a seeded sample; the README's figures use 2,000 (`citebot eval medquad`)


def recalls(embedder: Embedder, bench: Bench) -> dict[str, dict[str, float]]:
    """Dense and hybrid recall@5 on each public benchmark present, with a fresh index per run."""
    from evals.public import run_medquad, run_pubmedqa
    from ingest.settings import Settings

    settings = Settings(index=bench.work / "quality-index", data_dir=bench.work / "data")
    out: dict[str, dict[str, float]] = {}
    runs: dict[str, Any] = {}
    if PUBMEDQA.exists():
        runs["PubMedQA"] = lambda: run_pubmedqa(PUBMEDQA, settings, embedder, progress=False)
    if MEDQUAD.exists():
        runs["MedQuAD"] = lambda: run_medquad(MEDQUAD, settings, embedder, MEDQUAD_PAIRS, progress=False)
    for name, run in runs.items():
        table = run()["retrieval"]
        out[name] = {mode: table[mode]["recall@5"] for mode in ("dense", "hybrid")}
    return out


def cosines(bench: Bench, embedders: dict[str, Embedder], n: int) -> dict[str, Any]:
    """Mean and minimum cosine of each backend's vectors to torch float32's on ``n`` real PubMedQA chunks."""
    import numpy as np

    chunks, _ = pubmedqa_chunks(n, embedders["torch float32"])  # ≥ 1 chunk per abstract
    texts = [c.embed_text() for c in chunks[:n]]
    bench.log(f"quality: {len(texts)} PubMedQA chunks through {len(embedders)} backends…")
    vectors = {name: np.asarray(e.embed_documents(texts), dtype=np.float32) for name, e in embedders.items()}
    ref = vectors["torch float32"]
    res: dict[str, Any] = {"chunks": len(texts), "backends": {}}
    for name, v in vectors.items():
        v = v / np.linalg.norm(v, axis=1, keepdims=True)  # bf16 vectors are unit length only to ~1e-3
        cos = np.sum(v * ref, axis=1)
        res["backends"][name] = {"cosine_mean": float(cos.mean()), "cosine_min": float(cos.min())}
    return res


def cosine(bench: Bench) -> None:
    """Only the vector cosine, on the issue's 1,000 real chunks, quick or not (minutes, not the hour of recall)."""
    res = cosines(bench, backend_embedders(bench), QUALITY_CHUNKS)
    bench.results["cosine"] = res
    for name, r in res["backends"].items():
        if name != "torch float32":
            bench.rows.append(
                Row(
                    f"Vectors of {name} vs torch float32 ({res['chunks']} real PubMedQA chunks)",
                    f"cosine mean {r['cosine_mean']:.4f}, min {r['cosine_min']:.4f}",
                    "torch float32 = 1",
                )
            )


def quality(bench: Bench) -> None:
    """Cosine of each backend's vectors to torch float32 on real chunks; recall@5 deltas (full run only)."""
    embedders = backend_embedders(bench)
    res = cosines(bench, embedders, 200 if bench.quick else QUALITY_CHUNKS)
    if not bench.quick:
        for name, e in embedders.items():
            bench.log(f"quality: recall@5 with {name}…")
            res["backends"][name]["recall_at_5"] = recalls(e, bench)
    else:
        bench.note("--quick measures vector cosine only; recall@5 per backend runs in the full bench")
    bench.results["quality"] = res
    base = res["backends"]["torch float32"].get("recall_at_5", {})
    for name, r in res["backends"].items():
        if name == "torch float32":
            continue
        got = r.get("recall_at_5", {})
        deltas = [got[s][m] - base[s][m] for s in got for m in ("dense", "hybrid")]
        shown = "; ".join(
            f"{s} recall@5 dense {got[s]['dense']:.3f} ({got[s]['dense'] - base[s]['dense']:+.3f}), "
            f"hybrid {got[s]['hybrid']:.3f} ({got[s]['hybrid'] - base[s]['hybrid']:+.3f})"
            for s in got
        )
        reference = "; ".join(f"{s} float32 dense {base[s]['dense']:.3f}, hybrid {base[s]['hybrid']:.3f}" for s in base)
        bench.rows.append(
            Row(
                f"Quality of {name} vs torch float32 ({res['chunks']} real chunks"
                + (f"; PubMedQA 1,000 q, MedQuAD {MEDQUAD_PAIRS:,}-pair sample)" if got else ")"),
                f"cosine mean {r['cosine_mean']:.4f}, min {r['cosine_min']:.4f}" + (f"; {shown}" if shown else ""),
                reference,
                f"recall@5 within {PARITY} of float32",
                min(deltas) >= -PARITY if deltas else None,
            )
        )
