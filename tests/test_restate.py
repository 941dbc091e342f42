"""The offline answerer's restatement check: one point never restates another, two figures are two facts."""

from __future__ import annotations

from bot.extractive import _restates, gist


def test_a_shorter_earlier_point_repeated_inside_a_longer_one_is_a_restatement() -> None:
    said = [gist("Multiple sclerosis affects women more than men.")]
    assert _restates(gist("Multiple sclerosis affects women more than men, for unknown reasons, in most forms."), said)
    assert not _restates(gist("No one knows what causes multiple sclerosis."), said)


def test_two_sentences_each_with_its_own_figure_are_two_facts() -> None:
    said = [gist("A live vaccine should be given at least 4 weeks before you start Kesimpta treatment.")]
    assert not _restates(gist("Other vaccines should be given at least 2 weeks before you start Kesimpta treatment."),
                         said)  # fmt: skip
    assert _restates(gist("Vaccines should be given before you start Kesimpta treatment."), said)
