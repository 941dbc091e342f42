"""The scope check reads a concept said in a phrase, a strong verb's participle as no concept, and rare words said
together as an anchor (issue 13, point 6: answerable development questions abstained on).

External3 and external4 asked "which common adverse effects are listed for ublituximab?" of a leaflet that says
"side effects", "how long ... do I have to stay on birth control?" of one that says "contraception", "how far ahead of
the first drip do they have to be done?" ("done" read as a key concept the passages never say), and "Primary humoral
response kinetics: lag phase, IgM peak, IgG peak?" ("kinetics", in no chunk, with nothing to anchor the question): all
declined. Documents and a thesaurus written for these tests; the fake embedder gives a word and its thesaurus entry
the same vector, as the real model puts a word near the phrase that means it.
"""

from __future__ import annotations

from bot.extractive import ExtractiveAnswerer
from bot.near import NearWords, own_words, phrases_of, phrases_with
from bot.question import Entities
from bot.types import Passage
from tests.fakes import ThesaurusEmbedder
from tests.test_scope import answerer_over, candidate

PREGNANCY = Passage(
    id="pregnancy",
    title="Zorvia (zorvimab) — Package leaflet",
    section="Pregnancy",
    source="zorvia.md",
    text="If you could become pregnant, use an effective birth control method during treatment with Zorvia and for "
    "6 months after the last dose.",
    dense_score=0.6,
)
VACCINATION = Passage(
    id="vaccination",
    title="Zorvia (zorvimab) — Package leaflet",
    section="Vaccinations",
    source="zorvia.md",
    text="Vaccinations should be given at least 6 weeks before the first Zorvia infusion.",
    dense_score=0.6,
)
HUMORAL = Passage(
    id="humoral",
    title="Antibody responses — textbook",
    section="The primary response",
    source="antibodies.md",
    text="After a lag phase of several days, antibody levels rise to a peak about two weeks into the response.",
    dense_score=0.6,
)
# Elsewhere in the corpus, once each, on a page about something else: rare words (key concepts), not unknown ones.
ELSEWHERE = Passage(
    id="kitchen",
    title="Kitchen safety — leaflet",
    section="Cooking",
    source="kitchen.md",
    text="The contraception leaflet was done; a control panel and a passport sit by the oven.",
    dense_score=0.2,
)
FILLER = [f"Zorvia vaccinations and medicines are explained in leaflet number {i}." for i in range(30)]
THESAURUS = {"contraception": "birth control"}


def _embedder(thesaurus: dict[str, str]) -> ThesaurusEmbedder:
    """Wide hashed vectors: in the default 64 dimensions two words of a phrase often share a word's slot, and a
    phrase then comes as close to an unrelated word as the bar for phrases lets through."""
    embedder = ThesaurusEmbedder(thesaurus)
    embedder.dim = 4096
    return embedder


def _answerer(*passages: Passage) -> ExtractiveAnswerer:
    return answerer_over(passages, FILLER, _embedder(THESAURUS))


def test_a_key_concept_said_by_a_two_word_phrase_of_the_passage_counts_as_covered() -> None:
    answerer = _answerer(PREGNANCY, ELSEWHERE)
    entities = Entities.from_passages([PREGNANCY])
    cands = [candidate(PREGNANCY)]
    # "contraception" is rare in the corpus and the leaflet never spells it; it says "birth control", a phrase
    # neither of whose words alone is close enough to the concept
    near = NearWords(_embedder(THESAURUS))
    assert not near.said("contraception", {"birth", "control", "method"})
    assert answerer.in_scope("How long after Zorvia must contraception go on?", [PREGNANCY], cands, entities)
    # a rare word the leaflet says in no words at all still leaves the question out of scope
    assert not answerer.in_scope("Do I need a passport for Zorvia?", [PREGNANCY], cands, entities)


def test_a_question_phrase_is_said_by_a_passage_phrase_but_not_by_its_own_words_or_the_entitys_name() -> None:
    near = NearWords(_embedder({"adverse": "side effects"}))
    # "adverse effects" where the leaflet says "side effects"
    assert phrases_with("adverse", "Which common adverse effects are listed?") == {"common adverse", "adverse effects"}
    close = near.phrase_close("adverse", "Which adverse effects?", {"side", "effects"}, phrases_of("Side effects."))
    assert close == {"side effects"}
    # the phrase's own word alone says nothing about the concept it adds
    assert own_words("adverse effects", "effects") and not own_words("adverse effects", "side effects")
    # a phrase holding the entity's name comes close by the name, not by the concept ("kesimpta cost")
    zorvia = NearWords(_embedder({"zorvia": "zorvia zorvia zorvia"}))  # the name weighs most in its phrases
    words, spans = {"zorvia", "contains"}, phrases_of("Zorvia contains.")
    assert zorvia.phrase_close("cost", "Zorvia cost?", words, spans) == {"zorvia contains"}
    assert zorvia.phrase_close("cost", "Zorvia cost?", words, spans, ignore={"zorvia"}) == set()
    assert phrases_of("Glass of wine, Shingrix's efficacy.") == {"shingrix efficacy"}  # a stopword ends a phrase


def test_a_strong_verbs_participle_is_no_key_concept() -> None:
    answerer = _answerer(VACCINATION, ELSEWHERE)
    entities = Entities.from_passages([VACCINATION])
    cands = [candidate(VACCINATION)]
    # "done" is rare in the corpus (the kitchen page) and the vaccination passage never says it: it names no concept
    assert answerer.in_scope("How far ahead of Zorvia do vaccinations have to be done?", [VACCINATION], cands, entities)
    assert not answerer.in_scope("Do Zorvia vaccinations need a passport?", [VACCINATION], cands, entities)


def test_rare_words_one_passage_says_together_anchor_a_question_with_an_unknown_word() -> None:
    answerer = _answerer(HUMORAL, ELSEWHERE)
    entities = Entities.from_passages([HUMORAL])
    cands = [candidate(HUMORAL)]
    # "kinetics" is in no chunk and no entity is named; "lag", "phase" and "peak" are said together by the passage
    assert answerer.in_scope("Primary kinetics: lag phase and peak?", [HUMORAL], cands, entities)
    # one rare word said is no anchor, and an unknown word with nothing to anchor it still leaves the question out
    assert not answerer.in_scope("Primary kinetics: the peak?", [HUMORAL], cands, entities)
