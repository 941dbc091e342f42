"""report.md and a self-contained report.html (plots inlined as base64 PNG, no external files).

matplotlib runs on the Agg canvas through ``Figure`` directly (no pyplot, no display), so reports
render the same on a headless CI runner as on a laptop.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

from evals import metrics as m

# The share-valued metrics (0..1) plot on one axis; reading grade has its own scale.
PLOTTED = tuple(name for name in m.MEAN_METRICS if name != "reading_grade")
GROUPS = (
    ("by_audience", "audience"),
    ("by_behavior", "expected behavior"),
    ("by_turns", "single/multi-turn"),
    ("by_split", "split"),
)
FLAG_LABELS = {
    "duplicate_rate": "duplicate",
    "repeat_rate": "shown in an earlier answer",
    "fragment_rate": "fragment",
    "wrong_entity_rate": "wrong entity",
    "voice_mismatch": "voice",
}
GROUP_COLUMNS = ("cases", *PLOTTED, "reading_grade", "latency_total_p50", "latency_total_p95")


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def overall_table(summary: Mapping[str, Any]) -> str:
    """The compact Markdown table printed at the end of ``citebot eval``."""
    rows = ["| metric | value |", "|---|---:|"]
    rows += [f"| {name} | {fmt(value)} |" for name, value in summary["overall"].items()]
    return "\n".join(rows)


def _group_table(section: Mapping[str, Mapping[str, Any]], label: str) -> list[str]:
    head = f"| {label} | " + " | ".join(GROUP_COLUMNS) + " |"
    lines = [head, "|---|" + "---:|" * len(GROUP_COLUMNS)]
    for name, values in section.items():
        lines.append(f"| {name} | " + " | ".join(fmt(values.get(c)) for c in GROUP_COLUMNS) + " |")
    return lines


def _confusion_rows(confusion: Mapping[str, Mapping[str, int]]) -> tuple[list[str], list[str]]:
    """Rows (expected behaviors) and the status columns that occur (answered..declined always shown)."""
    expected = list(confusion)
    statuses = [s for s in m.STATUSES if s != "error" or any(confusion[e].get(s) for e in expected)]
    return expected, statuses


def failure_note(record: Mapping[str, Any]) -> str:
    """Why a case is listed among the failures (empty when it passed everything)."""
    mt = record["metrics"]
    notes = []
    if record.get("error"):
        notes.append(record["error"])
    if not record["correct"]:
        notes.append(f"expected {record['expected_behavior']}, got {record['status']}")
    if mt.get("fact_recall") is not None and mt["fact_recall"] < 1:
        notes.append(f"fact recall {mt['fact_recall']:.2f}")
    if mt.get("citation_recall") is not None and mt["citation_recall"] < 1:
        notes.append(f"citation recall {mt['citation_recall']:.2f}")
    if mt.get("uncited_claim_rate"):
        notes.append(f"uncited claims {mt['uncited_claim_rate']:.2f}")
    if mt.get("answer_precision") is not None and mt["answer_precision"] < 1:
        notes.append(f"answer precision {mt['answer_precision']:.2f}")
    shown = record.get("sentences", [])
    for name, label in FLAG_LABELS.items():
        flagged = sum(1 for s in shown if name in s["flags"])
        if flagged:
            notes.append(f"{label} {flagged}/{len(shown)}")
    if record.get("missed_points"):
        notes.append(f"seed coverage {mt['seed_coverage']:.2f}")
    if mt.get("judge_failures"):
        notes.append(f"{mt['judge_failures']} judge failure(s)")
    return "; ".join(notes)


def ordered_cases(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Failures first: wrong behavior, then lowest fact recall, citation recall, most uncited claims."""

    def key(r: Mapping[str, Any]) -> tuple[Any, ...]:
        mt = r["metrics"]
        fr = mt.get("fact_recall")
        cr = mt.get("citation_recall")
        return (
            bool(r["correct"]),
            not bool(failure_note(r)),
            1.0 if fr is None else fr,
            1.0 if cr is None else cr,
            -(mt.get("uncited_claim_rate") or 0.0),
            -sum(1 for s in r.get("sentences", []) if s["flags"]),
            r["id"],
        )

    return sorted(records, key=key)


