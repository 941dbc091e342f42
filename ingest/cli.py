"""``citebot ingest``: the command-line face of the ingest pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.settings import Settings


def add_index_options(parser: argparse.ArgumentParser) -> None:
    """--index and --chroma-url, shared by every command that opens the index."""
    parser.add_argument("--index", type=Path, help="index directory (default .citebot/index, env CITEBOT_INDEX)")
    parser.add_argument("--chroma-url", help="use a Chroma server (chroma run) instead of a local index")


def settings_from(args: argparse.Namespace) -> Settings:
    updates = {k: v for k, v in (("index", args.index), ("chroma_url", args.chroma_url)) if v is not None}
    return Settings().model_copy(update=updates)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ingest",
        help="chunk, embed and index documents (.md .txt .html .pdf)",
        description="Index documents incrementally: unchanged files are skipped, changed files replace "
        "their chunks, deleted files' chunks are removed. Exit codes: 0 done (skipped files are listed), "
        "2 user error, 3 another ingest holds the index.",
    )
    p.add_argument("paths", nargs="*", type=Path, default=[Path("corpus")], help="files or folders (default corpus/)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and ingest from scratch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_index_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.embed import make_embedder
    from ingest.pipeline import ingest

    settings = settings_from(args)
    embedder = make_embedder(settings)
    summary = ingest(args.paths, settings, embedder, rebuild=args.rebuild, progress=not args.quiet)
    print(summary.report())
    if summary.chunks_total == 0:
        print("citebot: error: nothing was ingested (no supported documents found)", file=sys.stderr)
        return 2
    return 0
