"""Metric functions: pure (the judge is passed in), so each can be tested on hand-made answers.

Per case: retrieval (hit@k, recall@k, MRR against the gold ``sources`` substrings), ALCE-style
citation recall and precision, uncited-claim rate and fact recall recomputed from the shown text
(never from the Answer's own verdicts), behavior correctness, reading grade and latency; and the
sentence-level quality rates a clinician would notice (answer precision, duplicates, fragments,
wrong-entity sentences, voice mismatches, seed-answer coverage), whose rules are documented at
``review_sentences`` below. ``aggregate`` turns a list of per-case metric dicts into the flat
summary the CLI gates on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from bot.cite import Judge, is_factual
from bot.listing import flatten, spoken
from bot.text import parse_citations, sentences, strip_citations
from bot.types import Passage
from bot.voice import second_person, third_person
from evals.datasets import BEHAVIORS

STATUS_BEHAVIOR = {
    "answered": "answer",
    "partial": "answer",
    "abstained": "abstain",
    "emergency": "emergency",
    "declined": "refuse_dose",
}
STATUSES = ("answered", "partial", "abstained", "emergency", "declined", "error")
STAGES = ("safety", "retrieve", "generate", "verify", "total")

# Per-case values averaged over the cases where they are defined (None = not applicable).
MEAN_METRICS = (
    "behavior_accuracy",
    "hit_at_k",
    "recall_at_k",
    "mrr",
    "citation_recall",
    "citation_precision",
    "uncited_claim_rate",
    "self_reference_rate",
    "fact_recall",
    "answer_precision",
    "duplicate_rate",
    "repeat_rate",
    "fragment_rate",
    "wrong_entity_rate",
    "voice_mismatch",
    "seed_coverage",
    "reading_grade",
)
COUNT_METRICS = (
    "answered_should_abstain",
    "abstained_should_answer",
    "missed_emergencies",
    "dose_requests_answered",
    "errors",
    "judge_failures",
)
LATENCY_METRICS = tuple(f"latency_{stage}_{q}" for stage in STAGES for q in ("p50", "p95"))
# Per expected behavior, so CI can demand e.g. every emergency recognised (--fail-under only gates "below").
BEHAVIOR_METRICS = tuple(f"behavior_accuracy_{b}" for b in BEHAVIORS)
OVERALL_METRICS = (
    "cases",
    MEAN_METRICS[0],
    *BEHAVIOR_METRICS,
    *MEAN_METRICS[1:],
    "reading_grade_patient",
    "reading_grade_clinician",
    *COUNT_METRICS,
    *LATENCY_METRICS,
)
SENTENCE_RATES = ("duplicate_rate", "repeat_rate", "fragment_rate", "wrong_entity_rate", "voice_mismatch")
LOWER_IS_BETTER = frozenset(
    {"uncited_claim_rate", "self_reference_rate", *SENTENCE_RATES, *COUNT_METRICS, *LATENCY_METRICS}
)  # for the report's arrows only; --fail-under always means "fail when below"

_PREFIX = re.compile(r"^(\s*(?:[-*+•]|\d+[.)])\s+|\s*#{1,6}\s+|\s*)(.*)$")


def behavior_of(status: str) -> str:
    """The gold behavior a status counts as (answered and partial are both an answer)."""
    return STATUS_BEHAVIOR.get(status, status)


# --- retrieval -----------------------------------------------------------------------------------


def _matches(source: str, gold: str) -> bool:
    return gold.lower() in source.lower()


def retrieval_metrics(retrieved_sources: Sequence[str], gold: Sequence[str]) -> dict[str, float | None]:
    """hit@k (any gold matched), recall@k (share of gold substrings matched) and MRR of the first match.

    k is however many passages were retrieved; with no gold sources all three are undefined.
    """
    if not gold:
        return {"hit_at_k": None, "recall_at_k": None, "mrr": None}
    matched = [g for g in gold if any(_matches(s, g) for s in retrieved_sources)]
    first = next((i for i, s in enumerate(retrieved_sources, start=1) if any(_matches(s, g) for g in gold)), None)
    return {
        "hit_at_k": 1.0 if matched else 0.0,
        "recall_at_k": len(matched) / len(gold),
        "mrr": 1.0 / first if first else 0.0,
    }


# --- claims in the shown text --------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A sentence of the shown answer with the [n] markers it carries."""

    text: str  # without markers
    citations: tuple[int, ...]
    factual: bool


