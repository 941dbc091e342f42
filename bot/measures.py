"""What kind of answer a question asks for, and whether a unit states that kind: ranker features.

"How long ...?" is answered by a sentence that gives a duration ("up to 24 hours after"), "how often ...?" by
one that gives a frequency ("every 6 months"), "how many people ...?" by one that gives a rate ("1 in
10,000"), "how much ...?" by one that gives an amount ("20 mg"). The words of the question are usually in
the right sentence and in its neighbours alike, so the figure separates them where similarity does not.
The ranker (``bot.rank``) learns how much the match counts from MedQuAD ("How many people are affected by
X?", answered by its page's frequency section).
"""

from __future__ import annotations

import re

_NUM = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
_TIME_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_ASKED = {
    "duration": re.compile(
        r"\bhow (?:long|soon|quickly)\b|\b(?:interval|window|duration|delay)s?\b|\bhow many (?:days|weeks|months|years"
        r"|hours|minutes)\b|\b(?:what|which) age\b|\bat what (?:time|point|age)\b",
        re.IGNORECASE,
    ),
    "frequency": re.compile(r"\bhow (?:often|frequently)\b|\bschedule\b|\bhow many times\b", re.I),
    "rate": re.compile(
        r"\bhow (?:common|rare|frequent|widespread|prevalent|likely|many people"
        r"|many (?:\w+ )?(?:patients|people|children|adults|cases))\b"
        r"|\b(?:prevalence|incidence|chance|odds|percentage|proportion)\b",
        re.IGNORECASE,
    ),
    "amount": re.compile(
        r"\bhow much\b|\b(?:what|which) (?:\w+ )?dose\b|\bdosage\b|\bhow many (?:mg|milligrams)\b", re.I
    ),
}
_STATED = {
    "duration": re.compile(
        rf"\b{_NUM}[\s-]*(?:(?:to|-|–|or|and)[\s-]*{_NUM}[\s-]*)?{_TIME_UNIT}\b|\bage (?:of )?\d", re.IGNORECASE
    ),
    "frequency": re.compile(
        rf"\bevery (?:other )?(?:{_NUM}[\s-]*)?(?:day|week|month|year)s?\b|\b(?:daily|weekly|monthly|yearly|annually"
        rf"|twice|once)\b|\b{_NUM} times\b|\bweek \d",
        re.IGNORECASE,
    ),
    "rate": re.compile(
        r"\d\s*(?:%|percent)|\b(?:1|one) in (?:\d|every|a |ten|a hundred|a thousand)|\bper (?:\d|100|1,000|million)"
        r"|\b\d[\d,.]*\s*(?:million|thousand|hundred)?\s*(?:people|persons|individuals|cases|children|adults|newborns"
        r"|births|infants|women|men|americans|patients)\b|\b(?:half|a third|one-third|a quarter|two-thirds|majority"
        r"|most common|rare|uncommon)\b",
        re.IGNORECASE,
    ),
    "amount": re.compile(
        r"\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|ml|mL|micrograms?|milligrams?|units|IU)\b", re.IGNORECASE
    ),
}


_PHRASE = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
_UNIT_WORD = re.compile(rf"{_TIME_UNIT}|percent(?:age)?s?|proportions?|mg|milligrams?")  # what a figure counts in


def measure_words(question: str) -> dict[str, frozenset[str]]:
    """The question's words that only name the kind of figure it asks for or asserts, each with that kind or
    kinds: the degree word of "how frequent/widespread ...?", a measure noun ("durations", "percentage") and a
    figure word of its own ("a twice a year thing"). They name no concept a passage must say: a passage that
    gives a figure of that kind speaks to them (``bot.extractive``'s scope check). The unit a question counts in
    ("how many minutes", "what percentage") and a word in a compound ("half-life") are not among them: a passage
    must say those."""
    low = question.lower()
    out: dict[str, set[str]] = {}
    for kind, rx in _ASKED.items():
        for m in rx.finditer(low):
            words = m.group(0).split()
            if (len(words) == 1 or (len(words) == 2 and words[0] == "how")) and not _UNIT_WORD.fullmatch(words[-1]):
                out.setdefault(words[-1], set()).add(kind)  # "durations", "how frequent"
    for m in _PHRASE.finditer(low):
        for kind in ("frequency", "duration"):  # "twice", "monthly": a figure in a word
            if _STATED[kind].fullmatch(m.group(0)):
                out.setdefault(m.group(0), set()).add(kind)
    return {w: frozenset(k) for w, k in out.items()}


def measure_asked(question: str) -> str:
    """The kind of figure a question asks for ("duration", "frequency", "rate", "amount"), or "" when it asks for
    none; the first kind listed wins."""
    for kind, rx in _ASKED.items():
        if rx.search(question):
            return kind
    return ""


def states_measure(kind: str, text: str) -> bool:
    """The unit gives a figure of that kind."""
    return bool(kind) and bool(_STATED[kind].search(text))
