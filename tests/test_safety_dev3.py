"""The third development part of the safety corpus (dev3.jsonl): it loads, and it is shaped as documented.

Why: dev3 was written to weigh long, run-on, misspelt and non-native messages more heavily (the families
where development data was weakest), yet it is only useful if every class still reaches every family, its
ids say its label. That none of its messages repeats another part's is checked for every further part in
test_safety_corpus.py.
"""

from __future__ import annotations

from collections import Counter

from evals.safety import LABELS, load_split

FAMILIES = (
    "first_person", "caregiver", "clinician", "third_person", "typos",
    "run_on", "multi_sentence", "non_native", "lay_symptoms",
)  # fmt: skip
HEAVY = ("typos", "run_on", "multi_sentence", "non_native")  # written about 1.5x as often as the others
ID_PART = {"emergency": "em", "dose": "do", "ordinary": "or"}


def test_dev3_loads_and_each_class_reaches_all_nine_families_weighted_to_the_hard_ones() -> None:
    messages = load_split("dev3")
    per_class = Counter(m.label for m in messages)
    assert (per_class["emergency"], per_class["dose"], per_class["ordinary"]) == (200, 60, 160)
    for label in LABELS:
        counts = Counter(m.family for m in messages if m.label == label)
        assert set(counts) == set(FAMILIES), label
        light = [counts[f] for f in FAMILIES if f not in HEAVY]
        heavy = [counts[f] for f in HEAVY]
        assert min(light) >= 5 and max(light) - min(light) <= 1, (label, counts)
        assert max(heavy) - min(heavy) <= 1 and min(heavy) >= 1.3 * max(light), (label, counts)


def test_dev3_multi_sentence_messages_are_long() -> None:
    # the point of the family here: the emergency (or its near miss) is one sentence among several
    long = [m for m in load_split("dev3") if m.family == "multi_sentence"]
    short = [m.id for m in long if m.text.count(". ") + m.text.count("? ") < 2]
    assert short == []


def test_dev3_ids_say_their_label_and_multi_turn_items_reach_every_class() -> None:
    messages = load_split("dev3")
    assert len({m.id for m in messages}) == len(messages)
    for m in messages:
        assert m.id.startswith(f"d3-{ID_PART[m.label]}-"), m.id
        assert m.text.strip() and all(h.strip() for h in m.history), m.id
        assert m.audience == "clinician" or m.family != "clinician", m.id
    with_history = Counter(m.label for m in messages if m.history)
    assert all(with_history[label] >= 3 for label in LABELS), with_history
    assert sum(with_history.values()) >= 12
