"""The answer's lead sentence, chosen by the lead model among the points already chosen (issue 13: the ranker finds
the right section, and its best unit there was often a neighbour of the direct answer), and the lead model's training
(``citebot eval train-lead``). Documents written for this test."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bot.extractive import Candidate, ExtractiveAnswerer, opening_first
from bot.rank import LEAD_CANDIDATES, load_lead, training_fold
from evals.lead_train import opening, train
from tests.fakes import FakeEmbedder


def _point(n: int, text: str, score: float, opening: float, passage: int = 1) -> Candidate:
    vector = [0.0] * 8
    vector[n] = 1.0  # unrelated in meaning: no point restates another
    return Candidate(passage, text, 0, len(text), score, score, tuple(vector), frozenset(), n, opening=opening)


DOSE = _point(0, "The first dose of Zentrab is 20 mg given on day 1.", 1.0, -2.0)
GAP = _point(1, "Live vaccines should be given at least 4 weeks before the first Zentrab dose.", 0.9, 1.0)
LEANS = _point(2, "This gives the vaccine time to work.", 0.85, 3.0)
TELL = _point(3, "Tell your doctor if you have had a vaccine in the last 4 weeks.", 0.8, 4.0)
FAR = _point(4, "Zentrab is a medicine for relapsing zentritis.", 0.2, 5.0, passage=2)


def test_the_point_that_reads_most_as_an_opening_leads_and_the_rest_keep_their_order() -> None:
    assert opening_first([DOSE, GAP, FAR], referral_asked=False) == [GAP, DOSE, FAR]  # FAR: below the span


def test_a_leaning_point_never_leads_but_follows_the_sentence_it_leans_on() -> None:
    assert opening_first([DOSE, LEANS, GAP], referral_asked=False) == [GAP, LEANS, DOSE]


def test_a_referral_leads_only_when_the_question_asks_whom_to_tell() -> None:
    assert opening_first([DOSE, TELL], referral_asked=False) == [DOSE, TELL]
    assert opening_first([DOSE, TELL], referral_asked=True) == [TELL, DOSE]


def test_ties_keep_the_rankers_lead() -> None:
    assert opening_first([replace(GAP, opening=-2.0), DOSE]) == [replace(GAP, opening=-2.0), DOSE]


def test_a_yes_or_no_verdict_keeps_the_lead() -> None:
    verdict = _point(5, "No, Zentrab does not need a dose change in kidney disease.", 1.0, -5.0)
    chosen = ExtractiveAnswerer(FakeEmbedder()).select([verdict, GAP], "clinician", ["", "a"], [], yes_no=True)
    assert chosen[0] is verdict


def test_an_opening_that_writes_the_question_in_is_passed_over_and_one_pointing_to_a_list_drops_the_question() -> None:
    assert opening(["What causes zentritis? Nobody knows.", "Zentritis has no known cause."]) == 1
    assert opening(["Zentritis affects 1 in 10,000 people.", "It is rarer in children."]) == 0
    assert opening(["The ontology provides the following list of signs for zentritis.", "Fever - Rash"]) is None


def test_the_shipped_lead_model_reads_known_columns() -> None:
    model, names = load_lead()
    assert set(names) <= set(LEAD_CANDIDATES) and len(model.weights) == len(names)


def test_train_lead_fits_on_one_fold_and_reports_the_other(tmp_path: Path) -> None:
    kinds = [
        ("What is (are) {d} ?", "{d} is a rare disorder of the zentral glands. It affects young adults."),
        ("What are the symptoms of {d} ?", "Most people with {d} have fever. Some also have a rash on the legs."),
        ("What are the treatments for {d} ?", "Treatment of {d} includes rest and fluids. Surgery is rarely needed."),
    ]
    names = [f"zent{i}" for i in range(40)]
    docs = [n for n in names if training_fold(n)][:3] + [n for n in names if not training_fold(n)][:3]
    rows = [{"id": f"{d}#{k}", "doc_id": d, "focus": d, "question": q.format(d=d), "answer": a.format(d=d)}
            for d in docs for k, (q, a) in enumerate(kinds)]  # fmt: skip
    path = tmp_path / "medquad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    text, report = train(path, FakeEmbedder(), docs_per_fold=3)
    assert report["train_questions"] == report["heldout_questions"] == 9
    assert report["chosen"] in ("without_early", "with_early")
    assert 0.0 <= report["heldout_top1_ranker"] <= 1.0
    assert "position" not in json.loads(text)["features"]
