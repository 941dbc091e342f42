"""Run gold cases through the real ``Bot`` and write results.jsonl, summary.json and the reports.

Each case is asked the way the chat UI asks it: the last turn is the question, and each earlier
turn was asked first, in order, of the same bot, its answer passed back as an assistant message, so
a follow-up is scored knowing what the conversation has already shown. One failing case is recorded
as status ``error`` and the run goes on, so a single bad question never hides the other 149 results.
"""

from __future__ import annotations

import json
import platform
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.answer import Bot
from bot.types import Answer, Passage
from evals import metrics as m
from evals.datasets import Case, Checklists
from evals.judge import EvalJudge
from ingest.types import Chunk

RESULTS = "results.jsonl"
SUMMARY = "summary.json"


def default_out_dir(root: Path = Path("runs")) -> Path:
    return root / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _cited_passages(answer: Answer) -> dict[int, Passage]:
    """What each [n] of the shown text points to, with the passage's full text for the judge."""
    return {
        c.n: Passage(id=c.passage_id, text=c.text, title=c.title, section=c.section, source=c.source, page=c.page)
        for c in answer.citations
    }


def conversation(case: Case, bot: Bot, answered: dict[tuple[str, tuple[str, ...]], str | None]) -> list[dict[str, str]]:
    """The case's earlier turns as the chat UI holds them: each asked in order of ``bot`` with the
    conversation so far and followed by the answer it got; a turn that failed is left out, as the UI
    leaves it out. ``answered`` keeps each conversation prefix's answer, so cases that open alike ask once."""
    messages: list[dict[str, str]] = []
    for i, turn in enumerate(case.history):
        key = (case.audience, case.history[: i + 1])
        if key not in answered:
            try:
                answered[key] = bot.ask(turn, case.audience, list(messages)).text
            except Exception:  # the UI drops a turn that failed; the scored turn still runs
                answered[key] = None
        text = answered[key]
        if text is not None:
            messages += [{"role": "user", "content": turn}, {"role": "assistant", "content": text}]
    return messages


def case_metrics(
    case: Case,
    answer: Answer | None,
    wall: float,
    judge: EvalJudge,
    checklists: Checklists | None = None,
    earlier: Sequence[str] = (),
) -> tuple[dict[str, Any], list[Any], list[m.SentenceReview], list[str]]:
    """Every per-case metric (None where it does not apply), the judge's verdicts, the sentence
    reviews and the checklist points the answer missed; ``earlier`` holds the conversation's earlier answers."""
    status = answer.status if answer is not None else "error"
    out: dict[str, Any] = {"behavior_accuracy": 1.0 if m.behavior_of(status) == case.behavior else 0.0}
    retrieved = [p.source for p in answer.retrieved] if answer is not None else []
    out.update(m.retrieval_metrics(retrieved, case.sources))
    verdicts: list[Any] = []
    reviews: list[m.SentenceReview] = []
    shows_answer = answer is not None and status in ("answered", "partial")
    if answer is not None and shows_answer:
        titles = {c.n: c.title for c in answer.citations}
        reviews = m.review_sentences(answer.text, case.audience, case.turns, case.support, titles, earlier)
        scores = m.citation_scores(answer.text, _cited_passages(answer), judge)
        verdicts = scores.verdicts
        out["citation_recall"], out["citation_precision"] = scores.recall, scores.precision
        out["uncited_claim_rate"] = m.uncited_claim_rate(answer.text)
        out["self_reference_rate"] = m.self_reference_rate(answer.text)
        out["reading_grade"] = m.reading_grade(answer.text)
    else:
        out.update(
            citation_recall=None,
            citation_precision=None,
            uncited_claim_rate=None,
            self_reference_rate=None,
            reading_grade=None,
        )
    out.update(m.sentence_metrics(reviews))
    if not case.multi_turn:
        out["repeat_rate"] = None  # nothing was shown before a first question
    if case.behavior != "answer":
        out["answer_precision"] = None  # support patterns describe an answer this case should not give
    points = (checklists or {}).get(case.checklist, {})
    out["seed_coverage"], missed = m.seed_coverage(answer.text if shows_answer and answer else "", points)
    out["fact_recall"] = m.fact_recall(answer.text if answer else "", case.facts) if case.behavior == "answer" else None
    timings = answer.timings if answer is not None else {}
    for stage in m.STAGES[:-1]:
        out[f"latency_{stage}"] = timings.get(stage)
    out["latency_total"] = wall
    out.update(m.named_failures(case.behavior, status))
    return out, verdicts, reviews, missed


