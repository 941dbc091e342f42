"""The bot's data types: a retrieved ``Passage`` and the ``Answer`` every interface shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ingest.types import Attribution, PrimarySource, sources_in

Audience = Literal["clinician", "patient"]
Status = Literal["answered", "partial", "abstained", "emergency", "declined"]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its provenance and the scores that ranked it."""

    id: str
    text: str
    title: str
    section: str
    source: str
    source_url: str = ""
    page: int | None = None
    start: int = 0
    end: int = 0
    audience: str = ""
    score: float = 0.0
    dense_score: float | None = None
    bm25_score: float | None = None
    rank: int = 0
    attributions: tuple[Attribution, ...] = ()  # which label sections or papers each paragraph draws on

    def primary_for(self, start: int, end: int) -> tuple[PrimarySource, ...]:
        """Primary sources of a span of ``text`` (offsets within the passage), e.g. a citation's quote."""
        return sources_in(self.attributions, self.start + start, self.start + end, self.title, self.source_url)

    @property
    def primary(self) -> tuple[PrimarySource, ...]:
        return self.primary_for(0, len(self.text))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """What ``[n]`` in an answer points to, down to the span that supports the claim."""

    n: int
    passage_id: str
    title: str
    section: str
    source: str
    source_url: str
    page: int | None
    text: str
    span: tuple[int, int] | None = None  # supporting span within ``text``, for highlighting
    # every supporting span within ``text``, in text order: a list's lead-in and each item shown (``span`` is the best
    # sentence for the first claim citing it, which for a list claim need not be one of them)
    spans: tuple[tuple[int, int], ...] = ()
    start: int = 0  # the passage's offsets in its source file
    end: int = 0
    primary: tuple[PrimarySource, ...] = ()  # what a reader opens to check the claim: label and url

    @property
    def primary_label(self) -> str:
        """The primary sources' labels, or the document title when the index predates them."""
        return "; ".join(p.label for p in self.primary) or self.title


@dataclass(frozen=True)
class Sentence:
    """One sentence of the answer with the passages it cites and the verifier's verdict."""

    text: str
    citations: tuple[int, ...]
    supported: bool
    score: float
    factual: bool = True
    reason: str = ""


@dataclass(frozen=True)
class SafetyDecision:
    """Why the pre-retrieval safety check stopped a question or let it through: the audit trail.

    ``stage`` "rule" names the rule that fired ("<category>.<name>"); "classifier" means the learned
    stage's ``probability`` for the class reached its ``threshold``, and ``exemplar``/``similarity`` name
    the nearest bank exemplar of that class (whose category an emergency takes); "none" means nothing
    fired, and the same fields then describe the flaggable class nearest its threshold, so a near miss
    can be audited too.
    """

    category: str  # "ok", "dose_request", or an emergency category such as "anaphylaxis"
    stage: Literal["rule", "classifier", "none"]
    rule: str = ""
    exemplar: str = ""
    similarity: float | None = None
    probability: float | None = None
    threshold: float | None = None
    wording: Audience | None = None  # which fixed message was shown (emergencies and declines)


@dataclass(frozen=True)
class Answer:
    """Everything the CLI, UI, API and evals show or score about one reply."""

    question: str
    text: str
    status: Status
    audience: Audience
    sentences: tuple[Sentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    followups: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    disclaimer: str = ""
    backend: str = "extractive"
    query: str = ""
    retrieved: tuple[Passage, ...] = ()
    removed: tuple[Sentence, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    safety: SafetyDecision | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
