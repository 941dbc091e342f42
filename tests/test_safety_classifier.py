"""The learned stage of the safety layer: its classifier, the exemplar bank it reports and its cache, and
how it is retrained.

The mechanism is tested with the deterministic FakeEmbedder (bag of hashed words), so similarity here
means word overlap; the bundled model's behaviour on real phrasings is tested in test_safety_eval.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.safety import Screen
from bot.safety.classifier import (
    CUES,
    SENTENCE_FEATURES,
    Classifier,
    LearnedStage,
    features,
    fit,
    load_shipped,
    sentence_margins,
    sentences,
)
from bot.safety.exemplars import LABELS, Exemplar, ExemplarBank, bank_hash, load_bank
from evals.safety import DEFAULT_SAFETY_DIR, Message, load_split, markdown, predict, score
from evals.safety_train import DOSE_FLAG_BUDGET, choose_thresholds, public_questions, train
from ingest.embed import BUNDLED_NAME
from ingest.errors import CitebotError
from tests.fakes import FakeEmbedder

BANK = (
    Exemplar("em-1", "grandad looks odd grey sweaty", "emergency", "collapse"),
    Exemplar("em-2", "baby floppy limp not feeding burning", "emergency", "sepsis"),
    Exemplar("do-1", "halve my tablets next week", "dose", "dose_request"),
    Exemplar("or-1", "what signs mean grandad needs help", "ordinary", "ok"),
)
# Labelled messages in the fake embedder's world: topic words decide, as topic and framing would for the model.
TRAIN = [
    ("grandad looks odd grey and sweaty now", "emergency"),
    ("my grandad is grey sweaty and odd", "emergency"),
    ("baby is floppy and limp and burning up", "emergency"),
    ("the baby is limp floppy not feeding", "emergency"),
    ("can I halve my tablets next week", "dose"),
    ("should she halve her tablets next week", "dose"),
    ("what signs mean grandad needs help", "ordinary"),
    ("what is this medicine for", "ordinary"),
    ("how is the medicine stored", "ordinary"),
    ("what does the leaflet say about storage", "ordinary"),
]


def bank(tmp_path: Path, embedder: FakeEmbedder | None = None, exemplars: tuple[Exemplar, ...] = BANK) -> ExemplarBank:
    return ExemplarBank(embedder or FakeEmbedder(), tmp_path / "cache", exemplars)


def trained(tmp_path: Path, embedder: FakeEmbedder | None = None) -> LearnedStage:
    """A stage whose classifier was fitted on TRAIN with the fake embedder (thresholds 0.5)."""
    embedder = embedder or FakeEmbedder()
    b = bank(tmp_path, embedder)
    texts = [t for t, _ in TRAIN]
    vectors = np.array([embedder.embed_query(t) for t in texts], dtype=np.float32)
    x = features(vectors, texts, b.max_similarities(vectors), 1.0, [None] * len(texts))  # one sentence each
    y = np.array([LABELS.index(label) for _, label in TRAIN])
    w, bias = fit(x, y, np.ones(len(y)), l2=0.01)
    return LearnedStage(embedder, Classifier(embedder.name, embedder.backend, w, bias, 0.5, 0.5, 1.0), b)


def test_the_classifier_decides_and_the_nearest_exemplar_of_the_class_is_reported(tmp_path: Path) -> None:
    screen = Screen(trained(tmp_path))
    verdict = screen.check("grandad looks odd, grey and sweaty", "patient")
    assert (verdict.kind, verdict.category) == ("emergency", "collapse")  # the nearest emergency exemplar's category
    d = verdict.decision
    assert d is not None and (d.stage, d.exemplar) == ("classifier", "em-1")
    assert d.probability is not None and d.threshold is not None and d.probability >= d.threshold
    dose = screen.check("halve my tablets next week", "patient")  # no rule reads it
    assert dose.kind == "dose_request" and dose.decision is not None and dose.decision.exemplar == "do-1"
    assert dose.decision.stage == "classifier" and dose.decision.category == "dose_request"


def test_an_ordinary_message_passes_and_the_audit_names_the_class_nearest_its_threshold(tmp_path: Path) -> None:
    verdict = Screen(trained(tmp_path)).check("how is the medicine stored", "patient")
    assert verdict.kind == "ok"
    d = verdict.decision
    assert d is not None and d.stage == "none" and d.category == "ok" and d.exemplar
    assert d.probability is not None and d.threshold is not None and d.probability < d.threshold


def test_rules_decide_before_the_classifier(tmp_path: Path) -> None:
    verdict = Screen(trained(tmp_path)).check("I can't breathe", "patient")
    assert verdict.decision is not None and verdict.decision.stage == "rule"


def test_an_emergency_outranks_a_dose_request_when_both_fire() -> None:
    clf = Classifier("m", "b", np.zeros((3, 1)), np.zeros(3), 0.3, 0.3, 1.0)
    assert clf.decide(np.array([0.35, 0.4, 0.25])) == "emergency"
    assert clf.decide(np.array([0.2, 0.4, 0.4])) == "dose"
    assert clf.decide(np.array([0.2, 0.2, 0.6])) is None


def test_fit_learns_separable_classes_deterministically() -> None:
    rng = np.random.default_rng(0)
    centres = np.eye(3) * 4
    y = np.repeat(np.arange(3), 30)
    x = centres[y] + rng.normal(size=(90, 3))
    w1, b1 = fit(x, y, np.ones(90))
    w2, b2 = fit(x, y, np.ones(90))
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    clf = Classifier("m", "b", w1, b1, 0.5, 0.5, 1.0)
    assert (clf.probabilities(x).argmax(axis=1) == y).mean() > 0.95


def test_weights_round_trip_through_json_and_refuse_other_cues() -> None:
    clf = Classifier("m", "onnx-int8", np.arange(6, dtype=np.float32).reshape(3, 2) / 7, np.ones(3, np.float32),
                     0.8, 0.6, 0.2, info={"out_of_file": {}})  # fmt: skip
    back = Classifier.from_json(clf.to_json())
    assert np.allclose(back.weights, clf.weights, atol=1e-6) and back.cue_scale == 0.2
    assert (back.emergency_threshold, back.dose_threshold, back.backend) == (0.8, 0.6, "onnx-int8")
    data = json.loads(clf.to_json())
    data["cues"] = data["cues"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        Classifier.from_json(json.dumps(data))
    older = json.loads(clf.to_json())
    del older["sentence_features"]  # weights from before the sentence view
    with pytest.raises(ValueError, match="retrain"):
        Classifier.from_json(json.dumps(older))


def test_sentences_are_split_only_for_a_message_of_several() -> None:
    assert sentences("My grandad is grey. He won't answer me!\nWhat do I do?") == [
        "My grandad is grey.",
        "He won't answer me!",
        "What do I do?",
    ]
    assert sentences("What is Ocrevus?") == []  # one sentence: the message itself is its sentence view
    assert sentences("Help! What is Ocrevus?") == []  # a one-word fragment is no sentence of its own
    assert sentences("My temperature is 39.5 today and rising") == []  # a decimal point is no sentence end


def test_the_sentence_view_is_the_largest_margin_over_the_nearest_ordinary_exemplar() -> None:
    whole = np.array([0.5, 0.4, 0.6], dtype=np.float32)  # LABELS order: emergency, dose, ordinary
    assert np.allclose(sentence_margins(whole, None), [-0.1, -0.2])
    per_sentence = np.array([[0.2, 0.1, 0.7], [0.9, 0.3, 0.4], [0.3, 0.6, 0.5]], dtype=np.float32)
    assert np.allclose(sentence_margins(whole, per_sentence), [0.5, 0.1])  # each class's most alarming sentence


def test_one_alarming_sentence_among_background_reaches_the_classifier(tmp_path: Path) -> None:
    """A classifier that trusts the sentence view alone: the emergency sentence inside a long story fires it,
    the same story without that sentence does not, and the sentences go to the embedder in one batch."""
    embedder = FakeEmbedder()
    b = bank(tmp_path, embedder)
    width = embedder.dim + len(CUES) + len(LABELS) + len(SENTENCE_FEATURES)
    weights = np.zeros((len(LABELS), width), dtype=np.float32)
    weights[LABELS.index("emergency"), -2] = 20.0  # sentence_emergency_margin
    stage = LearnedStage(embedder, Classifier(embedder.name, "fake", weights, np.zeros(3), 0.9, 0.9, 1.0), b)
    background = "We went to the market this morning. The weather was lovely and we bought some bread."
    story = f"{background} Grandad looks odd, grey and sweaty."
    embedder.embedded.clear()
    assert stage.classify(story).label == "emergency"
    assert embedder.embedded[-3:] == sentences(story)
    assert stage.classify(background).label is None
    before = list(embedder.embedded)
    stage.classify("what is this medicine for")
    assert embedder.embedded == before  # one sentence: nothing embedded beyond the message itself


def test_the_shipped_classifier_fits_the_bundled_model_only() -> None:
    shipped = load_shipped()
    assert shipped is not None and shipped.model == BUNDLED_NAME and shipped.dim == 384
    assert shipped.weights.shape == (len(LABELS), 384 + len(CUES) + len(LABELS) + len(SENTENCE_FEATURES))
    info = shipped.info or {}
    assert set(info["out_of_file"]) >= {"dev", "dev2"} and info["trained_on"]["public"] > 1000
    assert set(info["nested"]) == set(info["out_of_file"])  # what a new writer would see, per part
    # the dose head's threshold, and the classifier's own leave-one-writer-out recall beside the layer's
    assert info["dose_flag_budget"] == DOSE_FLAG_BUDGET
    assert all(0.0 <= row["classifier_dose_recall"] <= 1.0 for row in info["nested"].values())
    assert Screen.for_embedder(FakeEmbedder()).learned is None  # another model gets the rules alone


def test_the_shipped_classifier_was_trained_on_the_default_backends_vectors() -> None:
    """A new quantisation recipe moves every vector a little: retrain (docs/SAFETY.md) when this fails."""
    from ingest.embed import resolve_backend
    from ingest.embed_onnx import RECIPE

    shipped = load_shipped()
    assert shipped is not None and shipped.backend == resolve_backend("auto") == "onnx-int8"
    assert shipped.recipe == RECIPE.tag


def test_bank_vectors_are_cached_on_disk_by_model_and_bank(tmp_path: Path) -> None:
    first = FakeEmbedder()
    _ = bank(tmp_path, first).vectors
    assert len(first.queries) == len(BANK)  # one text per call, as questions are embedded in use
    again = FakeEmbedder()
    _ = bank(tmp_path, again).vectors
    assert again.queries == []  # a cold process loads the vectors instead of re-embedding the bank
    other_model = FakeEmbedder(name="other-model")
    _ = bank(tmp_path, other_model).vectors
    assert len(other_model.queries) == len(BANK)
    changed = (*BANK, Exemplar("or-2", "how is it given", "ordinary", "ok"))
    assert bank_hash(changed) != bank_hash(BANK)
    assert bank(tmp_path, FakeEmbedder(), changed).cache_path() != bank(tmp_path).cache_path()


def test_a_corrupt_or_unwritable_cache_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    path = bank(tmp_path).cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    embedder = FakeEmbedder()
    _ = bank(tmp_path, embedder).vectors
    assert len(embedder.queries) == len(BANK)
    assert np.load(path).shape == (len(BANK), embedder.dim)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    readonly = ExemplarBank(FakeEmbedder(), blocker / "cache", BANK)  # cannot create a dir under a file
    assert readonly.vectors.shape == (len(BANK), 64)


def test_max_similarities_leave_a_bank_exemplar_out_of_its_own_row(tmp_path: Path) -> None:
    b = bank(tmp_path)
    own = b.max_similarities(b.vectors)
    assert own[0, LABELS.index("emergency")] == pytest.approx(1.0)
    left_out = b.max_similarities(b.vectors, leave_out_self=True)
    assert left_out[0, LABELS.index("emergency")] < 0.99  # em-1's nearest other emergency is em-2
    sentence_rows = b.max_similarities(b.vectors[:2], leave_out=0)  # em-1's sentences skip em-1 itself
    assert sentence_rows[0, LABELS.index("emergency")] < 0.99 and sentence_rows[1, LABELS.index("emergency")] > 0.99


def test_packaged_bank_is_well_formed_and_written_apart_from_the_corpus() -> None:
    bank = load_bank()
    ids = [ex.id for ex in bank]
    assert len(ids) == len(set(ids))
    counts = {label: sum(ex.label == label for ex in bank) for label in ("emergency", "dose", "ordinary")}
    assert counts["emergency"] >= 200 and counts["dose"] >= 100 and counts["ordinary"] >= 200
    corpus = {
        json.loads(line)["text"].casefold().strip()
        for part in ("dev", "dev2", "heldout")
        for line in (DEFAULT_SAFETY_DIR / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert not [ex.text for ex in bank if ex.text.casefold().strip() in corpus]


def test_load_bank_rejects_an_unknown_label() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        load_bank('{"id": "x", "text": "t", "label": "maybe"}')


def test_corpus_loader_gives_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(CitebotError, match="no safety corpus"):
        load_split("dev", tmp_path)
    (tmp_path / "dev.jsonl").write_text('{"id": "a", "text": "t", "label": "urgent"}\n')
    with pytest.raises(CitebotError, match=r"dev.jsonl:1: bad corpus line"):
        load_split("dev", tmp_path)


def test_score_and_table_per_family(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "text": "I can't breathe", "label": "emergency", "family": "first_person", "audience": "patient"},
        {"id": "2", "text": "What is PML?", "label": "ordinary", "family": "first_person", "audience": "patient"},
        {"id": "3", "text": "How much Ocrevus should I take?", "label": "dose", "family": "typos",
         "audience": "patient"},
        {"id": "4", "text": "so how much then?", "label": "dose", "family": "typos", "audience": "patient",
         "history": ["I weigh 50 kg"]},
    ]  # fmt: skip
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    result = score(messages, predict(Screen(), messages))
    assert result["overall"]["emergency_recall"] == 1.0 and result["overall"]["false_flag_rate"] == 0.0
    assert result["overall"]["dose_recall"] == 1.0 and result["families"]["typos"]["n_dose"] == 2
    table = markdown("dev", result)
    assert "| **all** | 4 | 100.0% (1) | 100.0% (2) | 0.0% (1) |" in table


def test_thresholds_meet_the_recall_targets_with_the_fewest_false_flags(tmp_path: Path) -> None:
    rows = [
        {"id": "e", "text": "grandad looks odd grey sweaty", "label": "emergency", "family": "f"},
        {"id": "d", "text": "pls halve tabs", "label": "dose", "family": "f"},
        {"id": "o", "text": "what signs mean grandad needs help", "label": "ordinary", "family": "f"},
    ]
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    rule = predict(Screen(), messages)
    p = np.array([[0.9, 0.05, 0.05], [0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])  # the ordinary one looks like an emergency
    te, td, rows_out = choose_thresholds([(messages, rule, p)])
    assert 0.7 < te <= 0.9 and td <= 0.6  # every emergency and dose request caught, the ordinary message spared
    assert rows_out[0]["false_flag_rate"] == 0.0 and rows_out[0]["dose_recall"] == 1.0
    hard = np.array([[0.6, 0.05, 0.35], [0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])  # the emergency scores below it
    te, _, rows_out = choose_thresholds([(messages, rule, hard)])
    # recall first: the emergency is caught and the ordinary message flagged with it
    assert te <= 0.6 and rows_out[0]["emergency_recall"] == 1.0 and rows_out[0]["false_flag_rate"] == 1.0
    te, _, rows_out = choose_thresholds([(messages, rule, hard)], min_emergency_recall=0.0)
    assert te > 0.7 and rows_out[0]["false_flag_rate"] == 0.0  # without the target, the flag is spared


def test_training_reads_public_questions_and_chooses_thresholds_out_of_file(tmp_path: Path) -> None:
    medquad = tmp_path / "medquad.jsonl"
    medquad.write_text("\n".join(json.dumps({"question": q}) for q in ("What is MS?", "How is it treated?")) + "\n")
    pubmedqa = tmp_path / "ori_pqal.json"
    pubmedqa.write_text(json.dumps({"1": {"QUESTION": "Does X help?"}}))
    assert public_questions(medquad) == ["How is it treated?", "What is MS?"]
    assert public_questions(pubmedqa) == ["Does X help?"]
    bad = tmp_path / "other.json"
    bad.write_text("[1, 2]")
    with pytest.raises(CitebotError, match="neither MedQuAD"):
        public_questions(bad)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for part, items in (("dev", TRAIN[::2]), ("dev2", TRAIN[1::2])):
        lines = [json.dumps({"id": f"{part}-{i}", "text": t, "label": label, "family": "f"})
                 for i, (t, label) in enumerate(items)]  # fmt: skip
        (corpus / f"{part}.jsonl").write_text("\n".join(lines) + "\n")
    for part in ("heldout", "heldout2"):
        (corpus / f"{part}.jsonl").write_text("not json: training must never read a held-out part\n")
    embedder = FakeEmbedder()
    clf = train([medquad, pubmedqa], embedder, tmp_path / "cache", corpus, progress=lambda _: None)
    info = clf.info or {}
    assert set(info["out_of_file"]) == {"dev", "dev2"} and info["trained_on"]["public"] == 3
    assert set(info["nested"]) == {"dev", "dev2"}  # each part at the thresholds chosen on the other alone
    assert clf.model == embedder.name and clf.dim == embedder.dim
    with pytest.raises(CitebotError, match="two development parts"):
        (corpus / "dev2.jsonl").unlink()
        train([medquad], embedder, tmp_path / "cache", corpus, progress=lambda _: None)


def test_parts_are_found_by_name_and_held_out_parts_are_never_development(tmp_path: Path) -> None:
    from evals.safety import development_parts, heldout_parts

    for part in ("dev3", "heldout2", "dev10", "dev", "heldout", "notes"):
        (tmp_path / f"{part}.jsonl").write_text("")
    assert development_parts(tmp_path) == ("dev", "dev3", "dev10")  # in the order they were written
    assert heldout_parts(tmp_path) == ("heldout", "heldout2")


def test_latency_times_messages_of_several_sentences_apart(tmp_path: Path) -> None:
    from evals.safety import Message, latency

    messages = [
        Message("1", "how is the medicine stored", "ordinary", "f", "patient"),
        Message("2", "We went out this morning. Grandad looks odd, grey and sweaty.", "emergency", "f", "patient"),
    ]
    table = latency(messages, trained(tmp_path))
    assert set(table) == {
        "rules",
        "rules + classifier (vector shared)",
        "question embedding",
        "rules + classifier, messages of several sentences",
    }
    assert all(row["p95"] >= row["p50"] >= 0.0 for row in table.values())


def _one_emergency_one_near_miss(tmp_path: Path) -> tuple[list[Message], list[str]]:
    """A development part of two messages the rules leave to the classifier, and the rules' verdicts."""
    rows = [
        {"id": "e", "text": "grandad looks odd grey sweaty", "label": "emergency", "family": "f"},
        {"id": "o", "text": "what signs mean grandad needs help", "label": "ordinary", "family": "f"},
    ]
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    return messages, predict(Screen(), messages)


