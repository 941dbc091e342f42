"""The deterministic rule stage: normalisation, validation, and how the rule tables are applied.

Text is normalised first (``normalise``): NUL/control characters dropped, Unicode NFKC, casefold,
curly quotes folded and apostrophes removed (``can't`` -> ``cant``, ``I'm`` -> ``im``), hyphens and
dashes turned into spaces, whitespace collapsed. Newlines become sentence breaks. English only.

Red-flag rules (``find_emergency``). The same words appear in emergencies ("I'm having chest pain")
and in ordinary questions ("Can Ocrevus cause chest pain?"), so a symptom alone never decides.
Each sentence is scanned with two kinds of pattern (tables in ``bot.safety.rules``):

* STRONG patterns carry their own first-person / present-situation framing: "my throat is closing",
  "I can't breathe", "worst headache of my life", "took too many pills", "won't wake up",
  "kill myself". They fire unless the clause is hypothetical ("if", "in case", "what if",
  "suppose", "when a patient ..."). First-person suicidal statements fire even then.
* CONTEXT patterns are bare symptoms ("chest pain", "stroke", "seizure", "anaphylaxis",
  "suicidal"). They fire only with a situational cue: an experiencer plus a present verb just before
  the symptom ("I'm having", "my husband is", "she has", "I feel"; at most four intervening words,
  none of them a blocker such as question/risk/history/worried/read/had/not), OR a present-time
  marker ("right now", "for the last 20 minutes", "... now"), OR an imperative call for help
  ("help me", "call 911"). They are suppressed by hypotheticals, by inverted possibility questions
  ("can I get ...", "will he have ...", "does it ...") and by past framing ("ago", "last year",
  "history of") unless a present marker or a call for help overrides.

So informational framing -- "can X cause", "what are the signs of", "is X a side effect",
"how common is", "does X increase the risk of", "what happens if someone ..." -- never fires,
because it has no experiencer cue and the strong patterns need first-person present wording.
When in doubt between two readings of a first-person present statement, the layer errs towards
the emergency message: a spurious "call your emergency number" costs less than a missed one.

Dose-request rules (``find_dose_request``): a request is personal when it names a person who will
receive the dose (I / we / he / she / my daughter / my 50 kg patient / for me) together with a
quantity question ("how much ... should I take", "what dose should I give") or a change to a dose or
infusion (double, skip, delay, split, give myself, self-inject, lower ...). Questions about the
labelled dose with no such person ("What is the approved dose?", "How often is it given?") are
answered normally. A short follow-up such as "Can I double it?" counts when an earlier turn in
``history`` talked about a dose or infusion (``find_dose_follow_up``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.safety import rules
from bot.types import SafetyDecision

MAX_QUESTION_CHARS = 4000


@dataclass(frozen=True)
class SafetyVerdict:
    """Outcome of the pre-retrieval safety check; ``message`` is fixed text, never model output.

    ``decision`` is the audit trail (which stage and rule or exemplar decided); it is left out of
    equality so two verdicts that decide the same thing compare equal.
    """

    kind: Literal["ok", "emergency", "dose_request", "invalid"]
    category: str
    message: str
    decision: SafetyDecision | None = field(default=None, compare=False)


OK = SafetyVerdict(kind="ok", category="", message="")

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'"})
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212]+")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)'(?=\w)")
_WHITESPACE = re.compile(r"[ \t\f\v\r]+")
_WORD = re.compile(r"[a-z]+")


def clean_question(text: str) -> str:
    """Drop NUL and other control/format characters (keeping ordinary whitespace) and trim.

    Why: control bytes can hide text from regexes and corrupt logs or prompts downstream.
    """
    kept: list[str] = []
    for ch in text:
        if ch in "\n\t\r ":
            kept.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip()


def normalise(text: str) -> str:
    """Lowercase, Unicode-normalised, apostrophe-free, common misspellings folded: regexes see one spelling."""
    text = unicodedata.normalize("NFKC", clean_question(text)).casefold()
    text = text.translate(_APOSTROPHES)
    text = _APOSTROPHE_IN_WORD.sub("", text)
    text = text.replace("'", " ")
    text = _DASHES.sub(" ", text)
    text = _WORD.sub(lambda m: rules.SPELLING.get(m.group(), m.group()), text)
    text = _WHITESPACE.sub(" ", text)
    text = rules.DOES_MISSPELT.sub(r"\1 does ", text)
    return text.replace("\n", " . ").strip()


_SENTENCE_SPLIT = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[!?;\u3002\uff01\uff1f])+")  # not "39.5"


def _sentences(norm: str) -> list[str]:
    """Split on sentence punctuation so a cue in one sentence cannot pair with a symptom in another."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(norm) if s.strip()]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def validate_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> SafetyVerdict:
    """Reject empty or oversized input; length is counted after control characters are removed."""
    cleaned = clean_question(text)
    if not cleaned:
        return SafetyVerdict(kind="invalid", category="empty", message="Please type a question.")
    if len(cleaned) > max_chars:
        return SafetyVerdict(
            kind="invalid",
            category="too_long",
            message=(
                f"Your question is too long ({len(cleaned)} characters). "
                f"Please shorten it to at most {max_chars} characters."
            ),
        )
    return OK


