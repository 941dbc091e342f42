"""Conversation handling: turning a follow-up into a standalone query, and suggesting next questions.

Offline, a follow-up such as "What about vaccines?" lacks the topic the conversation is about, so
the content words of the earlier turns that the follow-up does not repeat are carried into the
retrieval query, their medicine or condition first unless the follow-up names another of its kind; one that
says nothing but another medicine's name ("Same for Briumvi?") asks the earlier question of it
(``swap_entity``). With an LLM, the model rewrites the follow-up as a standalone question instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.question import Entities
from bot.text import STOPWORDS, collapse_acronyms, spell_ordinals
from bot.types import Passage

_GENERIC = frozenset(
    """tell know explain mean means meaning happen happens work works thing things get got make makes made take
    takes taking patient patients people someone person question questions like really much many right okay ok
    yes please thanks thank also still wrong true sure actually exactly just simply basically correct isn
    said""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
MAX_CARRIED = 4  # more carried words drown the follow-up's own topic
_ANAPHORA = re.compile(
    # "ok and if we go with Kesimpta instead, same deal?"; "the same day" is a time, not a reference
    r"^\s*(?:(?:ok|okay|oh|right|well|alright|hmm)\b[\s,.!]*)?(?:and|but|so|also|what about|how about|and what about"
    r"|what if|then)\b|\binstead\b|\bsame\b(?! (?:day|time|visit|appointment))"
    r"|\b(?:it|its|this|that|these|those|they|them|this drug|the drug|the medicine|the treatment)\b"
    r"|\b(?:he|him|his|she|her|hers)\b",  # the person the conversation is about ("my son ... his flu vaccine")
    re.IGNORECASE,
)


def topic_terms(text: str) -> list[str]:
    """Content words that name what a message is about (stopwords and chit-chat words dropped)."""
    out: list[str] = []
    for word in _WORD.findall(spell_ordinals(text)):
        low = word.lower()
        if low not in STOPWORDS and low not in _GENERIC and len(low) > 2 and low not in out:
            out.append(low)
    return out


def needs_context(question: str) -> bool:
    """Short or anaphoric messages lean on the conversation so far."""
    return bool(_ANAPHORA.search(question)) or len(topic_terms(question)) <= 3


# "Different question: how do I fix a leaking tap?": the user says the conversation's topic is left behind ("another
# question: …" and "one other thing" usually go on with it)
_NEW_TOPIC = re.compile(
    r"\b(?:different|new|unrelated|separate|off[- ]topic)\s+(?:question|topic|subject)\b"
    r"|\b(?:changing|change of) (?:the )?subject\b|\bunrelated\b",
    re.IGNORECASE,
)


def inherits_entity(question: str, history: Sequence[str], entities: Entities) -> bool:
    """A complete question that names no medicine or condition, in a conversation that named one, is still about
    it: "any other common side effects besides infections?" after "what infections can Briumvi cause?" asks about
    Briumvi, though its own words are enough to search with (unless the user says the topic changes)."""
    return (
        bool(history)
        and not entities.find(question)
        and not _NEW_TOPIC.search(question)
        and any(entities.find(turn) for turn in history[-3:])
    )


