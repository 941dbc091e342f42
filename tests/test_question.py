"""Question analysis: entities as the documents name them, aspects, timing direction, form, figures."""

from __future__ import annotations

import numpy as np
import pytest

from bot.question import (
    Entities,
    analyse,
    direction_of,
    figures_of,
    looks_like_medicine,
    quantity_asked,
    set_aside,
)
from bot.rank import FEATURES, auc, fit, load_ranker
from bot.types import Passage


def passage(title: str, text: str) -> Passage:
    return Passage(id=title, text=text, title=title, section="", source=f"{title}.md")


PASSAGES = [
    passage("Zentrab (zentrabumab) 20 mg solution — Package leaflet", "Zentrab is given every 4 weeks."),
    passage("Vexora (vexoramab) concentrate — Package leaflet", "Vexora is given every 6 months."),
    passage("Breastfeeding and vexoramab (Vexora)", "Vexoramab (Vexora) passes into milk in small amounts."),
    passage("Plivax (herpes zoster vaccine, recombinant) — leaflet", "Plivax is given as two doses."),
    passage("Hepatitis B — health topic summary", "Hepatitis B is a liver infection."),
]


def test_entities_come_from_titles_and_brand_generic_pairs_in_the_documents() -> None:
    entities = Entities.from_passages(PASSAGES)
    assert frozenset({"vexora", "vexoramab"}) in entities.products
    assert frozenset({"zentrab", "zentrabumab"}) in entities.products
    assert frozenset({"plivax", "herpes zoster vaccine"}) in entities.products  # "Plivax (herpes zoster vaccine, ..."
    assert entities.products_in("Is vexoramab safe?") == {frozenset({"vexora", "vexoramab"})}
    assert entities.find("What is hepatitis B?") == {frozenset({"hepatitis b"})}
    # a name in the plural is the same entity: "flu shots" are what the "Flu shot" page is about
    shots = Entities.from_passages([passage("Flu shot — health topic summary", "Get one every year.")])
    assert shots.find("flu shots are only for people over 65 right?") == {frozenset({"flu shot"})}
    assert entities.find("she has had two Zentrabs") == {frozenset({"zentrab", "zentrabumab"})}


def test_analysis_aspect_direction_form_and_figures() -> None:
    entities = Entities.from_passages(PASSAGES)
    a = analyse("How long after the last infusion should I wait before giving a vaccine?", entities)
    assert a.direction == "after" and "vaccination" in a.aspects
    assert direction_of("Vaccines should be given at least 6 weeks before you start treatment.") == "before"
    # the medicine named between "during" and "therapy" (a clinician's wording) is still during treatment
    assert direction_of("Can a patient receive a live vaccine during ublituximab therapy?") == "during"
    assert direction_of("during your Ocrevus treatment") == "during"
    b = analyse("Vexora is given every 3 months, right?", entities)
    assert b.yes_no and b.entities == {"vexora|vexoramab"} and b.figures[0].text == "every 3 months"
    assert analyse("Can Zentrab be stored at room temperature?", entities).aspects == {"storage"}
    assert analyse("Which signs of infection should I report?", entities).wants_list
    # a share of the people asked about is a figure, not a list of them; the people themselves still are a list
    assert not analyse("What percent of MS patients have the relapsing form?", entities).wants_list
    assert not analyse("What proportion of people get a reaction?", entities).wants_list
    assert analyse("Which patients should not be given Zentrab?", entities).wants_list
    assert analyse("What is hepatitis B?", entities).definition
    assert figures_of("six weeks")[0].value == "6"


def test_an_age_the_question_states_about_a_person_is_no_figure_it_asserts() -> None:
    # "my 15-year-old son" once drew "The sources give 18 years, not 15-year": the age is the son's, not the medicine's
    for question in (
        "Can my 15-year-old son with MS get Ocrevus?",
        "I am 40 years old, can I take it?",
        "My daughter, aged 12 years, has MS: can she have it?",
        "Is it safe for 15 year-olds?",
    ):
        assert figures_of(question) == (), question
    assert figures_of("Is it approved for children under 18 years?")[0].text == "18 years"
    assert [f.text for f in figures_of("Is it given every 6 months to 15-year-olds?")] == ["every 6 months"]


def test_an_elliptical_follow_up_inherits_entity_and_aspect() -> None:
    entities = Entities.from_passages(PASSAGES)
    a = analyse("How common is that?", entities, context="What are the side effects of Zentrab?")
    assert a.entities == {"zentrab|zentrabumab"} and {"side_effects", "prevalence"} <= a.aspects
    b = analyse("And for Vexora?", entities, context="What are the side effects of Zentrab?")
    assert b.entities == {"vexora|vexoramab"}  # a newly named medicine replaces the old one


