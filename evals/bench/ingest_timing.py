"""Ingest timing: whole-process ingest vs the rival, re-ingest, embedding throughput, FLOP utilisation."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from evals.bench.common import Bench, Row, backend_embedders, bench_cmd, check, citebot_cmd, last_json, run_child
from evals.bench.corpus import copy_corpus
from evals.bench.rival import plain_chunks

PLAIN = "HuggingFaceEmbeddings (plain)"


def ingest(bench: Bench) -> None:
    """Whole-process ingest, citebot vs the rival on the same bytes, then unchanged and 1%-changed re-ingest."""
    from ingest.embed import make_embedder
    from ingest.settings import Settings

    corpus, nbytes, nfiles = copy_corpus(bench)
    mb = nbytes / 1e6
    index = bench.work / "ingest-index"
    make_embedder(Settings()).warm()  # a first use exports the ONNX graph once per machine: not timed
    bench.log(f"ingest: citebot on {nfiles} files ({mb:.2f} MB)…")
    cite = check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "citebot ingest")
    n_cite = int(cite.stdout.split("chunks:")[1].split("added")[0])
    bench.log("ingest: plain LangChain…")
    plain = check(run_child(bench_cmd("_plain", str(corpus), str(bench.work / "plain-chroma"))), "plain pipeline")
    n_plain = int(last_json(plain.stdout)["chunks"])
    bench.log("ingest: unchanged re-ingest…")
    same = check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "re-ingest")
    files = sorted(p for p in corpus.rglob("*.md"))
    k = max(1, round(len(files) * 0.01))
    changed = files[:: max(1, len(files) // k)][:k]
    for p in changed:
        p.write_text(p.read_text() + "\n\nThis sentence was added by citebot bench to change the file.\n")
    bench.log(f"ingest: re-ingest with {len(changed)} changed file(s)…")
    one = check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "re-ingest 1%")
    r = {
        "files": nfiles,
        "mb": mb,
        "citebot": {
            "seconds": cite.seconds,
            "cpu_seconds": cite.cpu_seconds,
            "chunks": n_cite,
            "max_rss_mb": cite.max_rss_mb,
        },
        "plain": {
            "seconds": plain.seconds,
            "cpu_seconds": plain.cpu_seconds,
            "chunks": n_plain,
            "max_rss_mb": plain.max_rss_mb,
        },
        "unchanged": {"seconds": same.seconds, "max_rss_mb": same.max_rss_mb},
        "changed_1pct": {"seconds": one.seconds, "files": len(changed), "max_rss_mb": one.max_rss_mb},
    }
    bench.results["ingest"] = r
    speedup = plain.seconds / cite.seconds  # same bytes, so the MB/s ratio
    bench.rows.append(
        Row(
            f"Ingest, whole process ({nfiles} files, {mb:.2f} MB; model load included)",
            f"{n_cite / cite.seconds:.1f} chunks/s, {mb / cite.seconds:.3f} MB/s ({cite.seconds:.1f} s, "
            f"{n_cite} chunks, {cite.cpu_seconds:.0f} CPU s) = {speedup:.2f}× plain "
            f"({plain.cpu_seconds / cite.cpu_seconds:.2f}× in CPU seconds)",
            f"plain LangChain: {n_plain / plain.seconds:.1f} chunks/s, {mb / plain.seconds:.3f} MB/s "
            f"({plain.seconds:.1f} s, {n_plain} chunks, {plain.cpu_seconds:.0f} CPU s)",
            "≥ 2× plain (MB/s)",
            speedup >= 2,
        )
    )
    ratio = cite.seconds / same.seconds
    bench.rows.append(
        Row(
            "Re-ingest, unchanged corpus (process start included)",
            f"{same.seconds:.2f} s = {ratio:.0f}× faster than the full ingest",
            "plain LangChain re-embeds everything",
            "≥ 20×",
            ratio >= 20,
        )
    )
    bench.rows.append(
        Row(
            f"Re-ingest, {len(changed)} of {nfiles} files changed (~1%)",
            f"{one.seconds:.2f} s",
            f"full ingest {cite.seconds:.1f} s",
        )
    )
    bench.rows.append(
        Row(
            "Peak RSS, ingest process",
            f"{cite.max_rss_mb:.0f} MB",
            f"plain LangChain {plain.max_rss_mb:.0f} MB",
        )
    )


def embedding(bench: Bench) -> None:
    """Embedding only, same texts (the plain splitter's ~230-token chunks), models loaded and warm.

    Every backend and the rival run in turn on each of several slices (A B C… A B C…), so a change in
    machine load hits all of them alike; the ratio to the rival is the median of the per-slice ratios.
    """
    import statistics

    from langchain_huggingface import HuggingFaceEmbeddings

    from ingest.embed import bundled_model_path, make_embedder
    from ingest.settings import Settings

    corpus, _, _ = copy_corpus(bench)
    texts = plain_chunks(corpus)
    sample = 96 if bench.quick else 384
    texts = texts[:: max(1, len(texts) // sample)][:sample]
    embedders = backend_embedders(bench)
    auto = make_embedder(Settings()).backend
    chosen = next(name for name, e in embedders.items() if e.backend == auto)
    hf = HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})
    tokens = [min(n + 2, 256) for n in embedders[chosen].count_tokens(texts)]
    runs: dict[str, Callable[[list[str]], Any]] = {name: e.embed_documents for name, e in embedders.items()}
    workers = getattr(embedders[chosen], "workers", 1)
    if workers > 1:  # what running batches side by side (Settings.embed_workers) adds, in the same run
        from ingest.embed_onnx import OnnxEmbedder

        serial = OnnxEmbedder(
            quantized=auto == "onnx-int8", cache_dir=Settings().cache_dir, cache_size=0, batch_size=16, workers=1
        )
        runs[f"{chosen}, batches of 16 over every core (before)"] = serial.embed_documents
    runs[PLAIN] = hf.embed_documents
    for fn in runs.values():
        fn(texts[:16])  # warm: model load, first-call allocations
    slices = 3
    step = -(-len(texts) // slices)
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for lo in range(0, len(texts), step):
        part = texts[lo : lo + step]
        for name, fn in runs.items():
            bench.log(f"embedding: {name} on {len(part)} chunks…")
            t0 = time.perf_counter()
            fn(part)
            seconds[name].append(time.perf_counter() - t0)
    res: dict[str, Any] = {"texts": len(texts), "mean_tokens": sum(tokens) / len(tokens), "auto": chosen}
    for name, ts in seconds.items():
        total = sum(ts)
        res[name] = {
            "seconds": total,
            "chunks_per_s": len(texts) / total,
            "tokens_per_s": sum(tokens) / total,
            "vs_plain": statistics.median(p / t for p, t in zip(seconds[PLAIN], ts, strict=True)),
        }
    bench.results["embedding"] = res
    best, plain = res[chosen], res[PLAIN]
    others = ", ".join(
        f"{n} {res[n]['chunks_per_s']:.1f} ({res[n]['vs_plain']:.2f}×)" for n in runs if n not in (chosen, PLAIN)
    )
    bench.rows.append(
        Row(
            f"Embedding only, {len(texts)} plain-splitter chunks (mean {res['mean_tokens']:.0f} tokens), "
            f"{slices} interleaved slices",
            f"{best['chunks_per_s']:.1f} chunks/s ({best['tokens_per_s']:.0f} tokens/s, {chosen}, the default, "
            f"{workers} workers × batches of {getattr(embedders[chosen], 'batch_size', '?')}) "
            f"= {best['vs_plain']:.2f}× plain; other backends (chunks/s): {others}",
            f"HuggingFaceEmbeddings {plain['chunks_per_s']:.1f} chunks/s",
            "≥ 2.5× plain at quality parity",
            best["vs_plain"] >= 2.5,
        )
    )
    flops(bench, embedders["torch float32"], best["tokens_per_s"], res["mean_tokens"], chosen)


def flops(bench: Bench, embedder: Any, tokens_per_s: float, seq_len: float, backend: str) -> None:
    """The chosen backend's arithmetic rate against the measured matmul peaks (the torch model gives the shapes)."""
    import torch

    model = embedder.model[0].auto_model
    total = sum(p.numel() for p in model.parameters())
    emb = sum(p.numel() for p in model.embeddings.parameters())
    cfg = model.config
    per_token = flops_per_token(total - emb, cfg.num_hidden_layers, cfg.hidden_size, seq_len)
    achieved = per_token * tokens_per_s
    peaks = {"float32": matmul_peak(torch.float32), "bfloat16": matmul_peak(torch.bfloat16)}
    peak = max(peaks.values())
    bench.results["flops"] = {
        "backend": backend,
        "params_total": total,
        "params_nonembedding": total - emb,
        "flops_per_token": per_token,
        "formula": "2*N_nonembedding + 4*layers*seq_len*hidden",
        "achieved_gflops": achieved / 1e9,
        "matmul_peak_gflops": {k: v / 1e9 for k, v in peaks.items()},
        "threads": torch.get_num_threads(),
    }
    bench.rows.append(
        Row(
            "Embedding FLOP/s vs measured matmul peak "
            f"({per_token / 1e6:.1f} MFLOP/token = 2·{(total - emb) / 1e6:.1f}M + 4·L·s·d, s={seq_len:.0f})",
            f"{achieved / 1e9:.1f} GFLOP/s ({backend}) = {achieved / peak:.0%} of the bfloat16 matmul peak",
            f"matmul peak on {torch.get_num_threads()} threads: float32 {peaks['float32'] / 1e9:.0f}, "
            f"bfloat16 {peaks['bfloat16'] / 1e9:.0f} GFLOP/s",
        )
    )


def flops_per_token(nonembedding_params: int, layers: int, hidden: int, seq_len: float) -> float:
    """Forward FLOPs per token of a BERT encoder: ``2·N + 4·L·s·d``.

    ``2·N``: one multiply-add per weight of the non-embedding matrices (embedding lookups are gathers,
    not arithmetic). ``4·L·s·d``: per layer, QKᵀ and attention·V each cost ``2·s·d`` per token for a
    sequence of ``s`` tokens. Softmax, layer norms and GELU are left out (a few percent).
    """
    return 2.0 * nonembedding_params + 4.0 * layers * seq_len * hidden


def matmul_flops(n: int) -> float:
    """FLOPs of one ``n×n @ n×n`` matrix product."""
    return 2.0 * n**3


def matmul_peak(dtype: Any, n: int = 1024, seconds: float = 1.5) -> float:
    """Best FLOP/s of repeated ``n×n`` matmuls on the cores torch uses: the practical ceiling."""
    import torch

    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    torch.matmul(a, b)
    best = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        torch.matmul(a, b)
        best = max(best, matmul_flops(n) / (time.perf_counter() - t0))
    return best
