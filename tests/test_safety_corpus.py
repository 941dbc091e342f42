"""Checks for the safety phrasing corpus (evals/datasets/safety/): its schema, its size and spread, and that the
held-out part is still the file that was frozen before any rule was tuned.

Standard library only, and nothing from ../shared: the corpus is part of the repo.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from citebot.cli import main
from evals.cli import SAFETY_PARTS
from evals.safety import development_parts, load_split

SAFETY = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "safety"
HELDOUT = SAFETY / "heldout.jsonl"
DEV = SAFETY / "dev.jsonl"
HELDOUT2 = SAFETY / "heldout2.jsonl"

# sha256 of heldout.jsonl as frozen. The held-out part must never change: a rule tuned on it no longer measures
# how the rules generalise. If this fails, restore the file; do not update the constant.
HELDOUT_SHA256 = "79462e7147b3ce7d07236cbf7fda08e1ccee6b1778c088469c23330b23a6b79c"
# sha256 of heldout2.jsonl as frozen: a second held-out part by a writer who never saw the rules, frozen before
# anything scored it. Same rule: if this fails, restore the file; do not update the constant.
HELDOUT2_SHA256 = "c22ce1c3037c55283e4cf1c9c2e955dd7835de382e4a8ade1d254c258166e980"

LABELS = ("emergency", "dose", "ordinary")
FAMILIES = (
    "first_person",
    "caregiver",
    "clinician",
    "third_person",
    "typos",
    "run_on",
    "multi_sentence",
    "non_native",
    "lay_symptoms",
)
AUDIENCES = {"patient", "clinician"}
REQUIRED = {"id": str, "text": str, "label": str, "family": str, "audience": str}
OPTIONAL = {"history": list}
ID_PREFIX = {HELDOUT.name: "ho", DEV.name: "dv"}
LABEL_CODE = {"emergency": "em", "dose": "do", "ordinary": "or"}

# Issue 11: at least 400 / 200 / 600 messages in all, at least 40% of each class held out.
MIN_TOTAL = {"emergency": 400, "dose": 200, "ordinary": 600}
MIN_PART = {
    HELDOUT.name: {"emergency": 160, "dose": 80, "ordinary": 240},
    DEV.name: {"emergency": 240, "dose": 120, "ordinary": 360},
}

Record = dict[str, object]


def _load(path: Path) -> list[Record]:
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n}: blank line"
        records.append(json.loads(line))
    return records


@pytest.fixture(scope="module")
def parts() -> dict[str, list[Record]]:
    return {path.name: _load(path) for path in (HELDOUT, DEV)}


def test_heldout_is_frozen() -> None:
    digest = hashlib.sha256(HELDOUT.read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256, "heldout.jsonl changed; it is frozen (see evals/datasets/safety/README.md)"


def test_heldout2_is_frozen() -> None:
    digest = hashlib.sha256(HELDOUT2.read_bytes()).hexdigest()
    assert digest == HELDOUT2_SHA256, "heldout2.jsonl changed; it is frozen (see evals/datasets/safety/README.md)"


def _normalised(text: str) -> str:
    """Lowercased, punctuation dropped, spaces collapsed: how two messages count as the same text."""
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text.lower()).split())


def test_heldout2_shape() -> None:
    records = _load(HELDOUT2)
    ids = [str(r["id"]) for r in records]
    assert len(ids) == len(set(ids)), "duplicate ids in heldout2.jsonl"
    for record in records:
        assert set(REQUIRED) <= set(record) <= set(REQUIRED) | set(OPTIONAL), record["id"]
        for key, kind in (*REQUIRED.items(), *OPTIONAL.items()):
            if key in record:
                assert isinstance(record[key], kind), (record["id"], key)
        assert record["label"] in LABELS, record["id"]
        assert record["family"] in FAMILIES, record["id"]
        assert record["audience"] in AUDIENCES, record["id"]
        assert str(record["text"]).strip(), record["id"]
        history = record.get("history", [])
        assert isinstance(history, list)
        assert all(isinstance(turn, str) and turn.strip() for turn in history), record["id"]
        prefix, code, number = str(record["id"]).split("-")
        assert (prefix, code) == ("h2", LABEL_CODE[str(record["label"])]), record["id"]
        assert len(number) == 4 and number.isdigit(), record["id"]
    spread = Counter((r["label"], r["family"]) for r in records)
    for label in LABELS:
        for family in FAMILIES:
            assert spread[(label, family)] > 0, (label, family)
        assert any("history" in r for r in records if r["label"] == label), f"no multi-turn {label} item"
    others = {_normalised(str(r["text"])) for path in SAFETY.glob("*.jsonl") if path != HELDOUT2 for r in _load(path)}
    shared = [r["id"] for r in records if _normalised(str(r["text"])) in others]
    assert not shared, f"heldout2.jsonl repeats texts of other parts: {shared}"


@pytest.mark.parametrize("name", [HELDOUT.name, DEV.name])
def test_schema(parts: dict[str, list[Record]], name: str) -> None:
    for rec in parts[name]:
        where = f"{name} {rec.get('id')}"
        assert set(REQUIRED) <= rec.keys() <= set(REQUIRED) | set(OPTIONAL), f"{where}: fields {sorted(rec)}"
        for key, kind in (REQUIRED | OPTIONAL).items():
            if key in rec:
                assert isinstance(rec[key], kind), f"{where}: {key} is not {kind.__name__}"
        assert rec["label"] in LABELS, where
        assert rec["family"] in FAMILIES, where
        assert rec["audience"] in AUDIENCES, where
        assert str(rec["text"]).strip() == rec["text"] and rec["text"], f"{where}: empty or padded text"
        assert str(rec["id"]).startswith(f"{ID_PREFIX[name]}-{LABEL_CODE[str(rec['label'])]}-"), where
        if "history" in rec:
            history = rec["history"]
            assert isinstance(history, list) and history, f"{where}: empty history"
            assert all(isinstance(turn, str) and turn.strip() for turn in history), f"{where}: bad history turn"
        if rec["family"] == "clinician":
            assert rec["audience"] == "clinician", f"{where}: a clinician report has the clinician audience"


def test_ids_unique_across_parts(parts: dict[str, list[Record]]) -> None:
    ids = Counter(rec["id"] for records in parts.values() for rec in records)
    assert not [i for i, n in ids.items() if n > 1]


def test_no_duplicate_texts_across_parts(parts: dict[str, list[Record]]) -> None:
    texts = Counter(" ".join(str(rec["text"]).lower().split()) for records in parts.values() for rec in records)
    assert not [t for t, n in texts.items() if n > 1]


def test_minimum_counts(parts: dict[str, list[Record]]) -> None:
    total: Counter[str] = Counter()
    for name, records in parts.items():
        counts = Counter(str(rec["label"]) for rec in records)
        total.update(counts)
        for label, minimum in MIN_PART[name].items():
            assert counts[label] >= minimum, f"{name}: {counts[label]} {label} < {minimum}"
    for label, minimum in MIN_TOTAL.items():
        assert total[label] >= minimum, f"{total[label]} {label} < {minimum}"
        assert len([r for r in parts[HELDOUT.name] if r["label"] == label]) >= 0.4 * total[label], label


@pytest.mark.parametrize("name", [HELDOUT.name, DEV.name])
def test_every_family_in_every_class(parts: dict[str, list[Record]], name: str) -> None:
    present = {(rec["label"], rec["family"]) for rec in parts[name]}
    missing = [(label, family) for label in LABELS for family in FAMILIES if (label, family) not in present]
    assert not missing, f"{name}: no messages for {missing}"


@pytest.mark.parametrize("name", [HELDOUT.name, DEV.name])
def test_multi_turn_items_in_every_class(parts: dict[str, list[Record]], name: str) -> None:
    labels = {rec["label"] for rec in parts[name] if "history" in rec}
    assert labels == set(LABELS), f"{name}: multi-turn items only for {sorted(labels)}"


@pytest.mark.parametrize("part", SAFETY_PARTS)
def test_a_further_development_part_repeats_no_message_of_its_own_or_of_the_other_parts(part: str) -> None:
    def norm(text: str) -> str:
        return " ".join(text.lower().split())

    messages = load_split(part)
    assert len({norm(m.text) for m in messages}) == len(messages)
    others = {norm(m.text) for other in (*development_parts(), "heldout") if other != part for m in load_split(other)}
    repeated = [m.id for m in messages if norm(m.text) in others]
    assert repeated == []  # ids only: the other parts' text stays unprinted


@pytest.mark.parametrize("part", SAFETY_PARTS)
def test_a_further_development_part_is_refused_outside_the_safety_eval(
    part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--split", part])
    assert exc.value.code == 2
    assert f"citebot eval safety --split {part}" in capsys.readouterr().err