def test_the_ranker_fits_separable_data_and_the_shipped_weights_load() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    ranker = fit(x, y)
    assert auc(ranker.scores(x), y) > 0.95 and ranker.weights[0] > ranker.weights[1] > 0
    shipped = load_ranker()
    assert len(shipped.weights) == len(FEATURES)
    assert shipped.weights[FEATURES.index("dense")] > 0 and shipped.weights[FEATURES.index("aspect")] > 0


CONDITION_PASSAGES = [
    passage(
        "Hepatitis B — health topic summary", "Symptoms usually last several weeks. Hepatitis B is a liver infection."
    ),
    passage("Anaphylaxis — health topic summary", "Anaphylaxis is a severe allergic reaction."),
    passage("Zentrab (zentrabumab) 20 mg solution — Package leaflet", "Make sure you finish the course."),
    passage(
        "Immunodeficiency — textbook",
        "People with common variable immune deficiency (CVID) lack antibodies. Selective IgA deficiency is common. "
        "Doctors use magnetic resonance imaging (MRI) to find lesions.",
    ),
]


def test_conditions_come_from_titles_spelled_out_acronyms_and_named_diseases_not_from_any_acronym() -> None:
    entities = Entities.from_passages(CONDITION_PASSAGES)
    cvid = frozenset({"common variable immune deficiency", "cvid"})
    assert entities.find("Is CVID inherited?") == {cvid} and cvid in entities.subjects
    assert frozenset({"iga deficiency"}) in entities.subjects
    assert frozenset({"magnetic resonance imaging", "mri"}) not in entities.subjects  # a test, not a subject
    assert entities.find("the cvid of it") == set()  # a spelled-out acronym is matched in capitals only


def test_a_sentence_about_another_condition_or_from_its_page_or_a_medicines_leaflet_is_off_topic() -> None:
    entities = Entities.from_passages(CONDITION_PASSAGES)
    asked = entities.find("What usually sets off anaphylaxis?")
    hep_b, leaflet = CONDITION_PASSAGES[0].title, CONDITION_PASSAGES[2].title
    assert entities.off_topic(asked, "Hepatitis B is not usually treated unless it becomes chronic.")
    assert entities.off_topic(asked, "Symptoms usually last several weeks.", hep_b)  # names nothing: its page's
    assert entities.off_topic(asked, "Make sure you finish the course.", leaflet)  # a medicine's leaflet
    assert not entities.off_topic(asked, "Anaphylaxis can follow a bee sting.", hep_b)
    assert not entities.off_topic(asked, "Doctors use MRI to find lesions.")  # names no subject
    assert not entities.off_topic(frozenset(), "Hepatitis B is a liver infection.")
    # a question naming a medicine is about the medicine: a sentence may rightly name a condition
    zentrab = entities.find("Does Zentrab cause hepatitis B?")
    assert not entities.off_topic(zentrab, "Hepatitis B may come back.", hep_b)


def test_a_sentence_naming_another_condition_on_a_page_about_no_medicine_is_off_topic_for_a_medicine_question() -> None:
    """Issue 13: "Which medicines are flagged with Briumvi?" was answered with "... people taking medicines that
    suppress the immune system, such as steroids, are more likely to get hepatitis B" from the hepatitis B page."""
    entities = Entities.from_passages(CONDITION_PASSAGES)
    zentrab = entities.find("Which other medicines should not be taken with Zentrab?")
    hep_b, leaflet, textbook = (CONDITION_PASSAGES[i].title for i in (0, 2, 3))
    sentence = "People taking medicines such as steroids are more likely to get hepatitis B."
    assert entities.off_topic(zentrab, sentence, hep_b)
    assert entities.off_topic(zentrab, "People with CVID take medicines to replace antibodies.", textbook)
    # a sentence naming nothing, on a page whose title names nothing either, says nothing about the medicine
    assert entities.off_topic(zentrab, "Plasma cells live longer after a second exposure.", "OpenStax 18.4 — chapter")
    # the medicine's own leaflet may name a condition; so may any page when the question names that condition
    assert not entities.off_topic(zentrab, "Hepatitis B may come back.", leaflet)
    assert not entities.off_topic(entities.find("Can Zentrab bring back hepatitis B?"), sentence, hep_b)


