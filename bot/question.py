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
from functools import lru_cache

from bot.measures import measure_asked
from bot.premise import AGE_AFTER, AGE_BEFORE, Premise, premises_of
from bot.text import SMALL_NUMBERS, content_words
from bot.text import STOPWORDS as STOP
from bot.types import Passage

# A baby or a newborn speaks of pregnancy, unless breastfeeding is named: then it is the baby being fed.
_CHILD = r"\bnewborns?\b|\binfants?\b|\bbab(?:y|ies)\b"
# Aspect → words that signal it, in a question or in a passage sentence (regex, case-insensitive).
ASPECTS: dict[str, str] = {
    "schedule": r"\bdos(?:e|es|ing|age)\b|\bhow often\b|\bschedule\b|\bevery \w+ (?:weeks?|months?|days?)\b"
    r"|\bfrequen(?:cy|tly)\b(?! of)|\binfusions? (?:will|is|are) (?:be )?given\b|\bhow (?:is|are) \w+ given\b"
    r"|\bmissed\b|\bforg[eo]t\b|\bweek \d|\bmonthly\b|\bhow long (?:to|should) (?:use|take)\b",
    "side_effects": r"\bside[- ]effects?\b|\badverse\b|\breactions?\b|\bundesirable\b|\bsigns?\b|\bsymptoms?\b"
    r"|\bcomplications?\b|\bAEs?\b",  # "AEs": adverse events, as clinicians write them
    "storage": r"\bstor(?:e|ed|age|ing)\b|\brefrigerat|\bfridge\b|\broom temperature\b|\bfreez|\bshelf\b|\bexpir",
    # pregnancy and breastfeeding apart: "and while breastfeeding?" after a pregnancy question asks something new
    "pregnancy": rf"\bpregnan|\bcontracept|\bbirth control\b|\bunborn\b|\bfertil|\bconceiv|{_CHILD}",
    # "nurse" as what a mother does ("can I nurse while on Briumvi?", "nurse my baby"), not the one who gives a drip
    "breastfeeding": r"\bbreast[- ]?(?:feed|fed|milk)|\bnursing\b|\blactat|\bhuman milk\b"
    r"|\b(?:can|could|should|may|(?<!talk )(?<!speak )(?<!go )to) (?:i |she |you |we )?(?:still |safely )?nurse\b"
    r"(?! (?:who|will|at|in|or)\b)"
    r"|\bnurse (?:my|her|your|the|a) (?:baby|infant|newborn|child)\b",
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
_PREGNANCY_ITSELF = re.compile(ASPECTS["pregnancy"].replace(f"|{_CHILD}", ""), re.IGNORECASE)
# The immune system's parts: a sentence naming them speaks to "infections and the immune system" (low IgG, late
# neutropenia, CD20+ T cells), though a question naming them asks about a count or a level, not about infections.
IMMUNE_PARTS = re.compile(
    r"\bimmune (?:cells?|response|function|defen[cs]es?)\b|\bimmunoglobulins?\b|\bhypogammaglobulin|\bIg[GMA]\b"
    r"|\bneutrophils?\b|\bneutropeni|\blymphocytes?\b|\blymphopeni|\bwhite (?:blood )?cells?\b|\bT[- ]cells?\b",
    re.IGNORECASE,
)
# Each aspect (and timing direction) as a retrieval query says it: what a broad question's answer looks up
# per aspect ("Does X make a patient immunocompromised?" → X's mechanism, monitoring, vaccination, ...).
ASPECT_QUERIES: dict[str, str] = {
    "schedule": "dose, schedule and how often it is given",
    "side_effects": "side effects and adverse reactions",
    "storage": "how to store it",
    "pregnancy": "pregnancy and contraception",
    "breastfeeding": "breastfeeding and breast milk",
    "monitoring": "monitoring, tests and levels to check",
    "mechanism": "mechanism of action, how it works",
    "vaccination": "vaccination and vaccines",
    "infection": "infections and the immune system",
    "cause": "causes and risk factors",
    "treatment": "treatment and therapy",
    "outlook": "outlook and prognosis",
    "prevalence": "how common it is",
}
# The MedQuAD question types about a condition: a medicine's page speaks of them only as its indication.
CONDITION_ASPECTS = frozenset({"cause", "treatment", "outlook", "prevalence"})
DIRECTION_QUERIES: dict[str, str] = {
    "before": "before starting treatment",
    "during": "during treatment",
    "after": "after the last dose",
}
_DEFINITION = re.compile(r"^\s*(?:what (?:is|are)(?: \(are\))?|define|what does .* mean)\b", re.IGNORECASE)

# Timing relative to a treatment course: a question about one direction must not be answered with another.
DIRECTIONS: dict[str, str] = {
    "before": r"\bbefore (?:you (?:start|begin|are given|receive)|start(?:ing)?|beginning|initiat|treatment|the first)"
    r"|\bbefore (?:\w+ ){1,3}(?:starts|is started|begins|initiation|treatment starts)\b"
    r"|\bprior to (?:start|treatment|initiat)|\bat least \d+ weeks? before\b|\bbefore (?:each|every) (?:infusion|dose)",
    "during": r"\bwhile (?:you are|on|being|receiving|taking|using)\b|\bduring (?:\w+ ){0,2}(?:treatment|therapy)\b"
    r"|\bon treatment\b|\bbeing treated\b|\bonce (?:\w+ ){0,2}(?:has |have |is |are )?(?:started|begun)\b"
    r"|\bafter start(?:ing)?\b",
    "after": r"\bafter (?:the|your) (?:last|final) (?:dose|infusion|injection)|\bafter (?:you )?stop|\bafter stopping\b"
    r"|\bsince the last\b|\bafter treatment (?:has )?(?:ended|stopped)|\bafter (?:the )?end of treatment"
    r"|\bafter (?:the )?last\b|\bafter (?:the|your) (?:last |final )?(?:course|treatment) (?:ends|ended)",
}
_DIRECTION_RE = {k: re.compile(v, re.IGNORECASE) for k, v in DIRECTIONS.items()}

_ELLIPTICAL = re.compile(r"^\s*(?:and|but|so|what about|how about)\b|\b(?:that|this|it|them|those|one)\b\s*\??\s*$"
                         r"|\b(?:that|this) (?:mean|is|happen)", re.IGNORECASE)  # fmt: skip
# "any other side effects besides infections?", "Apart from genes, what raises the risk…": what the question sets
# aside, up to the punctuation or question word that ends it
_SET_ASIDE = re.compile(
    r"\b(?:besides|apart from|aside from|other than|except(?: for)?|excluding|not counting)\s+"
    r"((?:(?!(?:what|which|who|how|when|where|why|is|are|do|does|can|could|should|would|will)\b)[\w'-]+[\s]*){1,5})",
    re.IGNORECASE,
)


def set_aside(question: str) -> frozenset[str]:
    """The stemmed content words of what ``question`` excludes ("besides infections and IRRs" → infect, irr):
    what it has been told already and does not ask again."""
    return frozenset(w for m in _SET_ASIDE.finditer(question) for w in content_words(m.group(1)))


_YES_NO = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:does|do|is|are|can|could|will|would|should|may|must|has|have|did|was|were)\b"
    r"|(?:,|\s[—–-])\s*(?:right|correct|true|isn't it|aren't they|doesn't it|don't they)\s*\??\s*$",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"^\s*(?:what|which) (?:are|were)\b|\b(?:list|which|what) (?:(?!(?:percent|percentage|proportion|fraction|share"
    r"|number|rate)\b)\w+ ){0,3}(?:signs|symptoms|side effects"
    r"|effects|medicines|drugs|tests|vaccines|types|ways|options|risks|infections|reactions|complications|causes"
    r"|factors|groups|populations|people|patients|kinds|forms|agents|classes|diseases|disorders|conditions"
    r"|antivirals|treatments|AEs)\b"
    # ("what percentage of MS patients ...?" asks for a figure about them, not for a list of them); who the at-risk
    # people are, what a thing's causes or risk factors are, what a source lists
    r"|\bwho (?:is|are) (?:more |most )?(?:likely|at risk)\b|\b(?:risk factors|causes of)\b|\blist(?:s|ed)?\b"
    r"|^\s*name the\b",
    re.IGNORECASE,
)
_UNIT = r"(months?|weeks?|days?|years?|hours?|minutes?|mg|ml|%|percent)"
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(w for w, i in SMALL_NUMBERS.items() if i) + ")"
_FIGURE = re.compile(rf"\b(?:(every|each|after|within|at least|up to) )?{_NUM}[\s-]*{_UNIT}(?![a-z])", re.IGNORECASE)
_WORDNUM = {w: str(i) for w, i in SMALL_NUMBERS.items()}
_PAIR = re.compile(r"\b([A-Za-z][A-Za-z-]{3,}(?: [A-Z][a-z]+)?)\s*\(([A-Za-z][A-Za-z -]{3,40}?)\)")
_TITLE_PRODUCT = re.compile(r"^\s*([A-Z][\w-]{3,})\s*\(([a-z][^),;]{3,40})")  # "Shingrix (herpes zoster vaccine, ..."
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]?[A-Z]{1,5})\)")  # "(CVID)", "(HBV)", "(PML)", "(IgA)" is not one
# The head noun of a named disease, in any corpus: "... deficiency", "... syndrome", "-itis", "-emia", "... virus".
_DISEASE = re.compile(
    r"(?:disease|deficiency|disorder|syndromes?|sclerosis|arthritis|lupus|erythematosus|gravis|cancer|infection"
    r"|insufficiency|virus|neuralgia|\w+(?:itis|osis|emia|aemia|penia|opathy|lopathy))$"
)
_NAMED_CONDITION = re.compile(r"(?<![\w-])([A-Z][\w'-]+)\s+(disease|deficiency|syndrome|disorder)\b")
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
    quantity: str = ""  # what a named figure is asked of: "HBV DNA" in "at what HBV DNA level ...?"
    measure: str = ""  # the kind of figure it asks for: "duration", "frequency", "rate", "amount" (``bot.measures``)
    excluded: frozenset[str] = frozenset()  # stemmed words of what it sets aside ("besides infections")
    premises: tuple[Premise, ...] = ()  # the values it asserts, in digits or in words (``bot.premise``)


