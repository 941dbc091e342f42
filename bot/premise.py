"""False premises: a figure a question asserts, in digits or in words, and a sentence's figure that contradicts it.

"Ocrevus is given every 3 months, right?", "Shingrix is just one shot, right?", "Kesimpta is injected once a week?",
"licensed only from age 65?", "reactions only occur during the infusion?": each asserts a value of one *kind* —
a count of doses, an interval between doses, a length of time, a percentage, a starting age, a time window — and a
sentence contradicts it only with a value of the same kind (the interval "2 months apart" answers "every 3 months";
"24 hours" of storage answers "48 h"; "1 dose" in a pack answers no schedule question). The kinds are general forms
of English figures, not the words of one corpus; which sentence of its kind is cited is the answerer's choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import SMALL_NUMBERS

_N = r"(\d+(?:\.\d+)?|" + "|".join(SMALL_NUMBERS) + r")"
# the length of one period in days: an interval "every 3 months" and "once a week" compare on it
_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4, "year": 365.0}
_PERIOD = r"(hours?|days?|weeks?|months?|years?)"
_EVERY_WORD = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
               "annually": "year", "annual": "year"}  # fmt: skip
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_DOSES = r"(?:shots?|jabs?|injections?|doses?|infusions?|vaccinations?)"
_HOURS = {"h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "minute": 1 / 60, "min": 1 / 60, "mins": 1 / 60, "day": 24.0}


@dataclass(frozen=True)
class Premise:
    """A value a question asserts: its ``kind``, the value in that kind's measure, and the words that assert it."""

    # "count" (doses), "interval" (days between doses), "time" (hours), "duration" (days), "mg", "ml", "percent",
    # "age" (years), "window" (confined to "during")
    kind: str
    value: float
    text: str


def _num(word: str) -> float:
    w = word.lower()
    return float(SMALL_NUMBERS[w]) if w in SMALL_NUMBERS else float(w)


def _period(word: str) -> float:
    return _DAYS[word.lower().rstrip("s")]


# A count of doses: "one shot", "a single jab", "a one-off shot", "two injections".
_COUNT_Q = re.compile(rf"\b(?:(?:a |just |only )*(single|one-off|one off)|{_N})[\s-]+(?:off[\s-]+)?{_DOSES}\b", re.I)
# An interval between doses: "every 3 months", "every month", "once a week", "twice a year", "3 times a year",
# "weekly", "2 months apart".
_INTERVAL = re.compile(
    rf"\b(?:(?:every|each)\s+(?:{_N}\s+)?{_PERIOD}|(once|twice|thrice|{_N}\s+times)\s+(?:a|per|each|every)\s+{_PERIOD}"
    rf"|(hourly|daily|weekly|monthly|yearly|annually)|{_N}\s+{_PERIOD}\s+apart)\b",
    re.I,
)
# A length of time in hours or days ("up to 48 h", "for 24 hours"): storage, observation, reaction windows.
_TIME = re.compile(
    r"\b(?:for )?((?:within |up to |at least |after )*)(\d+(?:\.\d+)?)\s*(h|hrs?|hours?|minutes?|mins?)\b", re.I
)
# A length of time in days or longer ("at least 4 months", "12 months"), where not an interval ("every 6 months").
_DURATION = re.compile(
    rf"\b((?:within |up to |at least |after |about |for )*){_N}[\s-]*(days?|weeks?|months?|years?)\b", re.I
)
# "my 15-year-old son", "she is 40 years old", "aged 12 years": a person's age, not a figure asserted of a medicine
AGE_AFTER = re.compile(r"[\s-]*olds?\b", re.IGNORECASE)
AGE_BEFORE = re.compile(r"\b(?:aged?|age of)\s*$", re.IGNORECASE)
# An amount: "300 mg", "10 ml"; compared within its own unit.
_AMOUNT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(mg|ml)\b", re.I)
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(?:%|percent\b|per cent\b)", re.I)
# A starting age the question asserts: "only from age 65", "only for people over 65", "aged 65 and over".
_AGE_Q = re.compile(r"\b(?:from|over|above|after|at least)\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?(\d{2})\b"
                    r"|\baged?\s+(\d{2})\s*(?:\+|and (?:over|older|up|above))", re.I)  # fmt: skip
