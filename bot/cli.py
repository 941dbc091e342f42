"""``citebot search`` and ``citebot ask``: thin argument handling over the answering engine.

Serving (``chat``, ``feedback``) lives in ``bot.web.cli``; the engine never imports the web package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ingest.cli import add_index_options, settings_from


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_index_options(p)
    p.set_defaults(func=run_search)

    p = sub.add_parser("ask", help="answer a question with verified citations")
    p.add_argument("question")
    p.add_argument("--audience", choices=["clinician", "patient"], help="answer style (default patient)")
    p.add_argument("--history", type=Path, help="JSON list of earlier user messages or {role, content} messages")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    add_index_options(p)
    p.set_defaults(func=run_ask)


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


def _read_history(path: Path | None) -> list[Any]:
    from ingest.errors import CitebotError

    if path is None:
        return []
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CitebotError(f"cannot read --history {path}: {err}") from None
    if not isinstance(data, list):
        raise CitebotError("--history must be a JSON list of messages")
    return data


def run_ask(args: argparse.Namespace) -> int:
    from bot.answer import Bot
    from bot.render import answer_json, answer_text

    settings = settings_from(args)
    history = _read_history(args.history)
    bot = Bot.from_settings(settings)
    answer = bot.ask(args.question, args.audience, history)
    print(answer_json(answer) if args.json else answer_text(answer))
    return 0
