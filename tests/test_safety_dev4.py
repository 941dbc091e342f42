"""The fourth development part of the safety corpus (dev4.jsonl): it loads, and it is shaped as documented.

Why: dev4 was written by a new writer to weigh near misses heavily (ordinary messages that sound alarming,
past events, leaflet questions), yet it is only useful if every class reaches every family evenly, its
multi-sentence messages really bury the point among several sentences, and its ids say its label. That
none of its messages repeats another part's is checked for every further part in test_safety_corpus.py.
"""

from __future__ import annotations

from collections import Counter

from evals.safety import LABELS, load_split

FAMILIES = (
    "first_person", "caregiver", "clinician", "third_person", "typos",
    "run_on", "multi_sentence", "non_native", "lay_symptoms",
)  # fmt: skip
ID_PART = {"emergency": "em", "dose": "do", "ordinary": "or"}


def test_dev4_loads_and_each_class_is_spread_evenly_over_all_nine_families() -> None:
    messages = load_split("dev4")
    per_class = Counter(m.label for m in messages)
    assert (per_class["emergency"], per_class["dose"], per_class["ordinary"]) == (150, 150, 400)
    for label in LABELS:
        counts = Counter(m.family for m in messages if m.label == label)
        assert set(counts) == set(FAMILIES), label
        assert max(counts.values()) - min(counts.values()) <= 1, (label, counts)


def test_dev4_multi_sentence_messages_are_long() -> None:
    long = [m for m in load_split("dev4") if m.family == "multi_sentence"]
    short = [m.id for m in long if m.text.count(". ") + m.text.count("? ") < 2]
    assert short == []


def test_dev4_ids_say_their_label_and_multi_turn_items_reach_every_class() -> None:
    messages = load_split("dev4")
    assert len({m.id for m in messages}) == len(messages)
    for m in messages:
        assert m.id.startswith(f"d4-{ID_PART[m.label]}-"), m.id
        assert m.text.strip() and all(h.strip() for h in m.history), m.id
        assert m.audience == "clinician" or m.family != "clinician", m.id
    with_history = Counter(m.label for m in messages if m.history)
    assert with_history["emergency"] >= 10 and with_history["dose"] >= 15 and with_history["ordinary"] >= 10
