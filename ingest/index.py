"""The chunk store: a Chroma collection (local or server), its build stamp, manifest and writer lock.

The collection's metadata records how it was built (model, dimension, chunker); opening it with a
different build stops with a message naming ``citebot ingest --rebuild`` instead of mixing vectors.

Against a Chroma server every call is bounded by ``chroma_timeout`` and a server that stops answering is
``SearchUnavailable`` ("try again shortly"), never a traceback or a hang; the same client keeps working
once the server is back, so nothing needs restarting.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ingest.chunk import CHUNKER_VERSION
from ingest.errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexMissing, SearchUnavailable
from ingest.settings import Settings
from ingest.types import Chunk, attributions_from_json

log = logging.getLogger("citebot.index")
T = TypeVar("T")
MANIFEST = "manifest.json"
UNAVAILABLE = "search is unavailable right now (the search server does not answer); please try again shortly"
LOCK = "ingest.lock"
_GET_PAGE = 5000


@dataclass(frozen=True)
class BuildStamp:
    """How an index was built; two indexes with different stamps must not be mixed."""

    embed_model: str
    dim: int
    embed_backend: str = ""  # torch, onnx, onnx-int8: each gives slightly different vectors
    chunker: str = CHUNKER_VERSION
    embed_recipe: str = ""  # onnx-int8's quantisation recipe: a new recipe moves every vector a little

    def as_metadata(self) -> dict[str, str | int]:
        stamp: dict[str, str | int] = {
            "embed_model": self.embed_model,
            "dim": self.dim,
            "embed_backend": self.embed_backend,
            "chunker": self.chunker,
        }
        if self.embed_recipe:  # absent when unquantised, so indexes stamped before recipes existed still open
            stamp["embed_recipe"] = self.embed_recipe
        return stamp


@dataclass
class Manifest:
    """What was ingested from each file: its content hash and chunk ids, for incremental re-ingest."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, index_dir: Path) -> Manifest:
        path = index_dir / MANIFEST
        if not path.exists():
            return cls()
        try:
            files = json.loads(path.read_text())["files"]
            if not isinstance(files, dict) or not all(
                isinstance(e, dict) and isinstance(e.get("sha256"), str) and isinstance(e.get("chunks"), list)
                for e in files.values()
            ):
                raise TypeError("unexpected structure")
            return cls(files)
        except (ValueError, KeyError, TypeError, OSError) as err:
            raise IndexCorrupt(
                f"manifest {path} is unreadable ({type(err).__name__}); run 'citebot ingest --rebuild'"
            ) from None

    def save(self, index_dir: Path) -> None:
        """Atomic replace: a kill mid-write leaves the previous manifest intact."""
        path = index_dir / MANIFEST
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "files": self.files}, indent=0, sort_keys=True))
        os.replace(tmp, path)

    def all_ids(self) -> set[str]:
        return {cid for entry in self.files.values() for cid in entry["chunks"]}


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Single writer per index: a second ingest fails at once rather than interleaving writes."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusy(
            f"another ingest is running on {index_dir} (lock {index_dir / LOCK}); wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()


def server_call(url: str | None, fn: Callable[[], T]) -> T:
    """``fn()`` against the Chroma server at ``url`` (a local index when None: just ``fn()``).

    A dropped connection is retried once, because a restarted server has closed the pooled ones; a timeout
    is not retried, so no call waits more than the timeout. What still fails is ``SearchUnavailable``.
    """
    if url is None:
        return fn()
    import httpx

    failure: Exception | None = None
    for _ in range(2):
        try:
            return fn()
        except httpx.TimeoutException as err:
            failure = err
            break
        except httpx.TransportError as err:
            failure = err
        except httpx.HTTPStatusError as err:
            if err.response.status_code < 500:
                raise
            failure = err
            break
    log.warning("the Chroma server at %s does not answer: %s", url, type(failure).__name__)
    raise SearchUnavailable(UNAVAILABLE) from None


def _http_client(settings: Settings, chroma_settings: Any) -> Any:
    """An HttpClient whose requests time out: chromadb builds its httpx session with ``timeout=None``."""
    from urllib.parse import urlparse

    import chromadb
    import httpx

    base = settings.chroma_url
    assert base is not None
    timeout = httpx.Timeout(settings.chroma_timeout, connect=min(settings.chroma_timeout, 5.0))
    # Construction already sends requests, unbounded; a heartbeat with our timeout first keeps that short.
    heartbeat = f"{base.rstrip('/')}/api/v2/heartbeat"
    url = urlparse(base)
    try:
        server_call(base, lambda: httpx.get(heartbeat, timeout=timeout).raise_for_status())
        client = server_call(
            base,
            lambda: chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            ),
        )
    except SearchUnavailable:
        raise
    except Exception as err:  # not a Chroma server, a bad URL: something to fix, not to retry
        raise IndexMissing(f"cannot use the Chroma server at {base}: {type(err).__name__}: {err}") from None
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = timeout
    else:  # a chromadb that moved its session: say so rather than silently allow endless waits
        log.warning("cannot set a timeout on chromadb's HTTP session; Chroma server calls are unbounded")
    return client


def _client(settings: Settings, create: bool) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        return _http_client(settings, chroma_settings)
    path = settings.index / "chroma"
    if not create and not path.exists():
        raise IndexMissing(f"no index at {settings.index}; run 'citebot ingest PATH' first")
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:
        raise IndexCorrupt(
            f"the index at {settings.index} cannot be opened ({type(err).__name__}); "
            "run 'citebot ingest --rebuild PATH'"
        ) from None


