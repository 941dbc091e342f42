"""``citebot eval calibrate-near PATH``: how close in meaning a passage word must be to say a question's word.

The threshold is ``bot.near.NEAR``.

Learned from public QA data (the MedQuAD sample), never from the eval sets. For a seeded sample of
question-answer pairs, each question's topic words (``bot.followup.topic_terms``) are compared with the words
of *another* page's answer, cut to about a chunk's length (``CHUNK_WORDS``): a passage about something else,
where the closest word is close by chance. Words that are the question's word in another form
(``bot.near.mentions``, either way round) are left out, since the lexical test already counts them. ``NEAR`` is
the ``QUANTILE`` percentile of those chance closenesses, so a passage covers an absent concept by chance about
once in a hundred. Also reported, for a rough view of what the threshold admits: the share of question words
missing from their own page's answer that a word of that answer is this close to. Deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.followup import topic_terms
from bot.near import NearWords, flat, mentions, words_of
from evals.public import load_medquad
from ingest.embed import Embedder

PAIRS = 1000
SEED = 0
CHUNK_WORDS = 250  # about the length of an indexed chunk, the unit the scope check reads
QUANTILE = 99.0


def closest_other_form(term: str, text: str, near: NearWords) -> float | None:
    """The closeness of ``text``'s nearest word to ``term``, its own forms left out; None when ``text`` says
    ``term`` (or has no other word)."""
    if mentions(flat(text), term):
        return None
    words = {w for w in words_of(text) if not mentions(flat(term), w)}
    closeness = near.closeness(term, words)
    return max(closeness.values()) if closeness else None


def chance_closeness(rows: Sequence[dict[str, Any]], near: NearWords, pairs: int = PAIRS, seed: int = SEED,
                     ) -> tuple[list[float], list[float]]:  # fmt: skip
    """For ``pairs`` sampled questions: closeness of each topic word to another page's answer (chance) and, where
    its own answer lacks the word, to that answer."""
    rng = random.Random(seed)
    chance: list[float] = []
    own: list[float] = []
    for row in rng.sample(list(rows), min(pairs, len(rows))):
        other = next((r for r in (rng.choice(rows) for _ in range(20)) if r.get("doc_id") != row.get("doc_id")), None)
        if other is None:
            continue
        mine, theirs = _chunk(row["answer"]), _chunk(other["answer"])
        for term in topic_terms(row["question"]):
            for text, out in ((theirs, chance), (mine, own)):
                value = closest_other_form(term, text, near)
                if value is not None:
                    out.append(value)
    return chance, own


def calibrate(path: Path, embedder: Embedder, pairs: int = PAIRS, seed: int = SEED) -> dict[str, Any]:
    """The threshold to set as ``bot.near.NEAR``, and the distribution it was read from."""
    chance, own = chance_closeness(load_medquad(path), NearWords(embedder), pairs, seed)
    if not chance:
        return {"near": None, "chance_words": 0}
    near = float(np.percentile(chance, QUANTILE))
    return {
        "near": round(near, 3),
        "chance_words": len(chance),
        "chance_percentiles": {q: round(float(np.percentile(chance, q)), 3) for q in (50, 90, 95, 99)},
        "own_answer_words_missing": len(own),
        "own_answer_said_in_other_words": round(float(np.mean([c >= near for c in own])), 3) if own else None,
    }


def _chunk(text: str) -> str:
    """An answer cut to ``CHUNK_WORDS``: a longer text has more words to come close by chance than a chunk does."""
    return " ".join(text.split()[:CHUNK_WORDS])
