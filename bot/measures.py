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
        r"\bhow (?:long|soon|quickly)\b|\b(?:interval|window|duration|delay)\b|\bhow many (?:days|weeks|months|years"
        r"|hours|minutes)\b|\b(?:what|which) age\b|\bat what (?:time|point|age)\b",
        re.IGNORECASE,
    ),
    "frequency": re.compile(r"\bhow (?:often|frequently)\b|\bschedule\b|\bhow many times\b", re.I),
    "rate": re.compile(
        r"\bhow (?:common|rare|frequent|likely|many people|many (?:\w+ )?(?:patients|people|children|adults|cases))\b"
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