# A starting age a sentence gives: "18 years of age and older", "people 60 or over", "aged 50 years and over".
_AGE = re.compile(r"\b(?:aged\s+)?(\d{1,2})\s+(?:years?\s+)?(?:of\s+age\s+|old\s+)?(?:and|or)\s+(?:older|over|above)\b",
                  re.I)  # fmt: skip
# "only occur during the infusion", "only intra-infusion", "only happen while ...": a window the question confines
# something to; "within 24 hours after the infusion" contradicts it.
_ONLY_DURING = re.compile(r"\bonly\s+(?:\w+\s+){0,2}?(?:during|while|intra-?)\s*([\w-]+(?:\s+[\w-]+)?)", re.I)
_AFTER = re.compile(rf"\b(?:(?:up to|within|for)\s+)?{_N}\s+{_PERIOD}\s+after\b(?:\s+(?:the|each|your|an?)\s+\w+)?",
                    re.I)  # fmt: skip


def premises_of(question: str) -> tuple[Premise, ...]:
    """The values ``question`` asserts, of each kind, in the order of the kinds above."""
    out: list[Premise] = []
    for m in _COUNT_Q.finditer(question):
        value = 1.0 if m.group(1) else _num(m.group(2))
        out.append(Premise("count", value, m.group(0).strip()))
    for m in _INTERVAL.finditer(question):
        days = _interval_days(m)
        if days:
            out.append(Premise("interval", days, m.group(0)))
    intervals = [m.span() for m in _INTERVAL.finditer(question)]
    out += [Premise("time", *_time(m)) for m in _TIME.finditer(question)]
    for m in _DURATION.finditer(question):
        inside = any(a <= m.start(2) < b for a, b in intervals)
        age = m.group(3).lower().startswith("year") and (
            AGE_AFTER.match(question, m.end()) or AGE_BEFORE.search(question, 0, m.start())
        )
        if not inside and not age:
            out.append(Premise("duration", *_duration(m)))
    out += [Premise(m.group(2).lower(), _num(m.group(1)), m.group(0)) for m in _AMOUNT.finditer(question)]
    for m in _PERCENT.finditer(question):
        out.append(Premise("percent", _num(m.group(1)), m.group(0)))
    if re.search(r"\b(?:only|just)\b", question, re.I):
        for m in _AGE_Q.finditer(question):
            out.append(Premise("age", _num(m.group(1) or m.group(2)), m.group(0)))
        for m in _ONLY_DURING.finditer(question):
            out.append(Premise("window", 0.0, m.group(0)))
    return tuple(sorted(out, key=lambda p: question.find(p.text)))  # in the question's order


def _interval_days(m: re.Match[str]) -> float:
    """The days between doses an ``_INTERVAL`` match gives."""
    g = m.groups()  # (every N, every unit, times word/N times, N of times, times unit, word, N apart, apart unit)
    if g[1]:
        return (_num(g[0]) if g[0] else 1.0) * _period(g[1])
    if g[2]:
        times = _TIMES.get(g[2].lower()) or _num(g[3])
        return _period(g[4]) / times if times else 0.0
    if g[5]:
        return _DAYS[_EVERY_WORD[g[5].lower()]]
    return _num(g[6]) * _period(g[7])


def _time(m: re.Match[str]) -> tuple[float, str]:
    """The hours a ``_TIME`` match gives, and its words from the bound on ("up to 48 h", not "for up to 48 h")."""
    return _num(m.group(2)) * _HOURS[m.group(3).lower().rstrip("s")], m.string[m.start(1) : m.end()]


