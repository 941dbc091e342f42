"""MedQuAD answer benchmark: citebot's answers against the gold answers, beside a plain LangChain pipeline.

``citebot eval medquad PATH --answers`` takes a seeded random sample of QA pairs (seed 0, the reported
figure) from the documents outside the ranker's training fold (``bot.rank.training_fold``: the ranker was fitted on
MedQuAD pages, so scoring its own training pages would flatter it), writes
one Markdown document per source page of the sample (title = the page's focus, one ``##`` section
per question type holding that pair's answer; every pair of the file from those pages is included,
so a page has its other sections as distractors), ingests them with ``citebot ingest``'s pipeline
into a throw-away index and asks each sampled question through the same ``Bot`` the UI uses.

The plain pipeline in the same run is the answer a user would get without citebot: the same
documents through ``evals.bench.plain_pipeline`` (``RecursiveCharacterTextSplitter(1000, 200)``,
``HuggingFaceEmbeddings`` on the bundled model, Chroma), the top-1 chunk shown as the answer.

Both answers are scored the same way against the pair's gold answer: content-word recall,
precision and F1 (sets of stemmed content words, ``bot.text.content_words``; citebot's answer is
its shown sentences without markers, labels or the closing line, so boilerplate is not scored),
whether the gold page was cited (citebot: any citation; plain: the top-1 chunk's page), and words
per answer. An abstention scores 0 on all three, so F1 over all questions is what users get; F1
over answered questions is reported too. ``f1_ratio`` = citebot F1 / plain F1.

``--seed N`` (N != 0) draws a development sample instead: from the same pairs, but never from a page of
the reported seed-0 samples (``REPORTED_LIMITS``), so that work tuned on it is measured on pages it never saw.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.text import content_words
from bot.types import Audience
from evals.metrics import bare, behavior_of, shown_sentences
from evals.public import load_medquad, medquad_sample
from evals.ranker import in_training_fold
from ingest.embed import Embedder
from ingest.settings import Settings

MEDQUAD_ANSWERS_DEFAULT_LIMIT = 300
# the seed-0 sample sizes whose figures are reported (the Makefile's gate, the README's benchmark): a development
# sample (seed != 0) keeps off their pages
REPORTED_LIMITS = (40, 150)
# summary.json-style names a --fail-under/--fail-over gate may use with 'medquad --answers'
ANSWER_METRICS = (
    "citebot_f1",
    "citebot_recall",
    "citebot_precision",
    "citebot_f1_answered",
    "citebot_gold_cited",
    "citebot_answered",
    "citebot_abstained",
    "citebot_words",
    "plain_f1",
    "plain_recall",
    "plain_precision",
    "plain_gold_cited",
    "plain_words",
    "f1_ratio",
)


def page_name(file: str) -> str:
    """A file name for one MedQuAD source page (``5_NIDDK_QA/0000123.xml`` → ``5_NIDDK_QA__0000123``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", file.removesuffix(".xml").replace("/", "__"))


def write_pages(rows: Sequence[Mapping[str, Any]], pages: set[str], folder: Path) -> int:
    """One Markdown document per page in ``pages``: title = focus, one section per question type."""
    by_page: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        if r["file"] in pages:
            by_page.setdefault(r["file"], []).append(r)
    folder.mkdir(parents=True, exist_ok=True)
    for file, pairs in by_page.items():
        focus = pairs[0].get("focus") or file
        sections = [f"## {str(p.get('qtype') or 'information').capitalize()}\n\n{p['answer'].strip()}\n" for p in pairs]
        front = f"---\ntitle: {json.dumps(str(focus))}\nsource_url: {pairs[0].get('url') or ''}\n---\n\n"
        (folder / f"{page_name(file)}.md").write_text(front + f"# {focus}\n\n" + "\n".join(sections), encoding="utf-8")
    return len(by_page)


def outside_training_fold(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pairs whose document the ranker was never trained on: the only ones this benchmark may score."""
    return [r for r in rows if not in_training_fold(r)]


def overlap(answer: str, gold: str) -> dict[str, float]:
    """Content-word recall, precision and F1 of ``answer`` against ``gold`` (sets of stemmed words)."""
    a, g = set(content_words(answer)), set(content_words(gold))
    common = len(a & g)
    recall = common / len(g) if g else 0.0
    precision = common / len(a) if a else 0.0
    f1 = 2 * recall * precision / (recall + precision) if common else 0.0
    return {"recall": recall, "precision": precision, "f1": f1}


def shown_text(answer_text: str) -> str:
    """What citebot's answer asserts: its shown sentences without markers or labels."""
    return " ".join(bare(c.text) for c in shown_sentences(answer_text))


def open_plain_store(persist: Path) -> Any:
    """The Chroma collection ``plain_pipeline`` persisted, with the same embeddings for queries."""
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    from ingest.embed import bundled_model_path

    embeddings = HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})
    return Chroma(collection_name="plain", persist_directory=str(persist), embedding_function=embeddings)