def is_broad(analysis: Analysis) -> bool:
    """A question about an entity with no single narrow aspect: a yes/no or a definition question ("Does X
    make a patient immunocompromised?", "What is X?") of at most one aspect, with no timing direction, figure
    or list asked for. Its answer spans several aspects, so one query's passages rarely cover them. An
    aspect-less "what/which/how" question ("What regimen is used off-label?") asks for one thing."""
    return (
        bool(analysis.entities)
        and analysis.direction is None
        and not analysis.figures
        and not analysis.wants_list
        and (analysis.yes_no or analysis.definition)
        and len(analysis.aspects) <= 1
    )


@lru_cache(maxsize=8192)  # units and headings recur across questions and turns
def question_aspects(text: str) -> frozenset[str]:
    """The aspects a question (or a heading) asks about."""
    found = frozenset(k for k, rx in _ASPECT_RE.items() if rx.search(text))
    if "breastfeeding" in found and "pregnancy" in found and not _PREGNANCY_ITSELF.search(text):
        return found - {"pregnancy"}  # "can I breastfeed my baby?" asks about breastfeeding alone
    return found


@lru_cache(maxsize=8192)
def aspects_of(text: str) -> frozenset[str]:
    """The aspects a passage sentence speaks to: a question's, and "infection" for the immune system's parts."""
    found = question_aspects(text)
    return found | {"infection"} if "infection" not in found and IMMUNE_PARTS.search(text) else found


