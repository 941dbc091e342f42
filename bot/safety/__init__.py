"""Deterministic medical safety layer that runs BEFORE retrieval (see docs/SAFETY.md).

Why deterministic: it decides whether citebot answers at all, so it must be predictable, auditable
and testable. Every user-facing string is fixed text. Layout, one concern per module:
``rules`` (the pattern tables), ``match`` (how rules are applied), ``classifier`` (the learned second
stage and its weights, ``classifier.json``), ``exemplars`` (the bank of written messages it reports as
evidence, ``exemplars.jsonl``), ``messages`` (fixed texts), ``screen`` (the pipeline).
"""

from bot.safety.match import (
    MAX_QUESTION_CHARS,
    OK,
    SafetyVerdict,
    clean_question,
    detect_dose_request,
    detect_emergency,
    validate_question,
)
from bot.safety.messages import decline_message, disclaimer, emergency_message
from bot.safety.screen import Screen, check

__all__ = [
    "MAX_QUESTION_CHARS",
    "OK",
    "SafetyVerdict",
    "Screen",
    "check",
    "clean_question",
    "decline_message",
    "detect_dose_request",
    "detect_emergency",
    "disclaimer",
    "emergency_message",
    "validate_question",
]
