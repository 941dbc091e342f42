"""Sentence-level answer metrics on hand-made good and bad answers: each rule must pass a clean
answer and flag the failure it names (the failures the extractive answerer showed on real leaflets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.text import sentences
from evals import metrics as m
from evals.datasets import CHECKLISTS, load_checklists
from evals.run import case_record
from tests.test_evals import _answer, _judge

BRI_Q = ["How long after my last Briumvi infusion do I need contraception?"]
BRI_SUPPORT = [r"at least 4 months after your last infusion of Briumvi"]

GOOD_PATIENT = (
    "You need to use contraception for at least 4 months after your last infusion of Briumvi [1].\n\n"
    "- Briumvi may cross the placenta and affect your baby [1]."
)
BAD_PATIENT = (
    "for at least 4 months after your last infusion of Briumvi [1].\n\n"
    "- If you are able to become pregnant (conceive), you must use contraception: [1]\n"
    "- What you need to know before you are given Briumvi [1]\n"
    "- Women who could become pregnant must use contraception for 12 months after the last infusion of Ocrevus [2].\n"
    "- Contraception must be used for at least 4 months after your last infusion of Briumvi [1].\n"
    "- See section 4 for the neutropenia figures [1]."
)
TITLES = {1: "Briumvi (ublituximab) 150 mg — EU Package Leaflet", 2: "Ocrevus (ocrelizumab) — EU Package Leaflet"}


def _rates(text: str, audience: str = "patient", turns: list[str] = BRI_Q, support: list[str] = BRI_SUPPORT) -> dict:
    return m.sentence_metrics(m.review_sentences(text, audience, turns, support, TITLES))


def test_a_clean_answer_scores_clean() -> None:
    rates = _rates(GOOD_PATIENT, support=[*BRI_SUPPORT, r"cross the placenta"])
    assert rates == {
        "answer_precision": 1.0,
        "duplicate_rate": 0.0,
        "repeat_rate": 0.0,
        "fragment_rate": 0.0,
        "wrong_entity_rate": 0.0,
        "voice_mismatch": 0.0,
    }


def test_a_bad_answer_is_flagged_sentence_by_sentence() -> None:
    reviews = m.review_sentences(BAD_PATIENT, "patient", BRI_Q, BRI_SUPPORT, TITLES)
    flags = [r.flags for r in reviews]
    assert reviews[0].text == "for at least 4 months after your last infusion of Briumvi."
    assert flags[0]["fragment_rate"].startswith("starts mid-sentence")
    assert flags[1]["fragment_rate"] == "list lead-in"
    assert flags[2]["fragment_rate"] == "heading"
    assert "ocrelizumab" in flags[3]["wrong_entity_rate"]
    assert flags[4]["duplicate_rate"] == "restates sentence 1"
    assert "section 4" in flags[5]["voice_mismatch"]
    rates = m.sentence_metrics(reviews)
    assert rates["answer_precision"] == pytest.approx(2 / 6)  # the first sentence and its restatement
    assert rates["fragment_rate"] == pytest.approx(3 / 6)
    assert rates["duplicate_rate"] == pytest.approx(1 / 6)
    assert rates["wrong_entity_rate"] == pytest.approx(1 / 6)
    assert rates["voice_mismatch"] == pytest.approx(1 / 6)


def test_a_clinician_answer_matches_a_leaflet_pattern_as_the_answerer_says_it_about_the_patient() -> None:
    """The answerer tells a clinician a leaflet's "you" as "the patient" (bot.voice): the same sentence, on point."""
    said = "The patient needs contraception for at least 4 months after the patient's last infusion of Briumvi [1]."
    assert _rates(said, audience="clinician")["answer_precision"] == 1.0
    assert _rates(said, audience="patient")["answer_precision"] == 0.0  # a patient is told it in the leaflet's words


def test_a_leaflet_pattern_written_as_an_escaped_literal_is_matched_as_the_answerer_says_it_about_the_patient() -> None:
    """external4's support patterns are ``re.escape``d sentences: the escapes must not hide the verb after "you"."""
    leaflet = "Your doctor will check if you need any vaccinations before you start treatment"
    said = "The doctor will check if the patient needs any vaccinations before the patient starts treatment [1]."
    turns = ["Ocrelizumab work-up: do vaccines need checking first?"]
    assert _rates(said, audience="clinician", turns=turns, support=[re.escape(leaflet)])["answer_precision"] == 1.0
    assert _rates(said, audience="clinician", turns=turns, support=[leaflet])["answer_precision"] == 1.0
    assert m.in_third_person(re.escape("Store in a refrigerator")) is None  # no "you": nothing to reword
    assert m.in_third_person(r"at least (1|one) hour after you") == "at least (1|one) hour after the patient"


