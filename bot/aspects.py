"""Per-aspect retrieval for broad questions.

One query's best passages speak to one side of a topic. A broad clinician question ("Does X make a
patient immunocompromised?", "What is X?") wants evidence from several: how X works, laboratory
monitoring, infections, vaccination before starting and after the last dose, how long the effect
lasts. So each aspect (and timing direction) of ``bot.question``'s vocabulary that the first
ranking's passages speak to gets a query of its own — the entity's names, the question's other
topic words (not the corpus' background words) and the aspect — embedded in one batch; their best
passages not yet retrieved come beside the first ranking's head, in a set ``WIDEN`` times the usual.
Nothing is promoted past the answerer's ranker: it still scores every unit against the question, and
composition (a clinician overview, ``bot.extractive.is_overview``) covers the aspects under headings.
(Scoring a unit against its aspect's query as well was tried: it let dosing schedules into an answer
about immune effects, and demo fact recall fell below its gate.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from bot.followup import topic_terms
from bot.question import (
    ASPECT_QUERIES,
    CONDITION_ASPECTS,
    DIRECTION_QUERIES,
    Analysis,
    Entities,
    aspects_of,
    directions_of,
    is_broad,
)
from bot.types import Passage

MAX_QUERIES = 10  # aspect queries per question: one embedding batch, a few ms of index look-ups each
PER_QUERY = 3  # new passages an aspect query may add
MIN_EVIDENCE = 2  # passages of the first ranking that speak to an aspect before it gets a query
MAX_SHARE = 2 / 3  # at most this share of the passages handed on comes from aspect queries
WIDEN = 1.5  # a broad question reads this many times the usual candidate set: the head of its own ranking, and
# its aspects' passages beside it rather than in its place
BACKGROUND_SHARE = 0.2  # a topic word in this share of chunks is the corpus' background ("infusion" in a
# corpus about one infused medicine): it pulls every aspect query back to the same passages


def subject_of(question: str, entities: Entities) -> frozenset[frozenset[str]]:
    """What a broad question is about: the medicine it names, else every entity it names. A condition beside
    a medicine ("... for multiple sclerosis") is context: it would pull every page about the condition."""
    found = entities.find(question)
    return frozenset(g for g in found if g in entities.products) or found


def about(passages: Sequence[Passage], subject: frozenset[frozenset[str]], entities: Entities) -> list[Passage]:
    """The passages whose title or text names the subject: an aspect query's hit about another topic (a
    textbook's vaccine history for "vaccination") is no evidence on the entity asked about."""
    return [p for p in passages if entities.find(f"{p.title}\n{p.text}") & subject]


def query_stem(question: str, entities: Entities, background: frozenset[str] = frozenset()) -> str:
    """The subject's names as the question writes them, then its other topic words but the corpus' background
    words: "ocrevus ocrelizumab immunocompromised" (not "infusion", on most pages of an infused medicine)."""
    found = entities.find(question)
    subject = sorted(subject_of(question, entities), key=sorted)
    names = [a for g in subject for a in sorted(g) if re.search(rf"\b{re.escape(a)}\b", question, re.IGNORECASE)]
    alias_words = {w for g in found for a in g for w in a.split()}
    topic = [t for t in topic_terms(question) if t not in alias_words and t not in background]
    return " ".join(dict.fromkeys(names + topic))


def aspect_queries(
    question: str,
    analysis: Analysis,
    entities: Entities,
    passages: Sequence[Passage],
    background: frozenset[str] = frozenset(),
) -> list[str]:
    """The per-aspect queries for a broad question (none for a narrow one): the aspects and directions that at
    least ``MIN_EVIDENCE`` retrieved passages speak to, most evidenced first. The question's own aspect gets one
    too: the question's wording finds the passages that restate it, the aspect's finds its other sides (how
    often infections occurred, which ones)."""
    if not is_broad(analysis):
        return []
    stem = query_stem(question, entities, background)
    if not stem:
        return []
    evidence: Counter[str] = Counter()
    for p in passages:
        evidence.update(aspects_of(p.text))
        evidence.update(f"direction:{d}" for d in directions_of(p.text))
    medicine = any(g in entities.products for g in entities.find(question))
    if medicine:  # a medicine's "treatment" is its indication, everywhere on its pages: no aspect of its own;
        # and its course has a before and an after (vaccination before starting, recovery after the last dose);
        # "how common" is asked of what it does (how often infections occurred in its trials): the figures
        evidence = Counter({a: n for a, n in evidence.items() if a not in CONDITION_ASPECTS})
        evidence.update({f"direction:{d}": MIN_EVIDENCE for d in ("before", "after")})
        evidence.update({"prevalence": MIN_EVIDENCE})
    order = list(ASPECT_QUERIES) + [f"direction:{d}" for d in DIRECTION_QUERIES]
    wanted = sorted(
        (a for a, n in evidence.items() if n >= MIN_EVIDENCE),
        key=lambda a: (-evidence[a], order.index(a)),
    )[:MAX_QUERIES]
    phrases = {**ASPECT_QUERIES, **{f"direction:{d}": q for d, q in DIRECTION_QUERIES.items()}}
    return [f"{stem} {phrases[a]}" for a in wanted]


def merge(main: Sequence[Passage], per_aspect: Sequence[Sequence[Passage]], k: int) -> list[Passage]:
    """The first ranking's head, then the aspect queries' best new passages (round robin: each aspect's best
    before any aspect's second) in its tail's place; ``k`` passages, none twice, ranks renumbered."""
    budget = min(int(k * MAX_SHARE), PER_QUERY * len(per_aspect))
    head = list(main[: k - budget])
    seen = {p.id for p in head}
    added: list[Passage] = []
    for _ in range(PER_QUERY):
        for hits in per_aspect:
            best = next((p for p in hits if p.id not in seen), None)
            if best is not None and len(added) < budget:
                added.append(best)
                seen.add(best.id)
    tail = [p for p in main[k - budget :] if p.id not in seen][: k - len(head) - len(added)]
    return [replace(p, rank=i) for i, p in enumerate([*head, *added, *tail], start=1)]
