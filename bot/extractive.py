"""The offline answerer: no LLM, so it quotes the answerable units that best answer the question.

Grounded by construction: every claim it writes is a unit of a retrieved passage (``bot.units``),
cited to that passage. The steps:

1. analyse the question (``bot.question``): the medicine or condition it names, with the aliases
   the documents use; the aspect; the timing direction; yes/no or list; figures it asserts, in digits or
   in words (``bot.premise``);
2. drop units about another medicine and units about the opposite timing direction (rules the
   training data cannot teach);
3. score the rest with the learned ranker (``bot.rank``, weights from public data);
4. abstain when the best passages do not cover the question's key concept, saying so;
5. compose: a correction first when the question asserts a figure the sources contradict (a sentence on
   the premise's aspect giving another value of its kind), then the
   best unit (after the sentence it leans on, if it cannot stand alone), then as many further points as clear
   the relevance floor — grouped under headings by
   aspect for clinicians when the evidence spans several aspects; for patients 3–6 plain points, and past
   the third a point below the floor when the learned stopping rule (``bot.stop``) expects it to make the
   answer better; for clinicians, past the third, only the points that rule expects to help —
   never a point that restates an earlier one or one already shown in the conversation, but for the best
   unit, which leads again marked ``REMINDER`` when the conversation showed it (a follow-up keeps its answer);
   the chosen items of one list are one point, its cited lead-in then one bullet per item (``bot.listing``).
"""

from __future__ import annotations

import difflib
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.cite import attach_citations, is_factual
from bot.followup import (
    STAND_INS,
    compared_back,
    condense_offline,
    inherits_entity,
    needs_context,
    swap_entity,
    topic_terms,
)
from bot.guard import strip_injections
from bot.listing import flatten, joined_list, list_parts, point_lines
from bot.measures import measure_words, states_measure
from bot.near import NEAR, NearWords, clipped, flat, mentions, phrases_of, words_of
from bot.premise import Premise, contradiction, implied, states
from bot.question import (
    Analysis,
    Entities,
    analyse,
    aspects_of,
    directions_of,
    is_broad,
    looks_like_medicine,
)
from bot.rank import FEATURES, UnitView, features, is_anaphoric, load_ranker, share
from bot.stop import Admits, load_stop_rule
from bot.text import STOPWORDS, collapse_acronyms, content_words, numbers, sentences, strip_citations
from bot.types import Audience, Passage
from bot.units import AnswerUnit, classes_asked, frequency_class, units
from bot.vectors import VectorCache
from bot.voice import third_person
from ingest.embed import Embedder
from ingest.lexical import LexicalIndex

MIN_PASSAGE_SIMILARITY = 0.30  # calibrated on the demo set: out-of-scope questions score below
MIN_UNIT_SIMILARITY = 0.40
ANCHOR_SHARE = 0.2
KEY_CONCEPT_SHARE = 0.05  # a question word in fewer chunks than this names what the question is about
CLOSE_MATCH = 0.65  # a unit this close in meaning answers the question even in other words
MIN_SHUFFLED = 3  # letters of an acronym read also as the initials of words in another order (``_spelled_out``)
MIN_SPELLED = 4  # letters of each word such initials stand for
MISSPELT = 0.8  # difflib ratio above which an unknown word is a misspelling of a medicine the corpus names
MAX_POINTS = {"clinician": 14, "patient": 6}
MIN_POINTS = {"clinician": 3, "patient": 3}
MAX_PER_SOURCE = {"clinician": 6, "patient": 5}
SECTION_MIN_ASPECTS = 3
SECTION_MIN_POINTS = 6
OVERVIEW_ASPECTS = 4  # a unit speaking to this many aspects is an overview
REPEAT_OVERLAP = 0.8  # share of a unit's content words already said: a restatement
MIN_RESTATE_WORDS = 4  # a shorter sentence of fewer content words is too short to be restated
SAME_MEANING = 0.88  # cosine above which two units say the same thing
_CLINICIAN_REGISTER = re.compile(
    r"\(\s*\d+(?:\.\d+)+\s*\)|\[see [^\]]*\]|\bsee (?:section|warnings)[^.]*\(\d|\b(?:mg/kg|mL/min|IU/L|x ?10\^|g/dL)\b"
    r"|\b(?:contraindicated|pharmacokinetic|pharmacodynamic|immunoglobulins?|hypogammaglobulin|neutropenia"
    r"|lymphopenia|prophylaxis|seroprotection|subjects|patients receiving|clinical trials?|placebo|ULN|LLN)\b"
)
_GLOSS = re.compile(r"\s*\([^()\d]*\)")  # a parenthesis without figures: a gloss, not a label section code
_GLOSSED_WORD = re.compile(r"\b[\w-]+\s*\(([^()\d]*)\)")  # "neutropenia (low levels of neutrophils, ...)"
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_TAG_QUESTION = re.compile(r",\s*(?:right|correct|true|isn't it|aren't they|doesn't it|don't they)\s*\??\s*$", re.I)
_VERDICT = re.compile(r"^(?:yes|no)\b", re.IGNORECASE)
# a sentence sending the reader to someone ("Tell your doctor ...", "See a doctor right away if ...", "call 9-1-1"),
# and a question that asks whom to tell, ask or call (then such a sentence answers it)
_REFERRAL = re.compile(
    r"\b(?:tell|ask|talk to|speak to|speak with|check with|see|contact|call|consult|inform)\s+(?:your|a|the|their)\s+"
    r"(?:doctor|nurse|pharmacist|healthcare|health care|care team|midwife|physician|gp)\b"
    r"|\bcall (?:9-1-1|911|999|112|an ambulance|emergency)",
    re.IGNORECASE,
)
_REASON = re.compile(r"\b(?:because|since|as (?:it|this|they|\w+) (?:can|may|might|could|will))\b", re.IGNORECASE)
_REFERRAL_ASKED = re.compile(
    r"\b(?:tell|ask|call|contact|inform|talk|speak|see|consult)\b|\b(?:doctor|nurse|pharmacist|gp|ambulance|911|999|112)\b",
    re.IGNORECASE,
)
FOLLOWUP_OWN_WEIGHT = 0.3
# Hand-set nudges in the units of the ranker's probability, like the audience and list ones beside them: a sentence
# naming what the question sets aside ("Apart from genes, …": it may still name the other factors), and for a condition
# question a sentence naming nothing on a page naming nothing (``Entities.unanchored``)
SET_ASIDE_PENALTY = 0.1
UNANCHORED_PENALTY = 0.1
VERDICT_MARGIN = 0.3
DIVERSITY = 0.3  # maximal marginal relevance: a point's score less this times its cosine to the closest chosen one
RELEVANCE_SPAN = 0.6  # points score within this (in cosine units) of the lead's score
REMINDER = "As above: "  # marks a lead the conversation showed already
# A clinician's overview of a broad question (``is_overview``) covers the aspects its evidence spans:
OVERVIEW_DIVERSITY = 0.6  # a point close in meaning to one already made is worth less than in a narrow answer
COVERAGE_BONUS = 0.3  # a point under a heading not yet covered is worth more ...
MAX_PER_HEADING = 4  # ... and no heading takes more than this many points
MAX_PER_PASSAGE = 2  # nor one passage more than this: the next point comes from another section of the evidence
FIGURE_BONUS = 0.15  # the sentence that gives the figure ("58% had an infection") over the generality
GENERIC_PENALTY = 1.0  # a glossary entry ("Term: a term is ...") or a list of topics says nothing specific
_GLOSSARY = re.compile(r"^(?P<term>[^:.;]{2,40}):\s+(?:(?:an?|the)\s+)?(?P<next>\S+)")
VECTOR_CACHE = 20_000
MAX_NAME_VARIANTS = 3  # extra query embeddings per question for the asked entities' other names
WARM_BATCH = 32  # texts per embedding call of a warm-up: a question waits for at most one call (the model's lock)
_PATIENT_VOICE = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
_HEADINGS = {  # in order of specificity: a unit goes under the first heading it speaks to
    "mechanism": "How it works",
    "vaccination": "Vaccination",
    "pregnancy": "Pregnancy",
    "breastfeeding": "Breastfeeding",
    "monitoring": "Monitoring and tests",
    "storage": "Storage",
    "schedule": "Dosing and duration",
    "infection": "Infections and the immune system",
    "side_effects": "Side effects",
    "treatment": "Treatment",
    "cause": "Causes",
    "outlook": "Outlook",
    "prevalence": "How common",
}
_ASPECT_ORDER = tuple(_HEADINGS)
# General words a question asks with, not names its subject by ("how often", "wait", "took"), in any -s form ("comes"),
# and verbs of saying (what a source "mentions", "says"): never key concepts. Public: the calibration of
# bot.near.NEAR_PHRASE (evals/near_calibration.py) must leave out the same phrases the scope check does.
ASKING_WORDS = frozenset(
    """take took taken get got give gave wait need use used stop start keep make made feel felt go went come turn
    happen help tell know want try put see look find mean often long much many soon common usual usually best
    safe okay normal apart besides except far ahead known myself yourself himself herself ourselves
    themselves say said mention list warn describe""".split()
)
# A strong verb's past participle, marked by -n as a weak verb's is by -ed ("given", "done", "shown"): like an "-ed"
# word (never a key concept: "refrigerated", "planned"), it says what is done to the concept and names none ("how
# far ahead do they have to be done?"). The closed class, those not spelled like their verb's base form.
_STRONG_PARTICIPLES = frozenset(
    """arisen awoken been beaten begun bidden bitten blown borne broken chosen done drawn driven eaten fallen flown
    forbidden forgiven forgotten forsaken frozen given gone grown hidden known mistaken mown proven ridden risen sewn
    shaken shaven shown shrunken slain sown spoken stolen stricken striven sworn swollen taken thrown torn
    trodden undergone undertaken withdrawn woken worn woven written""".split()
)
# What a hyphen splits off a word ("pre-ublituximab", "non-live", "post-discontinuation"): a bound prefix, which
# modifies the concept it is attached to and names none itself.
_PREFIXES = frozenset("pre post non anti semi sub inter intra multi self".split())


