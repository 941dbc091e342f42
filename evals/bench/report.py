"""The benchmark's report: Markdown tables for bench.md and the README."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from evals.bench.common import Bench, Row


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table; pipes inside cells are escaped so a cell never splits a row."""

    def cell(v: str) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def summary_table(rows: Sequence[Row]) -> str:
    mark = {True: "yes", False: "**no**", None: ""}
    return render_table(
        ["Measure", "citebot", "Reference", "Target", "Met"],
        [(r.measure, r.citebot, r.reference, r.target, mark[r.met]) for r in rows],
    )


def report(bench: Bench, command: str, seconds: float) -> str:
    import platform

    cpu = cpu_model()
    parts = [
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}. Command: `{command}` "
        f"({seconds / 60:.1f} min).",
        "",
        summary_table(bench.rows),
    ]
    if bench.retrieval_rows:
        parts += [
            "",
            render_table(
                ["Chunks", "Mode", "p50 ms", "p95 ms", "p99 ms", "Peak RSS", "HNSW recall@10"], bench.retrieval_rows
            ),
        ]
    if bench.results["notes"]:
        parts += ["", *[f"- {n}" for n in bench.results["notes"]]]
    return "\n".join(parts) + "\n"


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
