"""Question analysis: what a question is about, which aspect of it, in which direction, and in what form.

Shared by the offline answerer and the conversation logic. Entity names are not a hand list: they
come from the documents themselves — a title's subject ("Kesimpta (ofatumumab) 20 mg ...",
"Hepatitis B — MedlinePlus") and the "brand (generic)" / "generic (Brand)" pairs the texts use —
so a new corpus brings its own drugs, brands and conditions. Aspects and timing directions are
general medical question types (the MedQuAD question types and the sections of a package
leaflet), not topics of one corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.types import Passage

# Aspect → words that signal it, in a question or in a passage sentence (regex, case-insensitive).
ASPECTS: dict[str, str] = {
    "schedule": r"\bdos(?:e|es|ing|age)\b|\bhow often\b|\bschedule\b|\bevery \w+ (?:weeks?|months?|days?)\b"
    r"|\bfrequen(?:cy|tly)\b(?! of)|\binfusions? (?:will|is|are) (?:be )?given\b|\bhow (?:is|are) \w+ given\b"
    r"|\bmissed\b|\bforg[eo]t\b|\bweek \d|\bmonthly\b|\bhow long (?:to|should) (?:use|take)\b",
    "side_effects": r"\bside[- ]effects?\b|\badverse\b|\breactions?\b|\bundesirable\b|\bsigns?\b|\bsymptoms?\b"
    r"|\bcomplications?\b",
    "storage": r"\bstor(?:e|ed|age|ing)\b|\brefrigerat|\bfridge\b|\broom temperature\b|\bfreez|\bshelf\b|\bexpir",
    "pregnancy": r"\bpregnan|\bbreast[- ]?(?:feed|fed|milk)|\bcontracept|\bbirth control\b|\bunborn\b|\bnursing\b"
    r"|\bfertil|\bnewborn|\binfants?\b|\bbaby\b",
    "monitoring": r"\bmonitor|\bblood tests?\b|\bscreen|\bcheck(?:ed|s)? (?:for|if|your|whether)\b|\btests?\b"
    r"|\bexams?\b|\bdiagnos|\blevels?\b",
    "mechanism": r"\bhow does .* work\b|\bmechanism\b|\bworks? by\b|\btargets?\b|\bdeplet|\battach(?:es)? to\b"
    r"|\bbinds?\b|\bmode of action\b",
    "vaccination": r"\bvaccin|\bimmuni[sz]ation\b|\bshots?\b|\bbooster\b",
    "infection": r"\binfections?\b|\bimmunocompromised\b|\bimmunosuppress|\bimmune system\b|\bfever\b",
    "cause": r"\bwhat causes\b|\bcauses? of\b|\bcaused by\b|\bwhy (?:do|does|is|are)\b|\bgenetic|\bmutations?\b"
    r"|\binherit|\brisk factors?\b",
    "treatment": r"\btreat(?:ment|ed|s)?\b|\btherap|\bcure\b|\bmanage",
    "outlook": r"\boutlook\b|\bprognosis\b|\bsurvival\b|\blife expectancy\b",
    "prevalence": r"\bhow common\b|\bhow many people\b|\bprevalen|\bincidence\b|\baffects? (?:about|more than|up to)\b"
    r"|\b\d+ in \d+\b|\bper (?:million|100,?000)\b",
}
_ASPECT_RE = {k: re.compile(v, re.IGNORECASE) for k, v in ASPECTS.items()}
_DEFINITION = re.compile(r"^\s*(?:what (?:is|are)(?: \(are\))?|define|what does .* mean)\b", re.IGNORECASE)

# Timing relative to a treatment course: a question about one direction must not be answered with another.
DIRECTIONS: dict[str, str] = {
    "before": r"\bbefore (?:you (?:start|begin|are given|receive)|start(?:ing)?|beginning|initiat|treatment|the first)"
    r"|\bbefore (?:\w+ ){1,3}(?:starts|is started|begins|initiation|treatment starts)\b"
    r"|\bprior to (?:start|treatment|initiat)|\bat least \d+ weeks? before\b|\bbefore (?:each|every) (?:infusion|dose)",
    "during": r"\bwhile (?:you are|on|being|receiving|taking|using)\b|\bduring (?:treatment|therapy|your treatment)\b"
    r"|\bon treatment\b|\bbeing treated\b",
    "after": r"\bafter (?:the|your) (?:last|final) (?:dose|infusion|injection)|\bafter (?:you )?stop|\bafter stopping\b"
    r"|\bsince the last\b|\bafter treatment (?:has )?(?:ended|stopped)|\bafter (?:the )?end of treatment"
    r"|\bafter (?:the )?last\b|\bafter (?:the|your) (?:last |final )?(?:course|treatment) (?:ends|ended)",
}
_DIRECTION_RE = {k: re.compile(v, re.IGNORECASE) for k, v in DIRECTIONS.items()}

_ELLIPTICAL = re.compile(r"^\s*(?:and|but|so|what about|how about)\b|\b(?:that|this|it|them|those|one)\b\s*\??\s*$"
                         r"|\b(?:that|this) (?:mean|is|happen)", re.IGNORECASE)  # fmt: skip
_YES_NO = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:does|do|is|are|can|could|will|would|should|may|must|has|have|did|was|were)\b"
    r"|,\s*(?:right|correct|true|isn't it|aren't they|doesn't it|don't they)\s*\??\s*$",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"^\s*(?:what|which) (?:are|were)\b|\b(?:list|which|what) (?:\w+ ){0,3}(?:signs|symptoms|side effects"
    r"|effects|medicines|drugs|tests|vaccines|types|ways|options|risks)\b",
    re.IGNORECASE,
)
_UNIT = r"(months?|weeks?|days?|years?|hours?|minutes?|mg|ml|%|percent)"
_NUM = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_FIGURE = re.compile(rf"\b(?:(every|each|after|within|at least|up to) )?{_NUM}[\s-]*{_UNIT}(?![a-z])", re.IGNORECASE)
_WORDNUM = {
    w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_PAIR = re.compile(r"\b([A-Za-z][A-Za-z-]{3,}(?: [A-Z][a-z]+)?)\s*\(([A-Za-z][A-Za-z -]{3,40}?)\)")
_TITLE_PRODUCT = re.compile(r"^\s*([A-Z][\w-]{3,})\s*\(([a-z][^),;]{3,40})")  # "Shingrix (herpes zoster vaccine, ..."
_TITLE_SUBJECT = re.compile(r"^\s*([^—:(\-–]{3,60}?)\s*(?:\(|—|–|:| - |$)")
_NOT_NAMES = frozenset(
    """what how does do is are the a an about other where when why who which your my living key glossary missed vaccines
    vaccine vaccination infections infection pregnancy breastfeeding openstax eu information page summary""".split()
)


@dataclass(frozen=True)
class Figure:
    """A number with its unit, as asserted in a question ("every 3 months")."""

    value: str
    unit: str
    text: str = ""  # as the question put it ("every 3 months")

    def pattern(self) -> re.Pattern[str]:
        words = [w for w, d in _WORDNUM.items() if d == self.value]
        value = "|".join(re.escape(v) for v in [self.value, *words])
        return re.compile(rf"\b(?:{value})[\s-]*{re.escape(self.unit.rstrip('s'))}", re.IGNORECASE)


@dataclass(frozen=True)
class Analysis:
    """What the answerer needs to know about a question before it picks sentences."""

    entities: frozenset[str]  # canonical entity keys (lower-case alias groups joined by "|")
    aspects: frozenset[str]
    direction: str | None
    yes_no: bool
    wants_list: bool
    definition: bool
    figures: tuple[Figure, ...]


def aspects_of(text: str) -> frozenset[str]:
    return frozenset(k for k, rx in _ASPECT_RE.items() if rx.search(text))


def direction_of(text: str) -> str | None:
    """The timing direction a text speaks about, if exactly one."""
    found = [k for k, rx in _DIRECTION_RE.items() if rx.search(text)]
    return found[0] if len(found) == 1 else None


def directions_of(text: str) -> frozenset[str]:
    return frozenset(k for k, rx in _DIRECTION_RE.items() if rx.search(text))


def figures_of(text: str) -> tuple[Figure, ...]:
    out = []
    for m in _FIGURE.finditer(text):
        value = _WORDNUM.get(m.group(2).lower(), m.group(2))
        out.append(Figure(value, m.group(3).lower(), m.group(0).lower()))
    return tuple(out)


class Entities:
    """Entity names and their aliases as the documents use them (see the module docstring)."""

    def __init__(self, groups: Iterable[frozenset[str]]) -> None:
        merged: list[set[str]] = []
        for g in groups:
            hits = [m for m in merged if m & g]
            new = set(g).union(*hits)
            merged = [m for m in merged if not (m & g)] + [new]
        self.groups = [frozenset(m) for m in merged]
        self.products = [g for g in self.groups if len(g) > 1]  # brand/generic pairs: medicines
        self._alias = {a: g for g in self.groups for a in g}
        names = sorted(self._alias, key=len, reverse=True)
        self._rx = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE) if names else None

    @classmethod
    def from_passages(cls, passages: Sequence[Passage]) -> Entities:
        groups: list[frozenset[str]] = []
        for text in {p.title for p in passages} | {p.text for p in passages}:
            for a, b in _PAIR.findall(text):
                a_low, b_low = a.lower().strip(), b.lower().strip()
                if a_low in _NOT_NAMES or b_low in _NOT_NAMES or len(b_low.split()) > 3 or len(a_low.split()) > 2:
                    continue
                # a brand and its generic: one capitalised, one not ("Ocrevus (ocrelizumab)" / "ocrelizumab (Ocrevus)")
                if a[:1].isupper() != b[:1].isupper() and " " not in b_low:
                    groups.append(frozenset({a_low, b_low}))
        for title in {p.title for p in passages}:
            product = _TITLE_PRODUCT.match(title)
            if product:
                groups.append(frozenset({product.group(1).lower(), product.group(2).strip().lower()}))
            m = _TITLE_SUBJECT.match(title)
            if m:
                subject = m.group(1).strip().lower()
                if 0 < len(subject.split()) <= 3 and subject.split()[0] not in _NOT_NAMES:
                    groups.append(frozenset({subject}))
        return cls(groups)

    def find(self, text: str) -> frozenset[frozenset[str]]:
        """The alias groups a text names."""
        if self._rx is None:
            return frozenset()
        return frozenset(self._alias[m.group(1).lower()] for m in self._rx.finditer(text))

    def products_in(self, text: str) -> frozenset[frozenset[str]]:
        return frozenset(g for g in self.find(text) if g in self.products)


def analyse(question: str, entities: Entities, context: str = "") -> Analysis:
    """Analyse ``question``; an elliptical follow-up inherits entity and aspect from ``context``."""
    found = entities.find(question)
    aspects = aspects_of(question)
    if context:
        if not entities.products_in(question):
            found = found | entities.find(context)
        if not aspects or _ELLIPTICAL.search(question):
            aspects = aspects | aspects_of(context)  # "How common is that?": common, and still about that
    keys = frozenset("|".join(sorted(g)) for g in found)
    return Analysis(
        entities=keys,
        aspects=aspects,
        direction=direction_of(question),
        yes_no=bool(_YES_NO.search(question)),
        wants_list=bool(_LIST.search(question)),
        definition=bool(_DEFINITION.search(question)),
        figures=figures_of(question),
    )