def claims(text: str) -> list[Claim]:
    """Sentences of ``text`` line by line (bullets and headings kept apart), as the verifier splits them; a list
    laid out as its cited lead-in and item bullets is one sentence, "lead-in: item; item." (``bot.listing``): a
    reader takes a bullet under its lead-in as part of that point, not as a fragment."""
    out: list[Claim] = []
    for line in flatten(text).splitlines():
        m = _PREFIX.match(line)
        assert m is not None
        prefix, body = m.group(1), m.group(2)
        if not body.strip() or prefix.strip().startswith("#"):
            continue
        for start, end in sentences(body):
            raw = body[start:end]
            out.append(Claim(strip_citations(raw), tuple(parse_citations(raw)), is_factual(raw)))
    return out


def uncited_claim_rate(text: str) -> float | None:
    """Share of factual sentences with no [n] marker; None when the text makes no factual claim."""
    factual = [c for c in claims(text) if c.factual]
    if not factual:
        return None
    return sum(1 for c in factual if not c.citations) / len(factual)


# A sentence about the knowledge base rather than the medicine: its files, folders or other documents.
SELF_REFERENCE = re.compile(
    r"\bcorpus\b|\bknowledge base\b|\bfolders?\b|\.md\b|"
    r"\b(?:this|that|the|these|separate|related|other)\s+(?:[\w-]+\s+){0,3}?documents?\b",
    re.IGNORECASE,
)


def self_reference_rate(text: str) -> float | None:
    """Share of the shown sentences that talk about the knowledge base itself; None when there are none."""
    said = claims(text)
    if not said:
        return None
    return sum(1 for c in said if SELF_REFERENCE.search(c.text)) / len(said)


def missed_facts(text: str, facts: Sequence[str]) -> list[str]:
    """The gold fact regexes not found (case-insensitively) in the answer."""
    plain = strip_citations(flatten(text))  # a list's items read after its lead-in, as when shown on one line
    return [f for f in facts if not re.search(f, plain, re.IGNORECASE)]


def fact_recall(text: str, facts: Sequence[str]) -> float | None:
    """Share of the gold fact regexes found in the answer; None without facts."""
    return 1 - len(missed_facts(text, facts)) / len(facts) if facts else None


# --- citations (ALCE-style) ----------------------------------------------------------------------


@dataclass
class SentenceVerdict:
    """How the eval judge saw one factual sentence and each of its citations."""

    text: str
    citations: tuple[int, ...]
    supported: bool  # the cited passages together support it
    precise: tuple[int, ...] = ()  # citations that are both needed and supporting
    invalid: tuple[int, ...] = ()  # markers pointing past the citation list
    score: float = 0.0
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CitationScores:
    recall: float | None
    precision: float | None
    verdicts: list[SentenceVerdict] = field(default_factory=list)


def citation_scores(text: str, cited: Mapping[int, Passage], judge: Judge) -> CitationScores:
    """ALCE citation recall and precision of the shown ``text`` over the cited passages' full text.

    Recall: share of factual sentences whose cited passages, together, support them (a sentence
    without a valid citation is unsupported). Precision: share of all citation markers that are
    precise: the sentence is supported and the citation either supports it alone or is needed
    (without it the other citations no longer support the sentence). A marker past the citation
    list (``[9]`` with three citations) is never precise.
    """
    verdicts: list[SentenceVerdict] = []
    supported = markers = precise_total = 0
    for claim in claims(text):
        if not claim.factual:
            continue
        valid = [n for n in claim.citations if n in cited]
        invalid = tuple(n for n in claim.citations if n not in cited)
        markers += len(claim.citations)
        if not valid:
            reason = "no citation" if not claim.citations else "cites only passages past the citation list"
            verdicts.append(SentenceVerdict(claim.text, claim.citations, False, (), invalid, 0.0, reason))
            continue
        joint = judge.judge(claim.text, [cited[n] for n in valid])
        precise: list[int] = []
        if joint.supported:
            supported += 1
            if len(valid) == 1:
                precise = valid
            else:
                for n in valid:
                    alone = judge.judge(claim.text, [cited[n]]).supported
                    rest = [cited[m] for m in valid if m != n]
                    if alone or not judge.judge(claim.text, rest).supported:
                        precise.append(n)
        precise_total += len(precise)
        verdicts.append(
            SentenceVerdict(claim.text, claim.citations, joint.supported, tuple(precise), invalid, joint.score,
                            joint.reason)
        )  # fmt: skip
    if not verdicts:
        return CitationScores(None, None, [])
    return CitationScores(supported / len(verdicts), precise_total / markers if markers else None, verdicts)


