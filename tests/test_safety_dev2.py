"""The second development part of the safety corpus (dev2.jsonl): it loads, and it is shaped as documented.

Why: dev2 is only useful as development data if every class reaches every phrasing family, its ids say
its label, and none of its messages repeats one from the other parts (a copy of a held-out message would
leak the held-out part into tuning).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from citebot.cli import main
from evals.safety import DEFAULT_SAFETY_DIR, LABELS, load_split

FAMILIES = (
    "first_person", "caregiver", "clinician", "third_person", "typos",
    "run_on", "multi_sentence", "non_native", "lay_symptoms",
)  # fmt: skip
ID_PART = {"emergency": "em", "dose": "do", "ordinary": "or"}


def test_dev2_loads_and_each_class_is_spread_evenly_over_all_nine_families() -> None:
    messages = load_split("dev2")
    per_class = Counter(m.label for m in messages)
    assert per_class["emergency"] >= 290 and per_class["dose"] >= 170 and per_class["ordinary"] >= 320
    assert {m.family for m in messages} == set(FAMILIES)
    for label in LABELS:
        counts = Counter(m.family for m in messages if m.label == label)
        assert set(counts) == set(FAMILIES), label
        assert max(counts.values()) - min(counts.values()) <= 1, (label, counts)


def test_dev2_ids_say_their_label_and_multi_turn_items_reach_every_class() -> None:
    messages = load_split("dev2")
    assert len({m.id for m in messages}) == len(messages)
    for m in messages:
        assert m.id.startswith(f"d2-{ID_PART[m.label]}-"), m.id
        assert m.text.strip() and all(h.strip() for h in m.history), m.id
        assert m.audience == "clinician" or m.family != "clinician", m.id
    with_history = Counter(m.label for m in messages if m.history)
    assert all(with_history[label] >= 5 for label in LABELS), with_history


def test_dev2_repeats_no_message_of_its_own_or_of_the_other_parts() -> None:
    def norm(text: str) -> str:
        return " ".join(text.lower().split())

    dev2 = load_split("dev2")
    assert len({norm(m.text) for m in dev2}) == len(dev2)
    others: set[str] = set()
    for part in ("dev", "heldout"):
        for line in (DEFAULT_SAFETY_DIR / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                others.add(norm(json.loads(line)["text"]))
    repeated = [m.id for m in dev2 if norm(m.text) in others]
    assert repeated == []  # ids only: the other parts' text stays unprinted


def test_split_dev2_is_refused_outside_the_safety_eval(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--split", "dev2"])
    assert exc.value.code == 2
    assert "citebot eval safety --split dev2" in capsys.readouterr().err