@dataclass(frozen=True)
class Candidate:
    passage: int  # 1-based number of the passage in the list given to the answerer
    text: str
    start: int
    end: int
    score: float
    dense: float
    vector: tuple[float, ...]
    aspects: frozenset[str]
    position: int = 0  # the unit's order in its passage
    section: str = ""  # its document and section: the points of one reference answer usually share one
    lead: str = ""  # a list item's lead-in (``AnswerUnit.lead``): the items of one list are shown as one point
    items: tuple[str, ...] = ()


def unit_label(p: Passage) -> str:
    """The label ``units`` reads a passage's units under: its own section heading."""
    return p.section.split(" > ")[-1]


def embeddable(text: str) -> bool:
    """A unit ``candidates`` may embed whatever the question: not a list item torn from its lead-in ("if you plan to
    have any vaccinations."), nor advice ("talk to your doctor ...", which the verifier would show uncited)."""
    return not text[:1].islower() and is_factual(text)


def scope_text(p: Passage) -> str:
    """What the scope check (``in_scope``) reads a passage's words and phrases in."""
    return f"{p.title} {p.section} {p.text}"


@dataclass(frozen=True)
class Warmed:
    """What a warm-up (``ExtractiveAnswerer.warm``) embedded ahead of questions."""

    passages: int
    units: int  # unit sentences added to the answerer's cache
    words: int  # words and phrases added to the scope check's (``NearWords``)
    seconds: float


def named_otherwise(text: str, groups: Iterable[frozenset[str]]) -> list[str]:
    """``text`` with an entity it names written under each other name the corpus pairs with it ("Kesimpta" as
    "ofatumumab", "PML" as "progressive multifocal leukoencephalopathy"), at most ``MAX_NAME_VARIANTS``: the
    embedding model does not know that a brand and its INN are one drug, so a sentence naming the other scores as
    off topic."""
    out: list[str] = []
    for group in sorted(groups, key=sorted):
        for name in sorted(group, key=len, reverse=True):
            m = re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)
            if m:
                out += [f"{text[: m.start()]}{other}{text[m.end() :]}" for other in sorted(group - {name})]
                break
    return out[:MAX_NAME_VARIANTS]


def _covered(question: str, key: Sequence[str], texts: Sequence[str]) -> list[set[str]]:
    """The key concepts each text says in any form of their stem, or, for a word that names the kind of figure
    asked ("how frequent"), by giving a figure of that kind."""
    measured = measure_words(question)
    return [
        {t for t in key if mentions(flat(text), t) or any(states_measure(k, text) for k in measured.get(t, ()))}
        for text in texts
    ]


def _said_together(question: str, key: Sequence[str], texts: Sequence[str]) -> bool:
    """Two or more of the question's key concepts, and all but one of them, said in one text: rare words of the
    corpus that one passage says together anchor a question in it as firmly as a word most chunks use."""
    need = max(2, len(key) - 1)
    return len(key) >= 2 and any(len(c) >= need for c in _covered(question, key, texts))


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


Gist = tuple[frozenset[str], frozenset[str]]  # content words and numbers of a sentence


def gist(text: str) -> Gist:
    return frozenset(content_words(text)), frozenset(numbers(text))


def _shown(answers: Sequence[str]) -> list[str]:
    """Each sentence the earlier answers showed, without citation markers."""
    out = []
    for text in answers:
        clean = strip_citations(flatten(text))  # a list shown as its lead-in and items is one point
        out += [clean[s:e] for s, e in sentences(clean)]
    return out


def earlier_sentences(answers: Sequence[str]) -> list[Gist]:
    """The gist of each sentence already shown in the conversation."""
    return [g for g in map(gist, _shown(answers)) if len(g[0]) >= 3]


