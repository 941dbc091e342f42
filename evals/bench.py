"""``citebot bench``: ingest, retrieval and answer performance measured side by side in one run.

    citebot bench [--quick] [--out DIR]

Everything is measured in one process tree on one machine at one time, so ratios (citebot vs a plain
LangChain pipeline, bf16 vs float32, unchanged re-ingest vs full ingest) hold even when the absolute
figures move with the machine's load. Whole-process figures run the real command as a child process,
so imports and model load are included; peak RSS is the child's ``ru_maxrss``.

Retrieval at 1k/10k/100k chunks uses PubMedQA abstracts (chunked by citebot's chunker) plus
sentence-shuffled synthetic variants of them. Only the real chunks are embedded with the model; each
variant's vector is its source chunk's vector plus Gaussian noise (renormalised, cosine ≈ 0.85 to the
source), because embedding 100k chunks on two cores would take most of an hour.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from bot.retrieve import Retriever
    from ingest.embed import Embedder
    from ingest.index import BuildStamp
    from ingest.types import Chunk

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "corpus-external"
PUBMEDQA = SHARED / "data" / "pubmedqa" / "ori_pqal.json"
GOLD = ROOT / "evals" / "datasets" / "demo.jsonl"
MODES = ("dense", "bm25", "hybrid")
VARIANT_COSINE = 0.85  # cosine between a synthetic variant's vector and its real source vector
CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


# --- pure helpers (unit-tested) -------------------------------------------------------------------


def percentiles(values: Sequence[float], ps: Sequence[float] = (50, 95, 99)) -> dict[str, float]:
    """Linear-interpolated percentiles (numpy's default method), keyed ``p50`` etc.; empty → NaN."""
    xs = sorted(values)
    out: dict[str, float] = {}
    for p in ps:
        if not xs:
            out[f"p{p:g}"] = math.nan
            continue
        pos = (len(xs) - 1) * p / 100
        lo, hi = math.floor(pos), math.ceil(pos)
        out[f"p{p:g}"] = xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
    return out


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


@dataclass(frozen=True)
class Row:
    """One line of the summary table: what was measured, citebot's figure, the reference, the target."""

    measure: str
    citebot: str
    reference: str = ""
    target: str = ""
    met: bool | None = None


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table; pipes inside cells are escaped so a cell never splits a row."""

    def cell(v: str) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def summary_table(rows: Sequence[Row]) -> str:
    mark = {True: "yes", False: "**no**", None: ""}
    return render_table(
        ["Measure", "citebot", "Reference", "Target", "Met"],
        [(r.measure, r.citebot, r.reference, r.target, mark[r.met]) for r in rows],
    )


def synthetic_chunks(
    base: Sequence[Chunk], vectors: np.ndarray, n: int, seed: int = 0, cosine: float = VARIANT_COSINE
) -> tuple[list[Chunk], np.ndarray]:
    """``n`` chunks: the real ones first, then sentence-shuffled variants with perturbed vectors.

    Variant ``j`` of base chunk ``b`` gets ``b``'s sentences in a random order (so BM25 sees real
    vocabulary and document lengths) and ``normalise(v_b + g)`` with ``g ~ N(0, σ²I)``, σ chosen so
    the expected cosine to ``v_b`` is ``cosine``: ``σ² = (1/cosine² − 1) / d``.
    """
    import numpy as np

    from ingest.chunk import chunk_id, split_sentences
    from ingest.types import Chunk

    if not base:
        raise ValueError("synthetic_chunks needs at least one real chunk")
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    dim = vectors.shape[1]
    sigma = math.sqrt((1.0 / cosine**2 - 1.0) / dim)
    chunks = list(base[:n])
    extra = n - len(chunks)
    if extra <= 0:
        return chunks, np.asarray(vectors[:n], dtype=np.float32)
    src = np.arange(extra) % len(base)
    noisy = vectors[src] + nrng.normal(0.0, sigma, size=(extra, dim))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    for j, b in enumerate(src.tolist()):
        chunk = base[b]
        parts = [chunk.text[u.start : u.end] for u in split_sentences(chunk.text)]
        rng.shuffle(parts)
        text = " ".join(parts)
        source = f"{chunk.source}#v{j // len(base) + 1}"
        chunks.append(
            Chunk(chunk_id(source, text), text, source, chunk.title, chunk.section, 0, len(text), ordinal=chunk.ordinal)
        )
    return chunks, np.vstack([vectors, noisy]).astype(np.float32)


# --- building blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRun:
    """A child process's wall time, peak resident memory and output."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