def direction_of(text: str) -> str | None:
    """The timing direction a text speaks about, if exactly one."""
    found = [k for k, rx in _DIRECTION_RE.items() if rx.search(text)]
    return found[0] if len(found) == 1 else None


def directions_of(text: str) -> frozenset[str]:
    return frozenset(k for k, rx in _DIRECTION_RE.items() if rx.search(text))


# Endings of international nonproprietary names (the WHO's INN stems: -mab antibodies, -vir antivirals, -nib
# kinase inhibitors, -pril, -sartan, -olol, -statin, ...): a word ending so names a medicine even where no
# document does. Endings that ordinary words share ("-cept" of "concept", "-terol" of "cholesterol") are
# written out with the letters before them. (bot.safety.rules has a looser list: there a stem is one of several
# parts a dose rule needs; here one unknown word alone puts a question out of scope, so the stems are strict.)
_MEDICINE_NAME = re.compile(
    r"^[a-z]{3,}(?:mab|vir|nib|ciclib|cillin|mycin|micin|floxacin|cycline|azole|tidine|pril|sartan|olol|alol|dipine"
    r"|statin|parin|gatran|xaban|gliptin|gliflozin|glutide|formin|lukast|afil|oxetine|triptan|setron|dronate"
    r"|platin|rubicin|taxel|limus|ercept|acept|profen|coxib|caine|azepam|azolam|barbital|semide|thiazide"
    r"|buterol|meterol|moterol|sonide|olone|asone|imod|flunomide|ribine)$"
)


