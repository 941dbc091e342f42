"""Public benchmarks: retrieval recall on PubMedQA and MedQuAD, yes/no/maybe accuracy with an LLM.

Each benchmark builds its own throw-away index (a temporary directory, deleted afterwards) with
the same chunker, embedder, Chroma store and BM25 as ``citebot ingest``, then measures dense, BM25
and hybrid retrieval. k counts retrieved *chunks* (what the answerer would be handed): a query
scores a hit at k when any of its first k chunks comes from a gold document. MRR is MRR@10.

* PubMedQA (PQA-L, 1,000 expert-labelled records): corpus = each record's CONTEXTS joined as one
  document (id = PMID, no title, so the question's wording is not leaked through a title);
  query = QUESTION; gold = the record's own PMID. Yes/no/maybe accuracy over the official
  500-question test split runs only when an LLM is configured (CITEBOT_LLM or CITEBOT_LLM_BASE_URL);
  the model sees the top_k hybrid passages retrieved for the question.
* MedQuAD (answered 35 % subsample): corpus = the answer texts (id = the pair's ``id``); query =
  each distinct normalised question (lower case, punctuation and spacing collapsed); gold = every
  pair in the corpus with that normalised question, so templated duplicates ("What is (are) X ?"
  asked in two collections) count either answer as a hit. By default a seeded random sample
  (seed 0) of 2,000 pairs keeps the run within a few minutes on 2 CPU cores.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.retrieve import Mode, Retriever
from ingest.chunk import Chunker
from ingest.embed import Embedder, Progress
from ingest.errors import CitebotError
from ingest.index import ChunkStore
from ingest.lexical import LexicalIndex
from ingest.pipeline import build_stamp
from ingest.settings import Settings
from ingest.types import Chunk, Document, Section

KS = (1, 5, 10)
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
MEDQUAD_DEFAULT_LIMIT = 2000
LABELS = ("yes", "no", "maybe")
UPSERT_BATCH = 1000


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    gold: frozenset[str]  # document ids that count as a hit


class _CachedQueries:
    """The embedder with a per-query cache: three modes embed each question once, not twice."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.backend = inner.backend
        self.recipe = inner.recipe
        self.cache: dict[str, list[float]] = {}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        return self.inner.embed_documents(texts, progress)

    def embed_query(self, text: str) -> list[float]:
        if text not in self.cache:
            self.cache[text] = self.inner.embed_query(text)
        return self.cache[text]

    def warm(self) -> None:
        self.inner.warm()


def build_retriever(
    docs: Sequence[tuple[str, str]], settings: Settings, embedder: Embedder, progress: bool = True
) -> tuple[Retriever, int]:
    """Chunk, embed and index ``(doc_id, text)`` pairs into ``settings.index``; returns (retriever, chunks)."""
    from tqdm import tqdm

    chunker = Chunker(embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens)
    chunks: list[Chunk] = []
    for doc_id, text in docs:
        doc = Document(source=doc_id, text=text, sections=(Section(text, 0),), meta={})
        chunks += [replace(c, title="") for c in chunker.chunk(doc)]
    store = ChunkStore.open(settings, build_stamp(embedder), create=True, rebuild=True)
    with tqdm(total=len(chunks), unit="chunk", desc="embedding", disable=not progress or None, leave=False) as bar:
        for lo in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[lo : lo + UPSERT_BATCH]
            store.upsert(batch, embedder.embed_documents([c.embed_text() for c in batch], progress=bar.update))
    lexical = LexicalIndex.build([c.id for c in chunks], [c.embed_text() for c in chunks])
    return Retriever(store, _CachedQueries(embedder), lexical, settings.candidates), len(chunks)


def retrieval_table(
    retriever: Retriever, queries: Sequence[Query], progress: bool = True, modes: Sequence[Mode] = MODES
) -> dict[str, dict[str, float]]:
    """recall@1/5/10 and MRR@10 per retrieval mode (k counts chunks; see the module docstring)."""
    from tqdm import tqdm

    depth = max(KS)
    table: dict[str, dict[str, float]] = {}
    for mode in modes:
        hits = dict.fromkeys(KS, 0)
        rr = 0.0
        for q in tqdm(queries, desc=mode, unit="q", disable=not progress or None, leave=False):
            sources = [p.source for p in retriever.search(q.text, k=depth, mode=mode)]
            first = next((i for i, s in enumerate(sources, start=1) if s in q.gold), None)
            if first is not None:
                rr += 1.0 / first
                for k in KS:
                    hits[k] += first <= k
        n = max(1, len(queries))
        table[mode] = {**{f"recall@{k}": hits[k] / n for k in KS}, "mrr@10": rr / n}
    return table


