"""``citebot eval train-stop PATH``: relearn the patient answer's stopping rule (bot/stop.json) from MedQuAD.

Only pages of the ranker's training fold (``bot.rank.training_fold``) are used, so the answer benchmark
(``evals.medquad_answers``, the other fold) never scores a page this rule was fitted on. A seeded sample
of their questions is asked through the same ``Bot`` the UI uses, as a patient, over Markdown pages
written as the benchmark writes them; the answerer's stopping rule is replaced by a recorder that admits
every point (up to ``MAX_POINTS``) and notes, for each point it would add, the step features
(``bot.stop.step_features``) and whether adding it raised the answer's content-word F1 against the gold
answer. The sample's documents are halved (seeded): the rule is fitted on one half and its AUC, and the
F1 and words of the answers it would have given, are measured on the other. Deterministic.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.rank import auc, fit
from bot.stop import ADMIT, STEP_FEATURES, Point, StopRule, step_features
from evals.medquad_answers import overlap, write_pages
from evals.public import load_medquad, medquad_sample
from evals.ranker import document_of, in_training_fold
from ingest.embed import Embedder
from ingest.settings import Settings

QUESTIONS = 600
SEED = 0


@dataclass(frozen=True)
class Step:
    """One point the answerer would add: its features, and the answer's F1 before and after adding it."""

    question: int
    features: tuple[float, ...]
    before: float
    after: float
    text: str


@dataclass
class Recorder:
    """A stopping rule that admits every point and records each step against the current gold answer."""

    gold: str = ""
    question: int = -1
    steps: list[Step] = field(default_factory=list)
    leads: dict[int, str] = field(default_factory=dict)  # question: the lead point's text

    def admits(self, pick: Point, chosen: Sequence[Point]) -> bool:
        said = " ".join(c.text for c in chosen)
        before = overlap(said, self.gold)["f1"]
        self.leads.setdefault(self.question, chosen[0].text)
        after = overlap(f"{said} {pick.text}", self.gold)["f1"]
        self.steps.append(Step(self.question, tuple(step_features(pick, chosen)), before, after, pick.text))
        return True


def record(path: Path, settings: Settings, embedder: Embedder, questions: int = QUESTIONS,
           progress: bool = False) -> tuple[list[dict[str, Any]], Recorder]:  # fmt: skip
    """Ask a seeded sample of training-fold questions as a patient; the sample and every step recorded."""
    from bot.answer import Bot
    from bot.retrieve import open_retriever
    from ingest.pipeline import ingest

    every = load_medquad(path)
    sample = medquad_sample([r for r in every if in_training_fold(r)], questions, seed=SEED)
    work = Path(tempfile.mkdtemp(prefix="citebot-stop-"))
    recorder = Recorder()
    try:
        write_pages(every, {r["file"] for r in sample}, work / "pages")
        s = settings.model_copy(update={"index": work / "index", "data_dir": work / "data", "chroma_url": None})
        ingest([work / "pages"], s, embedder, progress=progress)
        bot = Bot(open_retriever(s, embedder=embedder), s)
        bot.offline.stop_rule = recorder
        for i, row in enumerate(sample):
            recorder.gold, recorder.question = row["answer"], i
            bot.ask(row["question"], "patient", [])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sample, recorder


def replay(steps: Sequence[Step], leads: dict[int, str], golds: Sequence[str], admit: Callable[[Step], bool],
           min_points: int) -> tuple[float, float]:  # fmt: skip
    """Mean F1 and words of the answers a rule would give (questions with a second point), replaying each
    question's recorded points in order.

    Approximate where a point is skipped: the later points' features stay as recorded (with it said)."""
    kept = {q: [lead] for q, lead in leads.items()}
    for s in steps:
        if len(kept[s.question]) < min_points or admit(s):
            kept[s.question].append(s.text)
    f1 = [overlap(" ".join(texts), golds[q])["f1"] for q, texts in kept.items()]
    words = [sum(len(t.split()) for t in texts) for texts in kept.values()]
    return float(np.mean(f1)), float(np.mean(words))


def train(path: Path, settings: Settings, embedder: Embedder, questions: int = QUESTIONS) -> tuple[str, dict[str, Any]]:
    """Fit on half the sample's documents, measure on the other half; return (rule JSON, report)."""
    from bot.extractive import MIN_POINTS

    sample, rec = record(path, settings, embedder, questions)
    docs = sorted({document_of(r) for r in sample})
    fitting = set(random.Random(SEED).sample(docs, len(docs) // 2))
    in_fit = [document_of(r) in fitting for r in sample]

    def part(fold: bool) -> tuple[list[Step], np.ndarray, np.ndarray]:
        steps = [s for s in rec.steps if in_fit[s.question] is fold]
        x = np.asarray([s.features for s in steps], dtype=np.float64).reshape(len(steps), len(STEP_FEATURES))
        return steps, x, np.asarray([1.0 if s.after > s.before else 0.0 for s in steps])

    _, x, y = part(True)
    rule = StopRule(fit(x, y))
    held, hx, hy = part(False)
    leads = {q: v for q, v in rec.leads.items() if not in_fit[q]}
    p = rule.model.scores(hx)
    chance = dict(zip(map(id, held), p, strict=True))
    minimum = MIN_POINTS["patient"]
    golds = [r["answer"] for r in sample]
    learned = replay(held, leads, golds, lambda s: chance[id(s)] >= ADMIT, minimum)
    every = replay(held, leads, golds, lambda s: True, minimum)
    report = {
        "data": f"{path.name}: a seeded sample (seed {SEED}) of {len(sample)} questions of the ranker's training fold, "
        f"asked as a patient; fitted on {len(fitting)} of their {len(docs)} documents, measured on the rest",
        "labels": "adding the point raised the answer's content-word F1 against the gold answer = 1, else 0",
        "train_steps": len(y),
        "heldout_steps": len(hy),
        "heldout_auc": round(auc(p, hy), 4),
        "heldout_f1_every_point": round(every[0], 4),
        "heldout_words_every_point": round(every[1], 1),
        "heldout_f1_learned": round(learned[0], 4),
        "heldout_words_learned": round(learned[1], 1),
    }
    return rule.to_json(**report), report