def _wipe_local(settings: Settings) -> Any:
    """Delete a local Chroma folder that cannot even be opened, and start an empty one."""
    from chromadb.api.client import SharedSystemClient

    shutil.rmtree(settings.index / "chroma", ignore_errors=True)
    SharedSystemClient.clear_system_cache()  # forget any handle this process holds on the deleted files
    return _client(settings, create=True)


class ChunkStore:
    """Reads and writes chunks with their vectors in one Chroma collection."""

    def __init__(self, collection: Any, stamp: BuildStamp, remote: str | None = None) -> None:
        self.collection = collection
        self.stamp = stamp
        self.remote = remote  # the Chroma server's URL, None for a local index

    def _call(self, fn: Callable[[], T]) -> T:
        return server_call(self.remote, fn)

    @classmethod
    def open(cls, settings: Settings, stamp: BuildStamp, create: bool = False, rebuild: bool = False) -> ChunkStore:
        try:
            client = _client(settings, create)
        except IndexCorrupt:
            if not (rebuild and create and not settings.chroma_url):
                raise
            client = _wipe_local(settings)  # --rebuild is the advertised fix, so it must work on a corrupt index
        remote = settings.chroma_url or None
        if rebuild:
            try:
                server_call(remote, lambda: client.delete_collection(settings.collection))
            except SearchUnavailable:
                raise  # a down server must not pass for "nothing to delete"
            except Exception:
                pass  # there was no collection to delete
        try:
            if create:
                configuration = {
                    "hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": settings.hnsw_ef_search}
                }
                collection = server_call(
                    remote,
                    lambda: client.get_or_create_collection(
                        settings.collection, metadata=stamp.as_metadata(), configuration=configuration
                    ),
                )
            else:
                collection = server_call(remote, lambda: client.get_collection(settings.collection))
        except SearchUnavailable:
            raise
        except Exception as err:
            if not create and "does not exist" in str(err).lower():
                raise IndexMissing(f"no index at {settings.index}; run 'citebot ingest PATH' first") from None
            raise IndexCorrupt(
                f"the index at {settings.index} cannot be read ({type(err).__name__}: {str(err)[:120]}); "
                "run 'citebot ingest --rebuild PATH'"
            ) from None
        found = collection.metadata or {}
        wanted = stamp.as_metadata()
        diff = {k: (found.get(k), v) for k, v in wanted.items() if found.get(k) != v}
        if diff:
            what = ", ".join(f"{k} {old!r} (now {new!r})" for k, (old, new) in diff.items())
            built_with = found.get("embed_backend")
            keep = f", or query it with CITEBOT_EMBED_BACKEND={built_with}" if set(diff) == {"embed_backend"} else ""
            keep = keep if built_with else ""
            raise IndexMismatch(
                f"the index at {settings.index} was built with {what}; run 'citebot ingest --rebuild PATH'{keep}"
            )
        return cls(collection, stamp, remote)

    def count(self) -> int:
        return int(self._call(self.collection.count))

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        if chunks:
            self._call(
                lambda: self.collection.upsert(
                    ids=[c.id for c in chunks],
                    documents=[c.text for c in chunks],
                    metadatas=[c.metadata() for c in chunks],
                    embeddings=[list(v) for v in vectors],
                )
            )

    def delete(self, ids: Sequence[str]) -> None:
        for lo in range(0, len(ids), _GET_PAGE):
            page = list(ids[lo : lo + _GET_PAGE])
            self._call(lambda: self.collection.delete(ids=page))  # noqa: B023 - called at once

    def ids(self) -> set[str]:
        out: set[str] = set()
        for page in self._pages(include=[]):
            out.update(page["ids"])
        return out

    def all_chunks(self) -> Iterator[Chunk]:
        for page in self._pages(include=["documents", "metadatas"]):
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                yield chunk_from_record(cid, text, meta)

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        res = self._call(lambda: self.collection.get(ids=list(ids), include=["documents", "metadatas"]))
        return {
            cid: chunk_from_record(cid, text, meta)
            for cid, text, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        }

    def query(self, vector: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine similarity (Chroma returns cosine distance).

        Chroma 1.x returns fewer results when fewer exist, so no count() round trip per query.
        """
        return self.query_many([vector], k)[0]

    def query_many(self, vectors: Sequence[Sequence[float]], k: int) -> list[list[tuple[Chunk, float]]]:
        """``query`` for several vectors in one Chroma call (one round trip, not one per vector)."""
        if k <= 0 or not vectors:
            return [[] for _ in vectors]
        res = self._call(
            lambda: self.collection.query(
                query_embeddings=[list(v) for v in vectors], n_results=k,
                include=["documents", "metadatas", "distances"],
            )
        )  # fmt: skip
        return [
            [
                (chunk_from_record(cid, text, meta), 1.0 - float(dist))
                for cid, text, meta, dist in zip(ids, docs, metas, dists, strict=True)
            ]
            for ids, docs, metas, dists in zip(
                res["ids"], res["documents"], res["metadatas"], res["distances"], strict=True
            )
        ]

    def _pages(self, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._call(lambda: self.collection.get(include=include, limit=_GET_PAGE, offset=offset))  # noqa: B023
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])


def chunk_from_record(cid: str, text: str, meta: dict[str, Any]) -> Chunk:
    page = meta.get("page")
    return Chunk(
        id=cid,
        text=text,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        page=int(page) if page is not None else None,
        source_url=str(meta.get("source_url", "")),
        audience=str(meta.get("audience", "")),
        ordinal=int(meta.get("ordinal", 0)),
        attributions=attributions_from_json(meta.get("attributions")),
    )
