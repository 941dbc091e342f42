"""The sentence ranker: a logistic regression over a few features, with weights learned from public data.

Features (all in 0..1 or small ranges, standardised with the training means and deviations):

* ``dense``: cosine between the query and the unit (all-MiniLM-L6-v2);
* ``lexical``: share of the question's topic words (IDF-weighted) found in the unit or the heading it
  sits under;
* ``aspect``: the unit (or its heading) speaks of an aspect the question asks about;
* ``other_aspect``: it speaks only of aspects the question does not ask about;
* ``position``: 1 / (1 + the unit's position in its section): sources put the key statement first;
* ``definition``: a "what is" question and a unit that defines ("X is a ...");
* ``length``: words / 40, capped at 1;
* ``anaphoric``: the unit opens with "This", "It", "However", leaning on a sentence the reader will not see;
* ``measure``: the question asks for a kind of figure (a duration for "how long", a frequency for "how
  often", a rate for "how many people/how common", an amount for "how much") and the unit states one of
  that kind (``bot.measures``): its ``lexical`` share then, else 0, so that a figure counts only in a
  sentence on the question's topic ("12 hours before each infusion" does not answer "how long does B-cell
  repletion take?"). MedQuAD teaches it through "How many people are affected by X?"; the other kinds
  share its weight.

Weights come from ``citebot eval train-ranker`` on the MedQuAD sample (the gold answer's units of a
question against the units of the same document's other answers), never from the eval sets;
``bot/ranker.json`` records the data, split and held-out AUC. Rules that the training data cannot
teach (another medicine's sentence, the wrong timing direction) are filters in the answerer, not weights.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.measures import states_measure
from bot.question import Analysis, aspects_of
from bot.text import content_words

FEATURES = ("dense", "lexical", "aspect", "other_aspect", "position", "definition", "length", "anaphoric", "measure")
WEIGHTS_PATH = Path(__file__).with_name("ranker.json")
# "It is not known whether ...", "It is important to ...": an "it" that stands for the clause after it, not for
# something said before
_DUMMY_IT = (r"(?:is|was|may be|can be)(?: not)? (?:yet )?(?:known|unknown|clear|unclear|important|essential|necessary"
             r"|recommended|advisable|possible|impossible)\b")  # fmt: skip
_ANAPHORIC = re.compile(
    rf"^(?:this|that|these|those(?! who| with)|it(?! {_DUMMY_IT})|its|they|such|here|because of (?:this|that)"
    r"|as a result|so|therefore|however|but|and|also|in addition|other)\b",
    re.IGNORECASE,
)
_DEFINES = re.compile(r"^[^,.;:]{2,80}?\b(?:is|are|was)\s+(?:a|an|the|one|any|called|defined|characterized)\b", re.I)


# "In addition, vaccines for diseases such as measles ... do not protect people with CVID": a connective, then a
# clause that names its own subject; it adds to the sentence before but does not need it to be understood
_CONNECTIVE = re.compile(r"^(?:in addition|however|also|therefore|as a result|moreover|furthermore),\s+", re.IGNORECASE)


def is_anaphoric(text: str) -> bool:
    """It cannot be shown without the sentence before it (the ranker's ``anaphoric`` feature is the plain opener)."""
    m = _CONNECTIVE.match(text)
    return bool(_ANAPHORIC.match(text[m.end() :] if m else text))


@dataclass(frozen=True)
class UnitView:
    """What the features look at for one unit."""

    text: str
    heading: str  # the unit's heading plus its passage's section
    position: int


def share(weights: dict[str, float], words: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in words) / total if total else 0.0


def unit_aspects_of(unit: UnitView) -> frozenset[str]:
    """The aspects a unit speaks to, its heading's included. Under a heading that names several ("Pregnancy and
    breast-feeding"), a text naming some of them speaks to those alone: the placenta sentence is not about milk."""
    own, head = aspects_of(unit.text), aspects_of(unit.heading)
    return own if len(head) > 1 and own and own < head else own | head


def features(
    units: Sequence[UnitView], dense: Sequence[float], weights: dict[str, float], analysis: Analysis
) -> np.ndarray:
    """One row of FEATURES per unit; ``weights`` are the question's topic stems with their IDF."""
    rows = []
    for unit, sim in zip(units, dense, strict=True):
        unit_aspects = unit_aspects_of(unit)
        asked = analysis.aspects
        lexical = share(weights, set(content_words(f"{unit.heading} {unit.text}")))
        rows.append(
            [
                float(sim),
                lexical,
                1.0 if asked & unit_aspects else 0.0,
                1.0 if asked and unit_aspects and not asked & unit_aspects else 0.0,
                1.0 / (1 + unit.position),
                1.0 if analysis.definition and _DEFINES.match(unit.text) else 0.0,
                min(len(unit.text.split()) / 40, 1.0),
                1.0 if _ANAPHORIC.match(unit.text) else 0.0,  # as the weights were learned: any leaning opener
                lexical if states_measure(analysis.measure, unit.text) else 0.0,
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class Ranker:
    """Logistic regression: P(unit answers the question) = sigmoid(w · (x - mean) / std + b)."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def logits(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        z = (x - np.asarray(self.mean)) / np.asarray(self.std)
        return np.asarray(z @ np.asarray(self.weights) + self.bias)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(x))))

    def similarity_units(self, x: np.ndarray) -> np.ndarray:
        """Logits divided by the weight of one unit of cosine similarity: scores on the scale of a cosine,
        so that the answerer's small preferences (audience, voice) are stated in the same unit."""
        i = FEATURES.index("dense")
        return self.logits(x) / (self.weights[i] / self.std[i])

    def to_json(self, features: Sequence[str] = FEATURES, /, **meta: object) -> str:
        body = {"features": list(features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "std": list(self.std), **meta}  # fmt: skip
        return json.dumps(body, indent=1)


def read_model(path: Path, features: Sequence[str]) -> Ranker:
    """A logistic regression saved by ``Ranker.to_json``, refused when it was trained on other features."""
    data = json.loads(path.read_text())
    if tuple(data["features"]) != tuple(features):
        raise ValueError(f"{path} was trained on features {data['features']}, not {list(features)}: retrain it")
    return Ranker(tuple(data["weights"]), float(data["bias"]), tuple(data["mean"]), tuple(data["std"]))


@cache
def load_ranker(path: Path = WEIGHTS_PATH) -> Ranker:
    return read_model(path, FEATURES)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 500) -> Ranker:
    """L2-regularised logistic regression by Newton's method (a few features, so exact and deterministic)."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    reg = np.eye(z.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + reg @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Ranker(tuple(float(v) for v in w[:-1]), float(w[-1]), tuple(float(v) for v in mean),
                  tuple(float(v) for v in std))  # fmt: skip


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic; ties count half)."""
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    if not len(pos) or not len(neg):
        return math.nan
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    allv = np.concatenate([pos, neg])
    for v in np.unique(allv):  # average ranks over ties
        idx = allv == v
        ranks[idx] = ranks[idx].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def training_fold(doc_id: str) -> bool:
    """Whether a MedQuAD document may be used to train the ranker: a fixed half by content hash.

    The other half is the ranker's held-out set, and the only part an answer benchmark on MedQuAD
    may score, so no benchmark question's document was seen in training.
    """
    return int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 2 == 0
