"""Follow-ups offline: the standalone query keeps the conversation's topic, acronyms included."""

from __future__ import annotations

from bot.followup import condense_offline


def test_an_acronym_the_earlier_turn_is_about_is_carried_into_the_follow_up() -> None:
    query = condense_offline("What does it usually turn into, and when?", ["What is the most common form of MS?"])
    assert "ms" in query.split("(")[1].split()


def test_a_standalone_question_is_left_as_it_is() -> None:
    question = "Which vaccines must be given before starting Kesimpta treatment at the clinic?"
    assert condense_offline(question, ["What is MS?"]) == question