def test_a_question_asking_for_the_figure_of_a_named_quantity_names_it() -> None:
    assert quantity_asked("At what HBV DNA level should treatment start?") == "HBV DNA"
    assert quantity_asked("What is the seroconversion rate after the vaccine?") == "seroconversion"
    assert quantity_asked("What relapse-rate reduction did the drug show?") == "relapse"
    for question in (
        "What's a reticulocyte count?",  # defines the count
        "What happens to immunoglobulin levels on the drug?",  # asks what they do
        "Which blood counts are checked?",  # asks which, not how much
        "How common is CVID?",
        "What is the rate of infusion reactions?",  # no quantity named before "rate": nothing to require
    ):
        assert quantity_asked(question) == "", question


def test_generic_names_are_recognised_by_their_stems_and_ordinary_words_are_not() -> None:
    for word in ("entecavir", "ocrelizumab", "ibuprofen", "fingolimod", "teriflunomide", "dexamethasone"):
        assert looks_like_medicine(word), word
    for word in ("cholesterol", "concept", "except", "phenotypes", "vaccination", "April"):
        assert not looks_like_medicine(word), word


def test_a_sentence_naming_only_a_medicine_on_another_conditions_page_is_off_topic_for_a_condition_question() -> None:
    """MedQuAD: "What are the treatments for Klumpke paralysis?" was answered with "The FDA has approved the drug
    everolimus (Afinitor) to treat SEGA tumours", a sentence of the tuberous sclerosis page."""
    pages = [
        passage("Tuberous Sclerosis", "The FDA has approved the drug everolimus (Afinitor) to treat brain tumours."),
        passage("Klumpke paralysis", "Klumpke paralysis is a type of brachial palsy in newborns."),
    ]
    entities = Entities.from_passages(pages)
    asked = entities.find("What are the treatments for Klumpke paralysis?")
    drug = "The FDA has approved the drug everolimus (Afinitor) to treat brain tumours."
    assert entities.off_topic(asked, drug, "Tuberous Sclerosis")
    assert not entities.off_topic(asked, drug, "Klumpke paralysis")  # on the asked condition's own page


def test_a_question_naming_only_what_no_page_is_about_filters_no_sentence_as_off_topic() -> None:
    """ "My doctor ordered a CBC: what does it check?" (external3): the complete blood count is spelled out on
    a page about blood count tests, so it names no subject; every sentence of that page, which names its
    subject, had been judged off topic, and only sentences naming nothing from medicines' leaflets were kept."""
    entities = Entities.from_passages(CONDITION_PASSAGES)
    asked = entities.find("What does an MRI show?")
    assert asked and not any(g in entities.subjects for g in asked)
    hep_b, leaflet = CONDITION_PASSAGES[0].title, CONDITION_PASSAGES[2].title
    assert not entities.off_topic(asked, "Hepatitis B is a liver infection.", hep_b)
    assert not entities.off_topic(asked, "Make sure you finish the course.", leaflet)


def test_a_follow_up_moving_from_the_baby_to_the_milk_is_told_apart_and_its_answer_is_not_taken_for_anaphora() -> None:
    # "and if i was on Vexora instead?" after a breastfeeding question once drew the placenta sentences of a
    # "Pregnancy and breast-feeding" section, while "It is not known whether ... breast milk" (no anaphora) was
    # dropped as leaning on a sentence before it
    from bot.question import question_aspects
    from bot.rank import UnitView, features, is_anaphoric

    entities = Entities.from_passages(PASSAGES)
    assert question_aspects("can i breastfeed my baby while on Zentrab?") == {"breastfeeding"}
    assert question_aspects("Can I get pregnant on Zentrab?") == {"pregnancy"}
    a = analyse("and if i was on Vexora instead?", entities, "can i breastfeed my baby while on Zentrab?")
    assert a.aspects == {"breastfeeding"} and a.entities == {"vexora|vexoramab"}
    milk = "It is not known whether Vexora passes into your breast milk."
    placenta = "Your doctor will consider the benefit of you taking Vexora against the risk to your baby."
    assert not is_anaphoric(milk) and not is_anaphoric("It is important to tell your doctor.")
    assert is_anaphoric("It is used to treat MS.") and is_anaphoric("This is because Vexora may cross the placenta.")
    views = [UnitView(t, "Pregnancy and breast-feeding", 3) for t in (milk, placenta)]
    rows = features(views, [0.5, 0.5], {}, a)
    aspect, other, anaphoric = (FEATURES.index(f) for f in ("aspect", "other_aspect", "anaphoric"))
    assert rows[0, aspect] == 1.0 and rows[0, anaphoric] == 0.0
    assert rows[1, aspect] == 0.0 and rows[1, other] == 1.0