def test_answer_precision_is_undefined_without_support_and_for_an_empty_answer() -> None:
    assert _rates(GOOD_PATIENT, support=[])["answer_precision"] is None
    assert m.sentence_metrics([]) == {"answer_precision": None, **dict.fromkeys(m.SENTENCE_RATES)}


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("What you need to know before you are given Briumvi", "heading"),
        ("2. What Ocrevus is used for", "heading"),
        ("Tell your doctor straight away if you have any of these signs of infection:", "list lead-in"),
        ("Anyone can get hepatitis B, but those more likely to are people who", "list lead-in"),
        ("| Live attenuated | Weakened strain of whole pathogen |", "table row"),
        ("Week 0 20 mg Week 1 20 mg Week 2 20 mg", "table row"),
        ("NIH: National Institute of Diabetes and Digestive and Kidney Diseases", "attribution line"),
        ("cough which does not go away", "starts mid-sentence (a list item cut from its lead-in)"),
        ("Infusion-related reactions", "verbless fragment"),
        ("If you miss an infusion of Ocrevus", "verbless fragment"),
    ],
)
def test_fragments(sentence: str, reason: str) -> None:
    assert m.fragment_reason(sentence + " [1]") == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Ocrevus attaches to specific B cells.",
        "Infusion-related reactions are the most common side effect of Ocrevus treatment.",
        "Treatments for autoimmune diseases generally involve anti-inflammatory drugs.",
        "The flu vaccine causes antibodies to develop about two weeks after you get it.",
        "Which signs matter most?",
        "Store in a refrigerator (2 C 8 C).",
        "Continue using Kesimpta every month for as long as your doctor tells you to.",
    ],
)
def test_claims_are_not_fragments(sentence: str) -> None:
    assert m.fragment_reason(sentence) is None


def test_duplicates_need_most_content_words_of_the_shorter_sentence() -> None:
    got = m.duplicate_reasons(
        [
            "You will be closely monitored for at least 1 hour after the infusion [1].",
            "Patients are closely monitored for at least 1 hour after each infusion [2].",
            "Infusion reactions can happen up to 24 hours after the infusion [1].",
        ]
    )
    assert got == [None, "restates sentence 1", None]


def test_sentences_that_each_state_their_own_figure_are_two_facts_not_a_restatement() -> None:
    got = m.duplicate_reasons(
        [
            "A live vaccine should be given at least 4 weeks before you start Kesimpta treatment [1].",
            "Other types of vaccines should be given at least 2 weeks before you start Kesimpta treatment [1].",
            "Vaccines should be given at least 4 weeks before you start Kesimpta treatment [1].",
            "Other vaccines should be given before you start Kesimpta treatment [1].",
        ]
    )
    assert got == [None, None, "restates sentence 1", "restates sentence 1"]


def test_wrong_entity_by_name_by_cited_title_and_through_an_elliptical_follow_up() -> None:
    turns = ["What premedication is given before an Ocrevus infusion?", "Same for Briumvi?"]
    asked = m.question_entities(turns)
    assert asked["drug"] == {"ublituximab"}
    assert m.wrong_entity_reason("You will always be given Ocrevus as a drip.", asked, []) is not None
    assert m.wrong_entity_reason("Do not wait until your next planned infusion.", asked, [TITLES[2]]) is not None
    assert m.wrong_entity_reason("Do not wait until your next planned infusion.", asked, [TITLES[1]]) is None
    assert m.wrong_entity_reason("Ublituximab is a monoclonal antibody.", asked, [TITLES[2]]) is None
    # a condition question is not judged on drugs it does not name, and an unknown "-mab" counts as a drug
    pml = m.question_entities(["What causes PML?"])
    assert m.wrong_entity_reason("PML can occur in patients taking Ocrevus.", pml, []) is None
    assert m.wrong_entity_reason("Multiple sclerosis affects women more than men.", pml, []) is not None
    seed = m.question_entities(["Does Ocrevus for multiple sclerosis (MS) make a patient immunocompromised?"])
    assert m.wrong_entity_reason("PML can occur in patients taking Ocrevus.", seed, []) is None  # drug questions
    assert m.entities("Tolebrutinib and frexalimab are in trials")["drug"] == {"frexalimab"}
    # upper-case acronyms only match as acronyms: "walking aids" is not AIDS
    assert "condition" not in m.entities("Canes and walking aids help people stay mobile.")


