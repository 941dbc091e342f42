"""The MedQuAD answer benchmark: pages written per source, content-word overlap, and one small real
run with the bundled model beside the plain LangChain pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.rank import training_fold
from evals.medquad_answers import (
    ANSWER_METRICS,
    REPORTED_LIMITS,
    answer_sample,
    outside_training_fold,
    overlap,
    page_name,
    run_medquad_answers,
    summary_markdown,
    write_pages,
)
from evals.public import medquad_sample
from ingest.settings import Settings

ROWS = [  # doc_ids outside the ranker's training fold (bot.rank.training_fold), but the last
    {"id": "g/1.xml#1", "doc_id": "0003", "file": "3_GHR_QA/0001.xml", "focus": "Gout", "qtype": "information",
     "question": "What is gout?", "answer": "Gout is a form of arthritis caused by uric acid crystals in joints."},
    {"id": "g/1.xml#2", "doc_id": "0003", "file": "3_GHR_QA/0001.xml", "focus": "Gout", "qtype": "treatment",
     "question": "How is gout treated?", "answer": "Gout attacks are treated with anti-inflammatory medicines and "
     "colchicine; allopurinol lowers uric acid over the long term."},
    {"id": "s/2.xml#1", "doc_id": "0005", "file": "6_NINDS_QA/0002.xml", "focus": "Sciatica", "qtype": "symptoms",
     "question": "What are the symptoms of sciatica?", "answer": "Sciatica causes pain that runs from the lower "
     "back down the back of one leg, with numbness or tingling in the foot."},
    {"id": "a/3.xml#1", "doc_id": "0006", "file": "5_NIDDK_QA/0003.xml", "focus": "Anemia", "qtype": "causes",
     "question": "What causes anemia?", "answer": "Anemia is caused by blood loss, too little iron or vitamin B12, "
     "or the body destroying red blood cells faster than it makes them."},
    {"id": "t/4.xml#1", "doc_id": "0001", "file": "2_GARD_QA/0004.xml", "focus": "Asthma", "qtype": "treatment",
     "question": "How is asthma treated?", "answer": "Asthma is treated with inhaled corticosteroids and "
     "bronchodilators."},
]  # fmt: skip


def test_the_benchmark_scores_only_documents_outside_the_rankers_training_fold() -> None:
    assert [training_fold(str(r["doc_id"])) for r in ROWS] == [False] * 4 + [True]
    kept = outside_training_fold(ROWS)
    assert [r["id"] for r in kept] == [r["id"] for r in ROWS[:4]]
    assert all(r["id"] != "t/4.xml#1" for r in medquad_sample(kept, 3))


def test_pages_one_document_per_source_with_a_section_per_question_type(tmp_path: Path) -> None:
    assert page_name("3_GHR_QA/0001.xml") == "3_GHR_QA__0001"
    assert write_pages(ROWS, {"3_GHR_QA/0001.xml", "6_NINDS_QA/0002.xml"}, tmp_path) == 2
    gout = (tmp_path / "3_GHR_QA__0001.md").read_text()
    assert gout.startswith('---\ntitle: "Gout"') and "# Gout" in gout
    assert "## Information\n\nGout is a form" in gout and "## Treatment\n\nGout attacks" in gout
    assert "How is gout treated?" not in gout  # the question's wording is not handed to retrieval


def test_overlap_is_set_based_on_stemmed_content_words() -> None:
    got = overlap("Gout is treated with colchicine.", "Gout attacks are treated with colchicine and allopurinol.")
    assert got["precision"] == 1.0
    assert got["recall"] == pytest.approx(
        3 / 5
    )  # gout, treat, colchicin of gout, attack, treat, colchicin, allopurinol
    assert got["f1"] == pytest.approx(2 * 0.6 / 1.6)
    assert overlap("", "anything") == {"recall": 0.0, "precision": 0.0, "f1": 0.0}


@pytest.mark.integration
def test_a_small_run_scores_citebot_beside_the_plain_pipeline(
    tmp_path: Path, settings: Settings, real_embedder: object
) -> None:
    path = tmp_path / "medquad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    summary, records = run_medquad_answers(path, settings, real_embedder, limit=3, progress=False)  # type: ignore[arg-type]
    assert summary["run"]["questions"] == 3 and len(records) == 3
    assert all(r["id"] != "t/4.xml#1" for r in records)  # a training-fold page is never scored
    assert set(ANSWER_METRICS) <= set(summary)
    assert summary["plain_gold_cited"] >= 2 / 3  # the top-1 chunk mostly comes from the right page
    for r in records:
        assert 0.0 <= r["citebot"]["f1"] <= 1.0 and 0.0 <= r["plain"]["f1"] <= 1.0
        assert r["plain_answer"] and r["gold_page"] in {page_name(row["file"]) for row in ROWS}
    if summary["plain_f1"]:
        assert summary["f1_ratio"] == pytest.approx(summary["citebot_f1"] / summary["plain_f1"])
    table = summary_markdown(summary)
    assert "| citebot |" in table and "| plain LangChain (top-1 chunk) |" in table and "citebot F1 / plain F1" in table
    assert not list(settings.index.parent.glob("citebot-medquad-*"))  # the throw-away index is gone


def test_a_development_seed_keeps_off_the_reported_samples_pages() -> None:
    rows = [{**ROWS[i % 4], "id": f"p{i}#1", "file": f"3_GHR_QA/{i:04d}.xml"} for i in range(400)]
    assert answer_sample(rows, 150) == medquad_sample(rows, 150)  # seed 0 is the reported sample, as before
    reported = {r["file"] for n in REPORTED_LIMITS for r in medquad_sample(rows, n)}
    dev = answer_sample(rows, 100, seed=1)
    assert len(dev) == 100 and not reported & {r["file"] for r in dev}