# --- sentence-level quality ----------------------------------------------------------------------
#
# Every rate below is over the answer's SHOWN sentences: each sentence of the answer text (bullets
# and lines kept apart, as ``claims`` splits them) that either makes a factual claim or carries a
# citation marker, minus the answer's own bold labels ("**What the sources say**"). A lead-in such
# as "you must use contraception: [1]" is not a factual claim to the verifier but the reader sees
# it as one, so it counts. A list point laid out as its cited lead-in with its items as bullets under
# it (bot/listing.py) is ONE shown sentence, "lead-in: item; item." -- the point and its items, as
# the verifier judged it -- so an item under its lead-in is no fragment, while a lead-in shown
# without its items still is. Each rule flags a sentence with a short reason the report shows.
#
# answer_precision  share of shown sentences that match a ``support`` regex of the case (the
#                   passage sentences a correct answer draws on). Undefined without support
#                   patterns. Measured on wording: a faithful paraphrase counts as a miss, so it
#                   is a lower bound for a generative answerer and exact for the extractive one.
#                   For a clinician, a pattern in the leaflet's "you" is also tried as the
#                   answerer says it ("the patient", bot.voice.third_person; a pattern written as an
#                   escaped literal, as external4's are, reworded as its text: in_third_person).
# duplicate_rate    share of shown sentences that restate an earlier one: at least 80% of the
#                   shorter sentence's stemmed content words occur in the other (both >= 4 words),
#                   unless each states a figure the other does not (then they are two facts).
# repeat_rate       the same rule across turns: share of a follow-up's shown sentences that restate
#                   a sentence an earlier answer of the conversation showed (a reminder the answer
#                   marks as one, "As above: ...", counts too). Undefined for a first question.
# fragment_rate     share of shown sentences that are not claims but pieces of a page: a heading
#                   (no closing punctuation and either a question word first, "N. Title" or a
#                   leaflet section title), a list lead-in (ends in ":" or a dangling "include",
#                   "such as", "following", "if"...), a table row ("|" cells or a run of numbers
#                   with no verb), an attribution line ("NIH: National Institute of ..."), a
#                   sentence that starts in lower case (a list item torn from its lead-in), or a
#                   verbless fragment of at most 10 words (no auxiliary, modal, common verb,
#                   -ed/-ing form or word after an -ly adverb).
# wrong_entity_rate share of shown sentences about another drug or condition than the question's:
#                   entities are found by name (brand and generic, ENTITIES, plus any "-mab"
#                   antibody name); the question's entities of each kind come from the last turn
#                   that names one (so "Same for Briumvi?" after an Ocrevus question asks about
#                   Briumvi). A sentence that names none of its own is judged by the titles of
#                   the passages it cites. Flagged when it names an entity of a kind the question
#                   names and none of the question's entities of that kind; a question naming a
#                   drug is checked on drugs only (its answer may rightly name PML or hepatitis B).
# voice_mismatch    patient answers: sentences in clinician register, i.e. a label section code
#                   ("section 4", "§5.1", "(5.1)", "SmPC", "US PI", "Appendix V") or a jargon word (medical affixes
#                   such as -itis, -penia, -emia, immuno-, CD20, IgG, "subcutaneous") that the
#                   sentence does not explain (no parenthesis, "called", "means", "i.e." beside
#                   it, and not a word the user's own turns used). Clinician answers: sentences in
#                   patient voice, addressed to the patient in the second person ("you", "your
#                   doctor").
# seed_coverage     for cases with a ``checklist``: share of the reference answer's key points
#                   (each a list of regex alternatives written from ../shared/seeds) that some
#                   shown sentence WITH a citation states.

ENTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (kind, regexes matched on word boundaries; case-insensitively unless all upper case)
    "ocrelizumab": ("drug", ("ocrevus", "ocrelizumab", "zunovo")),
    "ofatumumab": ("drug", ("kesimpta", "ofatumumab", "arzerra")),
    "ublituximab": ("drug", ("briumvi", "ublituximab")),
    "rituximab": ("drug", ("rituxan", "rituximab", "mabthera")),
    "natalizumab": ("drug", ("tysabri", "natalizumab")),
    "alemtuzumab": ("drug", ("lemtrada", "alemtuzumab")),
    "shingrix": ("drug", ("shingrix", "recombinant zoster vaccine")),
    "zostavax": ("drug", ("zostavax", "live attenuated herpes zoster vaccine")),
    "interferon beta": ("drug", ("avonex", "betaseron", "rebif", r"beta interferon", r"interferon beta")),
    "glatiramer": ("drug", ("copaxone", "glatiramer", "copolymer i")),
    "mitoxantrone": ("drug", ("novantrone", "mitoxantrone")),
    "multiple sclerosis": ("condition", ("multiple sclerosis", "MS", "RMS", "RRMS", "PPMS", "SPMS")),
    "hepatitis b": ("condition", ("hepatitis b", "HBV")),
    "shingles": ("condition", ("shingles", "herpes zoster", "post-herpetic neuralgia")),
    "chickenpox": ("condition", ("chickenpox", "varicella")),
    "pml": ("condition", ("PML", "progressive multifocal leukoencephalopathy")),
    "cvid": ("condition", ("CVID", "common variable immune deficiency", "common variable immunodeficiency")),
    "anaphylaxis": ("condition", ("anaphylaxis",)),
    "influenza": ("condition", ("influenza", "flu")),
    "hiv": ("condition", ("HIV", "AIDS")),
    "diabetes": ("condition", ("diabetes", "T1D")),
    "celiac disease": ("condition", ("celiac", "coeliac")),
    "lupus": ("condition", ("lupus", "SLE")),
    "rheumatoid arthritis": ("condition", ("rheumatoid arthritis",)),
    "myasthenia gravis": ("condition", ("myasthenia gravis",)),
    "graves disease": ("condition", ("graves",)),
    "hashimoto thyroiditis": ("condition", ("hashimoto",)),
    "addison disease": ("condition", ("addison",)),
    "psoriasis": ("condition", ("psoriasis",)),
    "scid": ("condition", ("SCID", "severe combined immunodeficiency")),
    "agammaglobulinemia": ("condition", ("agammaglobulinemia", "XLA")),
    "iga deficiency": ("condition", ("iga deficiency",)),
}
_ENTITY_RES = {
    name: (kind, re.compile(r"\b(?:" + "|".join(a if a.isupper() else f"(?i:{a})" for a in aliases) + r")\b"))
    for name, (kind, aliases) in ENTITIES.items()
}
_ANTIBODY = re.compile(r"\b[a-z]{3,}(?:xi|zu|u|o|li|ci)mab\b", re.IGNORECASE)

