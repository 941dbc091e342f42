"""The offline answerer: no LLM, so it quotes the retrieved sentences that best answer the question.

Grounded by construction: every sentence it writes is a sentence of a retrieved passage, cited to
that passage. It ranks sentences by similarity to the question, prefers the audience's documents
and, for patients, plainer sentences; it picks diverse ones (maximal marginal relevance) so the
answer is not the same fact five times, and abstains when nothing retrieved is close enough.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bot.cite import attach_citations, is_factual
from bot.followup import condense_offline, topic_terms
from bot.text import collapse_acronyms, content_words, sentences
from bot.types import Audience, Passage
from ingest.embed import Embedder
from ingest.lexical import LexicalIndex

# Calibrated on evals/datasets/demo.jsonl: out-of-scope questions score below, answerable ones above.
MIN_PASSAGE_SIMILARITY = 0.30
MIN_SENTENCE_SIMILARITY = 0.32
ANCHOR_SHARE = 0.2
LEAD_PASSAGE_BONUS = 0.35
MAX_PER_SOURCE = 2
FOCUS_WEIGHT = 0.5  # how much rare question words found in a sentence add to its similarity
_ANAPHORIC = re.compile(
    r"^(?:this|that|these|those|it|its|they|such|here|because of (?:this|that)|as a result|so|therefore"
    r"|however|but|and|also)\b",
    re.IGNORECASE,
)
_YES_NO_QUESTION = re.compile(r"^\s*(?:does|do|is|are|can|could|will|would|should|may|must|has|have)\b", re.I)
_VERDICT = re.compile(r"^(?:yes|no)\b", re.IGNORECASE)
_MARKUP = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+|\*\*|__|`")


@dataclass(frozen=True)
class Candidate:
    passage: int  # 1-based number of the passage in the list given to the answerer
    text: str
    start: int
    score: float
    vector: tuple[float, ...]


def _cos_matrix(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> np.ndarray:
    """All cosines at once in numpy; pure-Python pairwise loops over 384-d vectors cost tens of ms per answer."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    nx = np.linalg.norm(x, axis=1)
    ny = np.linalg.norm(y, axis=1)
    denom = np.outer(nx, ny)
    denom[denom == 0] = 1.0
    return (x @ y.T) / denom


def _plainness(text: str) -> float:
    """0..1, higher for short sentences of short words: a cheap stand-in for reading grade."""
    words = re.findall(r"[A-Za-z]+", text)
    if not words:
        return 0.0
    long_words = sum(1 for w in words if len(w) >= 10) / len(words)
    return max(0.0, 1.0 - max(0, len(words) - 18) / 30 - long_words * 2)


