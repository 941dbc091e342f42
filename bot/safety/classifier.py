"""Second, learned stage: a linear classifier over the message's embedding and the rules' framing cues.

Why learned: the first version of this stage flagged a message when its nearest exemplar in a
hand-written bank was close enough, with floors and margins chosen on the development corpus. On
messages by a writer it had never seen it caught 86% of emergencies and 60% of dose requests while
flagging 8.5% of ordinary messages: a nearest neighbour reacts to shared topic words ("hot bath",
"nosebleed") and knows nothing of framing ("false alarm, he's home and fine", "what should a bystander
do if…"). A softmax regression over the same embedding plus a few framing cues taken from the rules
(hypothetical, informational, resolved past, present time, a named person, a decision question…)
learns from every labelled message at once how much topic and framing each weigh. It is small (three
rows of weights, ``classifier.json`` beside this file), deterministic and retrained by one command
(``citebot eval safety --train …``); the bank stays as the audit trail: the nearest exemplar of the
decided class is reported with every decision, and the nearest emergency exemplar names the category.

Sentence view: a long message whose emergency is one sentence among background reads, as one averaged
vector, like the background. Each sentence of a multi-sentence message is embedded too (one batch) and
two features say how far its most alarming sentence sits from the ordinary exemplars (``SENTENCE_FEATURES``);
the regression weighs them against the whole message's framing. Scoring each sentence with the whole
classifier and taking the maximum was tried first and flagged far too many ordinary messages.

The weights belong to the embedding model they were trained on; another model gets the rules alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bot.safety import rules
from bot.safety.exemplars import LABELS, ExemplarBank, Label
from bot.safety.match import normalise
from ingest.embed import Embedder

# Framing the rules already know how to read, as 0/1 features: whether, not where, each one matches.
CUES: dict[str, re.Pattern[str]] = {
    "hypothetical": rules.HYPOTHETICAL,
    "informational": rules.INFORMATIONAL,
    "past": rules.PAST,
    "long_past": rules.LONG_PAST,
    "settled": rules.SETTLED_MESSAGE,
    "resolved_now": rules.RESOLVED_NOW,
    "urgent": rules.URGENT,
    "present": rules.PRESENT_ANYWHERE,
    "question_form": rules.QUESTION_FORM,
    "person": rules.PERSON,
    "leaflet": rules.LEAFLET_FRAMING,
    "general": rules.GENERAL_FRAMING,
    "clinical_report": rules.CLINICAL_REPORT,
    "decision_person": rules.DECISION_PERSON,
    "decision_question": rules.DECISION_QUESTION,
    "decision_treatment": rules.DECISION_TREATMENT,
    "decision_change": rules.DECISION_CHANGE,
    "schedule_question": rules.SCHEDULE_QUESTION,
    "number": re.compile(r"\d"),
    "ends_with_question": re.compile(r"\?\W*$"),
}
SHIPPED = "classifier.json"
# The sentence view: over the message's sentences, the largest margin of the nearest emergency (dose) exemplar
# over the nearest ordinary one. One alarming sentence among background shows here even when the whole
# message's vector, an average over every word, reads as an ordinary story; the regression learns how much
# to trust it next to the whole message's framing.
SENTENCE_FEATURES = ("sentence_emergency_margin", "sentence_dose_margin")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The message's sentences (of two words or more) when it has at least two, else [] (one sentence: its
    sentence view is the message itself, already embedded)."""
    parts = [s.strip() for s in _SENTENCE_END.split(text) if len(re.findall(r"\w+", s)) >= 2]
    return parts if len(parts) > 1 else []


def sentence_margins(whole: np.ndarray, per_sentence: np.ndarray | None) -> np.ndarray:
    """``SENTENCE_FEATURES`` from nearest-exemplar similarities (``LABELS`` order): ``whole`` is the message's
    row, ``per_sentence`` one row per sentence (None for a one-sentence message)."""
    sims = np.asarray(whole if per_sentence is None else per_sentence, dtype=np.float32).reshape(-1, len(LABELS))
    ordinary = sims[:, LABELS.index("ordinary")]
    return np.array([(sims[:, LABELS.index(c)] - ordinary).max() for c in ("emergency", "dose")], dtype=np.float32)