def case_record(
    case: Case,
    answer: Answer | None,
    error: str,
    wall: float,
    judge: EvalJudge,
    checklists: Checklists | None = None,
    earlier: Sequence[str] = (),
) -> dict[str, Any]:
    """One line of results.jsonl: the question, what the bot did, and how it scored; ``earlier`` holds the
    answers the earlier turns got."""
    failures_before = len(judge.failures)
    metrics, verdicts, reviews, missed_points = case_metrics(case, answer, wall, judge, checklists, earlier)
    judge_failures = judge.failures[failures_before:]
    metrics["judge_failures"] = len(judge_failures)
    return {
        "id": case.id,
        "question": case.question,
        "history": list(case.history),
        "earlier_answers": list(earlier),
        "audience": case.audience,
        "turns": "multi" if case.multi_turn else "single",
        "tags": list(case.tags),
        "split": case.split or "all",
        "expected_behavior": case.behavior,
        "status": answer.status if answer is not None else "error",
        "correct": metrics["behavior_accuracy"] == 1.0,
        "error": error,
        "backend": answer.backend if answer is not None else "",
        "query": answer.query if answer is not None else "",
        "retrieved": [
            {"id": p.id, "source": p.source, "rank": p.rank, "score": p.score}
            for p in (answer.retrieved if answer else ())
        ],
        "answer": answer.text if answer is not None else "",
        "citations": [
            {"n": c.n, "passage_id": c.passage_id, "source": c.source, "title": c.title, "section": c.section}
            for c in (answer.citations if answer else ())
        ],
        "verdicts": [v.to_dict() for v in verdicts],
        "sentences": [r.to_dict() for r in reviews],
        "missed_facts": m.missed_facts(answer.text if answer else "", case.facts) if case.behavior == "answer" else [],
        "missed_points": missed_points,
        "removed_by_bot": [{"text": s.text, "reason": s.reason} for s in (answer.removed if answer else ())],
        "notices": list(answer.notices) if answer is not None else [],
        "timings": dict(answer.timings) if answer is not None else {},
        "judge_failures": judge_failures,
        "metrics": metrics,
    }


def run_cases(
    cases: Sequence[Case],
    bot: Bot,
    judge: EvalJudge,
    progress: bool = True,
    on_answer: Callable[[Case, Answer | None], None] | None = None,
    checklists: Checklists | None = None,
) -> list[dict[str, Any]]:
    """Ask every case, score it, and return the records (in dataset order)."""
    from tqdm import tqdm

    records = []
    answered: dict[tuple[str, tuple[str, ...]], str | None] = {}
    for case in tqdm(cases, desc="eval", unit="case", disable=not progress or None):
        messages = conversation(case, bot, answered)  # not timed: the scored turn is
        started = time.perf_counter()
        answer: Answer | None = None
        error = ""
        try:
            answer = bot.ask(case.question, case.audience, messages)
        except Exception as err:  # one broken case must not end the run
            error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        wall = time.perf_counter() - started
        earlier = [msg["content"] for msg in messages if msg["role"] == "assistant"]
        records.append(case_record(case, answer, error, wall, judge, checklists, earlier))
        if on_answer is not None:
            on_answer(case, answer)
    return records


