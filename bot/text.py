"""Small text utilities shared by the answerers and the verifier: sentences, content words, numbers."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ingest.chunk import split_sentences

CITE = re.compile(r"\[(\d+(?:\s*[-–,]\s*\d+)*)\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?=%|mg|ml|kg|x)")
# The number words a question or a sentence writes a small figure with ("two doses", "one jab"): one table for the
# question's figures (bot.question), its premises (bot.premise) and the figures a text states (below).
SMALL_NUMBERS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_NUMBER_WORDS = {
    **{w: i for w, i in SMALL_NUMBERS.items() if i},
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
}  # fmt: skip
STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have having he her him
    his how i if in into is it its itself me more most my no nor not of off on once only or other our out over
    own same she should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    about also after again against all am any because before below between both during each few further here
    just may might must per s t via whether""".split()
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (the chunker's splitter, so spans agree with the index)."""
    return [(u.start, u.end) for u in split_sentences(text)]


def strip_citations(text: str) -> str:
    return re.sub(r"\s*" + CITE.pattern, "", text).strip()


def parse_citations(text: str) -> list[int]:
    """Numbers in ``[1]``, ``[1, 3]`` and ``[2-4]`` markers, in order, without repeats."""
    out: list[int] = []
    for group in CITE.findall(text):
        for part in re.split(r"\s*,\s*", group):
            if re.search(r"[-–]", part):
                lo, hi = (int(x) for x in re.split(r"\s*[-–]\s*", part))
                nums = list(range(lo, hi + 1)) if 0 < hi - lo < 20 else [lo, hi]
            else:
                nums = [int(part)]
            out.extend(n for n in nums if n not in out)
    return out


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_ORDINAL_WORDS = dict(enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1))


def spell_ordinals(text: str) -> str:
    """ "the 2nd one" → "the second one": a reader's word for it, the one a document uses ("the second dose")."""
    return _ORDINAL.sub(lambda m: _ORDINAL_WORDS.get(int(m.group(1)), m.group(1)), text)


def content_words(text: str) -> list[str]:
    """Stemmed, lower-cased words that carry meaning (stopwords and citation markers dropped). An ordinal in digits
    is its word ("the 2nd one" is "the second dose"'s "second", not a word "nd"); a figure is no content word."""
    words = [w.lower().strip("-'") for w in _WORD.findall(spell_ordinals(strip_citations(text)))]
    words = [w for w in words if w and w not in STOPWORDS and not w[0].isdigit()]
    return list(_stemmer().stemWords(words))


def numbers(text: str) -> set[str]:
    """Numbers a claim asserts (digits and number words), normalised so "six" and "6" match."""
    text = strip_citations(text)
    found = {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {str(v) for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", text, re.IGNORECASE)}
    return {n[:-2] if n.endswith(".0") else n for n in found}


_CODE = re.compile(r"(?<![\w-])(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])|\b[A-Z]{4,}\b")
_EMPHASIS = frozenset({"note", "important", "warning", "caution", "always", "never", "only", "must", "yes"})


def codes(text: str) -> set[str]:
    """Identifier-like tokens a claim asserts (``CD20``, ``ZQX0731``, ``KESTREL``), lower-cased.

    Like numbers they must be copied from a passage: a code a passage never states is how an injected
    canary or a made-up trial name rides along in an otherwise supported sentence.
    """
    found = {m.group(0).lower() for m in _CODE.finditer(strip_citations(text))}
    return {c for c in found if c not in _EMPHASIS}


_EXPANSION = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,6})\(([A-Za-z][A-Za-z0-9]{1,7})\)")


def collapse_acronyms(text: str) -> str:
    """ "multiple sclerosis (MS)" → "MS": one concept should not count as three rare words."""

    def repl(m: re.Match[str]) -> str:
        words, acronym = m.group(1).split(), m.group(2)
        tail = words[-len(acronym) :] if len(acronym) <= len(words) else []
        if tail and "".join(w[0] for w in tail).lower() == acronym.lower():
            return " ".join([*words[: -len(acronym)], acronym]) + " "
        return m.group(0)

    return _EXPANSION.sub(repl, text)
