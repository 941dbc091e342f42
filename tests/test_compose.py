"""Composition of a clinician answer: headed sections by aspect, an overview under none of them."""

from __future__ import annotations

from bot.extractive import Candidate, ExtractiveAnswerer, named_otherwise
from bot.question import Analysis


def _point(text: str, *aspects: str) -> Candidate:
    return Candidate(1, text, 0, len(text), 0.5, 0.5, (1.0,), frozenset(aspects))


def test_a_unit_speaking_to_many_aspects_is_an_overview_not_filed_under_the_first_of_them() -> None:
    rest = [
        _point("Zorvia removes B cells.", "mechanism"),
        _point("Zorvia binds CD20.", "mechanism"),
        _point("Give vaccines before starting Zorvia.", "vaccination"),
        _point("Live vaccines are not given on Zorvia.", "vaccination"),
        _point("Serious infections occur on Zorvia.", "infection"),
        _point("Infections are more frequent on Zorvia.", "infection"),
        _point(
            "The main safety topics are infections, vaccines, pregnancy and tests.",
            "infection",
            "vaccination",
            "pregnancy",
            "monitoring",
        ),
    ]
    analysis = Analysis(frozenset({"zorvia"}), frozenset(), None, True, False, False, ())
    sections = dict(ExtractiveAnswerer._sections(rest, analysis))
    assert list(sections) == ["How it works", "Vaccination", "Infections and the immune system", "Other points"]
    assert [c.text for c in sections["Other points"]] == [rest[-1].text]


def test_a_question_is_also_read_under_the_other_names_of_what_it_asks_about() -> None:
    groups = [frozenset({"kesimpta", "ofatumumab"}), frozenset({"pml", "progressive multifocal leukoencephalopathy"})]
    assert named_otherwise("Does Kesimpta cause PML?", groups) == [
        "Does ofatumumab cause PML?",
        "Does Kesimpta cause progressive multifocal leukoencephalopathy?",
    ]
    assert named_otherwise("What is the dose?", groups) == []
