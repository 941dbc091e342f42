"""Second, deterministic stage: embedding similarity against a bank of written exemplars.

Why: the rules catch the phrasings someone thought of; a caregiver who writes "I can't keep him
awake" or "she's giving her things away" uses none of their words. The bank (``exemplars.jsonl``
beside this file) holds emergency and personal-dose messages in many voices, and ORDINARY near misses
("what are the signs of anaphylaxis?", "what does the leaflet say about a missed dose?") as negatives.
A message is flagged as class C when its nearest C exemplar is at least ``floor`` similar AND beats
the nearest ordinary exemplar by ``margin``. Same model + same bank + same thresholds = same answer.

The thresholds are per model and backend (``CALIBRATED``) and were chosen on the DEVELOPMENT part of the phrasing
corpus only (``citebot eval safety --calibrate``); an embedder without calibrated thresholds gets the
rule stage alone. The bank's embeddings are cached on disk keyed by the model and the bank's content
hash, so a cold process loads ~1 MB instead of re-embedding the bank.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.embed import BUNDLED_NAME, Embedder
from ingest.settings import default_cache_dir

Label = Literal["emergency", "dose", "ordinary"]
LABELS: tuple[Label, ...] = ("emergency", "dose", "ordinary")


@dataclass(frozen=True)
class Exemplar:
    """One bank message: ``category`` is the emergency category ("anaphylaxis", ...) or the label."""

    id: str
    text: str
    label: Label
    category: str


@dataclass(frozen=True)
class Thresholds:
    """Per class: the nearest exemplar must reach ``floor`` and beat the nearest ordinary one by ``margin``."""

    emergency_floor: float
    emergency_margin: float
    dose_floor: float
    dose_margin: float

    def for_label(self, label: Label) -> tuple[float, float]:
        if label == "emergency":
            return self.emergency_floor, self.emergency_margin
        return self.dose_floor, self.dose_margin


# Chosen on evals/datasets/safety/dev.jsonl only (``citebot eval safety --split dev --calibrate``), per model
# and backend: int8 ONNX vectors differ slightly from torch ones (cosine ~0.993), enough to move a margin.
# The fp32 ONNX graph reproduces torch's vectors, so it shares torch's thresholds.
_TORCH = Thresholds(emergency_floor=0.35, emergency_margin=0.09, dose_floor=0.55, dose_margin=0.13)
CALIBRATED: dict[tuple[str, str], Thresholds] = {
    (BUNDLED_NAME, "torch"): _TORCH,
    (BUNDLED_NAME, "onnx"): _TORCH,
    (BUNDLED_NAME, "onnx-int8"): Thresholds(
        emergency_floor=0.35, emergency_margin=0.09, dose_floor=0.55, dose_margin=0.12
    ),
}


@dataclass(frozen=True)
class Match:
    """The outcome for one message: the best flagged class (if any) and the evidence for it."""

    label: Label | None  # "emergency" or "dose" when flagged, else None
    exemplar: Exemplar  # nearest exemplar of the flagged class, or of the closest flaggable class
    similarity: float
    ordinary_similarity: float  # the nearest ordinary exemplar's, which the margin is measured against
    floor: float


def load_bank(text: str | None = None) -> tuple[Exemplar, ...]:
    """The packaged bank (or ``text`` in the same JSON Lines format); a malformed line is a bug, so it raises."""
    if text is None:
        text = resources.files("bot.safety").joinpath("exemplars.jsonl").read_text(encoding="utf-8")
    bank = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            label = row["label"]
            if label not in LABELS:
                raise ValueError(f"exemplar {row['id']}: unknown label {label!r}")
            bank.append(Exemplar(row["id"], row["text"], label, row.get("category", label)))
    return tuple(bank)


def bank_hash(bank: Sequence[Exemplar]) -> str:
    """Content hash of the texts in order: a changed bank never reuses stale vectors."""
    digest = hashlib.sha256()
    for ex in bank:
        digest.update(ex.text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class ExemplarStage:
    """Nearest-exemplar classifier over one embedder; the bank is embedded (or loaded) on first use."""

    def __init__(
        self,
        embedder: Embedder,
        thresholds: Thresholds,
        cache_dir: Path | None = None,
        bank: Sequence[Exemplar] | None = None,
    ) -> None:
        self.embedder = embedder
        self.thresholds = thresholds
        self.cache_dir = cache_dir
        self.bank = tuple(bank) if bank is not None else load_bank()
        self._vectors: np.ndarray | None = None
        self.rows = {label: np.array([i for i, ex in enumerate(self.bank) if ex.label == label]) for label in LABELS}

    @classmethod
    def for_embedder(cls, embedder: Embedder, cache_dir: Path | None = None) -> ExemplarStage | None:
        """The stage with the thresholds calibrated for this model, or None when it has none."""
        thresholds = CALIBRATED.get((embedder.name, embedder.backend))
        return cls(embedder, thresholds, cache_dir) if thresholds else None

    def cache_path(self) -> Path:
        # The backend too: torch and int8 ONNX vectors of the same model differ slightly (cosine ~0.993).
        who = f"{self.embedder.name}\0{self.embedder.backend}\0{self.embedder.dim}"
        key = hashlib.sha256(f"{who}\0{bank_hash(self.bank)}".encode())
        return (self.cache_dir or default_cache_dir()) / f"safety-exemplars-{key.hexdigest()[:20]}.npy"

    @property
    def vectors(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = self._load_or_embed()
        return self._vectors

    def _load_or_embed(self) -> np.ndarray:
        path = self.cache_path()
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape == (len(self.bank), self.embedder.dim):
                return vectors
        except (OSError, ValueError):
            pass  # missing or unreadable: rebuild it
        vectors = np.asarray(self.embedder.embed_documents([ex.text for ex in self.bank]), dtype=np.float32)
        _save_atomically(path, vectors)
        return vectors

    def classify(self, text: str) -> Match:
        """Compare the message with the bank. An emergency that fires wins (as in the rules); when nothing
        fires, the evidence reported is the flaggable class nearest to its floor."""
        query = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        sims = self.vectors @ query
        ordinary_i = self._best(sims, "ordinary")
        ordinary = float(sims[ordinary_i]) if ordinary_i is not None else -1.0
        candidates = []
        for label in ("emergency", "dose"):
            i = self._best(sims, label)
            if i is not None:
                floor, margin = self.thresholds.for_label(label)
                sim = float(sims[i])
                fired = sim >= floor and sim - ordinary >= margin
                candidates.append(Match(label if fired else None, self.bank[i], sim, ordinary, floor))
        if not candidates:
            raise ValueError("the exemplar bank has no emergency or dose exemplars")
        fired_first = [c for c in candidates if c.label is not None]
        return fired_first[0] if fired_first else max(candidates, key=lambda c: c.similarity - c.floor)

    def _best(self, sims: np.ndarray, label: Label) -> int | None:
        rows = self.rows[label]
        return int(rows[int(np.argmax(sims[rows]))]) if len(rows) else None


def _save_atomically(path: Path, vectors: np.ndarray) -> None:
    """Write-then-rename so a concurrent reader never sees half a file; a read-only cache is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, vectors, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
