"""``citebot eval``: the gold-set eval with its CI gates, and the public retrieval benchmarks.

    citebot eval [DATASET.jsonl ...] [--index DIR] [--out DIR] [--split dev|heldout] [--compare RUN_DIR]
                 [--fail-under METRIC=VALUE ...] [--fail-over METRIC=VALUE ...] [--export-ragas FILE] [--limit N]
    citebot eval pubmedqa PATH/ori_pqal.json [--limit N] [--out DIR]
    citebot eval medquad PATH.jsonl [--limit N] [--out DIR]
    citebot eval medquad PATH.jsonl --answers [--limit N] [--out DIR] [--fail-under/--fail-over METRIC=VALUE]
    citebot eval train-ranker PATH/medquad.jsonl [--limit DOCS_PER_FOLD] [--out DIR]
    citebot eval train-stop PATH/medquad.jsonl [--limit QUESTIONS] [--out DIR]
    citebot eval calibrate-near PATH/medquad.jsonl [--limit PAIRS]
    citebot eval safety [--split PART] [--misses] [--latency] [--train PUBLIC_QA ... [--out DIR]]

Exit codes: 0 done, 1 a --fail-under or --fail-over gate failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.datasets import DEFAULT_DATASET, SPLITS
from evals.medquad_answers import ANSWER_METRICS
from evals.metrics import OVERALL_METRICS
from evals.safety import development_parts, heldout_parts
from ingest.cli import add_index_options, settings_from
from ingest.errors import CitebotError

# Further parts of the safety corpus (dev2.jsonl, dev3.jsonl …, a new writer's heldoutN.jsonl), each by another writer:
# safety eval only.
SAFETY_PARTS = tuple(p for p in (*development_parts(), *heldout_parts()) if p not in SPLITS)

BENCHMARKS = ("pubmedqa", "medquad", "train-ranker", "train-stop", "calibrate-near")


def gate(text: str) -> tuple[str, float]:
    """Parse ``METRIC=VALUE`` for --fail-under/--fail-over; an unknown metric is a usage error (exit 2)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise argparse.ArgumentTypeError(f"expected METRIC=VALUE, got '{text}'")
    if name not in OVERALL_METRICS and name not in ANSWER_METRICS:
        raise argparse.ArgumentTypeError(
            f"unknown metric '{name}' (known: {', '.join(OVERALL_METRICS)}; medquad --answers: "
            f"{', '.join(ANSWER_METRICS)})"
        )
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number in '{text}'") from None


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="score the bot on a gold set (or run a public retrieval benchmark)",
        description="Run gold cases through the bot and write results.jsonl, summary.json, report.md and "
        "report.html to --out. 'citebot eval pubmedqa PATH' and 'citebot eval medquad PATH' measure "
        "retrieval on those public datasets instead; 'citebot eval train-ranker MEDQUAD.jsonl' retrains the "
        "answerer's sentence ranker (bot/ranker.json, or DIR/ranker.json with --out); 'citebot eval train-stop "
        "MEDQUAD.jsonl' relearns the patient answer's stopping rule (bot/stop.json); 'citebot eval calibrate-near "
        "MEDQUAD.jsonl' measures the closeness in meaning at which the scope check reads a question's word as said "
        "(bot.near.NEAR); 'citebot eval safety' "
        "scores the safety layer on the phrasing corpus (evals/datasets/safety/). "
        "Exit codes: 0 done, 1 a --fail-under gate failed, "
        "2 usage or input error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="metric names for --fail-under/--fail-over (summary.json 'overall'):\n  "
        + ", ".join(OVERALL_METRICS)
        + "\nwith 'medquad PATH --answers':\n  "
        + ", ".join(ANSWER_METRICS),
    )
    p.add_argument(
        "datasets",
        nargs="*",
        metavar="DATASET",
        help=f"gold JSONL files (default {DEFAULT_DATASET}), or 'pubmedqa PATH' / 'medquad PATH' / 'train-ranker PATH' "
        "/ 'train-stop PATH' / 'calibrate-near PATH'",
    )
    p.add_argument("--out", type=Path, help="output folder (default runs/<UTC timestamp>/)")
    p.add_argument(
        "--limit",
        type=int,
        help="only the first N cases (medquad: N sampled pairs, default 2000; train-ranker: documents per fold, "
        "default 100; train-stop: training-fold questions, default 600; calibrate-near: sampled pairs, default 1000)",
    )
    p.add_argument(
        "--split",
        choices=(*SPLITS, *SAFETY_PARTS),
        help="only the cases of this split (tune on dev; report heldout separately, never tune on it); "
        "safety: one part of the phrasing corpus (default: every part; dev* are development parts, heldout* "
        "frozen held-out parts, scored only)",
    )
    p.add_argument("--compare", type=Path, metavar="RUN_DIR", help="print and write deltas against an earlier run")
    p.add_argument(
        "--fail-under",
        type=gate,
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when an overall metric is below VALUE (repeatable)",
    )
    p.add_argument(
        "--fail-over",
        type=gate,
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when a lower-is-better overall metric is above VALUE (repeatable), e.g. self_reference_rate=0",
    )
    p.add_argument(
        "--answers",
        action="store_true",
        help="medquad: ask the sample's questions through the bot and score the answers against the gold "
        "answers, beside a plain LangChain pipeline (default 300 questions)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="medquad --answers: the sample's seed; 0 (default) is the reported sample, any other draws a "
        "development sample off the reported sample's pages",
    )
    p.add_argument(
        "--export-ragas",
        type=Path,
        metavar="FILE",
        help="also write a ragas EvaluationDataset JSONL (reference = the gold facts in words for answer "
        "cases, else the expected behavior; reference_contexts = indexed chunks of the gold sources)",
    )
    p.add_argument("--test-split", type=Path, help="pubmedqa: test_ground_truth.json (default: beside PATH)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--misses", action="store_true", help="safety: list a development part's misses (never held-out's)")
    p.add_argument(
        "--train",
        nargs="+",
        type=Path,
        metavar="PUBLIC_QA",
        help="safety: retrain the learned stage on the bank, the development parts and these public QA files' "
        "questions as ordinary messages (MedQuAD .jsonl, PubMedQA ori_pqal.json); writes bot/safety/classifier.json "
        "(or DIR/classifier.json with --out), then scores the development parts",
    )
    p.add_argument("--latency", action="store_true", help="safety: time the check per message (dev messages)")
    add_index_options(p)
    p.set_defaults(func=run, _parser=p)


