"""The safety pipeline: validate -> emergency rules -> dose rules -> learned classifier -> ok.

Rules run first because they are exact and explainable; the learned stage only sees what no rule
decided. An emergency always wins over a dose request. Only the CURRENT message is judged for an
emergency, so an emergency stated in a later turn is caught whatever came before; earlier turns are
used only to read a dose request split across turns ("I weigh 50 kg" -> "so how much then?").

Wording: an emergency (or a decline) gets the clinician wording when the Bot is asked as a clinician
OR when the message itself reads as a clinician reporting a patient ("pt 20 min into the infusion,
BP 70/40"), so a nurse typing into the patient widget still hears "stop the infusion".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.safety import match, rules
from bot.safety.classifier import LearnedStage
from bot.safety.match import OK, SafetyVerdict
from bot.safety.messages import decline_message, emergency_message
from bot.types import Audience, SafetyDecision
from ingest.embed import Embedder


def wording_for(question: str, audience: Audience) -> Audience:
    """The clinician wording for clinician callers and for clinician-framed reports; else the patient one."""
    if audience == "clinician" or rules.CLINICAL_REPORT.search(match.normalise(question)):
        return "clinician"
    return "patient"


class Screen:
    """Runs the pipeline; without a learned stage it is the rule stage alone (``check``)."""

    def __init__(self, learned: LearnedStage | None = None) -> None:
        self.learned = learned

    @classmethod
    def for_embedder(cls, embedder: Embedder, cache_dir: Path | None = None) -> Screen:
        """Both stages when the shipped classifier was trained on this embedder's model, else the rules alone."""
        return cls(LearnedStage.for_embedder(embedder, cache_dir))

    def check(self, question: str, audience: Audience, history: Sequence[str] = ()) -> SafetyVerdict:
        verdict = match.validate_question(question)
        if verdict.kind != "ok":
            return verdict
        question = match.clean_question(question)
        wording = wording_for(question, audience)
        rule = match.find_emergency(question)
        if rule is not None:
            why = SafetyDecision(rule.category, "rule", rule=f"{rule.category}.{rule.name}", wording=wording)
            return _emergency(rule.category, why)
        dose_rule = match.find_dose_request(question) or match.find_dose_follow_up(question, history)
        if dose_rule is not None:
            return _decline(SafetyDecision("dose_request", "rule", rule=f"dose.{dose_rule}", wording=wording))
        if self.learned is None:
            return _ok(SafetyDecision("ok", "none"))
        found = self.learned.classify(question)
        why = SafetyDecision(
            found.category,
            "classifier" if found.label else "none",
            exemplar=found.exemplar,
            similarity=found.similarity,
            probability=found.probability,
            threshold=found.threshold,
            wording=wording if found.label else None,
        )
        if found.label == "emergency":
            return _emergency(found.category, why)
        if found.label == "dose":
            return _decline(why)
        return _ok(why)


def _emergency(category: str, why: SafetyDecision) -> SafetyVerdict:
    return SafetyVerdict("emergency", category, emergency_message(category, why.wording or "patient"), why)


def _decline(why: SafetyDecision) -> SafetyVerdict:
    return SafetyVerdict("dose_request", "dose_request", decline_message(why.wording or "patient"), why)


def _ok(why: SafetyDecision) -> SafetyVerdict:
    return SafetyVerdict(OK.kind, OK.category, OK.message, why)


def check(question: str, audience: Audience, history: Sequence[str] = ()) -> SafetyVerdict:
    """The rule stage alone: validate -> emergency -> dose request (no model needed)."""
    return Screen().check(question, audience, history)
