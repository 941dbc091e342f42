"""The ``citebot`` command: parses arguments and dispatches; user errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot import cli as bot_cli
from bot.web import cli as web_cli
from evals import bench as bench_cli
from evals import cli as evals_cli
from ingest import cli as ingest_cli
from ingest.errors import CitebotError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citebot", description="Medical Q&A where every claim carries a verified citation."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    ingest_cli.add_parser(sub)
    bot_cli.add_parsers(sub)
    web_cli.add_parsers(sub)
    evals_cli.add_parser(sub)
    bench_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    # Errors reach the user as one line below; without a configured log (only `citebot chat` sets one up),
    # the operator-facing warnings behind them would be printed too.
    logging.getLogger("citebot").addHandler(logging.NullHandler())
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CitebotError as err:
        print(f"citebot: error: {err}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("citebot: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
