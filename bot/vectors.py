"""A bounded, thread-safe cache of text embeddings, with a warm-up that fills it ahead of questions.

The answerer's unit sentences (``bot.extractive``) and the scope check's words and phrases (``bot.near``) come back
across questions and turns; a served bot also embeds them all at start (``Bot.warm``) from a thread of its own, beside
the questions it answers meanwhile. One class, so that both caches bound, evict and warm alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

WARM_SHARE = 0.75  # a warm-up fills a cache to this share at most: the rest is for the questions' own words and queries


class VectorCache:
    """Text → vector, at most ``size`` of them; ``embed`` turns a list of texts into their vectors, in order."""

    def __init__(self, embed: Callable[[list[str]], Iterable[Any]], size: int) -> None:
        self.embed = embed
        self.size = size
        self.vectors: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, texts: Sequence[str]) -> list[Any]:
        """The vectors of ``texts``, embedding only those not cached (a full cache starts again, with these texts)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
            if missing:
                if len(self.vectors) + len(missing) > self.size:
                    self.vectors.clear()
                    missing = list(dict.fromkeys(texts))
                self.vectors.update(zip(missing, self.embed(missing), strict=True))
            return [self.vectors[t] for t in texts]

    def warm(self, texts: Iterable[str], batch: int, progress: Callable[[int], None] | None = None) -> int:
        """Embed the ``texts`` not cached, ``batch`` at a time, until the cache holds ``WARM_SHARE`` of ``size``: never
        one evicted, nor a vector a question cached meanwhile replaced. Embedding happens outside the lock, so a
        question waits at most for one batch (the model's own lock) and one insertion. The number of texts added."""
        limit = int(self.size * WARM_SHARE)
        todo = [t for t in dict.fromkeys(texts) if t not in self.vectors][: max(0, limit - len(self.vectors))]
        added = 0
        for lo in range(0, len(todo), batch):
            part = todo[lo : lo + batch]
            vectors = self.embed(part)
            with self._lock:
                if len(self.vectors) + len(part) > limit:
                    break
                for text, vector in zip(part, vectors, strict=True):
                    added += self.vectors.setdefault(text, vector) is vector
            if progress:
                progress(len(part))
        return added
