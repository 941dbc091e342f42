"""The exemplar (embedding similarity) stage of the safety layer, its bank and its on-disk cache.

The mechanism is tested with the deterministic FakeEmbedder (bag of hashed words), so similarity here
means word overlap; the bundled model's behaviour on real phrasings is tested in test_safety_eval.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.safety import Screen
from bot.safety.exemplars import CALIBRATED, Exemplar, ExemplarStage, Thresholds, bank_hash, load_bank
from evals.safety import DEFAULT_SAFETY_DIR, calibrate, load_split, markdown, score
from ingest.embed import BUNDLED_NAME
from ingest.errors import CitebotError
from tests.fakes import FakeEmbedder

BANK = (
    Exemplar("em-1", "grandad looks odd grey sweaty", "emergency", "collapse"),
    Exemplar("em-2", "baby floppy limp not feeding burning", "emergency", "sepsis"),
    Exemplar("do-1", "halve my tablets next week", "dose", "dose_request"),
    Exemplar("or-1", "what signs mean grandad needs help", "ordinary", "ok"),
)
LOOSE = Thresholds(emergency_floor=0.3, emergency_margin=0.05, dose_floor=0.3, dose_margin=0.05)


def stage(tmp_path: Path, embedder: FakeEmbedder | None = None, bank: tuple[Exemplar, ...] = BANK) -> ExemplarStage:
    return ExemplarStage(embedder or FakeEmbedder(), LOOSE, tmp_path / "cache", bank)


def test_nearest_exemplar_decides_and_is_reported(tmp_path: Path) -> None:
    screen = Screen(stage(tmp_path))
    verdict = screen.check("grandad looks odd, grey and sweaty", "patient")
    assert (verdict.kind, verdict.category) == ("emergency", "collapse")
    assert verdict.decision is not None
    assert (verdict.decision.stage, verdict.decision.exemplar) == ("exemplar", "em-1")
    assert verdict.decision.similarity is not None and verdict.decision.similarity >= LOOSE.emergency_floor
    dose = screen.check("should I halve my tablets next week", "patient")
    assert dose.kind == "dose_request" and dose.decision is not None and dose.decision.exemplar == "do-1"


def test_an_ordinary_near_miss_wins_by_margin_and_the_audit_names_the_nearest_flagged_exemplar(tmp_path: Path) -> None:
    verdict = Screen(stage(tmp_path)).check("what signs mean grandad needs help", "patient")
    assert verdict.kind == "ok"
    assert verdict.decision is not None and verdict.decision.stage == "none" and verdict.decision.exemplar


def test_general_questions_that_name_no_person_are_left_to_the_rules(tmp_path: Path) -> None:
    """Topic words alone ("grey", "sweaty") must not make an information question an emergency."""
    screen = Screen(stage(tmp_path))
    general = screen.check("What do odd grey sweaty looks mean?", "patient")
    assert general.kind == "ok" and general.decision is not None and general.decision.rule == "general_question"
    assert screen.check("grandad looks odd, grey and sweaty?", "patient").kind == "emergency"  # names a person


def test_rules_decide_before_the_exemplars(tmp_path: Path) -> None:
    verdict = Screen(stage(tmp_path)).check("I can't breathe", "patient")
    assert verdict.decision is not None and verdict.decision.stage == "rule"


def test_bank_vectors_are_cached_on_disk_by_model_and_bank(tmp_path: Path) -> None:
    first = FakeEmbedder()
    stage(tmp_path, first).classify("anything")
    assert len(first.embedded) == len(BANK)
    again = FakeEmbedder()
    stage(tmp_path, again).classify("anything")
    assert again.embedded == []  # a cold process loads the vectors instead of re-embedding the bank
    other_model = FakeEmbedder(name="other-model")
    stage(tmp_path, other_model).classify("anything")
    assert len(other_model.embedded) == len(BANK)
    changed = (*BANK, Exemplar("or-2", "how is it given", "ordinary", "ok"))
    assert bank_hash(changed) != bank_hash(BANK)
    assert stage(tmp_path, FakeEmbedder(), changed).cache_path() != stage(tmp_path).cache_path()


def test_a_corrupt_or_unwritable_cache_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    path = stage(tmp_path).cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    embedder = FakeEmbedder()
    stage(tmp_path, embedder).classify("anything")
    assert len(embedder.embedded) == len(BANK)
    assert np.load(path).shape == (len(BANK), embedder.dim)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    readonly = ExemplarStage(FakeEmbedder(), LOOSE, blocker / "cache", BANK)  # cannot create a dir under a file
    assert readonly.classify("grandad looks odd grey").label == "emergency"


def test_only_calibrated_models_get_the_exemplar_stage() -> None:
    assert {(BUNDLED_NAME, backend) for backend in ("torch", "onnx", "onnx-int8")} <= set(CALIBRATED)
    assert Screen.for_embedder(FakeEmbedder()).exemplars is None


def test_packaged_bank_is_well_formed_and_written_apart_from_the_corpus() -> None:
    bank = load_bank()
    ids = [ex.id for ex in bank]
    assert len(ids) == len(set(ids))
    counts = {label: sum(ex.label == label for ex in bank) for label in ("emergency", "dose", "ordinary")}
    assert counts["emergency"] >= 200 and counts["dose"] >= 100 and counts["ordinary"] >= 200
    corpus = {
        json.loads(line)["text"].casefold().strip()
        for part in ("dev", "heldout")
        for line in (DEFAULT_SAFETY_DIR / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert not [ex.text for ex in bank if ex.text.casefold().strip() in corpus]


def test_load_bank_rejects_an_unknown_label() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        load_bank('{"id": "x", "text": "t", "label": "maybe"}')


def test_corpus_loader_gives_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(CitebotError, match="no safety corpus"):
        load_split("dev", tmp_path)
    (tmp_path / "dev.jsonl").write_text('{"id": "a", "text": "t", "label": "urgent"}\n')
    with pytest.raises(CitebotError, match=r"dev.jsonl:1: bad corpus line"):
        load_split("dev", tmp_path)


def test_score_and_table_per_family(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "text": "I can't breathe", "label": "emergency", "family": "first_person", "audience": "patient"},
        {"id": "2", "text": "What is PML?", "label": "ordinary", "family": "first_person", "audience": "patient"},
        {"id": "3", "text": "How much Ocrevus should I take?", "label": "dose", "family": "typos",
         "audience": "patient"},
        {"id": "4", "text": "so how much then?", "label": "dose", "family": "typos", "audience": "patient",
         "history": ["I weigh 50 kg"]},
    ]  # fmt: skip
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    from evals.safety import predict

    result = score(messages, predict(Screen(), messages))
    assert result["overall"]["emergency_recall"] == 1.0 and result["overall"]["false_flag_rate"] == 0.0
    assert result["overall"]["dose_recall"] == 1.0 and result["families"]["typos"]["n_dose"] == 2
    table = markdown("dev", result)
    assert "| **all** | 4 | 100.0% (1) | 100.0% (2) | 0.0% (1) |" in table


def test_calibration_respects_the_false_flag_budget(tmp_path: Path) -> None:
    rows = [
        {"id": "e", "text": "grandad looks odd grey sweaty", "label": "emergency", "family": "f",
         "audience": "patient"},
        {"id": "o", "text": "what signs mean grandad needs help", "label": "ordinary", "family": "f",
         "audience": "patient"},
    ]  # fmt: skip
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    thresholds, info = calibrate(messages, stage(tmp_path), max_false_flag=0.0)
    assert info["false_flag_budget"] == 0
    s = stage(tmp_path)
    s.thresholds = thresholds
    from evals.safety import predict

    assert predict(Screen(s), messages) == ["emergency", "ordinary"]
