"""Checks for the safety phrasing corpus (evals/datasets/safety/): every part's schema, spread and ids, that no
message appears twice, and that the held-out parts are still the files that were frozen before anything was tuned
on or scored them.

Every ``*.jsonl`` of the folder is a part; a new part needs its row in ``ID_PREFIX`` (and, where its README states
them, its exact counts and its multi-turn minimums). Standard library only, and nothing from ../shared: the corpus
is part of the repo.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from citebot.cli import main
from evals.cli import SAFETY_PARTS

SAFETY = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "safety"
PARTS = sorted(p.stem for p in SAFETY.glob("*.jsonl"))

# sha256 of each held-out part as frozen. A held-out part must never change: a rule tuned on it no longer measures
# how the rules generalise. If this fails, restore the file; do not update the constant. (The second held-out part,
# by a writer who never saw the rules, became development part dev5 after two looks: see the corpus README.)
# heldout3, by another new writer, was frozen (sha256 060d8c11…) and scored once before it became dev6 the same way.
# heldout4 (sha256 63645685…), the next writer's, was frozen, scored once and became dev7 the same way.
# heldout5 (sha256 44ddd73d…), the writer after, was frozen, scored once and became dev8 the same way.
# heldout6 (sha256 89220a05…), the next new writer's, was frozen, scored once and became dev9 the same way.
# heldout7 (sha256 a9e90f85…), a seventh new writer's, was frozen, scored once and became dev10 the same way.
# heldout8 (sha256 ccf16e4a…), an eighth new writer's, was frozen, scored once and became dev11 the same way.
# heldout10 (sha256 4205cb3f…), a tenth new writer's, was frozen, scored twice (before and after the dose head) and
# became dev12 the same way.
FROZEN = {
    "heldout": "79462e7147b3ce7d07236cbf7fda08e1ccee6b1778c088469c23330b23a6b79c",
    # heldout9: a ninth held-out part by another new writer, frozen before anything scored it.
    "heldout9": "152f6f1b23f1c52fbcbaf1adba97bdda8e43d25fb78c3700e850d82c54b66abe",
    # heldout11: an eleventh held-out part by another new writer, frozen before anything scored it.
    "heldout11": "7a4042f0c32ba129fec012e56f0acb77c4347c9ac0bc9c5e42b6eb4766afbba6",
    # heldout12: a twelfth held-out part by another new writer, frozen before anything scored it.
    "heldout12": "e5da2e57b3f0ce22f83dd095c1da3251259ce7919aff1eed8dff1430c186aac2",
    # heldout13: a thirteenth held-out part by another new writer, frozen before anything scored it.
    "heldout13": "cf8b97fe03ca29b765172d4f724eef5719650e7a3888004d762e30c8602e9149",
}

LABELS = ("emergency", "dose", "ordinary")
FAMILIES = (
    "first_person", "caregiver", "clinician", "third_person", "typos",
    "run_on", "multi_sentence", "non_native", "lay_symptoms",
)  # fmt: skip
AUDIENCES = {"patient", "clinician"}
REQUIRED = {"id": str, "text": str, "label": str, "family": str, "audience": str}
OPTIONAL = {"history": list}
ID_PREFIX = {
    "heldout": "ho",
    "dev": "dv",
    "dev2": "d2",
    "dev3": "d3",
    "dev4": "d4",
    "dev5": "d5",
    "dev6": "d6",
    "dev7": "d7",
    "dev8": "d8",
    "dev9": "d9",
    "dev10": "d10",
    "dev11": "d11",
    "dev12": "d12",
    "heldout9": "h9",
    "heldout11": "h11",
    "heldout12": "h12",
    "heldout13": "h13",
    "dev13": "d13",
    "dev14": "d14",
}
LABEL_CODE = {"emergency": "em", "dose": "do", "ordinary": "or"}

# What each part's README section states: exact counts (emergency, dose, ordinary), multi-turn items per class
# at least, and the parts whose every class is spread evenly (within one) over the nine families. dev3 leans on
# the four hardest families instead (HEAVY, about 1.5 times the others); heldout is spread but not evenly, nor dev9
# (written as heldout6: its first-person ordinary messages two short after two that another part had were removed).
COUNTS = {
    "dev3": (200, 60, 160),
    "dev4": (150, 150, 400),
    "dev5": (200, 100, 300),
    "dev6": (200, 100, 300),
    "dev7": (200, 100, 300),
    "dev8": (200, 100, 300),
    "dev9": (200, 100, 298),
    "dev10": (200, 100, 300),
    "dev11": (200, 100, 300),
    "heldout9": (200, 100, 300),
    "heldout11": (200, 120, 280),
    "heldout12": (200, 100, 300),
    "heldout13": (200, 100, 300),
    "dev12": (180, 140, 280),
    "dev13": (200, 100, 300),
    "dev14": (200, 100, 300),
}
MIN_MULTI_TURN = {
    "dev2": 5,
    "dev3": 3,
    "dev4": 10,
    "dev5": 10,
    "dev6": 10,
    "dev7": 10,
    "dev8": 10,
    "dev9": 10,
    "dev10": 10,
    "dev11": 15,
    "heldout9": 15,
    "heldout11": 15,
    "heldout12": 15,
    "heldout13": 15,
    "dev12": 15,
    "dev13": 15,
    "dev14": 15,
}
EVEN = {
    "dev", "dev2", "dev4", "dev5", "dev6", "dev7", "dev8", "dev10", "dev11", "dev12", "dev13", "dev14", "heldout9",
    "heldout11", "heldout12", "heldout13",
}  # fmt: skip
HEAVY = ("typos", "run_on", "multi_sentence", "non_native")
# the point is one sentence among several (3-6)
LONG_MULTI_SENTENCE = {
    "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "dev12", "dev13", "dev14", "heldout9",
    "heldout11", "heldout12", "heldout13",
}  # fmt: skip

# Issue 11: at least 400 / 200 / 600 messages in all, at least 40% of each class held out (heldout + dev, the
# first two parts; the later ones only add to both sides).
MIN_TOTAL = {"emergency": 400, "dose": 200, "ordinary": 600}

Record = dict[str, object]


def _load(part: str) -> list[Record]:
    records = []
    for n, line in enumerate((SAFETY / f"{part}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{part}.jsonl:{n}: blank line"
        records.append(json.loads(line))
    return records


def _normalised(text: str) -> str:
    """Lowercased, punctuation dropped, spaces collapsed: how two messages count as the same text."""
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text.lower()).split())


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Record]]:
    return {part: _load(part) for part in PARTS}


@pytest.mark.parametrize("part", sorted(FROZEN))
def test_held_out_parts_are_frozen(part: str) -> None:
    digest = hashlib.sha256((SAFETY / f"{part}.jsonl").read_bytes()).hexdigest()
    assert digest == FROZEN[part], f"{part}.jsonl changed; it is frozen (see evals/datasets/safety/README.md)"


def test_every_part_is_known() -> None:
    assert set(PARTS) == set(ID_PREFIX), "a new part needs its id prefix here (and its README section)"
    assert "heldout" in PARTS


@pytest.mark.parametrize("part", PARTS)
def test_schema_and_ids(corpus: dict[str, list[Record]], part: str) -> None:
    for rec in corpus[part]:
        where = f"{part} {rec.get('id')}"
        assert set(REQUIRED) <= rec.keys() <= set(REQUIRED) | set(OPTIONAL), f"{where}: fields {sorted(rec)}"
        for key, kind in (REQUIRED | OPTIONAL).items():
            if key in rec:
                assert isinstance(rec[key], kind), f"{where}: {key} is not {kind.__name__}"
        assert rec["label"] in LABELS and rec["family"] in FAMILIES and rec["audience"] in AUDIENCES, where
        assert str(rec["text"]).strip() == rec["text"] and rec["text"], f"{where}: empty or padded text"
        prefix, code, number = str(rec["id"]).split("-")
        assert (prefix, code) == (ID_PREFIX[part], LABEL_CODE[str(rec["label"])]) and number.isdigit(), where
        if "history" in rec:
            history = rec["history"]
            assert isinstance(history, list) and history, f"{where}: empty history"
            assert all(isinstance(turn, str) and turn.strip() for turn in history), f"{where}: bad history turn"
        if rec["family"] == "clinician":
            assert rec["audience"] == "clinician", f"{where}: a clinician report has the clinician audience"


@pytest.mark.parametrize("part", PARTS)
def test_every_class_reaches_every_family_as_documented(corpus: dict[str, list[Record]], part: str) -> None:
    records = corpus[part]
    if part in COUNTS:
        assert tuple(Counter(r["label"] for r in records)[label] for label in LABELS) == COUNTS[part]
    for label in LABELS:
        counts = Counter(r["family"] for r in records if r["label"] == label)
        assert set(counts) == set(FAMILIES), f"{part}: no {label} messages for {set(FAMILIES) - set(counts)}"
        if part in EVEN:
            assert max(counts.values()) - min(counts.values()) <= 1, (part, label, counts)
        if part == "dev3":
            light = [counts[f] for f in FAMILIES if f not in HEAVY]
            heavy = [counts[f] for f in HEAVY]
            assert max(light) - min(light) <= 1 and max(heavy) - min(heavy) <= 1, (label, counts)
            assert min(heavy) >= 1.3 * max(light), (label, counts)
    if part in LONG_MULTI_SENTENCE:
        short = [r["id"] for r in records if r["family"] == "multi_sentence"
                 and str(r["text"]).count(". ") + str(r["text"]).count("? ") < 2]  # fmt: skip
        assert short == []


@pytest.mark.parametrize("part", PARTS)
def test_multi_turn_items_in_every_class(corpus: dict[str, list[Record]], part: str) -> None:
    with_history = Counter(r["label"] for r in corpus[part] if "history" in r)
    assert all(with_history[label] >= MIN_MULTI_TURN.get(part, 1) for label in LABELS), (part, with_history)


def test_no_message_or_id_appears_twice_in_the_corpus(corpus: dict[str, list[Record]]) -> None:
    ids = Counter(r["id"] for records in corpus.values() for r in records)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(_normalised(str(r["text"])) for records in corpus.values() for r in records)
    repeated = [r["id"] for records in corpus.values() for r in records if texts[_normalised(str(r["text"]))] > 1]
    assert repeated == []  # ids only: the held-out parts' text stays unprinted


def test_minimum_counts(corpus: dict[str, list[Record]]) -> None:
    total = Counter(str(r["label"]) for part in ("heldout", "dev") for r in corpus[part])
    held_out = Counter(str(r["label"]) for r in corpus["heldout"])
    for label, minimum in MIN_TOTAL.items():
        assert total[label] >= minimum, f"{total[label]} {label} < {minimum}"
        assert held_out[label] >= 0.4 * total[label], label


@pytest.mark.parametrize("part", SAFETY_PARTS)
def test_a_further_part_is_refused_outside_the_safety_eval(part: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--split", part])
    assert exc.value.code == 2
    assert f"citebot eval safety --split {part}" in capsys.readouterr().err
