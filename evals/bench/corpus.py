"""The benchmark's corpora: the ingest corpus, PubMedQA chunks, and synthetic variants for scale."""

from __future__ import annotations

import json
import math
import random
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evals.bench.common import EXTERNAL, MEDQUAD, PUBMEDQA, ROOT, Bench

if TYPE_CHECKING:
    import numpy as np

    from ingest.embed import Embedder
    from ingest.types import Chunk

VARIANT_COSINE = 0.85  # cosine between a synthetic variant's vector and its real source vector


def copy_corpus(bench: Bench) -> tuple[Path, int, int]:
    """The ingest corpus, written once per run to a folder the benchmark may change: (folder, bytes, files).

    Full run: 1 MB of MedQuAD answers (NIH pages), else corpus/ + ../shared/corpus-external; --quick: corpus/.
    """
    dest = bench.work / "corpus"
    if not dest.exists():
        if bench.quick:
            shutil.copytree(ROOT / "corpus", dest / "demo")
            bench.note("--quick ingests corpus/ only; the full run ingests 1 MB of MedQuAD answers")
        elif MEDQUAD.exists():
            medquad_corpus(MEDQUAD, dest / "medquad")
        else:
            shutil.copytree(ROOT / "corpus", dest / "demo")
            if EXTERNAL.is_dir():
                shutil.copytree(EXTERNAL, dest / "external")
            bench.note(f"{MEDQUAD} is absent: ingest measured on corpus/ and {EXTERNAL}")
    files = sorted(p for p in dest.rglob("*") if p.is_file())
    return dest, sum(p.stat().st_size for p in files), len(files)


def medquad_corpus(source: Path, dest: Path, limit_bytes: int = 1_000_000) -> None:
    """MedQuAD answers as one Markdown page per NIH source document, in file order, until ``limit_bytes``."""
    pages: dict[str, list[str]] = {}
    size = 0
    with source.open() as f:
        for line in f:
            row = json.loads(line)
            page = pages.setdefault(row["doc_id"], [f"# {row['focus'] or row['doc_id']}\n"])
            part = f"\n## {row['question']}\n\n{row['answer']}\n"
            page.append(part)
            size += len(part.encode())
            if size >= limit_bytes:
                break
    dest.mkdir(parents=True)
    for doc_id, parts in pages.items():
        (dest / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', doc_id)}.md").write_text("".join(parts))


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


def variants(questions: Sequence[str], n: int) -> list[str]:
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
