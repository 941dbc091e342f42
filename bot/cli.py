"""``citebot search`` (and the other bot commands): thin argument handling over the bot's API."""

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

    p = sub.add_parser(
        "chat",
        help="serve the chat UI (/), the embeddable widget (/widget) and an OpenAI-compatible API (/v1)",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    add_index_options(p)
    p.set_defaults(func=run_chat)

    p = sub.add_parser("feedback", help="work with the ratings users gave in the chat")
    fsub = p.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    e = fsub.add_parser("export", help="write thumbs-down answers as eval cases (gold-set JSON lines)")
    e.add_argument("file", type=Path, help="output .jsonl file")
    e.add_argument("--data-dir", type=Path, help="app data directory (default .citebot/data, env CITEBOT_DATA_DIR)")
    e.set_defaults(func=run_feedback_export)


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
    from bot.web.render import answer_json, answer_text

    settings = settings_from(args)
    history = _read_history(args.history)
    bot = Bot.from_settings(settings)
    answer = bot.ask(args.question, args.audience, history)
    print(answer_json(answer) if args.json else answer_text(answer))
    return 0


def run_chat(args: argparse.Namespace) -> int:
    """Open the index once, then serve every interface from that one bot."""
    import logging

    import uvicorn

    from bot.web.api import build_bot, create_app
    from ingest.errors import CitebotError

    if not 0 < args.port < 65536:
        raise CitebotError(f"--port must be between 1 and 65535, not {args.port}")
    settings = settings_from(args)
    app = create_app(build_bot(settings), settings)
    shown = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(f"citebot: chat on http://{shown}:{args.port}/  widget /widget  API /v1 (Ctrl+C to stop)", flush=True)
    # citebot's own log at CITEBOT_LOG_LEVEL; question text appears in it only at 'debug' (bot.web.privacy).
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level)
    return 0


def run_feedback_export(args: argparse.Namespace) -> int:
    from bot.web.feedback import FeedbackStore
    from ingest.settings import Settings

    settings = Settings()
    data_dir = args.data_dir or settings.data_dir
    n = FeedbackStore.in_dir(data_dir, settings.feedback_retention_days).export_eval_cases(args.file)
    print(f"wrote {n} eval case(s) from thumbs-down feedback to {args.file}")
    return 0
