"""The offline answerer on documents nobody here wrote (../shared/corpus-external), as a new user tries it.

Each test is one failure of the first answerer listed in issue 13: headings and list lead-ins quoted
as claims, another drug's sentences, the answering sentence missed, out-of-scope questions answered
and answerable ones declined, a false premise not corrected, follow-ups that lose the topic or
repeat the previous answer. Real model, real Chroma.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answer import Bot
from bot.types import Answer
from ingest.embed import make_embedder
from ingest.pipeline import ingest
from ingest.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.shared]
OTHER_DRUGS = {
    "ocrevus": re.compile(r"kesimpta|ofatumumab|briumvi|ublituximab", re.I),
    "kesimpta": re.compile(r"ocrevus|ocrelizumab|briumvi|ublituximab", re.I),
    "briumvi": re.compile(r"ocrevus|ocrelizumab|kesimpta|ofatumumab", re.I),
}


@pytest.fixture(scope="module")
def bot(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Bot:
    settings = Settings(index=tmp_path_factory.mktemp("external") / "index", chroma_url=None)
    ingest([shared / "corpus-external"], settings, make_embedder(), progress=False)
    return Bot.from_settings(settings)


def ask(bot: Bot, question: str, audience: str = "clinician", history: list[dict[str, str]] | None = None) -> Answer:
    return bot.ask(question, audience, history or [])  # type: ignore[arg-type]


def test_a_list_question_gets_the_list_not_its_lead_in_or_a_heading(bot: Bot) -> None:
    answer = ask(bot, "What signs of infection should I report while on Briumvi?")
    text = answer.text.lower()
    assert all(sign in text for sign in ("fever", "chills", "cough")), answer.text
    assert not any(s.text.rstrip().endswith(":") for s in answer.sentences if s.factual), answer.text
    assert "what you need to know before" not in text


@pytest.mark.parametrize(
    ("drug", "question"),
    [
        ("ocrevus", "How is Ocrevus given and how often?"),
        ("kesimpta", "What is the dosing schedule for Kesimpta?"),
        ("briumvi", "What are the side effects of Briumvi?"),
        ("ocrevus", "What should I know about vaccines before starting Ocrevus?"),
    ],
)
def test_a_one_drug_question_quotes_only_that_drug(bot: Bot, drug: str, question: str) -> None:
    answer = ask(bot, question)
    assert answer.status in ("answered", "partial"), answer.text
    assert not OTHER_DRUGS[drug].search(answer.text), answer.text
    assert not any(OTHER_DRUGS[drug].search(c.title) for c in answer.citations), [c.title for c in answer.citations]


def test_a_drug_asked_by_its_brand_finds_the_sentence_naming_its_inn(bot: Bot) -> None:
    """The embedding model does not know that Kesimpta is ofatumumab: the leaflet's "Ofatumumab belongs to a group of
    medicines called monoclonal antibodies" scored 0.26 against the question and was not shown."""
    answer = ask(bot, "What kind of medicine is Kesimpta and who is it for?", "patient")
    assert "monoclonal antibodies" in answer.text, answer.text


def test_the_sentence_that_answers_is_found(bot: Bot) -> None:
    answer = ask(bot, "What medicines are given before each Ocrevus infusion?")
    assert "corticosteroid and an anti-histamine" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "audience", "expected"),
    [
        ("How long after an Ocrevus infusion can a reaction still happen?", "patient", r"up to 24 hours"),
        ("How often is Briumvi given?", "clinician", r"every 24 weeks"),
        ("How often is Ocrevus given after the first dose?", "clinician", r"every 6 months"),
    ],
)
def test_a_how_long_or_how_often_question_opens_with_the_sentence_giving_that_figure(
    bot: Bot, question: str, audience: str, expected: str
) -> None:
    """The first ranker opened these with a neighbour on the same topic ("The first dose of Briumvi will be
    150 mg."); the learned ``measure`` feature puts the sentence stating the asked kind of figure first."""
    answer = ask(bot, question, audience)
    lead = next(s for s in answer.sentences if s.factual)
    assert re.search(expected, lead.text) and lead.citations, answer.text


@pytest.mark.parametrize("question", ["Does Ocrevus turn hair purple?"])
def test_questions_the_documents_do_not_answer_are_declined_saying_what_they_cover(bot: Bot, question: str) -> None:
    answer = ask(bot, question)
    assert answer.status == "abstained", answer.text
    assert "sources cover:" in answer.text


def test_a_question_naming_a_thing_no_document_mentions_is_declined(bot: Bot) -> None:
    answer = ask(bot, "At what JCV antibody index should natalizumab be stopped?")
    assert answer.status == "abstained", answer.text


def test_a_condition_question_quotes_no_other_conditions_page(bot: Bot) -> None:
    answer = ask(bot, "What can bring on anaphylaxis?", "patient")
    assert answer.status in ("answered", "partial"), answer.text
    assert not re.search(r"hepatitis|liver", answer.text, re.I), answer.text
    others = re.compile(r"hepatitis|shingles|multiple sclerosis|flu shot|leukoencephalopathy|immune deficiency", re.I)
    assert not any(others.search(c.title) for c in answer.citations), [c.title for c in answer.citations]