def _is_hypothetical(prefix: str) -> bool:
    """True when the text before a match frames it as "if / in case / suppose / when a patient ..."."""
    return bool(rules.HYPOTHETICAL.search(prefix))


def _is_inverted_question(prefix: str) -> bool:
    """True for possibility questions such as "can I get ...", "will he have ...", "does it ...".

    Only the current clause counts, so "Can you help, I'm having chest pain" is not suppressed.
    """
    clause = re.split(r"[,:]", prefix)[-1].strip()
    return bool(rules.INVERTED_QUESTION.match(clause))


def _has_present_marker(sentence: str, start: int, end: int) -> bool:
    """Time words that place the symptom in the present ("right now", "now" just before or "... now" just after,
    "for 20 minutes")."""
    return bool(
        rules.PRESENT_ANYWHERE.search(sentence)
        or rules.PRESENT_AFTER.search(sentence[end:])
        or rules.PRESENT_BEFORE.search(sentence[:start])
    )


def _long_past(sentence: str) -> bool:
    """A long-past or resolved framing ("years ago", "last infusion", "went away"), unless the text moves on to
    the present after its last long-past marker ("diagnosed last year ... throwing up all day"): the background
    of a story does not silence the event it leads up to."""
    if rules.RESOLVED.search(sentence):
        return True
    ends = [m.end() for m in rules.LONG_PAST.finditer(sentence)]
    return bool(ends) and not rules.PRESENT_ANCHOR.search(sentence, ends[-1])


def _has_experiencer_cue(prefix: str) -> bool:
    """An experiencer + present verb within a few words before the symptom ("my wife is having a")."""
    tail = " ".join(prefix.split()[-12:])
    return bool(rules.CUE_BEFORE.search(tail + " "))


def _fires(rule: rules.Rule, sentence: str, match: re.Match[str], urgent: bool) -> bool:
    """Apply the strong/context rule described in the module docstring to one match."""
    prefix = sentence[: match.start()]
    if rule.category == "overdose":
        # "I took 40 paracetamol earlier today … I feel fine now": feeling fine does not settle an overdose
        # (paracetamol harms a day later); only a time long past does ("years ago").
        for pattern in (rules.RESOLVED, rules.RESOLVED_NOW):  # blanked, so the match's offsets still hold
            sentence = pattern.sub(lambda m: " " * len(m.group()), sentence)
        prefix = sentence[: match.start()]
    settled = bool(rules.RESOLVED_NOW.search(sentence))  # "now stable", "now 3 years without one"
    present = _has_present_marker(sentence, match.start(), match.end()) and not settled
    if rule.always:
        return True
    if _is_hypothetical(prefix) and not (present or urgent):
        return False
    if present or urgent:
        return True
    if settled or _long_past(sentence):
        return False  # "my chest felt tight at my last infusion", "I had a seizure years ago"
    if rule.narrative:
        # A description in plain words: not when the sentence talks ABOUT symptoms.
        return not rules.INFORMATIONAL.search(sentence)
    if rule.strong:
        return True
    if rule.category == "anaphylaxis" and rules.RECURRING.search(sentence):
        return False  # "I'm wheezy at night this week, can I take extra puffs?": control over days, not an airway now
    if _is_inverted_question(prefix):
        return False
    return _has_experiencer_cue(prefix) and not rules.PAST.search(sentence)