CASE_COLUMNS = ("id", "question", "audience", "split", "expected", "status", "fact recall", "ans. prec.",
                "cit. recall", "uncited", "total s", "why listed")  # fmt: skip


def _case_cells(r: Mapping[str, Any]) -> list[str]:
    mt = r["metrics"]
    return [
        r["id"],
        " → ".join([*r.get("history", []), r["question"]]),
        r["audience"],
        r.get("split", ""),
        r["expected_behavior"],
        r["status"],
        fmt(mt.get("fact_recall")),
        fmt(mt.get("answer_precision")),
        fmt(mt.get("citation_recall")),
        fmt(mt.get("uncited_claim_rate")),
        fmt(mt.get("latency_total")),
        failure_note(r),
    ]


def _run_lines(run: Mapping[str, Any]) -> list[str]:
    return [
        f"- created: {run.get('created', '')}",
        f"- datasets: {', '.join(run.get('datasets', []))}" + (f" (limit {run['limit']})" if run.get("limit") else ""),
        f"- index: {run.get('index', '')} (top_k setting {run.get('top_k', '')}; k = "
        f"{'/'.join(map(str, run.get('k') or [])) or '–'} passages actually read per answer)",
        f"- answerer: {run.get('answerer', '')}; backends seen: {', '.join(run.get('backends', [])) or '–'}",
        f"- citation judge: {run.get('judge', '')} — {run.get('judge_description', '')}",
    ]


METRIC_NOTES = [
    "behavior_accuracy: expected behavior (answer ↔ answered/partial, abstain ↔ abstained, emergency ↔ emergency, "
    "refuse_dose ↔ declined) matched.",
    "behavior_accuracy_<behavior>: the same over the cases expecting that behavior (emergency = emergencies "
    "recognised; --fail-under only gates 'below', so gate these rather than the lower-is-better counts).",
    "hit_at_k / recall_at_k / mrr: over the passages handed to the answerer (k = the passages it actually read, "
    "see the run lines above), against the case's gold `sources` substrings (cases with sources only).",
    "citation_recall: share of the shown answer's factual sentences supported by the passages they cite, judged on "
    "the cited passages' full text (ALCE). citation_precision: share of [n] markers that are both supporting and "
    "needed; a marker past the citation list never counts.",
    "uncited_claim_rate: factual sentences of the shown text without a [n] marker (recomputed from the text).",
    "self_reference_rate: shown sentences that talk about the knowledge base (its files, folders or 'the X "
    "document') instead of the medicine; should be 0.",
    "fact_recall: share of the gold fact regexes found in the answer (answer cases; an abstention scores 0).",
    "answer_precision: share of the shown sentences that match a `support` pattern of the case (the passage "
    "sentences a correct answer draws on; cases with support patterns only).",
    "duplicate_rate / fragment_rate / wrong_entity_rate / voice_mismatch: share of the shown sentences flagged as "
    "restating an earlier one, a heading / list lead-in / table row / verbless fragment, about another drug or "
    "condition than the question's, or in the other audience's register (rules in evals/metrics.py).",
    "seed_coverage: share of a reference answer's key points (evals/datasets/seed_checklists.json) stated by a "
    "cited sentence (cases with a checklist only).",
    "reading_grade: Flesch-Kincaid grade (textstat formula, pyphen syllables) of answered/partial answers "
    "without markers or markdown.",
    "latency_*: seconds per stage from Answer.timings; total is wall time of bot.ask.",
]