def test_a_clinician_is_told_a_leaflets_advice_about_the_patient_not_addressed_as_you(bot: Bot) -> None:
    answer = ask(bot, "How many weeks before the first Kesimpta dose does a live vaccine have to be given?")
    assert re.search(r"at least 4 weeks before the patient starts Kesimpta", answer.text), answer.text
    assert not re.search(r"\byou(?:r)?\b", answer.text, re.I), answer.text
    assert all(s.supported for s in answer.sentences if s.factual), answer.text


def test_a_question_near_the_documents_but_not_answered_by_them_gets_no_answer(bot: Bot) -> None:
    """The answerer itself declines (asked directly: the safety screen may intercept this question first)."""
    question = "What is the best diet to cure my diabetes?"
    passages = bot.retriever.search(question, k=24)
    assert "".join(bot.offline.generate(question, passages, "clinician")) == ""


@pytest.mark.parametrize(
    "question",
    [
        "At what liver enzyme level should treatment for chronic hepatitis B begin?",
        "What is the response rate to the hepatitis B vaccine in adults over 40?",
        "What is the HBV DNA cut-off for treating chronic hepatitis B?",
    ],
)
def test_a_figure_the_documents_never_give_is_not_answered_with_a_neighbouring_sentence(
    bot: Bot, question: str
) -> None:
    """The hepatitis B pages speak of treatment, vaccines and tests, but give no such figure: answering with
    "Chronic hepatitis B is treated with medicines ..." reads as an answer and is none."""
    assert ask(bot, question).status == "abstained"


def test_a_figure_the_documents_give_is_answered(bot: Bot) -> None:
    answer = ask(bot, "What is the rate of infusion-related reactions with Briumvi?")
    assert answer.status in ("answered", "partial"), answer.text
    assert any(re.search(r"1 in 10", s.text) and s.citations for s in answer.sentences), answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can I breastfeed while using Kesimpta?", r"breast milk"),
        ("Can Kesimpta be stored at room temperature?", r"room temperature"),
        ("Can Shingrix cause Guillain-Barré syndrome?", r"Guillain"),
    ],
)
def test_questions_the_leaflets_answer_are_answered(bot: Bot, question: str, expected: str) -> None:
    answer = ask(bot, question)
    assert answer.status in ("answered", "partial"), answer.text
    assert any(re.search(expected, s.text) and s.citations for s in answer.sentences), answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # an acronym no passage writes, spelled out by a title in another order ("zoster vaccine, recombinant")
        ("Is RZV an option for a patient who already had the live zoster vaccine?", r"live attenuated herpes zoster"),
        # ... and by a page's title ("Genetics Home Reference")
        ("What does the GHR entry say about genetic risk for multiple sclerosis?", r"HLA-DRB1"),
        # "widespread" names the rate asked for, which the PML page gives in its own words ("a majority of people")
        ("How widespread is the virus that causes PML?", r"majority of people"),
    ],
)
def test_an_acronym_a_title_spells_out_and_a_word_naming_the_figure_asked_do_not_decline(
    bot: Bot, question: str, expected: str
) -> None:
    answer = ask(bot, question, "patient")
    assert answer.status in ("answered", "partial"), answer.text
    first = next(s for s in answer.sentences if s.factual)
    assert re.search(expected, first.text) and first.citations, answer.text


def test_a_false_premise_is_corrected_first_with_a_citation(bot: Bot) -> None:
    answer = ask(bot, "Ocrevus is given every 3 months, right?")
    first = answer.text.splitlines()[0]
    assert first.startswith("The sources give every 6 months, not every 3 months ["), answer.text
    assert answer.sentences[0].citations and answer.sentences[0].supported


def test_a_persons_age_in_the_question_is_not_corrected_as_a_premise(bot: Bot) -> None:
    answer = ask(bot, "Can my 15-year-old son with MS get Ocrevus?", "patient")
    assert "not 15" not in answer.text and not answer.text.startswith("The sources give"), answer.text


def test_follow_ups_keep_the_topic_and_show_only_what_is_new(bot: Bot) -> None:
    first = ask(bot, "What are the side effects of Kesimpta?")
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    second = ask(bot, "How common is that?", history=history)
    assert second.status in ("answered", "partial"), second.text
    assert re.search(r"1 in 10|1 in 100|common", second.text, re.I), second.text
    assert not OTHER_DRUGS["kesimpta"].search(second.text), second.text
    shown = {s.text for s in first.sentences if s.factual}
    assert not shown & {s.text for s in second.sentences if s.factual}, second.text


def test_a_follow_up_is_not_declined_for_words_it_carries_from_the_earlier_turn(bot: Bot) -> None:
    first = ask(bot, "I'm on Kesimpta. What should I do if I miss a dose?", "patient")
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    second = ask(bot, "And how do I work out when the next one is due?", "patient", history)
    assert second.status in ("answered", "partial"), second.text
    assert not OTHER_DRUGS["kesimpta"].search(second.text), second.text


def test_suggested_follow_ups_come_from_the_documents_topics(bot: Bot) -> None:
    answer = ask(bot, "How is Kesimpta injected?")
    assert 1 <= len(answer.followups) <= 3, answer.followups
    assert not any(re.search(r"ocrevus|briumvi", f, re.I) for f in answer.followups), answer.followups