def _past_attempt(sentence: str, match: re.Match[str], norm: str, urgent: bool) -> bool:
    """An attempt told as long past in a message that says the writer is well now, with nothing in the present: its
    words are history ("Two years ago I tried to end my life and I'm doing well now with therapy")."""
    return (
        bool(rules.PAST_ATTEMPT.search(sentence[: match.start()]))
        and _long_past(sentence)
        and bool(rules.RESOLVED_NOW.search(norm) or rules.SETTLED_MESSAGE.search(norm))
        and not urgent
        and not rules.PRESENT_ANYWHERE.search(norm)
    )


def find_emergency(text: str) -> rules.Rule | None:
    """The first red-flag rule that fires on a message describing an emergency now, else None."""
    norm = normalise(text)
    if not norm:
        return None
    urgent = bool(rules.URGENT.search(norm))
    settled = bool(rules.SETTLED_MESSAGE.search(norm)) and not (urgent or rules.PRESENT_ANYWHERE.search(norm))
    # nothing places a sign in the present: what a lesson or a story in a book needs to be read as not happening now
    not_now = not (urgent or rules.PRESENT_ANYWHERE.search(norm) or rules.PRESENT_ANCHOR.search(norm))
    # A story told as long past that ended well ("Last year my throat swelled at the infusion ... I was fine within the
    # hour"), with nothing placing a sign in the present: no rule but a first-person suicidal one reads it as now.
    # A story may also start a few days back ("on Sunday … he's much better today"); the settled statement's own
    # time word ("better today") does not place a sign in the present.
    story = (
        settled
        and bool(rules.LONG_PAST.search(norm) or rules.STORY_PAST.search(norm))
        and not rules.PRESENT_ANCHOR.search(rules.SETTLED_MESSAGE.sub(" ", norm))
    )
    # A past event told, then how to be ready next time: with nothing in the present, a lesson, not an emergency.
    lesson = (
        bool(rules.LESSON_QUESTION.search(norm))
        and bool(
            rules.LONG_PAST.search(norm)
            or rules.STORY_PAST.search(norm)
            or rules.RESOLVED.search(norm)
            or rules.SETTLED_MESSAGE.search(norm)
        )
        and not_now
    )
    fiction = bool(rules.FICTION.search(norm)) and not_now  # a story in a book, play or film: its signs are the story's
    sentences = _sentences(norm)
    jest = bool(rules.JEST.search(norm)) and not urgent
    reported = jest and bool(rules.REPORTED_SPEECH.search(norm))  # someone else's words, in jest: even first person
    slip = bool(rules.NEXT_DOSE_QUESTION.search(norm)) and not rules.OVERDOSE_DANGER.search(norm)
    for rule in rules.EMERGENCY_RULES:
        if settled and (rule.narrative or (story and not rule.always)) and rule.category != "overdose":
            continue  # a plain-words description of an event the message says is over (an overdose is not
            # over when the person feels fine: paracetamol harms a day later)
        if fiction and not rule.always:
            continue  # "a novel where a character has a stroke … the author describes her face drooping"
        if lesson and not rule.always and rule.category != "overdose":
            continue  # "someone collapsed near us last weekend … are there short courses?": learning from a past event
        if jest and rule.category == "suicidal" and (reported or not rule.always):
            continue  # a third person's words said in jest, and the message says so: a question about language
        if slip and rule.category == "overdose":
            continue  # an extra dose by mistake, no sign of harm, asking about the next one: a dose question
        for sentence in [norm] if rule.whole_message else sentences:
            for match in rule.pattern.finditer(sentence):
                if rule.category == "suicidal" and _past_attempt(sentence, match, norm, urgent):
                    continue  # "two years ago I tried to end my life and I'm doing well now": an attempt long past
                if _fires(rule, sentence, match, urgent):
                    return rule
    return None


