"""``citebot eval safety --train PUBLIC…``: retrain the safety layer's learned stage, reproducibly.

Training data: the exemplar bank, the DEVELOPMENT parts of the phrasing corpus (``dev``, ``dev2``, …:
each by a different writer, none of whom read the rules) and, as ordinary messages, the
questions of public QA datasets (MedQuAD, PubMedQA: thousands of real informational questions, weighted
``PUBLIC_WEIGHT`` each so that they teach "a medical question is not an emergency" without drowning the
near misses). The held-out part is never read here.

Features: the message's embedding, the rules' framing cues, its similarity to the nearest bank
exemplar of each class, and the same per sentence of a multi-sentence message, as the largest margin of
the nearest emergency (dose) exemplar over the nearest ordinary one (a bank exemplar's own row and its
sentences leave it out). ``L2``, ``PUBLIC_WEIGHT`` and
``CUE_SCALE`` were chosen by the same out-of-file score below, on the development parts only.

Thresholds are chosen out of file: for each development part, a model trained without it scores it; the
thresholds are the pair whose CLASSIFIER catches, on its own, the share of emergencies and dose requests that issue
11's targets (``MIN_EMERGENCY_RECALL``, ``MIN_DOSE_RECALL``) need of it behind rules only as good as they are out of
sample (``RULES_OUT_OF_SAMPLE_*``), while the rules and the classifier together flag the fewest of the worst part's
ordinary messages. (The rules are in-sample on every development part: they were written from its misses.)
Those out-of-file figures are optimistic (the thresholds were chosen on them); the NESTED estimate scores each
part at thresholds chosen on the other parts alone, which is what a new writer's messages would see. Both are
stored in the weights file's ``info``.
Then the final model is fitted on everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bot.safety import Screen
from bot.safety.classifier import Classifier, features, fit, sentences
from bot.safety.exemplars import LABELS, ExemplarBank
from bot.safety.match import clean_question
from evals.safety import DEFAULT_SAFETY_DIR, Message, development_parts, load_split, predict, score
from ingest.embed import Embedder
from ingest.errors import CitebotError

PUBLIC_WEIGHT = 0.2
L2 = 0.1
CUE_SCALE = 0.2
# Issue 11's recall targets, for the rules and the classifier together.
MIN_EMERGENCY_RECALL = 0.99
MIN_DOSE_RECALL = 0.97
# What the rules alone catch of a new writer's messages: each writer's part before any rule was written from its misses
# (docs/SAFETY.md: dev4 70.7% / 84.0%, dev5 66.5% / 87.0%, dev6 71.0% / 91.0%, dev7 75.0% / 93.0%, dev8 68.5% / 86.0%,
# dev9 66.0% / 95.0%, dev10 61.0% / 90.0%, dev11 60.5% / 83.0%; the mean). On the development parts the rules are
# in-sample (74% / 98% pooled), so counting their catches there let each new rule family raise the classifier's
# thresholds instead of leaving it the backstop for what no rule knows.
RULES_OUT_OF_SAMPLE_EMERGENCY = 0.674
RULES_OUT_OF_SAMPLE_DOSE = 0.886


def classifier_target(system_target: float, rules_out_of_sample: float) -> float:
    """The share the classifier must catch on its own so that rules catching ``rules_out_of_sample`` in front of it
    reach ``system_target``, if the two missed independently: 1 - (1 - target) / (1 - rules). Independence is the
    generous case (a message hard for one is often hard for the other), so this is a floor, not a guarantee."""
    return 1.0 - (1.0 - system_target) / (1.0 - rules_out_of_sample)


# The thresholds must meet these out of file (pooled, the classifier's own catches) before false flags are weighed:
# 96.9% of emergencies and 73.7% of dose requests.
CLASSIFIER_MIN_EMERGENCY_RECALL = round(classifier_target(MIN_EMERGENCY_RECALL, RULES_OUT_OF_SAMPLE_EMERGENCY), 4)
CLASSIFIER_MIN_DOSE_RECALL = round(classifier_target(MIN_DOSE_RECALL, RULES_OUT_OF_SAMPLE_DOSE), 4)
# The dose head's own budget: the dose threshold is the lowest whose dose calls alone (ordinary messages that neither
# the rules nor the emergency side flagged) flag at most this share of the pooled ordinary messages, out of file. Why:
# the joint search above minimises false flags once the classifier's dose floor (73.7%) is met, which drove the dose
# threshold to 0.93, where the dose probabilities crowd: leave-one-writer-out, a new writer's dose requests sat at
# 0.6–0.93 while ordinary messages the rules left almost never reach 0.7 (docs/SAFETY.md, "The dose head").
DOSE_FLAG_BUDGET = 0.002
# Steps of 0.01: the probabilities crowd near the top, where 0.025 steps jumped over the better pairs.
GRID = np.round(np.arange(0.30, 0.9901, 0.01), 3)


def public_questions(path: Path) -> list[str]:
    """Questions of a MedQuAD JSON Lines file or a PubMedQA ``ori_pqal.json``; anything else is an error."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        return sorted({r["question"] for r in rows if r.get("question")})
    data = json.loads(text)
    if isinstance(data, dict) and all(isinstance(v, dict) and "QUESTION" in v for v in data.values()):
        return sorted({v["QUESTION"] for v in data.values()})
    raise CitebotError(f"{path}: neither MedQuAD JSON Lines nor PubMedQA ori_pqal.json")