def looks_like_medicine(word: str) -> bool:
    """A word shaped like a medicine's generic name ("entecavir", "ibuprofen"), known to the corpus or not."""
    return len(word) >= 7 and bool(_MEDICINE_NAME.match(word.lower()))


def figures_of(text: str) -> tuple[Figure, ...]:
    """The figures a question asserts ("every 3 months"), leaving out ages of people ("my 15-year-old son", "aged 12
    years": a correction "the sources give 18 years, not 15-year" answers nothing asked; ``bot.premise.AGE_AFTER``)."""
    out = []
    for m in _FIGURE.finditer(text):
        if m.group(3).lower().startswith("year") and (
            AGE_AFTER.match(text, m.end()) or AGE_BEFORE.search(text, 0, m.start())
        ):
            continue
        value = _WORDNUM.get(m.group(2).lower(), m.group(2))
        out.append(Figure(value, m.group(3).lower(), m.group(0).lower()))
    return tuple(out)


@lru_cache(maxsize=256)
def _names_pattern(alts: tuple[str, ...]) -> re.Pattern[str]:
    """One search for every name; compiled once per set of names: the answerer builds the same ``Entities``
    (the corpus' and the retrieved passages') several times per question, and compiling the alternation of a
    few hundred names each time cost more than the searches."""
    # a name in the plural is the same entity ("flu shots" for the "Flu shot" page)
    return re.compile(r"\b(" + "|".join(alts) + r")(?:e?s)?\b", re.IGNORECASE)