def render_markdown(summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    run = summary.get("run", {})
    lines = ["# citebot eval report", "", *_run_lines(run), "", "## Overall", "", overall_table(summary), ""]
    for section, label in GROUPS:
        lines += [f"## By {label}", "", *_group_table(summary[section], label), ""]
    expected, statuses = _confusion_rows(summary["confusion"])
    lines += ["## Behavior confusion (expected × actual status)", ""]
    lines += ["| expected \\ actual | " + " | ".join(statuses) + " |", "|---|" + "---:|" * len(statuses)]
    for e in expected:
        lines.append(f"| {e} | " + " | ".join(str(summary["confusion"][e].get(s, 0)) for s in statuses) + " |")
    lines += ["", "## Metric definitions", "", *[f"- {n}" for n in METRIC_NOTES]]
    if run.get("judge_failures"):
        lines += ["", "## Judge failures (first 50)", "", *[f"- {f}" for f in run["judge_failures"]]]
    lines += ["", "## Cases (failures first)", "", "| " + " | ".join(CASE_COLUMNS) + " |"]
    lines.append("|" + "---|" * len(CASE_COLUMNS))
    for r in ordered_cases(records):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _case_cells(r)) + " |")
    return "\n".join(lines) + "\n"


# --- plots --------------------------------------------------------------------------------------


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def bar_plot(section: Mapping[str, Mapping[str, Any]], title: str) -> str:
    """Grouped bars: one group per metric, one bar per audience/behavior/turn count."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.8))
    ax = fig.add_subplot()
    names = list(section)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        values = [section[name].get(k) for k in PLOTTED]
        xs = [j + i * width for j in range(len(PLOTTED))]
        ax.bar(xs, [v if v is not None else 0.0 for v in values], width, label=f"{name} (n={section[name]['cases']})")
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(PLOTTED))])
    ax.set_xticklabels(PLOTTED, rotation=25, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def latency_plot(records: Sequence[Mapping[str, Any]]) -> str:
    """Box plot per stage and a histogram of the total, so slow outliers are visible."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    data = [[float(v) for r in records if (v := r["metrics"].get(f"latency_{s}")) is not None] for s in m.STAGES]
    labels = [s for s, d in zip(m.STAGES, data, strict=True) if d]
    ax1.boxplot([d for d in data if d], tick_labels=labels)
    ax1.set_ylabel("seconds")
    ax1.set_title("latency per stage")
    total = data[-1]
    ax2.hist(total, bins=min(30, max(5, len(total) // 3)), color="#4c72b0")
    ax2.set_xlabel("total seconds per case")
    ax2.set_title("total latency distribution")
    return _png(fig)


def confusion_plot(confusion: Mapping[str, Mapping[str, int]]) -> str:
    from matplotlib.figure import Figure

    expected, statuses = _confusion_rows(confusion)
    grid = [[confusion[e].get(s, 0) for s in statuses] for e in expected]
    fig = Figure(figsize=(6.5, 3.8))
    ax = fig.add_subplot()
    im = ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(statuses)))
    ax.set_xticklabels(statuses, rotation=25, ha="right")
    ax.set_yticks(range(len(expected)))
    ax.set_yticklabels(expected)
    ax.set_xlabel("actual status")
    ax.set_ylabel("expected behavior")
    peak = max((v for row in grid for v in row), default=0)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > peak / 2 else "black")
    fig.colorbar(im, ax=ax)
    ax.set_title("behavior confusion")
    return _png(fig)


# --- html ---------------------------------------------------------------------------------------