def test_voice_mismatch_in_both_directions() -> None:
    assert m.voice_reason("Tell your doctor if you have a fever [1].", "clinician") is not None
    assert m.voice_reason("Patients should report fever promptly [1].", "clinician") is None
    assert m.voice_reason("Neutropenia was reported in clinical trials [1].", "patient") is not None
    assert m.voice_reason("A low level of a type of white blood cell (neutropenia) can happen [1].", "patient") is None
    assert m.voice_reason("See section 4.8 of the SmPC [1].", "patient") is not None
    assert m.voice_reason("Ocrevus can lower neutrophils in some people (US PI §6.1, 2024) [1].", "patient")
    assert m.voice_reason("Your IgG level is a blood test [1].", "patient", ["What is IgG?"]) is None
    assert m.voice_reason("Multiple sclerosis affects women more than men [1].", "patient") is None


def test_seed_coverage_counts_only_cited_sentences_and_names_the_missed_points() -> None:
    points = {"neutrophils": ["neutrophil"], "infection": ["infection"], "vaccines": ["vaccin"]}
    text = "Neutrophil counts can fall [1].\n- Infections are more likely.\n- Vaccines may work less well [2]."
    coverage, missed = m.seed_coverage(text, points)
    assert coverage == pytest.approx(2 / 3)
    assert missed == ["infection"]
    assert m.seed_coverage(text, {}) == (None, [])


def test_seed_checklists_load_and_a_reference_answer_covers_its_own_checklist(shared) -> None:  # type: ignore[no-untyped-def]
    """Each checklist is written from a seed answer, so that answer (cited line by line) must cover it."""
    checklists = load_checklists(CHECKLISTS)
    raw = json.loads(CHECKLISTS.read_text(encoding="utf-8"))
    for key, points in checklists.items():
        seed = shared / "seeds" / Path(raw[key]["seed"]).name
        text = seed.read_text(encoding="utf-8")
        cited = "\n".join(f"- {' '.join(text[a:b].split())} [1]" for a, b in sentences(text) if text[a:b].strip())
        coverage, missed = m.seed_coverage(cited, points)
        assert coverage == 1.0, (key, missed)
        assert m.seed_coverage("Ocrevus is given by infusion [1].", points)[0] < 0.2


def test_case_record_carries_the_sentence_metrics_and_reviews() -> None:
    from evals.datasets import parse_case

    case = parse_case(
        {"id": "c", "audience": "patient", "turns": BRI_Q, "behavior": "answer", "sources": ["briumvi"],
         "facts": ["4 months", "placenta"], "support": BRI_SUPPORT, "split": "heldout", "checklist": "k"}
    )  # fmt: skip
    rec = case_record(case, _answer("answered", BAD_PATIENT), "", 0.1, _judge(), {"k": {"p": ("4 months",)}})
    assert rec["split"] == "heldout"
    assert rec["metrics"]["fragment_rate"] == pytest.approx(0.5)
    assert rec["metrics"]["seed_coverage"] == 1.0
    assert rec["missed_facts"] == ["placenta"]
    assert rec["sentences"][1]["flags"] == {"fragment_rate": "list lead-in"}


def test_a_sentence_an_earlier_answer_showed_is_a_repeat_even_as_a_reminder() -> None:
    """``duplicate_rate`` reads one answer; ``repeat_rate`` flags what the conversation's earlier answers showed,
    the reminder a follow-up marks as one included, and leaves a new fact alone."""
    earlier = [GOOD_PATIENT]
    follow_up = (
        "As above: You need to use contraception for at least 4 months after your last infusion of Briumvi [1].\n\n"
        "- Briumvi passes into breast milk in small amounts during the first days after birth [1]."
    )
    reviews = m.review_sentences(follow_up, "patient", [*BRI_Q, "Is that for every infusion?"], earlier=earlier)
    assert [bool(r.flags.get("repeat_rate")) for r in reviews] == [True, False]
    assert m.sentence_metrics(reviews)["repeat_rate"] == pytest.approx(0.5)
    assert m.sentence_metrics(reviews)["duplicate_rate"] == 0.0  # within the follow-up, nothing repeats
    assert not any(r.flags for r in m.review_sentences(follow_up, "patient", BRI_Q))  # no earlier answer given
