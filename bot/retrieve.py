"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion.

Dense finds paraphrases; BM25 finds exact drug names, numbers and acronyms the small embedding
model blurs. RRF needs no score calibration between the two, which is why it is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from bot.types import Passage
from ingest.embed import Embedder
from ingest.index import ChunkStore
from ingest.lexical import LexicalIndex
from ingest.settings import Settings
from ingest.types import Chunk

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60


def to_passage(chunk: Chunk, **scores: Any) -> Passage:
    return Passage(
        id=chunk.id,
        text=chunk.text,
        title=chunk.title,
        section=chunk.section,
        source=chunk.source,
        source_url=chunk.source_url,
        page=chunk.page,
        start=chunk.start,
        end=chunk.end,
        audience=chunk.audience,
        attributions=chunk.attributions,
        **scores,
    )


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for every id it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank)
    return fused


class Retriever:
    """Finds the passages most relevant to a query in one index."""

    def __init__(
        self, store: ChunkStore, embedder: Embedder, lexical: LexicalIndex | None, candidates: int = 30
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical = lexical if lexical is not None else self._lexical_from_store(store)
        self.candidates = candidates

    @staticmethod
    def _lexical_from_store(store: ChunkStore) -> LexicalIndex:
        """A replica pointed at a Chroma server may have no local BM25 files: build them in memory."""
        chunks = list(store.all_chunks())
        return LexicalIndex.build([c.id for c in chunks], [c.embed_text() for c in chunks])

    def search(self, query: str, k: int = 6, mode: Mode = "hybrid") -> list[Passage]:
        wanted = mode in ("hybrid", "dense")
        dense = self.store.query(self.embedder.embed_query(query), max(k, self.candidates)) if wanted else []
        return self._fuse(query, dense, k, mode)

    def search_many(self, queries: Sequence[str], k: int = 6, mode: Mode = "hybrid") -> list[list[Passage]]:
        """Several queries: their vectors from one embedding batch and their neighbours from one index call
        (each costs far less than one per query)."""
        if not queries:
            return []
        dense: list[list[tuple[Chunk, float]]] = [[] for _ in queries]
        if mode in ("hybrid", "dense"):
            dense = self.store.query_many(self.embedder.embed_documents(list(queries)), max(k, self.candidates))
        return [self._fuse(q, d, k, mode) for q, d in zip(queries, dense, strict=True)]

    def _fuse(self, query: str, dense: list[tuple[Chunk, float]], k: int, mode: Mode) -> list[Passage]:
        n = max(k, self.candidates)
        lexical = self.lexical.search(query, n) if mode in ("hybrid", "bm25") else []
        dense_scores = {c.id: s for c, s in dense}
        bm25_scores = dict(lexical)
        if mode == "dense":
            fused = {c.id: s for c, s in dense}
        elif mode == "bm25":
            fused = dict(lexical)
        else:
            fused = rrf([[c.id for c, _ in dense], [cid for cid, _ in lexical]])
        top = sorted(fused, key=lambda cid: -fused[cid])[:k]
        chunks = {c.id: c for c, _ in dense}
        missing = [cid for cid in top if cid not in chunks]
        chunks.update(self.store.get(missing))
        return [
            replace(
                to_passage(
                    chunks[cid],
                    score=fused[cid],
                    dense_score=dense_scores.get(cid),
                    bm25_score=bm25_scores.get(cid),
                ),
                rank=rank,
            )
            for rank, cid in enumerate((c for c in top if c in chunks), start=1)
        ]


def as_langchain_retriever(retriever: Retriever, k: int = 6, mode: Mode = "hybrid") -> Any:
    """The same retriever as a LangChain ``BaseRetriever`` for use in LangChain chains."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class CitebotRetriever(BaseRetriever):
        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return [
                Document(page_content=p.text, id=p.id, metadata={k: v for k, v in p.to_dict().items() if k != "text"})
                for p in retriever.search(query, k=k, mode=mode)
            ]

    return CitebotRetriever()


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    """Open an existing index for reading; a missing or mismatched one is a clear ``CitebotError``."""
    from ingest.embed import make_embedder, warm_in_background
    from ingest.pipeline import build_stamp

    if embedder is None:
        embedder = make_embedder(settings)
        warm_in_background(embedder)  # overlaps the model load with opening Chroma and BM25
    store = ChunkStore.open(settings, build_stamp(embedder))
    return Retriever(store, embedder, LexicalIndex.load(settings.index), settings.candidates)