def test_a_connective_before_a_clause_with_its_own_subject_is_not_anaphora() -> None:
    # "In addition, vaccines ... do not provide protection for people with CVID ..." answers "will his flu vaccine
    # still protect him?" after "my son has CVID", and was never shown: it was taken to lean on the sentence before
    from bot.rank import UnitView, features, is_anaphoric

    added = "In addition, vaccines such as influenza do not provide protection for people with Zentrab."
    assert not is_anaphoric(added) and not is_anaphoric("However, people over 65 may need a second dose.")
    assert is_anaphoric("However, this is rare.") and is_anaphoric("In addition, it can cause a rash.")
    rows = features([UnitView(added, "", 1)], [0.5], {}, analyse("Does it protect?", Entities.from_passages(PASSAGES)))
    assert rows[0, FEATURES.index("anaphoric")] == 1.0  # the ranker's feature stays the opener it was trained on


def test_what_a_question_sets_aside_is_read_up_to_the_question_word() -> None:
    assert set_aside("any other common side effects besides infections?") == {"infect"}
    assert set_aside("Besides infections and IRRs, which common adverse effects are listed?") == {"infect", "irr"}
    assert set_aside("Apart from genes, what raises the risk of getting MS?") == {"gene"}
    assert set_aside("Are steroids an exception?") == set()  # no phrase setting anything aside


def test_a_sentence_naming_nothing_on_a_page_naming_nothing_is_unanchored_for_a_condition_question() -> None:
    pages = [
        *CONDITION_PASSAGES,
        passage("OpenStax Microbiology — 19.2 Autoimmune Disorders", "It is usually diagnosed in youth."),
    ]
    entities = Entities.from_passages(pages)
    hep_b = entities.find("How is hepatitis B diagnosed?")
    chapter, hep_b_page = pages[-1].title, CONDITION_PASSAGES[0].title
    assert entities.unanchored(hep_b, "It is usually diagnosed in youth.", chapter)
    assert not entities.unanchored(hep_b, "Hepatitis B is diagnosed by a blood test.", chapter)  # it names it
    assert not entities.unanchored(hep_b, "A blood test finds it.", hep_b_page)  # its page names it
    assert not entities.unanchored(entities.find("Is Zentrab given monthly?"), "It is given monthly.", chapter)


def test_a_leaflet_sentence_naming_only_its_medicine_is_off_topic_for_a_condition_question() -> None:
    """ "How often does someone with CVID need immunoglobulin infusions?" was answered with "You will be given
    600 mg of Zentrab every 6 months": a medicine's sentence, on a page about no condition."""
    entities = Entities.from_passages(CONDITION_PASSAGES)
    cvid = entities.find("How often does someone with CVID need infusions?")
    leaflet = CONDITION_PASSAGES[2].title
    assert entities.off_topic(cvid, "You will be given 600 mg of Zentrab every 6 months.", leaflet)
    assert not entities.off_topic(cvid, "Zentrab is not used in people with CVID.", leaflet)  # it names the condition


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("Can I nurse while on Zentrab?", {"breastfeeding"}),
        ("is it safe to nurse my baby on zentrab?", {"breastfeeding"}),
        ("Can a nurse give Zentrab at home?", set()),
        ("Will the nurse check my blood pressure?", set()),
        ("I need to talk to nurse about it", set()),
    ],
)
def test_nurse_as_what_a_mother_does_asks_about_breastfeeding_not_the_one_who_gives_the_drip(
    question: str, aspects: set[str]
) -> None:
    """ "Can I nurse while on Briumvi?" was answered with "Briumvi will be given to you by a doctor or nurse"."""
    from bot.question import question_aspects

    assert question_aspects(question) == aspects


def test_an_ordinal_in_digits_is_its_word() -> None:
    """ "what if I can't get back for the 2nd one exactly on time?" read "2nd" as a word "nd", so the sentence on
    "the second dose" shared nothing with it and a sentence on being vaccinated "at the same time" led the answer."""
    from bot.text import content_words

    assert content_words("the 2nd one exactly on time")[0] == content_words("the second dose")[0] == "second"
    assert content_words("a 3rd dose on the 21st") == content_words("a third dose on the")  # a figure is no word
    from bot.followup import topic_terms

    assert "second" in topic_terms("what if i can't get back for the 2nd one exactly on time?")