class ExtractiveAnswerer:
    """Composes a short answer from passage sentences, each with its exact citation."""

    name = "extractive"

    def __init__(
        self, embedder: Embedder, lexical: LexicalIndex | None = None, max_sentences: dict[str, int] | None = None
    ) -> None:
        self.embedder = embedder
        self.lexical = lexical
        self.max_sentences = max_sentences or {"clinician": 7, "patient": 5}

    def candidates(self, question: str, query: str, passages: Sequence[Passage], audience: Audience) -> list[Candidate]:
        """Every usable passage sentence, scored against the standalone ``query`` and the question's focus."""
        raw: list[tuple[int, str, int]] = []
        for number, p in enumerate(passages, start=1):
            for start, end in sentences(p.text):
                text = " ".join(_MARKUP.sub("", p.text[start:end]).split())
                if len(text.split()) < 5 or not is_factual(text) or text.lstrip().startswith("#"):
                    continue
                raw.append((number, text, start))
        if not raw:
            return []
        yes_no = bool(_YES_NO_QUESTION.match(question))
        vecs = self.embedder.embed_documents([query] + [t for _, t, _ in raw])
        sims = _cos_matrix(vecs[:1], vecs[1:])[0]
        weights = self._term_weights(question, query)
        total = sum(weights.values()) or 1.0
        out = []
        for (number, text, start), vec, sim in zip(raw, vecs[1:], sims, strict=True):
            p = passages[number - 1]
            words = set(content_words(text))
            score = float(sim) + FOCUS_WEIGHT * sum(w for t, w in weights.items() if t in words) / total
            if p.audience in (audience, "both"):
                score += 0.04
            if audience == "patient":
                score += 0.06 * _plainness(text) - (0.05 if p.audience == "clinician" else 0.0)
            elif p.audience == "patient":
                score -= 0.06
            if _ANAPHORIC.match(text):
                score -= 0.1  # "This means..." leans on a sentence the reader will not see
            if yes_no and _VERDICT.match(text):
                score += 0.1  # a yes/no question is best opened by a sentence that says yes or no
            score -= 0.005 * (number - 1)
            out.append(Candidate(number, text, start, score, tuple(vec)))
        return out

    def _term_weights(self, question: str, query: str) -> dict[str, float]:
        """Inverse document frequency of the topic words: the rare ones say what a question is about.

        Words the follow-up itself uses count fully; words carried from earlier turns count half,
        so "What about vaccines?" is about vaccines, in the context of the earlier topic.
        """
        own = {s for t in topic_terms(collapse_acronyms(question)) for s in content_words(t)}
        carried = {s for t in topic_terms(collapse_acronyms(query)) for s in content_words(t)} - own
        stems = sorted(own | carried)
        if self.lexical is None or not stems:
            return {}
        share = self.lexical.doc_freq(stems, stemmed=True)
        return {t: math.log(1.0 / f) * (1.0 if t in own else 0.5) for t, f in zip(stems, share, strict=True) if f > 0}

    def select(self, candidates: list[Candidate], audience: Audience, sources: Sequence[str]) -> list[Candidate]:
        """Lead with the best self-contained sentence, then maximal marginal relevance.

        Sentences from the lead's own passage get a bonus: sources put the key statement first
        and elaborate right after it, so its neighbours usually carry the evidence for it.
        """
        if not candidates:
            return []
        pool = sorted(candidates, key=lambda c: -c.score)
        sim = _cos_matrix([c.vector for c in pool], [c.vector for c in pool])
        row = {id(c): i for i, c in enumerate(pool)}

        def cos(a: Candidate, b: Candidate) -> float:
            return float(sim[row[id(a)], row[id(b)]])

        lead = next((c for c in pool if not _ANAPHORIC.match(c.text)), pool[0])
        pool.remove(lead)
        chosen = [lead]
        floor = max(MIN_SENTENCE_SIMILARITY, lead.score - 0.55)

        def relevance(c: Candidate) -> float:
            return c.score + (LEAD_PASSAGE_BONUS if c.passage == lead.passage else 0.0)

        while pool and len(chosen) < self.max_sentences[audience]:
            pick = max(pool, key=lambda c: 0.7 * relevance(c) - 0.3 * max(cos(c, s) for s in chosen))
            pool.remove(pick)
            if relevance(pick) < floor:
                break
            if any(cos(pick, s) > 0.92 for s in chosen):
                continue
            same_source = sum(1 for s in chosen if sources[s.passage] == sources[pick.passage])
            if same_source >= (
                MAX_PER_SOURCE + 1 if sources[pick.passage] == sources[lead.passage] else MAX_PER_SOURCE
            ):
                continue  # breadth: one document's angle should not crowd out the others
            chosen.append(pick)
        return chosen

    def in_scope(self, question: str, passages: Sequence[Passage], candidates: list[Candidate]) -> bool:
        """Close enough in meaning, and not about something the corpus never mentions.

        Dense similarity alone lets "side effects of metformin" through on Ocrevus side-effect
        passages. So a question is out of scope when most of its topic words are unknown to the
        corpus, or when it has an unknown word and none of the corpus's own topic words (those in
        at least ``ANCHOR_SHARE`` of chunks, such as the drug name of a single-topic corpus).
        """
        top_passage = max((p.dense_score or 0.0 for p in passages), default=0.0)
        top_sentence = max((c.score for c in candidates), default=0.0)
        if top_passage < MIN_PASSAGE_SIMILARITY or top_sentence < MIN_SENTENCE_SIMILARITY:
            return False
        if self.lexical is None:
            return True
        terms = [w for t in topic_terms(question) for w in t.split("-") if len(w) > 2]
        if not terms:
            return True
        share = self.lexical.doc_freq(terms)
        unknown = sum(1 for f in share if f == 0.0)
        has_anchor = any(f >= ANCHOR_SHARE for f in share)
        return not (unknown / len(terms) > 0.5 or (unknown and not has_anchor))

    def generate(
        self, question: str, passages: Sequence[Passage], audience: Audience, history: Sequence[str] = ()
    ) -> Iterator[str]:
        """Yield the answer text in pieces; an empty answer means: abstain."""
        query = condense_offline(question, history)
        cands = self.candidates(question, query, passages, audience)
        if not cands or not self.in_scope(query, passages, cands):
            return
        chosen = self.select(cands, audience, [""] + [p.source for p in passages])
        if not chosen:
            return
        first, rest = chosen[0], chosen[1:]
        if audience == "clinician":
            yield f"**Answer:** {attach_citations(first.text, [first.passage])}\n"
            if rest:
                yield "\n**What the sources say**\n"
                for c in rest:
                    yield f"- {attach_citations(c.text, [c.passage])}\n"
        else:
            yield f"{attach_citations(first.text, [first.passage])}\n"
            if rest:
                yield "\n"
                for c in rest:
                    yield f"- {attach_citations(c.text, [c.passage])}\n"
            yield "\nTalk to your care team about what this means for you.\n"
