"""``citebot search`` (and the other bot commands): thin argument handling over the bot's API."""

from __future__ import annotations

import argparse
import json

from ingest.cli import add_index_options, settings_from


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_index_options(p)
    p.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    from bot.retrieve import open_retriever
    from ingest.errors import CitebotError

    if not args.query.strip():
        raise CitebotError("the query is empty")
    if args.k < 1:
        raise CitebotError("-k must be at least 1")
    passages = open_retriever(settings_from(args)).search(args.query, k=args.k, mode=args.mode)
    if args.json:
        print(
            json.dumps(
                {"query": args.query, "mode": args.mode, "passages": [p.to_dict() for p in passages]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for p in passages:
        where = f"{p.source}" + (f" p.{p.page}" if p.page else "") + f" [{p.start}:{p.end}]"
        print(f"{p.rank}. {p.title} — {p.section or '(top)'}  ({where}, score {p.score:.4f})")
        print("   " + " ".join(p.text.split())[:300])
    return 0
