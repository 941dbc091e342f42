"""The scope check reads a key concept in the forms the documents use (issue 13: abstained on answerable questions).

"Which medicines are flagged with Briumvi, and are steroids an exception?" was declined because the
leaflet says "immunosuppressants (except corticosteroids)": "steroids" inside a compound and "exception"
as "except" were not recognised as the question's key concepts. Documents written for this test.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.extractive import Candidate, ExtractiveAnswerer
from bot.question import Entities
from bot.types import Passage
from ingest.embed import Embedder
from ingest.lexical import LexicalIndex
from tests.fakes import FakeEmbedder, ThesaurusEmbedder

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


def answerer_over(passages: Sequence[Passage], filler: Sequence[str], embedder: Embedder) -> ExtractiveAnswerer:
    """An answerer whose corpus is these passages among filler pages (the filler sets how rare each word is)."""
    texts = [*(p.text for p in passages), *filler]
    lexical = LexicalIndex.build([str(i) for i in range(len(texts))], texts)
    return ExtractiveAnswerer(embedder, lexical, lambda: list(passages))


def _answerer(*passages: Passage) -> ExtractiveAnswerer:
    """LEAFLET and OTHER by default, with the fake embedder."""
    return answerer_over(passages or (LEAFLET, OTHER), FILLER, FakeEmbedder())


def candidate(passage: Passage, dense: float = 0.55) -> Candidate:
    """The passage as the one scored unit the scope check sees."""
    return Candidate(1, passage.text, 0, len(passage.text), 0.5, dense, (1.0,), frozenset())


def test_a_key_concept_counts_in_another_form_of_its_stem_and_inside_a_compound_word() -> None:
    answerer = _answerer()
    passages = [LEAFLET, OTHER]
    entities = Entities.from_passages(passages)
    cands = [candidate(LEAFLET)]
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
    cands = [candidate(leaflet)]
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
    cands = [candidate(VACCINES)]
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
    cands = [candidate(OTHER)]
    query = "And adrenal hormones? proportion slowly"
    assert answerer.in_scope(query, passages, cands, entities, own="And adrenal hormones?")
    # the follow-up's own unknown word still counts
    assert not answerer.in_scope("And adrenal zygomorphs? slowly", passages, cands, entities,
                                 own="And adrenal zygomorphs?")  # fmt: skip


# External3's writer asked "do newborns get any antibodies from their mum ...?" of a page that says "infants" and
# "mother", and "how does hep b get passed ...?" of pages that say "hepatitis B": declined, because the scope check
# read the question's words only as the passages spell them. Documents and a word-level thesaurus written for the
# test: the fake embedder gives a word and its entry the same vector, as the real model puts them close.
IMMUNITY = Passage(
    id="immunity",
    title="Passive immunity — textbook",
    section="Natural passive immunity",
    text="Antibodies cross the placenta from a mother to her infants, and protect the infants for several months.",
    source="immunity.md",
    dense_score=0.6,
)
# the question's rare words occur elsewhere in the corpus, on pages about something else
SCREENING = Passage(id="screening", title="Screening — leaflet", section="Screening", source="screening.md",
                    text="Newborns and toddlers are screened for hearing loss.", dense_score=0.3)  # fmt: skip
COMMON = [f"How long a treatment protects depends on the dose and the condition number {i}." for i in range(30)]
THESAURUS = {"newborns": "infants", "mum": "mother"}


def _thesaurus_answerer(*passages: Passage) -> tuple[ExtractiveAnswerer, ThesaurusEmbedder]:
    embedder = ThesaurusEmbedder(THESAURUS)
    return answerer_over(passages, COMMON, embedder), embedder


def test_a_key_concept_the_passage_says_in_other_words_counts_as_covered() -> None:
    answerer, _ = _thesaurus_answerer(IMMUNITY, SCREENING)
    entities = Entities.from_passages([IMMUNITY])
    cands = [candidate(IMMUNITY)]
    # "newborns" is rare in the corpus (a key concept); the page says "infants"
    assert answerer.in_scope("How long are newborns protected?", [IMMUNITY], cands, entities)
    # "toddlers" is as rare, and nothing on the page means it
    assert not answerer.in_scope("How long are toddlers protected?", [IMMUNITY], cands, entities)


def test_a_word_no_chunk_uses_is_known_when_the_passages_say_it_in_other_words() -> None:
    answerer, _ = _thesaurus_answerer(IMMUNITY, SCREENING)
    entities = Entities.from_passages([IMMUNITY])
    cands = [candidate(IMMUNITY)]
    # "mum" is in no chunk, and nothing else anchors the question; the page says "mother"
    assert answerer.in_scope("Do antibodies from a mum cross the placenta?", [IMMUNITY], cands, entities)
    # an unknown word with nothing to anchor the question: its rare words are not said together by one passage
    # ("toddlers" is the screening page's; "... a zorg cross the placenta?" is anchored by the three the page says)
    assert not answerer.in_scope("Do antibodies from a zorg reach toddlers?", [IMMUNITY], cands, entities)


def test_a_clipped_word_the_passages_spell_out_is_known() -> None:
    page = Passage(id="hbv", title="Liver infections — leaflet", section="How it spreads", source="liver.md",
                   text="Hepatitis B spreads through contact with infected blood.", dense_score=0.6)  # fmt: skip
    answerer, _ = _thesaurus_answerer(page, SCREENING)
    entities = Entities.from_passages([page])
    cands = [candidate(page)]
    assert answerer.in_scope("How does hep B spread?", [page], cands, entities)
    # a prefix of a passage word followed by another word than the passage's is no clipping
    assert not answerer.in_scope("How does hep C spread?", [page], cands, entities)


def test_each_word_is_embedded_once_across_questions() -> None:
    answerer, embedder = _thesaurus_answerer(IMMUNITY, SCREENING)
    entities = Entities.from_passages([IMMUNITY])
    cands = [candidate(IMMUNITY)]
    answerer.in_scope("How long are newborns protected?", [IMMUNITY], cands, entities)
    before = len(embedder.embedded)
    assert before > 0
    answerer.in_scope("How long are newborns protected?", [IMMUNITY], cands, entities)
    answerer.in_scope("How long are toddlers protected?", [IMMUNITY], cands, entities)
    assert embedder.embedded[before] == "toddlers"  # then the passage's phrases, which the test reads only now
    assert len(set(embedder.embedded)) == len(embedder.embedded)  # nothing twice


# External4's writer followed "What's the contraception rule after stopping Ocrevus?" with "and with briumvi? is it
# the same length", and asked "and the primary progressive kind?": declined, because "length" and "kind" are rare in
# the corpus and were read as key concepts the passages never mention. A word standing in for what was said ("kind",
# "instead") names nothing, and what a follow-up calls the same is what the earlier turn asked about.
RULER = Passage(id="ruler", title="Rulers — leaflet", section="Measuring", source="ruler.md",
                text="A ruler of any kind measures length; a tape can be used instead.", dense_score=0.3)  # fmt: skip


def test_stand_in_words_and_what_a_follow_up_calls_the_same_are_no_key_concepts() -> None:
    answerer = _answerer(OTHER, RULER)
    passages = [OTHER]
    entities = Entities.from_passages(passages)
    cands = [candidate(OTHER)]
    for own in ("And the usual kind?", "And the usual ones instead?", "and is it the same length?"):
        assert answerer.in_scope(f"How do doctors treat the condition? {own}", passages, cands, entities, own=own), own
    # a concept of the follow-up's own that the passage never mentions still leaves it out of scope
    own = "And the usual ruler?"
    assert not answerer.in_scope(f"How do doctors treat the condition? {own}", passages, cands, entities, own=own)


# "Which agents does NINDS mention for MS-related fatigue?": "mention" is rare in the corpus, and was read as a key
# concept; a verb of saying asks what a source says, like "tell", and an asking verb counts in any form ("comes").
NOTICE = Passage(id="notice", title="Notice — leaflet", section="Notice", source="notice.md",
                 text="The notice mentions what comes next and says so.", dense_score=0.3)  # fmt: skip


def test_a_verb_of_saying_and_an_asking_verbs_other_forms_are_no_key_concepts() -> None:
    answerer = _answerer(OTHER, NOTICE)
    passages = [OTHER]
    entities = Entities.from_passages(passages)
    cands = [candidate(OTHER)]
    for question in ("What do doctors mention to treat the condition?", "What comes with the condition's treatment?",
                     "What do doctors say to treat the condition?"):  # fmt: skip
        assert answerer.in_scope(question, passages, cands, entities), question
    assert not answerer.in_scope("What notice do doctors give to treat the condition?", passages, cands, entities)


# External4's and external3's writers asked "Which infections are listed for ublituximab and how frequent are they?",
# "Kesimpta is a twice a year thing ...?", "... infusion durations?" and "how widespread is carriage?": declined,
# because the corpus uses "frequent", "twice", "durations" and "widespread" once, on another page, and they were read
# as key concepts the passages never say. They name only the kind of figure asked or asserted, which the passages give
# in their own words ("1 in 10", "every 6 months", "4 hours"). Documents written for this test.
INFECTIONS = Passage(
    id="infections",
    title=LEAFLET.title,
    section="Possible side effects",
    source="zorvia.md",
    text="Very common (may affect more than 1 in 10 people): colds and flu.",
    dense_score=0.6,
)
SCHEDULE = Passage(
    id="schedule",
    title=LEAFLET.title,
    section="How Zorvia is given",
    source="zorvia.md",
    text="Zorvia is given as a drip every 6 months; each drip takes about 4 hours.",
    dense_score=0.6,
)
# elsewhere in the corpus the measure words occur once, on a page about something else
ALMANAC = Passage(id="almanac", title="Almanac — weather", section="Rain", source="almanac.md",
                  text="Frequent and widespread storms come twice in the year; their durations and minutes vary.",
                  dense_score=0.3)  # fmt: skip


def test_a_word_naming_the_kind_of_figure_asked_is_said_by_a_passage_giving_such_a_figure() -> None:
    answerer = _answerer(INFECTIONS, SCHEDULE, ALMANAC)
    entities = Entities.from_passages([INFECTIONS, SCHEDULE])
    for question, page in (
        ("Which infections are listed for Zorvia and how frequent are they?", INFECTIONS),
        ("How widespread are colds with Zorvia?", INFECTIONS),
        ("Zorvia is a twice a year thing, right?", SCHEDULE),
        ("Zorvia dosing and drip durations?", SCHEDULE),
    ):
        assert answerer.in_scope(question, [page], [candidate(page)], entities), question
    # a passage without a figure of that kind does not speak to it ...
    assert not answerer.in_scope("How frequent is Zorvia?", [SCHEDULE], [candidate(SCHEDULE)], entities)
    # ... and the unit a question counts in must be said: the schedule gives hours, not minutes
    assert not answerer.in_scope("How many minutes for Zorvia?", [SCHEDULE], [candidate(SCHEDULE)], entities)


# External4's writer asked what "the ocrelizumab PIL" tells patients and about "the GHR entry", external3's whether
# "RZV" can still be given: declined as acronyms no document spells out, though the leaflets' titles say "Package
# Leaflet: Information for the user" and "herpes zoster vaccine, recombinant", and the page's "Genetics Home
# Reference". Documents written for this test.
def _titled(title: str, text: str) -> Passage:
    return Passage(id=title, title=title, section="About", source="doc.md", text=text, dense_score=0.6)


def test_an_acronym_is_spelled_out_by_a_title_or_by_its_words_in_another_order() -> None:
    answerer = _answerer(LEAFLET, OTHER)
    entities = Entities.from_passages([LEAFLET])
    cands = [candidate(LEAFLET)]
    spelled = {
        "Does the GHR say Zorvia affects the immune system?": _titled("Zorvia — Genetics Home Reference", LEAFLET.text),
        "Can RZV be given with Zorvia and medicines that affect the immune system?": _titled(
            "Zostavax (herpes zoster vaccine, recombinant)", LEAFLET.text
        ),
        "What does the Zorvia PIL say about medicines that affect the immune system?": _titled(
            "Zorvia — Package Leaflet: Information for the user", LEAFLET.text
        ),
    }
    for question, page in spelled.items():
        assert answerer.in_scope(question, [page], cands, entities), question
    # the words of a run that is itself an abbreviation ("JC"), or of two letters in another order, spell nothing out
    page = _titled("Brain infections — leaflet", "A virus often called JC virus; some users keep watch.")
    assert not answerer.in_scope("Does JCV affect the immune system with Zorvia?", [page], cands, entities)
    assert not answerer.in_scope(
        "Does a KU patient take medicines that affect the immune system with Zorvia?", [page], cands, entities
    )
