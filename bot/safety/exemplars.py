"""The exemplar bank: written emergency, personal-dose and ordinary messages, embedded once.

Why: the bank (``exemplars.jsonl`` beside this file) holds emergency and personal-dose messages in many
voices and ORDINARY near misses ("what are the signs of anaphylaxis?", "what does the leaflet say about
a missed dose?"). It is training data for the learned stage (``classifier.py``) and its audit trail:
every decision names the nearest exemplar of the decided class, and the nearest emergency exemplar names
the emergency's category (which fixed message is shown). Its embeddings are cached on disk keyed by the
model, backend and the bank's content hash, so a cold process loads ~1 MB instead of re-embedding it.
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

from ingest.embed import Embedder
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


class ExemplarBank:
    """The bank and its vectors (embedded, or loaded from the cache, on first use); finds the nearest
    exemplar of each class to a message's vector."""

    def __init__(
        self, embedder: Embedder, cache_dir: Path | None = None, bank: Sequence[Exemplar] | None = None
    ) -> None:
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.bank = tuple(bank) if bank is not None else load_bank()
        self._vectors: np.ndarray | None = None
        self.rows = {label: np.array([i for i, ex in enumerate(self.bank) if ex.label == label]) for label in LABELS}

    def cache_path(self) -> Path:
        # The backend and int8 recipe too: their vectors of the same model differ slightly (cosine ~0.99).
        who = f"{self.embedder.name}\0{self.embedder.backend}\0{self.embedder.recipe}\0{self.embedder.dim}"
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
        # One text per call, as questions are embedded in use and as the learned stage was trained (the
        # earlier per-batch int8 graph made a vector depend on its batch mates).
        vectors = np.stack([np.asarray(self.embedder.embed_query(ex.text), dtype=np.float32) for ex in self.bank])
        _save_atomically(path, vectors)
        return vectors

    def max_similarities(
        self, queries: np.ndarray, leave_out_self: bool = False, leave_out: int | None = None
    ) -> np.ndarray:
        """Per query row, the cosine similarity of its nearest exemplar of each class (``LABELS`` order); with
        ``leave_out_self`` the queries are the bank itself and each row skips its own exemplar, with
        ``leave_out`` every row skips that exemplar (its sentences: training)."""
        sims = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        if leave_out_self:
            np.fill_diagonal(sims, -1.0)
        if leave_out is not None:
            sims[:, leave_out] = -1.0
        return np.stack([sims[:, self.rows[label]].max(axis=1) for label in LABELS], axis=1)

    def nearest(self, query: np.ndarray) -> dict[Label, tuple[Exemplar, float]]:
        """Per class present in the bank: its nearest exemplar and the cosine similarity to it."""
        sims = self.vectors @ np.asarray(query, dtype=np.float32)
        out: dict[Label, tuple[Exemplar, float]] = {}
        for label, rows in self.rows.items():
            if len(rows):
                i = int(rows[int(np.argmax(sims[rows]))])
                out[label] = (self.bank[i], float(sims[i]))
        return out


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
