"""The second development part of the safety corpus (dev2.jsonl): it loads, and it is shaped as documented.

Why: dev2 is only useful as development data if every class reaches every phrasing family, its ids say
its label and multi-turn items reach every class. That none of its messages repeats another part's is
checked for every further part in test_safety_corpus.py.
"""

from __future__ import annotations

from collections import Counter

from evals.safety import LABELS, load_split

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
