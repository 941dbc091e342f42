"""Follow-ups offline: the standalone query keeps the conversation's topic, acronyms included."""

from __future__ import annotations

from bot.followup import as_question, condense_offline, covered_topics, document_topics, is_topic, written_names
from bot.types import Passage


def test_an_acronym_the_earlier_turn_is_about_is_carried_into_the_follow_up() -> None:
    query = condense_offline("What does it usually turn into, and when?", ["What is the most common form of MS?"])
    assert "ms" in query.split("(")[1].split()


def test_a_standalone_question_is_left_as_it_is() -> None:
    question = "Which vaccines must be given before starting Kesimpta treatment at the clinic?"
    assert condense_offline(question, ["What is MS?"]) == question


def test_lead_ins_and_sentences_are_not_topics_to_suggest() -> None:
    not_topics = ("Medicines taken by mouth include", "Zorvia contains sodium", "Other exceptions are people who have",
                  "Side effects of", "Combining", "MS terms", "Key Concepts and Summary")  # fmt: skip
    for heading in not_topics:
        passage = Passage(id="p", title="Zorvia leaflet", section=heading, source="z.md", text="Zorvia is a medicine.")
        assert document_topics([passage]) == [], heading
    for heading in ("Pregnancy and breast-feeding", "How to store Zorvia", "Driving and using machines"):
        assert is_topic(heading), heading


def test_a_suggested_question_keeps_a_titles_capitals_and_drops_instructions() -> None:
    title = "Zorvia (zorvimab) 20 mg solution — Package leaflet"
    sections = (
        "3. How to take zorvia",
        "Other medicines and zorvia",
        "Do not use Zorvia",
        "What is Multiple Sclerosis ?",
    )
    passages = [Passage(id=s, title=title, section=s, source="z.md", text="Zorvia is a medicine.") for s in sections]
    assert document_topics(passages) == [
        "How to take Zorvia",
        "Other medicines and Zorvia",
        "What is Multiple Sclerosis?",
    ]
    names = written_names(passages)
    assert as_question("How to take Zorvia", "patient", names) == "How to take Zorvia?"
    assert as_question("Other medicines and Zorvia", "patient", names) == (
        "What should I know about other medicines and Zorvia?"
    )
    assert as_question("Systemic Lupus Erythematosus", "clinician") == (
        "What do the sources say about Systemic Lupus Erythematosus?"
    )
    assert as_question("Do not use Zorvia", "patient", names) == ""
    assert covered_topics(passages, "clinician") == (
        " The retrieved sources cover: how to take Zorvia; other medicines and Zorvia; what is Multiple Sclerosis."
    )
