"""The answers' learned stopping rule (issue 13: MedQuAD answers said more than the top chunk, and worse; clinician
answers on the external documents went on past the sentences that answer).

A patient answer used to stop at a fixed relevance floor, cutting points of the section that answers. Below
the floor, the shipped rule (``bot/stop.json``, learned on MedQuAD's training fold) admits a further point
when it is more likely than not to make the answer better. A clinician answer took every point down to the
floor; past its third point the same rule now drops one it expects to make the answer worse. Documents written
for this test.
"""

from __future__ import annotations

from bot.extractive import Candidate, ExtractiveAnswerer, gist, is_narrow
from bot.question import Analysis
from bot.stop import STEP_FEATURES, load_stop_rule, step_features
from evals.stop_train import Recorder, replay
from tests.fakes import FakeEmbedder

SYMPTOMS = "zorvian-fever.md#Symptoms"


def _point(n: int, text: str, score: float, section: str) -> Candidate:
    vector = [0.0] * 8
    vector[n] = 1.0  # unrelated in meaning: no point restates another
    return Candidate(n + 1, text, 0, len(text), score, score, tuple(vector), frozenset(), n, section)


POINTS = [
    _point(0, "Zorvian fever causes a high temperature and aching joints in most children.", 0.1, SYMPTOMS),
    _point(1, "Many children with zorvian fever also develop a red rash on the legs.", 0.0, SYMPTOMS),
    _point(2, "The rash usually fades within two weeks without leaving scars.", -0.05, SYMPTOMS),
    _point(3, "Antibiotics do not shorten the illness because a virus causes it.", -0.35, "zorvian-fever.md#Treatment"),
    _point(4, "Some adults notice tiredness that lasts for several months.", -0.4, SYMPTOMS),
    _point(5, "Hospital stays are rare for healthy adults with measles.", -0.45, "measles.md#Outlook"),
]
SOURCES = ["", *(p.section.split("#")[0] for p in POINTS)]


def test_a_patient_answer_goes_on_below_the_floor_in_the_section_that_answers_and_not_into_another_page() -> None:
    answerer = ExtractiveAnswerer(FakeEmbedder())
    # every point within 0.6 of the lead's score is shown, another section's too, as before
    assert len(answerer.select(list(POINTS), "patient", SOURCES, [])) == len(POINTS)
    # below the floor the old rule stopped; the learned one goes on in the lead's section, not into another page
    below = [
        *POINTS[:3],
        _point(3, POINTS[4].text, -0.6, SYMPTOMS),
        _point(4, POINTS[5].text, -0.6, "measles.md#Outlook"),
    ]
    chosen = answerer.select(below, "patient", SOURCES, [])
    assert [c.text for c in chosen] == [POINTS[i].text for i in (0, 1, 2, 4)]


def test_a_clinician_answer_stops_past_the_answer_above_the_floor_too() -> None:
    # a clinician answer used to take every point down to the floor: another section's and another page's
    # sentences after the ones that answer (on the external documents, 7 shown sentences in 10 off the point)
    answerer = ExtractiveAnswerer(FakeEmbedder())
    chosen = answerer.select(list(POINTS), "clinician", SOURCES, [])
    assert [c.text for c in chosen] == [POINTS[i].text for i in (0, 1, 2, 4)]
    # a patient answer still shows every point within the floor (the rule is heeded only below it there)
    assert len(answerer.select(list(POINTS), "patient", SOURCES, [])) == len(POINTS)


class _Refuses:
    """A stopping rule that never admits a further point."""

    def admits(self, pick: object, chosen: object) -> bool:
        return False


def test_a_clinician_overview_is_not_put_to_the_rule() -> None:
    # a broad question's overview spans sections and pages by design (the seed question's 8-15 points)
    refusing = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_Refuses())
    assert len(refusing.select(list(POINTS), "clinician", SOURCES, [])) == 3  # past the third, the rule decides
    overview = refusing.select(list(POINTS), "clinician", SOURCES, [], overview=True)
    assert overview == ExtractiveAnswerer(FakeEmbedder()).select(list(POINTS), "clinician", SOURCES, [], overview=True)
    assert len(overview) > 3


def test_the_first_three_points_of_a_patient_answer_are_not_left_to_the_rule() -> None:
    other = [_point(i + 1, POINTS[i + 3].text, -0.3 - 0.05 * i, f"page{i}.md#Other") for i in range(3)]
    chosen = ExtractiveAnswerer(FakeEmbedder()).select([POINTS[0], *other], "patient", SOURCES, [])
    assert len(chosen) >= 3


