"""Crash safety of the index: SIGKILL mid-ingest, two ingests at once, corrupted or missing index files.

The ingest runs in a child process (``python -c``) with the fake embedder, a batch of four chunks and a short
sleep per batch, so kills land mid-run without the real model. The child prints one line per embedded
batch; the parent kills it after a seeded-random number of batches, re-runs, and at the end compares the
index with a clean ingest of the same files: the same chunk ids in Chroma, the manifest and BM25.
Corrupted and missing indexes go through the real ``citebot`` entry point (fake model patched in) and must
give one line naming the fix, never a traceback.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.answer import Bot
from bot.retrieve import open_retriever
from ingest.index import MANIFEST, ChunkStore, Manifest
from ingest.lexical import LEXICAL_DIR
from ingest.pipeline import build_stamp, ingest
from ingest.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

SEED = 20240611

CHILD_INGEST = """
import sys, time
from pathlib import Path
import ingest.pipeline as pipeline
from ingest.settings import Settings
from tests.fakes import FakeEmbedder

class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts, progress=None):
        time.sleep(float(sys.argv[3]))
        out = super().embed_documents(texts, progress)
        print("batch", len(texts), flush=True)
        return out

pipeline.BATCH_CHUNKS = 4
settings = Settings(index=Path(sys.argv[1]), data_dir=Path(sys.argv[1]) / "data", chroma_url=None)
summary = pipeline.ingest([Path(sys.argv[2])], settings, SlowEmbedder(), progress=False)
print("done", summary.chunks_total, flush=True)
"""

# The real ``citebot`` command with the fake model patched in (the real one is tested in test_cli.py).
CHILD_CLI = """
import sys
import ingest.embed
from tests.fakes import FakeEmbedder
ingest.embed.make_embedder = lambda *a, **k: FakeEmbedder()
from citebot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    return {**env, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(ROOT)}


def _child(script: str, *args: str, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=_env(), text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, **kw,
    )  # fmt: skip


def citebot(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD_CLI, *args], cwd=ROOT, env=_env(), text=True, capture_output=True,
        timeout=timeout,
    )  # fmt: skip


def write_corpus(folder: Path, n: int = 24) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paras = "\n\n".join(
            f"## Part {j}\n\nOcrelizumab note {i}-{j}: topic {i} covers infusion item {j} and monitoring step {j}. "
            f"Patients in group {i} are reviewed at week {j * 4} after the infusion."
            for j in range(3)
        )
        (folder / f"doc{i:02d}.md").write_text(f"# Document {i}\n\n{paras}\n")


def _settings(index: Path) -> Settings:
    return Settings(index=index, data_dir=index / "data", chroma_url=None)


def snapshot(index: Path) -> dict[str, Any]:
    """What must match a clean ingest: chunk ids in Chroma, the manifest and BM25."""
    settings = _settings(index)
    store = ChunkStore.open(settings, build_stamp(FakeEmbedder()))
    manifest = Manifest.load(index)
    return {
        "chroma": sorted(store.ids()),
        "count": store.count(),
        "manifest": {k: (v["sha256"], v["chunks"]) for k, v in manifest.files.items()},
        "bm25": sorted(json.loads((index / LEXICAL_DIR / "ids.json").read_text())),
        "texts": sorted(c.text for c in store.all_chunks()),
    }


def run_until_killed(index: Path, corpus: Path, batches: int, extra: float) -> bool:
    """Start an ingest, SIGKILL it after ``batches`` embedded batches (+ ``extra`` s); False if it finished first."""
    proc = _child(CHILD_INGEST, str(index), str(corpus), "0.03")
    assert proc.stdout is not None
    seen = 0
    try:
        for line in proc.stdout:
            if line.startswith("batch"):
                seen += 1
                if seen >= batches:
                    time.sleep(extra)
                    proc.send_signal(signal.SIGKILL)
                    break
        proc.wait(timeout=60)
        return proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def finish(index: Path, corpus: Path) -> None:
    proc = _child(CHILD_INGEST, str(index), str(corpus), "0")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    assert "done" in out


