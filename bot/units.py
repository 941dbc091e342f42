"""Answerable units: the pieces of a passage that can be quoted as a claim on their own.

Real documents (package leaflets, NIH pages) are not written to be quoted sentence by sentence:
headings run into the text that follows them ("Breast-feeding Kesimpta can pass into breast
milk."), a list lead-in says nothing without its items ("... any of these signs of infection:"),
tables flatten into rows of cells, and headings are not claims. This module turns a passage into
units that stand alone, each with its exact character span in the passage (for the citation
highlight) and the heading it sits under (which often says what the unit is about).

Done at answer time rather than at ingest, so existing indexes keep working and the spans stay
offsets into the very passage text that is cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.listing import joined_list
from bot.text import sentences

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
# Words that open a sentence; one of them capitalised mid-"sentence" marks the end of a run-in heading.
_OPENERS = frozenset(
    """you your if the this these those it its do don't tell talk before after during when there some like store
    keep to continue a an in always never other ask use check each most many we our they he she patients
    people children adults treatment symptoms""".split()
)
_PREPOSITIONS = frozenset("in on at for with during after before from to by of as under".split())
# Words that lead into a sentence's own first phrase, never a leaflet label: question words, conjunctions,
# quantifiers and the adjectives of a comparison ("Low IgG ...", "Most Ocrevus ...").
_SENTENCE_LEADS = _PREPOSITIONS | frozenset(
    """what how why when where which who whose whether because although though since while unless until once
    all any both each every few many more most much no none several some such low high lower higher less""".split()
)
_FUNCTION = frozenset(
    "a an the of and or with to for in on at by from as is are be your you under about than into over see".split()
)
# words that lead into the name after them ("Medicines like Ocrevus can ...") as prepositions do
_LEADS_INTO_NAME = frozenset("like unlike including without between against within besides beyond via per".split())
# a sentence whose subject, a table or figure reference, was lost in conversion ("Table 18.5 lists examples ..." read as
# "... virulence. lists examples ..."): the splitter, seeing a lower-case word, keeps it in the sentence before
_DANGLING_REFERENCE = re.compile(
    r"\.\s+(?:lists|shows|summari[sz]es|compares|illustrates|describes|outlines|depicts)\b[^.]*\.", re.IGNORECASE
)
_DETERMINERS = frozenset("the a an your their his her its this that these those my our".split())
MAX_RUN_IN_LABEL_WORDS = 6  # a leaflet label before the product's name ("Driving and using machines")
_VERB_WORDS = (
    r"is|are|was|were|be|been|being|am|can|cannot|could|may|might|will|would|shall|should|must|has|have|had"
    r"|do|does|did|don't|doesn't|isn't|aren't|won't|get|gets|got|need|needs|take|takes|tell|talk|ask|keep|store"
    r"|use|stop|contact|call|go|avoid|give|make|makes|see|let|check|continue|wait|inject|read|include|includes"
    r"|occur|occurs|cause|causes|affect|affects|contain|contains|help|helps|become|becomes|seem|seems"
)
_VERB = re.compile(rf"\b(?:{_VERB_WORDS})\b", re.IGNORECASE)
_VERBISH = re.compile(rf"\b(?:{_VERB_WORDS})\b|\b\w{{3,}}(?:ed|es)\b", re.IGNORECASE)
_LINK = re.compile(r"(?:^|\s-\s|^-\s)[A-Z][\w.&' ]{2,40}:\s")
MAX_ITEMS = 12
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# what ends an item as the list runs on ("if you have a severe infection,", "... your immune system, or")
_ITEM_END = re.compile(r"(?:[\s.;,]+(?:or|and))?[\s.;,]*$")
# A package leaflet's frequency classes (the EU template's wording), which a converted leaflet may glue to the
# end of the last item before them: "- cough Common (may affect up to 1 in 10 people)".
_CLASS = (
    r"(?:Very common|Common|Uncommon|Rare|Very rare|Not known)\s*"
    r"\((?:may affect|may occur|it is not known|frequency|not known)[^)]*\)"
)
_FREQUENCY_CLASS = re.compile(rf"\s({_CLASS})$")
# ... or list as an item of its own ("- Very common (may affect more than 1 in 10 people)"), heading the items after it
_CLASS_ITEM = re.compile(rf"{_CLASS}:?")
_CLASS_NAME = re.compile(r"(?:^|— )(Very common|Common|Uncommon|Rare|Very rare|Not known)\s*\(")
# The classes a question names: "most common", "really common" and "most frequent" ask for the commonest class, a bare
# "common" ("which common side effects") for the two common ones, as everyday speech uses it.
_CLASS_ASKED = (
    ("very common", re.compile(r"\b(?:very|really|most|the most) common\b|\bmost frequent\b", re.I)),
    ("uncommon", re.compile(r"\buncommon\b", re.I)),
    ("very rare", re.compile(r"\bvery rare\b", re.I)),
    ("rare", re.compile(r"(?<!very )\brare\b", re.I)),
)
_BARE_COMMON = re.compile(r"(?<!very )(?<!really )(?<!most )(?<!how )(?<!\bun)\bcommon(?:ly)?\b", re.I)


def frequency_class(lead: str) -> str:
    """The frequency class a list's lead-in names ("very common"), or "" for a lead-in that names none."""
    m = _CLASS_NAME.search(lead)
    return m.group(1).lower() if m else ""


