"""Whether a passage says a question's word, in the same words or in others.

The scope check (``bot.extractive``) asks whether the best passages cover a question's key concepts. Read
lexically, a paraphrase is a miss: "mum" where the page says "mother", "newborns" where it says "infants",
"flu" for influenza — and answerable questions were declined. So a word also counts as said when a word
of the passage is close to it in meaning: the bundled embedding model embeds each word alone (cached: a word
costs one embedding until ``WORD_CACHE`` words fill the cache, which then starts again) and a cosine of at
least ``NEAR`` counts.

``NEAR`` is learned from public data, not from these documents: it is the 99th percentile of the closest
a MedQuAD question's word comes to the words of another page's answer — a passage about something else,
where any closeness is chance (``evals.near_calibration``; ``citebot eval calibrate-near
../shared/data/medquad/medquad_answered_subsample35.jsonl``). So about one passage in a hundred covers an
absent concept by chance, which a test over a dozen passages can afford.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from bot.text import STOPWORDS, content_words
from ingest.embed import Embedder

NEAR = 0.741  # `citebot eval calibrate-near ../shared/data/medquad/medquad_answered_subsample35.jsonl` (seed 0)
MIN_COMPOUND_STEM = 6  # a key concept's stem this long also counts inside a compound ("corticosteroids")
WORD_CACHE = 20_000  # words (float32, 384 dims: about 31 MB at most), as many as the answerer caches units
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def flat(text: str) -> str:
    """Lower-cased, hyphens both dropped and spaced: "breastfeeding" and "guillain barr" both match."""
    low = text.lower()
    return f"{low.replace('-', '')} {low.replace('-', ' ')}"


def mentions(flat_text: str, term: str) -> bool:
    """ "breastfeed" in "breast-feeding", "vaccinat" in "vaccination": a word prefix, hyphens ignored; "exception"
    in "except" (the same stem); "steroids" in "corticosteroids" (a stem of ``MIN_COMPOUND_STEM`` letters or
    more closing a compound word, where a chance match inside another word is unlikely)."""
    word = term.lower().replace("-", "")
    stems = {word[: max(4, len(word) - 2)], *(s for s in content_words(word) if len(s) >= 4)}
    if any(re.search(rf"\b{re.escape(s)}", flat_text) for s in stems):
        return True
    return any(re.search(rf"\w{re.escape(s)}", flat_text) for s in stems if len(s) >= MIN_COMPOUND_STEM)


def words_of(text: str) -> frozenset[str]:
    """The lower-cased words of three letters or more that are not stopwords: what a word is compared with."""
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS)


def clipped(term: str, question: str, text: str) -> bool:
    """ "hep b" where ``text`` says "hepatitis B": ``term`` begins a word of ``text`` that is followed, as ``term``
    is in ``question``, by the same word — a clipped form the passages spell out, told apart from a chance prefix
    by the word after it."""
    after = re.search(rf"\b{re.escape(term)}\W+(\w+)", question.lower())
    if after is None:
        return False
    return re.search(rf"\b{re.escape(term)}\w+\W+{re.escape(after.group(1))}\b", text.lower()) is not None


class NearWords:
    """Word-to-word closeness in meaning by the embedding model, every word embedded once."""

    def __init__(self, embedder: Embedder, cache: int = WORD_CACHE) -> None:
        self.embedder = embedder
        self.cache = cache
        self._vectors: dict[str, np.ndarray] = {}

    def _matrix(self, words: Sequence[str]) -> np.ndarray:
        """The unit vectors of ``words``, in order, embedding only those not cached (a full cache starts again)."""
        missing = [w for w in dict.fromkeys(words) if w not in self._vectors]
        if missing:
            if len(self._vectors) + len(missing) > self.cache:
                self._vectors.clear()
                missing = list(dict.fromkeys(words))
            vecs = np.asarray(self.embedder.embed_documents(missing), dtype=np.float32)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            self._vectors.update(zip(missing, vecs, strict=True))
        return np.stack([self._vectors[w] for w in words]) if words else np.zeros((0, 1), dtype=np.float32)

    def closeness(self, term: str, words: Collection[str]) -> dict[str, float]:
        """The cosine of ``term`` to each of ``words``."""
        ordered = sorted(words)
        if not ordered:
            return {}
        matrix = self._matrix([term, *ordered])
        return dict(zip(ordered, (matrix[1:] @ matrix[0]).tolist(), strict=True))

    def said(self, term: str, words: Collection[str]) -> bool:
        """Some word of ``words`` means what ``term`` means (its cosine at least ``NEAR``)."""
        return any(c >= NEAR for c in self.closeness(term, words).values())
