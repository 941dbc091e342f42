"""A patient answer comes from the one section that answers, when the document's sections answer one question each.

Issue 13: on NIH question-answer pages the answerer mixed in sentences from other pages and from the
wrong section of the right page. Confining every answer to one section fixed that but cut the
external set's fact recall, because a leaflet section ("What you need to know before you use X")
runs through many sub-topics under run-in headings. So a section answers whole only when its own
structure says it speaks to one topic. Documents written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answer import Bot
from bot.extractive import Candidate, ExtractiveAnswerer
from bot.types import Passage
from evals.medquad_answers import shown_text
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder

LEAFLET_SECTION = """Infections
Tell your doctor before you use Zentavir if you have an infection. Your doctor may wait until it has gone.

Pregnancy
Do not use Zentavir if you are pregnant unless your doctor advises it.

Breast-feeding
Zentavir can pass into breast milk. Ask your doctor before breast-feeding."""

PAGES = {
    "gout.md": """# Gout

## Information

Gout is a form of arthritis caused by crystals of uric acid that build up in a joint.
It most often starts in the big toe.
Attacks come on quickly, often at night, and the joint becomes hot, red and swollen.

## Treatment

Gout attacks are treated with anti-inflammatory medicines such as naproxen or with colchicine.
Corticosteroids can be injected into the joint when other medicines cannot be used.
Allopurinol lowers the level of uric acid in the blood over the long term.
Drinking plenty of water and limiting alcohol help prevent further attacks.

## Outlook

With treatment, most people with gout can prevent further attacks and joint damage.
""",
    "pseudogout.md": """# Pseudogout

## Information

Pseudogout is a form of arthritis caused by calcium pyrophosphate crystals in a joint.
It most often affects the knee.

## Treatment

Pseudogout attacks are treated with anti-inflammatory medicines, colchicine or corticosteroid injections.
Fluid may be drained from the joint to relieve pressure.
There is no medicine that removes the crystals from the joint.
""",
    "bursitis.md": """# Bursitis

## Treatment

Bursitis is treated with rest, ice and anti-inflammatory medicines.
A corticosteroid injection can help when the pain does not settle.
""",
}


def _passage(source: str, section: str, text: str, start: int = 0) -> Passage:
    return Passage(f"{source}#{start}", text, source.removesuffix(".md"), section, source, start=start)


def test_a_section_with_several_run_in_headings_does_not_answer_whole_one_with_none_does() -> None:
    corpus = [
        _passage("zentavir.md", "2. What you need to know before you use Zentavir", LEAFLET_SECTION),
        _passage("gout.md", "Treatment", "Gout attacks are treated with colchicine. Allopurinol lowers uric acid."),
    ]
    answerer = ExtractiveAnswerer(FakeEmbedder(), corpus=lambda: corpus)
    # only the leaflet's "Pregnancy" sub-topic was retrieved: the whole section in the corpus still has three
    retrieved = [
        _passage("zentavir.md", "2. What you need to know before you use Zentavir", LEAFLET_SECTION[130:], 130),
        corpus[1],
    ]
    assert answerer.single_topic_sections(retrieved) == {("gout.md", "Treatment")}
    # without a corpus the retrieved passages are all it can read
    alone = ExtractiveAnswerer(FakeEmbedder())
    assert alone.single_topic_sections(corpus) == {("gout.md", "Treatment")}


def _candidate(passage: int, start: int, score: float, text: str) -> Candidate:
    vector = tuple(1.0 if i == passage * 4 + start // 20 else 0.0 for i in range(20))  # unrelated units, orthogonal
    return Candidate(passage, text, start, start + len(text), score, 0.5, vector, frozenset())


def test_a_patient_lead_in_a_one_topic_section_of_the_top_document_is_answered_from_that_section_in_its_order() -> None:
    places = [
        ("", "", 0),
        ("gout.md", "Treatment", 100),
        ("pseudogout.md", "Treatment", 0),
        ("gout.md", "Outlook", 400),
    ]
    sources = [p[0] for p in places]
    pool = [
        _candidate(1, 60, 0.9, "Allopurinol lowers the level of uric acid in the blood over the long term."),
        _candidate(1, 0, 0.7, "Gout attacks are treated with anti-inflammatory medicines or with colchicine."),
        _candidate(2, 0, 0.85, "Pseudogout attacks are treated with anti-inflammatory medicines or injections."),
        _candidate(3, 0, 0.6, "With treatment, most people with gout can prevent further attacks."),
    ]
    answerer = ExtractiveAnswerer(FakeEmbedder())
    on_subject = [False, True, False, True]
    chosen = answerer.select(pool, "patient", sources, [], places=places, on_subject=on_subject,
                             answering={("gout.md", "Treatment")})  # fmt: skip
    assert [c.text[:12] for c in chosen] == ["Allopurinol ", "Gout attacks"]  # lead, then the section in order
    # a section with sub-topics (not in ``answering``) keeps the usual reading: other sections may add points,
    # but a page about something else does not, since the lead's page is about what was asked
    chosen = answerer.select(pool, "patient", sources, [], places=places, on_subject=on_subject, answering=set())
    assert {c.text[:12] for c in chosen} == {"Allopurinol ", "Gout attacks", "With treatme"}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bot, Path]:
    from ingest.embed import make_embedder

    root = tmp_path_factory.mktemp("sections")
    docs = root / "pages"
    docs.mkdir()
    for name, text in PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = Settings(index=root / "index", chroma_url=None)
    ingest([docs], settings, make_embedder(), progress=False)
    return Bot.from_settings(settings), docs


@pytest.mark.integration
def test_a_patient_answer_quotes_the_page_that_answers_and_no_other_page(pages: tuple[Bot, Path]) -> None:
    bot, docs = pages
    answer = bot.ask("What are the treatments for gout?", "patient", [])
    said = shown_text(answer.text)
    # the gout page only: pseudogout's and bursitis' treatments are close in meaning but about something else
    assert answer.status == "answered" and {c.source for c in answer.citations} == {str(docs / "gout.md")}
    assert "Allopurinol" in said and "colchicine" in said
    assert not re.search(r"pseudogout|bursitis|big toe|calcium|drained|rest, ice", said, re.I), said


@pytest.mark.integration
def test_a_definition_is_the_pages_information_section_in_its_order_not_its_treatment_or_outlook(
    pages: tuple[Bot, Path],
) -> None:
    said = shown_text(pages[0].ask("What is gout?", "patient", []).text)
    # the first answerer added "With treatment, most people ..." (Outlook) and "Allopurinol ..." (Treatment)
    assert not re.search(r"treatment|allopurinol|pseudogout", said, re.I), said
    order = [said.find(s) for s in ("Gout is a form of arthritis", "It most often starts", "Attacks come on quickly")]
    assert all(i >= 0 for i in order) and order == sorted(order), said
