"""The ``citebot`` command as a user runs it: real model, real Chroma, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]


def citebot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CITEBOT_INDEX": str(cwd / "index")}
    return subprocess.run(
        [sys.executable, "-m", "citebot.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("cli")
    docs = work / "docs" / "vaccines"
    docs.mkdir(parents=True)
    (docs / "timing.md").write_text(
        "---\ntitle: Vaccination timing with ocrelizumab\nsource_url: https://example.org/vax\n---\n"
        "# Vaccination timing with ocrelizumab\n\n## Before starting\n\n"
        "Live vaccines should be given at least 4 weeks before the first ocrelizumab infusion. "
        "Non-live vaccines should be given at least 2 weeks before starting.\n\n"
        "## During treatment\n\nLive vaccines are not recommended during treatment.\n"
    )
    (work / "docs" / "hepb.txt").write_text("Hepatitis B screening is required before ocrelizumab is started.")
    (work / "docs" / "junk.bin").write_bytes(b"\x00\x00")
    return work


def test_help_lists_every_command(workdir: Path) -> None:
    out = citebot("--help", cwd=workdir).stdout
    for command in ("ingest", "search"):
        assert command in out


def test_ingest_then_search_json_then_reingest_embeds_nothing(workdir: Path) -> None:
    first = citebot("ingest", "docs", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert "2 ingested" in first.stdout and "1 skipped" in first.stdout and "junk.bin" in first.stdout

    res = citebot("search", "vaccination timing before ocrelizumab", "--json", "-k", "3", cwd=workdir)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"query", "mode", "passages"}
    top = data["passages"][0]
    expected = {
        "id", "text", "title", "section", "source", "source_url", "page", "start", "end", "audience",
        "score", "dense_score", "bm25_score", "rank", "attributions",
    }  # fmt: skip
    assert set(top) == expected
    assert top["title"] == "Vaccination timing with ocrelizumab"
    assert top["section"] == "Before starting"
    assert top["source"] == "docs/vaccines/timing.md"
    source_text = (workdir / top["source"]).read_text()
    assert source_text[top["start"] : top["end"]] == top["text"]
    assert [p["rank"] for p in data["passages"]] == [1, 2, 3][: len(data["passages"])]

    again = citebot("ingest", "docs", cwd=workdir)
    assert again.returncode == 0 and "0 added" in again.stdout and "2 unchanged" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "no/such/dir"), "no such file or directory: no/such/dir"),
        (("search", "anything", "--index", "missing-index"), "no index at missing-index"),
        (("search", "   "), "the query is empty"),
    ],
)
def test_user_errors_are_one_line(workdir: Path, args: tuple[str, ...], message: str) -> None:
    res = citebot(*args, cwd=workdir)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert lines == [f"citebot: error: {message}" + lines[0].split(message, 1)[1]] and message in lines[0]


def test_empty_corpus_is_an_error(workdir: Path) -> None:
    empty = workdir / "empty"
    empty.mkdir()
    res = citebot("ingest", "empty", "--index", str(workdir / "idx2"), cwd=workdir)
    assert res.returncode == 2 and "nothing was ingested" in res.stderr and "Traceback" not in res.stderr