def cue_vector(text: str) -> np.ndarray:
    """The cues of one message, in ``CUES`` order (on the normalised text the rules read)."""
    norm = normalise(text)
    return np.array([1.0 if pattern.search(norm) else 0.0 for pattern in CUES.values()], dtype=np.float32)


def features(
    vectors: np.ndarray,
    texts: Sequence[str],
    nearest: np.ndarray,
    cue_scale: float,
    sentence_nearest: Sequence[np.ndarray | None],
) -> np.ndarray:
    """One row per message: its embedding, its cues (scaled: a smaller scale lets the L2 penalty hold them
    back relative to the embedding), its similarity to the nearest bank exemplar of each class, and the
    sentence view (``SENTENCE_FEATURES``) from each sentence's nearest-exemplar similarities (None: one
    sentence)."""
    cues = np.stack([cue_vector(t) for t in texts])
    near = np.asarray(nearest, dtype=np.float32)
    margins = np.stack([sentence_margins(w, s) for w, s in zip(near, sentence_nearest, strict=True)])
    return np.hstack([np.asarray(vectors, dtype=np.float32), cue_scale * cues, near, margins])


@dataclass(frozen=True)
class Classifier:
    """Softmax regression over ``features``; a class fires when its probability reaches its threshold."""

    model: str  # the embedding model the weights were trained on
    backend: str  # ... and the backend whose vectors they saw
    weights: np.ndarray  # (len(LABELS), dim + len(CUES) + len(LABELS) + len(SENTENCE_FEATURES)): ``features``
    bias: np.ndarray  # (len(LABELS),)
    emergency_threshold: float
    dose_threshold: float
    cue_scale: float
    recipe: str = ""  # the int8 quantisation recipe of those vectors ("" unquantised)
    cues: tuple[str, ...] = tuple(CUES)
    info: dict[str, Any] | None = None  # how it was trained and what it scored out of file (docs/SAFETY.md)

    @property
    def dim(self) -> int:
        """The embedding dimension it expects (then cues, one similarity per class, the sentence view)."""
        return int(self.weights.shape[1]) - len(self.cues) - len(LABELS) - len(SENTENCE_FEATURES)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities for feature rows ``x`` (columns in ``LABELS`` order)."""
        logits = x @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def threshold(self, label: Label) -> float:
        return self.emergency_threshold if label == "emergency" else self.dose_threshold

    def decide(self, p: np.ndarray) -> Label | None:
        """An emergency that fires wins over a dose request, as in the rules."""
        for label in ("emergency", "dose"):
            if p[LABELS.index(label)] >= self.threshold(label):
                return label
        return None

    def to_json(self) -> str:
        return json.dumps(
            {
                "model": self.model,
                "backend": self.backend,
                "recipe": self.recipe,
                "labels": list(LABELS),
                "cues": list(self.cues),
                "sentence_features": list(SENTENCE_FEATURES),
                "emergency_threshold": self.emergency_threshold,
                "dose_threshold": self.dose_threshold,
                "cue_scale": self.cue_scale,
                "bias": [round(float(v), 6) for v in self.bias],
                "weights": [[round(float(v), 6) for v in row] for row in self.weights],
                "info": self.info or {},
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Classifier:
        data = json.loads(text)
        if (
            tuple(data["labels"]) != LABELS
            or tuple(data["cues"]) != tuple(CUES)
            or tuple(data.get("sentence_features", ())) != SENTENCE_FEATURES
        ):
            raise ValueError("safety classifier: labels, cues or sentence features differ from this code's; retrain it")
        return cls(
            model=data["model"],
            backend=data["backend"],
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            emergency_threshold=float(data["emergency_threshold"]),
            dose_threshold=float(data["dose_threshold"]),
            cue_scale=float(data["cue_scale"]),
            recipe=data.get("recipe", ""),
            info=data.get("info") or {},
        )


def load_shipped(path: Path | None = None) -> Classifier | None:
    """The packaged weights (or ``path``); None when there are none yet."""
    if path is not None:
        return Classifier.from_json(path.read_text(encoding="utf-8"))
    shipped = resources.files("bot.safety").joinpath(SHIPPED)
    return Classifier.from_json(shipped.read_text(encoding="utf-8")) if shipped.is_file() else None


def fit(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, l2: float = 0.25, steps: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    """L2-regularised softmax regression (weighted cross-entropy), by L-BFGS from zero: deterministic.

    ``l2`` is the penalty on the weights (not the bias) relative to the summed sample losses."""
    from scipy.optimize import minimize

    x = np.asarray(x, dtype=np.float64)
    d = x.shape[1]
    k = len(LABELS)
    onehot = np.eye(k)[y]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: k * d].reshape(k, d)
        b = theta[k * d :]
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        value = -float((sample_weight * (onehot * logp).sum(axis=1)).sum()) + 0.5 * l2 * float((w * w).sum())
        resid = (np.exp(logp) - onehot) * sample_weight[:, None]
        grad_w = resid.T @ x + l2 * w
        return value, np.concatenate([grad_w.ravel(), resid.sum(axis=0)])

    theta0 = np.zeros(k * d + k)
    result = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": steps})
    theta = result.x
    return theta[: k * d].reshape(k, d).astype(np.float32), theta[k * d :].astype(np.float32)


@dataclass(frozen=True)
class Finding:
    """The learned stage's outcome for one message, with its evidence."""

    label: Label | None  # "emergency" or "dose" when flagged, else None
    category: str  # the emergency category (nearest emergency exemplar's), "dose_request", or "ok"
    probability: float  # of the flagged class, or of the flaggable class nearest its threshold
    threshold: float
    exemplar: str  # nearest bank exemplar of that class (the audit trail)
    similarity: float