def condense_offline(
    question: str,
    history: Sequence[str],
    entities: Entities | None = None,
    doc_freq: Callable[[Sequence[str]], Sequence[float]] | None = None,
) -> str:
    """The follow-up plus the earlier turns' topic words it does not already contain (latest turn first).

    With ``entities`` (the corpus's names), the earlier turns' medicine or condition is carried first, unless the
    follow-up names one of the same kind: "Same for Briumvi?" after an Ocrevus question is about Briumvi, and
    "ocrevus" in its query would retrieve the Ocrevus pages again. With ``doc_freq`` (each word's share of the
    indexed chunks), a word no chunk uses ("scary") is carried after the turn's other words, which keep their order.
    (Carrying the rarest first, as "forgetting" in "my sister ... keeps forgetting things", was measured on the external
    dev sets, 2026-12-07: external3 fact recall +0.015, external4 −0.008 and one answer lost; not kept.) A complete
    question that only lacks the conversation's medicine or condition (``inherits_entity``) gets that name alone.
    """
    elliptical = needs_context(question)
    if not history or not (elliptical or (entities is not None and inherits_entity(question, history, entities))):
        return question
    present = set(topic_terms(question))
    dropped: set[str] = set()  # the words of an earlier turn's entity that the follow-up replaces
    names: list[str] = []
    if entities is not None:
        own = entities.find(question)
        products = set(entities.products)
        kinds = {g in products for g in own}
        for turn in history[-3:]:
            for group in entities.named(turn):  # in the turn's order: the query must not depend on a hash seed
                if group in own or (group in products) in kinds:
                    # named again (maybe by another alias), or replaced by the follow-up's own of its kind
                    dropped |= {w.lower() for alias in group for w in _WORD.findall(alias)}
                    continue
                written = [a for a in group if re.search(rf"\b{re.escape(a)}\b", turn, re.IGNORECASE)]
                names.append(min(written or group, key=len))  # as the turn wrote it; "MS" over its spelling out
    # the entity's name as one term ("hepatitis b"), beside at most ``MAX_CARRIED`` words of the turns' aspect
    carried_names = [n.lower() for n in dict.fromkeys(reversed(names)) if n.lower() not in present]
    if not elliptical:  # its own words say what it asks; only the conversation's entity is missing
        return f"{question} ({' '.join(carried_names)})" if carried_names else question
    name_words = {w for n in carried_names for w in n.split()}
    carried: list[str] = []
    for turn in reversed(history[-3:]):
        # "Ocrevus (ocrelizumab) for multiple sclerosis (MS)": aliases in brackets add words, not topics
        plain = re.sub(r"\([^)]*\)", " ", collapse_acronyms(turn))
        acronyms = [a.lower() for a in _ACRONYM.findall(plain)]  # "MS", "HBV": short, and what the turn is about
        terms = [t for t in dict.fromkeys([*acronyms, *topic_terms(plain)]) if t not in dropped]
        if doc_freq is not None and terms:
            # a word no chunk uses finds nothing ("scary", "book off work"): the turn's other words go first
            shares = doc_freq(terms)
            terms = [t for t, f in zip(terms, shares, strict=True) if f > 0] + [
                t for t, f in zip(terms, shares, strict=True) if f == 0
            ]
        for term in terms:
            if term not in present and term not in carried and term not in name_words:
                carried.append(term)
        if len(carried) >= MAX_CARRIED:
            break
    carried = carried_names + carried[:MAX_CARRIED]
    return f"{question} ({' '.join(carried)})" if carried else question


# Words an elliptical follow-up puts beside the name it swaps in ("and if I was on Briumvi instead?"); they ask
# nothing of their own.
_SWAP_FILLER = frozenset("instead either one ones case version".split())
# Words that stand in for what was said rather than name anything ("the Kesimpta pen instead", "the primary
# progressive kind"): substitution words and general nouns, a closed class of English grammar (Halliday and
# Hasan's substitutes and general nouns), so never what a question is about.
STAND_INS = _SWAP_FILLER | frozenset("kind kinds sort sorts type types".split())
_SAME = re.compile(r"\bsame\s+(?:old\s+)?([a-z]+)", re.IGNORECASE)


def compared_back(question: str) -> frozenset[str]:
    """ "is it the same length", "same deal?": what a follow-up says is the same as before names what the earlier
    turn asked about, not something of its own."""
    return frozenset(m.group(1).lower() for m in _SAME.finditer(question))