def _restates(g: Gist, said: Sequence[Gist], cosines: Sequence[float] = ()) -> bool:
    """Most of its words (or nearly all of its meaning) already said, or nearly all of an earlier, shorter
    sentence's words repeated in it; unless each of the two states a figure the other does not ("live
    vaccines 4 weeks before" and "other vaccines 2 weeks before" are two facts)."""
    words, nums = g
    if not words:
        return False
    for i, (w, n) in enumerate(said):
        common = len(words & w)
        shorter = min(len(words), len(w))
        close = common / len(words) >= REPEAT_OVERLAP or (
            shorter >= MIN_RESTATE_WORDS and common >= REPEAT_OVERLAP * shorter
        )
        if close and not (nums - n and n - nums):
            return True
        if i < len(cosines) and cosines[i] > SAME_MEANING and not nums - n:
            return True  # close in meaning only: a figure of its own ("not above 30 C") is a fact not yet said
    return False


def is_referral(c: Candidate) -> bool:
    """The unit sends the reader to someone ("Tell your doctor before being given X if you are pregnant", "See a
    doctor right away if ...", "call 9-1-1"): advice on whom to ask, not what is so. One read with the items of its
    list ("Tell your doctor straight away if you notice any of these signs of infection: fever or chills; ...")
    states them, and so does one that gives its reason ("Call your care team if you have diarrhoea that does not stop,
    because X can cause bowel inflammation")."""
    return not c.items and bool(_REFERRAL.search(c.text)) and not _REASON.search(c.text)


def _lead(pool: Sequence[Candidate], yes_no: bool, referral_asked: bool = True) -> Candidate:
    """The best unit that stands alone; for a yes/no question one that says yes or no, if nearly as good. Unless the
    question asks whom to tell or ask (``referral_asked``), not a referral (``is_referral``) while a unit that states
    something scores within the relevance span of it (it would be shown as a point anyway): leaflets close every
    section with whom to tell, and that sentence named the question's words ahead of the one that answers it."""
    standing = [c for c in pool if not is_anaphoric(c.text)]
    lead = standing[0] if standing else pool[0]
    if not referral_asked and is_referral(lead):
        floor = lead.score - RELEVANCE_SPAN
        lead = next((c for c in standing if not is_referral(c) and c.score >= floor), lead)
    if yes_no:
        lead = next((c for c in pool if _VERDICT.match(c.text) and c.score >= lead.score - VERDICT_MARGIN), lead)
    return lead


def _leaning_best(
    pool: Sequence[Candidate], lead: Candidate, referral_asked: bool = True
) -> tuple[Candidate, Candidate] | None:
    """(the sentence it leans on, the best unit) when the best unit cannot stand alone ("This can take from six
    months to two and a half years") and the sentence before it in its passage is a candidate that can and scores
    within the relevance span of it: the answer opens with the two, in the passage's order, instead of with the
    best unit that stands alone, which answers less. None when the best unit stands alone or is a verdict's, or
    when the sentence before it is a referral the question did not ask for (``_lead``)."""
    best = pool[0]
    if best is lead or not is_anaphoric(best.text) or _VERDICT.match(lead.text):
        return None
    before = next((c for c in pool if c.passage == best.passage and c.position == best.position - 1), None)
    if before is None or is_anaphoric(before.text) or before.score < best.score - RELEVANCE_SPAN:
        return None
    if not referral_asked and is_referral(before):
        return None
    return before, best


def _lead_in(text: str) -> str:
    """ "People more likely to get it are those who: " of a list item's unit (``bot.units`` repeats the lead-in
    before each item too long to join): the items of one list share it and say different things after it."""
    head, sep, _ = text.partition(": ")
    return f"{head}{sep}" if sep and len(head) <= 200 else ""


def _list_of(lead_in: str) -> str:
    """The list a lead-in opens: a frequency class's items are read under the list's own lead-in and the class
    ("The following infections ... — Common (...)": ``bot.units``), and the classes of one list share the first."""
    return lead_in.rstrip(": ").split(" — ")[0]


