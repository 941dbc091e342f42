"""What kind of figure a question asks for and whether a unit states it (``bot.measures``), and the ranker
feature built on it (``bot.rank``)."""

from __future__ import annotations

import pytest

from bot.measures import measure_asked, states_measure
from bot.question import Analysis
from bot.rank import FEATURES, UnitView, features, load_ranker


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How long do patients stay for observation after the infusion?", "duration"),
        ("What's the minimum interval between the vaccine and the first dose?", "duration"),
        ("How often is it given?", "frequency"),
        ("What's the loading schedule?", "frequency"),
        ("How many people are affected by Treacher Collins syndrome ?", "rate"),
        ("How common is cognitive impairment in MS?", "rate"),
        ("How much is injected?", "amount"),
        ("What are the symptoms of celiac disease?", ""),
        ("Can I breastfeed while on it?", ""),
    ],
)
def test_the_kind_of_figure_a_question_asks_for(question: str, kind: str) -> None:
    assert measure_asked(question) == kind


@pytest.mark.parametrize(
    ("kind", "text", "states"),
    [
        ("duration", "Reactions can happen during the infusion or up to 24 hours after it.", True),
        ("duration", "B cells return to normal in six months to two and a half years.", True),
        ("duration", "The next 600 mg doses are given as a single infusion.", False),
        ("frequency", "It is given every 6 months.", True),
        ("frequency", "It is given up to 24 hours after the infusion.", False),
        ("frequency", "Itching may occur with up to 1 in 10 doses of the vaccine.", False),
        ("rate", "The condition affects about 1 in 10,000 newborns.", True),
        ("rate", "Approximately half of all people with MS have cognitive problems.", True),
        ("rate", "The condition is caused by mutations in the TCOF1 gene.", False),
        ("amount", "The recommended dose is 20 mg.", True),
        ("amount", "It is given every month.", False),
        ("", "It is given every 6 months.", False),
    ],
)
def test_whether_a_unit_states_a_figure_of_that_kind(kind: str, text: str, states: bool) -> None:
    assert states_measure(kind, text) is states


def _analysis(measure: str) -> Analysis:
    return Analysis(frozenset(), frozenset(), None, False, False, False, (), measure=measure)


def test_the_shipped_ranker_puts_the_unit_giving_the_asked_figure_above_its_equally_similar_neighbour() -> None:
    units = [
        UnitView("Infusion reactions are common after the infusion.", "", 0),
        UnitView("Infusion reactions can happen up to 24 hours after the infusion.", "", 1),
    ]
    weights = {"reaction": 2.0, "infus": 1.0}
    rows = features(units, [0.6, 0.6], weights, _analysis("duration"))
    column = rows[:, FEATURES.index("measure")]
    assert column[0] == 0.0 and column[1] > 0.0  # the share of topic words, only where the figure is stated
    scores = load_ranker().scores(rows)
    assert scores[1] > scores[0]
    # a question that asks for no figure does not prefer the figure
    plain = features(units, [0.6, 0.6], weights, _analysis(""))
    assert not plain[:, FEATURES.index("measure")].any()


def test_a_figure_off_the_questions_topic_earns_nothing() -> None:
    units = [UnitView("Stop blood pressure medicines 12 hours before each infusion.", "", 0)]
    rows = features(units, [0.5], {"replet": 3.0, "cell": 2.0}, _analysis("duration"))
    assert rows[0, FEATURES.index("measure")] == 0.0