class Entities:
    """Entity names and their aliases as the documents use them (see the module docstring).

    Medicines (``products``) come from brand/generic pairs: a proper noun the documents never write
    in lower case beside a lower-case name ("Ocrevus (ocrelizumab)", "ofatumumab (Kesimpta)").
    Conditions and topics come from titles ("Hepatitis B — MedlinePlus") and from acronyms the
    documents spell out ("common variable immune deficiency (CVID)").
    """

    def __init__(
        self,
        groups: Iterable[frozenset[str]],
        products: Iterable[str] = (),
        subjects: Iterable[str] = (),
        acronyms: Iterable[str] = (),
    ) -> None:
        merged: list[set[str]] = []
        for g in groups:
            hits = [m for m in merged if m & g]
            new = set(g).union(*hits)
            merged = [m for m in merged if not (m & g)] + [new]
        self.groups = [frozenset(m) for m in merged]
        self._parts = (tuple(groups), frozenset(products), frozenset(subjects), frozenset(acronyms))
        groups = self._parts[0]
        medicine, subject = set(products), set(subjects)
        self.products = [g for g in self.groups if g & medicine]  # brand/generic names: medicines
        # what a text can be about: a medicine, a document's subject, or a named disease ("... deficiency (CVID)")
        self.subjects = {g for g in self.groups if g & (medicine | subject) or any(_DISEASE.search(a) for a in g)}
        self._alias = {a: g for g in self.groups for a in g}
        names = sorted(self._alias, key=len, reverse=True)
        acronyms = set(self._parts[3])  # matched in capitals only: "PI" is an immunodeficiency, "pi" is not
        alts = tuple(f"(?-i:{re.escape(n.upper())})" if n in acronyms else re.escape(n) for n in names)
        self._rx = _names_pattern(alts) if names else None

    @classmethod
    def from_passages(cls, passages: Sequence[Passage]) -> Entities:
        groups: list[frozenset[str]] = []
        products: set[str] = set()
        subjects: set[str] = set()
        acronyms: set[str] = set()
        texts = {p.title for p in passages} | {p.text for p in passages}
        lower_words = {w for t in texts for w in re.findall(r"\b[a-z][a-z-]+\b", t)}
        for text in texts:
            for a, b in _PAIR.findall(text):
                a_low, b_low = a.lower().strip(), b.lower().strip()
                if a_low in _NOT_NAMES or b_low in _NOT_NAMES or len(b_low.split()) > 3 or len(a_low.split()) > 2:
                    continue
                brand = a if a[:1].isupper() else b
                # a brand and its generic: a proper noun the texts never write in lower case beside a lower-case name
                if (a[:1].isupper() != b[:1].isupper() and " " not in b_low and not re.search(r"[A-Z]{2}", brand)
                        and brand.lower() not in lower_words):  # fmt: skip
                    groups.append(frozenset({a_low, b_low}))
                    products |= {a_low, b_low}
            for hit in _NAMED_CONDITION.finditer(text):  # "Graves disease", "IgA deficiency": a proper noun's
                first = hit.group(1)
                if re.search(r"[a-z][A-Z]", first) or (first.lower() not in lower_words and first.lower() not in STOP):
                    name = f"{first} {hit.group(2)}".lower()
                    groups.append(frozenset({name}))
                    subjects.add(name)
            for group in _acronyms(text):
                groups.append(group)
                acronyms |= {a for a in group if " " not in a and len(a) <= 6}
        for title in {p.title for p in passages}:
            product = _TITLE_PRODUCT.match(title)
            if product:
                names = frozenset({product.group(1).lower(), product.group(2).strip().lower()})
                groups.append(names)
                products |= names
            m = _TITLE_SUBJECT.match(title)
            if m:
                subject = m.group(1).strip().lower()
                if 0 < len(subject.split()) <= 3 and subject.split()[0] not in _NOT_NAMES:
                    groups.append(frozenset({subject}))
                    subjects.add(subject)
        return cls(groups, products, subjects, acronyms)

    def __or__(self, other: Entities) -> Entities:
        """The names both know: the whole corpus's, and those of the passages at hand."""
        mine, theirs = self._parts, other._parts
        return Entities(mine[0] + theirs[0], mine[1] | theirs[1], mine[2] | theirs[2], mine[3] | theirs[3])

    def find(self, text: str) -> frozenset[frozenset[str]]:
        """The alias groups a text names."""
        return frozenset(self.named(text))

    def named(self, text: str) -> list[frozenset[str]]:
        """The alias groups a text names, in the order it first names them: what is carried or written from them
        keeps that order whatever the process's hash seed (a set's order is not)."""
        if self._rx is None:
            return []
        return list(dict.fromkeys(self._alias[m.group(1).lower()] for m in self._rx.finditer(text)))

    def products_in(self, text: str) -> frozenset[frozenset[str]]:
        return frozenset(g for g in self.find(text) if g in self.products)

    @staticmethod
    def related(a: frozenset[str], b: frozenset[str]) -> bool:
        """The same entity, or one a subtype of the other ("primary progressive multiple sclerosis")."""
        return (
            a == b
            or any(re.search(rf"\b{re.escape(x)}\b", y) for x in a for y in b)
            or any(re.search(rf"\b{re.escape(y)}\b", x) for x in a for y in b)
        )

    def unanchored(self, wanted: Iterable[frozenset[str]], text: str, title: str) -> bool:
        """A question about a condition, and a sentence on a page whose title names nothing, naming nothing either:
        a textbook chapter's "Juvenile diabetes ... is usually diagnosed in children" for "How is PML diagnosed?"
        may still be general background that answers it, so it is ranked lower rather than dropped."""
        want = {g for g in wanted if g in self.subjects}
        return (
            bool(want)
            and not any(g in self.products for g in want)
            and not any(g in self.subjects for g in self.find(text))
            and not any(g in self.subjects for g in self.find(title))
        )

    def off_topic(self, wanted: Iterable[frozenset[str]], text: str, title: str = "") -> bool:
        """``text`` is about another entity than the ``wanted`` ones: it names (or, naming none, its document's
        title names) an entity of the kind the question asks about — medicines when the question names
        one, conditions and topics otherwise — and none related to the question's. For a question about a
        medicine, a sentence naming only another condition is off topic too unless it sits in a medicine's
        leaflet (a hepatitis B page's "people taking steroids are more likely to get hepatitis B" does not say
        which medicines interact with X), and so is a sentence naming nothing on a page whose title names
        nothing (a textbook chapter's "Plasma cells ... live longer")."""
        want = set(wanted)
        if not want:
            return False
        want = {g for g in want if g in self.subjects}
        if not want:  # only names no page is about ("CBC" spelled out in a passage): nothing to be off
            return False
        named = {g for g in self.find(text) if g in self.subjects}
        kind_products = any(g in self.products for g in want)
        conditions = {g for g in want if g not in self.products}
        if kind_products and named and not any(g in self.products for g in named):
            page = {g for g in self.find(title) if g in self.subjects}
            if not any(g in self.products for g in page) and not any(
                self.related(h, w) for h in named | page for w in conditions
            ):
                return True  # a question about a medicine, and a page on no medicine speaking of another topic
        if not named:
            named = {g for g in self.find(title) if g in self.subjects}
            if kind_products and title and not named:
                return True  # a question about a medicine, and a sentence naming nothing on a page naming nothing
            if not kind_products and any(g in self.products for g in named):
                return True  # a medicine's leaflet, in a sentence that names nothing, speaks of that medicine
            if (
                kind_products
                and any(g not in self.products for g in named)
                and not any(self.related(h, w) for h in named for w in conditions)
            ):
                return True  # a question about a medicine, and a sentence naming nothing on another topic's page
        have = {g for g in named if (g in self.products) == kind_products}
        if not have and not kind_products:  # a condition's question, and a sentence naming only a medicine: its
            # page says which condition it is about ("everolimus ... to treat SEGA" on the tuberous sclerosis page)
            have = {g for g in self.find(title) if g in self.subjects and g not in self.products}
            if not have and any(g in self.products for g in named):
                return True  # ... on a page about no condition: a leaflet's "600 mg of X every 6 months" for CVID
        want = {g for g in want if (g in self.products) == kind_products}
        return bool(have) and not any(self.related(h, w) for h in have for w in want)