def _grouped(records: Sequence[Mapping[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        groups.setdefault(str(r[key]), []).append(r)
    return {name: m.aggregate(rows) for name, rows in sorted(groups.items())}


def summarize(records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> dict[str, Any]:
    """summary.json: run metadata, overall metrics (what --fail-under gates), breakdowns, confusion table."""
    return {
        "run": dict(meta),
        "overall": m.aggregate(records),
        "by_audience": _grouped(records, "audience"),
        "by_behavior": _grouped(records, "expected_behavior"),
        "by_turns": _grouped(records, "turns"),
        "by_split": _grouped(records, "split"),
        "confusion": m.confusion(records),
    }


def run_meta(
    datasets: Sequence[Path], bot: Bot, judge: EvalJudge, records: Sequence[Mapping[str, Any]], limit: int | None
) -> dict[str, Any]:
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "datasets": [str(p) for p in datasets],
        "limit": limit,
        "index": str(bot.settings.index),
        "top_k": bot.settings.top_k,
        "k": sorted({len(r["retrieved"]) for r in records if r["retrieved"]}),  # passages the answerer read
        "answerer": bot.answerer.name,
        "backends": sorted({str(r["backend"]) for r in records if r["backend"]}),
        "judge": judge.name,
        "judge_description": judge.description,
        "judge_failures": list(judge.failures[:50]),
        "python": platform.python_version(),
    }


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_run(out: Path, records: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> None:
    """results.jsonl, summary.json, report.md and the self-contained report.html."""
    from evals.report import render_html, render_markdown

    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / RESULTS, records)
    (out / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.md").write_text(render_markdown(summary, records), encoding="utf-8")
    (out / "report.html").write_text(render_html(summary, records), encoding="utf-8")


# --- --compare ----------------------------------------------------------------------------------


def compare_runs(
    summary: Mapping[str, Any],
    records: Sequence[Mapping[str, Any]],
    baseline_summary: Mapping[str, Any],
    baseline_records: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Deltas of every summary metric (overall and per group) and the cases whose outcome flipped."""
    sections: dict[str, Any] = {"overall": m.deltas(summary["overall"], baseline_summary.get("overall", {}))}
    for section in ("by_audience", "by_behavior", "by_turns", "by_split"):
        cur, old = summary.get(section, {}), baseline_summary.get(section, {})
        sections[section] = {g: m.deltas(cur.get(g, {}), old.get(g, {})) for g in sorted(set(cur) | set(old))}
    before = {r["id"]: r for r in baseline_records}
    flipped = []
    for r in records:
        old = before.get(r["id"])
        if old is None:
            continue
        fr_new, fr_old = r["metrics"].get("fact_recall"), old.get("metrics", {}).get("fact_recall")
        if bool(old.get("correct")) != bool(r["correct"]) or fr_new != fr_old:
            flipped.append(
                {
                    "id": r["id"],
                    "behavior_correct": [bool(old.get("correct")), bool(r["correct"])],
                    "status": [old.get("status"), r["status"]],
                    "fact_recall": [fr_old, fr_new],
                }
            )
    return {"deltas": sections, "flipped": flipped}


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def compare_markdown(result: Mapping[str, Any], baseline: Path) -> str:
    """The overall deltas and the flipped cases; the per-group deltas stay in compare.json."""
    lines = [f"### Compared with {baseline}", "", "| metric | baseline | current | delta |", "|---|---:|---:|---:|"]
    for name, d in result["deltas"]["overall"].items():
        delta = d["delta"]
        sign = "+" if isinstance(delta, int | float) and delta > 0 else ""
        lines.append(f"| {name} | {_fmt(d['baseline'])} | {_fmt(d['current'])} | {sign}{_fmt(delta)} |")
    flipped = result["flipped"]
    lines += ["", f"Cases whose behavior-correctness or fact recall changed: {len(flipped)}"]
    if flipped:
        lines += ["", "| case | correct (before → now) | status | fact recall |", "|---|---|---|---|"]
        for f in flipped:
            a, b = f["behavior_correct"]
            lines.append(
                f"| {f['id']} | {a} → {b} | {f['status'][0]} → {f['status'][1]} | "
                f"{_fmt(f['fact_recall'][0])} → {_fmt(f['fact_recall'][1])} |"
            )
    lines.append("\n(per-audience, per-behavior and single/multi-turn deltas: compare.json)")
    return "\n".join(lines) + "\n"


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from ingest.errors import CitebotError

    try:
        summary = json.loads((run_dir / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CitebotError(f"--compare: cannot read {run_dir / SUMMARY}: {err}") from None
    records = read_jsonl(run_dir / RESULTS) if (run_dir / RESULTS).exists() else []
    return summary, records


# --- --export-ragas -----------------------------------------------------------------------------

RAGAS_FIELDS = ("user_input", "retrieved_contexts", "response", "reference", "reference_contexts")
_EXPECTED = {
    "abstain": "The assistant should abstain: the indexed sources do not answer this question.",
    "emergency": "The assistant should direct the user to emergency care at once instead of answering.",
    "refuse_dose": "The assistant should decline to give a patient-specific dose and refer to the prescriber.",
}


def readable_fact(pattern: str) -> str:
    """A gold fact regex as words: the first alternative of each choice, regex syntax removed.

    ``2\\.5 hours|2 hours 30`` → ``2.5 hours``; ``CD20\\+? T cells`` → ``CD20+ T cells``.
    """
    out: list[str] = []
    depth = 0
    skip_from: int | None = None  # depth at which a later alternative is being skipped
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        emit = ""
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            emit = {"s": " ", "d": "0", "w": "x"}.get(nxt, "" if nxt in "bBSWDAZ" else nxt)
            i += 2
        elif ch == "[":
            end = pattern.find("]", i + 2)
            end = len(pattern) - 1 if end < 0 else end
            body = pattern[i + 1 : end].lstrip("^")
            emit = body[1] if body.startswith("\\") and len(body) > 1 else body[:1]
            i = end + 1
        elif ch == "(":
            depth += 1
            i += 1
            if pattern.startswith("?:", i) or pattern.startswith("?i", i):
                i += 2
            continue
        elif ch == ")":
            if skip_from is not None and depth == skip_from:
                skip_from = None
            depth -= 1
            i += 1
            continue
        elif ch == "|":
            if skip_from is None:
                skip_from = depth
            i += 1
            continue
        elif ch in "?*+^$":
            i += 1
            continue
        elif ch == "{":
            end = pattern.find("}", i)
            i = (end + 1) if end >= 0 else i + 1
            continue
        else:
            emit = ch
            i += 1
        if skip_from is None:
            out.append(emit)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def ragas_row(case: Case, answer: Answer | None, gold_contexts: Sequence[str]) -> dict[str, Any]:
    """One ``ragas.SingleTurnSample`` as a dict (the schema ``EvaluationDataset.from_jsonl`` loads).

    ``user_input`` is the question, with earlier turns prefixed as "Earlier question: ..." lines for
    multi-turn cases (a string, so ragas reads every row as single-turn). ``reference`` is, for
    answer cases, the gold facts in words joined with "; " (each regex reduced to its first
    alternative); for other cases a sentence stating the expected behavior. ``reference_contexts``
    are the indexed chunks of the documents named by the case's gold ``sources``.
    """
    earlier = "".join(f"Earlier question: {t}\n" for t in case.history)
    if case.behavior == "answer":
        reference = "; ".join(readable_fact(f) for f in case.facts) or "(no gold facts)"
    else:
        reference = _EXPECTED[case.behavior]
    return {
        "user_input": earlier + case.question,
        "retrieved_contexts": [p.text for p in answer.retrieved] if answer is not None else [],
        "response": answer.text if answer is not None else "",
        "reference": reference,
        "reference_contexts": list(gold_contexts),
    }


def gold_contexts(chunks: Iterable[Chunk], sources: Sequence[str]) -> list[str]:
    """Texts of the indexed chunks whose source matches a gold substring, in document order."""
    picked = [c for c in chunks if any(g.lower() in c.source.lower() for g in sources)]
    picked.sort(key=lambda c: (c.source, c.start, c.ordinal))
    return [c.text for c in picked]