def development_pool(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pairs a development sample may draw: outside every page of the reported seed-0 samples."""
    reported = {r["file"] for n in REPORTED_LIMITS for r in medquad_sample(rows, n)}
    return [r for r in rows if r["file"] not in reported]


def answer_sample(rows: Sequence[dict[str, Any]], limit: int, seed: int = 0) -> list[dict[str, Any]]:
    """The benchmark's pairs: seed 0's sample of ``rows``, or another seed's from the development pool."""
    return medquad_sample(rows if seed == 0 else development_pool(rows), limit, seed)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def run_medquad_answers(
    path: Path,
    settings: Settings,
    embedder: Embedder,
    limit: int = MEDQUAD_ANSWERS_DEFAULT_LIMIT,
    audience: Audience = "patient",
    progress: bool = True,
    seed: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The benchmark's summary and one record per question (citebot's and the plain pipeline's answers)."""
    from tqdm import tqdm

    from bot.answer import Bot
    from bot.retrieve import open_retriever
    from evals.bench import plain_pipeline
    from ingest.pipeline import ingest

    every = load_medquad(path)
    unseen = outside_training_fold(every)
    sample = answer_sample(unseen, limit, seed)
    pages = {r["file"] for r in sample}
    work = Path(tempfile.mkdtemp(prefix="citebot-medquad-"))
    try:
        docs = work / "pages"
        n_pages = write_pages(every, pages, docs)
        s = settings.model_copy(update={"index": work / "index", "data_dir": work / "data", "chroma_url": None})
        t0 = time.perf_counter()
        ingested = ingest([docs], s, embedder, progress=progress)
        t1 = time.perf_counter()
        plain_chunks = plain_pipeline(docs, work / "plain")["chunks"]
        store = open_plain_store(work / "plain")
        t2 = time.perf_counter()
        bot = Bot(open_retriever(s, embedder=embedder), s)
        records = []
        for row in tqdm(sample, desc="medquad answers", unit="q", disable=not progress or None):
            gold_page = page_name(row["file"])
            answer = bot.ask(row["question"], audience, [])
            status = behavior_of(answer.status)
            said = shown_text(answer.text) if status == "answer" else ""
            top = store.similarity_search(row["question"], k=1)
            plain_text = top[0].page_content if top else ""
            plain_source = str(top[0].metadata.get("source", "")) if top else ""
            records.append(
                {
                    "id": row["id"],
                    "question": row["question"],
                    "qtype": row.get("qtype"),
                    "gold_page": gold_page,
                    "gold_answer": row["answer"],
                    "status": answer.status,
                    "answer": answer.text,
                    "citations": [c.source for c in answer.citations],
                    "retrieved": len(answer.retrieved),
                    "citebot": {
                        **overlap(said, row["answer"]),
                        "gold_cited": any(gold_page in c.source for c in answer.citations),
                        "words": len(said.split()),
                    },
                    "plain_answer": plain_text,
                    "plain": {
                        **overlap(plain_text, row["answer"]),
                        "gold_cited": gold_page in plain_source,
                        "words": len(plain_text.split()),
                    },
                }
            )
        t3 = time.perf_counter()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = summarize(records)
    summary["run"] = {
        "path": str(path),
        "sample": f"seeded random sample (seed {seed}) of {len(sample)} of the {len(unseen)} pairs outside the "
        f"ranker's training fold ({len(every)} in all)"
        + ("" if seed == 0 else ", off the pages of the reported seed-0 samples"),
        "seed": seed,
        "questions": len(sample),
        "pages": n_pages,
        "citebot_chunks": ingested.chunks_total,
        "plain_chunks": plain_chunks,
        "audience": audience,
        "k": sorted({int(r["retrieved"]) for r in records}),  # passages the answerer actually read
        "index_seconds": round(t1 - t0, 1),
        "plain_index_seconds": round(t2 - t1, 1),
        "ask_seconds": round(t3 - t2, 1),
    }
    return summary, records


def summarize(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The ANSWER_METRICS over all questions (abstentions score 0) plus F1 over answered ones."""
    out: dict[str, Any] = {}
    answered = [r for r in records if behavior_of(str(r["status"])) == "answer"]
    for side in ("citebot", "plain"):
        for name in ("f1", "recall", "precision", "gold_cited", "words"):
            out[f"{side}_{name}"] = _mean([float(r[side][name]) for r in records])
    out["citebot_f1_answered"] = _mean([r["citebot"]["f1"] for r in answered])
    out["citebot_answered"] = len(answered) / len(records) if records else None
    out["citebot_abstained"] = sum(1 for r in records if r["status"] == "abstained") / len(records) if records else None
    plain, ours = out["plain_f1"], out["citebot_f1"]
    out["f1_ratio"] = ours / plain if plain and ours is not None else None
    return {name: out[name] for name in ANSWER_METRICS}


def summary_markdown(summary: Mapping[str, Any]) -> str:
    """The side-by-side table and the ratio, ready for the README."""
    run = summary["run"]

    def f(v: Any) -> str:
        return "–" if v is None else f"{v:.3f}" if isinstance(v, float) and v < 10 else f"{v:.0f}"

    cols = ("f1", "recall", "precision", "gold_cited", "answered", "abstained", "words")
    lines = [
        f"### medquad answers: {run['questions']} questions ({run['sample']}), {run['pages']} pages; "
        f"k = {'/'.join(map(str, run['k']))} passages read per answer",
        "",
        "| pipeline | F1 | recall | precision | gold page cited | answered | abstained | words/answer |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | " + " | ".join(f(summary.get(f"{side}_{n}", fixed.get(n))) for n in cols) + " |"
            for label, side, fixed in (
                ("citebot", "citebot", {}),
                ("plain LangChain (top-1 chunk)", "plain", {"answered": 1.0, "abstained": 0.0}),
            )
        ),
        "",
        f"citebot F1 / plain F1 = {f(summary['f1_ratio'])} (citebot F1 over answered questions only: "
        f"{f(summary['citebot_f1_answered'])})",
    ]
    return "\n".join(lines) + "\n"
