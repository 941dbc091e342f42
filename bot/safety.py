"""Deterministic medical safety layer that runs BEFORE retrieval.

Why deterministic: the checks here decide whether citebot answers at all, so they must be
predictable, auditable and testable without a model. Every user-facing string is fixed text.

Pipeline (``check``): validate -> emergency -> personal dose request -> ok.

Text is normalised first (``_normalise``): NUL/control characters dropped, Unicode NFKC, casefold,
curly quotes folded and apostrophes removed (``can't`` -> ``cant``, ``I'm`` -> ``im``), hyphens and
dashes turned into spaces, whitespace collapsed. Newlines become sentence breaks. English only.

Red-flag rule (``detect_emergency``). The same words appear in emergencies ("I'm having chest pain")
and in ordinary questions ("Can Ocrevus cause chest pain?"), so a symptom alone never decides.
Each sentence is scanned with two kinds of pattern:

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

Dose-request rule (``detect_dose_request``): a request is personal when it names a person who will
receive the dose (I / we / he / she / my daughter / my 50 kg patient / for me) together with a
quantity question ("how much ... should I take", "what dose should I give") or a change to a dose or
infusion (double, skip, delay, split, give myself, self-inject, lower ...). Questions about the
labelled dose with no such person ("What is the approved dose?", "How often is it given?") are
answered normally. A short follow-up such as "Can I double it?" counts when an earlier turn in
``history`` talked about a dose or infusion; emergencies are judged on the current message only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.types import Audience

MAX_QUESTION_CHARS = 4000


@dataclass(frozen=True)
class SafetyVerdict:
    """Outcome of the pre-retrieval safety check; ``message`` is fixed text, never model output."""

    kind: Literal["ok", "emergency", "dose_request", "invalid"]
    category: str
    message: str


OK = SafetyVerdict(kind="ok", category="", message="")

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'"})
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212]+")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)'(?=\w)")
_WHITESPACE = re.compile(r"[ \t\f\v\r]+")


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


def _normalise(text: str) -> str:
    """Lowercase, Unicode-normalised, apostrophe-free text so regexes see one spelling."""
    text = unicodedata.normalize("NFKC", clean_question(text)).casefold()
    text = text.translate(_APOSTROPHES)
    text = _APOSTROPHE_IN_WORD.sub("", text)
    text = text.replace("'", " ")
    text = _DASHES.sub(" ", text)
    text = _WHITESPACE.sub(" ", text)
    return text.replace("\n", " . ").strip()


_SENTENCE_SPLIT = re.compile(r"[.!?;\u3002\uff01\uff1f]+")


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


# --------------------------------------------------------------------------------------------
# Red-flag (emergency) detection
# --------------------------------------------------------------------------------------------

# Who is experiencing the symptom. "my husband", "his wife", "the patient", "I", "she" ...
_EXP = (
    r"(?:i|we|he|she|they|someone|somebody|"
    r"(?:my|his|her|their|our)\W+\w+|"
    r"(?:the|this|our)\W+(?:patient|baby|child|kid|person|man|woman|guy|lady|boy|girl))"
)
# Contractions that already carry subject + auxiliary ("I'm", "he's" ...), after apostrophe removal.
_EXP_AUX = r"(?:im|ive|hes|shes|theyre|theyve|weve)"
_VERB = (
    r"(?:am|is|are|has|have|having|got|getting|gets|feel|feels|feeling|experiencing|experience|"
    r"experiences|developed|developing|started|starting|starts|suffering|keep|keeps|cant|cannot|wont|"
    r"just|suddenly|now|still|seems|looks)"
)
# Words that turn "I have ... <symptom>" into talk ABOUT the symptom rather than having it.
_BLOCK = (
    r"(?:question|questions|asking|ask|asked|read|reading|heard|hear|wondering|wonder|curious|"
    r"worried|worry|worries|concerned|concern|concerns|afraid|scared|fear|fears|risk|risks|chance|"
    r"chances|history|report|reports|reported|cases|studies|study|trial|trials|data|info|"
    r"information|diagnosed|had|ever|previous|previously|never|no|not|without|sometimes|"
    r"occasional|occasionally|often|usually|always|every|learn|learned|know|knew|understand|"
    r"explain|mean|means|if|whether|because|seeing|seen|noticed|observed|treated|treating|"
    r"managing|manage|prevent|preventing|avoid|avoiding|lower|reduce|increase|increased)"
)
_CUE_BEFORE = re.compile(
    rf"\b(?:{_EXP}\W+(?:(?!{_BLOCK}\b)\w+\W+){{0,2}}?{_VERB}|{_EXP_AUX})"
    rf"(?:\W+(?!{_BLOCK}\b)\w+){{0,4}}\W*$"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|in case|whether|what if|suppose|supposing|imagine|hypothetically|whenever|unless|"
    r"when\W+(?:a|an|the)?\W*(?:patient|patients|people|person|someone|somebody|anyone|you|one)|"
    r"is it (?:dangerous|safe|bad|harmful|possible|risky) to)\b"
)
_INVERTED_QUESTION = re.compile(r"(?:^|\W)(?:can|could|would|will|might|may|does|do)\W+\w+")
_PRESENT_ANYWHERE = re.compile(
    r"\b(?:right now|just now|at the moment|as we speak|this minute|"
    r"for (?:the )?(?:last |past )?(?:about |over |almost |a few |several |\d+ |ten |twenty |thirty |an? )?"
    r"(?:minutes?|mins?|hours?)|"
    r"since (?:this morning|an hour ago|(?:\w+ ){0,2}?minutes? ago)|"
    r"started (?:\w+ ){0,2}?(?:minutes?|mins?|an hour) ago)\b"
)
_PRESENT_AFTER = re.compile(r"\b(?:now|currently|still)\b")
_PAST = re.compile(
    r"\b(?:ago|yesterday|last (?:night|week|month|year|time|infusion|dose)|in the past|previously|"
    r"history of|used to|years|months|as a child|childhood)\b"
)
_URGENT = re.compile(
    r"(?:^\W*help\b|\bhelp\s*!|\bhelp me\b|\bplease help\b|\b(?:someone|somebody|anyone) help\b|"
    r"\bhelp us\b|\bcan (?:someone|somebody|anyone|you) help\b|\bneed help (?:now|fast|asap)\b|"
    r"\bcall(?:ing)? (?:911|112|999|an ambulance)\b|\bhurry\b|\bsos\b)"
)

_POSS = r"(?:my|his|her|their|our|the patients|(?:my|his|her|our) \w+s)"


@dataclass(frozen=True)
class _Rule:
    """One red-flag pattern; ``strong`` means it carries its own first-person present framing."""

    category: str
    pattern: re.Pattern[str]
    strong: bool
    always: bool = False  # fire even inside a hypothetical (first-person suicidal statements)


def _rule(category: str, pattern: str, *, strong: bool, always: bool = False) -> _Rule:
    return _Rule(category, re.compile(pattern), strong, always)


_RULES: tuple[_Rule, ...] = (
    # ---- suicidal / self-harm
    _rule("suicidal", r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\b", strong=True, always=True),
    _rule("suicidal", r"\b(?:end|ending|take|taking) (?:my|it) (?:own )?(?:life|all)\b", strong=True, always=True),
    _rule(
        "suicidal",
        r"\b(?:i|im|i am)\W+(?:\w+\W+){0,2}?(?:want|wanna|wish|going|gonna|ready|planning|plan|need) "
        r"(?:to )?(?:die|be dead|not be alive|not wake up)\b",
        strong=True,
        always=True,
    ),
    _rule(
        "suicidal",
        r"\b(?:i|we)\W+(?:\w+\W+)?(?:dont|do not|no longer) want to (?:live|be alive|be here|wake up|go on)\b",
        strong=True,
        always=True,
    ),
    _rule("suicidal", r"\b(?:im|i am|i feel|i would be) better off dead\b", strong=True, always=True),
    _rule("suicidal", r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on)\b", strong=True),
    _rule(
        "suicidal",
        r"\b(?:wants?|wanted|going|gonna|planning|trying|tried|threatening|threatened|talking about|talks about|"
        r"thinking about|thinks about|says he wants|says she wants) (?:to )?(?:kill|hurt|harm) (?:himself|herself)\b",
        strong=True,
    ),
    _rule("suicidal", r"\b(?:he|she|they|my \w+) (?:\w+ ){0,2}?wants? to die\b", strong=True),
    _rule(
        "suicidal",
        r"\b(?:suicidal|suicide|self harm|self harming|selfharm|harming (?:myself|himself|herself))\b"
        r"(?! (?:risk|rates?|data|reports?|prevention|warnings?|in (?:the )?trials?))",
        strong=False,
    ),
    # ---- overdose / poisoning
    _rule(
        "overdose",
        r"\b(?:took|taken|swallowed|ate|drank|injected|given|gave (?:me|him|her|them)) "
        r"(?:\w+ ){0,3}?(?:too many|too much|way too much|an? (?:whole|entire|full) (?:bottle|pack|box)|"
        r"the (?:whole|entire) (?:bottle|pack|box)|all (?:of )?(?:my|his|her|the|their) "
        r"(?:pills|tablets|meds|medications?|medicines?))\b",
        strong=True,
    ),
    _rule("overdose", r"\b(?:took|swallowed) (?:way |far )?too (?:many|much)\b", strong=True),
    _rule(
        "overdose",
        r"\b(?:i|we|he|she|they|my \w+|someone|somebody)(?: \w+){0,2}? (?:overdosed|od)\b",
        strong=True,
    ),
    _rule(
        "overdose",
        r"\baccidentally (?:took|taken|got|given|gave|injected|received|swallowed|had)\b",
        strong=True,
    ),
    # ---- anaphylaxis / airway
    _rule(
        "anaphylaxis",
        rf"\b{_POSS} (?:throat|tongue|lips?|mouth|face|airway|eyes?)(?: and (?:throat|tongue|lips?|mouth|face))? "
        r"(?:\w+ ){0,2}?(?:swelling|swollen|swelled|closing|closed|tight|tightening|puffing|puffed|puffy|blowing up)\b",
        strong=True,
    ),
    _rule(
        "anaphylaxis",
        r"\b(?:throat|tongue|lips?|mouth|airway) (?:is|are|feels?|keeps?|started|starting|starts|getting|seems?|going) "
        r"(?:\w+ )?(?:swelling|swollen|closing|tight|tightening|puffing up)\b",
        strong=True,
    ),
    _rule(
        "anaphylaxis",
        r"\b(?:cant|cannot|can not|unable to|struggling to|struggle to|fighting to|barely) (?:\w+ )?breath(?:e|ing)?\b",
        strong=True,
    ),
    _rule("anaphylaxis", r"\bgasping for (?:air|breath)\b", strong=True),
    _rule(
        "anaphylaxis",
        r"\b(?:anaphylaxis|anaphylactic(?: shock| reaction)?|(?:severe |bad |serious )?allergic reaction|"
        r"(?:throat|tongue|lip|lips|face|facial) swelling|swollen (?:throat|tongue|lips?|face)|"
        r"(?:trouble|difficulty|problems?) breathing|hard to breathe|short(?:ness)? of breath|wheezing|wheezy)\b",
        strong=False,
    ),
    # ---- stroke
    _rule("stroke", r"\bworst headache (?:of|in) (?:my|his|her|their) life\b", strong=True),
    _rule(
        "stroke",
        rf"\b{_POSS} (?:face|mouth|smile) (?:is |looks |seems |started |has started |)(?:\w+ )?"
        r"(?:drooping|droopy|crooked|lopsided|sagging)\b",
        strong=True,
    ),
    _rule(
        "stroke",
        rf"\b{_POSS} (?:speech|words|voice) (?:is |are |seems |sounds |)(?:\w+ )?"
        r"(?:slurred|slurring|garbled|jumbled)\b",
        strong=True,
    ),
    _rule("stroke", r"\b(?:slurring|slurs) (?:my|his|her|their) (?:words|speech)\b", strong=True),
    _rule(
        "stroke",
        r"\b(?:cant|cannot|can not|unable to) (?:move|feel|lift|raise) (?:my|his|her|their) (?:left |right )?"
        r"(?:arm|leg|hand|face|side)\b",
        strong=True,
    ),
    _rule(
        "stroke",
        r"\b(?:suddenly|sudden) (?:went|gone|going|lost|lose|losing) (?:\w+ )?(?:blind|vision|sight)\b",
        strong=True,
    ),
    _rule("stroke", r"\b(?:cant|cannot) see (?:out of|in|with) (?:my|his|her|one) (?:left |right )?eye\b", strong=True),
    _rule(
        "stroke",
        r"\b(?:stroke|face (?:is )?drooping|facial droop|drooping face|slurred speech|slurring|"
        r"sudden (?:weakness|numbness|paralysis)|(?:weakness|numbness|paralysis) (?:on|in|of) "
        r"(?:one|my|his|her|the left|the right) side|one side of (?:my|his|her) (?:body|face)|"
        r"sudden (?:vision loss|loss of vision|blindness)|worst headache)\b",
        strong=False,
    ),
    # ---- chest pain / heart attack
    _rule(
        "chest_pain",
        rf"\b{_POSS} chest (?:is |feels |keeps )?(?:\w+ )?(?:hurts|hurting|tight|tightening|heavy|crushing|squeezing|"
        r"pounding|on fire|burning|pain|pains)\b",
        strong=True,
    ),
    _rule(
        "chest_pain",
        r"\bpain (?:\w+ ){0,2}?(?:spreading|radiating|going|shooting) (?:down|to|into|up) (?:my|his|her) (?:left )?"
        r"(?:arm|jaw|neck)\b",
        strong=True,
    ),
    _rule(
        "chest_pain",
        r"\b(?:chest (?:pain|pains|pressure|tightness|heaviness|discomfort)|pain in (?:my|his|her|the) chest|"
        r"heart attack|cardiac arrest)\b",
        strong=False,
    ),
    # ---- seizure
    _rule(
        "seizure",
        r"\b(?:seizure|seizures|seizing|fit|fits|convulsions?|convulsing|jerking)\W+(?:\w+\W+)?"
        r"(?:wont|will not|isnt|is not|hasnt|has not|not) (?:\w+ )?(?:stop|stopping|stopped|ending|ended)\b",
        strong=True,
    ),
    _rule(
        "seizure",
        r"\b(?:im|hes|shes|theyre|i am|he is|she is|they are|(?:my|his|her|the|this|our) \w+ is) (?:\w+ )?"
        r"(?:having (?:a |another )?(?:seizure|fit|convulsion)s?|seizing|convulsing|fitting)\b",
        strong=True,
    ),
    _rule("seizure", r"\b(?:seizure|seizures|seizing|convulsions?|convulsing|fitting)\b", strong=False),
    # ---- unconscious / unresponsive
    _rule(
        "unconscious",
        r"\b(?:isnt|is not|not|arent|are not) (?:\w+ )?(?:waking up|responding|breathing|conscious)\b"
        r"(?! (?:to|well)\b)",
        strong=True,
    ),
    _rule(
        "unconscious",
        r"\b(?:wont|will not|cant|cannot|can not) (?:\w+ )?(?:wake (?:up|him|her|them)|respond|come to)\b(?! to\b)",
        strong=True,
    ),
    _rule(
        "unconscious",
        r"\b(?:he|she|they|i|my \w+|the patient)\W+(?:just\W+|suddenly\W+|has\W+|have\W+)?"
        r"(?:collapsed|stopped breathing|turned blue|went limp)\b",
        strong=True,
    ),
    _rule(
        "unconscious",
        r"\b(?:unconscious|unresponsive|not conscious|limp|turning blue|blue lips|lips are blue|passed out|"
        r"collapsed)\b",
        strong=False,
    ),
    # ---- severe bleeding
    _rule(
        "bleeding",
        r"\b(?:cant|cannot|can not|wont|will not|isnt|is not) (?:\w+ )?stop(?:ping)? (?:the |his |her |my )?bleeding\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        r"\b(?:bleeding|blood) (?:\w+ )?(?:wont|will not|isnt|is not|hasnt|has not) (?:\w+ )?stop(?:ping|ped)?\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        r"\b(?:blood everywhere|pool of blood|soaked (?:through )?with blood|spurting blood)\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        r"\b(?:bleeding (?:really |very |so )?(?:heavily|a lot|badly|profusely|everywhere|nonstop|non stop)|"
        r"heavy bleeding|severe bleeding|massive bleeding|vomiting blood|throwing up blood|coughing up blood|"
        r"(?:lot|lots) of blood)\b",
        strong=False,
    ),
    # ---- fever with stiff neck / confusion (meningitis / serious infection on an immunosuppressant)
    _rule(
        "fever_stiff_neck",
        r"\bfever\b(?:\W+\w+){0,8}?\W+(?:stiff neck|neck is stiff|neck stiffness|confused|confusion)\b|"
        r"\b(?:stiff neck|neck is stiff|neck stiffness)\b(?:\W+\w+){0,8}?\W+(?:high )?fever\b",
        strong=False,
    ),
)


def _is_hypothetical(prefix: str) -> bool:
    """True when the text before a match frames it as "if / in case / suppose / when a patient ..."."""
    return bool(_HYPOTHETICAL.search(prefix))


def _is_inverted_question(prefix: str) -> bool:
    """True for possibility questions such as "can I get ...", "will he have ...", "does it ...".

    Only the current clause counts, so "Can you help, I'm having chest pain" is not suppressed.
    """
    clause = re.split(r"[,:]", prefix)[-1].strip()
    return bool(_INVERTED_QUESTION.match(clause))


def _has_present_marker(sentence: str, start: int) -> bool:
    """Time words that place the symptom in the present ("right now", "... now", "for 20 minutes")."""
    return bool(_PRESENT_ANYWHERE.search(sentence) or _PRESENT_AFTER.search(sentence, start))


def _has_experiencer_cue(prefix: str) -> bool:
    """An experiencer + present verb within a few words before the symptom ("my wife is having a")."""
    tail = " ".join(prefix.split()[-12:])
    return bool(_CUE_BEFORE.search(tail + " "))


def _fires(rule: _Rule, sentence: str, start: int, urgent: bool) -> bool:
    """Apply the strong/context rule described in the module docstring to one match."""
    prefix = sentence[:start]
    present = _has_present_marker(sentence, start)
    if rule.always:
        return True
    if _is_hypothetical(prefix) and not (present or urgent):
        return False
    if rule.strong:
        return True
    if _is_inverted_question(prefix) and not (present or urgent):
        return False
    if present or urgent:
        return True
    return _has_experiencer_cue(prefix) and not _PAST.search(sentence)


def detect_emergency(text: str) -> str | None:
    """Return the red-flag category for a message describing an emergency now, else None."""
    norm = _normalise(text)
    if not norm:
        return None
    urgent = bool(_URGENT.search(norm))
    sentences = _sentences(norm)
    for rule in _RULES:
        for sentence in sentences:
            for match in rule.pattern.finditer(sentence):
                if _fires(rule, sentence, match.start(), urgent):
                    return rule.category
    return None


# --------------------------------------------------------------------------------------------
# Personal dose-request detection
# --------------------------------------------------------------------------------------------

_PERSON_NOUN = (
    r"(?:son|daughter|child|children|kid|kids|baby|husband|wife|partner|spouse|mom|mum|mother|dad|father|"
    r"patient|brother|sister|friend|teen|teenager|toddler|grandma|grandpa|grandmother|grandfather|boy|girl|"
    r"infant|parent|aunt|uncle|niece|nephew|client|resident)"
)
_WEIGHT_AGE = r"(?:\d+\W*(?:kg|kgs|kilos?|lb|lbs|pounds?|years?\W+old|year|yr|yrs|yo|months?\W+old)\W+)"
_SUBJ_D = (
    rf"(?:i|we|he|she|they|(?:my|our|this|his|her)\W+{_WEIGHT_AGE}?{_PERSON_NOUN}|"
    r"my\W+\d+\W*(?:year|yr|month)s?\W+old|"
    rf"(?:a|the)\W+\d+\W*(?:kg|kgs|lb|lbs|year\W+old)\W+{_PERSON_NOUN})"
)
_PERSON_OBJ = rf"(?:me|myself|him|her|us|them|{_SUBJ_D})"
_MODAL = r"(?:should|shall|can|could|do|does|must|would|will|may|ought\W+to)"
_TAKE = (
    r"(?:take|get|receive|use|inject|give|administer|infuse|be\W+given|be\W+taking|need|start|start\W+with|"
    r"start\W+on|have\W+to\W+take)"
)
_DOSE_NOUN = (
    r"(?:dose|doses|dosage|dosages|infusion|infusions|injection|injections|shot|shots|medication|medicine|"
    r"meds|ocrevus|ocrelizumab|zunovo|treatment|\d+\W*mg)"
)
_CHANGE = (
    r"(?:double|triple|halve|half|split|skip|miss|delay|postpone|push\W+back|move|space\W+out|stretch\W+out|"
    r"stretch|increase|decrease|reduce|lower|raise|up|adjust|change|stop|cut|taper|repeat|redo|bring\W+forward|"
    r"take\W+(?:an\W+)?extra|take\W+more|take\W+less|take\W+half|take\W+(?:my|his|her)\W+next|"
    r"give\W+myself|give\W+(?:him|her)|inject\W+myself|infuse\W+myself|self\W+administer|self\W+inject|"
    r"double\W+up\W+on)"
)
_OK_TO = (
    r"(?:is\W+it\W+(?:ok|okay|safe|fine|alright|all\W+right|possible|bad|dangerous|better|wise)\W+"
    r"(?:to|if\W+i|if\W+we|for\W+me\W+to|for\W+(?:him|her)\W+to)|am\W+i\W+allowed\W+to|"
    r"do\W+i\W+(?:need|have)\W+to)"
)
_QUANTITY = (
    r"(?:\d+|more|less|extra|another|a\W+second|an\W+extra|half|a\W+higher|a\W+lower|a\W+bigger|a\W+smaller|"
    r"the\W+higher|the\W+lower|a\W+double|double|twice|a\W+different)"
)
_NOT_DOSE_HOW_MUCH = (
    r"(?!\W+(?:time|longer|later|earlier|sooner|money|infusions|times|years|months|weeks|days|hours|minutes|"
    r"visits|appointments|treatments|courses|people|patients)\b)"
)

_DOSE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # "How much Ocrevus should I take?", "how many mg should my daughter get"
        rf"\bhow\W+(?:much|many){_NOT_DOSE_HOW_MUCH}(?:\W+\w+){{0,4}}?\W+{_MODAL}\W+{_SUBJ_D}"
        rf"(?:\W+\w+){{0,2}}?\W+{_TAKE}\b",
        # "How much should I give my patient?" -- giver is "I", receiver is a person object
        rf"\bhow\W+(?:much|many){_NOT_DOSE_HOW_MUCH}(?:\W+\w+){{0,3}}?\W+{_MODAL}\W+(?:i|we)\W+"
        rf"(?:give|administer|infuse|inject)\W+{_PERSON_OBJ}\b",
        # "What dose should I give my 50 kg patient?", "Which dose should I start with?"
        rf"\b(?:what|which)\W+(?:\w+\W+)?(?:dose|dosage|amount|strength|quantity|mg|milligrams)"
        rf"(?:\W+of\W+\w+)?\W+{_MODAL}\W+{_SUBJ_D}(?:\W+\w+){{0,2}}?\W+(?:{_TAKE}|have)\b",
        # "What's the right dose for me?", "Is the standard dose ok for me?", "dose for my 40 kg son"
        rf"\b(?:dose|dosage|amount|how\W+much|how\W+many\W+mg)\W+(?:\w+\W+){{0,3}}?for\W+{_PERSON_OBJ}\b",
        # "Can I double my dose?", "Should I skip my next infusion?", "Can I split the 600 mg dose ..."
        rf"\b{_MODAL}\W+{_SUBJ_D}\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,4}}?{_DOSE_NOUN}\b",
        # "Is it ok to skip my next infusion?", "Is it safe to delay my next dose?"
        rf"\b(?:{_OK_TO}|{_MODAL})\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,2}}?"
        rf"(?:my|his|her|our|this\W+patients|my\W+\w+s)\W+(?:\w+\W+){{0,2}}?{_DOSE_NOUN}\b",
        # "Is it okay if I stop my infusions?" / "Do I need to take a higher dose?"
        rf"\b{_OK_TO}\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,3}}?{_DOSE_NOUN}\b",
        rf"\b{_OK_TO}\W+(?:take|get|receive|use)\W+{_QUANTITY}\b",
        # "I want to skip my next infusion", "I plan to give myself the shot"
        rf"\b{_SUBJ_D}\W+(?:\w+\W+){{0,2}}?(?:want|wants|plan|plans|planning|going|gonna|would\W+like|need|needs|"
        rf"thinking\W+of|thinking\W+about|decided|intend|intending)\W+(?:to\W+)?{_CHANGE}\W+(?:\w+\W+){{0,4}}?"
        rf"{_DOSE_NOUN}\b",
        # "Should I take 300 mg or 600 mg?", "Can I take an extra dose?"
        rf"\b(?:should|shall|can|could|may|must)\W+{_SUBJ_D}\W+(?:take|get|receive|use|be\W+given|go\W+with|"
        rf"start\W+with|start\W+on|switch\W+to)\W+{_QUANTITY}\b",
        # Self-administration: "give myself the infusion", "I self-inject"
        r"\b(?:give|inject|infuse|administer|do)\W+(?:it\W+to\W+|the\W+\w+\W+to\W+)?myself\b",
        r"\b(?:give|inject|infuse|administer)\W+(?:\w+\W+){0,3}?(?:to\W+)?myself\b",
        rf"\b(?:i|we|{_SUBJ_D})\W+(?:\w+\W+){{0,2}}?self\W+(?:administer|inject|infuse)\w*",
        # "adjust my dose", "lower his dosage" (imperative or statement about a specific person's dose)
        r"\b(?:adjust|change|increase|decrease|lower|reduce|raise|double|halve|cut|split)\W+"
        r"(?:my|his|her|our|my\W+\w+s|this\W+patients)\W+(?:\w+\W+)?(?:dose|doses|dosage|infusion\W+dose)\b",
        # Missed / skipped a dose + a question about what to do now
        rf"\b(?:i|we|he|she|they|{_SUBJ_D})\W+(?:\w+\W+){{0,2}}?(?:missed|skipped|forgot|delayed|postponed|"
        rf"didnt\W+get|did\W+not\W+get|never\W+got)\W+(?:\w+\W+){{0,3}}?{_DOSE_NOUN}\b"
        r".*\b(?:what|how|when|should|can|do|does|now)\b",
    )
)
_PRONOUN_FOLLOW_UP = re.compile(
    rf"\b(?:{_MODAL}|{_OK_TO})\W+(?:{_SUBJ_D}\W+)?(?:\w+\W+)?{_CHANGE}\W+(?:it|that|this|them|the\W+next\W+one)\b"
)
_DOSE_TOPIC = re.compile(r"\b(?:dose|doses|dosage|dosing|mg|infusion|infusions|injection|shot|ocrevus|ocrelizumab)\b")


def detect_dose_request(text: str) -> bool:
    """True when the user asks for a personal dose or to change/self-administer a specific dose."""
    norm = _normalise(text)
    return any(p.search(norm) for p in _DOSE_PATTERNS)


def _is_dose_follow_up(question: str, history: Sequence[str]) -> bool:
    """ "Can I double it?" after a turn about a dose: the pronoun refers to that dose."""
    if not _PRONOUN_FOLLOW_UP.search(_normalise(question)):
        return False
    return any(_DOSE_TOPIC.search(_normalise(turn)) for turn in history[-3:])


# --------------------------------------------------------------------------------------------
# Fixed user-facing text
# --------------------------------------------------------------------------------------------

_EMERGENCY_NUMBER = "call your local emergency number now (e.g. 911 in the US, 112 in the EU, 999 in the UK)"

_DISCLAIMERS: dict[str, str] = {
    "clinician": (
        "For healthcare professionals. citebot summarises the cited sources; verify against the primary sources "
        "and the current product label before acting. It is not a substitute for clinical judgement."
    ),
    "patient": (
        "This is general information, not medical advice. Talk to your doctor, nurse or pharmacist about your own "
        "situation. In an emergency, call your local emergency number."
    ),
}


def disclaimer(audience: Audience) -> str:
    """Fixed disclaimer shown with every answer, worded for the audience (never model-generated)."""
    return _DISCLAIMERS["clinician" if audience == "clinician" else "patient"]


def emergency_message(category: str, audience: Audience) -> str:
    """Fixed text for an emergency; citebot does not answer the question itself."""
    if audience == "clinician":
        opening = (
            f"This may be a medical emergency. Follow your local emergency protocol, or {_EMERGENCY_NUMBER}. "
            "citebot cannot assess or manage emergencies."
        )
    else:
        opening = (
            f"This may be a medical emergency. Please {_EMERGENCY_NUMBER}. "
            "citebot cannot help in an emergency, so it will not answer this question."
        )
    extra = ""
    if category == "suicidal":
        extra = (
            " If you are thinking about suicide or harming yourself, or someone else is, contact a crisis line now: "
            "call or text 988 (988 Suicide & Crisis Lifeline) in the US, or your local crisis line. "
            "If there is immediate danger, call your local emergency number. You are not alone."
        )
    elif category == "anaphylaxis":
        extra = (
            " If this is happening during or after an infusion, tell the infusion staff immediately; "
            "if you are not at the infusion centre, call your local emergency number."
        )
    elif category == "overdose":
        extra = (
            " Also contact poison control (1-800-222-1222 in the US, or your local poison centre). "
            "Keep the medicine packaging with you."
        )
    elif category == "stroke":
        extra = " Note the time the symptoms started; do not wait to see whether they pass."
    elif category == "chest_pain":
        extra = " Do not drive yourself to hospital."
    return opening + extra


def decline_message(audience: Audience) -> str:
    """Fixed text for personal dosing requests: the prescriber decides, citebot explains the label."""
    if audience == "clinician":
        return (
            "citebot does not make patient-specific dosing recommendations: the dose for an individual patient is "
            "decided by the prescriber using the product label and clinical judgement. citebot can explain the "
            "labelled dosing schedule in general, with citations, if you ask about that."
        )
    return (
        "citebot can't tell you how much to take, or whether to change, skip, delay or give yourself a dose: "
        "those decisions are made by the person who prescribes your medicine. Please ask your care team "
        "(doctor, nurse or pharmacist). citebot can explain the labelled dosing schedule in general if you ask "
        "about that."
    )


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def check(question: str, audience: Audience, history: Sequence[str] = ()) -> SafetyVerdict:
    """Run validate -> emergency -> dose request; an emergency always wins over a dose request."""
    verdict = validate_question(question)
    if verdict.kind != "ok":
        return verdict
    category = detect_emergency(question)
    if category is not None:
        return SafetyVerdict(kind="emergency", category=category, message=emergency_message(category, audience))
    if detect_dose_request(question) or _is_dose_follow_up(question, history):
        return SafetyVerdict(kind="dose_request", category="dose_request", message=decline_message(audience))
    return OK
