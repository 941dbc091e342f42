"""The real-document gold sets (evals/datasets/external.jsonl, and external2.jsonl … external6.jsonl by writers who
never saw the answerer): what they must cover, and that every ``support`` pattern matches a sentence of the document
it names in ../shared/corpus-external.

The set holds questions only; these tests read the documents by path and never copy them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.text import sentences
from evals.datasets import Case, checklists_for, load_dataset
from evals.metrics import plain_text
from tests.conftest import ROOT

EXTERNAL = ROOT / "evals" / "datasets" / "external.jsonl"
CASES = load_dataset(EXTERNAL)  # also compiles every fact and support regex
# Written on 2026-12-07 by a writer who read only the documents and the case schema (never the answerer, its
# answers or external.jsonl), and frozen before anything scored it: all held out, never tuned on.
EXTERNAL2 = ROOT / "evals" / "datasets" / "external2.jsonl"
EXTERNAL2_SHA256 = "44e73597b44c124e4191798edd5a8044fed2d73ca63ab83d60e08ec33714fdd4"
CASES2 = load_dataset(EXTERNAL2)
# Written the same day by another writer under the same rule, as development cases: the answerer may be tuned on
# it, and external2 measures whether that carries to questions nobody tuned on.
CASES3 = load_dataset(ROOT / "evals" / "datasets" / "external3.jsonl")
# A fourth writer's, written later under the same rule, also as development cases.
CASES4 = load_dataset(ROOT / "evals" / "datasets" / "external4.jsonl")
# A fifth writer's, written the same day under the same rule and frozen before anything scored it: all held out.
EXTERNAL5 = ROOT / "evals" / "datasets" / "external5.jsonl"
EXTERNAL5_SHA256 = "17e5e7b50cefa9180fe41ce04683341cd22721d045bd4d7bc818dae1d0a5b2df"
CASES5 = load_dataset(EXTERNAL5)
# A sixth writer's, written the same day under the same rule and frozen before anything scored it: all held out.
EXTERNAL6 = ROOT / "evals" / "datasets" / "external6.jsonl"
EXTERNAL6_SHA256 = "127df97248df136155ebb8f9d5e76d557a2d80fb72765bf365b20daf599d1da9"
CASES6 = load_dataset(EXTERNAL6)
# A seventh writer's, written the same day under the same rule and frozen before anything scored it: all held out.
EXTERNAL7 = ROOT / "evals" / "datasets" / "external7.jsonl"
EXTERNAL7_SHA256 = "1fb784d3ba53dd0efee713c56ff4eb7698d03cdf051c8ef647345f18df3f3d74"
CASES7 = load_dataset(EXTERNAL7)
# An eighth writer's, written the same day under the same rule and frozen before anything scored it: all held out.
EXTERNAL8 = ROOT / "evals" / "datasets" / "external8.jsonl"
EXTERNAL8_SHA256 = "5ed31a10a920940be1154bc59ef3602d6388e43027bb98a4be15535f4b1109f7"
CASES8 = load_dataset(EXTERNAL8)


def _answers(cases: list[Case] = CASES) -> list[Case]:
    return [c for c in cases if c.behavior == "answer"]


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


def test_every_case_id_is_unique_across_the_sets() -> None:
    ids = [c.id for c in (*CASES, *CASES2, *CASES3, *CASES4, *CASES5, *CASES6, *CASES7, *CASES8)]
    assert len(ids) == len(set(ids))
    assert {c.split for c in CASES3} == {c.split for c in CASES4} == {"dev"}


@pytest.mark.parametrize(
    ("path", "sha256", "cases"),
    [
        (EXTERNAL2, EXTERNAL2_SHA256, CASES2),
        (EXTERNAL5, EXTERNAL5_SHA256, CASES5),
        (EXTERNAL6, EXTERNAL6_SHA256, CASES6),
        (EXTERNAL7, EXTERNAL7_SHA256, CASES7),
        (EXTERNAL8, EXTERNAL8_SHA256, CASES8),
    ],
    ids=["external2", "external5", "external6", "external7", "external8"],
)
def test_the_held_out_sets_are_frozen_and_cover_the_same_kinds(path: Path, sha256: str, cases: list[Case]) -> None:
    """If the hash fails, restore the file: a held-out set edited after it was scored no longer measures anything."""
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    assert {c.split for c in cases} == {"heldout"} and len(cases) == 90
    behaviors = Counter(c.behavior for c in cases)
    assert behaviors["answer"] >= 60 and behaviors["abstain"] >= 12
    assert behaviors["emergency"] >= 5 and behaviors["refuse_dose"] >= 5
    tags = Counter(t for c in cases for t in c.tags)
    for tag in ("list", "drug_confusion", "false_premise", "follow_up", "timing_before", "timing_after"):
        assert tags[tag] >= 5, tag
    assert sum(1 for c in _answers(cases) if c.multi_turn) >= 12


@pytest.mark.parametrize(
    "cases",
    [CASES, CASES2, CASES3, CASES4, CASES5, CASES6, CASES7, CASES8],
    ids=["external", "external2", "external3", "external4", "external5", "external6", "external7", "external8"],
)
def test_answer_cases_carry_sources_facts_and_support_and_the_others_none(cases: list[Case]) -> None:
    for case in cases:
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


@pytest.mark.parametrize(
    "cases",
    [CASES, CASES2, CASES3, CASES4, CASES5, CASES6, CASES7, CASES8],
    ids=["external", "external2", "external3", "external4", "external5", "external6", "external7", "external8"],
)
def test_every_support_pattern_matches_a_sentence_of_its_documents(shared: Path, cases: list[Case]) -> None:
    docs = _documents(shared)
    for case in _answers(cases):
        for pattern in case.support:
            hits = [s for doc in case.sources for s in docs[doc] if re.search(pattern, s, re.IGNORECASE)]
            assert hits, f"{case.id}: support {pattern!r} matches no sentence of {case.sources}"


@pytest.mark.parametrize(
    "cases",
    [CASES, CASES2, CASES3, CASES4, CASES5, CASES6, CASES7, CASES8],
    ids=["external", "external2", "external3", "external4", "external5", "external6", "external7", "external8"],
)
def test_questions_are_not_written_in_the_documents_words(shared: Path, cases: list[Case]) -> None:
    """No turn shares a run of eight words with a document (the seed questions are the users' own words)."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    corpus = set().union(*(shingles(" ".join(s)) for s in _documents(shared).values()))
    copied = [(c.id, t) for c in cases if not c.checklist for t in c.turns if shingles(t) & corpus]
    assert not copied
