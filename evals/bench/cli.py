"""``citebot bench``: ingest, retrieval and answer performance measured side by side in one run.

    citebot bench [--quick] [--out DIR]

Everything is measured in one process tree on one machine at one time, so ratios (citebot vs a plain
LangChain pipeline, bf16 vs float32, unchanged re-ingest vs full ingest) hold even when the absolute
figures move with the machine's load. Whole-process figures run the real command as a child process,
so imports and model load are included; peak RSS is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from evals.bench.common import PUBMEDQA, Bench
from evals.bench.ingest_timing import embedding, ingest
from evals.bench.latency import ask, retrieval
from evals.bench.quality import cosine, quality
from evals.bench.report import report

# Each section measures one thing and runs in this order; ``--only`` picks a subset. ``cosine`` (vector
# cosine on 1,000 chunks without the recall runs) repeats part of ``quality``, so it runs only when named.
SECTIONS: dict[str, Callable[[Bench], None]] = {
    "ingest": ingest,
    "embedding": embedding,
    "quality": quality,
    "cosine": cosine,
    "ask": ask,
    "retrieval": retrieval,
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bench",
        help="measure ingest, retrieval and answer performance (writes JSON + a Markdown table)",
        description="Ingest throughput vs a plain LangChain pipeline, re-ingest, retrieval latency at "
        "1k/10k/100k chunks, ask latency, cold start, peak RSS, FLOP utilisation and HNSW recall, in one run. "
        "--quick (1k/10k, demo corpus) takes about 3 minutes; the full run up to 30.",
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes: finishes in about 3 minutes")
    p.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        help="run only this section (repeatable); default: all, in the order listed",
    )
    p.add_argument("--out", type=Path, help="output directory (default runs/bench-<timestamp>/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as SentenceTransformerEmbedder does, before torch loads
    started = time.perf_counter()
    out = args.out or Path("runs") / f"bench-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="citebot-bench-") as tmp:
        bench = Bench(args.quick, Path(tmp), log)
        for name in args.only or [s for s in SECTIONS if s != "cosine"]:
            if name in ("quality", "retrieval") and not PUBMEDQA.exists():
                bench.note(f"{PUBMEDQA} is absent: {name} not measured")
                continue
            SECTIONS[name](bench)
    seconds = time.perf_counter() - started
    command = "citebot bench" + (" --quick" if args.quick else "") + "".join(f" --only {n}" for n in args.only or ())
    table = report(bench, command, seconds)
    bench.results["seconds"] = seconds
    bench.results["rows"] = [asdict(r) for r in bench.rows]
    bench.results["retrieval_rows"] = bench.retrieval_rows
    (out / "bench.json").write_text(json.dumps(bench.results, indent=2))
    (out / "bench.md").write_text(table)
    print(table)
    print(f"written to {out}/bench.json and bench.md", file=sys.stderr)
    return 0
