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

A concept is often two words, and its paraphrase one word or two: "birth control" where the leaflet says
"contraception", "adverse effects" for "side effects". So a word is also said when a two-word phrase of the
passage is close to it, or when the question's phrase that holds it ("adverse effects": the word and a content
word beside it) is close to a word or phrase of the passage that is not just the phrase's own words
(``phrase_close``). A phrase of two unrelated words is rarely close to anything by chance, so this has its own
threshold, ``NEAR_PHRASE``, learned the same way: the 99th percentile of the same three comparisons against
another page's answer (``citebot eval calibrate-near``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

from bot.text import STOPWORDS, content_words
from bot.vectors import VectorCache
from ingest.embed import Embedder

NEAR = 0.741  # `citebot eval calibrate-near ../shared/data/medquad/medquad_answered_subsample35.jsonl` (seed 0)
NEAR_PHRASE = 0.679  # the same command (seed 0): a word to a passage's phrase, a question's phrase to a word or phrase
MIN_COMPOUND_STEM = 6  # a key concept's stem this long also counts inside a compound ("corticosteroids")
PATTERN_CACHE = 20_000  # words and phrases whose searches ``mentions`` keeps compiled
WORD_CACHE = 20_000  # words (float32, 384 dims: about 31 MB at most), as many as the answerer caches units
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"/–—]|\s-\s")  # punctuation that ends a phrase


def flat(text: str) -> str:
    """Lower-cased, hyphens both dropped and spaced: "breastfeeding" and "guillain barr" both match."""
    low = text.lower()
    return f"{low.replace('-', '')} {low.replace('-', ' ')}"


def mentions(flat_text: str, term: str) -> bool:
    """ "breastfeed" in "breast-feeding", "vaccinat" in "vaccination": a word prefix, hyphens ignored; "exception"
    in "except" (the same stem); "steroids" in "corticosteroids" (a stem of ``MIN_COMPOUND_STEM`` letters or
    more closing a compound word, where a chance match inside another word is unlikely)."""
    return any(p.search(flat_text) for p in _patterns(term))


@lru_cache(maxsize=PATTERN_CACHE)
def _patterns(term: str) -> tuple[re.Pattern[str], ...]:
    """``mentions``'s searches for ``term``, compiled once: the scope check asks about the same words of a
    question against thousands of passage words and phrases, and stemming and compiling them each time was most
    of an abstention's time."""
    word = term.lower().replace("-", "")
    stems = sorted({word[: max(4, len(word) - 2)], *(s for s in content_words(word) if len(s) >= 4)})
    return (*(re.compile(rf"\b{re.escape(s)}") for s in stems),
            *(re.compile(rf"\w{re.escape(s)}") for s in stems if len(s) >= MIN_COMPOUND_STEM))  # fmt: skip


def words_of(text: str) -> frozenset[str]:
    """The lower-cased words of three letters or more that are not stopwords: what a word is compared with."""
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS)


def _content(word: str) -> bool:
    return len(word) > 2 and word not in STOPWORDS


def phrases_of(text: str) -> frozenset[str]:
    """Each two adjacent content words of ``text`` ("side effects", "birth control"): what a phrase is compared with.
    Adjacent in the text: a stopword between them ("glass of wine") or a punctuation mark ends the phrase."""
    out: set[str] = set()
    for part in _BREAK.split(text.lower()):
        words = [re.sub(r"'s?$", "", w) for w in _WORD.findall(part)]  # "shingrix's efficacy": a name's phrase
        out.update(f"{a} {b}" for a, b in pairwise(words) if _content(a) and _content(b))
    return frozenset(out)


def phrases_with(term: str, question: str) -> frozenset[str]:
    """The question's phrases that hold ``term``: it and a content word right beside it ("adverse effects")."""
    return frozenset(p for p in phrases_of(question) if term in p.split())


def own_words(phrase: str, candidate: str) -> bool:
    """``candidate`` (a passage word or phrase) is made only of ``phrase``'s own words in some form: "effects" for
    "adverse effects" says nothing about the concept the phrase adds."""
    return all(any(mentions(flat(w), c) or mentions(flat(c), w) for w in phrase.split()) for c in candidate.split())


def phrase_comparisons(term: str, question: str, words: Collection[str], phrases: Collection[str],
                       ignore: Collection[str] = ()) -> Iterator[tuple[str, list[str]]]:  # fmt: skip
    """Each phrase of the question that holds ``term`` (none with a word of ``ignore``), with the passage words and
    phrases it is compared with: all but those made of its own words. One place, so that the calibration of
    ``NEAR_PHRASE`` makes the comparisons ``NearWords.phrase_close`` makes."""
    for mine in phrases_with(term, question):
        if not set(mine.split()) & set(ignore):
            yield mine, [w for w in (*words, *phrases) if not own_words(mine, w)]


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
        self._cache = VectorCache(self._unit, cache)  # a warm-up (``warm``) fills it from a thread of its own

    def _unit(self, words: Sequence[str]) -> np.ndarray:
        vecs = np.asarray(self.embedder.embed_documents(words), dtype=np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs

    def _matrix(self, words: Sequence[str]) -> np.ndarray:
        """The unit vectors of ``words``, in order, embedding only those not cached (a full cache starts again)."""
        return np.stack(self._cache.get(words)) if words else np.zeros((0, 1), dtype=np.float32)

    def warm(self, words: Iterable[str], batch: int, progress: Callable[[int], None] | None = None) -> int:
        """Embed ``words`` (and phrases) not cached yet, ``batch`` at a time, to ``WARM_SHARE`` of the cache: a
        question then finds its passages' words embedded. Never evicts; the number embedded."""
        return self._cache.warm(words, batch, progress)

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

    def phrase_close(self, term: str, question: str, words: Collection[str], phrases: Collection[str],
                     ignore: Collection[str] = ()) -> set[str]:  # fmt: skip
        """The passage ``words`` and ``phrases`` that say ``term`` as a phrase (cosine at least ``NEAR_PHRASE``): a
        phrase close to ``term`` ("birth control" for "contraception"), or a word or phrase close to the question's
        phrase that holds it ("side effects" for "adverse effects"), but not one made of that phrase's own words.
        A question's phrase with a word of ``ignore`` is not compared: the entity's names ("kesimpta cost": the
        passages are about that entity, so their phrases naming it come close by the name, not by the concept) and
        the words a question asks with ("how many minutes": "many" names nothing)."""
        close = {p for p, c in self.closeness(term, phrases).items() if c >= NEAR_PHRASE}
        for mine, others in phrase_comparisons(term, question, words, phrases, ignore):
            close |= {w for w, c in self.closeness(mine, others).items() if c >= NEAR_PHRASE}
        return close