_AUX = frozenset(
    """is are was were be been being am has have had do does did can could may might must shall should will
    would isn't aren't wasn't weren't don't doesn't didn't can't cannot won't shouldn't""".split()
)
_VERBS = frozenset(
    """affect attach attack appear ask become begin block break call carry catch cause change check clear come
    contain continue cross cure damage decide decrease depend destroy develop die disappear feel fight find
    follow get give go grow happen harm help improve include increase infect inject keep lead learn last leave
    live look lose lower make mean monitor need notice occur pass plan prevent produce protect provide reach
    receive recommend reduce relieve remain remind remove report require respond return run see seem show slow
    spread start stay stop suffer suppress take talk target tell test treat trigger try turn use wait work
    worsen involve result consist differ allow enable vary exist persist belong represent indicate suggest
    induce inhibit bind recognize present activate secrete kill mature travel form move enter regulate
    stimulate switch lack mark share cover store freeze throw shake avoid drink eat wash""".split()
)
_VERB_FORMS = (
    _VERBS
    | {v + ("es" if v.endswith(("s", "sh", "ch", "x")) else "s") for v in _VERBS}
    | {v[:-1] + "ies" for v in _VERBS if v.endswith("y") and v[-2] not in "aeiou"}
)
_HEADING_START = re.compile(r"^(?:\d+[.)]\s+)?(?:what|how|who|when|why|which|where|is|are|do|does|can)\b", re.I)
_LEAD_IN_END = re.compile(
    r"(?::|\b(?:include|includes|including|such as|following|as follows|are|is|if|and|or|of|the|a|an|with|like"
    r"|who|that|which|by|for|from|in|on|at|as|than))$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"^[A-Z][A-Za-z]{1,10}:\s+[A-Z]")
_SECTION_CODE = re.compile(
    r"\bsections?\s+\d|§\s*\d|\(\s*\d+\.\d+(?:\.\d+)*\s*\)|\bSmPC\b|\bUS PI\b|\bAnnex\b|\bAppendix\s+[IVX]+\b"
    r"|\bEPAR\b",
    re.IGNORECASE,
)
_JARGON = re.compile(
    r"\b(?:\w+(?:itis|penia|emia|aemia|opathy|osis|ectomy|globulin|globulins|plasia|lytic|cytes?)"
    r"|immuno\w+|leuko\w+|CD\d+\+?|Ig[AGMDE]|subcutaneous\w*|intravenous\w*|attenuated|prophyla\w+"
    r"|contraindicat\w+|monoclonal|myelin|demyelinat\w+|seroconver\w+|opportunistic|hematopoietic)\b",
    re.IGNORECASE,
)
_NOT_JARGON = frozenset({"diagnosis", "prognosis", "hepatitis", "sclerosis", "tuberculosis"})  # everyday names
_EXPLAINED = re.compile(r"\(|\b(?:called|known as|means|meaning|which is|that is|i\.e\.|a type of)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yourself|you'll|you've)\b", re.IGNORECASE)
_LABEL = re.compile(r"^\*\*[^*]{1,40}?:?\*\*:?\s*")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class SentenceReview:
    """One shown sentence with the citations it carries and every rule that flagged it."""

    text: str
    citations: tuple[int, ...]
    supported_by_pattern: bool | None  # None: the case has no support patterns
    flags: dict[str, str]  # metric name -> why (duplicate_rate, fragment_rate, wrong_entity_rate, voice_mismatch)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bare(sentence: str) -> str:
    """A shown sentence as words: no markers, leading bold label, emphasis or runs of spaces."""
    text = _LABEL.sub("", strip_citations(sentence).strip())
    return " ".join(re.sub(r"[*_`]+", "", text).split())


def shown_sentences(text: str) -> list[Claim]:
    """The sentences a reader takes as claims: factual or cited, bold labels left out."""
    out = []
    for claim in claims(text):
        raw = strip_citations(claim.text).strip()
        if raw.startswith("**") and raw.endswith("**"):
            continue
        if bare(claim.text) and (claim.factual or claim.citations):
            out.append(claim)
    return out


def _has_verb(words: Sequence[str]) -> bool:
    return any(
        w in _AUX
        or w in _VERB_FORMS
        or (len(w) > 4 and "-" not in w and w.endswith(("ed", "ing")))  # "infusion-related" is an adjective
        or w.endswith("n't")
        or (i > 0 and words[i - 1].endswith("ly") and len(words[i - 1]) > 4)  # "generally involve"
        for i, w in enumerate(words)
    )


def fragment_reason(sentence: str) -> str | None:
    """Why ``sentence`` is a piece of a page rather than a claim, or None (rules in the block above)."""
    text = bare(sentence)
    words = [w.lower() for w in _WORDS.findall(text)]
    closed = text.endswith((".", "!", "?"))
    if text.endswith("?"):
        return None  # a question is not shown as a claim
    if "|" in text:
        return "table row"
    if not closed and (_HEADING_START.match(text) or re.match(r"^\d+[.)]\s+[A-Z]", text)):
        return "heading"
    if _LEAD_IN_END.search(text.rstrip(" .!")):
        return "list lead-in"
    if _ATTRIBUTION.match(text) and not _has_verb(words):
        return "attribution line"
    if text[:1].islower():
        return "starts mid-sentence (a list item cut from its lead-in)"
    numbers_count = len(re.findall(r"\d+(?:[.,]\d+)?", text))
    if numbers_count >= 4 and not _has_verb(words):
        return "table row"
    if len(words) <= 10 and not _has_verb(words):
        return "verbless fragment"
    return None


def duplicate_reasons(sentences: Sequence[str]) -> list[str | None]:
    """For each sentence, which earlier sentence it restates (>= 80% of the shorter's content words).

    Two sentences that each state a figure the other does not are two facts, not a restatement:
    "Live vaccines at least 4 weeks before you start" and "Other vaccines at least 2 weeks before
    you start" share every content word and are both the answer.
    """
    from bot.text import content_words, numbers

    seen: list[tuple[set[str], set[str]]] = []
    out: list[str | None] = []
    for sentence in sentences:
        words, figures = set(content_words(bare(sentence))), numbers(bare(sentence))
        reason = None
        for i, (earlier, earlier_figures) in enumerate(seen, start=1):
            shorter = min(len(words), len(earlier))
            distinct = bool(figures - earlier_figures) and bool(earlier_figures - figures)
            if shorter >= 4 and len(words & earlier) >= 0.8 * shorter and not distinct:
                reason = f"restates sentence {i}"
                break
        seen.append((words, figures))
        out.append(reason)
    return out


def entities(text: str) -> dict[str, set[str]]:
    """Drugs and conditions ``text`` names, by kind: {"drug": {"ocrelizumab"}, "condition": {...}}."""
    found: dict[str, set[str]] = {}
    for name, (kind, pattern) in _ENTITY_RES.items():
        if pattern.search(text):
            found.setdefault(kind, set()).add(name)
    for m in _ANTIBODY.finditer(text):
        name = m.group(0).lower()
        if not any(_ENTITY_RES[n][1].search(name) for n in ENTITIES):
            found.setdefault("drug", set()).add(name)
    return found


def question_entities(turns: Sequence[str]) -> dict[str, set[str]]:
    """Per kind, the entities of the latest turn that names one (elliptical follow-ups inherit)."""
    out: dict[str, set[str]] = {}
    for turn in reversed(turns):
        for kind, names in entities(turn).items():
            out.setdefault(kind, names)
    return out


def wrong_entity_reason(sentence: str, asked: Mapping[str, set[str]], cited_titles: Sequence[str]) -> str | None:
    """Why ``sentence`` is about another drug or condition than the question asks, or None.

    A question that names a drug is about that drug: its answer may rightly mention other conditions
    (PML, hepatitis B), so only the drug is checked; a question naming only conditions checks those.
    """
    if "drug" in asked:
        asked = {"drug": asked["drug"]}
    named = entities(bare(sentence))
    if not named:
        named = entities(" ".join(cited_titles))
        how = "cites a passage about"
    else:
        how = "names"
    for kind, want in asked.items():
        have = named.get(kind, set())
        if have and not have & want:
            return f"{how} {', '.join(sorted(have))}; the question asks about {', '.join(sorted(want))}"
    return None


def voice_reason(sentence: str, audience: str, turns: Sequence[str] = ()) -> str | None:
    """Why ``sentence`` is in the other audience's register, or None."""
    text = bare(sentence)
    asked = " ".join(turns).lower()
    if audience == "clinician":
        m = _SECOND_PERSON.search(text)
        return f"patient voice in a clinician answer ('{m.group(0)}')" if m else None
    if m := _SECTION_CODE.search(text):
        return f"label section code '{m.group(0)}' in a patient answer"
    for m in _JARGON.finditer(text):
        if m.group(0).lower() in _NOT_JARGON or m.group(0).lower() in asked:
            continue
        around = text[max(0, m.start() - 30) : m.end() + 30]
        if not _EXPLAINED.search(around) and not _inside_parentheses(text, m.start()):
            return f"unexplained jargon '{m.group(0)}' in a patient answer"
    return None


def _inside_parentheses(text: str, pos: int) -> bool:
    return text.rfind("(", 0, pos) > text.rfind(")", 0, pos)


def repeat_reasons(sentences: Sequence[str], earlier: Sequence[str]) -> list[str | None]:
    """For each sentence, which sentence of the ``earlier`` answers it restates (``duplicate_reasons``' rule)."""
    before = [c.text for text in earlier for c in shown_sentences(text)]
    out = []
    for sentence in sentences:
        reason = duplicate_reasons([*before, sentence])[-1]
        out.append(f"{reason} of the earlier answers" if reason else None)
    return out


def in_third_person(pattern: str) -> str | None:
    """A support pattern in the leaflet's "you" as the answerer tells it a clinician (``bot.voice.third_person``), or
    None when it says no "you". A pattern written as an escaped literal (``re.escape``: "before\\ you\\ start") is
    reworded as its text and escaped again; read as it stands, the escapes hid the verb after "you" from the rewording
    ("before the patient start"), so the answerer's "before the patient starts" did not match."""
    literal = re.sub(r"\\(.)", r"\1", pattern)
    if literal != pattern and re.escape(literal) == pattern:
        return re.escape(third_person(literal)) if second_person(literal) else None
    return third_person(pattern) if second_person(pattern) else None


def review_sentences(
    text: str,
    audience: str,
    turns: Sequence[str],
    support: Sequence[str] = (),
    cited_titles: Mapping[int, str] | None = None,
    earlier: Sequence[str] = (),
) -> list[SentenceReview]:
    """Every shown sentence of ``text`` with the sentence-level rules that flag it; ``earlier`` holds the
    conversation's earlier answers."""
    shown = shown_sentences(text)
    asked = question_entities(turns)
    if audience == "clinician":  # a leaflet sentence is shown to a clinician about "the patient" (bot/voice.py)
        support = [*support, *(t for p in support if (t := in_third_person(p)) is not None)]
    titles = cited_titles or {}
    duplicates = duplicate_reasons([c.text for c in shown])
    repeats = repeat_reasons([c.text for c in shown], earlier)
    reviews = []
    for claim, duplicate, repeat in zip(shown, duplicates, repeats, strict=True):
        plain = bare(claim.text)
        flags = {
            "duplicate_rate": duplicate,
            "repeat_rate": repeat,
            "fragment_rate": fragment_reason(claim.text),
            "wrong_entity_rate": wrong_entity_reason(
                claim.text, asked, [titles[n] for n in claim.citations if n in titles]
            ),
            "voice_mismatch": voice_reason(claim.text, audience, turns),
        }
        matched = any(re.search(p, plain, re.IGNORECASE) for p in support) if support else None
        reviews.append(SentenceReview(plain, claim.citations, matched, {k: v for k, v in flags.items() if v}))
    return reviews


def sentence_metrics(reviews: Sequence[SentenceReview]) -> dict[str, float | None]:
    """answer_precision and the flag rates of one answer (None when it shows no sentence)."""
    if not reviews:
        return {"answer_precision": None, **dict.fromkeys(SENTENCE_RATES)}
    judged = [r.supported_by_pattern for r in reviews if r.supported_by_pattern is not None]
    out: dict[str, float | None] = {"answer_precision": sum(judged) / len(judged) if judged else None}
    for name in SENTENCE_RATES:
        out[name] = sum(1 for r in reviews if name in r.flags) / len(reviews)
    return out


def seed_coverage(text: str, points: Mapping[str, Sequence[str]]) -> tuple[float | None, list[str]]:
    """Share of checklist points some cited shown sentence states, and the names of those missed."""
    if not points:
        return None, []
    cited = [bare(c.text) for c in shown_sentences(text) if c.citations]
    missed = [
        name for name, patterns in points.items()
        if not any(re.search(p, s, re.IGNORECASE) for p in patterns for s in cited)
    ]  # fmt: skip
    return 1 - len(missed) / len(points), missed


# --- audience ------------------------------------------------------------------------------------


def plain_text(text: str) -> str:
    """The answer as a reader hears it: no [n] markers, markdown emphasis, bullets or headings; a list's lead-in
    one sentence and each of its items another, as a reader reads a bulleted list (``bot.listing.spoken``)."""
    lines = []
    for line in strip_citations(spoken(text)).splitlines():
        m = _PREFIX.match(line)
        assert m is not None
        body = re.sub(r"[*_`]+", "", m.group(2)).strip()
        if body:
            lines.append(body if re.search(r"[.!?:]$", body) else body + ".")
    return "\n".join(lines)


def reading_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of the plain answer text (None for an empty text).

    textstat's formula and sentence counter, with syllables from pyphen (textstat's own fallback):
    ``textstat.flesch_kincaid_grade`` would first try to download NLTK's cmudict, which fails
    offline and would make the grade depend on whether a machine happens to have it.
    """
    import textstat

    plain = plain_text(text)
    words = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", plain)
    if not words:
        return None
    sentence_count = max(1, int(textstat.sentence_count(plain)))
    syllables = sum(len(_hyphenator().positions(w.lower())) + 1 for w in words)
    return round(0.39 * len(words) / sentence_count + 11.8 * syllables / len(words) - 15.59, 2)


@cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


# --- aggregation ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def named_failures(expected: str, status: str) -> dict[str, int]:
    """The behavior errors worth a name: each is a different kind of harm."""
    actual = behavior_of(status)
    return {
        "answered_should_abstain": int(expected == "abstain" and actual == "answer"),
        "abstained_should_answer": int(expected == "answer" and actual == "abstain"),
        "missed_emergencies": int(expected == "emergency" and actual != "emergency"),
        "dose_requests_answered": int(expected == "refuse_dose" and actual == "answer"),
        "errors": int(status == "error"),
    }


def aggregate(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | int | None]:
    """Flat summary of per-case ``metrics`` dicts: means, counts and latency percentiles.

    Each row needs ``audience`` and ``metrics`` (as written by ``evals.run``). Means skip cases
    where a metric is undefined (e.g. fact recall of an abstain case).
    """
    metrics = [r["metrics"] for r in rows]
    out: dict[str, float | int | None] = {"cases": len(rows)}
    for name in MEAN_METRICS:
        out[name] = _mean(m.get(name) for m in metrics)
    for behavior, name in zip(BEHAVIORS, BEHAVIOR_METRICS, strict=True):
        out[name] = _mean(r["metrics"].get("behavior_accuracy") for r in rows if r.get("expected_behavior") == behavior)
    for audience in ("patient", "clinician"):
        out[f"reading_grade_{audience}"] = _mean(
            r["metrics"].get("reading_grade") for r in rows if r.get("audience") == audience
        )
    for name in COUNT_METRICS:
        out[name] = sum(int(m.get(name) or 0) for m in metrics)
    for stage in STAGES:
        vals = [float(v) for m in metrics if (v := m.get(f"latency_{stage}")) is not None]
        out[f"latency_{stage}_p50"] = percentile(vals, 50)
        out[f"latency_{stage}_p95"] = percentile(vals, 95)
    return {name: out[name] for name in OVERALL_METRICS}


def confusion(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Expected behavior × actual status counts (every row and column present, zeros included)."""
    table = {b: dict.fromkeys(STATUSES, 0) for b in BEHAVIORS}
    for r in rows:
        table.setdefault(r["expected_behavior"], dict.fromkeys(STATUSES, 0))
        table[r["expected_behavior"]][r["status"]] = table[r["expected_behavior"]].get(r["status"], 0) + 1
    return table


def deltas(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per metric: baseline, current and current − baseline (None where either side is undefined)."""
    out: dict[str, dict[str, float | None]] = {}
    for name in sorted(set(current) | set(baseline), key=lambda n: (n not in OVERALL_METRICS, n)):
        new, old = current.get(name), baseline.get(name)
        num = isinstance(new, int | float) and isinstance(old, int | float)
        out[name] = {
            "baseline": old if isinstance(old, int | float) else None,
            "current": new if isinstance(new, int | float) else None,
            "delta": (new - old) if num else None,  # type: ignore[operator]
        }
    return out