# A tiny launcher between the benchmark and each child: a child forked straight from the benchmark
# (hundreds of MB resident) inherits that high-water mark in ru_maxrss, even across exec. Forked from
# this ~10 MB launcher, the child's ru_maxrss is its own peak.
_LAUNCHER = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "max_rss_kb": usage.ru_maxrss}, f)
sys.exit(os.waitstatus_to_exitcode(status) & 255)
"""


def run_child(cmd: Sequence[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> ChildRun:
    """Run ``cmd`` via the launcher: wall time from spawn to exit, and that process's own peak RSS."""
    full_env = {**os.environ, **CHILD_ENV, **(env or {})}
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r", suffix=".json") as stats,
    ):
        proc = subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, stats.name, *cmd],
            cwd=cwd,
            env=full_env,
            stdout=out,
            stderr=err,
            text=True,
            check=False,
        )
        out.seek(0)
        err.seek(0)
        got = json.loads(Path(stats.name).read_text() or '{"seconds": 0, "max_rss_kb": 0}')
        return ChildRun(got["seconds"], got["max_rss_kb"] / 1024, proc.returncode, out.read(), err.read())


def citebot_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "citebot.cli", *args]


def bench_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "evals.bench", *args]


def _check(run: ChildRun, what: str) -> ChildRun:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}): {run.stderr[-2000:]}")
    return run


def _last_json(text: str) -> Any:
    return json.loads(text.strip().splitlines()[-1])


def build_index(settings: Settings, stamp: BuildStamp, chunks: Sequence[Chunk], vectors: Any) -> float:
    """Write chunks with given vectors straight into the Chroma collection and the BM25 index."""
    from ingest.index import ChunkStore
    from ingest.lexical import LexicalIndex

    t0 = time.perf_counter()
    store = ChunkStore.open(settings, stamp, create=True, rebuild=True)
    step = 4000
    for lo in range(0, len(chunks), step):
        store.upsert(chunks[lo : lo + step], [list(map(float, v)) for v in vectors[lo : lo + step]])
    LexicalIndex.build([c.id for c in chunks], [c.embed_text() for c in chunks]).save(settings.index)
    return time.perf_counter() - t0


def measure_retrieval(
    retriever: Retriever, queries: Sequence[str], modes: Sequence[str] = MODES, k: int = 6, warmup: int = 5
) -> dict[str, dict[str, float]]:
    """Latency of ``Retriever.search`` per mode in ms; each mode sees the queries in the same order."""
    out: dict[str, dict[str, float]] = {}
    for mode in modes:
        for q in queries[:warmup]:
            retriever.search(q, k=k, mode=mode)  # type: ignore[arg-type]
        times = []
        for q in queries:
            t0 = time.perf_counter()
            retriever.search(q, k=k, mode=mode)  # type: ignore[arg-type]
            times.append((time.perf_counter() - t0) * 1000)
        out[mode] = percentiles(times)
    return out


def _no_cache(embedder: Embedder) -> Embedder:
    """Benchmarks must embed every query afresh: turn the embedder's text cache off."""
    if hasattr(embedder, "cache_size"):
        embedder.cache_size = 0
        embedder._cache.clear()  # type: ignore[attr-defined]
    return embedder


