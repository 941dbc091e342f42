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

``bot.near.NEAR_PHRASE`` is read from the same sampled pairs: the ``QUANTILE`` percentile of how close a question's
word comes to another page's two-word phrases, and the question's phrase that holds the word to that page's words
and phrases (not those made of the phrase's own words) — the comparisons ``NearWords.phrase_close`` makes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.extractive import ASKING_WORDS
from bot.followup import topic_terms
from bot.near import NearWords, flat, mentions, phrase_comparisons, phrases_of, words_of
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


Pair = dict[str, Any]


def _sampled_pairs(rows: Sequence[Pair], pairs: int, seed: int) -> Iterator[tuple[Pair, Pair]]:
    """``pairs`` sampled questions, each with another page's pair (seeded: every comparison reads the same pairs)."""
    rng = random.Random(seed)
    for row in rng.sample(list(rows), min(pairs, len(rows))):
        other = next((r for r in (rng.choice(rows) for _ in range(20)) if r.get("doc_id") != row.get("doc_id")), None)
        if other is not None:
            yield row, other


def chance_closeness(rows: Sequence[dict[str, Any]], near: NearWords, pairs: int = PAIRS, seed: int = SEED,
                     ) -> tuple[list[float], list[float]]:  # fmt: skip
    """For ``pairs`` sampled questions: closeness of each topic word to another page's answer (chance) and, where
    its own answer lacks the word, to that answer."""
    chance: list[float] = []
    own: list[float] = []
    for row, other in _sampled_pairs(rows, pairs, seed):
        mine, theirs = _chunk(row["answer"]), _chunk(other["answer"])
        for term in topic_terms(row["question"]):
            for text, out in ((theirs, chance), (mine, own)):
                value = closest_other_form(term, text, near)
                if value is not None:
                    out.append(value)
    return chance, own


def phrase_chance_closeness(rows: Sequence[dict[str, Any]], near: NearWords, pairs: int = PAIRS, seed: int = SEED,
                            ) -> list[float]:  # fmt: skip
    """For the same sampled questions as ``chance_closeness``: the closest another page's answer comes to each topic
    word it does not say, by a phrase, and to each phrase of the question that holds the word, by a word or phrase
    other than the phrase's own words."""
    chance: list[float] = []
    for row, other in _sampled_pairs(rows, pairs, seed):
        text = _chunk(other["answer"])
        words, phrases = words_of(text), phrases_of(text)
        for term in topic_terms(row["question"]):
            if mentions(flat(text), term):
                continue
            by_phrase = near.closeness(term, phrases)
            if by_phrase:
                chance.append(max(by_phrase.values()))
            # as the scope check, leaving out a phrase with an asking word ("how many minutes")
            for mine, others in phrase_comparisons(term, row["question"], words, phrases, ASKING_WORDS):
                to_phrase = near.closeness(mine, others)
                if to_phrase:
                    chance.append(max(to_phrase.values()))
    return chance


def calibrate(path: Path, embedder: Embedder, pairs: int = PAIRS, seed: int = SEED) -> dict[str, Any]:
    """The threshold to set as ``bot.near.NEAR``, and the distribution it was read from."""
    rows, words = load_medquad(path), NearWords(embedder)
    chance, own = chance_closeness(rows, words, pairs, seed)
    if not chance:
        return {"near": None, "chance_words": 0}
    near = float(np.percentile(chance, QUANTILE))
    phrased = phrase_chance_closeness(rows, words, pairs, seed)
    return {
        "near": round(near, 3),
        "near_phrase": round(float(np.percentile(phrased, QUANTILE)), 3) if phrased else None,
        "chance_phrases": len(phrased),
        "chance_words": len(chance),
        "chance_percentiles": {q: round(float(np.percentile(chance, q)), 3) for q in (50, 90, 95, 99)},
        "own_answer_words_missing": len(own),
        "own_answer_said_in_other_words": round(float(np.mean([c >= near for c in own])), 3) if own else None,
    }


def _chunk(text: str) -> str:
    """An answer cut to ``CHUNK_WORDS``: a longer text has more words to come close by chance than a chunk does."""
    return " ".join(text.split()[:CHUNK_WORDS])
