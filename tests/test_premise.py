"""False premises in words (issue 13 point 6): the value a question asserts, and the sentence that corrects it.

"Shingrix is just one shot, right?" was abstained on (the leaflet says "injection", never "shot") or answered
without the correction; "once a week", "up to 48 h", "90%", "only from age 65", "only during the infusion" were not
read as premises at all; "every 3 months" was "corrected" with the 6 months of another sentence. Documents and
questions written for this test.
"""

from __future__ import annotations

from bot.extractive import Candidate, ExtractiveAnswerer
from bot.premise import Premise, contradiction, premises_of, states
from bot.question import Entities, analyse
from bot.types import Passage
from tests.fakes import FakeEmbedder
from tests.test_scope import answerer_over, candidate


def _kinds(question: str) -> list[tuple[str, float]]:
    return [(p.kind, round(p.value, 1)) for p in premises_of(question)]


def test_a_premise_in_words_is_a_figure_of_its_kind() -> None:
    assert _kinds("Zorvia is just one shot, right?") == [("count", 1.0)]
    assert _kinds("Is it a single jab and done?") == [("count", 1.0)]
    assert _kinds("the vaccine is a one-off shot right?") == [("count", 1.0)]
    assert _kinds("Zorvia is injected once a week, correct?") == [("interval", 7.0)]
    assert _kinds("Is Zorvia a twice a year thing?") == [("interval", 182.5)]
    assert _kinds("Is it given every 3 months?") == [("interval", 91.2)]
    assert _kinds("Is Zorvia taken weekly?") == [("interval", 7.0)]
    assert _kinds("Once diluted it keeps for up to 48 h, correct?") == [("time", 48.0)]
    assert premises_of("Once diluted it keeps for up to 48 h, correct?")[0].text == "up to 48 h"
    assert _kinds("I read it kills 90% of people, right?") == [("percent", 90.0)]
    assert _kinds("The vaccine is only licensed from age 65, isn't it?") == [("age", 65.0)]
    assert [p.kind for p in premises_of("Reactions only occur during the infusion, right?")] == ["window"]
    # no premise: a person's age, an age without "only", a question that asserts nothing
    assert premises_of("Can my 15-year-old son have it?") == ()
    assert premises_of("Is the vaccine licensed from age 65?") == ()
    assert premises_of("How often is Zorvia given?") == ()


def test_a_sentence_contradicts_a_premise_only_with_a_value_of_the_same_kind() -> None:
    one_shot = Premise("count", 1.0, "one shot")
    assert contradiction(one_shot, "You will receive 2 injections 2 months apart.") == "2 injections 2 months apart"
    assert contradiction(one_shot, "You will be told when to come back for the second dose.") == "a second dose"
    # what a pack holds and how often a side effect occurs are no count of doses given
    assert contradiction(one_shot, "One pack contains powder for 1 dose in a vial.") is None
    assert contradiction(one_shot, "Uncommon (may occur with up to 1 in 100 doses of vaccine): rash.") is None
    weekly = Premise("interval", 7.0, "once a week")
    assert contradiction(weekly, "Starting at Week 4 and then every month, the dose is 20 mg.") == "every month"
    assert contradiction(weekly, "The first injections are given one week apart.") is None  # it states it
    # a delay after the first dose is not the interval between doses
    quarterly = Premise("interval", 91.2, "every 3 months")
    assert contradiction(quarterly, "The second dose can be given between 2 and 6 months after the first.") is None
    assert contradiction(Premise("time", 48.0, "up to 48 h"), "It keeps for 24 hours at 2-8 C.") == "24 hours"
    ninety = Premise("percent", 90.0, "90%")
    assert contradiction(ninety, "It has a mortality rate of 30-50 percent.") == "30-50 percent"
    assert states(Premise("percent", 40.0, "40%"), "It has a mortality rate of 30-50 percent.")  # within the range
    age = Premise("age", 65.0, "from age 65")
    assert contradiction(age, "It is for adults 50 years of age and older.") == "50 years of age and older"
    window = Premise("window", 0.0, "only occur during the infusion")
    assert contradiction(window, "Reactions can happen up to 24 hours after the infusion.") == (
        "up to 24 hours after the infusion"
    )


