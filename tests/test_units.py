"""Answerable units on text written like real leaflets: headings, run-in headings, lists, tables."""

from __future__ import annotations

import pytest

from bot.units import is_claim, split_run_in, units

LEAFLET = """Tell your doctor or nurse straight away if you have an infection or any of the following signs of \
infection during or after Zentrab treatment:

fever or chills

cough that does not go away

herpes (such as cold sore, shingles or genital sores)

What you need to know before you are given Zentrab

Breast-feeding Zentrab can pass into breast milk. Zentrab is given by a nurse.

If you forget to use Zentrab To get the full benefit of Zentrab, it is important that you have every injection on time.

| Dose | Week |
|:-:|:-:|
| 20 mg | Week 0 |

Very common (may affect more than 1 in 10 people)

- upper respiratory tract infections
- urinary tract infections
"""


def texts() -> list[str]:
    return [u.text for u in units(LEAFLET)]


def test_a_list_lead_in_is_read_with_its_items_and_its_span_covers_them() -> None:
    lead = next(u for u in units(LEAFLET) if u.text.startswith("Tell your doctor"))
    assert lead.text.endswith("fever or chills; cough that does not go away; herpes (such as cold sore, shingles or "
                              "genital sores).")  # fmt: skip
    span = LEAFLET[lead.start : lead.end]
    assert span.startswith("Tell your doctor") and span.endswith("genital sores)")


def test_headings_are_context_never_claims() -> None:
    assert not any(t.startswith("What you need to know") for t in texts())
    after = next(u for u in units(LEAFLET) if u.text.startswith("Zentrab is given"))
    assert after.heading == "Breast-feeding"


def test_run_in_headings_are_split_from_their_text_with_exact_spans() -> None:
    milk = next(u for u in units(LEAFLET) if "breast milk" in u.text)
    assert milk.text == "Zentrab can pass into breast milk." and milk.heading == "Breast-feeding"
    assert LEAFLET[milk.start : milk.end] == milk.text
    forget = next(u for u in units(LEAFLET) if "full benefit" in u.text)
    assert forget.text.startswith("To get the full benefit") and forget.heading == "If you forget to use Zentrab"
    assert LEAFLET[forget.start : forget.end] == forget.text


def test_table_rows_are_left_out_and_a_verbless_label_leads_its_list() -> None:
    assert not any("|" in t or t.startswith("20 mg") for t in texts())
    assert "Very common (may affect more than 1 in 10 people): upper respiratory tract infections; urinary tract " \
           "infections." in texts()  # fmt: skip


def test_names_are_not_mistaken_for_run_in_headings() -> None:
    text = "Multiple Sclerosis (MS) affects the central nervous system. Multiple Sclerosis is common."
    assert split_run_in("Multiple Sclerosis (MS) affects the central nervous system.", text) == ("", 0)
    assert split_run_in("In primary progressive MS, the symptoms worsen from the start.") == ("", 0)


def test_an_acronym_mid_sentence_is_not_taken_for_the_end_of_a_run_in_heading() -> None:
    text = "The first reported PML case in a person on Zorvia had taken another medicine before. PML is rare."
    assert split_run_in(text) == ("", 0)
    assert units(text)[0].text.startswith("The first reported PML case")


@pytest.mark.parametrize(
    "sentence",
    [
        "Low IgG on Zentrab is the immunoglobulin finding most linked to serious infection.",
        "Across all Zentrab trial exposure of up to 7 years, serious infections occurred at 2.01 per 100 years.",
        "Premedication before every Zentrab infusion lowers the rate and severity of infusion reactions.",
        "Because Zentrab is given every 6 months, B cells stay low between doses.",
        "Combining Zentrab with other immunosuppressants raises the risk of infection.",
        "The EU leaflet says Zentrab must not be given to people with an active infection.",
        # opening words of several that lead into the name after them (a longer label is split: the test below)
        "Medicines like Zentrab can make a dormant infection active again.",
        "B-cell recovery after Zentrab is measured with CD19+ counts.",
        "One reason many Americans are not active enough is time spent in front of screens.",
        "Rh immune globulin contains Rh antibodies that attach to the blood cells.",
        "However, once you have formed Rh antibodies, they remain in your body.",
        "Normally, the body produces IgE antibodies in response to parasitic worms.",
    ],
)
def test_a_sentence_that_opens_before_a_name_keeps_its_opening_words(sentence: str) -> None:
    # Cutting "Low" or "Across all" off as a run-in heading changed what the claim says ("IgG on Zentrab is ...").
    # Every name recurs in the context, as a product's name recurs in its leaflet.
    context = f"{sentence} Zentrab is a medicine. Americans walk. Rh antibodies attach. IgE antibodies bind."
    assert split_run_in(sentence, context) == ("", 0)
    assert units(context)[0].text == sentence


