"""The scope check reads a key concept in the forms the documents use (issue 13: abstained on answerable questions).

"Which medicines are flagged with Briumvi, and are steroids an exception?" was declined because the
leaflet says "immunosuppressants (except corticosteroids)": "steroids" inside a compound and "exception"
as "except" were not recognised as the question's key concepts. Documents written for this test.
"""

from __future__ import annotations

from bot.extractive import Candidate, ExtractiveAnswerer
from bot.question import Entities
from bot.types import Passage
from ingest.lexical import LexicalIndex
from tests.fakes import FakeEmbedder

LEAFLET = Passage(
    id="leaflet",
    title="Zorvia (zorvimab) 150 mg concentrate — Package leaflet",
    section="Other medicines and Zorvia",
    source="zorvia.md",
    text="Tell your doctor if you take medicines that affect the immune system, such as chemotherapy or "
    "immunosuppressants (except corticosteroids).",
    dense_score=0.6,
)
# Elsewhere in the corpus the question's rare words occur once, on a page about something else.
OTHER = Passage(
    id="textbook",
    title="Adrenal glands — textbook",
    section="Hormones",
    source="adrenal.md",
    text="The adrenal glands make steroids; with one exception, these hormones act slowly.",
    dense_score=0.4,
)
FILLER = [f"Medicines are used to treat condition number {i}, and a doctor explains the treatment." for i in range(30)]


def _answerer(*passages: Passage) -> ExtractiveAnswerer:
    """An answerer whose corpus is these passages (LEAFLET and OTHER by default) among filler pages."""
    passages = passages or (LEAFLET, OTHER)
    texts = [*(p.text for p in passages), *FILLER]
    lexical = LexicalIndex.build([str(i) for i in range(len(texts))], texts)
    return ExtractiveAnswerer(FakeEmbedder(), lexical, lambda: list(passages))


def _candidate(passage: Passage) -> Candidate:
    return Candidate(1, passage.text, 0, len(passage.text), 0.5, 0.55, (1.0,), frozenset())


def test_a_key_concept_counts_in_another_form_of_its_stem_and_inside_a_compound_word() -> None:
    answerer = _answerer()
    passages = [LEAFLET, OTHER]
    entities = Entities.from_passages(passages)
    cands = [_candidate(LEAFLET)]
    # "steroids" is said by the leaflet inside "corticosteroids", "exception" as "except"
    for question in (
        "Which medicines are flagged with Zorvia, and are steroids an exception?",
        "Can Zorvia be used alongside steroids?",
        "Is there an exception for Zorvia and other medicines?",
    ):
        assert answerer.in_scope(question, passages, cands, entities), question
    # a rare word the leaflet does not use in any form still leaves the question out of scope
    assert not answerer.in_scope("Does Zorvia make hormones act slowly?", passages, cands, entities)


def test_a_medicine_no_document_names_leaves_the_question_out_of_scope_but_a_misspelt_known_one_does_not() -> None:
    leaflet = Passage(id="l2", title=LEAFLET.title, section="Other medicines and Zorvia", source="zorvia.md",
                      text="Zorvia can be used with most other medicines, but tell your doctor about medicines "
                      "that affect the immune system.", dense_score=0.6)  # fmt: skip
    answerer = _answerer(leaflet)
    entities = Entities.from_passages([leaflet])
    cands = [_candidate(leaflet)]
    # the leaflet's own words would otherwise answer it: "can be used with most other medicines"
    assert not answerer.in_scope("Can Zorvia be used with tenofovir?", [leaflet], cands, entities)
    assert answerer.in_scope("Can Zorvia be used with other medicines?", [leaflet], cands, entities)
    assert answerer.in_scope("Can zorivmab be used with other medicines?", [leaflet], cands, entities)  # misspelt


# External3 (a writer who never saw the answerer) asked "Pre-X vaccination window: how far ahead ...?" and
# "... for non-live vaccines?": a prefix split off at a hyphen and "how far" were read as key concepts, because
# some other page of the corpus happens to use them once. Documents written for this test.
AFFIXES = Passage(
    id="nursery",
    title="Children's clinic — leaflet",
    section="Visits",
    source="clinic.md",
    text="Pre-school and non-school children live far from the clinic; you can book the visit yourself.",
    dense_score=0.3,
)
VACCINES = Passage(
    id="vaccines",
    title=LEAFLET.title,
    section="Vaccinations",
    source="zorvia.md",
    text="Live vaccines must be given at least 4 weeks, and other vaccines at least 2 weeks, before you start Zorvia.",
    dense_score=0.6,
)


def test_a_bound_prefix_how_far_and_a_reflexive_pronoun_are_no_key_concepts() -> None:
    answerer = _answerer(VACCINES, AFFIXES)
    passages = [VACCINES, AFFIXES]
    entities = Entities.from_passages(passages)
    cands = [_candidate(VACCINES)]
    for question in (
        "Pre-Zorvia vaccination: how many weeks for live vaccines?",
        "How far ahead of starting Zorvia must vaccines be given, and for non-live ones?",
        "How long before starting Zorvia should I have vaccines myself, or book them yourself?",
    ):
        assert answerer.in_scope(question, passages, cands, entities), question
    # a real concept the vaccination passage never mentions, only the clinic page, still leaves it out of scope
    assert not answerer.in_scope("Can children at school have Zorvia vaccines?", passages, cands, entities)


def test_a_follow_ups_carried_words_unknown_to_the_corpus_do_not_leave_it_out_of_scope() -> None:
    """'And primary progressive?' after 'What proportion of MS is relapsing-remitting?' where no document says
    'proportion': the earlier turn was in scope, and the follow-up's own words are known."""
    answerer = _answerer()
    passages = [LEAFLET, OTHER]
    entities = Entities.from_passages(passages)
    cands = [_candidate(OTHER)]
    query = "And adrenal hormones? proportion slowly"
    assert answerer.in_scope(query, passages, cands, entities, own="And adrenal hormones?")
    # the follow-up's own unknown word still counts
    assert not answerer.in_scope("And adrenal zygomorphs? slowly", passages, cands, entities,
                                 own="And adrenal zygomorphs?")  # fmt: skip
