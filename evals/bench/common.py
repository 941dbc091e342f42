"""What every part of the benchmark shares: paths, the run's state, child processes, percentiles, table rows."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.embed import Embedder

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "corpus-external"
PUBMEDQA = SHARED / "data" / "pubmedqa" / "ori_pqal.json"
MEDQUAD = SHARED / "data" / "medquad" / "medquad_answered_subsample35.jsonl"
GOLD = ROOT / "evals" / "datasets" / "demo.jsonl"
MODES = ("dense", "bm25", "hybrid")
CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


def percentiles(values: Sequence[float], ps: Sequence[float] = (50, 95, 99)) -> dict[str, float]:
    """Linear-interpolated percentiles (numpy's default method), keyed ``p50`` etc.; empty → NaN."""
    xs = sorted(values)
    out: dict[str, float] = {}
    for p in ps:
        if not xs:
            out[f"p{p:g}"] = math.nan
            continue
        pos = (len(xs) - 1) * p / 100
        lo, hi = math.floor(pos), math.ceil(pos)
        out[f"p{p:g}"] = xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
    return out


@dataclass(frozen=True)
class Row:
    """One line of the summary table: what was measured, citebot's figure, the reference, the target."""

    measure: str
    citebot: str
    reference: str = ""
    target: str = ""
    met: bool | None = None


@dataclass
class Bench:
    """One benchmark run's state: raw results (for JSON), the summary rows and the retrieval table."""

    quick: bool
    work: Path
    log: Callable[[str], None]
    results: dict[str, Any] = field(default_factory=lambda: {"notes": []})
    rows: list[Row] = field(default_factory=list)
    retrieval_rows: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.results["quick"] = self.quick

    def note(self, text: str) -> None:
        self.results["notes"].append(text)
        self.log(f"note: {text}")


@dataclass(frozen=True)
class ChildRun:
    """A child process's wall time, peak resident memory and output."""

    seconds: float
    cpu_seconds: float  # user + system: less moved by other work on the machine than wall time
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


# A tiny launcher between the benchmark and each child: a child forked straight from the benchmark
# (hundreds of MB resident) inherits that high-water mark in ru_maxrss, even across exec. Forked from
# this ~10 MB launcher, the child's ru_maxrss is its own peak.
_LAUNCHER = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "max_rss_kb": usage.ru_maxrss}, f)
sys.exit(os.waitstatus_to_exitcode(status) & 255)
"""


def run_child(cmd: Sequence[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> ChildRun:
    """Run ``cmd`` via the launcher: wall time from spawn to exit, and that process's own peak RSS."""
    full_env = {**os.environ, **CHILD_ENV, **(env or {})}
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r", suffix=".json") as stats,
    ):
        proc = subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, stats.name, *cmd],
            cwd=cwd,
            env=full_env,
            stdout=out,
            stderr=err,
            text=True,
            check=False,
        )
        out.seek(0)
        err.seek(0)
        got = json.loads(Path(stats.name).read_text() or '{"seconds": 0, "cpu": 0, "max_rss_kb": 0}')
        return ChildRun(got["seconds"], got["cpu"], got["max_rss_kb"] / 1024, proc.returncode, out.read(), err.read())


def citebot_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "citebot.cli", *args]


def bench_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "evals.bench", *args]


def check(run: ChildRun, what: str) -> ChildRun:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}): {run.stderr[-2000:]}")
    return run


def last_json(text: str) -> Any:
    return json.loads(text.strip().splitlines()[-1])


def backend_embedders(bench: Bench) -> dict[str, Embedder]:
    """Every embedding backend this machine can run, text cache off: torch float32 (the reference),
    torch bfloat16 where the CPU has native bf16, ONNX float32 and ONNX int8."""
    from ingest.embed import SentenceTransformerEmbedder, cpu_has_native_bf16
    from ingest.embed_onnx import OnnxEmbedder
    from ingest.settings import Settings

    cache = Settings().cache_dir
    out: dict[str, Embedder] = {"torch float32": SentenceTransformerEmbedder(dtype="float32", cache_size=0)}
    if cpu_has_native_bf16():
        out["torch bfloat16"] = SentenceTransformerEmbedder(dtype="bfloat16", cache_size=0)
    out["onnx"] = OnnxEmbedder(quantized=False, cache_dir=cache, cache_size=0)
    out["onnx-int8"] = OnnxEmbedder(quantized=True, cache_dir=cache, cache_size=0)
    return out


def no_cache(embedder: Embedder) -> Embedder:
    """Benchmarks must embed every query afresh: turn the embedder's text cache off."""
    if hasattr(embedder, "cache_size"):
        embedder.cache_size = 0
        embedder._cache.clear()  # type: ignore[attr-defined]
    return embedder
