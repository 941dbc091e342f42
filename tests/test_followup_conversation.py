"""A follow-up in a conversation: what the earlier answers showed, and what the follow-up asks that is new.

Documents written for the test about two made-up medicines, Zentrab and Vexora, whose leaflets say the same
things in nearly the same words; the fake embedder (hashed bag of words) stands in for the real one.
"""

from __future__ import annotations

from bot.extractive import ExtractiveAnswerer
from bot.types import Passage
from tests.fakes import FakeEmbedder

LEAFLETS = {
    "Zentrab": "After you stop Zentrab, your blood B cells will gradually increase to normal levels. "
    "Zentrab is given as an infusion every 6 months.",
    "Vexora": "After you stop treatment with Vexora your blood level of B cells will gradually increase to normal. "
    "This can take several months. Vexora is injected under the skin every month.",
}
PASSAGES = [
    Passage(
        f"p{i}",
        text,
        f"{name} ({name.lower()}mab) — Package leaflet",
        "If you stop",
        f"{name.lower()}.md",
        audience="patient",
        dense_score=0.6,
        rank=i,
    )
    for i, (name, text) in enumerate(LEAFLETS.items(), start=1)
]


def _answer(question: str, history: list[str], earlier: list[str]) -> str:
    answerer = ExtractiveAnswerer(FakeEmbedder())
    return "".join(answerer.generate(question, PASSAGES, "patient", history, earlier))


def test_a_follow_up_moving_to_another_medicine_shows_its_sentences_even_where_they_read_like_those_shown() -> None:
    first = "After you stop Zentrab, will your blood level of B cells increase to normal?"
    shown = "After you stop Zentrab, your blood B cells will gradually increase to normal levels [1]."
    answer = _answer("What about Vexora?", [first], [shown])
    assert "After you stop treatment with Vexora your blood level of B cells will gradually increase" in answer, answer
    assert "Zentrab" not in answer, answer


def test_a_follow_up_on_the_same_medicine_does_not_show_again_what_was_shown() -> None:
    first = "After you stop Vexora, will your blood level of B cells increase to normal?"
    shown = "After you stop treatment with Vexora your blood level of B cells will gradually increase to normal [2]."
    answer = _answer("And how is it given?", [first], [shown])
    assert "gradually increase" not in answer, answer


def test_a_follow_up_answered_by_a_sentence_already_shown_is_reminded_of_it_and_shown_nothing_else_again() -> None:
    """The best answer to the follow-up was shown: it leads again, marked as a reminder and cited (the answer
    used to filter it out and say nothing); every other sentence shown before stays out."""
    first = "How is Zentrab given and what happens after stopping it?"
    shown = (
        "Zentrab is given as an infusion every 6 months [1].\n\n"
        "- After you stop Zentrab, your blood B cells will gradually increase to normal levels [1]."
    )
    answer = _answer("And is it given as an infusion?", [first], [shown])
    assert answer.startswith("As above: Zentrab is given as an infusion every 6 months [1]."), answer
    assert "gradually increase" not in answer, answer
    assert "As above" not in _answer("And is it given as an infusion?", [first], []), "nothing was shown before"


def test_a_follow_up_moving_to_a_medicine_the_earlier_answer_already_spoke_of_does_not_show_that_as_new() -> None:
    """The earlier answer showed the Vexora sentence beside Zentrab's: asked "What about Vexora?", it was shown as
    if new, since what an answer about Zentrab showed was not held against Vexora's; a sentence naming the
    medicine moved to was shown all the same."""
    first = "After you stop Zentrab, will your blood level of B cells increase to normal?"
    vexora = "After you stop treatment with Vexora your blood level of B cells will gradually increase to normal"
    zentrab = "After you stop Zentrab, your blood B cells will gradually increase to normal levels"
    shown = f"{zentrab} [1].\n\n- {vexora} [2]."
    assert _answer("What about Vexora?", [first], [shown]).startswith(f"As above: {vexora} [2].")


SIDE_EFFECTS = [
    Passage(
        f"s{i}",
        text,
        f"{name} ({name.lower()}mab) — Package leaflet",
        "Possible side effects",
        f"{name.lower()}-effects.md",
        audience="patient",
        dense_score=0.6,
        rank=i,
    )
    for i, (name, text) in enumerate(
        {
            "Vexora": "Common side effects of Vexora are headache, back pain and injection-site reactions.",
            "Zentrab": "Common side effects of Zentrab besides infections are nausea, rash and pain in the arms.",
        }.items(),
        start=1,
    )
]


def test_a_complete_follow_up_naming_no_medicine_stays_with_the_conversations_medicine() -> None:
    """It names no medicine and its own words would search well, but the conversation is about Zentrab: another
    medicine's side effects are not its answer."""
    answerer = ExtractiveAnswerer(FakeEmbedder())
    question = "any other common side effects besides infections?"
    answer = "".join(answerer.generate(question, SIDE_EFFECTS, "patient", ["what infections can zentrab cause?"], []))
    assert "nausea" in answer and "Vexora" not in answer, answer