def _duration(m: re.Match[str]) -> tuple[float, str]:
    """The days a ``_DURATION`` match gives, and its words from the bound on."""
    return _num(m.group(2)) * _period(m.group(3)), m.string[m.start(1) : m.end()].removeprefix("for ")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.1 * max(abs(a), abs(b), 1e-9)


# A count of doses in a sentence: "2 injections", "two doses", "a second dose" (two at least); not what a pack holds
# ("powder for 1 dose") nor a rate ("1 in 100 doses").
_COUNT = re.compile(
    rf"\b(?<!for )(?<!in ){_N}\s+(?:separate\s+)?{_DOSES}\b(?:,?\s+(?:given\s+)?{_N}\s+{_PERIOD}\s+apart)?", re.I
)
_SECOND = re.compile(r"\b(?:a|the)\s+(second|third)\s+(?:dose|injection|shot|jab|infusion)\b", re.I)


def stated(p: Premise, text: str) -> list[tuple[float, str]]:
    """The values of ``p``'s kind that ``text`` states, each with its words (a range as its lower and upper end)."""
    out: list[tuple[float, str]] = []
    if p.kind == "count":
        out += [(_num(m.group(1)), m.group(0)) for m in _COUNT.finditer(text)]
        for m in _SECOND.finditer(text):
            out.append((2.0 if m.group(1).lower() == "second" else 3.0, f"a {m.group(1).lower()} dose"))
    elif p.kind == "interval":
        # "You will receive 2 injections 2 months apart": the count with its interval reads as the schedule
        schedules = [c.group(0) for c in _COUNT.finditer(text)]
        for m in _INTERVAL.finditer(text):
            days = _interval_days(m)
            if days:
                out.append((days, next((s for s in schedules if s.endswith(m.group(0))), m.group(0))))
    elif p.kind == "time":
        out += [_time(m) for m in _TIME.finditer(text)]
    elif p.kind == "duration":
        intervals = [m.span() for m in _INTERVAL.finditer(text)]
        out += [_duration(m) for m in _DURATION.finditer(text) if not any(a <= m.start(2) < b for a, b in intervals)]
    elif p.kind in ("mg", "ml"):
        out += [(_num(m.group(1)), m.group(0)) for m in _AMOUNT.finditer(text) if m.group(2).lower() == p.kind]
    elif p.kind == "percent":
        for m in _PERCENT.finditer(text):
            out.append((_num(m.group(1)), m.group(0)))
            if m.group(2):
                out.append((_num(m.group(2)), m.group(0)))
    elif p.kind == "age":
        out += [(_num(m.group(1)), m.group(0)) for m in _AGE.finditer(text) if _num(m.group(1)) >= 2]
    elif p.kind == "window":
        out += [(1.0, m.group(0)) for m in _AFTER.finditer(text)]
    return out


def implied(words: str) -> bool:
    """Words that imply a count rather than give it ("a second dose"): a sentence giving it is the better citation."""
    return bool(re.fullmatch(r"a (?:second|third) dose", words))


def states(p: Premise, text: str) -> bool:
    """``text`` gives the value ``p`` asserts (within a range it gives, for a percentage)."""
    if p.kind == "window":
        return False  # a sentence saying "during" does not make "only during" true
    if p.kind == "percent":
        for m in _PERCENT.finditer(text):
            lo, hi = _num(m.group(1)), _num(m.group(2) or m.group(1))
            if lo <= p.value <= hi:
                return True
        return False
    return any(_close(v, p.value) for v, _ in stated(p, text))


def contradiction(p: Premise, text: str) -> str | None:
    """The words of ``text`` that give another value of ``p``'s kind ("2 injections 2 months apart" for "one
    shot"), or None where it gives none or gives the asserted one too."""
    if states(p, text):
        return None
    for value, words in stated(p, text):
        if p.kind == "window" or not _close(value, p.value):
            return words
    return None
