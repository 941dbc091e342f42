"""Retrieval quality on real documents nobody here wrote (../shared/corpus-external).

Real bundled model, real Chroma. The expected document must be in the top 5 for all but at most one
question; dense-only, BM25-only and hybrid hit rates are printed for the issue notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.retrieve import Mode, open_retriever
from ingest.pipeline import ingest
from ingest.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.shared]

QUESTIONS = [
    ("Can I be given Ocrevus if I have an active hepatitis B infection?", "ema-ocrevus"),
    ("How is ofatumumab injected and how often after the first weeks?", "ema-kesimpta"),
    ("What side effects can ublituximab infusions cause?", "ema-briumvi"),
    ("How many doses of the recombinant shingles vaccine do adults get?", "ema-shingrix"),
    ("Which gene changes are linked to common variable immune deficiency?", "ghr-common-variable"),
    ("Is multiple sclerosis inherited in families?", "multiple-sclerosis"),
    ("What happens during a severe allergic reaction that affects the whole body?", "anaphylaxis"),
    ("What does a complete blood count measure?", "blood-count"),
    ("Who should get a flu vaccine every year?", "flu-shot"),
    ("How is hepatitis B spread from person to person?", "hepatitis-b"),
    ("What is progressive multifocal leukoencephalopathy caused by?", "ninds-pml"),
    ("Is it safe to take medicines while pregnant?", "pregnancy-and-medicines"),
    ("How do B cells mature and produce antibodies?", "18-4-b-lymphocytes"),
    ("What is the difference between live attenuated and inactivated vaccines?", "18-5-vaccines"),
    ("What is X-linked agammaglobulinemia?", "19-4-immunodeficiency"),
    ("What causes the blister rash of shingles and who gets it?", "shingles"),
]


def _hit_rate(settings: Settings, mode: Mode) -> tuple[float, list[str]]:
    retriever = open_retriever(settings)
    misses = []
    for question, expected in QUESTIONS:
        sources = [p.source for p in retriever.search(question, k=5, mode=mode)]
        if not any(expected in s for s in sources):
            misses.append(f"{question!r} -> {[Path(s).name for s in sources]}")
    return 1 - len(misses) / len(QUESTIONS), misses


def test_expected_document_in_top5(shared: Path, tmp_path: Path) -> None:
    settings = Settings(index=tmp_path / "index")
    from ingest.embed import make_embedder

    summary = ingest([shared / "corpus-external"], settings, make_embedder(), progress=False)
    assert summary.skipped == [] and summary.files_ingested == 22
    rates = {}
    for mode in ("dense", "bm25", "hybrid"):
        rate, misses = _hit_rate(settings, mode)  # type: ignore[arg-type]
        rates[mode] = rate
        print(f"\n{mode}: hit@5 = {rate:.3f} ({len(QUESTIONS)} questions)", *misses, sep="\n  ")
    assert len(QUESTIONS) >= 12
    assert rates["hybrid"] >= 1 - 1 / len(QUESTIONS)
