"""The offline answerer's restatement check: one point never restates another, two figures are two facts."""

from __future__ import annotations

from bot.extractive import Candidate, ExtractiveAnswerer, _restates, gist
from tests.fakes import FakeEmbedder


def test_a_shorter_earlier_point_repeated_inside_a_longer_one_is_a_restatement() -> None:
    said = [gist("Multiple sclerosis affects women more than men.")]
    assert _restates(gist("Multiple sclerosis affects women more than men, for unknown reasons, in most forms."), said)
    assert not _restates(gist("No one knows what causes multiple sclerosis."), said)


def test_two_sentences_each_with_its_own_figure_are_two_facts() -> None:
    said = [gist("A live vaccine should be given at least 4 weeks before you start Kesimpta treatment.")]
    assert not _restates(gist("Other vaccines should be given at least 2 weeks before you start Kesimpta treatment."),
                         said)  # fmt: skip
    assert _restates(gist("Vaccines should be given before you start Kesimpta treatment."), said)


def test_a_sentence_close_in_meaning_that_adds_a_figure_of_its_own_is_a_fact_not_yet_said() -> None:
    """ "can be left out of the refrigerator for up to 7 days (not above 30 C)" beside "can be returned to the
    refrigerator for a maximum of 7 days": close in meaning (an embedder puts them above ``SAME_MEANING``), but the
    temperature is said only by the second; without a figure of its own it is still a restatement."""
    said = [gist("If not used, Zentrab can then be returned to the refrigerator for a maximum of 7 days.")]
    warm = gist("If necessary, Zentrab can be left out of the refrigerator for up to 7 days (not above 30 C).")
    assert not _restates(warm, said, [0.9])
    assert _restates(gist("If necessary, Zentrab can be left out of the refrigerator for up to 7 days."), said, [0.9])


def test_the_items_of_one_list_read_with_its_lead_in_are_not_restatements_of_each_other() -> None:
    """Long list items become units of their own, each read with the lead-in (``bot.units``); the shared lead-in
    made every item after the first look like a restatement of it (external3: 'Causes of secondary
    immunodeficiency?' showed one cause). An item that repeats another after the lead-in still is one."""
    lead = "Those more likely to get the infection are people who: "
    items = ["were born to a mother with the infection.", "are on kidney dialysis for kidney failure.",
             "have injected illegal drugs with shared needles.", "work or live in a prison."]  # fmt: skip
    pool = [Candidate(1, lead + item, 0, 10, 1.0 - i / 10, 0.6, (1.0, 0.01 * i), frozenset({"cause"}), i)
            for i, item in enumerate(items)]  # fmt: skip
    again = Candidate(1, lead + "were born to a mother who had the infection.", 0, 10, 0.95, 0.6, (1.0, 0.0),
                      frozenset({"cause"}), 9)  # fmt: skip
    answerer = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll())
    chosen = answerer.select([*pool, again], "clinician", ["", "a"], [])
    assert [c.text for c in chosen] == [c.text for c in pool]


class _AdmitAll:
    def admits(self, pick: Candidate, chosen: list[Candidate]) -> bool:
        return True
