"""Register: a patient-leaflet sentence said to a clinician about "the patient", every fact kept."""

from __future__ import annotations

import pytest

from bot.text import content_words, numbers
from bot.voice import second_person, third_person


@pytest.mark.parametrize(
    ("leaflet", "clinician"),
    [
        (
            "If you need a live vaccine, it should be given at least 4 weeks before you start Kesimpta treatment.",
            "If the patient needs a live vaccine, it should be given at least 4 weeks before the patient starts "
            "Kesimpta treatment.",
        ),
        (
            "Before your Ocrevus treatment, your doctor will check if you are at risk of hepatitis B infection.",
            "Before the patient's Ocrevus treatment, the doctor will check if the patient is at risk of hepatitis B "
            "infection.",
        ),
        (
            "Your doctor will tell you whether the vaccination you need is a live vaccine.",
            "The doctor will tell the patient whether the vaccination the patient needs is a live vaccine.",
        ),
        (
            "After you stop Ocrevus treatment, you may still experience side effects.",
            "After the patient stops Ocrevus treatment, the patient may still experience side effects.",
        ),
        (
            "You don't need to stop if you still have a cold.",
            "The patient doesn't need to stop if the patient still has a cold.",
        ),
        ("Briumvi will be given to you by a nurse.", "Briumvi will be given to the patient by a nurse."),
        (
            "The timing is calculated from the day you injected this dose.",
            "The timing is calculated from the day the patient injected this dose.",
        ),
        (
            "If you forget to inject yourself, you're advised to do it now.",
            "If the patient forgets to inject themselves, the patient is advised to do it now.",
        ),
    ],
)
def test_a_leaflet_sentence_is_said_about_the_patient(leaflet: str, clinician: str) -> None:
    assert second_person(leaflet)
    said = third_person(leaflet)
    assert said == clinician
    assert not second_person(said)
    assert numbers(said) == numbers(leaflet)
    kept = {w for w in content_words(leaflet) if not w.startswith("you") and not w.endswith("n't")}
    assert kept <= set(content_words(said))  # every word the verifier checks is still there


def test_a_sentence_not_addressed_to_anyone_is_left_as_it_is() -> None:
    text = "Patients are closely monitored for at least 1 hour after each infusion."
    assert not second_person(text) and third_person(text) == text


def test_a_medical_word_glossed_after_its_plain_words_is_patient_register_but_a_label_code_is_not() -> None:
    from bot.extractive import in_clinician_register

    assert not in_clinician_register("Common: low levels of a type of white blood cell (neutropenia).")
    assert in_clinician_register("Neutropenia was reported in clinical trials.")
    assert in_clinician_register("Monitor immunoglobulins (5.4).")
    # the other order, as the Briumvi leaflet writes its "Common" list (the items were left out of patient answers,
    # so "any other common side effects besides infections?" never named them)
    assert not in_clinician_register(
        "Common (may affect up to 1 in 10 people): neutropenia (low levels of neutrophils, a type of white blood "
        "cell); pain in extremity (arms or legs)."
    )
    assert in_clinician_register("Low immunoglobulins (IgG and IgM) were seen.")  # a gloss in more jargon is none


@pytest.mark.parametrize(
    ("leaflet", "patient"),
    [
        ("The timing of future injections should be calculated from the day you injected this dose (see also How "
         "much Zentrab to use and how often to use it above).",
         "The timing of future injections should be calculated from the day you injected this dose."),
        ("Tell your doctor (see Warnings and precautions above) if you have an infection.",
         "Tell your doctor if you have an infection."),
        ("It may make you less able to fight infections (EU leaflet §2).",
         "It may make you less able to fight infections."),
        ("A rash was seen (in 1 in 10 people).", "A rash was seen (in 1 in 10 people)."),
    ],
)  # fmt: skip
def test_a_patient_answer_drops_where_else_in_the_leaflet_to_look_but_keeps_what_an_aside_says(
    leaflet: str, patient: str
) -> None:
    """One answer is read alone: "(see ... above)" points at a part of a leaflet the reader does not have."""
    from bot.extractive import _without_codes

    assert _without_codes(leaflet) == patient