def _unit(text: str, score: float, *aspects: str) -> Candidate:
    return Candidate(1, text, 0, len(text), score, 0.5, (1.0,), frozenset(aspects))


def _corrected(question: str, *cands: Candidate) -> str | None:
    analysis = analyse(question, Entities([], []))
    found = ExtractiveAnswerer._correction(question, analysis, list(cands))
    return found[0] if found else None


def test_the_correction_cites_the_figure_of_the_asserted_aspect_and_kind() -> None:
    pack = _unit("One pack of Zorvia contains powder for 1 dose and a suspension for 1 dose.", 0.9, "schedule")
    course = _unit("You will receive 2 injections 2 months apart.", 0.1)  # speaks to no other aspect
    flexible = _unit("If needed, the second dose of Zorvia can be given between 2 and 6 months after the first.", 0.8,
                     "schedule")  # fmt: skip
    # the schedule, not the pack's contents; the count given, not one implied ("a second dose")
    assert _corrected("Zorvia is just one shot, right?", pack, flexible, course) == "2 injections 2 months apart"
    # the interval between doses, not the delay of a flexible second dose ("6 months")
    assert _corrected("Zorvia is given every 3 months, right?", pack, flexible, course) == (
        "2 injections 2 months apart"
    )
    storage = _unit("Once diluted, Zorvia can be stored for 24 hours at 2-8 C.", 0.1, "storage")
    observed = _unit("Patients are observed for 1 hour after each Zorvia infusion.", 0.9, "monitoring")
    assert _corrected("Once diluted, Zorvia can be kept refrigerated for up to 48 h, correct?", observed, storage) == (
        "24 hours"
    )
    # a sentence of the question's topic stating the asserted value: no correction; one of another topic does not count
    kills = _unit("Zorvia-associated PML has a mortality rate of 30-50 percent.", 0.2)
    other = _unit("At least 90% of the adrenal cortex is destroyed before symptoms appear.", 0.5)
    assert _corrected("I read PML kills 90% of people, right?", other, kills) == "30-50 percent"
    assert _corrected("I read PML kills 40% of people, right?", other, kills) is None


LEAFLET = Passage(
    id="how",
    title="Zorvia (zorvimab) vaccine — Package leaflet",
    section="How Zorvia is given",
    source="zorvia.md",
    text="Zorvia is given as an injection into a muscle. You will receive 2 injections 2 months apart. "
    "Make sure you finish the complete course.",
    dense_score=0.6,
)
# "jab" is a rare word of the corpus: a key concept the leaflet never says
FILLER = [f"Medicines are used to treat condition number {i}, and a doctor explains the treatment." for i in range(30)]
BOXING = "A jab is a quick straight punch thrown with the lead hand."


def test_a_contradicted_premise_is_in_scope_though_put_in_words_the_passages_never_use() -> None:
    answerer = answerer_over([LEAFLET], [*FILLER, BOXING], FakeEmbedder())
    entities = Entities.from_passages([LEAFLET])
    cands = [candidate(LEAFLET)]
    question = "Zorvia is just one jab, right?"
    # "jab" is a key concept the leaflet never says: alone, it leaves the question out of scope
    assert not answerer.in_scope(question, [LEAFLET], cands, entities)
    # but the leaflet contradicts the premise on its aspect, and the correction answers it
    found = ExtractiveAnswerer._correction(question, analyse(question, entities), cands)
    assert found is not None and found[:2] == ("2 injections 2 months apart", "one jab")
    assert answerer.in_scope(question, [LEAFLET], cands, entities, contradicted=True)
    # end to end, the answer leads with the correction, cited
    answer = "".join(answerer.generate("Zorvia is just one jab into a muscle, right?", [LEAFLET], "patient"))
    assert answer.startswith("The sources give 2 injections 2 months apart, not one jab [1]."), answer