def test_among_pairs_meeting_the_targets_the_worst_part_decides(tmp_path: Path) -> None:
    messages, rule = _one_emergency_one_near_miss(tmp_path)
    # both emergencies are caught at 0.5 or at 0.8; at 0.5 the small part's ordinary message (0.6) is flagged too
    small = (messages, rule, np.array([[0.9, 0.0, 0.1], [0.6, 0.1, 0.3]]))
    calm = (messages, rule, np.array([[0.85, 0.0, 0.15], [0.1, 0.1, 0.8]]))
    te, _, rows_out = choose_thresholds([small, calm], min_dose_recall=0.0)
    assert 0.6 < te <= 0.85 and rows_out[0]["false_flag_rate"] == 0.0
    assert rows_out[0]["emergency_recall"] == rows_out[1]["emergency_recall"] == 1.0


def test_the_nested_estimate_scores_each_part_at_thresholds_chosen_on_the_others(tmp_path: Path) -> None:
    from evals.safety_train import nested_estimate

    messages, rule = _one_emergency_one_near_miss(tmp_path)
    calm = (messages, rule, np.array([[0.9, 0.0, 0.1], [0.1, 0.1, 0.8]]))
    odd = (messages, rule, np.array([[0.95, 0.0, 0.05], [0.7, 0.1, 0.2]]))  # this writer's ordinary message at 0.7
    nested = nested_estimate(["a", "b", "odd"], [calm, calm, odd], min_dose_recall=0.0)
    # chosen on the calm parts alone, the most lenient pair flags the odd part's ordinary message: a new writer's view
    assert nested["odd"]["emergency_threshold"] <= 0.7 and nested["odd"]["false_flag_rate"] == 1.0
    assert nested["a"]["emergency_threshold"] > 0.7 and nested["a"]["emergency_recall"] == 1.0
    te, _, rows_out = choose_thresholds([calm, calm, odd], min_dose_recall=0.0)
    assert te > 0.7 and rows_out[2]["false_flag_rate"] == 0.0  # the plain out-of-file figure hides it