def test_a_leaflet_title_before_the_sentence_that_names_the_product_again_is_its_heading() -> None:
    text = "What Zentrab is used for Zentrab is used to treat adults with relapsing MS."
    assert split_run_in(text) == ("What Zentrab is used for", len("What Zentrab is used for "))
    assert split_run_in("How Zentrab works Zentrab reminds your body about the virus.")[0] == "How Zentrab works"
    # a verb in the head: the name is the sentence's own object, not a heading's
    same = "Zentrab Depot carries the same warnings as IV Zentrab for infections and hepatitis B."
    assert split_run_in(same) == ("", 0)


def test_fragments_and_link_lists_are_not_claims() -> None:
    assert not is_claim("Genetic Testing Registry: Common variable immune deficiency")
    assert not is_claim("How much and how often you will be given Zentrab")
    assert is_claim("You will be given a total dose of 600 mg every 6 months.")
    links = "These resources address the management:\n\n- Genetic Testing Registry: CVID\n- MedlinePlus: CVID\n"
    assert units(links) == ()
    inline = "These resources address the management of X: - Genetic Testing Registry: X - MedlinePlus Encyclopedia: Y."
    assert units(inline) == ()


def test_a_frequency_class_glued_to_an_item_leads_the_items_after_it_not_the_one_before() -> None:
    """A converted leaflet glues "Common (...)" to the end of the last "Very common" item: read as it was, a
    common side effect would be shown as very common."""
    text = (
        "Very common (may affect more than 1 in 10 people)\n\n"
        "- headache Common (may affect up to 1 in 10 people)\n"
        "- cough\n"
        "- low levels of a type of white blood cell (neutropenia) Not known (frequency cannot be estimated)\n"
        "- a rash which can be delayed\n"
    )
    texts = [u.text for u in units(text)]
    assert texts == [
        "Very common (may affect more than 1 in 10 people): headache.",
        "Common (may affect up to 1 in 10 people): cough; low levels of a type of white blood cell (neutropenia).",
        "Not known (frequency cannot be estimated): a rash which can be delayed.",
    ]
    common = units(text)[1]
    assert text[common.start : common.end].startswith("Common (may affect up to 1 in 10 people)")


def test_a_passage_that_opens_inside_a_list_reads_its_items_under_its_section() -> None:
    """The chunk began after the list's lead-in; its items must not be dropped as lower-case fragments, nor the
    first item taken for their lead-in."""
    text = "- discharge from the eye (conjunctivitis)\n- cough\n- low levels of white blood cells (neutropenia)\n"
    assert [u.text for u in units(text, "4. Possible side effects")] == [
        "Possible side effects: discharge from the eye (conjunctivitis); cough; low levels of white blood cells "
        "(neutropenia)."
    ]
    assert not any(u.text.startswith("discharge") for u in units(text))


def test_a_blank_line_after_a_tight_list_ends_it() -> None:
    """A converted leaflet writes the next paragraph as a bullet like the items; the blank line says it is not one
    ("... signs of infection: ...; tell your doctor ... if you think your MS is getting worse" read as an item)."""
    text = (
        "- Tell your nurse straight away if you have any of these signs of infection during Zentrab treatment:\n\n"
        "- fever or chills\n- cough that does not go away\n- cold sores\n\n"
        "- Tell your nurse straight away if you think your MS is getting worse. This may be a rare brain infection.\n"
    )
    got = [u.text for u in units(text)]
    assert got[0].endswith("treatment: fever or chills; cough that does not go away; cold sores.")
    assert "Tell your nurse straight away if you think your MS is getting worse." in got
    assert not any("treatment: tell your nurse" in t.lower() for t in got)
    # a loose list (a blank line between every item) is still one list
    loose = "Signs of infection include:\n\n- fever\n\n- chills\n\n- cough\n"
    assert [u.text for u in units(loose)] == ["Signs of infection include: fever; chills; cough."]


def test_an_item_keeps_none_of_the_punctuation_and_conjunction_that_ran_the_list_on() -> None:
    text = (
        "You must not be given Zentrab:\n\n"
        "- if you are allergic to zentrabumab or any of the other ingredients of this medicine (listed in section 6),\n"
        "- if you are suffering from a severe infection,\n"
        "- if you have been told that you have severe problems with your immune system, or\n"
        "- if you have cancer.\n"
    )
    got = [u.text for u in units(text)]
    assert "You must not be given Zentrab: if you are suffering from a severe infection." in got
    immune = "You must not be given Zentrab: if you have been told that you have severe problems with your immune"
    assert f"{immune} system." in got
    assert not any(t.endswith((",.", "or.", ", or")) for t in got), got


