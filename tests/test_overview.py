"""A clinician's broad yes/no question gets an overview of the aspects its evidence spans (bot/extractive.py).

Documents written for the test about a made-up medicine, Zorvex: one page restates "a patient on Zorvex is
immunocompromised" four ways, a glossary defines the word, and other pages carry the evidence a reference
answer covers: an infection rate with figures, vaccination, immunoglobulin monitoring, late neutropenia.
The fake embedder (hashed bag of words) makes the restatements the units closest to the question, as a real
one does, so an answer ranked on closeness alone spends its points on saying "yes" again.
"""

from __future__ import annotations

import re

from bot.extractive import ExtractiveAnswerer, is_overview
from bot.question import Entities, analyse, aspects_of, question_aspects
from bot.types import Passage
from tests.fakes import FakeEmbedder

QUESTION = "Does Zorvex (zorvimab) make a patient immunocompromised?"
PAGES = [
    (
        "Is a patient on Zorvex immunocompromised?",
        "clinician",
        "Yes: Zorvex (zorvimab) makes a patient immunocompromised through B-cell depletion. "
        "A patient on Zorvex is immunocompromised, so infections are more likely. "
        "Clinicians should manage a patient on Zorvex as immunocompromised. "
        "Zorvex makes a patient immunocompromised for as long as B cells stay low.",
    ),
    (
        "Glossary of Zorvex terms",
        "both",
        "Immunocompromised: Immunocompromised means a patient has a weaker immune system, as on Zorvex.",
    ),
    (
        "Infections in the Zorvex trials",
        "clinician",
        "In the Zorvex trials, infections occurred in 58% of patients compared with 52% on placebo.",
    ),
    (
        "Vaccines and Zorvex",
        "clinician",
        "Live vaccines are not recommended for a patient on Zorvex, who is immunocompromised. "
        "Non-live vaccines should be given at least 2 weeks before starting Zorvex.",
    ),
    (
        "Monitoring on Zorvex",
        "clinician",
        "Quantitative serum immunoglobulins should be monitored during Zorvex treatment.",
    ),
    (
        "Neutropenia with Zorvex",
        "clinician",
        "Late-onset neutropenia can occur with Zorvex, weeks or months after a dose.",
    ),
]
PASSAGES = [
    Passage(f"p{i}", text, f"{title} (Zorvex)", title, f"zorvex-{i}.md", audience=audience, dense_score=0.6, rank=i)
    for i, (title, audience, text) in enumerate(PAGES, start=1)
]


def _answer(question: str = QUESTION, audience: str = "clinician") -> str:
    answerer = ExtractiveAnswerer(FakeEmbedder())
    return "".join(answerer.generate(question, PASSAGES, audience))  # type: ignore[arg-type]


def _cited(answer: str, passage: int) -> int:
    return len(re.findall(rf"\[{passage}\]", answer))


def test_a_clinician_overview_covers_the_evidence_not_restatements_of_yes() -> None:
    answer = _answer()
    assert answer.startswith("**Answer:** Yes: Zorvex")
    assert _cited(answer, 1) <= 2  # the page that restates the answer gives the lead and one more point at most
    assert "58%" in answer  # the figure
    assert "Live vaccines are not recommended" in answer
    assert "immunoglobulins should be monitored" in answer
    assert "neutropenia" in answer
    assert "means a patient has a weaker immune system" not in answer  # the glossary entry defines, it is no evidence


def test_a_narrow_or_patient_question_is_no_overview() -> None:
    entities = Entities.from_passages(PASSAGES)
    assert is_overview(QUESTION, analyse(QUESTION, entities), "clinician")
    assert not is_overview(QUESTION, analyse(QUESTION, entities), "patient")
    tag = "Zorvex makes a patient immunocompromised, correct?"  # a statement put up for checking
    assert not is_overview(tag, analyse(tag, entities), "clinician")
    what = "What is the mechanism of action of Zorvex?"
    assert not is_overview(what, analyse(what, entities), "clinician")


def test_a_sentence_naming_the_immune_system_s_parts_speaks_to_infections_and_the_immune_system() -> None:
    assert "infection" in aspects_of("Late-onset neutropenia can occur with Zorvex.")
    assert "infection" in aspects_of("IgG fell below the lower limit of normal in 7.7% of patients.")
    assert "infection" in aspects_of("Zorvex also removes a small subset of T cells that carry CD20.")
    assert "infection" not in aspects_of("Each later dose is a single 600 mg infusion every 6 months.")
    # a question naming them asks about a count or a level, not about infections
    assert question_aspects("Does Zorvex lower white blood cell count?") == frozenset()
