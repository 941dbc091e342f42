"""Follow-ups offline: the standalone query keeps the conversation's topic, acronyms included."""

from __future__ import annotations

import os

from bot.followup import (
    as_question,
    condense_offline,
    covered_topics,
    document_topics,
    is_topic,
    needs_context,
    swap_entity,
    written_names,
)
from bot.question import Entities, direction_of
from bot.types import Passage


def test_an_acronym_the_earlier_turn_is_about_is_carried_into_the_follow_up() -> None:
    query = condense_offline("What does it usually turn into, and when?", ["What is the most common form of MS?"])
    assert "ms" in query.split("(")[1].split()


def test_a_standalone_question_is_left_as_it_is() -> None:
    question = "Which vaccines must be given before starting Kesimpta treatment at the clinic?"
    assert condense_offline(question, ["What is MS?"]) == question


LEAFLETS = [
    Passage(id=t, title=t, section="", source=f"{t}.md", text="It is a medicine.")
    for t in (
        "Zentrab (zentrabumab) 20 mg solution — Package leaflet",
        "Vexora (vexoramab) concentrate — Package leaflet",
        "Hepatitis B — health topic summary",
    )
]


def test_a_follow_up_naming_another_medicine_carries_the_earlier_aspect_but_not_the_earlier_medicine() -> None:
    entities = Entities.from_passages(LEAFLETS)
    query = condense_offline(
        "And with vexoramab, after every infusion too?", ["How long are patients observed after a Zentrab infusion?"],
        entities,
    )  # fmt: skip
    carried = query.split("(")[1].rstrip(")").split()
    assert "observed" in carried and "zentrab" not in carried and "zentrabumab" not in carried


def test_the_conversations_entity_is_carried_whole_and_beside_the_aspect_words() -> None:
    entities = Entities.from_passages(LEAFLETS)
    query = condense_offline("And in children?", ["Which oral medicines treat chronic hepatitis B?"], entities)
    assert query.endswith("(hepatitis b oral medicines treat chronic)")


def test_words_no_chunk_uses_are_carried_after_the_turns_other_words() -> None:
    known = {"ms", "diagnosed", "month", "memory"}
    query = condense_offline(
        "is that common?", ["my sister was diagnosed with MS and is scary forgetful this month"],
        doc_freq=lambda words: [0.1 if w in known else 0.0 for w in words],
    )  # fmt: skip
    assert query.endswith("(ms diagnosed month sister)")


def test_a_follow_up_that_only_names_another_medicine_asks_the_earlier_question_of_it() -> None:
    entities = Entities.from_passages(LEAFLETS)
    earlier = ["How long does the first Zentrab infusion take?"]
    assert swap_entity("Same for Vexora?", earlier, entities) == "How long does the first Vexora infusion take?"
    assert swap_entity("and if i was on vexoramab instead?", ["can i breastfeed on zentrab?"], entities) == (
        "can i breastfeed on vexoramab?"
    )
    assert swap_entity("And is Vexora given every week?", earlier, entities) == ""  # it asks something of its own
    assert swap_entity("Same for Vexora?", ["Is Zentrab or Vexora given monthly?"], entities) == ""
    assert swap_entity("What about hepatitis B?", earlier, entities) == ""  # a condition replaces no medicine


def test_a_follow_up_about_the_person_the_conversation_is_about_carries_its_condition() -> None:
    query = condense_offline("will his yearly flu vaccine still protect him?", ["my son was just diagnosed with XLA"])
    assert "xla" in query.split("(")[-1]
    assert needs_context("Can she still take her usual medicines during pregnancy?")


def test_a_follow_up_opening_with_an_interjection_or_asking_instead_or_the_same_leans_on_the_conversation() -> None:
    assert needs_context("ok and if we go with the Vexora pen instead, same deal?")
    assert needs_context("Okay, what about the vaccines for children?")
    assert not needs_context("Can I have the shingles vaccine and the flu vaccine on the same day?")


def test_a_follow_up_asking_once_treatment_has_started_asks_about_during_treatment() -> None:
    assert direction_of("And once treatment has started?") == "during"
    assert direction_of("Which vaccines can I have after starting Zentrab?") == "during"


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


def test_a_complete_question_naming_no_entity_carries_the_conversations_entity_alone() -> None:
    entities = Entities.from_passages(LEAFLETS)
    earlier = ["what infections can zentrab cause?"]
    question = "any other common side effects besides infections?"
    assert condense_offline(question, earlier, entities) == f"{question} (zentrab)"
    new_topic = "Different question: how do I fix a leaking kitchen tap?"
    assert condense_offline(new_topic, earlier, entities) == new_topic
    own = "Which side effects are common with Vexora apart from infections?"
    assert condense_offline(own, earlier, entities) == own  # it names its own medicine


def test_two_names_of_an_earlier_turn_are_carried_in_its_order_whatever_the_hash_seed() -> None:
    """A frozenset's order changes with the process's hash seed: the standalone query (and so the passages and the
    scope decision) changed from one process to the next ("what signs should i be watching for?" after "im on
    kesimpta and just read about PML" was answered or declined)."""
    import subprocess
    import sys

    code = (
        "from bot.followup import condense_offline; from bot.question import Entities; from bot.types import Passage; "
        "ps = [Passage(id=t, title=t, section='', source=t, text='It is a medicine.') for t in "
        "('Zentrab (zentrabumab) 20 mg solution', 'Hepatitis B — health topic summary')]; "
        "print(condense_offline('what should i watch for?', ['im on zentrab and read about hepatitis b'], "
        "Entities.from_passages(ps)))"
    )

    def query(seed: int) -> str:
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    queries = {query(seed) for seed in range(6)}
    assert queries == {"what should i watch for? (hepatitis b zentrab read)\n"}, queries