def test_step_features_see_the_lead_section_and_what_is_new() -> None:
    row = dict(zip(STEP_FEATURES, step_features(POINTS[3], POINTS[:3]), strict=True))
    assert row["same_section"] == 0.0 and row["section_share"] == 0.0 and row["new_words"] > 0.5
    assert row["points"] == 3 and row["gap"] == POINTS[0].score - POINTS[3].score
    mate = dict(zip(STEP_FEATURES, step_features(POINTS[4], POINTS[:3]), strict=True))
    assert mate["same_section"] == 1.0 and mate["section_share"] == 1.0
    rule = load_stop_rule()
    assert rule.probability(POINTS[4], POINTS[:3]) > rule.probability(POINTS[3], POINTS[:3])


def test_the_recorder_labels_a_point_by_whether_it_raised_f1_against_the_gold_answer() -> None:
    gold = "Zorvian fever causes a high temperature, aching joints and a red rash on the legs of children."
    rec = Recorder(gold=gold, question=0)
    assert rec.admits(POINTS[1], POINTS[:1]) and rec.admits(POINTS[5], POINTS[:2])
    rash, hospital = rec.steps
    assert rash.after > rash.before  # the rash is in the gold answer
    assert hospital.after < hospital.before  # a sentence from another page only costs
    # replayed with a rule that refuses the other page's sentence: as good as the first two points, shorter
    f1, words = replay(rec.steps, rec.leads, [gold], lambda s: s.text != POINTS[5].text, 1)
    assert f1 == rash.after and words == len(POINTS[0].text.split()) + len(POINTS[1].text.split())


# A narrow question (issue 13, answer precision on the development sets): one that asks for one thing. Its answer is
# one or two sentences, and the points a fixed count of three let through after them were past the answer.
NARROW = [
    POINTS[0],
    _point(1, POINTS[1].text, 0.0, SYMPTOMS),
    _point(5, POINTS[5].text, -0.3, "measles.md#Outlook"),  # another page's, fifth in retrieval
    _point(3, POINTS[2].text, -0.35, SYMPTOMS),
]
NARROW_SOURCES = ["", *["zorvian-fever.md"] * 5, "measles.md"]


def test_a_clinicians_narrow_question_is_put_to_the_rule_from_the_second_point() -> None:
    answerer = ExtractiveAnswerer(FakeEmbedder())
    # the first three points used to be shown whatever the rule said: another page's sentence among them
    assert [c.passage for c in answerer.select(list(NARROW), "clinician", NARROW_SOURCES, [])] == [1, 2, 6, 4]
    chosen = answerer.select(list(NARROW), "clinician", NARROW_SOURCES, [], narrow=True)
    assert [c.passage for c in chosen] == [1, 2, 4]


def test_a_patients_narrow_question_is_put_to_the_rule_above_the_floor_too() -> None:
    answerer = ExtractiveAnswerer(FakeEmbedder())
    assert len(answerer.select(list(POINTS), "patient", SOURCES, [])) == len(POINTS)  # every point within the floor
    chosen = answerer.select(list(POINTS), "patient", SOURCES, [], narrow=True)
    assert [c.text for c in chosen] == [POINTS[i].text for i in (0, 1, 2, 4)]  # not another section's or page's
    # its first three points are still not left to the rule
    refusing = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_Refuses())
    assert len(refusing.select(list(POINTS), "patient", SOURCES, [], narrow=True)) == 3


def test_a_follow_up_led_by_a_reminder_keeps_its_count() -> None:
    # the shown sentence that leads again ("As above: ...") is no new point: the rule learned from answers led by one
    refusing = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_Refuses())
    assert len(refusing.select(list(POINTS), "clinician", SOURCES, [], narrow=True)) == 1
    said = [gist(POINTS[0].text)]
    assert len(refusing.select(list(POINTS), "clinician", SOURCES, said, narrow=True)) == 3


def test_a_narrow_question_is_neither_broad_nor_a_list_question() -> None:
    def asked(**kw: object) -> Analysis:
        fields: dict[str, object] = {
            "entities": frozenset({"zorvian"}),
            "aspects": frozenset({"schedule"}),
            "direction": None,
            "yes_no": False,
            "wants_list": False,
            "definition": False,
            "figures": (),
        }
        return Analysis(**{**fields, **kw})  # type: ignore[arg-type]

    assert is_narrow(asked())  # "How often is Zorvian given?"
    assert not is_narrow(asked(yes_no=True))  # "Is Zorvian safe?": broad, its answer spans aspects
    assert not is_narrow(asked(definition=True))  # "What is Zorvian?"
    assert not is_narrow(asked(wants_list=True))  # "Which side effects ...?": every item of the list
    assert is_narrow(asked(yes_no=True, direction="after"))  # "Can I get a vaccine after my last dose?"