FILTERS = {
    "failure": "any problem",
    "behavior": "wrong behavior",
    "fact_recall": "missed facts",
    "answer_precision": "answer precision < 1",
    **{name: f"{label} sentences" for name, label in FLAG_LABELS.items()},
    "seed_coverage": "missed seed points",
    "citation_recall": "unsupported citations",
}
_FILTER_JS = """
function citebotFilter(){
  var want=document.getElementById('f-metric').value, split=document.getElementById('f-split').value, n=0;
  document.querySelectorAll('section.case').forEach(function(c){
    var ok=(want==='all'||c.dataset.tags.split(' ').indexOf(want)>=0)&&(split==='all'||c.dataset.split===split);
    c.style.display=ok?'':'none'; if(ok){n++;}
  });
  document.getElementById('f-count').textContent=n+' shown';
}
"""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.fail td{background:#fff1f0}
td.note{text-align:left;max-width:420px}
img{max-width:100%;border:1px solid #eee;margin:0.5em 0}
code{background:#f4f4f4;padding:0 3px}
section.case{border:1px solid #ddd;border-left:4px solid #9c9;padding:0.3em 1em;margin:0.8em 0}
section.case.fail{border-left-color:#d44}
section.case h3{margin:0.3em 0;font-size:15px}
section.case small{font-weight:normal;color:#666}
p.why{color:#a00;margin:0.2em 0}
p.meta{color:#555;font-size:13px;margin:0.2em 0}
ol.turns li.earlier{color:#666}
ol.answer li.flagged{background:#fff1f0}
ol.answer li.off{color:#777}
span.flag,span.off{display:inline-block;margin-left:0.5em;padding:0 4px;font-size:12px;border-radius:3px}
span.flag{background:#d44;color:#fff}
span.off{background:#eee;color:#555}
pre{white-space:pre-wrap;background:#f8f8f8;padding:0.5em}
"""


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
        cells = "".join(
            f'<td class="note">{html.escape(c)}</td>' if j == len(row) - 1 and head[-1] == "why listed" else
            f"<td>{html.escape(c)}</td>"
            for j, c in enumerate(row)
        )  # fmt: skip
        out.append(f"<tr{cls}>{cells}</tr>")
    return "".join(out) + "</table>"


def case_tags(r: Mapping[str, Any]) -> list[str]:
    """The filter names a case matches (``FILTERS``)."""
    mt = r["metrics"]
    tags = ["failure"] if failure_note(r) else []
    tags += ["behavior"] if not r["correct"] else []
    tags += [n for n in ("fact_recall", "answer_precision", "citation_recall") if (mt.get(n) is not None and mt[n] < 1)]
    tags += [n for n in FLAG_LABELS if any(n in s["flags"] for s in r.get("sentences", []))]
    tags += ["seed_coverage"] if r.get("missed_points") else []
    return tags


def _case_html(r: Mapping[str, Any]) -> str:
    """One case as a person reads it: the conversation, the answer with its flagged sentences, what was missed."""
    from evals.run import readable_fact

    e = html.escape
    mt = r["metrics"]
    note = failure_note(r)
    head = (
        f"<h3>{e(r['id'])} <small>{e(r['audience'])} · {e(r.get('split', ''))} · expected "
        f"{e(r['expected_behavior'])}, got {e(r['status'])}</small></h3>"
    )
    meta = " · ".join(
        f"{label} {fmt(mt.get(name))}"
        for label, name in (("fact recall", "fact_recall"), ("answer precision", "answer_precision"),
                            ("citation recall", "citation_recall"), ("seed coverage", "seed_coverage"),
                            ("total s", "latency_total"))
        if mt.get(name) is not None
    )  # fmt: skip
    turns = [f'<li class="earlier">{e(t)}</li>' for t in r.get("history", [])] + [f"<li><b>{e(r['question'])}</b></li>"]
    parts = [head, f'<p class="why">{e(note)}</p>' if note else "", f'<p class="meta">{e(meta)}</p>',
             f'<ol class="turns">{"".join(turns)}</ol>']  # fmt: skip
    if r.get("sentences"):
        items = []
        for s in r["sentences"]:
            cites = f" [{', '.join(map(str, s['citations']))}]" if s["citations"] else ""
            why = "".join(f'<span class="flag">{e(FLAG_LABELS[k])}: {e(v)}</span>' for k, v in s["flags"].items())
            off = s.get("supported_by_pattern") is False
            why += '<span class="off">matches no support pattern</span>' if off else ""
            cls = "flagged" if s["flags"] else "off" if off else ""
            items.append(f'<li class="{cls}">{e(s["text"])}{e(cites)}{why}</li>')
        parts.append(f'<p>Answer, sentence by sentence:</p><ol class="answer">{"".join(items)}</ol>')
    if r.get("answer"):
        parts.append(f"<details><summary>answer as shown</summary><pre>{e(r['answer'])}</pre></details>")
    lists = (
        ("Missed facts", [readable_fact(f) for f in r.get("missed_facts", [])]),
        ("Missed reference points", list(r.get("missed_points", []))),
        ("Removed by the bot", [f"{x['text']} — {x['reason']}" for x in r.get("removed_by_bot", [])]),
        (
            "Cited sources",
            [f"[{c['n']}] {c['title']} — {c['section']} ({c['source']})" for c in r.get("citations", [])],
        ),
    )
    for title, values in lists:
        if values:
            parts.append(f"<p>{e(title)}:</p><ul>{''.join(f'<li>{e(v)}</li>' for v in values)}</ul>")
    cls = "case fail" if note else "case"
    return (
        f'<section class="{cls}" data-tags="{" ".join(case_tags(r))}" data-split="{e(str(r.get("split", "")))}">'
        + "".join(parts)
        + "</section>"
    )


def cases_html(ordered: Sequence[Mapping[str, Any]]) -> str:
    """The per-case section: a filter by metric and split, then every case (failures first)."""
    splits = sorted({str(r.get("split", "")) for r in ordered})
    options = "".join(f'<option value="{k}">{html.escape(v)}</option>' for k, v in FILTERS.items())
    split_options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in splits)
    return (
        f"<h2>Cases (failures first)</h2><script>{_FILTER_JS}</script>"
        '<p class="filters">show <select id="f-metric" onchange="citebotFilter()"><option value="all">all cases'
        f'</option>{options}</select> split <select id="f-split" onchange="citebotFilter()">'
        f'<option value="all">all</option>{split_options}</select> <span id="f-count">{len(ordered)} shown</span></p>'
        + "\n".join(_case_html(r) for r in ordered)
    )


def _img(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def render_html(summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    run = summary.get("run", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>citebot eval report</title>",
        f"<style>{_CSS}</style></head><body><h1>citebot eval report</h1><ul>",
        *[f"<li>{html.escape(line[2:])}</li>" for line in _run_lines(run)],
        "</ul><h2>Overall</h2>",
        _table(("metric", "value"), [(k, fmt(v)) for k, v in summary["overall"].items()]),
    ]
    for section, label in GROUPS:
        parts.append(f"<h2>By {html.escape(label)}</h2>")
        parts.append(_img(bar_plot(summary[section], f"metrics by {label}"), f"metrics by {label}"))
        rows = [[name, *(fmt(v.get(c)) for c in GROUP_COLUMNS)] for name, v in summary[section].items()]
        parts.append(_table((label, *GROUP_COLUMNS), rows))
    parts.append("<h2>Latency</h2>")
    parts.append(_img(latency_plot(records), "latency per stage and total"))
    parts.append("<h2>Behavior confusion</h2>")
    parts.append(_img(confusion_plot(summary["confusion"]), "behavior confusion matrix"))
    expected, statuses = _confusion_rows(summary["confusion"])
    parts.append(
        _table(("expected \\ actual", *statuses),
               [[e, *(str(summary["confusion"][e].get(s, 0)) for s in statuses)] for e in expected])
    )  # fmt: skip
    parts.append("<h2>Metric definitions</h2><ul>")
    parts += [f"<li>{html.escape(n)}</li>" for n in METRIC_NOTES]
    parts.append("</ul>")
    if run.get("judge_failures"):
        parts.append("<h2>Judge failures (first 50)</h2><ul>")
        parts += [f"<li>{html.escape(f)}</li>" for f in run["judge_failures"]]
        parts.append("</ul>")
    parts.append(cases_html(ordered_cases(records)))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