def test_an_emergency_the_rules_catch_still_counts_against_the_classifier_when_choosing_thresholds(
    tmp_path: Path,
) -> None:
    from evals.safety_train import CLASSIFIER_MIN_EMERGENCY_RECALL, classifier_target

    rows = [
        {"id": "e", "text": "my husband is having a seizure right now", "label": "emergency", "family": "f"},
        {"id": "o", "text": "what signs mean grandad needs help", "label": "ordinary", "family": "f"},
    ]
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    rule = predict(Screen(), messages)
    assert rule == ["emergency", "ordinary"]  # the rules catch it: in-sample, as on every development part
    p = np.array([[0.5, 0.1, 0.4], [0.6, 0.1, 0.3]])  # the classifier alone would miss it at any threshold over 0.5
    te, _, rows_out = choose_thresholds([(messages, rule, p)], min_dose_recall=0.0)
    # the classifier must catch it itself (counting the rule's catch would let the threshold rise over 0.6), so the
    # ordinary message the rules left is flagged with it
    assert te <= 0.5 and rows_out[0]["false_flag_rate"] == 1.0
    # what issue 11's 99% asks of a classifier behind rules that catch 67.4% of a new writer's emergencies
    assert CLASSIFIER_MIN_EMERGENCY_RECALL == round(classifier_target(0.99, 0.674), 4) == 0.9693


