"""Register: whom a sentence speaks to, and how to say a patient-leaflet sentence to a clinician.

Real corpora mix registers: a package leaflet addresses the patient ("you", "your doctor"), a label
or a textbook speaks about patients. The offline answerer quotes sentences, so a clinician asking
about a medicine whose only source is its leaflet would otherwise be told "You will be closely
monitored ...". Rules, not a list of sentences:

* ``second_person``: the sentence addresses the reader ("you", "your", "yourself").
* ``third_person``: the same sentence about "the patient" — subject "you" takes a third-person verb
  ("you need" → "the patient needs", "you are" → "the patient is"), "your doctor" becomes "the
  doctor", any other "your" becomes "the patient's". Only pronouns and the verb right after a
  subject "you" change, so every content word and figure of the source is still there for the
  verifier and the citation keeps pointing at the same span.
"""

from __future__ import annotations

import re

_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b|\byou(?:'re|'ll|'ve|'d)\b", re.IGNORECASE)
_CARERS = (
    r"doctor|nurse|pharmacist|physician|specialist|healthcare (?:professional|provider)s?|health care provider"
    r"|care team"
)
_MODALS = frozenset("will would should shall may might can could must cannot can't won't".split())
_ADVERBS = frozenset("still also already only always never just then usually often now really first".split())
_IRREGULAR = {"are": "is", "were": "was", "have": "has", "do": "does", "go": "goes", "be": "is"}
_NEGATED = {"don't": "doesn't", "aren't": "isn't", "weren't": "wasn't", "haven't": "hasn't"}
_CONTRACTED = {"you're": "the patient is", "you'll": "the patient will", "you've": "the patient has",
               "you'd": "the patient would"}  # fmt: skip
# Words before which "you" is the subject of a clause ("if you need", "before you start").
_CLAUSE_OPENERS = frozenset(
    """if when whether before after while until unless that because as and or but so since once where whenever
    though although than how what which who""".split()
)
# Words after "you" that make it a subject in any position ("the vaccine you need"): verbs a leaflet uses.
_SUBJECT_VERBS = frozenset(
    """need have are were do did had start stop receive get take use feel notice experience plan become develop travel
    come go think know want inject forget miss live breastfeed breast-feed see hear remember find keep had
    injected received started stopped took got were""".split()
)


def second_person(text: str) -> bool:
    """The sentence addresses its reader (patient voice)."""
    return bool(_SECOND_PERSON.search(text))


def _third(verb: str) -> str:
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low in _NEGATED:
        return _NEGATED[low]
    past = low.endswith("ed") and not low.endswith("eed")  # "injected", but "need"
    if low in _MODALS or past or low.endswith("n't") or not low.replace("-", "").isalpha():
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _cap(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def third_person(text: str) -> str:
    """``text`` about "the patient" instead of addressed to "you" (see the module docstring)."""
    if not second_person(text):
        return text
    tokens = re.findall(r"[A-Za-z][A-Za-z'-]*|[^A-Za-z]+", text)
    out: list[str] = []
    i = 0
    prev_word = ""  # the last word before this token, lower-cased ("" at a clause start)
    while i < len(tokens):
        tok = tokens[i]
        low = tok.lower()
        if not tok[:1].isalpha():
            if re.search(r"[.;:!?,(]", tok):
                prev_word = ""  # punctuation opens a new clause
            out.append(tok)
            i += 1
            continue
        nxt = tokens[i + 2] if i + 2 < len(tokens) and tokens[i + 1] == " " else ""
        if low in _CONTRACTED:
            out.append(_cap(_CONTRACTED[low], tok))
        elif low == "your" and re.match(rf"(?:{_CARERS})\b", " ".join(tokens[i + 2 : i + 6]), re.IGNORECASE):
            out.append(_cap("the", tok))
        elif low in ("your", "yours"):
            out.append(_cap("the patient's", tok))
        elif low in ("yourself", "yourselves"):
            out.append("themselves")
        elif low == "you":
            subject = (prev_word == "" or prev_word in _CLAUSE_OPENERS or nxt.lower() in _MODALS
                       or nxt.lower() in _SUBJECT_VERBS or nxt.lower() in _NEGATED)  # fmt: skip
            out.append(_cap("the patient", tok))
            if subject and nxt:
                j = i + 2
                while j < len(tokens) and tokens[j].lower() in _ADVERBS and j + 2 < len(tokens):
                    j += 2  # "you still have": the verb is after the adverb
                out.extend(tokens[i + 1 : j])
                out.append(_third(tokens[j]))
                prev_word = tokens[j].lower()
                i = j + 1
                continue
        else:
            out.append(tok)
        prev_word = low
        i += 1
    return "".join(out)