def markdown_table(table: dict[str, dict[str, float]]) -> str:
    cols = [f"recall@{k}" for k in KS] + ["mrr@10"]
    lines = ["| mode | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [f"| {mode} | " + " | ".join(f"{row[c]:.3f}" for c in cols) + " |" for mode, row in table.items()]
    return "\n".join(lines)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise CitebotError(f"cannot read {what} {path}: {err.strerror or err}") from None
    except ValueError as err:
        raise CitebotError(f"{path} is not valid JSON ({err})") from None


def _with_index(
    settings: Settings, work: Callable[[Settings], dict[str, Any]], keep_index: Path | None = None
) -> dict[str, Any]:
    """Run ``work`` against a fresh index in a temporary directory (or ``keep_index``)."""
    tmp = None if keep_index else Path(tempfile.mkdtemp(prefix="citebot-bench-"))
    index = keep_index or tmp
    assert index is not None
    try:
        return work(settings.model_copy(update={"index": index, "chroma_url": None, "collection": "bench"}))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# --- PubMedQA ------------------------------------------------------------------------------------


def load_pubmedqa(path: Path) -> dict[str, dict[str, Any]]:
    data = _read_json(path, "PubMedQA file")
    if not isinstance(data, dict) or not data:
        raise CitebotError(f"{path}: expected a JSON object keyed by PMID (ori_pqal.json)")
    for pmid, rec in data.items():
        if (
            not isinstance(rec, dict)
            or not isinstance(rec.get("QUESTION"), str)
            or not isinstance(rec.get("CONTEXTS"), list)
        ):
            raise CitebotError(f"{path}: record {pmid} lacks QUESTION or CONTEXTS")
    return data


YESNO_PROMPT = (
    "Answer the biomedical research question using only the numbered abstract passages. "
    "Reply with exactly one word: yes, no or maybe."
)


def yes_no_maybe_accuracy(
    chat_model: Any,
    retriever: Retriever,
    records: dict[str, dict[str, Any]],
    truth: dict[str, str],
    top_k: int,
    progress: bool = True,
) -> dict[str, Any]:
    """Accuracy of the model's yes/no/maybe over the test PMIDs; a failed or unparseable reply counts wrong."""
    from tqdm import tqdm

    correct = failed = 0
    streak = 0
    errors: list[str] = []
    asked = 0
    for pmid in tqdm(sorted(truth), desc="pubmedqa llm", unit="q", disable=not progress or None, leave=False):
        question = records[pmid]["QUESTION"]
        passages = retriever.search(question, k=top_k, mode="hybrid")
        context = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, start=1))
        asked += 1
        try:
            reply = chat_model.invoke([("system", YESNO_PROMPT), ("human", f"{context}\n\nQuestion: {question}")])
            words = re.findall(r"[a-z]+", str(getattr(reply, "content", reply)).lower())
            label = next((w for w in words if w in LABELS), None)
            streak = 0
        except Exception as err:
            label = None
            streak += 1
            errors.append(f"{pmid}: {type(err).__name__}: {str(err).splitlines()[0][:120] if str(err) else ''}")
        if label is None:
            failed += 1
        elif label == truth[pmid]:
            correct += 1
        if streak >= 3:
            errors.append("stopped after 3 LLM failures in a row")
            break
    return {
        "questions": len(truth),
        "asked": asked,
        "accuracy": correct / asked if asked else None,
        "failed_or_unparseable": failed,
        "errors": errors[:20],
    }


