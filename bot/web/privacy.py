"""What citebot keeps about the people who ask: identifiers redacted before storage, no questions in logs.

The redaction rule (documented in the README) replaces, in this order:

- **e-mail addresses**, also written ``name [at] host [dot] org`` → ``[email]``;
- **dates**: numeric (``03/04/1985``, ``1985-04-03``, ``3.4.85``), with a month name (``3rd of May 1990``,
  ``March 12, 1985``, ``Dec 2001``) and a year after "born"/"DOB"/"date of birth" → ``[date]``;
- **record numbers**: the number after MRN, NHS, hospital/patient/record/chart/case/insurance/member/ID
  (``NHS number 943 476 5919``, ``MRN: A-0048213``), social-security style ``123-45-6789``, and letter-prefixed
  codes with five or more digits (``RX48213``) → ``[record]``;
- **phone numbers**: a run of digits with spaces, dots, dashes or brackets, optionally after ``+`` or ``00``,
  holding seven to fifteen digits (``+44 20 7946 0958``, ``(212) 555-0198``, ``0049 30 901820``) → ``[phone]``;
  not when it holds a decimal or a time (``71.1 (50.9-101.9)``) or a value with its spread (``2168 (293)``),
  nor a bare range of two numbers
  (``2017-2019``, ``501-1000 min``) unless a phone word ("phone", "call", "tel", …) comes just before it;
- **self-identification**: the words after "my name is", the capitalised name after "I am"/"I'm", "call me",
  "name:", "signed"/"regards"/"thanks", a relative ("my son Tom") or a title ("Dr. Okafor", "Mrs Patel")
  → ``[name]``.

What it must not touch is the medical content: doses ("600 mg", "0.5 mL", "20 000 IU"), intervals ("every
6 months", "weeks 0, 1 and 2", "2 to 6 months apart"), ranges ("1-2 tablets", "2017-2019"), lab values
("120/80", "HbA1c 6.5%"), drug and gene names (Ocrevus, CD20, IL-6, COVID-19, NCT trial numbers) and
"I am worried/pregnant/on Ocrevus" (a name must be capitalised). Bare years are kept ("approved in 2017").
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿß'’-]+(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿß'’-]+)?"  # Anna, O'Brien, McDonald, Zoë
_NAMES = rf"{_WORD}(?:[ \t]+{_WORD}){{0,2}}"
# Capitalised words that follow "I am" without being names.
_NOT_NAMES = frozenset(
    "A An The Not On In So Very Also Just Currently Still Now Here Taking Pregnant Worried Scared Allergic "
    "Diabetic Male Female Over Under About Unable Able Using Starting Stopping Going Trying Really "
    "Breastfeeding Vaccinated Immunocompromised Ms MS Patient Nurse Doctor Sure Afraid Concerned "
    "I'll I'd I've I'm I’ll I’d I’ve I’m".split()
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May)|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_I = re.IGNORECASE

# Each pattern may keep a prefix (named ``keep``: the words that say what follows) and replaces the rest.
EMAIL = re.compile(
    r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"
    r"|[\w.+-]+\s*[\[(<{]\s*at\s*[\])>}]\s*[\w-]+(?:\s*(?:[\[(<{]\s*dot\s*[\])>}]|\.)\s*[\w-]+)+",
    _I,
)
DATES = [
    re.compile(r"(?<![\w/.])(?:\d{1,2}|\d{4})[/.-]\d{1,2}[/.-]\d{2,4}(?![\w/]|\.\d)"),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}}|\s+'?\d{{2}})?\b", _I),
    re.compile(rf"\b{_MONTH}\s+(?:{_DAY}(?:,?\s+\d{{4}})?|\d{{4}})\b", _I),
    re.compile(r"(?P<keep>\b(?:born(?:\s+(?:in|on))?|DOB|d\.o\.b\.?|date\s+of\s+birth)[\s:]*)\d{4}\b", _I),
]
_NUMBER = r"[A-Z]{0,4}[-/ ]?\d[\d -]{3,}\d\b"
RECORDS = [
    re.compile(rf"(?P<keep>\b(?:mrn|nhs|chi|ssn|ref)(?:\s*(?:number|no\.?|num|#|is|:|=))*\s*){_NUMBER}", _I),
    re.compile(
        r"(?P<keep>\b(?:record|hospital|patient|chart|case|insurance|member|policy|id)"
        rf"(?:\s*(?:number|no\.?|num|#|id|is|:|=))+\s*){_NUMBER}",
        _I,
    ),
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\b(?!NCT\d{8}\b)[A-Z]{1,4}-?\d{5,}[A-Z]?\b"),
]
PHONE = re.compile(r"(?<![\w+/])(?:\+|00)?\(?\d[\d \t().-]{5,}\d(?!\w|\.\w)")
# Not phone numbers: decimals and times (71.1 (50.9-101.9), 10.30), decimal ranges (1.001-1.007), and a
# plain range of two numbers (2017-2019, 501-1000 min) unless a phone word comes just before it (phone 555-0123).
_DECIMAL = re.compile(r"\d[.:]\d{1,2}(?!\d)|\d\.\d+\s*[-–]")
_RANGE = re.compile(r"\(?\d+\s*[-–]\s*\d+\)?")
_PHONE_WORD = re.compile(r"\b(?:phone|tel|call|ring|text|mobile|cell|fax|whatsapp|number|contact|reach)\W{0,4}$", _I)
# (pattern, loose): a loose name may be lower case and ends at the first common word.
NAMES = [
    (
        re.compile(
            r"(?P<keep>\b(?:my\s+name\s+is|my\s+name's|(?<!drug )(?<!brand )(?<!generic )(?<!trade )name\s*:)\s+)"
            r"(?P<name>[^\W\d_]+(?:[ \t]+[^\W\d_]+){0,2})",
            _I,
        ),
        True,
    ),
    (
        re.compile(
            rf"(?P<keep>\b(?i:I\s+am|I'm|I’m|call\s+me|(?:signed|regards|thanks|sincerely),?)\s+)(?P<name>{_NAMES})"
        ),
        False,
    ),
    (
        re.compile(
            r"(?P<keep>\b(?i:(?:my|our)\s+(?:son|daughter|wife|husband|partner|mother|father|mum|mom|dad|child|brother"
            rf"|sister|grandson|granddaughter|patient)),?\s+)(?P<name>{_NAMES})"
        ),
        False,
    ),
    (re.compile(rf"(?P<keep>\b(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)(?P<name>{_NAMES})"), False),
]
_STOP = frozenset("and or but i im i'm my with from who have has had am is was the a an to on in of".split())


def _label(label: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return (match.groupdict().get("keep") or "") + label

    return replace


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    before = match.string[max(0, match.start() - 20) : match.start()]
    if (
        not 7 <= sum(c.isdigit() for c in text) <= 15  # E.164 numbers have at most 15 digits; tables more
        or _DECIMAL.search(text)
        or text.count("(") != text.count(")")  # a value with its spread, "2168 (293)", "633 (600-700)"
        or (_RANGE.fullmatch(text.strip()) and not _PHONE_WORD.search(before))
    ):
        return text  # a measurement or a range, not a phone number
    return "[phone]" + text[len(text.rstrip()) :]


def _name(loose: bool) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        words = name.split()
        if not loose:
            return match.group(0) if words[0] in _NOT_NAMES else match.group("keep") + "[name]"
        n = next((i for i, w in enumerate(words) if w.lower() in _STOP), len(words))
        if n == 0:
            return match.group(0)
        head = re.match(rf"\S+(?:[ \t]+\S+){{{n - 1}}}", name)
        assert head is not None
        return match.group("keep") + "[name]" + name[head.end() :]

    return replace


def redact(text: str) -> str:
    """``text`` with e-mails, dates, record numbers, phone numbers and self-identified names replaced."""
    if not text:
        return text
    text = EMAIL.sub("[email]", text)
    for pattern in DATES:
        text = pattern.sub(_label("[date]"), text)
    for pattern in RECORDS:
        text = pattern.sub(_label("[record]"), text)
    text = PHONE.sub(_phone, text)
    for pattern, loose in NAMES:
        text = pattern.sub(_name(loose), text)
    return text


# What a user is told when answering failed unexpectedly: the failure's own message may quote the question.
FAILED = "Something went wrong while answering. Please try again."


def log_failure(log: logging.Logger, what: str, err: BaseException, question: str = "") -> None:
    """Log an unexpected failure for operators without the question's text.

    The traceback's frames are kept; the exception's message (which may quote the question) and the
    question itself are logged only when debug logging was asked for (``CITEBOT_LOG_LEVEL=debug``).
    """
    if log.isEnabledFor(logging.DEBUG):
        log.error("%s failed for the question %r", what, question, exc_info=err)
        return
    frames = "".join(traceback.format_tb(err.__traceback__))
    log.error("%s failed: %s (message withheld; set CITEBOT_LOG_LEVEL=debug)\n%s", what, type(err).__name__, frames)