@pytest.mark.integration
def test_sigkill_at_random_points_then_rerun_equals_a_clean_ingest(tmp_path: Path, record_property: Any) -> None:
    rng = random.Random(SEED)
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    index = tmp_path / "killed"
    kills = 0
    for attempt in range(5):
        if attempt == 2:  # the corpus changes between crashes: one file edited, one deleted, one added
            (corpus / "doc03.md").write_text((corpus / "doc03.md").read_text() + "\nA new closing remark.\n")
            (corpus / "doc05.md").unlink()
            (corpus / "doc99.md").write_text("# Late document\n\nAdded after two crashes.\n")
        kills += run_until_killed(index, corpus, rng.randint(1, 6), rng.uniform(0, 0.04))
    assert kills >= 3, "the kills did not land mid-run"
    finish(index, corpus)

    clean = tmp_path / "clean"
    ingest([corpus], _settings(clean), FakeEmbedder(), progress=False)
    got, want = snapshot(index), snapshot(clean)
    assert got == want
    assert got["count"] == len(got["chroma"]) == len(got["bm25"]) > 0

    embedder = FakeEmbedder()
    bot = Bot(open_retriever(_settings(index), embedder=embedder), _settings(index))
    answer = bot.ask("When are patients in group 7 reviewed after the infusion?")
    assert answer.status in ("answered", "partial") and answer.citations
    assert not (index / "bm25.tmp").exists() and not (index / (MANIFEST.replace(".json", ".tmp"))).exists()
    record_property("tried", kills)  # SIGKILLs that landed mid-run; each was recovered by the next run
    record_property("held", kills if got == want else 0)


@pytest.mark.integration
def test_second_concurrent_ingest_exits_3_at_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    index = tmp_path / "index"
    first = _child(CHILD_INGEST, str(index), str(corpus), "0.2")
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("batch")  # it holds the writer lock now
        started = time.monotonic()
        second = citebot("ingest", str(corpus), "--index", str(index), "--quiet")
        took = time.monotonic() - started
        assert second.returncode == 3, second.stderr
        lines = [line for line in second.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "another ingest is running" in lines[0] and "Traceback" not in second.stderr
        assert took < 30  # fails fast: no waiting for the lock, no model load
    finally:
        first.kill()
        first.wait()


def _one_line(res: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in res.stderr, res.stderr[-3000:]
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("citebot: error: "), res.stderr[-3000:]
    return lines[0]


def _corrupt_sqlite(index: Path) -> None:
    db = index / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database " * 4096)


def _truncate_manifest(index: Path) -> None:
    path = index / MANIFEST
    path.write_text(path.read_text()[:37])


def _garbage_manifest(index: Path) -> None:
    (index / MANIFEST).write_text('{"version": 1, "files": [1, 2]}')


def _delete_bm25(index: Path) -> None:
    shutil.rmtree(index / LEXICAL_DIR)


def _garbage_bm25(index: Path) -> None:
    (index / LEXICAL_DIR / "ids.json").write_text("[truncated")


def _delete_chroma(index: Path) -> None:
    shutil.rmtree(index / "chroma")


def _empty_chroma_dir(index: Path) -> None:
    for p in (index / "chroma").iterdir():
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


CORRUPTIONS = {
    "garbage chroma.sqlite3": _corrupt_sqlite,
    "truncated manifest.json": _truncate_manifest,
    "manifest of the wrong shape": _garbage_manifest,
    "deleted bm25 dir": _delete_bm25,
    "garbage bm25 ids": _garbage_bm25,
    "deleted chroma dir": _delete_chroma,
    "emptied chroma dir": _empty_chroma_dir,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("built")
    corpus = root / "corpus"
    write_corpus(corpus, 6)
    ingest([corpus], _settings(root / "index"), FakeEmbedder(), progress=False)
    return root / "index", corpus


def _commands(index: Path, corpus: Path) -> Sequence[tuple[str, ...]]:
    i = ("--index", str(index))
    return [
        ("search", "infusion monitoring", *i),
        ("ask", "When is group 2 reviewed?", *i),
        ("ingest", str(corpus), *i),
    ]


@pytest.mark.integration
@pytest.mark.parametrize("damage", list(CORRUPTIONS))
def test_damaged_index_gives_one_line_naming_the_rebuild(
    built: tuple[Path, Path], tmp_path: Path, damage: str, record_property: Any
) -> None:
    good, corpus = built
    index = tmp_path / "index"
    shutil.copytree(good, index)
    CORRUPTIONS[damage](index)
    held = 0
    commands = _commands(index, corpus)
    for args in commands:
        res = citebot(*args)
        if res.returncode == 0:  # the damage was repairable: the command just worked
            assert res.stdout.strip() and "Traceback" not in res.stderr
        else:
            assert res.returncode == 2, (args[0], res.returncode, res.stderr[-2000:])
            line = _one_line(res)
            assert "citebot ingest" in line, line
            if "cannot" in line or "unreadable" in line or "corrupt" in line:
                assert "--rebuild" in line, line
        held += 1
    rebuilt = citebot("ingest", "--rebuild", str(corpus), "--index", str(index), "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert citebot(*_commands(index, corpus)[0]).returncode == 0
    record_property("tried", len(commands))
    record_property("held", held)


@pytest.mark.integration
def test_missing_index_names_the_ingest_command(tmp_path: Path) -> None:
    for args in (("search", "x"), ("ask", "How often?")):
        res = citebot(*args, "--index", str(tmp_path / "nothing-here"))
        assert res.returncode == 2
        assert "run 'citebot ingest" in _one_line(res)