def classes_asked(question: str) -> frozenset[str]:
    """The frequency classes a question asks for ("Very common AEs with X?"), empty when it names none; a
    question asking for a class is not answered from the items of another ("Common (…): oral herpes")."""
    found = {name for name, rx in _CLASS_ASKED if rx.search(question)}
    if _BARE_COMMON.search(question):
        found |= {"very common", "common"}
    if "rare" in found:
        found.add("very rare")
    return frozenset(found)


# A section named by a question (MedQuAD's "What is (are) X ?", "Do you have information about X"): no lead-in
_ASKED = re.compile(r"\?$|^(?:do|does|is|are|can)\b", re.IGNORECASE)
NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[A-Z][.)])\s+")  # "3. ", "4.1 ", "B) " before a heading
SHORT_ITEM_WORDS = 14  # items this short are joined with their lead-in into one unit
VERBLESS_CLAIM_WORDS = 7  # a sentence this long is a claim even where no verb is seen (a verb list cannot be complete)


@dataclass(frozen=True)
class AnswerUnit:
    """A quotable claim: ``text`` reads on its own; ``start:end`` is its exact span in the passage."""

    text: str
    start: int
    end: int
    heading: str = ""  # the (run-in) heading it sits under, "" if none
    position: int = 0  # order among the passage's units: sources put the key statement first
    lead: str = ""  # a list item's lead-in, which ``text`` opens with ("... signs of infection"); "" if none
    items: tuple[str, ...] = ()  # the list's items ``text`` states after the lead-in, as written


def has_verb(text: str) -> bool:
    return bool(_VERBISH.search(text))


# a sentence that opens by sending the reader elsewhere in the document ("See section 4", "Refer to section 2.")
_CROSS_REFERENCE = re.compile(r"(?:see|refer to)\s+(?:also\s+)?(?:sections?|part|table|chapter)\s+\d", re.IGNORECASE)


# a sentence that only says where something is told ("The side effects of Kesimpta are listed below.", "Its storage
# is described in section 5."): its subject, then a pointer and nothing more; it answers no question about the subject
_POINTER = re.compile(
    r"^(?P<subject>[^,;:()]{2,100}?)\s+(?:is|are)\s+(?:(?:also|further)\s+)?(?:listed|described|shown|explained|given"
    r"|summari[sz]ed|set out|detailed)\s+(?:below|above|later|overleaf|in\s+(?:this|the following)\s+"
    r"(?:leaflet|section|document|page|table)|in\s+(?:sections?|parts?|tables?|chapters?)\s+\d[\d.]*)[\s.]*$",
    re.IGNORECASE,
)


def _points_elsewhere(text: str) -> bool:
    """A sentence that sends the reader to another part of the document: one opening "See section N …" ("See section 2
    Shingrix contains sodium ...") or one whose only statement is where the document tells something ("The side
    effects of Kesimpta are listed below."): where to read, not what is true."""
    if _CROSS_REFERENCE.match(text):
        return True
    m = _POINTER.match(text)
    return m is not None and not has_verb(m.group("subject"))


def is_claim(text: str) -> bool:
    """A full sentence: ends like one, has a verb, and is more than a label or a list of links."""
    bare = text.strip()
    if len(_LINK.findall(bare)) >= 2:
        return False  # "- Genetic Testing Registry: X - MedlinePlus Encyclopedia: Y": where to read, not what is true
    if _points_elsewhere(bare):
        return False
    words = len(bare.split())
    # only short sentences must show a verb ("Fever or chills.")
    return (
        words >= 4
        and bool(_TERMINAL.search(bare))
        and (words >= VERBLESS_CLAIM_WORDS or has_verb(bare))
        and not bare.endswith("?")
    )


