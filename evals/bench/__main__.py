"""The benchmark's child processes: ``python -m evals.bench _plain|_retrieve`` (see common.bench_cmd)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.bench.common import CHILD_ENV
from evals.bench.latency import retrieve_child
from evals.bench.rival import plain_pipeline


def main(argv: Sequence[str] | None = None) -> int:
    """Internal entry for the benchmark's child processes: ``python -m evals.bench _plain|_retrieve``."""
    os.environ.update(CHILD_ENV)
    p = argparse.ArgumentParser(prog="python -m evals.bench")
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("_plain")
    a.add_argument("corpus", type=Path)
    a.add_argument("persist", type=Path)
    b = sub.add_parser("_retrieve")
    b.add_argument("index", type=Path)
    b.add_argument("collection")
    b.add_argument("queries", type=Path)
    b.add_argument("--chroma-url")
    args = p.parse_args(argv)
    if args.what == "_plain":
        result = plain_pipeline(args.corpus, args.persist)
    else:
        result = retrieve_child(args.index, args.collection, args.queries, args.chroma_url)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