def _dose_requests_and_near_misses(tmp_path: Path, n_ordinary: int) -> tuple[list[Message], list[str]]:
    """Two dose requests and ``n_ordinary`` ordinary messages no rule reads (the classifier's to decide)."""
    rows = [{"id": f"d{i}", "text": "pls halve tabs", "label": "dose", "family": "f"} for i in range(2)]
    rows += [{"id": f"o{i}", "text": "what is this medicine for", "label": "ordinary", "family": "f"}
             for i in range(n_ordinary)]  # fmt: skip
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    messages = load_split("dev", tmp_path)
    rule = predict(Screen(), messages)
    assert set(rule) == {"ordinary"}
    return messages, rule


def test_the_dose_head_takes_the_lowest_dose_threshold_within_its_false_flag_budget(tmp_path: Path) -> None:
    messages, rule = _dose_requests_and_near_misses(tmp_path, 1000)
    p = np.zeros((len(messages), 3))
    p[:, 2] = 1.0
    p[:2] = [[0.0, 0.65, 0.35], [0.0, 0.95, 0.05]]  # a new writer's dose request at 0.65, another at 0.95
    p[2:4] = [[0.0, 0.7, 0.3], [0.0, 0.6, 0.4]]  # two ordinary messages that look like dose requests
    part = [(messages, rule, p)]
    # without the head, the joint search spares every ordinary message: the 0.65 request is missed
    _, td, rows_out = choose_thresholds(part, min_emergency_recall=0.0, min_dose_recall=0.5, dose_flag_budget=None)
    assert td > 0.7 and rows_out[0]["dose_recall"] == 0.5 and rows_out[0]["false_flag_rate"] == 0.0
    # a budget of 0.1% of 1000 ordinary messages buys one flag: the threshold drops to catch the 0.65 request
    _, td, rows_out = choose_thresholds(part, min_emergency_recall=0.0, min_dose_recall=0.5, dose_flag_budget=0.001)
    assert 0.6 < td <= 0.65 and rows_out[0]["dose_recall"] == 1.0 and rows_out[0]["false_flag_rate"] == 0.001
    # a budget of 0.2% buys both: the lowest threshold that flags no more than two
    _, td, _ = choose_thresholds(part, min_emergency_recall=0.0, min_dose_recall=0.5, dose_flag_budget=0.002)
    assert td == 0.3


def test_the_dose_head_leaves_the_emergency_threshold_to_the_joint_search(tmp_path: Path) -> None:
    messages, rule = _one_emergency_one_near_miss(tmp_path)
    small = (messages, rule, np.array([[0.9, 0.0, 0.1], [0.6, 0.1, 0.3]]))
    calm = (messages, rule, np.array([[0.85, 0.0, 0.15], [0.1, 0.1, 0.8]]))
    with_head = choose_thresholds([small, calm], min_dose_recall=0.0)
    without = choose_thresholds([small, calm], min_dose_recall=0.0, dose_flag_budget=None)
    assert with_head[0] == without[0]