def pubmedqa_chunks(limit: int, embedder: Embedder) -> tuple[list[Chunk], list[str]]:
    """Chunks of the first ``limit`` PubMedQA abstracts (title = PMID, so questions do not leak) and their questions."""
    from ingest.chunk import Chunker
    from ingest.types import Document, Section

    data = json.loads(PUBMEDQA.read_text())
    chunker = Chunker(embedder.count_tokens)
    chunks: list[Chunk] = []
    questions: list[str] = []
    for pmid in sorted(data)[:limit]:
        rec = data[pmid]
        text = "\n\n".join(rec["CONTEXTS"])
        doc = Document(f"pubmedqa/{pmid}", text, (Section(text, 0),), {"title": f"PMID {pmid}"})
        chunks.extend(chunker.chunk(doc))
        questions.append(rec["QUESTION"])
    return chunks, questions


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0) -> Iterator[str]:
    """A ``chroma run`` server on a free local port; yields its URL and always stops it."""
    import urllib.request

    exe = Path(sys.executable).with_name("chroma")
    binary = str(exe) if exe.exists() else shutil.which("chroma")
    if not binary:
        raise FileNotFoundError("the 'chroma' command (chromadb's CLI) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(path.parent / f"chroma-{port}.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **CHILD_ENV},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"chroma run did not answer its heartbeat within {timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --- the benchmark sections -----------------------------------------------------------------------