def swap_entity(question: str, history: Sequence[str], entities: Entities) -> str:
    """ "Same for Briumvi?" after "What premedication is given before an Ocrevus infusion?": the earlier question
    asked of the follow-up's medicine or condition, which is what the follow-up asks when it says nothing but the
    name; "" when it says more, or when no earlier turn names exactly one other entity of its kind."""
    if not history or not needs_context(question):
        return ""
    own = entities.find(question)
    if len(own) != 1:
        return ""
    group = next(iter(own))
    name_words = {w for alias in group for w in topic_terms(alias)}
    if [t for t in topic_terms(question) if t not in name_words and t not in _SWAP_FILLER]:
        return ""  # "And with ublituximab, after every infusion too?" asks something of its own
    said = (re.search(rf"\b{re.escape(a)}\b", question, re.IGNORECASE) for a in sorted(group, key=len))
    written = next((m.group(0) for m in said if m), "")  # as the follow-up writes it
    kind = group in set(entities.products)
    for turn in reversed(history[-3:]):
        named = entities.find(turn)
        if group in named:
            return ""  # the conversation is already about it
        others = [g for g in named if (g in set(entities.products)) == kind]
        if len(others) == 1:
            aliases = sorted(others[0], key=len, reverse=True)
            rx = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in aliases) + r")\b", re.IGNORECASE)
            return rx.sub(written or min(group, key=len), turn)
        if others:
            return ""  # "Ocrevus or Kesimpta?": which one it replaces is not said
    return ""


CONDENSE_PROMPT = (
    "Rewrite the user's last message as one standalone question that can be understood without the "
    "conversation, keeping every drug, condition and number it refers to. Reply with the question only."
)

_HEADING_TEXT = re.compile(r"^[A-Z][A-Za-z ,'/-]{2,70}\??$")
_QUESTION_START = re.compile(r"^(?:how|what|when|why|can|could|do|does|is|are|who|which|should)\b", re.IGNORECASE)
_ASKS = re.compile(
    r"(?i)^(?:(?:how|what|when|why|which|who)(?: long| often| much| many)?\s+(?:is|are|does|do|can|should|will|to)"
    r"|(?:can|could|do|does|is|are|should))\b"
)
_BLAND_SECTION = re.compile(
    r"^(?:page \d+|the short answer|short answer|overview|introduction|summary|key points|references?|sources?"
    r"|what is in this leaflet|contents of the pack and other information|learn more|related issues|see also"
    r"|genetics|clinical trials|start here|research|resources?|reporting of side effects|other information"
    r"|key concepts(?: and summary)?|in particular|(?:\w+ )?(?:terms|glossary|definitions)|\w+ing)$",
    re.IGNORECASE,
)


# A heading that ends on one of these leads into a list ("Medicines taken by mouth include"); one with a finite
# verb inside says something ("Briumvi contains sodium", "Other exceptions are people who have"): neither is a topic.
_LEAD_IN_END = frozenset({"include", "includes", "including", "such", "as", "like", "are", "is", "have", "has", "be"})
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|contains?|tell|talk|ask|must|can|cannot|may|should|will|do|does|don't|helps?)\b",
    re.IGNORECASE,
)


def is_topic(heading: str) -> bool:
    """A heading that names a topic ("Pregnancy and breast-feeding", "How to store Kesimpta"), not a lead-in or a
    sentence; a heading put as a question ("How is Ocrevus given?") is judged by ``as_question``."""
    words = heading.rstrip("?:").split()
    if not words or words[-1].lower() in STOPWORDS or words[-1].lower() in _LEAD_IN_END:
        return False
    return bool(_QUESTION_START.match(heading)) or not _FINITE.search(heading)


def written_names(passages: Sequence[Passage], products: Iterable[frozenset[str]] | None = None) -> dict[str, str]:
    """The medicines' names as the titles write them ("ocrevus" -> "Ocrevus"): a converted heading may have lost
    the capital ("3. How to take ocrevus"). ``products`` are the passages' medicines, when already found."""
    if products is None:
        from bot.question import Entities

        products = Entities.from_passages(passages).products
    written = {w.lower(): w for p in passages for w in re.findall(r"[A-Z][\w-]+", p.title)}
    return {a: written[a] for g in products for a in g if a in written}