def split_run_in(text: str, context: str = "") -> tuple[str, int]:
    """("If you forget to use Kesimpta To get the full benefit ...") → ("If you forget to use Kesimpta", offset).

    A heading is glued to its text when a capitalised word that usually opens a sentence follows a
    short capitalised phrase with no punctuation between; a proper noun ("Breast-feeding Kesimpta
    can ...") counts when the phrase before it is at most four words and does not end in a function
    word. Returns ("", 0) when there is no run-in heading.
    """
    context = context or text
    words = list(re.finditer(r"\S+", text))
    if len(words) < 3 or not words[0].group(0)[:1].isupper():
        return "", 0
    proper: tuple[str, int] | None = None
    for i in range(1, min(len(words) - 1, 12)):
        word = words[i].group(0)
        prev = words[i - 1].group(0)
        if not word[:1].isupper() or re.search(r"[.:;,!?)\]]$", prev):
            continue
        if _restates_name(words, i, text) and is_claim(text[words[i].start() :]):
            return text[: words[i - 1].end()], words[i].start()
        if prev.lower() in _FUNCTION:
            continue
        opener = word.lower().rstrip(",") in _OPENERS
        if not opener and prev[:1].isupper() and i > 1:
            continue  # "Multiple Sclerosis", "Guillain-Barré Syndrome": a name, not a boundary
        if not is_claim(text[words[i].start() :]):
            continue
        head = text[: words[i - 1].end()]
        if opener:
            return head, words[i].start()
        if (
            proper is None
            and _is_run_in_label(head, text[words[i].end() :])
            and word.isalpha()
            and not word.isupper()  # an acronym sits mid-sentence: "The first reported PML case ..."
            # a proper noun the passage repeats ("Kesimpta"), but not as part of a repeated name
            and context.count(word) >= 2
            and context.count(f"{prev} {word}") <= 1
        ):
            proper = (head, words[i].start())
    if proper:
        return proper
    return "", 0


def _restates_name(words: list[re.Match[str]], i: int, text: str) -> bool:
    """A leaflet heading naming the product, then the sentence naming it again: "How Shingrix works Shingrix
    reminds ...", "What Kesimpta is used for Kesimpta is used to treat ...". The heading is a noun phrase or one of
    the template's "What/How" titles: a verb in any other head means the name is the sentence's own object
    ("Ocrevus Zunovo carries the same warnings as IV Ocrevus ...")."""
    word = words[i].group(0)
    head = text[: words[i - 1].end()]
    return (
        i <= 8
        and word.isalpha()
        and not word.isupper()
        and word in {w.group(0) for w in words[: i - 1]}
        and words[i + 1].group(0)[:1].islower()
        and (words[0].group(0).lower() in {"what", "how"} or not _VERBISH.search(head))
    )


def _is_run_in_label(head: str, after_name: str) -> bool:
    """Whether ``head`` before a proper noun is a leaflet label ("Breast-feeding Kesimpta can pass ...") rather than
    the opening of the sentence itself: the name must start a clause (a verb follows it), and a one-word head must
    not be one that leads into a noun phrase ("Low IgG on Ocrevus is ...", "Because Ocrevus is given ...", "What
    Kesimpta is used for"), an acronym ("IV Ocrevus"), or a participle ("Reported Ocrevus infusion reactions ...").
    A longer head ("Driving and using machines Kesimpta is unlikely ...", "Complications related to shingles
    Shingles may ...") is a label only in plain words with no verb, determiner, figure, comma or name inside, not
    opening a sentence, and not ending in a word that leads into the name ("Medicines like Ocrevus can ...",
    "B-cell recovery after Ocrevus is ..."): the sentences' own openings ("Across all Ocrevus trial exposure ...",
    "Premedication before every Ocrevus infusion lowers ...") fail the clause test or these."""
    label = head.strip()
    words = label.split()
    if len(words) > 1:
        return (
            len(words) <= MAX_RUN_IN_LABEL_WORDS
            and all(re.fullmatch(r"[A-Za-z][a-z-]*", w) and w.lower() not in _DETERMINERS for w in words)
            and words[0].lower() not in _SENTENCE_LEADS | _OPENERS
            and words[-1].lower() not in _FUNCTION | _SENTENCE_LEADS | _LEADS_INTO_NAME
            and not _VERB.search(label)
            and not any(w[:1].isupper() for w in words[1:])
            and _starts_clause(after_name)
        )
    if label.isupper() or label.lower() in _SENTENCE_LEADS or re.search(r"(?:ed|ly)$", label):
        return False
    return _starts_clause(after_name)


