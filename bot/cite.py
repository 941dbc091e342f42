"""Claim-by-claim citation verification, applied to every backend's output.

Rules (documented in the README, tested in tests/test_cite.py):

1. The answer is split into sentences. Headings, labels ending in a colon, questions and meta
   statements ("the sources do not cover...", "talk to your care team") are not factual claims;
   every other sentence is, and must cite at least one passage.
2. Citations to passages that were not shown (``[9]`` with six passages) are removed.
3. Each factual sentence is judged against the passages it cites by a pluggable ``Judge``. The
   default ``HeuristicJudge`` requires every number in the sentence (digits or number words, so
   doses, percentages and intervals) and every identifier-like code (``CD20``, all-caps words such
   as an injected canary) to appear in the cited passages, and content-word support
   (share of the sentence's stemmed content words found in the cited passages, or semantic
   similarity with the best passage sentence when an embedder is given) above a threshold.
   Known failure modes: it cannot see negation flips ("is" vs "is not") or a claim assembled from
   words that each appear in the passage; an NLI or LLM judge can replace it.
4. Uncited or unsupported sentences are removed from the shown answer and counted (the UI and
   JSON list them under ``removed``). If no supported factual sentence remains, the answer is
   ``abstained``.
5. A correction of the user's figure, "The sources give X, not Y [n].", is judged on X alone: Y is
   the figure the question asserted, quoted in order to deny it.
6. Citations are renumbered 1..n in order of first use, and each records the passage sentence
   that best supports the claim so the UI can highlight it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.listing import blocks, cited_lead, list_parts
from bot.text import CITE, codes, content_words, numbers, parse_citations, sentences, strip_citations
from bot.types import Citation, Passage, Sentence
from ingest.embed import Embedder

_META = re.compile(
    r"\b(?:sources?|passages?|documents?|references?)\b[^.]{0,40}\b(?:do|does|did)\s*(?:not|n't)\b"
    r"|\bnot (?:covered|addressed|answered|mentioned|discussed) (?:in|by) the\b"
    r"|\bI (?:could not|couldn't|cannot|can't|did not|didn't) find\b"
    r"|\b(?:talk|speak) (?:to|with) your\b|\bask your (?:doctor|nurse|pharmacist|care team|neurologist)\b"
    r"|\bthis (?:answer|summary) (?:is|was) (?:extractive|generated)\b",
    re.IGNORECASE,
)
SUPPORT_THRESHOLD = 0.6
SEMANTIC_THRESHOLD = 0.72


@dataclass(frozen=True)
class Judgement:
    supported: bool
    score: float
    reason: str
    span: tuple[int, int] | None  # best supporting sentence in the first cited passage that has one
    span_passage: int | None
    # every supporting sentence, as (index of the cited passage, span): for a list claim ("... signs of infection:
    # fever or chills; cough ..."), its lead-in's sentence and each item's, so each item's evidence is highlighted;
    # () where it is no list (or no sentence shares a word with its parts): its evidence is then ``span``, as ``verify``
    # reads it for every judge
    spans: tuple[tuple[int, tuple[int, int]], ...] = ()


class Judge(Protocol):
    """Decides whether the cited passages support a sentence; swap in an NLI or LLM judge."""

    name: str

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement: ...


class HeuristicJudge:
    """Numbers must match exactly; words must be covered (or the meaning close, with an embedder)."""

    name = "heuristic"

    def __init__(self, embedder: Embedder | None = None, threshold: float = SUPPORT_THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement:
        claim_text = strip_citations(claim)
        missing = numbers(claim_text) - set().union(*(numbers(p.text) for p in passages))
        cited_text = " ".join(p.text for p in passages).lower()
        unknown = {c for c in codes(claim_text) if not _states_code(c, cited_text)}
        words = set(content_words(claim_text))
        best: tuple[float, int, tuple[int, int]] | None = None
        pooled: set[str] = set()
        for i, p in enumerate(passages):
            pooled |= set(content_words(f"{p.section} {p.text}"))  # a list's items may be read under their section
            for start, end in sentences(p.text):
                sw = set(content_words(p.text[start:end]))
                overlap = len(words & sw) / len(words) if words else 0.0
                if best is None or overlap > best[0]:
                    best = (overlap, i, (start, end))
        coverage = len(words & pooled) / len(words) if words else 0.0
        score = coverage
        parts = list_parts(claim_text)
        spans = tuple(dict.fromkeys(sp for part in parts if (sp := _best_sentence(part, passages)) is not None))
        unlisted = [item for item in parts[1:] if not _covered(item, pooled)]
        if self.embedder is not None and best is not None and coverage < self.threshold:
            score = max(coverage, self._semantic(claim_text, passages))
        span = best[2] if best else None
        span_passage = best[1] if best else None
        if missing:
            return Judgement(False, score, f"number(s) not in the cited passages: {', '.join(sorted(missing))}",
                             span, span_passage)  # fmt: skip
        if unknown:
            return Judgement(False, score, f"code(s) not in the cited passages: {', '.join(sorted(unknown))}",
                             span, span_passage)  # fmt: skip
        if unlisted:  # one item of a joined list the passages do not state: the list as a whole may still read well
            return Judgement(False, score, f"list item(s) not in the cited passages: {'; '.join(unlisted)}",
                             span, span_passage)  # fmt: skip
        ok = coverage >= self.threshold or (score >= SEMANTIC_THRESHOLD and coverage >= 0.35)
        reason = "" if ok else f"weak support ({score:.2f} < {self.threshold:.2f})"
        return Judgement(ok, score, reason, span, span_passage, spans)

    def _semantic(self, claim: str, passages: Sequence[Passage]) -> float:
        assert self.embedder is not None
        sents = [p.text[s:e] for p in passages for s, e in sentences(p.text)]
        if not sents:
            return 0.0
        vecs = self.embedder.embed_documents([claim, *sents])
        q = vecs[0]
        return max(sum(a * b for a, b in zip(q, v, strict=True)) / (_norm(q) * _norm(v) or 1.0) for v in vecs[1:])


ITEM_SUPPORT = 0.5  # share of a list item's content words the cited passages must have


def _covered(item: str, pooled: set[str]) -> bool:
    """The cited passages state the item: ``ITEM_SUPPORT`` of its own content words are theirs (a list claim's
    coverage as a whole could hide an item the sources never name)."""
    words = set(content_words(item))
    return not words or len(words & pooled) / len(words) >= ITEM_SUPPORT


def _best_sentence(part: str, passages: Sequence[Passage]) -> tuple[int, tuple[int, int]] | None:
    """The passage sentence that states most of ``part``'s content words (ties: the shorter sentence, which says
    the part and less else), or None when no sentence shares one."""
    words = set(content_words(part))
    best: tuple[float, int, int, tuple[int, int]] | None = None
    for i, p in enumerate(passages):
        for start, end in sentences(p.text):
            shared = len(words & set(content_words(p.text[start:end])))
            key = (shared / len(words) if words else 0.0, -(end - start))
            if shared and (best is None or key > (best[0], best[1])):
                best = (key[0], key[1], i, (start, end))
    return (best[2], best[3]) if best else None


def _norm(v: Sequence[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


def is_factual(sentence: str) -> bool:
    """Claims need citations; headings, labels, questions and meta statements do not."""
    stripped = strip_citations(sentence).strip()
    if stripped.startswith("**") and stripped.endswith("**"):
        return False  # a bold label such as "**What the sources say**"
    bare = stripped.strip("*_").strip()
    if not bare or not re.search(r"[A-Za-z]{2}", bare) or bare.startswith("#"):
        return False
    if bare.endswith(":") and len(bare.split()) <= 10:
        return False
    return not (bare.endswith("?") or _META.search(bare))


@dataclass(frozen=True)
class Verified:
    """The shown answer after verification, with what was kept, removed and cited."""

    text: str
    sentences: tuple[Sentence, ...]
    removed: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    dropped_markers: int  # citations to passages that were not shown

    @property
    def supported_claims(self) -> int:
        return sum(1 for s in self.sentences if s.factual)


def verify(answer: str, passages: Sequence[Passage], judge: Judge) -> Verified:
    """Apply the rules in the module docstring to ``answer`` written over numbered ``passages``.

    A list point laid out as its cited lead-in and item bullets (``bot.listing``) is judged as the one claim it
    makes ("lead-in: item; item."), each item against the cited passages, and kept or removed whole."""
    shown = len(passages)
    kept_lines: list[str] = []
    kept: list[Sentence] = []
    removed: list[Sentence] = []
    dropped = 0
    renumber: dict[int, int] = {}
    spans: dict[int, tuple[int, int]] = {}
    every: dict[int, list[tuple[int, int]]] = {}  # each citation's supporting sentences, in the order first met

    def check(raw: str, listed: bool = False) -> tuple[int, ...] | None:
        """Judge one sentence (``listed``: a list point's claim); its new citation numbers, () for a sentence that
        needs none, None when it is removed."""
        nonlocal dropped
        cited = parse_citations(raw)
        valid = [n for n in cited if 1 <= n <= shown]
        dropped += len(cited) - len(valid)
        text = strip_citations(raw)
        if not listed and not is_factual(raw):
            kept.append(Sentence(text, (), True, 1.0, factual=False))
            return ()
        if not valid:
            removed.append(Sentence(text, (), False, 0.0, reason="no citation to a shown passage"))
            return None
        verdict = judge.judge(claim_of(text), [passages[n - 1] for n in valid])
        if not verdict.supported:
            removed.append(Sentence(text, tuple(valid), False, verdict.score, reason=verdict.reason))
            return None
        for n in valid:
            renumber.setdefault(n, len(renumber) + 1)
        if verdict.span is not None and verdict.span_passage is not None:
            spans.setdefault(valid[verdict.span_passage], verdict.span)
        for i, sp in verdict.spans or (
            ((verdict.span_passage, verdict.span),) if verdict.span and verdict.span_passage is not None else ()
        ):
            if sp not in every.setdefault(valid[i], []):
                every[valid[i]].append(sp)
        new = tuple(renumber[n] for n in valid)
        kept.append(Sentence(text, new, True, verdict.score))
        return new

    for block in blocks(answer):
        prefix, body = block.prefix, block.body
        if not body.strip():
            if kept_lines and kept_lines[-1] != "":
                kept_lines.append("")
            continue
        if prefix.strip().startswith("#"):
            kept_lines.append(prefix + body)
            continue
        before, lead = block.lead if block.items else (body, "")
        parts: list[str] = []
        for start, end in sentences(before):
            raw = before[start:end]
            new = check(raw)
            if new is not None:
                parts.append(attach_citations(strip_citations(raw), new) if new else strip_citations(raw))
        listed = check(block.claim(), listed=True) if block.items else None
        if listed:
            parts.append(cited_lead(strip_citations(lead), listed))
        if parts:
            kept_lines.append(prefix + " ".join(parts))
        if listed:
            kept_lines += block.item_lines
    citations = tuple(
        _citation(new, passages[old - 1], spans.get(old), tuple(sorted(every.get(old, ()))))
        for old, new in sorted(renumber.items(), key=lambda x: x[1])
    )
    text = "\n".join(_prune_empty_headings(kept_lines)).strip()
    return Verified(text, tuple(kept), tuple(removed), citations, dropped)


def _is_heading(line: str) -> bool:
    bare = line.strip()
    return (
        bare.startswith("#")
        or (bare.startswith("**") and bare.endswith("**"))
        or (bare.endswith(":") and len(bare.split()) <= 10 and not CITE.search(bare))  # not a list's cited lead-in
    )


def _prune_empty_headings(lines: list[str]) -> list[str]:
    """A heading whose every sentence was removed says nothing: drop it with its blank lines."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if _is_heading(line):
            rest = [x for x in lines[i + 1 :] if x.strip()]
            if not rest or _is_heading(rest[0]):
                continue
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return out


_CORRECTION = re.compile(r"^The sources give (?P<claim>.+?), not (?P<asserted>[^,]+?)[.!]?$")


def claim_of(sentence: str) -> str:
    """What a sentence asserts. A correction ("The sources give every 6 months, not every 3 months")
    asserts the sources' figure; the figure after "not" is the user's, quoted to be denied."""
    m = _CORRECTION.match(sentence.strip())
    return f"{m.group('claim')}." if m else sentence


def attach_citations(text: str, cites: Sequence[int]) -> str:
    marker = "".join(f"[{n}]" for n in cites)
    m = re.search(r"([.!?][\"'”’)\]]*)$", text)
    return f"{text[: m.start()]} {marker}{m.group(1)}" if m else f"{text} {marker}"


def _citation(n: int, p: Passage, span: tuple[int, int] | None, every: tuple[tuple[int, int], ...] = ()) -> Citation:
    return Citation(
        n=n,
        passage_id=p.id,
        title=p.title,
        section=p.section,
        source=p.source,
        source_url=p.source_url,
        page=p.page,
        text=p.text,
        span=span,
        spans=every or ((span,) if span else ()),
        start=p.start,
        end=p.end,
        primary=p.primary_for(*span) if span else p.primary,  # the quoted sentence's own paragraph
    )


def has_citation(sentence: str) -> bool:
    return bool(CITE.search(sentence))


def _states_code(code: str, text: str) -> bool:
    """The passage states the code as ``codes`` reads it: a code with a figure or hyphen ("CD20", "AS01B") whole,
    an all-caps word ("COVID") as a word, which it also is inside a compound ("COVID-mRNA vaccine")."""
    if re.fullmatch(r"[a-z]+", code):
        return bool(re.search(rf"\b{re.escape(code)}\b", text))
    return bool(re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text))
