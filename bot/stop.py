"""When one more point is worth showing: a stopping rule learned from public data, not a fixed count.

A patient answer takes points down to a fixed relevance floor (the lead's score minus a span), at least
three and at most six; the floor also cut points that the answer needed. This rule asks, for a further
point below the floor, whether adding it is more likely than not to raise the answer's content-word F1
against a reference answer: a logistic regression over the point's context in the answer so far. (Asked
of every point, it also dropped points above the floor from other pages that leaflet answers need: the
one-section prior it learns from MedQuAD holds for NIH question pages, not for leaflets.)

A clinician answer went on to the floor, up to 14 points, past the sentences that answer: on documents nobody
here wrote, 7 of its shown sentences in 10 were off the question's point. So the same rule is asked of a
clinician's every point past the third, and heeded above the floor too (a clinician's answer still stops at the
floor). The label it learns, whether a point raises content-word F1 against a reference answer, does not depend
on whom the answer addresses; a rule fitted the same way on the same pages asked as a clinician (tried, not
shipped: held-out AUC 0.838) was no better on the external gold set's dev split (answer precision 0.342 for both,
fact recall 0.818 against 0.827), so one rule serves both. A clinician's overview of a broad question
(``bot.extractive.is_overview``) is not put to it: it spans aspects by design.

Features (``STEP_FEATURES``):

* ``score``: the point's ranker score (cosine units, ``bot.rank.Ranker.similarity_units``);
* ``gap``: the lead's score minus the point's;
* ``points``: points already chosen;
* ``words``: words already shown, / 100;
* ``same_section``: the point sits in the lead's section of the lead's document (a reference answer is
  usually one section of one page, and the lead most often lies in it);
* ``section_share``: the share of the chosen points from the point's own section;
* ``new_words``: the share of its content words not yet said;
* ``retrieval_rank``: 1 / the retrieval rank of its passage (a sentence of the best-matching passage is
  worth keeping even when the lead came from elsewhere).

Weights come from ``citebot eval train-stop`` on MedQuAD pages of the ranker's training fold (the answers'
own trajectories labelled by whether each added point raised F1 against the gold answer), never from an
eval set; ``bot/stop.json`` records the data and the held-out AUC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.rank import Ranker, read_model
from bot.text import content_words

STEP_FEATURES = ("score", "gap", "points", "words", "same_section", "section_share", "new_words", "retrieval_rank")
STOP_PATH = Path(__file__).with_name("stop.json")
ADMIT = 0.5  # more likely than not to raise the answer's F1


class Point(Protocol):
    """What the rule looks at in a candidate point (``bot.extractive.Candidate``)."""

    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def section(self) -> str: ...
    @property
    def passage(self) -> int: ...


def step_features(pick: Point, chosen: Sequence[Point]) -> list[float]:
    """One row of ``STEP_FEATURES`` for adding ``pick`` to ``chosen`` (whose first point is the lead)."""
    lead = chosen[0]
    said = {w for c in chosen for w in content_words(c.text)}
    own = set(content_words(pick.text))
    return [
        pick.score,
        lead.score - pick.score,
        float(len(chosen)),
        sum(len(c.text.split()) for c in chosen) / 100,
        1.0 if pick.section == lead.section else 0.0,
        sum(1 for c in chosen if c.section == pick.section) / len(chosen),
        len(own - said) / len(own) if own else 0.0,
        1.0 / max(pick.passage, 1),
    ]


class Admits(Protocol):
    def admits(self, pick: Point, chosen: Sequence[Point]) -> bool: ...


@dataclass(frozen=True)
class StopRule:
    """Admit a further point when P(it raises F1) >= ``ADMIT``."""

    model: Ranker

    def probability(self, pick: Point, chosen: Sequence[Point]) -> float:
        return float(self.model.scores(np.asarray([step_features(pick, chosen)]))[0])

    def admits(self, pick: Point, chosen: Sequence[Point]) -> bool:
        return self.probability(pick, chosen) >= ADMIT

    def to_json(self, **meta: object) -> str:
        return self.model.to_json(STEP_FEATURES, admit=ADMIT, **meta)


@cache
def load_stop_rule(path: Path = STOP_PATH) -> StopRule:
    return StopRule(read_model(path, STEP_FEATURES))
