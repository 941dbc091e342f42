"""``citebot eval train-ranker PATH``: retrain the sentence ranker (bot/ranker.json) from MedQuAD.

Labels: for a question of a MedQuAD document, the answerable units of its own gold answer are
positives and the units of the same document's other answers (other question types: symptoms,
treatment, inheritance...) are negatives — the "right section of the right page" decision the
answerer faces. Only documents in the ranker's training fold (``bot.rank.training_fold``) are used
for fitting; the other fold gives the held-out accuracy and AUC written beside the weights.
Deterministic: a seeded sample of documents, exact Newton fitting.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.measures import measure_asked
from bot.question import Analysis, direction_of, figures_of, question_aspects
from bot.rank import FEATURES, UnitView, auc, features, fit, training_fold
from bot.text import content_words
from bot.units import units
from evals.public import load_medquad
from ingest.embed import Embedder

DOCS_PER_FOLD = 100
SEED = 0


def document_of(row: Mapping[str, Any]) -> str:
    """The key a MedQuAD pair's document is folded by (``bot.rank.training_fold``)."""
    return str(row.get("doc_id") or row["id"])


def in_training_fold(row: Mapping[str, Any]) -> bool:
    """Whether the ranker may have been trained on this pair's document: an answer benchmark must not score it."""
    return training_fold(document_of(row))


def _documents(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Documents with at least three distinct answers (so a question has real wrong sections)."""
    docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        doc = docs[document_of(r)]
        if all(r["answer"] != o["answer"] for o in doc):
            doc.append(r)
    return {d: rs for d, rs in docs.items() if len(rs) >= 3}


def _examples(
    doc: list[dict[str, Any]], embedder: Embedder, df: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows, labels and question numbers for every question of one document."""
    sections = [(i, list(units(r["answer"]))) for i, r in enumerate(doc)]
    flat = [(i, u) for i, us in sections for u in us]
    if not flat:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
    questions = [r["question"] for r in doc]
    vecs = np.asarray(embedder.embed_documents(questions + [u.text for _, u in flat]), dtype=np.float64)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True).clip(1e-9)
    qv, uv = vecs[: len(questions)], vecs[len(questions) :]
    views = [UnitView(u.text, u.heading, u.position) for _, u in flat]
    xs, ys, gs = [], [], []
    for qi, q in enumerate(questions):
        # the document's subject is in every section: only the words saying which part count
        stems = sorted(set(content_words(q)) - set(content_words(str(doc[qi].get("focus") or ""))))
        weights = {s: math.log(1.0 / df.get(s, 1e-3)) for s in stems if df.get(s, 1e-3) < 1.0}
        analysis = Analysis(frozenset(), question_aspects(q), direction_of(q), False, False,
                            q.lower().startswith("what is"), figures_of(q), measure=measure_asked(q))  # fmt: skip
        xs.append(features(views, list(uv @ qv[qi]), weights, analysis))
        ys.append(np.asarray([1.0 if i == qi else 0.0 for i, _ in flat]))
        gs.append(np.full(len(flat), qi))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(gs)


def train(path: Path, embedder: Embedder, docs_per_fold: int = DOCS_PER_FOLD) -> tuple[str, dict[str, Any]]:
    """Fit on the training fold, score on the held-out fold; return (weights JSON, report)."""
    rows = load_medquad(path)
    docs = _documents(rows)
    df_count: dict[str, int] = defaultdict(int)
    for r in rows:
        for s in set(content_words(r["answer"])):
            df_count[s] += 1
    df = {s: c / len(rows) for s, c in df_count.items()}
    rng = random.Random(SEED)
    folds: dict[bool, list[str]] = {True: [], False: []}
    for d in sorted(docs):
        folds[training_fold(d)].append(d)
    picked = {k: sorted(rng.sample(v, min(docs_per_fold, len(v)))) for k, v in folds.items()}
    data = {}
    for k, ids in picked.items():
        parts = [_examples(docs[d], embedder, df) for d in ids]
        groups = np.concatenate([p[2] + 1000 * n for n, p in enumerate(parts)])
        data[k] = (np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), groups)
    x, y, _ = data[True]
    ranker = fit(x, y)
    hx, hy, hg = data[False]
    scores = ranker.scores(hx)
    report = {
        "data": f"{path.name}: documents with >= 3 distinct answers; {len(picked[True])} training-fold and "
        f"{len(picked[False])} held-out-fold documents (seed {SEED})",
        "labels": "units of the question's own answer = 1, units of the same document's other answers = 0",
        "train_examples": len(y),
        "heldout_examples": len(hy),
        "heldout_auc": round(auc(scores, hy), 4),
        "heldout_accuracy": round(float(((scores >= 0.5) == (hy == 1)).mean()), 4),
        "heldout_auc_dense_only": round(auc(hx[:, FEATURES.index("dense")], hy), 4),
        "heldout_top1_section_dense_only": round(_top1(hg, hy, hx[:, FEATURES.index("dense")]), 4),
        "heldout_top1_section": round(_top1(hg, hy, scores), 4),
    }
    return ranker.to_json(**report), report


def _top1(groups: np.ndarray, labels: np.ndarray, scores: np.ndarray) -> float:
    """Share of held-out questions whose best-scored unit lies in their own answer."""
    hits = [labels[idx][np.argmax(scores[idx])] for g in np.unique(groups) for idx in [np.flatnonzero(groups == g)]]
    return float(np.mean(hits)) if hits else math.nan