def _starts_clause(after_name: str) -> bool:
    """Whether the words after a name open a clause with it as subject: a verb comes next ("... can pass")."""
    nxt = after_name.split(maxsplit=1)
    return bool(nxt) and bool(_VERBISH.fullmatch(nxt[0].strip(",;")))


def _is_item(text: str, raw: str) -> bool:
    """A list item: bulleted, or a short unpunctuated line starting in lower case."""
    if _BULLET.match(raw):
        return True
    return len(text.split()) <= SHORT_ITEM_WORDS and not _TERMINAL.search(text) and text[:1].islower()


def _is_lead_in(text: str) -> bool:
    """ "... any of these signs of infection:" or a verbless label such as "Very common (may affect ...)"."""
    bare = text.rstrip()
    return bare.endswith(":") or (not _TERMINAL.search(bare) and len(bare.split()) <= 14)


def _class_lead(lead: str, cls: str) -> str:
    """The lead-in of the items under a frequency class: the class, after the list's own lead-in unless that is a
    class itself ("The following infections have been seen ... — Common (may affect up to 1 in 10 people)")."""
    if not lead or _CLASS_ITEM.fullmatch(lead) or len(lead.split()) > 25:
        return cls
    return f"{lead} — {cls}"


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """Sentence spans grouped by line: a bullet with two sentences is one list item."""
    out: list[list[tuple[int, int]]] = []
    last = None
    for s, e in sentences(text):
        if last is not None and "\n" not in text[last:s]:
            out[-1].append((s, e))
        else:
            out.append([(s, e)])
        last = e
    return out


def _clean(raw: str) -> str:
    return " ".join(_BULLET.sub("", raw).replace("**", "").split())


