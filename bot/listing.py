"""A list point in an answer's markdown, and how it is read back as the one claim it makes.

A list is shown as a reader scans one: its lead-in on a line of its own with the point's citation, then one bullet
per item, nested under the lead-in where the lead-in is itself a bullet::

    - Tell your nurse if you notice any of these signs of infection [2]:
      - fever or chills
      - cough which does not go away

Everything that reads an answer's text (the verifier, the eval metrics, the answerer's memory of what it has said)
reads such a block as one point with its items, "lead-in: item; item." -- the claim the verifier checks item by
item -- never as a lead-in alone followed by fragments. A block is a line whose last sentence ends in ":" and
carries a citation, followed by bullet lines that carry none (nested deeper than a bulleted lead-in); bullets that
carry their own citations are points of their own, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.text import CITE, parse_citations, sentences, strip_citations

ITEM_INDENT = "  "  # an item's bullet under a bulleted lead-in: nested one level (CommonMark's content column)
_LINE = re.compile(r"^(\s*(?:[-*+•]|\d+[.)])\s+|\s*#{1,6}\s+|\s*)(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+$")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")


def split_line(line: str) -> tuple[str, str]:
    """(prefix, body): the line's bullet, number or heading marks with their indent, and its text."""
    m = _LINE.match(line)
    assert m is not None
    return m.group(1), m.group(2)


def cited_lead(lead: str, cites: Sequence[int]) -> str:
    """The lead-in line's text: the citation before the colon ("... signs of infection [2]:")."""
    marker = "".join(f"[{n}]" for n in cites)
    return f"{lead.rstrip().rstrip(':').rstrip()} {marker}:"


def point_lines(lead: str, items: Sequence[str], cites: Sequence[int], bulleted: bool) -> list[str]:
    """The markdown lines of a list point: the cited lead-in, then its items one bullet each (nested under a
    bulleted lead-in; right under a lead-in that is a line of its own)."""
    head = cited_lead(lead, cites)
    if bulleted:
        return [f"- {head}", *(f"{ITEM_INDENT}- {i}" for i in items)]
    return [head, *(f"- {i}" for i in items)]


def joined_list(lead: str, items: Sequence[str]) -> str:
    """The claim a list point makes, as one sentence: "lead-in: item; item." (``list_parts`` reads it back)."""
    text = f"{lead.rstrip().rstrip(':').rstrip()}: {'; '.join(items)}"
    return text if _TERMINAL.search(text) else f"{text}."


def list_parts(claim: str) -> list[str]:
    """A list claim's lead-in and items ("Signs include: fever or chills; cough." -> the lead-in, "fever or chills",
    "cough"), or [] for a claim that is no list: items joined after a colon by semicolons."""
    lead, sep, rest = claim.partition(": ")
    if not sep or "; " not in rest or len(lead) > 300:
        return []
    return [lead, *(i.strip(" .") for i in rest.split("; ") if i.strip(" ."))]


@dataclass(frozen=True)
class Block:
    """One line of an answer, with the items of the list it leads in (none for an ordinary line)."""

    prefix: str  # the line's bullet or heading marks with their indent
    body: str  # the line's text after them
    items: tuple[str, ...] = ()  # the list's items, without their bullets
    item_lines: tuple[str, ...] = ()  # the item lines as written

    @property
    def lead(self) -> tuple[str, str]:
        """(what comes before the lead-in's sentence, the lead-in's sentence with its citation)."""
        spans = sentences(self.body)
        start = spans[-1][0] if spans else 0
        return self.body[:start].rstrip(), self.body[start:].strip()

    def claim(self) -> str:
        """The list point read as one sentence, its citation at the end, as the verifier and the metrics read it:
        "lead-in: item; item [2]."."""
        _, lead = self.lead
        text = joined_list(strip_citations(lead), self.items)
        marker = "".join(f"[{n}]" for n in parse_citations(lead))
        m = _TERMINAL.search(text)
        return f"{text[: m.start()]} {marker}{m.group(0)}" if m else f"{text} {marker}"


def _leads_in(prefix: str, body: str) -> bool:
    """The line's last sentence is a cited lead-in ("... signs of infection [2]:")."""
    if prefix.strip().startswith("#") or not body.strip():
        return False
    spans = sentences(body)
    last = body[spans[-1][0] :] if spans else body
    return bool(CITE.search(last)) and strip_citations(last).rstrip().endswith(":")


def blocks(text: str) -> list[Block]:
    """The answer's lines, each list point's lead-in with its items gathered under it."""
    lines = text.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        prefix, body = split_line(lines[i])
        i += 1
        if not _leads_in(prefix, body):
            out.append(Block(prefix, body))
            continue
        bulleted = bool(_BULLET.match(prefix))
        depth = len(prefix) - len(prefix.lstrip())
        j = i
        while j < len(lines):
            p, b = split_line(lines[j])
            if not (_BULLET.match(p) and b.strip()) or (bulleted and len(p) - len(p.lstrip()) <= depth):
                break
            j += 1
        taken = lines[i:j]
        items = tuple(split_line(x)[1].strip() for x in taken)
        if not items or any(CITE.search(x) for x in items):
            out.append(Block(prefix, body))  # bullets citing their own sources are points of their own
            continue
        out.append(Block(prefix, body, items, tuple(taken)))
        i = j
    return out


def list_spans(text: str) -> list[tuple[int, int]]:
    """Where each list point lies in ``text``: from its lead-in's line to the end of its last item's line."""
    ends, at = [], 0
    for line in text.split("\n"):
        ends.append((at, at + len(line)))
        at += len(line) + 1
    out, i = [], 0
    for b in blocks(text):
        if b.items:
            out.append((ends[i][0], ends[i + len(b.items)][1]))
        i += 1 + len(b.items)
    return out


def _rewrite(text: str, point: Callable[[Block], list[str]]) -> str:
    """The answer with each list point's block replaced by ``point``'s lines, every other line as it was."""
    out: list[str] = []
    for b in blocks(text):
        out += point(b) if b.items else [b.prefix + b.body]
    return "\n".join(out)


def flatten(text: str) -> str:
    """The answer with each list point on one line as the claim it makes ("- lead-in: item; item [2]."): what
    reads the answer sentence by sentence reads the list as one point, as it was shown before lists were laid out."""

    def point(b: Block) -> list[str]:
        before, _ = b.lead
        return [b.prefix + " ".join(x for x in (before, b.claim()) if x)]

    return _rewrite(text, point)


def spoken(text: str) -> str:
    """The answer with each list point's lead-in ending its own sentence ("... signs of infection."), its items
    one line each: how a reader reads a bulleted list, one item at a time (``evals.metrics.reading_grade``)."""

    def point(b: Block) -> list[str]:
        before, lead = b.lead
        lead = strip_citations(lead).rstrip().rstrip(":").rstrip() + "."
        return [b.prefix + " ".join(x for x in (before, lead) if x), *b.item_lines]

    return _rewrite(text, point)
