"""``citebot eval train-lead PATH``: retrain the lead model (bot/lead.json) from MedQuAD.

The ranker (``evals/ranker.py``) learns the right section of the page; this learns which unit states the answer
directly: an NIH answer opens with it ("X is a rare ...", "X affects about 1 in 10,000 people", "Treatment of X
includes ..."). Same documents, folds, seeded sample and feature rows as the ranker; the label is 1 for the opening
unit of the question's own answer only, 0 for every other unit of the page, the rest of its own answer included.
An opening that writes the question into the answer ("What are the signs and symptoms of X? ...") is passed over for
the next unit; a question whose opening then points to a list or table it does not give ("The Human Phenotype Ontology
provides the following list ...") has no direct statement and is left out. The columns are the ranker's but
``position`` (``bot.rank.LEAD_CANDIDATES``); two sets are fitted, with and without ``early_lexical``, and the one with
the better held-out top-1 is written (ties: the smaller). The report gives the shipped ranker's figures on the same
label beside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.rank import FEATURES, LEAD_CANDIDATES, Ranker, auc, fit, lead_rows, load_ranker
from evals.ranker import DOCS_PER_FOLD, SEED, _page, sample
from ingest.embed import Embedder

_POINTER = re.compile(r"\b(?:the following|below)\b", re.IGNORECASE)
SETS = {"without_early": tuple(f for f in LEAD_CANDIDATES if f != "early_lexical"), "with_early": LEAD_CANDIDATES}


def opening(texts: Sequence[str]) -> int | None:
    """The index of the unit an answer opens with, past one that writes the question in; None when that unit points
    to a list or table it does not give."""
    i = 0
    while i < len(texts) and "?" in texts[i]:
        i += 1
    if i == len(texts) or _POINTER.search(texts[i]):
        return None
    return i


Example = tuple[np.ndarray, np.ndarray, np.ndarray]


def _examples(doc: list[dict[str, Any]], embedder: Embedder, df: dict[str, float]) -> list[Example]:
    """For each question with a direct opening: (ranker rows, lead columns LEAD_CANDIDATES, labels)."""
    flat, views, questions = _page(doc, embedder, df)
    out: list[Example] = []
    for qi, (x, weights) in enumerate(questions):
        own = [k for k, (i, _) in enumerate(flat) if i == qi]
        first = opening([flat[k][1].text for k in own])
        if first is None:
            continue
        y = np.zeros(len(flat))
        y[own[first]] = 1.0
        out.append((x, lead_rows(x, views, weights, LEAD_CANDIDATES), y))
    return out


def top1(groups: np.ndarray, labels: np.ndarray, scores: np.ndarray) -> float:
    """Share of questions whose best-scored unit of the page is the opening of their answer."""
    hits = [labels[idx][np.argmax(scores[idx])] for g in np.unique(groups) for idx in [np.flatnonzero(groups == g)]]
    return float(np.mean(hits)) if hits else float("nan")


def train(
    path: Path, embedder: Embedder, docs_per_fold: int = DOCS_PER_FOLD, ranker: Ranker | None = None
) -> tuple[str, dict[str, Any]]:
    """Fit both column sets on the training fold, score them and the ranker on the held-out fold; return (JSON of the
    better, report)."""
    docs, df, picked = sample(path, docs_per_fold)
    data = {}
    for k, ids in picked.items():
        parts = [e for d in ids for e in _examples(docs[d], embedder, df)]
        if not parts:
            raise ValueError(f"no question with a direct opening in the {'training' if k else 'held-out'} fold")
        groups = np.concatenate([np.full(len(p[2]), n) for n, p in enumerate(parts)])
        x = np.vstack([p[0] for p in parts])
        data[k] = (x, np.vstack([p[1] for p in parts]), np.concatenate([p[2] for p in parts]), groups)
    _, lx, y, _ = data[True]
    hx, hlx, hy, hg = data[False]
    ranker = ranker or load_ranker()
    rank_scores = ranker.scores(hx)
    report: dict[str, Any] = {
        "data": f"{path.name}: documents with >= 3 distinct answers; {len(picked[True])} training-fold and "
        f"{len(picked[False])} held-out-fold documents (seed {SEED}), as the ranker",
        "labels": "the opening unit of the question's own answer = 1 (past one that writes the question in; a "
        "question whose opening points to a list it does not give is left out), every other unit of the page = 0",
        "train_questions": len(np.unique(data[True][3])),
        "heldout_questions": len(np.unique(hg)),
        "heldout_examples": len(hy),
        "heldout_auc_ranker": round(auc(rank_scores, hy), 4),
        "heldout_top1_ranker": round(top1(hg, hy, rank_scores), 4),
        "heldout_auc_dense_only": round(auc(hx[:, FEATURES.index("dense")], hy), 4),
        "heldout_top1_dense_only": round(top1(hg, hy, hx[:, FEATURES.index("dense")]), 4),
    }
    best: tuple[float, int, str, Ranker] | None = None
    for name, cols in SETS.items():
        idx = [LEAD_CANDIDATES.index(c) for c in cols]
        model = fit(lx[:, idx], y)
        scores = model.scores(hlx[:, idx])
        report[f"heldout_auc_{name}"] = round(auc(scores, hy), 4)
        report[f"heldout_top1_{name}"] = round(top1(hg, hy, scores), 4)
        key = (round(top1(hg, hy, scores), 4), -len(cols))
        if best is None or key > best[:2]:
            best = (*key, name, model)
    assert best is not None
    report["chosen"] = best[2]
    return best[3].to_json(SETS[best[2]], **report), report