def run_pubmedqa(
    path: Path,
    settings: Settings,
    embedder: Embedder,
    limit: int | None = None,
    test_split: Path | None = None,
    chat_model: Any = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Retrieval over the (first ``limit``) records and, with an LLM, yes/no/maybe accuracy on the test split."""
    records = load_pubmedqa(path)
    pmids = list(records)[:limit] if limit else list(records)
    docs = [(pmid, "\n\n".join(str(c) for c in records[pmid]["CONTEXTS"])) for pmid in pmids]
    queries = [Query(pmid, records[pmid]["QUESTION"], frozenset({pmid})) for pmid in pmids]
    split = test_split or path.with_name("test_ground_truth.json")

    def work(s: Settings) -> dict[str, Any]:
        t0 = time.perf_counter()
        retriever, n_chunks = build_retriever(docs, s, embedder, progress)
        t1 = time.perf_counter()
        table = retrieval_table(retriever, queries, progress)
        t2 = time.perf_counter()
        result: dict[str, Any] = {
            "benchmark": "pubmedqa",
            "path": str(path),
            "documents": len(docs),
            "chunks": n_chunks,
            "queries": len(queries),
            "limit": limit,
            "embedder": embedder.name,
            "index_seconds": round(t1 - t0, 1),
            "query_seconds": round(t2 - t1, 1),
            "retrieval": table,
        }
        model = chat_model
        if model is None and (settings.llm or settings.llm_base_url):
            from bot.llm import make_chat_model

            model = make_chat_model(settings)
        if model is None:
            result["yes_no_maybe"] = "skipped: no LLM configured"
        else:
            truth_all = _read_json(split, "PubMedQA test split")
            truth = {p: str(v) for p, v in truth_all.items() if p in set(pmids)}
            result["yes_no_maybe"] = {
                "split": str(split),
                "model": settings.llm or type(model).__name__,
                **yes_no_maybe_accuracy(model, retriever, records, truth, settings.top_k, progress),
            }
        return result

    return _with_index(settings, work)


# --- MedQuAD -------------------------------------------------------------------------------------


def normalise_question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def load_medquad(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise CitebotError(f"cannot read MedQuAD file {path}: {err.strerror or err}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise CitebotError(f"{path}:{number}: invalid JSON ({err})") from None
        if not all(isinstance(row.get(k), str) and row[k].strip() for k in ("id", "question", "answer")):
            raise CitebotError(f"{path}:{number}: needs non-empty 'id', 'question' and 'answer'")
        rows.append(row)
    if not rows:
        raise CitebotError(f"{path} has no QA pairs")
    return rows


def medquad_sample(rows: Sequence[dict[str, Any]], limit: int | None, seed: int = 0) -> list[dict[str, Any]]:
    """A seeded random sample in file order (all rows when ``limit`` is None or larger)."""
    if not limit or limit >= len(rows):
        return list(rows)
    keep = set(random.Random(seed).sample(range(len(rows)), limit))
    return [r for i, r in enumerate(rows) if i in keep]


def medquad_queries(rows: Sequence[dict[str, Any]]) -> list[Query]:
    """One query per distinct normalised question; gold = every pair asking it."""
    gold: dict[str, set[str]] = {}
    text: dict[str, str] = {}
    for r in rows:
        key = normalise_question(r["question"])
        gold.setdefault(key, set()).add(r["id"])
        text.setdefault(key, r["question"])
    return [Query(key, text[key], frozenset(ids)) for key, ids in gold.items()]


def run_medquad(
    path: Path,
    settings: Settings,
    embedder: Embedder,
    limit: int | None = MEDQUAD_DEFAULT_LIMIT,
    progress: bool = True,
) -> dict[str, Any]:
    every = load_medquad(path)
    rows = medquad_sample(every, limit)
    sampled = len(rows) < len(every)
    docs = [(r["id"], r["answer"]) for r in rows]
    queries = medquad_queries(rows)

    def work(s: Settings) -> dict[str, Any]:
        t0 = time.perf_counter()
        retriever, n_chunks = build_retriever(docs, s, embedder, progress)
        t1 = time.perf_counter()
        table = retrieval_table(retriever, queries, progress)
        return {
            "benchmark": "medquad",
            "path": str(path),
            "pairs": len(rows),
            "sample": f"seeded random sample (seed 0) of {len(rows)} of {len(every)} pairs" if sampled else "all pairs",
            "chunks": n_chunks,
            "queries": len(queries),
            "gold": "the pair's own id or any pair in the sample with the same normalised question",
            "embedder": embedder.name,
            "index_seconds": round(t1 - t0, 1),
            "query_seconds": round(time.perf_counter() - t1, 1),
            "retrieval": table,
        }

    return _with_index(settings, work)


def summary_markdown(result: dict[str, Any]) -> str:
    """The benchmark's tables as Markdown, ready for the README."""
    name = result["benchmark"]
    size = (
        f"{result['documents']} documents" if name == "pubmedqa" else f"{result['pairs']} answers ({result['sample']})"
    )
    lines = [
        f"### {name}: retrieval ({size}, {result['chunks']} chunks, {result['queries']} queries; "
        f"embedder {result['embedder']}; index {result['index_seconds']} s, queries {result['query_seconds']} s)",
        "",
        markdown_table(result["retrieval"]),
    ]
    if name == "medquad":
        lines += ["", f"gold: {result['gold']}"]
    if name == "pubmedqa":
        ynm = result["yes_no_maybe"]
        lines += ["", "### pubmedqa: yes/no/maybe accuracy (500-question test split)", ""]
        if isinstance(ynm, str):
            lines.append(ynm)
        else:
            acc = ynm["accuracy"]
            lines += [
                "| model | questions asked | accuracy | failed/unparseable |",
                "|---|---:|---:|---:|",
                f"| {ynm['model']} | {ynm['asked']} | {'–' if acc is None else f'{acc:.3f}'} | "
                f"{ynm['failed_or_unparseable']} |",
            ]
    return "\n".join(lines) + "\n"