def _adds_to(g: Gist, earlier: Gist) -> bool:
    """``g`` keeps every figure of ``earlier`` and says clearly more (a third more content words)."""
    return earlier[1] <= g[1] and len(g[0] - earlier[0]) >= max(2, len(earlier[0]) // 3)


class ExtractiveAnswerer:
    """Composes an answer from passage units, each with its exact citation."""

    name = "extractive"

    def __init__(
        self, embedder: Embedder, lexical: LexicalIndex | None = None,
        corpus: Callable[[], Iterable[Passage]] | None = None, stop_rule: Admits | None = None,
    ) -> None:  # fmt: skip
        self.embedder = embedder
        self.lexical = lexical
        self.ranker = load_ranker()
        self.stop_rule: Admits | None = stop_rule  # None: the shipped rule (bot/stop.json), read on first use
        # read through self.embedder at each call: a served bot swaps in one that holds the model's lock
        self._cache = VectorCache(lambda texts: self.embedder.embed_documents(texts), VECTOR_CACHE)
        self.near = NearWords(embedder)
        self.corpus = corpus  # every passage of the index, read on demand
        self._corpus_entities: Entities | None = None

    def corpus_entities(self) -> Entities:
        """The names the whole corpus uses (its titles, brand/generic pairs, spelled-out acronyms), read once:
        a question about anaphylaxis is about anaphylaxis even when no anaphylaxis page was retrieved."""
        if self._corpus_entities is None:
            self._corpus_entities = Entities.from_passages(list(self.corpus()) if self.corpus else [])
        return self._corpus_entities

    def standalone(self, question: str, history: Sequence[str], entities: Entities | None = None) -> str:
        """The follow-up's retrieval query: the earlier question asked of the follow-up's medicine when it names
        nothing else (``swap_entity``), else the follow-up with the conversation's entity (unless it names another
        of its kind) and topic words carried in (``condense_offline``). ``entities``: the corpus's by default."""
        if not history:
            return question
        entities = entities or self.corpus_entities()
        return swap_entity(question, history, entities) or self._condensed(question, history, entities)

    def _condensed(self, question: str, history: Sequence[str], entities: Entities) -> str:
        """The follow-up with the conversation's entity and topic words carried in (``condense_offline``)."""
        doc_freq = self.lexical.doc_freq if self.lexical is not None else None
        return condense_offline(question, history, entities, doc_freq)

    def analysis(self, question: str, passages: Sequence[Passage], history: Sequence[str]) -> tuple[Analysis, Entities]:
        entities = self.corpus_entities() | Entities.from_passages(passages)
        leans = bool(history) and (needs_context(question) or inherits_entity(question, history, entities))
        context = " ".join(history[-2:]) if leans else ""
        return analyse(question, entities, context), entities

    def candidates(
        self, question: str, query: str, passages: Sequence[Passage], audience: Audience, analysis: Analysis,
        entities: Entities, follow_up: bool = False, overview: bool = False,
    ) -> list[Candidate]:  # fmt: skip
        """Every usable unit that is about the asked entity and direction, scored by the ranker."""
        wanted = [frozenset(k.split("|")) for k in analysis.entities]
        wanted_products = {g for g in wanted if g in entities.products}
        raw: list[tuple[int, AnswerUnit, str]] = []
        frequencies = classes_asked(question)
        for number, p in enumerate(passages, start=1):
            if wanted_products:
                doc = entities.products_in(p.title)
                if doc and not doc & wanted_products:
                    continue  # another medicine's document
            for u in units(p.text, unit_label(p)):
                if entities.off_topic(wanted, u.text, p.title):
                    continue  # another medicine's or condition's sentence, or one from its page naming nothing
                if analysis.direction and _conflicts(analysis.direction, u.text, f"{u.heading} {p.section}"):
                    continue  # "before starting" when the question asks "after the last dose"
                if audience == "patient" and in_clinician_register(u.text):
                    continue
                if not embeddable(u.text):
                    continue  # a list item torn from its lead-in, or advice (``embeddable``)
                if frequencies and frequency_class(u.lead) not in frequencies | {""}:
                    continue  # "Very common AEs?": not the items of another frequency class
                if u.items and all(analysis.excluded & set(content_words(item)) for item in u.items):
                    continue  # "besides infections": a list all of whose items are infections
                raw.append((number, u, f"{u.heading} {p.section.split(' > ')[-1]}"))
        if not raw:
            return []
        vecs = self._embed([query] + [u.text for _, u, _ in raw])
        sims = _cos_matrix(vecs[:1], vecs[1:])[0]
        variants = named_otherwise(query, wanted)
        if variants:  # "Kesimpta" asked, "Ofatumumab belongs to a group of medicines called monoclonal antibodies"
            sims = np.maximum(sims, _cos_matrix(self._embed(variants), vecs[1:]).max(axis=0))
        names = {w for k in analysis.entities for w in content_words(k.replace("|", " "))}
        weights = {t: w for t, w in self._term_weights(question, query).items() if t not in names}
        views = [UnitView(u.text, head, u.position) for _, u, head in raw]
        # an elliptical follow-up ("and for the subcutaneous one?"): its own words say what is new
        own = {t: w for t, w in self._term_weights(question, question).items() if t not in names} if follow_up else {}
        rows = features(views, list(sims), weights, analysis)
        if overview:  # its answer spans aspects: a unit about another aspect than the question's is not off it
            rows[:, FEATURES.index("other_aspect")] = 0.0
        learned = self.ranker.similarity_units(rows)
        out = []
        for (number, u, head), vec, sim, prob in zip(raw, vecs[1:], sims, learned, strict=True):
            p = passages[number - 1]
            score = float(prob)
            if p.audience in (audience, "both"):
                score += 0.03
            voice = bool(_PATIENT_VOICE.search(u.text))
            if audience == "patient":
                score += 0.05 * _plainness(u.text) + (0.03 if voice else 0.0)
            elif voice or p.audience == "patient":
                score -= 0.15  # "you" and "your" address a patient, not a clinician
            if own:
                score += FOLLOWUP_OWN_WEIGHT * share(own, set(content_words(f"{head} {u.text}")))
            if analysis.excluded & set(content_words(u.text)):
                score -= SET_ASIDE_PENALTY
            if analysis.wants_list and ": " in u.text and "; " in u.text:
                score += 0.1  # "which signs...?": the unit that lists them, read with its lead-in
            if entities.unanchored(wanted, u.text, p.title):
                score -= UNANCHORED_PENALTY
            score -= 0.004 * (number - 1)  # retrieval order as a tie-breaker
            out.append(Candidate(number, u.text, u.start, u.end, score, float(sim), tuple(vec),
                                 aspects_of(u.text) or aspects_of(head), u.position,
                                 f"{p.source}#{p.section}", u.lead, u.items))  # fmt: skip
        return out

    def _embed(self, texts: list[str]) -> list[list[float]]:
        """Embeddings with a bounded cache: the same passages come back across questions and turns."""
        return self._cache.get(texts)

    def warm(self, passages: Iterable[Passage] | None = None, progress: bool = False,
             batch: int = WARM_BATCH) -> Warmed:  # fmt: skip
        """Embed ahead of questions what answering them would embed the first time a passage is retrieved: its units
        (those ``candidates`` embeds, keyed as it keys them) and the words and phrases the scope check compares a
        question's with (``in_scope``, through ``NearWords``). ``passages``: the corpus's by default, read as the
        Bot shows them (instruction-like sentences cut: ``strip_injections``). Each cache is filled to
        ``WARM_SHARE`` of its size at most, never evicting; safe beside questions answered meanwhile (a question
        waits for one batch at most). Answers are the same with or without it: the same texts, the same vectors."""
        start = time.perf_counter()
        if passages is None:
            passages = self.corpus() if self.corpus else ()
        shown = [strip_injections(p)[0] for p in passages]
        texts = [u.text for p in shown for u in units(p.text, unit_label(p)) if embeddable(u.text)]
        scoped = [scope_text(p) for p in shown]
        words = [*(w for t in scoped for w in sorted(words_of(t))), *(w for t in scoped for w in sorted(phrases_of(t)))]
        from tqdm import tqdm

        with tqdm(total=len(set(texts)) + len(set(words)), unit="text", desc="warming", disable=not progress or None,
                  leave=False) as bar:  # fmt: skip
            added = self._cache.warm(texts, batch, bar.update)
            near = self.near.warm(words, batch, bar.update)
        return Warmed(len(shown), added, near, time.perf_counter() - start)

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

    def in_scope(self, question: str, passages: Sequence[Passage], candidates: list[Candidate],
                 entities: Entities, own: str = "", contradicted: bool = False) -> bool:  # fmt: skip
        """Close enough in meaning, and not about something the best passages never mention.

        Dense similarity alone lets "side effects of metformin" through on Ocrevus side-effect
        passages. So a question is out of scope when most of its topic words are unknown to the
        corpus, or when it has an unknown word and nothing anchors it (an entity the documents name,
        a word in at least ``ANCHOR_SHARE`` of chunks, or its rare words said together by one passage:
        ``_said_together``). Unless a unit matches closely in meaning,
        its key concepts — words few chunks use, other than the entity's names, asking verbs and
        participles ("-ed", and a strong verb's "-n": "done") — must (all but one of them) appear in one of the
        best passages: "does Ocrevus turn hair
        purple?" is not answered from Ocrevus passages that never mention hair. A word counts as
        said in other words too (``bot.near``): "newborns" by a page's "infants", an unknown "mum"
        by "mother", a clipped "hep b" by "hepatitis B", and in a phrase: "contraception" by "birth control",
        "adverse effects" by "side effects". A word standing in for what was said ("kind", "instead";
        ``STAND_INS``) names no concept, nor does what a follow-up calls the same ("the same length": the earlier
        turn's). A word that only names the kind of figure asked or asserted ("how frequent", "durations", "twice";
        ``bot.measures.measure_words``) is said by a passage that gives a figure of that kind ("1 in 10 people").
        A question ``contradicted`` (it asserts a value a unit on its aspect contradicts: ``_correction``) needs no
        key concept said: the correction answers it, in whatever register it was asked ("jab", "counsel").
        """
        top_passage = max((p.dense_score or 0.0 for p in passages), default=0.0)
        top_unit = max((c.dense for c in candidates), default=0.0)
        if top_passage < MIN_PASSAGE_SIMILARITY or top_unit < MIN_UNIT_SIMILARITY:
            return False
        if self.lexical is None:
            return True
        terms = [w for t in topic_terms(collapse_acronyms(question)) for w in t.split("-") if len(w) > 2]
        if not terms:
            return True
        share = dict(zip(terms, self.lexical.doc_freq(terms), strict=True))
        aliases = {a for g in entities.find(question) for a in g}
        names = {w for a in aliases for w in a.split()}
        unknown_acronyms = [t for t in _ACRONYM.findall(question) if share.get(t.lower()) == 0.0]
        if unknown_acronyms and not all(_spelled_out(t, passages) for t in unknown_acronyms):
            return False  # "What JCV index ...?": a named thing (an acronym) no document mentions or spells out
        medicines = [a for g in entities.products for a in g]
        if any(looks_like_medicine(t) and not difflib.get_close_matches(t, medicines, n=1, cutoff=MISSPELT)
               for t, f in share.items() if f == 0.0):  # fmt: skip
            return False  # "... should entecavir be started?": a medicine no document names (nor a misspelling of one)
        # a follow-up's words carried from earlier turns were in scope there: only its own can leave scope
        mine = {w for t in topic_terms(collapse_acronyms(own)) for w in t.split("-")} if own else set(share)
        mine -= compared_back(own)  # "is it the same length": the earlier turn's length, in scope there
        unknown = [t for t, f in share.items() if f == 0.0 and t in mine]
        anchored = bool(names) or top_unit >= CLOSE_MATCH or any(f >= ANCHOR_SHARE for f in share.values())
        key = [  # unknown words are paraphrases or nonsense: the share of them is judged below
            t
            for t, f in share.items()
            if 0 < f < KEY_CONCEPT_SHARE
            and t not in names
            and t not in ASKING_WORDS
            and t.removesuffix("s") not in ASKING_WORDS
            and t not in _PREFIXES
            and t not in STAND_INS
            and not t.endswith(("ing", "ed"))
            and t not in _STRONG_PARTICIPLES
            and t in mine
        ]
        if len(unknown) / len(terms) > 0.5 or (unknown and not anchored):
            # a word no chunk uses may still be one the passages say in other words ("mum" for mother)
            text = " ".join(f"{p.section} {p.text}" for p in passages)
            said = words_of(text)
            unknown = [t for t in unknown if not clipped(t, question, text) and not self.near.said(t, said)]
            if len(unknown) / len(terms) > 0.5:
                return False
            if unknown and not anchored and not _said_together(question, key, [p.text for p in passages]):
                return False  # "kinetics" in "Primary humoral response kinetics: lag phase, IgM peak, IgG peak?" is
                # anchored by the rare words one passage says together (lag, phase, IgM, peak), a "wine" is not
        if top_unit >= CLOSE_MATCH or contradicted:
            return True
        if not key:
            return True
        shown = list(passages)
        if names:  # the concept must be covered where the sources speak of the entity asked about
            shown = [p for p in passages if any(a in p.title.lower() for a in aliases)] or shown
        texts = [scope_text(p) for p in shown]
        allowed = len(key) - 1 if len(key) >= 2 else len(key)
        covered = _covered(question, key, texts)
        if any(len(c) >= allowed for c in covered):
            return True
        # in other words: "newborns" where the page says "infants", "flu" where it says "influenza"
        vocab = [words_of(text) for text in texts]
        close = {t: {w for w, c in self.near.closeness(t, set().union(*vocab)).items() if c >= NEAR} for t in key}
        known = [c | {t for t in key if close[t] & v} for c, v in zip(covered, vocab, strict=True)]
        if any(len(s) >= allowed for s in known):
            return True
        # or in a phrase: "birth control" where the page says "contraception", "adverse effects" for "side effects":
        # the one concept a passage that says the others puts in other words. Passage by passage, best first,
        # stopping at the first that covers the question, and only a passage one concept short: each passage's
        # phrases cost an embedding the first time they are seen (hundreds over a dozen passages), and a passage
        # that misses two of the question's concepts is not about it, however it words them.
        ignore = names | ASKING_WORDS
        for s, v, text in zip(known, vocab, texts, strict=True):
            if len(s) < allowed - 1:
                continue
            spans = phrases_of(text)
            rest = [t for t in key if t not in s]
            if len(s) + sum(1 for t in rest if self.near.phrase_close(t, question, v, spans, ignore)) >= allowed:
                return True
        return False

    def select(self, candidates: list[Candidate], audience: Audience, sources: Sequence[str],
               said: Sequence[Gist], yes_no: bool = False, overview: bool = False,
               narrow: bool = False, referral_asked: bool = True) -> list[Candidate]:  # fmt: skip
        """Lead with the best self-contained unit (or, when the best unit leans on the sentence before it, with that
        sentence and then it: ``_leaning_best``), then points by maximal marginal relevance down to a relevance
        floor; past the first ``MIN_POINTS``, the learned stopping rule (``bot.stop``) decides: for a
        patient it also admits a point below the floor that it expects to make the answer better (where a fixed
        floor cut answers that gain from it), for a clinician it drops one above it that it expects to make the
        answer worse (where the floor let through sentences past the answer). An overview is not put to it.

        A ``narrow`` question (``is_narrow``: it asks for one thing) is put to the rule sooner and harder: a
        clinician's every point past a new lead, a patient's past the third above the floor too. Its answer is
        usually one or two sentences, and the points a fixed count let through after them were past the answer."""
        pool = sorted(candidates, key=lambda c: -c.score)
        if said and pool:  # sentences already shown in this conversation: only the best answer, as a reminder
            best = _lead(pool, yes_no, referral_asked)  # ("Is that for every infusion?": the sentence just shown)
            pool = [c for c in pool if c is best or not _restates(gist(c.text), said)]
        if not pool:
            return []
        sim = _cos_matrix([c.vector for c in pool], [c.vector for c in pool])
        row = {id(c): i for i, c in enumerate(pool)}
        lead = _lead(pool, yes_no, referral_asked)
        leaning = _leaning_best(pool, lead, referral_asked)
        if leaning is not None:
            lead = leaning[0]
        chosen = [lead]
        gists = [gist(lead.text)]
        diversity = OVERVIEW_DIVERSITY if overview else DIVERSITY
        floor = lead.score - RELEVANCE_SPAN
        # maximal marginal relevance, in numpy: each unit's score less ``diversity`` times its cosine to the closest
        # point chosen, and in an overview ``COVERAGE_BONUS`` more under a heading not yet covered
        scores = np.array([c.score for c in pool])
        primary = np.array([_primary(c) for c in pool])
        closest = sim[row[id(lead)]].copy()
        left = np.ones(len(pool), dtype=bool)
        left[row[id(lead)]] = False
        if leaning is not None:  # the best unit follows the sentence it leans on
            chosen.append(leaning[1])
            gists.append(gist(leaning[1].text))
            left[0] = False
            closest = np.maximum(closest, sim[0])
        waiting: dict[tuple[int, int], int] = {}  # the sentence an anaphoric point leans on -> that point
        reminder = bool(said) and _restates(gist(lead.text), said)
        # a reminder is no new point (the rule learned from answers led by one): a follow-up led by one keeps its count
        first = 1 if narrow and audience == "clinician" and not reminder else MIN_POINTS[audience]
        while left.any() and len(chosen) < MAX_POINTS[audience]:
            gain = scores - diversity * closest
            if overview:
                covered = [_primary(s) for s in chosen] + ["other"]
                gain = gain + COVERAGE_BONUS * ~np.isin(primary, covered)
            i = int(np.argmax(np.where(left, gain, -np.inf)))
            left[i] = False
            pick = pool[i]
            enough = len(chosen) >= first
            if pick.score < floor - RELEVANCE_SPAN / 2 or (audience == "clinician" and enough and pick.score < floor):
                break
            if overview and sum(1 for s in chosen if s.passage == pick.passage) >= MAX_PER_PASSAGE:
                continue
            if overview and sum(1 for s in chosen[1:] if _primary(s) == _primary(pick)) >= MAX_PER_HEADING:
                continue
            if is_anaphoric(pick.text) and not any(
                s.passage == pick.passage and s.position == pick.position - 1 for s in chosen
            ):
                # "This includes ..." without the sentence it leans on: it waits for that sentence to be chosen
                waiting[(pick.passage, pick.position - 1)] = i
                continue
            g = gist(pick.text)
            lead_in = _lead_in(pick.text)
            same = [bool(lead_in) and _list_of(_lead_in(s.text)) == _list_of(lead_in) for s in chosen]
            cosines = [0.0 if m else float(sim[row[id(pick)], row[id(s)]]) for s, m in zip(chosen, same, strict=True)]
            others = [(e, c) for e, c, m in zip(gists, cosines, same, strict=True) if not m]
            restated = _restates(g, [e for e, _ in others], [c for _, c in others])
            if any(same):  # an item of a list whose other items are points already: the item is what it says
                items = [gist(s.text[len(_lead_in(s.text)) :]) for s, m in zip(chosen, same, strict=True) if m]
                restated = restated or _restates(gist(pick.text[len(lead_in) :]), items)
            if restated:
                # it says an earlier, shorter point and more: show it in that point's place
                overlaps = [
                    i
                    for i, (e, m) in enumerate(zip(gists, same, strict=True))
                    if not m and (_restates(g, [e]) or _restates(e, [g]))
                ]
                k = overlaps[0] if len(overlaps) == 1 else -1
                if k >= 0 and _adds_to(g, gists[k]) and not _VERDICT.match(chosen[k].text):
                    chosen[k] = pick
                    gists[k] = g
                    closest = sim[[row[id(s)] for s in chosen]].max(axis=0)
                continue
            if sum(1 for s in chosen if sources[s.passage] == sources[pick.passage]) >= MAX_PER_SOURCE[audience]:
                continue
            if enough and not overview:
                # asked of every further point (``citebot eval train-stop`` records them all); a patient's is heeded
                # below the floor (a narrow question's above it too), a clinician's everywhere (its points stop at the
                # floor)
                admitted = (self.stop_rule or load_stop_rule()).admits(pick, chosen)
                if not admitted and (audience == "clinician" or narrow or pick.score < floor):
                    continue  # another section's or page's sentence, or one past the answer, that adds little
            chosen.append(pick)
            gists.append(g)
            closest = np.maximum(closest, sim[i])
            j = waiting.pop((pick.passage, pick.position), None)
            if j is not None:
                left[j] = True
        return chosen

    def generate(
        self,
        question: str,
        passages: Sequence[Passage],
        audience: Audience,
        history: Sequence[str] = (),
        earlier: Sequence[str] = (),
    ) -> Iterator[str]:
        """Yield the answer text in pieces; an empty answer means: abstain.

        ``history`` holds the earlier user turns, ``earlier`` the answers already shown.
        """
        known = self.corpus_entities() | Entities.from_passages(passages)
        swapped = swap_entity(question, history, known) if history else ""
        query = swapped or (self._condensed(question, history, known) if history else question)
        if history and moves_on(question, history, known):
            # what was shown was about the medicine (or condition) the follow-up moves on from, but for a sentence
            # that named the one it moves to: that one was shown
            moved_to = known.find(question) - {g for turn in history for g in known.find(turn)}
            earlier = [t for t in _shown(earlier) if known.find(t) & moved_to]
        if swapped:
            question, history = query, ()  # "Same for Briumvi?": the earlier question, asked of Briumvi
        analysis, entities = self.analysis(question, passages, history)
        follow_up = bool(history) and needs_context(question)
        overview = is_overview(question, analysis, audience) and not follow_up
        cands = self.candidates(question, query, passages, audience, analysis, entities, follow_up, overview)
        # a yes/no question asserting a value the sources contradict on its aspect is answered by the correction,
        # whatever words it is put in ("just one jab", "counsel about delayed reactions")
        contradicted = analysis.yes_no and self._correction(question, analysis, cands) is not None
        if not cands or not self.in_scope(question if not history else query, passages, cands, entities,
                                          question if history else "", contradicted):  # fmt: skip
            return
        if analysis.quantity and not _states_figure(analysis.quantity, cands):
            return  # "what is the seroconversion rate ...?" where no sentence gives a figure for seroconversion
        if audience == "clinician":
            # documents written for patients speak to the patient; a clinician gets them only when nothing else
            cands = [c for c in cands if passages[c.passage - 1].audience != "patient"] or cands
        if overview:
            cands = [replace(c, score=c.score + _overview_adjustment(c)) for c in cands]
        said = earlier_sentences(earlier)
        chosen = self.select(cands, audience, [""] + [p.source for p in passages], said, analysis.yes_no,
                             overview, is_narrow(analysis), bool(_REFERRAL_ASKED.search(question)))  # fmt: skip
        if not chosen:
            return
        chosen = join_lists(chosen, cands, complete=analysis.wants_list)
        if analysis.wants_list:
            chosen = through_last_list(chosen)
        correction = self._correction(question, analysis, cands)
        if correction is not None:
            fig, asserted, c = correction
            yield f"The sources give {fig}, not {asserted} [{c.passage}].\n\n"
        if audience == "patient":
            chosen = [replace(c, text=_without_codes(c.text)) for c in chosen]
        else:  # a leaflet speaks to the patient; a clinician is told about the patient
            chosen = [replace(c, text=third_person(c.text)) for c in chosen]
        first, rest = chosen[0], chosen[1:]
        # the reader sees it is the earlier answer again, not a new point
        again = REMINDER if said and _restates(gist(first.text), said) else ""
        if audience == "patient":
            # a list first, then more points: every point a bullet, so that its items stay nested under it
            bulleted = bool(rest) and _listed(first) is not None
            yield point_markdown(first, bulleted, again)
            if rest:
                if not bulleted:
                    yield "\n"
                for c in rest:
                    yield point_markdown(c, True)
            yield "\nTalk to your care team about what this means for you.\n"
            return
        yield f"**Answer:** {point_markdown(first, False, again)}"
        groups = self._sections(rest, analysis)
        for heading, members in groups:
            yield f"\n**{heading}**\n"
            for c in members:
                yield point_markdown(c, True)

    @staticmethod
    def _sections(rest: list[Candidate], analysis: Analysis) -> list[tuple[str, list[Candidate]]]:
        """One "What the sources say" list, or headed sections when the points span several aspects."""
        if not rest:
            return []
        # a unit that speaks to many aspects ("the main safety topics are ...") is an overview, under no one of them
        primary = [_primary(c) for c in rest]
        sizes = {a: primary.count(a) for a in set(primary) - {"other"}}
        distinct = {a for a, n in sizes.items() if n >= 2}
        if len(distinct) < SECTION_MIN_ASPECTS or len(rest) < SECTION_MIN_POINTS:
            return [("What the sources say", rest)]
        primary = [a if a in distinct else "other" for a in primary]
        order = [a for a in _ASPECT_ORDER if a in distinct] + ["other"]
        out = []
        for aspect in order:
            members = [c for c, a in zip(rest, primary, strict=True) if a == aspect]
            if members:
                out.append((_HEADINGS.get(aspect, "Other points"), members))
        return out

    @staticmethod
    def _correction(question: str, analysis: Analysis, cands: list[Candidate]) -> tuple[str, str, Candidate] | None:
        """A value the question asserts that the sources contradict: the words giving the value they state instead,
        the asserted words, and the unit that states it. Only units on the premise's aspect count, for and against
        (``_on_premise``: "2 injections 2 months apart" answers "one shot", "powder for 1 dose" in a pack does not);
        of those giving another value of its kind, one giving the value over one implying it ("a second dose"), then
        the best-ranked ("mortality of 30-50 percent" for "kills 90%", not "5 percent of persons infected develop
        it"), shown in the answer or not. A unit states the asserted value only if it shares
        a word with the question besides it: "90% of the adrenal cortex" does not make "PML kills 90%" true."""
        for p in analysis.premises:
            topic = set(content_words(question)) - set(content_words(p.text))
            if any(states(p, c.text) and topic & set(content_words(c.text)) for c in cands
                   if _on_premise(p, analysis, c)):  # fmt: skip
                continue  # the sources state it
            found = [(not implied(words), c.score, words, c) for c in cands
                     if _on_premise(p, analysis, c)
                     for words in [contradiction(p, c.text)] if words]  # fmt: skip
            if found:
                *_, words, c = max(found, key=lambda f: f[:2])
                return words, p.text, c
        return None


# The aspect a kind of premise is about whatever else the question speaks to: a count of doses and an interval
# between them are the schedule.
_PREMISE_ASPECT = {"count": "schedule", "interval": "schedule"}


def _on_premise(p: Premise, analysis: Analysis, c: Candidate) -> bool:
    """The unit speaks to the aspect the premise is about (one the question asks about or its kind's own,
    ``_PREMISE_ASPECT``), or to none: "You will receive 2 injections 2 months apart" is the schedule by its figure
    alone. Any unit, where the question names no aspect and the kind has none."""
    want = analysis.aspects | ({_PREMISE_ASPECT[p.kind]} if p.kind in _PREMISE_ASPECT else set())
    return not want or not c.aspects or bool(c.aspects & want)


def _is_list(c: Candidate) -> bool:
    """A point that lists items: its lead-in and two or more items (``join_lists``, or a unit of short items)."""
    return bool(c.lead) and len(c.items) >= 2


def _listed(c: Candidate) -> list[str] | None:
    """A list point's (``_is_list``) lead-in and items as shown, after the voice's rewording; None for any other
    point, or where the rewording no longer reads as its items."""
    if not _is_list(c):
        return None
    parts = list_parts(c.text)
    return parts if len(parts) == len(c.items) + 1 else None


def point_markdown(c: Candidate, bulleted: bool, opening: str = "") -> str:
    """A point's markdown lines, ``opening`` (``REMINDER``) before it: a list as its cited lead-in with one bullet
    per item (``bot.listing``), any other point as its sentence with its citation, a bullet of the answer's list
    where ``bulleted``. One piece, so that the stream verifies a list with its items."""
    parts = _listed(c)
    if parts is not None:
        return "\n".join(point_lines(opening + parts[0], parts[1:], [c.passage], bulleted)) + "\n"
    return f"{'- ' if bulleted else ''}{opening}{attach_citations(c.text, [c.passage])}\n"


def through_last_list(chosen: Sequence[Candidate]) -> list[Candidate]:
    """A list question's answer ends with the last list it shows: the list is what it asks for, and the points ranked
    after it were, on the development sets, almost all past the answer (one in six on point)."""
    lists = [i for i, c in enumerate(chosen) if _is_list(c)]
    return list(chosen[: lists[-1] + 1]) if lists else list(chosen)


def join_lists(chosen: Sequence[Candidate], pool: Sequence[Candidate], complete: bool = False) -> list[Candidate]:
    """Items of one list shown as one point, where the first of them was chosen: the lead-in once, then the items
    in the document's order ("Tell your doctor ... signs of infection: fever or chills; cough ..."), not each item
    after its own copy of the lead-in. For a list question (``complete``) the point takes every item of that list
    among ``pool`` (the units that passed the answerer's filters): the list is the answer, and the ranker, the
    relevance floor and the per-source cap had each cut a share of its items. An item whose list is already shown
    from an overlapping passage is not shown again."""
    groups: dict[tuple[int, str], list[Candidate]] = {}
    for c in chosen:
        if c.lead and c.items:
            groups.setdefault((c.passage, c.lead), []).append(c)
    if complete:
        for c in pool:
            key = (c.passage, c.lead)
            if key in groups and all(c.position != g.position for g in groups[key]):
                groups[key].append(c)
    out: list[Candidate] = []
    items_shown: dict[str, set[str]] = {}
    for c in chosen:
        if not (c.lead and c.items):
            out.append(c)
            continue
        members = groups.pop((c.passage, c.lead), None)
        if members is None:
            continue  # folded into the point of its list's first chosen item
        members.sort(key=lambda m: m.position)
        items = list(dict.fromkeys(i for m in members for i in m.items))
        said = items_shown.setdefault(c.lead, set())
        if said.issuperset(items):
            continue  # the same list, from an overlapping passage
        said.update(items)
        if len(members) == 1:
            out.append(c)
            continue
        out.append(replace(c, text=joined_list(c.lead, items), items=tuple(items),
                           start=members[0].start, end=max(m.end for m in members),
                           score=max(m.score for m in members)))  # fmt: skip
    return out


# Timings that answer each other wrongly: "before starting" is not "after the last dose" nor "while on it";
# what holds during treatment still holds after the last dose, until the effect wears off.
_CONFLICTS = {"after": {"before"}, "during": {"before"}, "before": {"after", "during"}}


def _conflicts(direction: str, text: str, heading: str) -> bool:
    """The unit (or, when it names no timing, the heading it sits under) speaks only of a conflicting timing."""
    found = directions_of(text) or directions_of(heading)
    return bool(found) and direction not in found and bool(found & _CONFLICTS[direction])


# "(EU leaflet §2)", "(see section 4 ...)", "(see Warnings and precautions above)", "(see also How much ... above)"
_CODE_ASIDE = re.compile(r"\s*\((?=[^()]*(?:§|\bsections?\s+\d|\bUS PI\b|\bSmPC\b|\bleaflet\b)|[Ss]ee\b)[^()]*\)")


def is_overview(question: str, analysis: Analysis, audience: Audience) -> bool:
    """A clinician's broad yes/no question on one aspect ("Does X make a patient immunocompromised?"): its answer
    is an overview of the aspects the evidence spans. Not a "what is" question, nor a statement put up for
    checking ("..., correct?"), which wants the one fact that confirms or corrects it."""
    return (audience == "clinician" and is_broad(analysis) and bool(analysis.aspects) and analysis.yes_no
            and not analysis.definition and not _TAG_QUESTION.search(question))  # fmt: skip


def is_narrow(analysis: Analysis) -> bool:
    """A question that asks for one thing: neither broad (``is_broad``: a yes/no or "what is" question about an
    entity, whose answer spans aspects) nor a list question (whose answer is every item of a list)."""
    return not is_broad(analysis) and not analysis.wants_list


def moves_on(question: str, history: Sequence[str], entities: Entities) -> bool:
    """The follow-up names a medicine (or a condition) in place of the one the earlier turns named: the
    sentences shown so far were about that one, so this one's are new even where they read alike ("After you
    stop treatment with Kesimpta your B cells will gradually increase" after Ocrevus's "... will gradually
    increase to normal levels")."""
    own = entities.find(question)
    prior = {g for turn in history for g in entities.find(turn)}
    products = set(entities.products)
    for kind in (True, False):
        mine = {g for g in own if (g in products) == kind}
        theirs = {g for g in prior if (g in products) == kind}
        if mine and theirs and not mine <= theirs:
            return True
    return False


def _primary(c: Candidate) -> str:
    """The aspect a point is filed under: the first of ``_ASPECT_ORDER`` it speaks to."""
    if len(c.aspects) >= OVERVIEW_ASPECTS:
        return "other"
    return next((a for a in _ASPECT_ORDER if a in c.aspects), "other")


def _overview_adjustment(c: Candidate) -> float:
    """A clinician overview's preferences: the figure over the generality, the evidence over a glossary entry
    or a list of topics (a unit speaking to ``OVERVIEW_ASPECTS`` aspects)."""
    adjust = FIGURE_BONUS if numbers(_without_codes(c.text)) else 0.0
    m = _GLOSSARY.match(c.text)
    if (m and m.group("next").lower().strip("()") in m.group("term").lower()) or len(c.aspects) >= OVERVIEW_ASPECTS:
        adjust -= GENERIC_PENALTY
    return adjust


def _states_figure(quantity: str, cands: Sequence[Candidate]) -> bool:
    """Some unit gives a figure beside the quantity's name: "HBV DNA" in "at what HBV DNA level ...?" needs a
    sentence with a number that names DNA; a neighbouring figure (an ultrasound every 6 months) is no answer."""
    head = content_words(quantity)[-1:]
    return not head or any(numbers(c.text) and head[0] in content_words(c.text) for c in cands)


def in_clinician_register(text: str) -> bool:
    """Label section codes or jargon a patient answer should not quote; a medical word glossed after its plain
    words ("low levels of a type of white blood cell (neutropenia)"), or before them ("neutropenia (low levels of
    neutrophils, a type of white blood cell)"), is how a leaflet writes for patients."""
    return bool(_CLINICIAN_REGISTER.search(_GLOSS.sub("", _GLOSSED_WORD.sub(_unless_plain, text))))


def _unless_plain(m: re.Match[str]) -> str:
    """A word and its gloss, dropped when the gloss is in plain words (three or more lower-case words)."""
    return "" if len(re.findall(r"\b[a-z]{2,}\b", m.group(1))) >= 3 else m.group(0)


def _without_codes(text: str) -> str:
    """ "... more easily (EU leaflet §2)." → "... more easily.": where in a label it says so, or where else in the
    leaflet to look ("(see Warnings and precautions above)"), means nothing to a patient reading one answer, and
    dropping an aside adds no claim (the citation still points at the passage)."""
    return _CODE_ASIDE.sub("", text)


def _spelled_out(acronym: str, passages: Sequence[Passage]) -> bool:
    """ "GBS" where the passages say "Guillain-Barré syndrome": the initials of a run of words, in a passage or in
    its document's title ("GHR" for "Genetics Home Reference"). An acronym of ``MIN_SHUFFLED`` letters or more also
    counts as the initials of as many consecutive words in another order, inside one sentence, each a word of
    ``MIN_SPELLED`` letters or more (not itself an abbreviation: "called JC virus" spells no "JCV"): "RZV" where a
    leaflet's title says "zoster vaccine, recombinant", "PIL" for "Package Leaflet: Information" (two letters match
    such a run by chance)."""
    letters = r"[\W_]+".join(rf"{c}\w*" for c in acronym)
    rx = re.compile(rf"\b{letters}\b", re.IGNORECASE)
    texts = [f"{p.title}. {p.section}. {p.text}" for p in passages]
    if any(rx.search(t) for t in texts):
        return True
    if len(acronym) < MIN_SHUFFLED:
        return False
    wanted = sorted(acronym.lower())
    for text in texts:
        for sentence in re.split(r"[.;!?()\n]+", text):
            words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", sentence)]
            for i in range(len(words) - len(acronym) + 1):
                run = words[i : i + len(acronym)]
                words_ok = all(len(w) >= MIN_SPELLED and w not in STOPWORDS for w in run)
                if words_ok and sorted(w[0] for w in run) == wanted:
                    return True
    return False