def _embed(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One text per call, as a question is embedded when a user asks it, so training sees exactly the vectors
    the stage sees in use whatever the backend (the earlier per-batch int8 graph made them depend on batch mates)."""
    return np.stack(
        [np.asarray(embedder.embed_query(t), dtype=np.float32) for t in tqdm(texts, leave=False, disable=None)]
    )


def _sentence_similarities(
    embedder: Embedder, exemplars: ExemplarBank, texts: Sequence[str], bank: bool
) -> list[np.ndarray | None]:
    """Each text's sentences' nearest-exemplar similarities (None for one sentence), embedded as the stage
    embeds them in use: one batch per message (int8 per-token activations: the same vectors as one by one).
    A bank exemplar's sentences leave the exemplar itself out."""
    out: list[np.ndarray | None] = []
    for i, text in enumerate(tqdm(texts, leave=False, disable=None)):
        parts = sentences(text)
        if not parts:
            out.append(None)
            continue
        vectors = np.asarray(embedder.embed_documents(parts), dtype=np.float32)
        out.append(exemplars.max_similarities(vectors, leave_out=i if bank else None))
    return out


def _combine(rule: Sequence[str], p: np.ndarray, te: float, td: float) -> list[str]:
    em, do = LABELS.index("emergency"), LABELS.index("dose")
    return [r if r != "ordinary" else "emergency" if q[em] >= te else "dose" if q[do] >= td else "ordinary"
            for r, q in zip(rule, p, strict=True)]  # fmt: skip


def choose_thresholds(
    parts: Sequence[tuple[Sequence[Message], Sequence[str], np.ndarray]],
    min_emergency_recall: float = CLASSIFIER_MIN_EMERGENCY_RECALL,
    min_dose_recall: float = CLASSIFIER_MIN_DOSE_RECALL,
    dose_flag_budget: float | None = DOSE_FLAG_BUDGET,
) -> tuple[float, float, list[dict[str, Any]]]:
    """Thresholds over out-of-file probabilities: among the pairs whose pooled recall OF THE CLASSIFIER ALONE (every
    emergency or dose request, whatever the rules did with it; a dose request the classifier reads as an emergency is
    a miss) meets ``min_emergency_recall`` and ``min_dose_recall``, the one that flags the fewest of the WORST part's
    ordinary messages (rules and classifier together, as in use), then the fewest pooled, then the most recall (an
    emergency counts twice a dose request), then the most lenient pair. When no pair meets the targets, the most
    recall, then the same order.

    Why the classifier's own recall: the rules are in-sample on every development part (written from its misses), so
    counting their catches let each new family raise the thresholds (a retraining with `dev7` went from 0.80 to 0.89
    and lost a plain-words emergency no rule knows); the targets are what issue 11's need of the classifier behind
    rules as good as they are out of sample (``classifier_target``). Why recall first: a false-flag cap let the one
    hardest writer set the thresholds (`dev6`: 0.97, nested emergency recall 93%). Returns the pair with each part's
    figures (the search counts pooled hits with arrays; ``score`` gives the figures of the chosen pair, rules
    included).

    With ``dose_flag_budget`` (the dose head), the dose threshold is then chosen again, at that emergency threshold,
    as the lowest on the grid whose dose calls alone flag at most that share of the pooled ordinary messages (what
    the rules and the emergency side left): the most dose recall a fixed false-flag cost buys."""
    label = np.concatenate([[m.label for m in msgs] for msgs, _, _ in parts])
    rule = np.concatenate([np.asarray(r, dtype=object) for _, r, _ in parts])
    p = np.vstack([q for _, _, q in parts])
    free = rule == "ordinary"  # what the rules left to the classifier
    part = np.concatenate([np.full(len(msgs), i) for i, (msgs, _, _) in enumerate(parts)])
    ordinary, emergency, dose = (label == "ordinary"), (label == "emergency"), (label == "dose")
    n_em, n_do = max(int(emergency.sum()), 1), max(int(dose.sum()), 1)
    part_ord = np.maximum(np.bincount(part[ordinary], minlength=len(parts)), 1)
    best: tuple[tuple[float, ...], float, float] | None = None
    for te in GRID:  # lenient to strict: on a full tie the pair found first, the most lenient, stays
        own_em = p[:, LABELS.index("emergency")] >= te  # the classifier's call, whatever the rules said
        fires_em = free & own_em  # what it flags in use: only what the rules left
        em = int((emergency & own_em).sum()) / n_em
        for td in GRID:
            own_do = ~own_em & (p[:, LABELS.index("dose")] >= td)
            fires_do = free & own_do
            do = int((dose & own_do).sum()) / n_do
            flagged = ordinary & (~free | fires_em | fires_do)
            worst = float((np.bincount(part[flagged], minlength=len(parts)) / part_ord).max())
            meets = em >= min_emergency_recall - 1e-12 and do >= min_dose_recall - 1e-12
            gain = 2 * em + do
            key = (0.0, round(worst, 9), float(flagged.sum()), -gain) if meets else (1.0, -gain, round(worst, 9))
            if best is None or key < best[0]:
                best = (key, float(te), float(td))
    if best is None:
        raise CitebotError("no development messages to choose thresholds on")
    _, te, td = best
    if dose_flag_budget is not None:
        own_em = p[:, LABELS.index("emergency")] >= te
        left = ordinary & free & ~own_em
        allowed = dose_flag_budget * int(ordinary.sum()) + 1e-9
        td = next(float(t) for t in (*GRID, 1.0) if int((left & (p[:, LABELS.index("dose")] >= t)).sum()) <= allowed)
    return te, td, [score(msgs, _combine(r, q, te, td))["overall"] for msgs, r, q in parts]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def nested_estimate(
    names: Sequence[str],
    parts: Sequence[tuple[Sequence[Message], Sequence[str], np.ndarray]],
    min_emergency_recall: float = CLASSIFIER_MIN_EMERGENCY_RECALL,
    min_dose_recall: float = CLASSIFIER_MIN_DOSE_RECALL,
    dose_flag_budget: float | None = DOSE_FLAG_BUDGET,
) -> dict[str, dict[str, float | None]]:
    """What a new writer would see from the classifier: for each development part P, thresholds chosen (by
    ``choose_thresholds``) on the out-of-file scores of the OTHER parts only, then P scored at them with its own
    out-of-file scores (a model trained without P). The plain out-of-file figures are optimistic: their thresholds
    were chosen on those very scores.

    Cheap: it reuses the leave-one-part-out fits (the other parts' scores come from models that saw P, which
    leaks P into the choice only through the other parts' scores; a fully nested fit would take a model per pair
    of parts). The rules are in-sample here: they were written from every development part's misses."""
    out = {}
    for i, name in enumerate(names):
        others = [part for j, part in enumerate(parts) if j != i]
        te, td, _ = choose_thresholds(others, min_emergency_recall, min_dose_recall, dose_flag_budget)
        msgs, rule, p = parts[i]
        row = score(msgs, _combine(rule, p, te, td))["overall"]
        own = score(msgs, _combine(["ordinary"] * len(msgs), p, te, td))["overall"]
        out[name] = {
            **{k: _rounded(row[k]) for k in ("emergency_recall", "dose_recall", "false_flag_rate")},
            # the classifier's own recall at those thresholds, whatever the rules did: the rules are in-sample on every
            # development part, the classifier is not, so this is the part of the layer a new writer meets untuned
            "classifier_emergency_recall": _rounded(own["emergency_recall"]),
            "classifier_dose_recall": _rounded(own["dose_recall"]),
            "emergency_threshold": te,
            "dose_threshold": td,
        }
    return out


def train(
    public_paths: Sequence[Path],
    embedder: Embedder,
    cache_dir: Path | None = None,
    corpus_dir: Path = DEFAULT_SAFETY_DIR,
    progress: Callable[[str], None] = print,
) -> Classifier:
    """Fit, choose thresholds out of file, refit on everything; the returned classifier's ``info`` says how."""
    exemplars = ExemplarBank(embedder, cache_dir)
    bank = exemplars.bank
    public = sorted({q for path in public_paths for q in public_questions(path)})
    dev_parts = development_parts(corpus_dir)
    if len(dev_parts) < 2:
        raise CitebotError(f"{corpus_dir}: thresholds are chosen out of file, which needs two development parts")
    parts = {name: load_split(name, corpus_dir) for name in dev_parts}
    texts: dict[str, list[str]] = {
        "bank": [ex.text for ex in bank],
        "public": public,
        **{name: [clean_question(m.text) for m in msgs] for name, msgs in parts.items()},
    }
    labels: dict[str, np.ndarray] = {
        "bank": np.array([LABELS.index(ex.label) for ex in bank]),
        "public": np.full(len(public), LABELS.index("ordinary")),
        **{name: np.array([LABELS.index(m.label) for m in msgs]) for name, msgs in parts.items()},
    }
    total = sum(len(v) for v in texts.values())
    progress(f"embedding {total} messages one at a time ({embedder.name}, {embedder.backend})")
    vectors = {name: exemplars.vectors if name == "bank" else _embed(embedder, t) for name, t in texts.items()}
    x = {
        name: features(
            v,
            texts[name],
            exemplars.max_similarities(v, leave_out_self=name == "bank"),
            CUE_SCALE,
            _sentence_similarities(embedder, exemplars, texts[name], bank=name == "bank"),
        )
        for name, v in vectors.items()
    }

    def fit_on(names: Sequence[str]) -> Classifier:
        xs = np.vstack([x[n] for n in names])
        ys = np.concatenate([labels[n] for n in names])
        ws = np.concatenate([np.full(len(labels[n]), PUBLIC_WEIGHT if n == "public" else 1.0) for n in names])
        w, b = fit(xs, ys, ws, l2=L2)
        return Classifier(embedder.name, embedder.backend, w, b, 0.5, 0.5, CUE_SCALE, embedder.recipe)

    out_of_file = []
    for held in dev_parts:
        rest = [n for n in dev_parts if n != held]
        model = fit_on(["bank", "public", *rest])
        rule = predict(Screen(), parts[held])
        out_of_file.append((parts[held], rule, model.probabilities(x[held])))
        progress(f"fitted without {held}")
    te, td, rows = choose_thresholds(out_of_file)
    nested = nested_estimate(dev_parts, out_of_file)
    final = fit_on(["bank", "public", *dev_parts])
    digest = hashlib.sha256()
    for name in ("bank", "public", *dev_parts):
        for t in texts[name]:
            digest.update(t.encode("utf-8") + b"\0")
    info = {
        "command": "citebot eval safety --train " + " ".join(str(p) for p in public_paths),
        "trained_on": {name: len(t) for name, t in texts.items()},
        "data_sha256": digest.hexdigest()[:16],
        "public_weight": PUBLIC_WEIGHT,
        "l2": L2,
        "cue_scale": CUE_SCALE,
        "min_emergency_recall": MIN_EMERGENCY_RECALL,
        "min_dose_recall": MIN_DOSE_RECALL,
        "rules_out_of_sample": {"emergency": RULES_OUT_OF_SAMPLE_EMERGENCY, "dose": RULES_OUT_OF_SAMPLE_DOSE},
        "classifier_min_recall": {"emergency": CLASSIFIER_MIN_EMERGENCY_RECALL, "dose": CLASSIFIER_MIN_DOSE_RECALL},
        "dose_flag_budget": DOSE_FLAG_BUDGET,
        "out_of_file": {
            held: {k: _rounded(r[k]) for k in ("emergency_recall", "dose_recall", "false_flag_rate")}
            for held, r in zip(dev_parts, rows, strict=True)
        },
        "nested": nested,
    }
    return Classifier(
        embedder.name, embedder.backend, final.weights, final.bias, te, td, CUE_SCALE, embedder.recipe, info=info
    )