class Bench:
    """Runs every section into ``self.results`` (raw, for JSON) and ``self.rows`` (the table)."""

    def __init__(self, quick: bool, work: Path, log: Callable[[str], None]) -> None:
        self.quick = quick
        self.work = work
        self.log = log
        self.results: dict[str, Any] = {"quick": quick, "notes": []}
        self.rows: list[Row] = []
        self.retrieval_rows: list[list[str]] = []

    def note(self, text: str) -> None:
        self.results["notes"].append(text)
        self.log(f"note: {text}")

    # ingest ---------------------------------------------------------------------------------------

    def corpus(self) -> tuple[Path, int, int]:
        """corpus/ (+ the external corpus in the full run), copied so files can be changed safely."""
        dest = self.work / "corpus"
        shutil.copytree(ROOT / "corpus", dest / "demo")
        if self.quick:
            self.note("--quick ingests corpus/ only; the full run adds ../shared/corpus-external")
        elif EXTERNAL.is_dir():
            shutil.copytree(EXTERNAL, dest / "external")
        else:
            self.note(f"{EXTERNAL} is absent: ingest measured on corpus/ only")
        files = sorted(p for p in dest.rglob("*") if p.is_file())
        return dest, sum(p.stat().st_size for p in files), len(files)

    def ingest(self) -> None:
        corpus, nbytes, nfiles = self.corpus()
        mb = nbytes / 1e6
        index = self.work / "ingest-index"
        self.log(f"ingest: citebot on {nfiles} files ({mb:.2f} MB)…")
        cite = _check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "citebot ingest")
        n_cite = int(cite.stdout.split("chunks:")[1].split("added")[0])
        self.log("ingest: plain LangChain…")
        plain = _check(run_child(bench_cmd("_plain", str(corpus), str(self.work / "plain-chroma"))), "plain pipeline")
        n_plain = int(_last_json(plain.stdout)["chunks"])
        self.log("ingest: unchanged re-ingest…")
        same = _check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "re-ingest")
        files = sorted(p for p in corpus.rglob("*.md"))
        k = max(1, round(len(files) * 0.01))
        changed = files[:: max(1, len(files) // k)][:k]
        for p in changed:
            p.write_text(p.read_text() + "\n\nThis sentence was added by citebot bench to change the file.\n")
        self.log(f"ingest: re-ingest with {len(changed)} changed file(s)…")
        one = _check(run_child(citebot_cmd("ingest", str(corpus), "--index", str(index), "--quiet")), "re-ingest 1%")
        self.ingest_index = index
        r = {
            "files": nfiles,
            "mb": mb,
            "citebot": {"seconds": cite.seconds, "chunks": n_cite, "max_rss_mb": cite.max_rss_mb},
            "plain": {"seconds": plain.seconds, "chunks": n_plain, "max_rss_mb": plain.max_rss_mb},
            "unchanged": {"seconds": same.seconds, "max_rss_mb": same.max_rss_mb},
            "changed_1pct": {"seconds": one.seconds, "files": len(changed), "max_rss_mb": one.max_rss_mb},
        }
        self.results["ingest"] = r
        speedup = plain.seconds / cite.seconds  # same bytes, so the MB/s ratio
        self.rows.append(
            Row(
                f"Ingest, whole process ({nfiles} files, {mb:.2f} MB; model load included)",
                f"{n_cite / cite.seconds:.1f} chunks/s, {mb / cite.seconds:.3f} MB/s ({cite.seconds:.1f} s, "
                f"{n_cite} chunks) = {speedup:.2f}× plain",
                f"plain LangChain: {n_plain / plain.seconds:.1f} chunks/s, {mb / plain.seconds:.3f} MB/s "
                f"({plain.seconds:.1f} s, {n_plain} chunks)",
                "≥ 2× plain (MB/s)",
                speedup >= 2,
            )
        )
        ratio = cite.seconds / same.seconds
        self.rows.append(
            Row(
                "Re-ingest, unchanged corpus (process start included)",
                f"{same.seconds:.2f} s = {ratio:.0f}× faster than the full ingest",
                "plain LangChain re-embeds everything",
                "≥ 20×",
                ratio >= 20,
            )
        )
        self.rows.append(
            Row(
                f"Re-ingest, {len(changed)} of {nfiles} files changed (~1%)",
                f"{one.seconds:.2f} s",
                f"full ingest {cite.seconds:.1f} s",
            )
        )
        self.rows.append(
            Row(
                "Peak RSS, ingest process",
                f"{cite.max_rss_mb:.0f} MB",
                f"plain LangChain {plain.max_rss_mb:.0f} MB",
            )
        )

    # embedding ------------------------------------------------------------------------------------

    def embedding(self) -> None:
        """Embedding only, same texts (the plain splitter's ~230-token chunks), models loaded and warm."""
        from langchain_huggingface import HuggingFaceEmbeddings

        from ingest.embed import SentenceTransformerEmbedder, bundled_model_path

        texts = plain_chunks(self.work / "corpus")
        sample = 64 if self.quick else 256
        texts = texts[:: max(1, len(texts) // sample)][:sample]
        auto = SentenceTransformerEmbedder(cache_size=0)
        f32 = SentenceTransformerEmbedder(dtype="float32", cache_size=0)
        hf = HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})
        tokens = [min(n + 2, 256) for n in auto.count_tokens(texts)]
        runs: dict[str, Callable[[list[str]], Any]] = {
            f"citebot ({auto.dtype})": auto.embed_documents,
            "citebot (float32)": f32.embed_documents,
            "HuggingFaceEmbeddings (plain)": hf.embed_documents,
        }
        if auto.dtype == "float32":
            del runs["citebot (float32)"]
        for fn in runs.values():
            fn(texts[:16])  # warm: model load, first-call allocations
        res: dict[str, Any] = {"texts": len(texts), "mean_tokens": sum(tokens) / len(tokens)}
        for name, fn in runs.items():
            self.log(f"embedding: {name} on {len(texts)} chunks…")
            t0 = time.perf_counter()
            fn(texts)
            dt = time.perf_counter() - t0
            res[name] = {"seconds": dt, "chunks_per_s": len(texts) / dt, "tokens_per_s": sum(tokens) / dt}
        self.results["embedding"] = res
        best = res[f"citebot ({auto.dtype})"]
        plain = res["HuggingFaceEmbeddings (plain)"]
        self.rows.append(
            Row(
                f"Embedding only, {len(texts)} plain-splitter chunks (mean {res['mean_tokens']:.0f} tokens)",
                f"{best['chunks_per_s']:.1f} chunks/s ({best['tokens_per_s']:.0f} tokens/s, {auto.dtype})",
                f"HuggingFaceEmbeddings {plain['chunks_per_s']:.1f} chunks/s"
                + (
                    f"; citebot float32 {res['citebot (float32)']['chunks_per_s']:.1f} chunks/s"
                    if "citebot (float32)" in res
                    else ""
                ),
                "≥ 100 chunks/s",
                best["chunks_per_s"] >= 100,
            )
        )
        self.flops(auto, best["tokens_per_s"], res["mean_tokens"])

    def flops(self, embedder: Any, tokens_per_s: float, seq_len: float) -> None:
        import torch

        model = embedder.model[0].auto_model
        total = sum(p.numel() for p in model.parameters())
        emb = sum(p.numel() for p in model.embeddings.parameters())
        cfg = model.config
        per_token = flops_per_token(total - emb, cfg.num_hidden_layers, cfg.hidden_size, seq_len)
        achieved = per_token * tokens_per_s
        peaks = {"float32": matmul_peak(torch.float32), "bfloat16": matmul_peak(torch.bfloat16)}
        peak = peaks[embedder.dtype]
        self.results["flops"] = {
            "params_total": total,
            "params_nonembedding": total - emb,
            "flops_per_token": per_token,
            "formula": "2*N_nonembedding + 4*layers*seq_len*hidden",
            "achieved_gflops": achieved / 1e9,
            "matmul_peak_gflops": {k: v / 1e9 for k, v in peaks.items()},
            "threads": torch.get_num_threads(),
        }
        self.rows.append(
            Row(
                "Embedding FLOP/s vs measured matmul peak "
                f"({per_token / 1e6:.1f} MFLOP/token = 2·{(total - emb) / 1e6:.1f}M + 4·L·s·d, s={seq_len:.0f})",
                f"{achieved / 1e9:.1f} GFLOP/s = {achieved / peak:.0%} of the {embedder.dtype} peak",
                f"matmul peak on {torch.get_num_threads()} threads: float32 {peaks['float32'] / 1e9:.0f}, "
                f"bfloat16 {peaks['bfloat16'] / 1e9:.0f} GFLOP/s",
            )
        )

    # retrieval ------------------------------------------------------------------------------------

    def retrieval(self) -> None:
        import numpy as np

        from ingest.embed import SentenceTransformerEmbedder
        from ingest.pipeline import build_stamp

        embedder = SentenceTransformerEmbedder(cache_size=0)
        abstracts = 60 if self.quick else 400
        base, questions = pubmedqa_chunks(abstracts, embedder)
        self.log(f"retrieval: embedding {len(base)} real PubMedQA chunks…")
        vecs = np.asarray(embedder.embed_documents([c.embed_text() for c in base]), dtype=np.float32)
        qvecs = np.asarray(embedder.embed_documents(questions), dtype=np.float32)
        if not self.quick:
            self.bf16_quality(base, vecs, questions, qvecs)
        stamp = build_stamp(embedder)
        sizes = [1000, 10000] if self.quick else [1000, 10000, 100000]
        queries = questions * (1 + 150 // len(questions))
        nq = 100 if self.quick else 300
        qfile = self.work / "queries.json"
        qfile.write_text(json.dumps(_variants(queries, nq + 5)))
        self.results["retrieval"] = {"real_chunks": len(base), "abstracts": abstracts, "sizes": {}}
        for n in sizes:
            chunks, allvecs = synthetic_chunks(base, vecs, n)
            settings = Settings(index=self.work / f"retr-{n}", collection=f"bench{n}")
            self.log(f"retrieval: building {n} chunks…")
            build_s = build_index(settings, stamp, chunks, allvecs)
            recall = hnsw_recall(settings, stamp, allvecs, qvecs, k=10)
            self.log(f"retrieval: measuring at {n} in a child process…")
            child = _check(
                run_child(bench_cmd("_retrieve", str(settings.index), settings.collection, str(qfile))),
                "retrieval child",
            )
            lat = _last_json(child.stdout)
            self.results["retrieval"]["sizes"][str(n)] = {
                "build_seconds": build_s,
                "hnsw_recall_at_10": recall,
                "latency_ms": lat,
                "max_rss_mb": child.max_rss_mb,
            }
            self.latency_rows(f"{n:,}", lat, f"{child.max_rss_mb:.0f} MB", recall)
            hp95 = lat["hybrid"]["p95"]
            if n == max(sizes):
                self.rows.append(
                    Row(f"Hybrid retrieval p95 at {n:,} chunks", f"{hp95:.1f} ms", "", "≤ 20 ms at 100k", hp95 <= 20)
                )
                self.rows.append(
                    Row(
                        f"Peak RSS, retrieval process at {n:,} chunks",
                        f"{child.max_rss_mb:.0f} MB",
                        "",
                        "≤ 1.5 GB at 100k",
                        child.max_rss_mb <= 1536,
                    )
                )
            if n == 10000 or (n == max(sizes) and 10000 not in sizes):
                self.server(settings, stamp, chunks, allvecs, qfile, n)

    def latency_rows(self, size: str, lat: dict[str, dict[str, float]], rss: str, recall: float | None) -> None:
        """One table row per retrieval mode; HNSW recall belongs to the dense row only."""
        for mode in MODES:
            p = lat[mode]
            shown_recall = f"{recall:.3f}" if recall is not None and mode == "dense" else ""
            self.retrieval_rows.append(
                [size, mode, f"{p['p50']:.1f}", f"{p['p95']:.1f}", f"{p['p99']:.1f}", rss, shown_recall]
            )

    def server(
        self, local: Settings, stamp: BuildStamp, chunks: Sequence[Chunk], vecs: Any, qfile: Path, n: int
    ) -> None:
        """The same index served by ``chroma run``; dense queries go over HTTP (HttpClient)."""
        try:
            with chroma_server(self.work / f"chroma-server-{n}") as url:
                settings = local.model_copy(update={"chroma_url": url})
                self.log(f"server: uploading {n} chunks to {url}…")
                upload = build_index(
                    settings.model_copy(update={"index": self.work / "server-bm25"}), stamp, chunks, vecs
                )
                child = _check(
                    run_child(
                        bench_cmd("_retrieve", str(local.index), local.collection, str(qfile), "--chroma-url", url)
                    ),
                    "server retrieval child",
                )
        except FileNotFoundError as err:
            self.note(f"server mode skipped: {err}")
            return
        lat = _last_json(child.stdout)
        self.results["server"] = {"chunks": n, "upload_seconds": upload, "latency_ms": lat}
        self.latency_rows(f"{n:,} (Chroma server)", lat, f"{child.max_rss_mb:.0f} MB (client)", None)
        self.rows.append(
            Row(
                f"Dense retrieval via Chroma server (HttpClient), {n:,} chunks",
                f"p50 {lat['dense']['p50']:.1f} ms, p95 {lat['dense']['p95']:.1f} ms",
                f"upload {upload:.1f} s",
            )
        )

    def bf16_quality(self, base: Sequence[Chunk], bf16: Any, questions: Sequence[str], qbf16: Any) -> None:
        """Recall@5 of the question's own abstract, bf16 vs float32 vectors, exact search."""
        import numpy as np

        from ingest.embed import SentenceTransformerEmbedder

        f32 = SentenceTransformerEmbedder(dtype="float32", cache_size=0)
        if f32.dtype == SentenceTransformerEmbedder().dtype:
            return
        self.log(f"quality: embedding {len(base)} chunks in float32 for the bf16 check…")
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
        self.results["bf16_quality"] = {
            "questions": nq,
            "recall_at_5_bf16": r16,
            "recall_at_5_float32": r32,
            "mean_cosine_bf16_vs_float32": cos,
        }
        self.rows.append(
            Row(
                f"bf16 retrieval quality (PubMedQA, {nq} questions, {len(base)} chunks, recall@5)",
                f"bf16 {r16:.3f}",
                f"float32 {r32:.3f}; mean cosine bf16·fp32 vectors {cos:.4f}",
                "no loss beyond noise",
                r16 >= r32 - 0.01,
            )
        )

    # answering ------------------------------------------------------------------------------------

    def ask(self) -> None:
        from bot.answer import Bot

        questions = [json.loads(line)["turns"] for line in GOLD.read_text().splitlines() if line.strip()]
        single = [t[0] for t in questions if len(t) == 1]
        single = single[:30] if self.quick else single
        settings = Settings(index=self.ingest_index, data_dir=self.work / "data")
        bot = Bot.from_settings(settings)
        bot.ask("What is ocrelizumab?")  # warm: model load
        passes = []
        for _ in range(2):
            times = []
            for q in single:
                t0 = time.perf_counter()
                bot.ask(q)
                times.append((time.perf_counter() - t0) * 1000)
            passes.append(percentiles(times))
        self.results["ask"] = {"questions": len(single), "first_pass_ms": passes[0], "repeat_pass_ms": passes[1]}
        self.rows.append(
            Row(
                f"Ask, offline answerer, warm process ({len(single)} gold questions)",
                f"p50 {passes[0]['p50']:.0f} ms, p95 {passes[0]['p95']:.0f} ms (first time each question); "
                f"repeated: p50 {passes[1]['p50']:.0f} ms, p95 {passes[1]['p95']:.0f} ms",
                "",
                "p95 ≤ 300 ms",
                passes[0]["p95"] <= 300,
            )
        )
        self.log("cold start…")
        runs = [
            _check(run_child(citebot_cmd("ask", q, "--index", str(self.ingest_index))), "citebot ask")
            for q in single[: 1 if self.quick else 3]
        ]
        cold = sorted(r.seconds for r in runs)[len(runs) // 2]
        rss = max(r.max_rss_mb for r in runs)
        self.results["cold_start"] = {"seconds": [r.seconds for r in runs], "max_rss_mb": rss}
        self.rows.append(
            Row(
                "Cold start to first answer (`citebot ask`, median)",
                f"{cold:.1f} s, peak RSS {rss:.0f} MB",
                "",
                "≤ 8 s",
                cold <= 8,
            )
        )


def _variants(questions: Sequence[str], n: int) -> list[str]:
    """``n`` distinct queries: the questions, then the questions with their words rotated."""
    out: list[str] = []
    shift = 0
    while len(out) < n:
        for q in questions:
            words = q.split()
            s = shift % max(1, len(words))
            out.append(" ".join(words[s:] + words[:s]))
            if len(out) == n:
                break
        shift += 1
    return out


def plain_chunks(corpus: Path) -> list[str]:
    """The plain pipeline's chunks: LangChain's recursive splitter at 1000/200 characters."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    return [t for p in files for t in splitter.split_text(p.read_text())]


def hnsw_recall(settings: Settings, stamp: BuildStamp, vectors: Any, queries: Any, k: int = 10) -> float:
    """Share of the exact (numpy brute force, cosine) top-k that the HNSW index returns."""
    import numpy as np

    from ingest.index import ChunkStore

    store = ChunkStore.open(settings, stamp)
    ids = json.loads((settings.index / "bm25" / "ids.json").read_text())  # build_index's insertion order
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :k]
    res = store.collection.query(query_embeddings=queries.tolist(), n_results=k, include=[])
    hits = sum(len({ids[i] for i in row} & set(got)) for row, got in zip(exact, res["ids"], strict=True))
    return hits / (k * len(queries))


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


# --- child entry points ---------------------------------------------------------------------------


def _child_plain(corpus: Path, persist: Path) -> dict[str, Any]:
    """The plain LangChain pipeline, as a tutorial would write it."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.embed import bundled_model_path

    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    docs = [Document(page_content=p.read_text(), metadata={"source": str(p)}) for p in files]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})
    Chroma.from_documents(splits, embeddings, persist_directory=str(persist), collection_name="plain")
    return {"chunks": len(splits)}


def _child_retrieve(index: Path, collection: str, queries_file: Path, chroma_url: str | None) -> dict[str, Any]:
    """Open the index the way ``citebot`` does and time every mode (dense only against a server)."""
    import resource

    from bot.retrieve import open_retriever

    settings = Settings(index=index, collection=collection, chroma_url=chroma_url)
    retriever = open_retriever(settings)
    _no_cache(retriever.embedder)
    queries = json.loads(queries_file.read_text())
    out: dict[str, Any] = dict(measure_retrieval(retriever, queries[5:], warmup=5))
    out["self_max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Internal entry for the benchmark's child processes: ``python -m evals.bench _plain|_retrieve``."""
    os.environ.update(CHILD_ENV)
    p = argparse.ArgumentParser(prog="python -m evals.bench")
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("_plain")
    a.add_argument("corpus", type=Path)
    a.add_argument("persist", type=Path)
    b = sub.add_parser("_retrieve")
    b.add_argument("index", type=Path)
    b.add_argument("collection")
    b.add_argument("queries", type=Path)
    b.add_argument("--chroma-url")
    args = p.parse_args(argv)
    if args.what == "_plain":
        result = _child_plain(args.corpus, args.persist)
    else:
        result = _child_retrieve(args.index, args.collection, args.queries, args.chroma_url)
    print(json.dumps(result))
    return 0


# --- the command ----------------------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bench",
        help="measure ingest, retrieval and answer performance (writes JSON + a Markdown table)",
        description="Ingest throughput vs a plain LangChain pipeline, re-ingest, retrieval latency at "
        "1k/10k/100k chunks, ask latency, cold start, peak RSS, FLOP utilisation and HNSW recall, in one run. "
        "--quick (1k/10k, demo corpus) takes about 3 minutes; the full run up to 30.",
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes: finishes in about 3 minutes")
    p.add_argument("--out", type=Path, help="output directory (default runs/bench-<timestamp>/)")
    p.set_defaults(func=run)


def report(bench: Bench, command: str, seconds: float) -> str:
    import platform

    cpu = _cpu_model()
    parts = [
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}. Command: `{command}` "
        f"({seconds / 60:.1f} min).",
        "",
        summary_table(bench.rows),
    ]
    if bench.retrieval_rows:
        parts += [
            "",
            render_table(
                ["Chunks", "Mode", "p50 ms", "p95 ms", "p99 ms", "Peak RSS", "HNSW recall@10"], bench.retrieval_rows
            ),
        ]
    if bench.results["notes"]:
        parts += ["", *[f"- {n}" for n in bench.results["notes"]]]
    return "\n".join(parts) + "\n"


def _cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as SentenceTransformerEmbedder does, before torch loads
    started = time.perf_counter()
    out = args.out or Path("runs") / f"bench-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="citebot-bench-") as tmp:
        bench = Bench(args.quick, Path(tmp), log)
        bench.ingest()
        bench.embedding()
        bench.ask()
        if PUBMEDQA.exists():
            bench.retrieval()
        else:
            bench.note(f"{PUBMEDQA} is absent: retrieval at scale not measured")
    seconds = time.perf_counter() - started
    command = "citebot bench" + (" --quick" if args.quick else "")
    table = report(bench, command, seconds)
    bench.results["seconds"] = seconds
    bench.results["rows"] = [asdict(r) for r in bench.rows]
    bench.results["retrieval_rows"] = bench.retrieval_rows
    (out / "bench.json").write_text(json.dumps(bench.results, indent=2))
    (out / "bench.md").write_text(table)
    print(table)
    print(f"written to {out}/bench.json and bench.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