def test_a_long_item_read_with_its_lead_in_keeps_an_acronym_s_capitals() -> None:
    """A long item is shown as "lead-in: item", its first letter lowered to read on; an acronym or initialism opening
    the item must keep its capitals ("cT scan", "rBC count" are no words)."""
    text = (
        "Tests your doctor may order include:\n\n"
        "- CT scan of the chest and abdomen, which takes detailed pictures from many angles to look for enlarged "
        "lymph nodes.\n"
        "- Blood tests that measure how well the liver and kidneys are working before the treatment is started.\n"
    )
    got = [u.text for u in units(text)]
    assert any(": CT scan of the chest" in t for t in got), got
    assert any(": blood tests that measure" in t for t in got), got


def test_a_lead_in_followed_by_one_line_of_items_run_together_is_read_with_them() -> None:
    """A leaflet converted from PDF loses its bullets: "Zentrab is given to:" then one lower-case line holding the
    items joined by semicolons. The lead-in alone says nothing and the line alone is a list item torn from it (the
    answerer drops both), so "who is Zentrab for?" could not be answered from the one sentence that says it."""
    text = (
        "Zentrab is given to:\n\n"
        "adults 50 years and above; adults 18 years and above who are at increased risk of shingles.\n\n"
        "Zentrab cannot be used to prevent chickenpox.\n"
    )
    got = units(text)
    assert [u.text for u in got] == [
        "Zentrab is given to: adults 50 years and above; adults 18 years and above who are at increased risk of "
        "shingles.",
        "Zentrab cannot be used to prevent chickenpox.",
    ]
    assert text[got[0].start : got[0].end].startswith("Zentrab is given to:")
    # a lead-in whose next line opens a sentence of its own is no lead-in of that sentence
    assert units("Before you are given Zentrab:\n\nTell your doctor if you have an infection.\n")[-1].text == (
        "Tell your doctor if you have an infection."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "See Section 2 Zentrab contains sodium and potassium .",
        "See section 4 for the full list.",
        "Refer to section 6 for what Zentrab contains.",
    ],
)
def test_a_sentence_that_sends_the_reader_elsewhere_is_no_claim(sentence: str) -> None:
    assert not is_claim(sentence)
    assert is_claim("Zentrab contains sodium (see section 2) and potassium.")


@pytest.mark.parametrize(
    ("sentence", "heading", "claim"),
    [
        ("Driving and using machines Zentrab is unlikely to affect you.", "Driving and using machines",
         "Zentrab is unlikely to affect you."),
        ("Complications related to shingles Shingles may lead to complications.", "Complications related to shingles",
         "Shingles may lead to complications."),
        ("Secondhand smoke Being exposed to secondhand smoke is a risk factor.", "Secondhand smoke",
         "Being exposed to secondhand smoke is a risk factor."),
    ],
)  # fmt: skip
def test_a_leaflet_label_of_several_words_is_split_from_the_sentence_it_runs_into(
    sentence: str, heading: str, claim: str
) -> None:
    context = f"{sentence} Zentrab is given monthly. Shingles is a rash. Being active helps."
    head, cut = split_run_in(sentence, context)
    assert (head, sentence[cut:]) == (heading, claim)


def test_a_sentence_whose_table_reference_was_lost_in_conversion_is_left_out() -> None:
    """A textbook page converted without its tables reads "Table 18.5 lists examples ..." as "... virulence. lists
    examples live attenuated vaccines.": the splitter keeps the lower-case remnant in the sentence before, and it
    was shown as part of that claim."""
    text = (
        "There is also a risk of the attenuated pathogen reverting back to full virulence. lists examples live "
        "attenuated vaccines.\n\nInactivated vaccines are safer. Table 2 shows the doses.\n"
    )
    got = units(text)
    assert [u.text for u in got] == [
        "There is also a risk of the attenuated pathogen reverting back to full virulence.",
        "Inactivated vaccines are safer.",
        "Table 2 shows the doses.",
    ]
    assert text[got[0].start : got[0].end] == got[0].text


def test_a_sentence_that_only_says_where_the_document_tells_something_is_no_claim() -> None:
    # "The side effects of Kesimpta are listed below." led "What side effects do people commonly get?" above the
    # list it points to
    for pointer in ("The side effects of Zentrab are listed below.", "Its storage is described in section 5.",
                    "The possible risks are explained in this leaflet."):  # fmt: skip
        assert not is_claim(pointer), pointer
    for claim in ("The side effects listed below are usually mild.",
                  "These are the most common side effects of Zentrab and are described in section 4.",
                  "The doses are given below the skin of the belly."):  # fmt: skip
        assert is_claim(claim), claim
    assert [u.text for u in units("The side effects of Zentrab are listed below. Headache is very common.")] == [
        "Headache is very common."
    ]
