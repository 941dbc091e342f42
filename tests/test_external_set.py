"""The real-document gold set (evals/datasets/external.jsonl): what it must cover, and that every
``support`` pattern matches a sentence of the document it names in ../shared/corpus-external.

The set holds questions only; these tests read the documents by path and never copy them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bot.text import sentences
from evals.datasets import Case, checklists_for, load_dataset
from evals.metrics import plain_text
from tests.conftest import ROOT

EXTERNAL = ROOT / "evals" / "datasets" / "external.jsonl"
CASES = load_dataset(EXTERNAL)  # also compiles every fact and support regex


def _answers() -> list[Case]:
    return [c for c in CASES if c.behavior == "answer"]


def test_counts_and_kinds() -> None:
    behaviors = Counter(c.behavior for c in CASES)
    assert len(CASES) >= 120
    assert sum(1 for c in CASES if c.multi_turn and c.behavior == "answer") >= 20
    assert sum(1 for c in _answers() if "false_premise" in c.tags) >= 8
    assert behaviors["abstain"] >= 12
    assert behaviors["emergency"] >= 5 and behaviors["refuse_dose"] >= 5
    assert {c.audience for c in CASES} == {"patient", "clinician"}
    tags = Counter(t for c in CASES for t in c.tags)
    for tag in ("list", "drug_confusion", "timing_before", "timing_during", "timing_after"):
        assert tags[tag] >= 5, tag
    assert {c.checklist for c in CASES if c.checklist} == {"seed-000-clinician", "seed-003-patient"}
    assert checklists_for(CASES).keys() == {"seed-000-clinician", "seed-003-patient"}


def test_answer_cases_carry_sources_facts_and_support_and_the_others_none() -> None:
    for case in CASES:
        if case.behavior == "answer":
            assert case.sources and case.facts and case.support, case.id
        else:
            assert not (case.sources or case.facts or case.support), case.id


def test_about_a_third_is_held_out_across_kinds() -> None:
    assert {c.split for c in CASES} == {"dev", "heldout"}
    share = sum(c.split == "heldout" for c in CASES) / len(CASES)
    assert 0.28 <= share <= 0.4
    kinds = {
        "single": [c for c in _answers() if not c.multi_turn and "false_premise" not in c.tags],
        "multi_turn": [c for c in _answers() if c.multi_turn],
        "false_premise": [c for c in _answers() if "false_premise" in c.tags],
        **{b: [c for c in CASES if c.behavior == b] for b in ("abstain", "emergency", "refuse_dose")},
    }
    for kind, cases in kinds.items():
        assert any(c.split == "heldout" for c in cases), kind
        assert any(c.split == "dev" for c in cases), kind
    heldout_docs = {s for c in _answers() if c.split == "heldout" for s in c.sources}
    assert len(heldout_docs) >= 15


def _documents(shared: Path) -> dict[str, list[str]]:
    """Each document's sentences as the answerer shows them (markup removed, spaces collapsed)."""
    out = {}
    for path in sorted((shared / "corpus-external").glob("*.md")):
        text = plain_text(path.read_text(encoding="utf-8"))
        out[path.stem] = [" ".join(line[a:b].split()) for line in text.splitlines() for a, b in sentences(line)]
    return out


def test_every_document_is_asked_about_and_every_source_names_one(shared: Path) -> None:
    docs = _documents(shared)
    named = {s for c in CASES for s in c.sources}
    assert named <= set(docs), named - set(docs)
    assert set(docs) <= named, set(docs) - named


def test_every_support_pattern_matches_a_sentence_of_its_documents(shared: Path) -> None:
    docs = _documents(shared)
    for case in _answers():
        for pattern in case.support:
            hits = [s for doc in case.sources for s in docs[doc] if re.search(pattern, s, re.IGNORECASE)]
            assert hits, f"{case.id}: support {pattern!r} matches no sentence of {case.sources}"


def test_questions_are_not_written_in_the_documents_words(shared: Path) -> None:
    """No turn shares a run of eight words with a document (the seed questions are the users' own words)."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    corpus = set().union(*(shingles(" ".join(s)) for s in _documents(shared).values()))
    copied = [(c.id, t) for c in CASES if not c.checklist for t in c.turns if shingles(t) & corpus]
    assert not copied