def detect_emergency(text: str) -> str | None:
    """Return the red-flag category for a message describing an emergency now, else None."""
    rule = find_emergency(text)
    return rule.category if rule else None


def find_dose_request(text: str) -> str | None:
    """Name of the dose-request pattern a personal dose or dose-change request matches, else None."""
    norm = normalise(text)
    if rules.LEAFLET_FRAMING.search(norm) or rules.SCHEDULE_QUESTION.search(norm):
        return None  # "what does the leaflet say to do?" asks for the labelled instructions
    found = next((name for name, pattern in rules.DOSE_PATTERNS.items() if pattern.search(norm)), None)
    if found is None and _is_clinical_dose_question(norm):
        found = "clinical_patient_decision"
    return found or ("personal_treatment_decision" if _is_treatment_decision(norm) else None)


def _is_clinical_dose_question(norm: str) -> bool:
    """A clinician asking what to give, hold or change for one described patient ("Gent for 68M, 80kg, Cr 140. Initial
    dose?", "45F on MTX 15mg weekly, ALT 3x ULN. Reduce to 10 or stop?"): a patient in clinical shorthand and a dose or
    timing decision asked, in no reference or general framing ("standard adult dose … per guidelines", "for audit")."""
    return (
        bool(rules.CLINICAL_PATIENT.search(norm))
        and bool(rules.CLINICAL_DOSE_ASK.search(norm))
        and not rules.GENERAL_FRAMING.search(norm)
        and not rules.CLINICAL_REFERENCE.search(norm)
    )


def _is_treatment_decision(norm: str, earlier: str = "") -> bool:
    """All four parts present (see ``rules.DECISION_*``); the change in the question's sentence or the one before.

    ``earlier`` is the previous turns: the person and the treatment may have been named there ("my friend is on
    pregabalin" -> "how quickly can she cut down?"); the question and the change must be in this one."""
    context = f"{earlier} . {norm}" if earlier else norm
    if not (rules.DECISION_PERSON.search(context) and rules.DECISION_TREATMENT.search(context)):
        return False
    if rules.GENERAL_FRAMING.search(norm) or rules.NOT_A_DOSE_DECISION.search(norm):
        return False
    if rules.CRITERION_QUESTION.search(norm) and not re.search(r"\d", context):
        return False
    if rules.BARE_NUMBER_QUESTION.search(norm):
        return True
    sentences = _sentences(norm)
    return any(
        rules.DECISION_QUESTION.search(s)
        and not rules.CAUSE_QUESTION.search(s)
        and rules.DECISION_CHANGE.search(" ".join(sentences[max(0, i - 1) : i + 1]))
        for i, s in enumerate(sentences)
    )


def detect_dose_request(text: str) -> bool:
    """True when the user asks for a personal dose or to change/self-administer a specific dose."""
    return find_dose_request(text) is not None


def find_dose_follow_up(question: str, history: Sequence[str]) -> str | None:
    """A dose request split across turns: "Can I double it?" after a turn about a dose, or "so how much
    should I take?" after "I weigh 50 kg", or a change to a treatment the previous turn named. Only the last
    three turns count."""
    norm, earlier = normalise(question), [normalise(t) for t in history[-3:]]
    if rules.PRONOUN_FOLLOW_UP.search(norm) and any(rules.DOSE_TOPIC.search(t) for t in earlier):
        return "pronoun_follow_up"
    if rules.QUANTITY_FOLLOW_UP.search(norm) and any(rules.PERSONAL_FACT.search(t) for t in earlier):
        return "split_across_turns"
    if rules.BARE_DECISION_FOLLOW_UP.search(norm) and any(
        (rules.DECISION_PERSON.search(t) or rules.CLINICAL_PATIENT.search(t)) and rules.DECISION_TREATMENT.search(t)
        for t in earlier
    ):
        return "bare_decision_follow_up"
    if earlier and not rules.LEAFLET_FRAMING.search(norm) and _is_treatment_decision(norm, " . ".join(earlier)):
        return "treatment_named_earlier"
    return None
