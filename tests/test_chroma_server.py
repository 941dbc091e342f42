"""Scale-out path: citebot against a real ``chroma run`` server (HttpClient), not the embedded client.

The server runs in a subprocess on a free port for the whole module and is always stopped. Skipped
only when chromadb's ``chroma`` command is missing, and never in CI, where that is a failure.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answer import Bot
from bot.retrieve import open_retriever
from evals.bench import chroma_server
from ingest.errors import IndexMismatch
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import IN_CI, ROOT
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(sys.executable).with_name("chroma").exists() and shutil.which("chroma") is None:
        if IN_CI:
            pytest.fail("CI=true but the 'chroma' command (chromadb's CLI) is missing")
        pytest.skip("needs the 'chroma' command from chromadb")
    with chroma_server(tmp_path_factory.mktemp("chroma") / "data") as url:
        yield url


def _settings(tmp_path: Path, url: str, collection: str) -> Settings:
    return Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=url, collection=collection)


def test_ingest_search_and_ask_through_the_server(server: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, server, "citebot-server-test")
    embedder = FakeEmbedder()
    summary = ingest([ROOT / "corpus"], settings, embedder, progress=False)
    assert summary.chunks_total > 50 and summary.files_ingested == 31

    retriever = open_retriever(settings, embedder)
    assert retriever.store.count() == summary.chunks_total
    config = retriever.store.collection.configuration["hnsw"]  # set at creation, over HTTP
    assert config["space"] == "cosine" and config["ef_search"] == settings.hnsw_ef_search
    for mode in ("dense", "bm25", "hybrid"):
        hits = retriever.search("ocrelizumab infusion reactions", k=4, mode=mode)  # type: ignore[arg-type]
        assert hits and any("infusion" in p.source for p in hits), mode

    answer = Bot.from_settings(settings, retriever=retriever).ask("What are infusion reactions to ocrelizumab?")
    assert answer.retrieved and answer.status in ("answered", "partial", "abstained")
    if answer.status != "abstained":
        assert answer.citations

    again = ingest([ROOT / "corpus"], settings, embedder, progress=False)  # unchanged: no server writes
    assert again.chunks_added == 0 and again.chunks_total == summary.chunks_total


def test_a_replica_without_local_bm25_rebuilds_it_from_the_server(server: str, tmp_path: Path) -> None:
    writer = _settings(tmp_path / "writer", server, "citebot-replica-test")
    ingest([ROOT / "corpus" / "ocrelizumab"], writer, FakeEmbedder(), progress=False)
    replica = _settings(tmp_path / "replica", server, "citebot-replica-test")  # empty index dir
    hits = open_retriever(replica, FakeEmbedder()).search("infusion reactions", k=3, mode="bm25")
    assert hits and all(p.source.startswith("corpus/ocrelizumab") or "ocrelizumab" in p.source for p in hits)


def test_a_different_model_on_the_server_is_refused(server: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, server, "citebot-mismatch-test")
    ingest([ROOT / "corpus" / "ocrelizumab"], settings, FakeEmbedder(), progress=False)
    with pytest.raises(IndexMismatch):
        open_retriever(settings, FakeEmbedder(name="another-model"))