def document_topics(
    passages: Sequence[Passage], entity_names: Sequence[str] = (), cased: Mapping[str, str] | None = None
) -> list[str]:
    """The headings the retrieved documents give their own sections, best-ranked passage first.

    These are what the sources can answer, in their own words: the basis of suggested follow-ups
    and of the "the sources cover ..." line of an abstention. Passages about another medicine
    than ``entity_names`` (when given) are skipped; medicines' names are written as ``cased``
    (``written_names``, found here when not given).
    """
    from bot.units import NUMBERING, units  # a leaf module; imported here to keep this module's import light

    out: list[str] = []
    seen: set[str] = set()
    names = [n.lower() for n in entity_names]
    cased = written_names(passages) if cased is None else cased
    for p in passages:
        title = p.title.lower()
        if names and not any(n in title or n in p.text.lower() for n in names):
            continue
        for raw in [p.section.split(" > ")[-1], *(u.heading for u in units(p.text))]:
            heading = re.sub(r"\s+\?$", "?", NUMBERING.sub("", raw).strip())  # "... Sclerosis ?"
            heading = re.sub(r"[A-Za-z][\w-]*", lambda m: cased.get(m.group(0).lower(), m.group(0)), heading)
            key = heading.lower()
            if not heading or key in seen or _BLAND_SECTION.search(key) or not _HEADING_TEXT.match(heading):
                continue
            if len(heading.split()) > 10 or not is_topic(heading) or re.match(r"(?i)(?:do|does|must) not\b", heading):
                continue  # a lead-in label or a sentence, not a topic
            seen.add(key)
            out.append(heading)
    return out


def as_question(heading: str, audience: str, names: Mapping[str, str] | None = None) -> str:
    """A section heading as the next question a reader would ask; ``names`` (``written_names``) are medicines'
    names, whose capital a topic keeps ("Other medicines and Ocrevus" -> "... about other medicines and Ocrevus")."""
    bare = heading.rstrip("?").strip()
    if _QUESTION_START.match(bare):
        if not _ASKS.match(bare) or re.match(r"(?i)\w+ not\b", bare):
            return ""  # "What you need to know before ...", "Do not use Kesimpta": a heading, not a question
        return bare[0].upper() + bare[1:] + "?"
    if re.match(r"(?i)if\b", bare):
        return f"What {bare[0].lower() + bare[1:]}?"  # "If you stop using Kesimpta" → "What if you stop ...?"
    long_words = [w for w in bare.split()[1:] if len(w) > 3 and w not in (names or {}).values()]
    title_case = bool(long_words) and sum(w[:1].isupper() for w in long_words) * 2 >= len(long_words)
    first = bare.split()[0]
    keep = bare[:2].isupper() or title_case or (names is not None and first in names.values())
    topic = bare if keep else bare[0].lower() + bare[1:]  # "Systemic Lupus Erythematosus" keeps its capitals
    return f"What should I know about {topic}?" if audience == "patient" else f"What do the sources say about {topic}?"


def suggest(question: str, history: Sequence[str], passages: Sequence[Passage], audience: str) -> tuple[str, ...]:
    """Two or three next questions: topics of the retrieved documents that the conversation has not asked."""
    from bot.question import Entities, question_aspects

    asked = " ".join([*history, question])
    entities = Entities.from_passages(passages)
    named = entities.products_in(question) or entities.products_in(asked)
    entity_names = sorted({a for g in named for a in g})
    asked_terms = set(topic_terms(asked.lower()))
    asked_aspects = question_aspects(asked)
    names = written_names(passages, entities.products)
    out: list[str] = []
    for heading in document_topics(passages, entity_names, names):
        terms = set(topic_terms(heading.lower())) - {n.lower() for n in entity_names}
        if terms and len(terms & asked_terms) > len(terms) / 2:
            continue
        aspects = question_aspects(heading)
        if aspects and aspects <= asked_aspects:
            continue
        candidate = as_question(heading, audience, names)
        if candidate and candidate not in out:
            out.append(candidate)
        if len(out) >= 3:
            break
    return tuple(out)


def covered_topics(passages: Sequence[Passage], audience: str) -> str:
    """ " The retrieved sources cover: ..." — what an abstention can point the reader to."""
    cased = written_names(passages)
    topics = [t.rstrip("?") for t in document_topics(passages, cased=cased)[:5]]
    if not topics:
        return ""
    names = set(cased.values())
    listed = "; ".join(t if t[:2].isupper() or t.split()[0] in names else t[0].lower() + t[1:] for t in topics)
    lead = "The passages I found are about" if audience == "patient" else "The retrieved sources cover"
    return f" {lead}: {listed}."