@lru_cache(maxsize=4096)
def units(text: str, label: str = "") -> tuple[AnswerUnit, ...]:
    """The passage's answerable units, in order (cached: passages recur across questions).

    ``label`` names the passage's section: a passage that opens inside a list (its chunk began after the
    list's lead-in) reads those items under it ("Possible side effects: cough; ...").
    """
    blocks = _blocks(text)
    out: list[AnswerUnit] = []
    heading = ""

    def add(unit_text: str, start: int, end: int, lead: str = "", items: tuple[str, ...] = ()) -> None:
        out.append(AnswerUnit(unit_text, start, end, heading, len(out), lead, items))

    def sentence(start: int, end: int) -> None:
        nonlocal heading
        dangling = _DANGLING_REFERENCE.search(text, start, end)
        if dangling:
            end = dangling.start() + 1  # "... virulence. lists examples live attenuated vaccines.": the table is gone
        raw = text[start:end]
        body = _clean(raw)
        head, cut = split_run_in(body, text)
        if head:
            heading, body = head, body[cut:]
            start += max(raw.find(body[:20]), 0)
        if is_claim(body):
            add(body, start, end)
        elif not head and body[:1].isupper() and not body.endswith(":") and len(body.split()) <= 14:
            heading = body  # a heading line: context for the units under it, never a claim

    def first(b: list[tuple[int, int]]) -> str:
        return _clean(text[b[0][0] : b[0][1]])

    def bulleted(b: list[tuple[int, int]]) -> bool:
        return bool(_BULLET.match(text[slice(*b[0])]))

    def list_items(lead: str, items: list[list[tuple[int, int]]], lead_start: int, own: bool = True) -> None:
        """A list read with its lead-in. A frequency class ("Very common (may affect more than 1 in 10 people)")
        listed as an item, or glued to an item's end, leads the items after it: it is what "how common" asks. It is
        read after the list's ``own`` lead-in, not after the section's name that stands in for a lead-in the chunk
        before holds."""
        outer = lead if own else ""

        def stands(joined: str) -> bool:
            """A claim; under the section's name, one of full length: the overlapping chunk before holds a short
            item with its own lead-in ("Possible side effects: oral herpes." is "Common (…): oral herpes.")."""
            return is_claim(joined) and (own or len(joined.split()) >= VERBLESS_CLAIM_WORDS)

        groups: list[tuple[str, int, list[tuple[str, list[tuple[int, int]]]]]] = [(lead, lead_start, [])]
        for b in items:
            item = _ITEM_END.sub("", first(b))
            if _CLASS_ITEM.fullmatch(item):
                groups.append((_class_lead(outer, item.rstrip(":")), b[0][0], []))
                continue
            glued = _FREQUENCY_CLASS.search(item)
            if glued and glued.start() > 0:
                groups[-1][2].append((item[: glued.start()].rstrip(" .;"), b))
                at = text.rfind(glued.group(1).split()[0], b[0][0], b[0][1])
                groups.append((_class_lead(outer, glued.group(1)), at if at >= 0 else b[0][1], []))
            else:
                groups[-1][2].append((item, b))
        for name, start, members in groups:
            if not members:
                continue  # a class with no item under it (the chunk ends there) is never shown alone
            firsts = [item for item, _ in members]
            blocks_ = [b for _, b in members]
            if all(len(b) == 1 for b in blocks_) and max(len(f.split()) for f in firsts) <= SHORT_ITEM_WORDS:
                joined = joined_list(name, firsts)
                if stands(joined):  # not "Possible side effects: flu.", a chunk's one item before a class
                    add(joined, start, blocks_[-1][-1][1], name, tuple(firsts))
                continue
            for item, b in members:  # long items stand alone, the first sentence read with its lead-in
                said = item if item[1:2].isupper() else item[:1].lower() + item[1:]  # "CT scan", "RBC - ..." keep caps
                joined = f"{name}: {said}" if len(name.split()) <= 25 else item
                joined = joined if _TERMINAL.search(joined) else joined + "."
                if stands(joined):  # a lone item's span takes its lead-in, so the highlight shows what is said
                    at = start if len(members) == 1 and joined.startswith(name) else b[0][0]
                    add(joined, at, b[0][1], name if joined.startswith(name) else "", (item,))
                for s, e in b[1:]:
                    sentence(s, e)

    def blank_before(j: int) -> bool:
        return bool(_BLANK_LINE.search(text, blocks[j - 1][-1][1], blocks[j][0][0]))

    def items_from(i: int) -> int:
        """The end of the run of list items that starts at block ``i``."""
        j = i
        while j < len(blocks) and j - i < MAX_ITEMS and _is_item(first(blocks[j]), text[slice(*blocks[j][0])]):
            if _clean(text[slice(*blocks[j][-1])]).endswith(":"):
                break  # a nested lead-in opens its own list
            if j > i and bulleted(blocks[j]) != bulleted(blocks[i]):
                break  # bulleted and plain lines are different lists
            if j - i >= 2 and blank_before(j) and not any(blank_before(k) for k in range(i + 1, j)):
                break  # a blank line after a tight list ends it: the next bullet is the text's own, not an item
            j += 1
        return j

    i = 0
    section = NUMBERING.sub("", label).strip().rstrip(":")
    opening = first(blocks[0]) if blocks else ""
    inside = bool(blocks) and (bulleted(blocks[0]) or _is_item(opening, opening))  # an item's line, bulleted or not
    if section and inside and not opening.endswith(":"):
        j = items_from(0)  # the passage opens inside a list: its lead-in is in the chunk before
        if all(not is_claim(first(b)) for b in blocks[:j]):
            heading = section
            if not _ASKED.search(section):  # "What is (are) Anaphylaxis ?: vomiting ..." reads as nothing
                list_items(section, blocks[:j], blocks[0][0][0], own=False)
            i = j
    while i < len(blocks):
        block = blocks[i]
        if text[block[0][0] : block[0][1]].lstrip().startswith("|"):
            i += 1  # a table row: cells without the header read as nonsense, so it is left out
            continue
        last_raw = text[block[-1][0] : block[-1][1]]
        lead = _clean(last_raw)
        j = items_from(i + 1)
        if j == i + 1 and lead.endswith(":") and j < len(blocks) and first(blocks[j])[:1].islower():
            j += 1  # "Shingrix is given to:" then one line of items run together: "adults 50 years and above; ..."
        items = blocks[i + 1 : j]
        fragments = all(not is_claim(first(b)) for b in items)
        lead_in = lead.endswith(":") or (fragments and _is_lead_in(lead) and not bulleted(block))
        if not (items and lead_in):
            for s, e in block:
                sentence(s, e)
            i += 1
            continue
        for s, e in block[:-1]:
            sentence(s, e)
        i = j
        if sum(1 for b in items if _LINK.match(first(b))) * 2 >= len(items):
            continue  # a list of labelled links ("Genetic Testing Registry: ...") answers nothing
        name = lead.rstrip(":").rstrip()
        if not is_claim(lead):
            heading = name
        list_items(name, items, block[-1][0])
    return tuple(out)
