"""``Bot``: the one code path behind the CLI, the UI, the API and the evals.

safety check → standalone query → hybrid retrieval → injection guard → answerer (LLM or offline
extractive) → claim-by-claim verification → output guard → ``Answer``. ``stream`` yields verified
text as it grows, so a user never sees a sentence the verifier would remove.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot import safety
from bot.aspects import BACKGROUND_SHARE, PER_QUERY, WIDEN, about, aspect_queries, merge, subject_of
from bot.cite import HeuristicJudge, Judge, Judgement, Verified, verify
from bot.extractive import ExtractiveAnswerer, Warmed
from bot.followup import covered_topics, suggest, topic_terms
from bot.guard import clean_output, strip_injections
from bot.llm import LLMAnswerer, LLMError, make_chat_model
from bot.premise import premises_of, states
from bot.retrieve import Retriever, open_retriever, to_passage
from bot.text import CITE
from bot.types import Answer, Audience, Passage, Status
from ingest.errors import CitebotError
from ingest.settings import Settings


class InvalidQuestion(CitebotError):
    """Empty, too long or otherwise unusable input: shown as a message, nothing is embedded."""


class Answerer(Protocol):
    name: str

    def generate(
        self, question: str, passages: Sequence[Passage], audience: Audience, history: Sequence[str] = ()
    ) -> Iterator[str]: ...


@dataclass(frozen=True)
class Event:
    """A streaming update: ``delta`` carries the verified text so far; ``answer`` the final Answer."""

    kind: Literal["status", "delta", "answer"]
    text: str = ""
    answer: Answer | None = None


def user_turns(history: Sequence[Any]) -> list[str]:
    """Earlier user messages from plain strings or ``{"role", "content"}`` messages."""
    out: list[str] = []
    for item in history:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("role", "user") == "user" and isinstance(item.get("content"), str):
            out.append(item["content"])
    return [safety.clean_question(t) for t in out if t.strip()]


def assistant_turns(history: Sequence[Any]) -> list[str]:
    """Earlier answers (``{"role": "assistant"}`` messages): what this conversation has already shown."""
    return [
        item["content"]
        for item in history
        if isinstance(item, dict) and item.get("role") == "assistant" and isinstance(item.get("content"), str)
    ]


def premise_notices(question: str, passages: Sequence[Passage]) -> list[str]:
    """A value the user asserts that no passage states, in digits or in words ("every 3 months", "just one shot";
    ``bot.premise``, as the answerer's correction reads it): flag it so the cited figures read as a correction."""
    shown = " ".join(p.text for p in passages)
    return [
        f"The sources do not state “{premise.text}”; the cited passages give the figures they support."
        for premise in premises_of(question)
        if not states(premise, shown)
    ]


def prefer_audience(passages: Sequence[Passage], audience: Audience) -> list[Passage]:
    """The audience's own documents first among equally relevant ones: a rank bonus, not a filter."""
    other = "patient" if audience == "clinician" else "clinician"

    def key(p: Passage) -> float:
        return p.rank + (3 if p.audience == other else 0)

    return sorted(passages, key=key)


class _CachedJudge:
    """Streaming re-verifies a growing prefix; judge each sentence once."""

    def __init__(self, judge: Judge) -> None:
        self.inner = judge
        self.name = judge.name
        self.cache: dict[tuple[str, tuple[str, ...]], Judgement] = {}

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement:
        key = (claim, tuple(p.id for p in passages))
        if key not in self.cache:
            self.cache[key] = self.inner.judge(claim, passages)
        return self.cache[key]


class Bot:
    """Answers questions from one index with verified citations; see the module docstring."""

    def __init__(
        self,
        retriever: Retriever,
        settings: Settings | None = None,
        answerer: Answerer | None = None,
        judge: Judge | None = None,
        screen: safety.Screen | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.retriever = retriever
        # The exemplar stage shares the retriever's embedder: the question's vector is then computed
        # once (the embedder caches it) and used both to screen and to retrieve.
        self.screen = screen or safety.Screen.for_embedder(retriever.embedder, self.settings.cache_dir)
        store = getattr(retriever, "store", None)
        corpus = (lambda: (to_passage(c) for c in store.all_chunks())) if store is not None else None
        self.offline = ExtractiveAnswerer(retriever.embedder, retriever.lexical, corpus)
        self.answerer: Answerer = answerer or self.offline
        self.judge: Judge = judge or HeuristicJudge(retriever.embedder)

    @classmethod
    def from_settings(cls, settings: Settings, chat_model: Any = None, retriever: Retriever | None = None) -> Bot:
        """Open the index; use the configured LLM (or ``chat_model``), else the offline answerer."""
        retriever = retriever or open_retriever(settings)
        answerer: Answerer | None = None
        if chat_model is not None or settings.llm or settings.llm_base_url:
            model = chat_model if chat_model is not None else make_chat_model(settings)
            answerer = LLMAnswerer(model, f"llm:{settings.llm or type(model).__name__}")
        return cls(retriever, settings, answerer)

    def warm(self, progress: bool = False, passages: Sequence[Passage] | None = None) -> Warmed:
        """Embed every passage's units, words and phrases ahead of questions (``ExtractiveAnswerer.warm``), so that a
        served bot answers its first questions about a document as fast as later ones. For a long-lived process
        (``citebot chat`` runs it in a background thread); a one-question process would only pay for it.
        ``passages``: every passage of the index by default."""
        return self.offline.warm(passages, progress)

    def ask(self, question: str, audience: Audience | None = None, history: Sequence[Any] = ()) -> Answer:
        final = None
        for event in self.stream(question, audience, history):
            if event.answer is not None:
                final = event.answer
        assert final is not None
        return final

    def stream(self, question: str, audience: Audience | None = None, history: Sequence[Any] = ()) -> Iterator[Event]:
        audience = audience or self.settings.audience
        if audience not in ("clinician", "patient"):
            raise InvalidQuestion(f"unknown audience '{audience}' (use clinician or patient)")
        turns = user_turns(history)
        earlier = assistant_turns(history)
        t0 = time.perf_counter()
        verdict = self.screen.check(question, audience, turns)
        if verdict.kind == "invalid":
            raise InvalidQuestion(verdict.message)
        timings: dict[str, float] = {"safety": time.perf_counter() - t0}
        question = safety.clean_question(question)
        base = Answer(question=question, text="", status="answered", audience=audience, timings=timings,
                      disclaimer=safety.disclaimer(audience), backend=self.answerer.name,
                      safety=verdict.decision)  # fmt: skip
        if verdict.kind in ("emergency", "dose_request"):
            status: Status = "emergency" if verdict.kind == "emergency" else "declined"
            yield Event("answer", verdict.message, replace(base, text=verdict.message, status=status, backend="safety"))
            return

        notices: list[str] = []
        t0 = time.perf_counter()
        query = self._standalone(question, turns, notices)
        # The extractive answerer picks sentences itself, so it gets the wider candidate set.
        wide = (4 if audience == "clinician" else 2) * self.settings.top_k  # clinicians get more aspects covered
        passages = self.retriever.search(query, k=wide)
        # a broad question: evidence across its aspects (bot.aspects), for the answerer that reads the wide set
        if audience == "clinician" and self.answerer is self.offline:
            passages = self._across_aspects(question, query, turns, passages, wide)
        passages = prefer_audience(passages, audience)
        # the offline answerer reads the whole set (for a broad question, widened); a model reads the best few
        if self.answerer is not self.offline:
            passages = passages[: self.settings.top_k]
        shown = [strip_injections(p)[0] for p in passages]
        timings["retrieve"] = time.perf_counter() - t0
        yield Event("status", f"Found {len(shown)} passages; writing the answer…")

        judge = _CachedJudge(self.judge)
        answerer = self.answerer
        spent = {"generate": 0.0, "verify": 0.0}

        def generate(answerer: Answerer) -> Generator[Event, None, str]:
            start = time.perf_counter()
            raw, verifying = yield from self._generate(answerer, question, shown, audience, turns, judge, earlier)
            spent["generate"] += time.perf_counter() - start - verifying
            spent["verify"] += verifying
            return raw

        try:
            raw = yield from generate(answerer)
            if not raw.strip() and answerer is not self.offline:  # an empty offline answer is an abstention
                raise LLMError("the LLM returned an empty answer")
        except LLMError as err:
            notices.append(f"{err} — showing the offline extractive answer instead.")
            answerer = self.offline
            raw = yield from generate(answerer)
        start = time.perf_counter()
        result = verify(clean_output(raw), shown, judge)
        spent["verify"] += time.perf_counter() - start
        if result.removed and isinstance(answerer, LLMAnswerer):
            start = time.perf_counter()  # the retry is mostly the model writing again
            result = self._regenerate(answerer, question, shown, audience, turns, raw, result, judge, notices)
            spent["generate"] += time.perf_counter() - start
        if answerer is not self.offline and result.removed and not result.supported_claims and not CITE.search(raw):
            # Not a wrong citation but no citation at all: the model ignored the format (or sent garbage).
            notices.append("The language model's answer cited no sources — showing the offline extractive answer.")
            answerer = self.offline
            raw = yield from generate(answerer)
            start = time.perf_counter()
            result = verify(clean_output(raw), shown, judge)
            spent["verify"] += time.perf_counter() - start
        timings.update(spent)

        if answerer is self.offline and self.answerer is self.offline:
            notices.append("Extractive answer: no language model is configured, so these are quoted source sentences.")
        elif answerer is self.offline:
            notices.append("Extractive answer: these are quoted source sentences.")
        if result.removed:
            notices.append(
                f"{len(result.removed)} statement(s) were removed because the cited sources did not support them."
            )
        if result.dropped_markers:
            notices.append(f"{result.dropped_markers} citation(s) to sources that were not retrieved were removed.")
        answer = replace(
            base,
            query=query,
            backend=answerer.name,
            retrieved=tuple(passages),
            removed=result.removed,
            timings=timings,
        )
        if result.supported_claims == 0:
            text = self._abstain_text(audience) + covered_topics(shown, audience)
            answer = replace(answer, text=text, status="abstained", notices=tuple(notices))
        else:
            notices[:0] = premise_notices(question, shown)
            answer = replace(
                answer,
                text=result.text,
                status="partial" if result.removed else "answered",
                sentences=result.sentences,
                citations=result.citations,
                notices=tuple(notices),
                followups=suggest(question, turns, passages, audience),
            )
        yield Event("answer", answer.text, answer)

    def _across_aspects(
        self, question: str, query: str, turns: list[str], passages: list[Passage], k: int
    ) -> list[Passage]:
        analysis, entities = self.offline.analysis(question, passages, turns)
        terms = topic_terms(query)
        shares = self.retriever.lexical.doc_freq(terms) if self.retriever.lexical is not None and terms else []
        background = frozenset(t for t, f in zip(terms, shares, strict=True) if f >= BACKGROUND_SHARE)
        queries = aspect_queries(query, analysis, entities, passages, background)
        if not queries:
            return passages
        subject = subject_of(query, entities)
        hits = [about(found, subject, entities) for found in self.retriever.search_many(queries, k=PER_QUERY * 2)]
        # the offline answerer quotes patient pages to a clinician only when nothing else is retrieved: they
        # take no place of the clinician's evidence
        own = [p for p in passages if p.audience != "patient"]
        hits = [[p for p in h if p.audience != "patient"] for h in hits]
        if own and any(hits):
            passages = own + [p for p in passages if p.audience == "patient"]
        return merge(passages, hits, round(k * WIDEN))

    def _standalone(self, question: str, turns: list[str], notices: list[str]) -> str:
        if not turns:
            return question
        if isinstance(self.answerer, LLMAnswerer):
            try:
                return self.answerer.condense(question, turns)
            except LLMError as err:
                notices.append(f"{err}; the follow-up was resolved without the model.")
        return self.offline.standalone(question, turns)

    def _generate(
        self,
        answerer: Answerer,
        question: str,
        passages: list[Passage],
        audience: Audience,
        turns: list[str],
        judge: Judge,
        earlier: list[str],
    ) -> Generator[Event, None, tuple[str, float]]:
        """Stream: after each completed line, re-verify the text so far and emit what survives."""
        raw = ""
        shown = ""
        spent = 0.0
        pieces = (
            answerer.generate(question, passages, audience, turns, earlier=earlier)
            if isinstance(answerer, ExtractiveAnswerer)
            else answerer.generate(question, passages, audience, turns)
        )
        for piece in pieces:
            raw += piece
            if "\n" in piece:
                t = time.perf_counter()
                done = raw[: raw.rfind("\n")]
                text = verify(clean_output(done), passages, judge).text
                spent += time.perf_counter() - t
                if text != shown:
                    shown = text
                    yield Event("delta", text)
        return raw, spent

    def _regenerate(
        self,
        answerer: LLMAnswerer,
        question: str,
        passages: list[Passage],
        audience: Audience,
        turns: list[str],
        raw: str,
        first: Verified,
        judge: Judge,
        notices: list[str],
    ) -> Verified:
        """One retry with the verifier's findings; keep whichever version has more supported claims."""
        problems = [f"“{s.text}” — {s.reason}" for s in first.removed]
        try:
            second = verify(clean_output(answerer.regenerate(question, passages, audience, turns, raw, problems)),
                            passages, judge)  # fmt: skip
        except LLMError as err:
            notices.append(f"{err} (during the retry)")
            return first
        better = (second.supported_claims, -len(second.removed)) > (first.supported_claims, -len(first.removed))
        return second if better else first

    @staticmethod
    def _abstain_text(audience: Audience) -> str:
        if audience == "patient":
            return (
                "I could not find an answer to this in the sources I have. "
                "Please ask your doctor, nurse or pharmacist. The closest passages I found are listed below."
            )
        return (
            "The sources provided do not answer this question. "
            "The closest retrieved passages are listed below; verify against primary literature."
        )
