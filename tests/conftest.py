"""Shared fixtures: settings pointed at tmp_path, the fake and the real embedder, and ../shared."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.settings import Settings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Derived files (ONNX graphs, safety exemplar vectors) go under the run's temp dir, made once per run."""
    path = tmp_path_factory.mktemp("model-cache")
    before = os.environ.get("CITEBOT_CACHE_DIR")
    os.environ["CITEBOT_CACHE_DIR"] = str(path)
    yield path
    if before is None:
        os.environ.pop("CITEBOT_CACHE_DIR", None)
    else:
        os.environ["CITEBOT_CACHE_DIR"] = before


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index=tmp_path / "index", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", chroma_url=None)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    from ingest.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the repo; absent → skip with the reason, except in CI where it must be there."""
    if not (SHARED / "corpus-external").is_dir():
        if IN_CI:
            pytest.fail(f"CI=true but {SHARED} is missing: the shared data must be beside the repo in CI")
        pytest.skip(f"needs {SHARED} (the read-only shared data beside the repo), which is absent")
    return SHARED


# Debian chromium, headless, with nothing reaching for the closed network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian chromium per test module; in CI a missing chromium fails rather than skips."""
    exe = shutil.which("chromium")
    if exe is None:
        reason = "Debian's chromium is not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}: the browser tests must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()
