"""Closeness in meaning between words (bot.near), and its threshold learned from public QA pairs.

``evals.near_calibration`` learns the threshold.

The scope check read a question's words only as the passages spell them; these are the parts it now reads
them with. Texts written for the test; the fake embedder's thesaurus stands in for the model's closeness.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.near import NEAR, NEAR_PHRASE, NearWords, clipped, flat, mentions, words_of
from evals.near_calibration import calibrate, chance_closeness, closest_other_form, phrase_chance_closeness
from tests.fakes import ThesaurusEmbedder

THESAURUS = {"mum": "mother", "flu": "influenza"}


def test_a_word_is_said_by_a_word_of_the_same_meaning_and_not_by_an_unrelated_one() -> None:
    near = NearWords(ThesaurusEmbedder(THESAURUS))
    words = words_of("The influenza vaccine is given to the mother before birth.")
    assert near.said("flu", words) and near.said("mum", words)
    assert not near.said("tattoo", words)
    assert max(near.closeness("flu", words).values()) >= NEAR


def test_words_are_compared_without_stopwords_and_short_words() -> None:
    assert words_of("It is in the vaccine, as a B-cell drug.") == {"vaccine", "b-cell", "drug"}


def test_a_clipped_word_needs_the_same_next_word_as_the_passage() -> None:
    assert clipped("hep", "how does hep b spread?", "Hepatitis B spreads by blood.")
    assert not clipped("hep", "how does hep c spread?", "Hepatitis B spreads by blood.")
    assert not clipped("hep", "is it hep?", "Hepatitis B spreads by blood.")


def test_the_calibration_leaves_out_the_words_own_forms() -> None:
    near = NearWords(ThesaurusEmbedder(THESAURUS))
    assert mentions(flat("Vaccinate children early."), "vaccination")
    assert closest_other_form("vaccination", "Vaccinate children early.", near) is None  # the lexical test's
    assert closest_other_form("mum", "Her mother was ill.", near) == 1.0


def test_the_thresholds_are_a_high_percentile_of_chance_closeness_to_another_pages_answer(tmp_path: Path) -> None:
    rows = [
        {"id": str(i), "doc_id": f"d{i}", "question": f"What are the {topic} ?", "answer": answer}
        for i, (topic, answer) in enumerate([
            ("flu symptoms", "The flu causes fever and a sore throat."),
            ("measles complications", "Measles can lead to ear infections and pneumonia."),
            ("anaemia causes", "Anaemia comes from blood loss or too little iron."),
            ("gout treatments", "Gout is treated with anti-inflammatory medicines."),
        ])
    ]  # fmt: skip
    path = tmp_path / "qa.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    near = NearWords(ThesaurusEmbedder({}))
    chance, _ = chance_closeness(rows, near, pairs=4, seed=1)
    assert chance and chance == chance_closeness(rows, near, pairs=4, seed=1)[0]  # seeded
    report = calibrate(path, ThesaurusEmbedder({}), pairs=4, seed=1)
    assert report["chance_words"] == len(chance)
    assert min(chance) - 1e-3 <= report["near"] <= max(chance) + 1e-3  # rounded to three places
    # NEAR_PHRASE from the same pairs: a word to another page's phrases, the question's phrase to its words and phrases
    phrased = phrase_chance_closeness(rows, near, pairs=4, seed=1)
    assert phrased and phrased == phrase_chance_closeness(rows, near, pairs=4, seed=1)  # seeded
    assert report["chance_phrases"] == len(phrased)
    assert min(phrased) - 1e-3 <= report["near_phrase"] <= max(phrased) + 1e-3
    assert 0 < NEAR_PHRASE < NEAR  # two unrelated words are rarely close to anything: a lower bar than one word's
