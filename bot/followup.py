"""Conversation handling: turning a follow-up into a standalone query, and suggesting next questions.

Offline, a follow-up such as "What about vaccines?" lacks the topic the conversation is about, so
the content words of the earlier turns that the follow-up does not repeat are carried into the
retrieval query. With an LLM, the model rewrites the follow-up as a standalone question instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.text import STOPWORDS, collapse_acronyms
from bot.types import Passage

_GENERIC = frozenset(
    """tell know explain mean means meaning happen happens work works thing things get got make makes made take
    takes taking patient patients people someone person question questions like really much many right okay ok
    yes please thanks thank also still wrong true sure actually exactly just simply basically correct isn
    said""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
MAX_CARRIED = 4  # more carried words drown the follow-up's own topic
_ANAPHORA = re.compile(
    r"^\s*(?:and|but|so|also|what about|how about|and what about|what if|then)\b"
    r"|\b(?:it|its|this|that|these|those|they|them|this drug|the drug|the medicine|the treatment)\b",
    re.IGNORECASE,
)


def topic_terms(text: str) -> list[str]:
    """Content words that name what a message is about (stopwords and chit-chat words dropped)."""
    out: list[str] = []
    for word in _WORD.findall(text):
        low = word.lower()
        if low not in STOPWORDS and low not in _GENERIC and len(low) > 2 and low not in out:
            out.append(low)
    return out


def needs_context(question: str) -> bool:
    """Short or anaphoric messages lean on the conversation so far."""
    return bool(_ANAPHORA.search(question)) or len(topic_terms(question)) <= 3


def condense_offline(question: str, history: Sequence[str]) -> str:
    """The follow-up plus the earlier turns' topic words it does not already contain (latest first)."""
    if not history or not needs_context(question):
        return question
    present = set(topic_terms(question))
    carried: list[str] = []
    for turn in reversed(history[-3:]):
        # "Ocrevus (ocrelizumab) for multiple sclerosis (MS)": aliases in brackets add words, not topics
        for term in topic_terms(re.sub(r"\([^)]*\)", " ", collapse_acronyms(turn))):
            if term not in present and term not in carried:
                carried.append(term)
        if len(carried) >= MAX_CARRIED:
            break
    return f"{question} ({' '.join(carried[:MAX_CARRIED])})" if carried else question


CONDENSE_PROMPT = (
    "Rewrite the user's last message as one standalone question that can be understood without the "
    "conversation, keeping every drug, condition and number it refers to. Reply with the question only."
)

# Next questions people ask on the demo topic, offered when the retrieved passages cover them.
_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("vaccin", "What about vaccines?", "When should vaccines be given around treatment?"),
    ("infection", "How much does it raise the risk of infections?", "How common are infections on treatment?"),
    ("immunoglobulin", "Should immunoglobulin levels be monitored?", "What happens to antibody levels?"),
    ("hepatitis", "Why is hepatitis B screening needed?", "Why do I need a hepatitis B test first?"),
    ("pregnan", "What about pregnancy and contraception?", "Can I get pregnant while on it?"),
    ("neutro", "Does it cause neutropenia?", "Does it lower my white blood cell count?"),
    ("repopulat", "How long until B cells come back after the last dose?", "How long does the effect last?"),
    ("infusion reaction", "How are infusion reactions prevented?", "What happens on infusion day?"),
    ("pml", "What is the risk of PML?", "What is PML?"),
    ("malignan", "Is there a cancer risk?", "Does it raise my cancer risk?"),
)


def suggest(question: str, history: Sequence[str], passages: Sequence[Passage], audience: str) -> tuple[str, ...]:
    """Two or three next questions: topics the passages cover that the conversation has not asked."""
    asked = " ".join([*history, question]).lower()
    asked_terms = set(topic_terms(asked))
    covered = " ".join(f"{p.section} {p.text}" for p in passages).lower()
    out: list[str] = []

    def fresh(candidate: str) -> bool:
        terms = set(topic_terms(candidate))
        return candidate not in out and len(terms & asked_terms) <= len(terms) / 2

    for key, clinician_q, patient_q in _TOPICS:
        suggestion = clinician_q if audience == "clinician" else patient_q
        if key in covered and key not in asked and fresh(suggestion):
            out.append(suggestion)
    for p in passages:  # any corpus: fall back to the sections the answer did not open
        if len(out) >= 3:
            break
        section = p.section.split(" > ")[-1].strip()
        if section and not _BLAND_SECTION.search(section):
            candidate = f"Tell me more about {section[0].lower() + section[1:]}"
            if fresh(candidate):
                out.append(candidate)
    return tuple(out[:3])


_BLAND_SECTION = re.compile(
    r"^(?:page \d+|the short answer|short answer|overview|introduction|summary|key points|references?|sources?)$"
    r"|\?$",
    re.IGNORECASE,
)
