"""Which MatMuls of the int8 graph hurt most: a per-node quantisation sensitivity on public calibration text.

Each part (the embedding tables, each weight MatMul) is quantised alone, the rest float32, and scored by
how far the vectors move from the float32 graph's (1 − mean cosine) on PubMedQA *contexts* of records 500
onward — never a question, and disjoint from the first 300 records that ``citebot eval pubmedqa --limit
300`` reports on. Parts are ranked by that loss per multiply-accumulate they cost (a value projection is
384×384, a feed-forward one 4× that; an embedding lookup costs none), then kept in float32 in that order,
with cosine and time per pass for each prefix, so the recipe (``ingest.embed_onnx.RECIPE``) can be chosen
as the cheapest set that reaches near-float32 vectors.

``python -m evals.bench.sensitivity [--texts 128] [--out FILE]`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.bench.common import PUBMEDQA

FIRST_RECORD = 500  # calibration records start here; evaluations report on the first 300


def calibration_texts(n: int, path: Path = PUBMEDQA) -> list[str]:
    """Up to ``n`` PubMedQA context paragraphs (no questions) from records FIRST_RECORD onward."""
    records = json.loads(path.read_text())
    keys = list(records)[FIRST_RECORD:]
    return [c for k in keys for c in records[k]["CONTEXTS"]][:n]


def quantisable_parts(graph: Path) -> dict[str, int]:
    """The quantisable parts as the recipe names them, with their multiply-accumulates per token:
    ``embeddings`` (the embedding tables' lookups, 0) and each weight MatMul (``layer.N/<module path>``,
    its weight's size), in graph order."""
    import math

    import onnx

    model = onnx.load(str(graph))
    sizes = {i.name: math.prod(i.dims) for i in model.graph.initializer}
    parts = {"embeddings": 0}
    for n in model.graph.node:
        weights = [sizes[i] for i in n.input if i in sizes]
        if n.op_type == "MatMul" and weights:
            parts[n.name.split("/encoder/encoder/", 1)[-1].rsplit("/MatMul", 1)[0]] = weights[0]
    return parts


def _vectors(graph: Path, texts: list[str], model: Path, batch: int = 16) -> tuple[Any, float]:
    import numpy as np
    import onnxruntime as ort

    from ingest.embed_onnx import _max_tokens, _padded_tokenizer

    options = ort.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    wanted = {i.name for i in session.get_inputs()}
    tok = _padded_tokenizer(str(model), _max_tokens(model))
    out = []
    start = time.perf_counter()
    for lo in range(0, len(texts), batch):
        enc = tok.encode_batch(texts[lo : lo + batch])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids),
        }
        out.append(session.run(["embedding"], {k: v for k, v in feed.items() if k in wanted})[0])
    return np.concatenate(out), time.perf_counter() - start


def sensitivity(texts: list[str], prefixes: Sequence[int] = (0, 1, 3, 5, 6, 7, 9, 12)) -> dict[str, Any]:
    import numpy as np

    from ingest.embed import bundled_model_path
    from ingest.embed_onnx import RECIPE, ensure_graph, quantize_graph

    model = bundled_model_path()
    texts = sorted(texts, key=len)  # length-sorted batches, as the embedder runs them
    fp32 = ensure_graph(model, quantized=False)
    ref, fp32_s = _vectors(fp32, texts, model)
    costs = quantisable_parts(fp32)
    parts = list(costs)
    scores: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "one.onnx"
        for i, part in enumerate(parts):
            quantize_graph(fp32, graph, replace(RECIPE, float32=tuple(p for p in parts if p != part)))
            vecs, _ = _vectors(graph, texts, model)
            scores[part] = float(1 - np.sum(vecs * ref, axis=1).mean())
            print(f"[{i + 1}/{len(parts)}] {part}: 1-cos {scores[part]:.5f}", file=sys.stderr, flush=True)
        # Loss per MAC; a part that costs nothing to keep in float32 goes first.
        ranked = sorted(parts, key=lambda p: -scores[p] / costs[p] if costs[p] else -float("inf"))
        cumulative = []
        for k in prefixes:
            quantize_graph(fp32, graph, replace(RECIPE, float32=tuple(ranked[:k])))
            vecs, secs = _vectors(graph, texts, model)
            cos = np.sum(vecs * ref, axis=1)
            row = {"float32_nodes": k, "cos_mean": float(cos.mean()), "cos_min": float(cos.min()), "seconds": secs}
            cumulative.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return {
        "texts": len(texts),
        "source": f"PubMedQA contexts, records {FIRST_RECORD}+",
        "float32_seconds": fp32_s,
        "ranked": [(p, scores[p], costs[p]) for p in ranked],
        "cumulative": cumulative,
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench.sensitivity", description=__doc__)
    p.add_argument("--texts", type=int, default=128)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    result = sensitivity(calibration_texts(args.texts))
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