def _acronyms(text: str) -> list[frozenset[str]]:
    """ "common variable immune deficiency (CVID)" → {"common variable immune deficiency", "cvid"}."""
    out = []
    for m in _ACRONYM.finditer(text):
        acronym = m.group(1)
        words = list(re.finditer(r"[A-Za-z]+", text[max(0, m.start() - 120) : m.start()]))
        offset = max(0, m.start() - 120)
        n = len(acronym)
        for take in (n, n + 1, n - 1):  # "X-linked agammaglobulinemia", "hepatitis B virus"
            if 0 < take <= len(words) and "".join(w.group(0)[0] for w in words[-take:]).lower() == acronym.lower():
                phrase = text[offset + words[-take].start() : offset + words[-1].end()].lower()
                if phrase.split()[0] not in _NOT_NAMES:
                    out.append(frozenset({phrase, acronym.lower()}))
                break
    return out


# "At what HBV DNA level ...?", "What is the seroconversion rate ...?", "What relapse-rate reduction ...?": a question
# that asks for the figure of a named quantity. Its answer must state a figure for that quantity.
_QUANTITY = re.compile(
    r"\b(?:at what|what(?:'s| is| was| are| were)?(?: the)?)\s+((?:[\w]+[\s-]+){0,2}?)([\w]+)[\s-]+"
    r"(?:levels?|rates?|thresholds?|titres?|titers?|counts?|percentages?|proportions?|incidence|cut-?offs?)\b",
    re.IGNORECASE,
)


def quantity_asked(question: str) -> str:
    """The quantity a question asks the figure of ("seroconversion" for "what is the seroconversion rate ...?"),
    or "" when it asks for none."""
    m = _QUANTITY.search(question)
    if not m or m.group(2).lower() in STOP:
        return ""
    if re.match(r"(?:an?|happens?|happened|does|do|did|can|could|should|will|would|affects?)\b", m.group(1).lower()):
        return ""  # "what's a reticulocyte count?" defines; "what happens to IgG levels?" asks what they do
    return f"{m.group(1)}{m.group(2)}".strip()


def analyse(question: str, entities: Entities, context: str = "") -> Analysis:
    """Analyse ``question``; an elliptical follow-up inherits entity and aspect from ``context``."""
    found = entities.find(question)
    aspects = question_aspects(question)
    if context:  # the latest turn that names an entity of a kind wins ("Same for Briumvi?" after Ocrevus)
        products = set(entities.products)
        own_products = any(g in products for g in found)
        own_other = any(g not in products for g in found)
        found = found | {g for g in entities.find(context) if not (own_products if g in products else own_other)}
        if not aspects or _ELLIPTICAL.search(question):
            aspects = aspects | question_aspects(context)  # "How common is that?": common, and still about that
    keys = frozenset("|".join(sorted(g)) for g in found)
    return Analysis(
        entities=keys,
        aspects=aspects,
        direction=direction_of(question),
        yes_no=bool(_YES_NO.search(question)),
        wants_list=bool(_LIST.search(question)),
        definition=bool(_DEFINITION.search(question)),
        figures=figures_of(question),
        quantity=quantity_asked(question),
        measure=measure_asked(question),
        excluded=set_aside(question),
        premises=premises_of(question),
    )