def open_bot(settings: Any) -> Any:
    """The bot under test, exactly as the CLI and UI open it (tests replace this with a fake-embedder bot)."""
    from bot.answer import Bot

    return Bot.from_settings(settings)


def run(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args._parser
    if args.datasets[:1] == ["safety"] and not Path("safety").is_file():
        if len(args.datasets) != 1:
            parser.error(
                "usage: citebot eval safety [--split PART] [--misses] [--latency] [--train PUBLIC_QA ... [--out DIR]]"
            )
        return run_safety(args)
    if args.split in SAFETY_PARTS:
        parser.error(f"--split {args.split} is for the safety corpus only: citebot eval safety --split {args.split}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.datasets and args.datasets[0] in BENCHMARKS and not Path(args.datasets[0]).is_file():
        if args.answers and args.datasets[0] != "medquad":
            parser.error("--answers only goes with 'medquad PATH'")
        answers = args.answers
        extra = [flag for flag, v in (("--compare", args.compare), ("--export-ragas", args.export_ragas),
                                      ("--split", args.split), ("--fail-under", args.fail_under and not answers),
                                      ("--fail-over", args.fail_over and not answers),
                                      ("--seed", args.seed and not answers)) if v]  # fmt: skip
        if extra:
            parser.error(f"{', '.join(extra)} cannot be used with '{args.datasets[0]}'")
        if len(args.datasets) != 2:
            parser.error(f"usage: citebot eval {args.datasets[0]} PATH [--limit N] [--out DIR]")
        if answers:
            return run_medquad_answers(Path(args.datasets[1]), args)
        return run_benchmark(args.datasets[0], Path(args.datasets[1]), args)
    if args.answers:
        parser.error("--answers only goes with 'medquad PATH'")
    if args.seed:
        parser.error("--seed only goes with 'medquad PATH --answers'")
    return run_gold(args)


def run_gold(args: argparse.Namespace) -> int:
    from evals import run as runner
    from evals.datasets import checklists_for, load_datasets
    from evals.judge import make_judge
    from evals.report import overall_table

    paths = [Path(d) for d in args.datasets] or [DEFAULT_DATASET]
    cases = load_datasets(paths)
    if args.split:
        cases = [c for c in cases if c.split == args.split]
        if not cases:
            raise CitebotError(f"no case of split '{args.split}' in {', '.join(map(str, paths))}")
    if args.limit:
        cases = cases[: args.limit]
    checklists = checklists_for(cases)
    baseline = runner.load_run(args.compare) if args.compare else None  # fail before the run, not after
    settings = settings_from(args)
    bot = open_bot(settings)
    judge = make_judge(settings, bot.retriever.embedder)
    ragas_rows: list[dict[str, Any]] = []
    on_answer = None
    if args.export_ragas:
        chunks = list(bot.retriever.store.all_chunks())

        def on_answer(case: Any, answer: Any) -> None:
            ragas_rows.append(runner.ragas_row(case, answer, runner.gold_contexts(chunks, case.sources)))

    records = runner.run_cases(cases, bot, judge, progress=not args.quiet, on_answer=on_answer, checklists=checklists)
    summary = runner.summarize(records, runner.run_meta(paths, bot, judge, records, args.limit))
    out = args.out or runner.default_out_dir()
    runner.write_run(out, records, summary)
    if args.export_ragas:
        runner.write_jsonl(args.export_ragas, ragas_rows)
    print(f"wrote {out}/results.jsonl, summary.json, report.md, report.html (judge: {judge.name})")
    if judge.failures:
        print(f"judge: {len(judge.failures)} failure(s) recorded; see summary.json run.judge_failures")
    if baseline is not None:
        result = runner.compare_runs(summary, records, *baseline)
        (out / "compare.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        text = runner.compare_markdown(result, args.compare)
        (out / "compare.md").write_text(text, encoding="utf-8")
        print(text)
    print(overall_table(summary))
    return check_gates(summary["overall"], args.fail_under, args.fail_over)


def check_gates(overall: dict[str, Any], gates: list[tuple[str, float]], over: Sequence[tuple[str, float]] = ()) -> int:
    """One line per failed gate on stderr; 1 if any failed. ``over`` gates lower-is-better metrics."""
    failed = 0
    for name, ceiling in over:
        value = overall.get(name)
        if value is None or value > ceiling:
            shown = "undefined" if value is None else f"{value:.4g}"
            print(f"citebot: eval: {name} = {shown} is above --fail-over {ceiling:g}", file=sys.stderr)
            failed += 1
    for name, threshold in gates:
        value = overall.get(name)
        if value is None:
            print(f"citebot: eval: {name} is undefined in this run (needs >= {threshold:g})", file=sys.stderr)
            failed += 1
        elif value < threshold:
            print(f"citebot: eval: {name} = {value:.4g} is below --fail-under {threshold:g}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def run_medquad_answers(path: Path, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from evals import medquad_answers as mq
    from evals.run import write_jsonl
    from ingest.embed import make_embedder

    if not path.is_file():
        raise CitebotError(f"no such file: {path}")
    settings = settings_from(args)
    limit = args.limit or mq.MEDQUAD_ANSWERS_DEFAULT_LIMIT
    summary, records = mq.run_medquad_answers(
        path, settings, make_embedder(settings), limit, progress=not args.quiet, seed=args.seed
    )
    out = args.out or Path("runs") / f"medquad-answers-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    out.mkdir(parents=True, exist_ok=True)
    text = mq.summary_markdown(summary)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out / "medquad-answers.md").write_text(text, encoding="utf-8")
    write_jsonl(out / "results.jsonl", records)
    print(text)
    print(f"wrote {out}/summary.json, results.jsonl, medquad-answers.md")
    return check_gates(summary, args.fail_under, args.fail_over)


def run_benchmark(name: str, path: Path, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from evals import public
    from ingest.embed import make_embedder

    if not path.is_file():
        raise CitebotError(f"no such file: {path}")
    settings = settings_from(args)
    embedder = make_embedder(settings)
    if name == "train-ranker":
        return train_ranker(path, embedder, args)
    if name == "train-stop":
        return train_stop(path, settings, embedder, args)
    if name == "calibrate-near":
        return calibrate_near(path, embedder, args)
    progress = not args.quiet
    if name == "pubmedqa":
        result = public.run_pubmedqa(path, settings, embedder, args.limit, args.test_split, progress=progress)
    else:
        limit = args.limit or public.MEDQUAD_DEFAULT_LIMIT
        result = public.run_medquad(path, settings, embedder, limit, progress=progress)
    out = args.out or Path("runs") / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    out.mkdir(parents=True, exist_ok=True)
    text = public.summary_markdown(result)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {out / (name + '.json')}")
    return 0


def train_ranker(path: Path, embedder: Any, args: argparse.Namespace) -> int:
    """Retrain the answerer's sentence ranker; writes bot/ranker.json (or DIR/ranker.json with --out)."""
    from bot.rank import WEIGHTS_PATH
    from evals.ranker import DOCS_PER_FOLD, train

    weights, report = train(path, embedder, args.limit or DOCS_PER_FOLD)
    return _write_model(weights, report, args.out / "ranker.json" if args.out else WEIGHTS_PATH)


def train_stop(path: Path, settings: Any, embedder: Any, args: argparse.Namespace) -> int:
    """Relearn the patient answer's stopping rule; writes bot/stop.json (or DIR/stop.json with --out)."""
    from bot.stop import STOP_PATH
    from evals.stop_train import QUESTIONS, train

    rule, report = train(path, settings, embedder, args.limit or QUESTIONS)
    return _write_model(rule, report, args.out / "stop.json" if args.out else STOP_PATH)


def calibrate_near(path: Path, embedder: Any, args: argparse.Namespace) -> int:
    """Print the closeness in meaning at which the scope check reads a word as said (set it as bot.near.NEAR)."""
    from evals.near_calibration import PAIRS, calibrate

    for key, value in calibrate(path, embedder, args.limit or PAIRS).items():
        print(f"{key}: {value}")
    return 0


def _write_model(text: str, report: dict[str, Any], target: Path) -> int:
    """Write retrained weights and print how they were measured."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    for key, value in report.items():
        print(f"{key}: {value}")
    print(f"wrote {target}")
    return 0


def run_safety(args: argparse.Namespace) -> int:
    from evals import safety
    from ingest.embed import make_embedder

    settings = settings_from(args)
    splits = (args.split,) if args.split else (*development_parts(), *heldout_parts())
    index_given = args.index is not None or args.chroma_url is not None
    answer_settings = settings if args.latency and index_given else None  # whole-answer timing needs an index
    embedder = make_embedder(settings)
    classifier = None
    if args.train:
        from bot.safety import classifier as shipped
        from evals.safety_train import train

        classifier = train(args.train, embedder, settings.cache_dir)
        target = (args.out or Path(shipped.__file__).parent) / shipped.SHIPPED
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(classifier.to_json() + "\n", encoding="utf-8")
        info = classifier.info or {}
        print(f"thresholds: emergency {classifier.emergency_threshold}, dose {classifier.dose_threshold}")
        print(f"out of file (behind the rules): {json.dumps(info.get('out_of_file'))}")
        print("nested (each part at thresholds chosen on the other parts' out-of-file scores: what a new writer sees):")
        for part, row in (info.get("nested") or {}).items():
            print(f"  {part}: emergency {100 * row['emergency_recall']:.1f}% / dose {100 * row['dose_recall']:.1f}% / "
                  f"wrongly flagged {100 * row['false_flag_rate']:.1f}% at {row['emergency_threshold']:.2f} / "
                  f"{row['dose_threshold']:.2f}; the classifier alone: emergency "
                  f"{100 * row['classifier_emergency_recall']:.1f}% / "
                  f"dose {100 * row['classifier_dose_recall']:.1f}%")  # fmt: skip
        nested_rows = list((info.get("nested") or {}).values())
        if nested_rows:
            mean = {
                k: sum(r[k] for r in nested_rows) / len(nested_rows)
                for k in (
                    "emergency_recall",
                    "dose_recall",
                    "false_flag_rate",
                    "classifier_emergency_recall",
                    "classifier_dose_recall",
                )
            }
            print("  mean: " + " / ".join(f"{k} {100 * v:.2f}%" for k, v in mean.items()))  # fmt: skip
        print(f"wrote {target}")
        splits = tuple(s for s in splits if s not in heldout_parts()) or ("dev",)  # training never scores held-out
    print(safety.run(splits, embedder, settings.cache_dir, args.misses, args.latency, settings=answer_settings,
                     classifier=classifier))  # fmt: skip
    return 0