class LearnedStage:
    """The classifier over one embedder, with the bank as evidence; only for the model it was trained on."""

    def __init__(self, embedder: Embedder, classifier: Classifier, bank: ExemplarBank) -> None:
        self.embedder = embedder
        self.classifier = classifier
        self.bank = bank

    @classmethod
    def for_embedder(
        cls, embedder: Embedder, cache_dir: Path | None = None, classifier: Classifier | None = None
    ) -> LearnedStage | None:
        """The stage when shipped (or given) weights fit this embedder's model, else None (rules alone)."""
        classifier = classifier or load_shipped()
        if classifier is None or classifier.model != embedder.name or classifier.dim != embedder.dim:
            return None
        return cls(embedder, classifier, ExemplarBank(embedder, cache_dir))

    def classify(self, text: str) -> Finding:
        vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        near = self.bank.nearest(vector)  # one product with the bank: the features and the evidence
        sims = np.array([[near[c][1] if c in near else -1.0 for c in LABELS]], dtype=np.float32)
        parts = sentences(text)  # a multi-sentence message's sentences go to the embedder in one batch
        per_sentence = (
            self.bank.max_similarities(np.asarray(self.embedder.embed_documents(parts), dtype=np.float32))
            if parts
            else None
        )
        x = features(vector[None, :], [text], sims, self.classifier.cue_scale, [per_sentence])
        p = self.classifier.probabilities(x)[0]
        label = self.classifier.decide(p)
        shown: Label = label if label is not None else self._nearest_threshold(p)
        exemplar, similarity = near.get(shown, (None, 0.0))
        category = "ok"
        if label == "dose":
            category = "dose_request"
        elif label == "emergency":
            category = exemplar.category if exemplar is not None else "emergency"
        return Finding(
            label,
            category,
            round(float(p[LABELS.index(shown)]), 4),
            self.classifier.threshold(shown),
            exemplar.id if exemplar is not None else "",
            round(similarity, 4),
        )

    def _nearest_threshold(self, p: np.ndarray) -> Label:
        """When nothing fires, the flaggable class closest to its threshold (what an auditor looks at)."""
        return (
            "emergency"
            if p[LABELS.index("emergency")] / self.classifier.emergency_threshold
            >= p[LABELS.index("dose")] / self.classifier.dose_threshold
            else "dose"
        )
