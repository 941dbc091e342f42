"""Citation judges for the evals: the offline heuristic by default, an LLM when CITEBOT_JUDGE_LLM is set.

A judge failure (network, timeout, an unparseable reply) must not lose a whole run: the failure is
recorded, that claim falls back to the heuristic verdict, and after a few failures in a row the LLM
judge is switched off for the rest of the run so a dead endpoint costs seconds, not hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.cite import HeuristicJudge, Judge, Judgement
from bot.types import Passage
from ingest.embed import Embedder
from ingest.settings import Settings

HEURISTIC_DESCRIPTION = (
    "heuristic (offline; bot.cite.HeuristicJudge, the verifier's own rules): every number in the sentence "
    "must occur in the cited passages, and >= 60% of its stemmed content words must be covered by them "
    "(or cosine >= 0.72 to one passage sentence with >= 35% coverage). Known failure modes: blind to negation "
    "flips and reversed relations, accepts claims stitched from words that each occur in the passage, rejects "
    "paraphrases in other words, and is not independent of the verifier."
)
JUDGE_PROMPT = (
    "You check citations in a medical answer. Given numbered source passages and one claim, reply with "
    "exactly one word: 'yes' if the passages together fully support the claim (every number, dose and "
    "interval included), otherwise 'no'."
)
MAX_CONSECUTIVE_FAILURES = 3


class EvalJudge:
    """A ``Judge`` that also names itself for the report and keeps a log of its own failures."""

    def __init__(self, inner: Judge, name: str, description: str) -> None:
        self.inner = inner
        self.name = name
        self.description = description
        self.failures: list[str] = []

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement:
        return self.inner.judge(claim, passages)


class LLMJudge:
    """Asks a chat model whether the cited passages support a claim; falls back to ``fallback`` on failure."""

    def __init__(self, model: Any, name: str, fallback: Judge, failures: list[str]) -> None:
        self.model = model
        self.name = name
        self.fallback = fallback
        self.failures = failures
        self.streak = 0
        self.disabled = False

    def judge(self, claim: str, passages: Sequence[Passage]) -> Judgement:
        if self.disabled:
            return self.fallback.judge(claim, passages)
        context = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, start=1))
        try:
            reply = self.model.invoke([("system", JUDGE_PROMPT), ("human", f"Passages:\n{context}\n\nClaim: {claim}")])
            verdict = parse_verdict(getattr(reply, "content", reply))
        except Exception as err:
            return self._fail(f"{type(err).__name__}: {str(err).splitlines()[0][:160] if str(err) else ''}", claim,
                              passages)  # fmt: skip
        if verdict is None:
            return self._fail(f"unparseable reply {str(getattr(reply, 'content', reply))[:80]!r}", claim, passages)
        self.streak = 0
        return Judgement(verdict, 1.0 if verdict else 0.0, "" if verdict else "LLM judge: not supported", None, None)

    def _fail(self, why: str, claim: str, passages: Sequence[Passage]) -> Judgement:
        self.failures.append(f"LLM judge failed ({why}); used the heuristic verdict")
        self.streak += 1
        if self.streak >= MAX_CONSECUTIVE_FAILURES:
            self.disabled = True
            self.failures.append(f"LLM judge disabled after {self.streak} failures in a row; heuristic from here on")
        return self.fallback.judge(claim, passages)


def parse_verdict(content: Any) -> bool | None:
    """'yes'/'supported' → True, 'no'/'not supported' → False, anything else → None."""
    if isinstance(content, list):
        content = "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    words = re.findall(r"[a-z]+", str(content).lower())
    if not words:
        return None
    if words[0] in ("yes", "supported", "true"):
        return True
    if words[0] in ("no", "not", "unsupported", "false"):
        return False
    return None


def make_judge(settings: Settings, embedder: Embedder | None, chat_model: Any = None) -> EvalJudge:
    """The LLM judge when ``settings.judge_llm`` (or ``chat_model``) is given, else the heuristic one.

    The judge model is built like the answer model (``CITEBOT_LLM_BASE_URL``/``_API_KEY`` apply to it too).
    """
    heuristic = HeuristicJudge(embedder)
    if chat_model is None and not settings.judge_llm:
        return EvalJudge(heuristic, "heuristic", HEURISTIC_DESCRIPTION)
    failures: list[str] = []
    label = settings.judge_llm or type(chat_model).__name__
    if chat_model is None:
        from bot.llm import LLMError, make_chat_model

        try:
            chat_model = make_chat_model(settings.model_copy(update={"llm": settings.judge_llm, "llm_max_tokens": 8}))
        except LLMError as err:
            judge = EvalJudge(heuristic, "heuristic", HEURISTIC_DESCRIPTION + f" (LLM judge '{label}' unavailable)")
            judge.failures.append(f"LLM judge unavailable ({err}); used the heuristic judge for the whole run")
            return judge
    llm = LLMJudge(chat_model, f"llm:{label}", heuristic, failures)
    description = (
        f"LLM judge '{label}' (asked whether the cited passages fully support each claim, yes/no); any call that "
        "fails falls back to the heuristic verdict and is counted under judge_failures."
    )
    judge = EvalJudge(llm, f"llm:{label}", description)
    judge.failures = failures
    return judge
