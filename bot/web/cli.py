"""``citebot chat`` and ``citebot feedback``: thin argument handling over the serving package."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.cli import add_index_options, settings_from


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def run_chat(args: argparse.Namespace) -> int:
    """Open the index once, then serve every interface from that one bot."""
    import logging

    import uvicorn

    from bot.web.api import build_bot, create_app, warm_in_background
    from ingest.errors import CitebotError

    if not 0 < args.port < 65536:
        raise CitebotError(f"--port must be between 1 and 65535, not {args.port}")
    settings = settings_from(args)
    bot = build_bot(settings)
    app = create_app(bot, settings)
    # Once serving: every passage embedded ahead of questions, in the background (a served bot lives long enough to
    # gain from it; ``citebot ask`` answers one question and does not warm).
    app.router.on_startup.append(lambda: warm_in_background(bot, lambda line: print(f"citebot: {line}", flush=True)))
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
