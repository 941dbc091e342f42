"""One place for every tunable, read from the environment (prefix ``CITEBOT_``).

It lives in the bottom layer so every package above can import it without a cycle.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/citebot`` (``~/.cache/citebot``): derived files that can always be rebuilt."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citebot"


class Settings(BaseSettings):
    """citebot's configuration; every field can be set as ``CITEBOT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="CITEBOT_", env_file=None, extra="ignore")

    index: Path = Field(Path(".citebot/index"), description="Directory of the persistent Chroma index.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (chroma run); when set, vectors live there, not in --index."
    )
    collection: str = Field("citebot", description="Name of the Chroma collection holding the chunks.")
    data_dir: Path = Field(
        Path(".citebot/data"), description="Directory for the feedback database and other app state."
    )
    cache_dir: Path | None = Field(
        None,
        description="Directory for derived files that can be rebuilt, such as the safety exemplars' embeddings "
        "and the ONNX graphs exported from the embedding model; "
        "default $XDG_CACHE_HOME/citebot (~/.cache/citebot).",
    )
    embed_model: str | None = Field(
        None, description="Path to a sentence-transformers model; default: the bundled all-MiniLM-L6-v2."
    )
    embed_backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto",
        description="Embedding runtime: torch (sentence-transformers), onnx (ONNX Runtime, float32) or onnx-int8 "
        "(int8 weights); auto = onnx-int8 where onnxruntime is installed. An index is queried with the backend "
        "that built it.",
    )
    embed_batch_size: int | None = Field(
        None,
        ge=1,
        description="Texts per embedding batch; default per backend, the fastest measured on 2 cores: 16 for torch, "
        "1 for ONNX Runtime, whose workers each take one text at a time (no padding, activations stay in the CPU "
        "cache: docs/PERFORMANCE.md).",
    )
    embed_workers: int = Field(
        0,
        ge=0,
        description="Embedding batches run at once by the ONNX backends, each on one thread; 0 = one per usable "
        "CPU core (in bulk faster than one batch spread over every core: docs/PERFORMANCE.md). torch threads "
        "each batch itself and ignores this.",
    )
    embed_dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="Embedding precision; auto uses bfloat16 where the CPU has native bf16 (AMX)."
    )
    chunk_tokens: int = Field(
        200, description="Token budget of a chunk's text, below the model's 256-word-piece window."
    )
    chunk_overlap_tokens: int = Field(40, description="Tokens of trailing sentences repeated in the next chunk.")
    top_k: int = Field(6, description="Passages handed to the answerer.")
    candidates: int = Field(30, description="Candidates taken from each of dense and BM25 before fusion.")
    hnsw_ef_search: int = Field(128, description="HNSW search breadth set when the collection is created.")
    llm: str | None = Field(
        None,
        description="LangChain init_chat_model id such as 'openai:gpt-4o-mini'; unset = offline answerer.",
    )
    llm_base_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama)."
    )
    llm_api_key: str | None = Field(None, description="API key for the LLM; providers' own env vars also work.")
    llm_timeout: float = Field(60.0, description="Seconds before an LLM request is abandoned.")
    llm_max_tokens: int = Field(900, description="Upper bound on tokens the LLM may generate per answer.")
    judge_llm: str | None = Field(None, description="init_chat_model id of an LLM judge for evals; unset = heuristic.")
    max_question_chars: int = Field(4000, description="Longest question accepted; longer gets a clear message.")
    audience: Literal["clinician", "patient"] = Field("patient", description="Default audience when none is chosen.")
    chat_concurrency: int = Field(
        4,
        description="Answers computed at once per chat view and for the API; the bot is CPU bound on a few cores, "
        "so more only adds latency to everyone, while 4 lets LLM-backed (network-bound) answers overlap.",
    )
    chat_queue_size: int = Field(
        64, description="Chat requests allowed to wait in the UI queue; beyond it users get 'busy' instead of a hang."
    )
    chroma_timeout: float = Field(
        10.0,
        description="Seconds before a request to the Chroma server is abandoned; users then get 'search is "
        "unavailable, try again shortly' instead of a hang.",
    )
    api_keys: SecretStr | None = Field(
        None, description="Comma-separated API keys; when set (or api_keys_file), /v1 requires 'Authorization: Bearer'."
    )
    api_keys_file: Path | None = Field(
        None, description="File of API keys, one a line ('#' comments); re-read when it changes, so keys rotate live."
    )
    protect_ui: bool = Field(
        False,
        description="Also require a key for the chat and widget (browser sign-in: any user name, the key as password).",
    )
    rate_limit: int = Field(
        60,
        ge=0,
        description="Requests per client (API key, else address) per rate_window to /v1 and to questions "
        "asked in the chat; beyond it a 429 with Retry-After. 0 = no limit.",
    )
    rate_window: float = Field(60.0, gt=0, description="Seconds of the sliding window that rate_limit counts over.")
    widget_origins: str = Field(
        "",
        description="Comma-separated origins (https://clinic.example) allowed to frame /widget; unset = same origin.",
    )
    feedback_retention_days: int = Field(
        90,
        ge=0,
        description="Feedback older than this many days is deleted (on open and on writes); 0 keeps it forever.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="Level of the server's log; only 'debug' ever includes question text."
    )
