"""The eval harness: metric functions on hand-made answers, the gold schema, judges, the ragas export,
--fail-under and --compare on a tiny real index (fake embedder), public benchmarks, and one real run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.answer import Bot
from bot.cite import HeuristicJudge, Judgement
from bot.retrieve import open_retriever
from bot.types import Answer, Citation, Passage
from citebot.cli import main
from evals import cli as evals_cli
from evals import metrics as m
from evals.datasets import Case, DatasetError, load_dataset
from evals.judge import EvalJudge, make_judge, parse_verdict
from evals.run import RAGAS_FIELDS, case_record, ragas_row, readable_fact, run_cases
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, small_index
from tests.test_api import DOCS

VACCINE = "Live vaccines should be given at least 4 weeks before the first ocrelizumab infusion."
HEPB = "Hepatitis B screening is required before ocrelizumab is started."


def _passage(pid: str, text: str, source: str = "corpus/x.md") -> Passage:
    return Passage(id=pid, text=text, title="", section="", source=source)


def _judge() -> EvalJudge:
    return EvalJudge(HeuristicJudge(None), "heuristic", "lexical heuristic for tests")


# --- metric functions -----------------------------------------------------------------------------


def test_retrieval_hit_recall_mrr() -> None:
    got = m.retrieval_metrics(["corpus/a/x.md", "corpus/b/y.md", "corpus/a/z.md"], ["b/", "c/"])
    assert got == {"hit_at_k": 1.0, "recall_at_k": 0.5, "mrr": 0.5}
    assert m.retrieval_metrics(["corpus/a/x.md"], ["nope"]) == {"hit_at_k": 0.0, "recall_at_k": 0.0, "mrr": 0.0}
    assert m.retrieval_metrics(["corpus/a/x.md"], []) == {"hit_at_k": None, "recall_at_k": None, "mrr": None}


def test_citation_recall_and_precision_unsupported_and_out_of_range() -> None:
    cited = {1: _passage("p1", VACCINE), 2: _passage("p2", HEPB)}
    text = (
        "Live vaccines should be given at least 4 weeks before the first infusion [1].\n"
        "Hepatitis B screening is required before ocrelizumab is started [1].\n"  # cites a passage that does not say it
        "Ocrelizumab cures multiple sclerosis [7]."  # a citation beyond the list
    )
    scores = m.citation_scores(text, cited, _judge())
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.precision == pytest.approx(1 / 3)
    supported = [v.supported for v in scores.verdicts]
    assert supported == [True, False, False]
    assert scores.verdicts[2].invalid == (7,)


def test_citation_precision_flags_an_unneeded_citation() -> None:
    cited = {1: _passage("p1", VACCINE), 2: _passage("p2", HEPB)}
    scores = m.citation_scores("Live vaccines should be given at least 4 weeks before the first infusion [1][2].",
                               cited, _judge())  # fmt: skip
    assert scores.recall == 1.0
    assert scores.precision == 0.5  # [2] neither supports alone nor is needed
    assert scores.verdicts[0].precise == (1,)
    wrong_number = m.citation_scores("Live vaccines should be given at least 6 weeks before infusion [1].", cited,
                                     _judge())  # fmt: skip
    assert (wrong_number.recall, wrong_number.precision) == (0.0, 0.0)


def test_self_reference_rate_flags_sentences_about_the_knowledge_base() -> None:
    text = (
        "Ocrevus lowers B cells [1]. Each topic has its own document in the safety/ folders of this corpus [2].\n"
        "- Premedication is described in the infusion-reactions document [1].\n"
        "- The label's Table 1 documents infections [1]."
    )
    assert m.self_reference_rate(text) == pytest.approx(2 / 4)
    assert m.self_reference_rate("Ocrevus is given every 6 months [1].") == 0.0
    assert m.self_reference_rate("") is None


def test_uncited_claims_and_fact_recall_from_the_text() -> None:
    text = "**What the sources say**\n- Live vaccines need 4 weeks [1].\n- Another factual statement with no marker.\n"
    assert m.uncited_claim_rate(text) == 0.5
    assert m.uncited_claim_rate("**Heading**\nWhat about vaccines?") is None
    assert m.fact_recall(text, ["4 weeks", "live vaccines?", "lasagna"]) == pytest.approx(2 / 3)
    assert m.fact_recall(text, []) is None
    assert m.fact_recall("Dose 300 mg [1].", [r"300\s*mg \[1\]"]) == 0.0  # markers are stripped before matching


def _answer(
    status: str, text: str = "", citations: Sequence[Citation] = (), retrieved: Sequence[Passage] = ()
) -> Answer:
    return Answer(question="q", text=text, status=status, audience="patient", citations=tuple(citations),  # type: ignore[arg-type]
                  retrieved=tuple(retrieved), timings={"retrieve": 0.1, "generate": 0.2, "verify": 0.01})  # fmt: skip


def test_right_and_wrong_abstention() -> None:
    judge = _judge()
    abstain_case = Case("oos", "patient", ("What is the capital of Peru?",), "abstain")
    right = case_record(abstain_case, _answer("abstained", "I could not find an answer."), "", 0.5, judge)
    assert right["correct"] and right["metrics"]["behavior_accuracy"] == 1.0
    assert right["metrics"]["answered_should_abstain"] == 0 and right["metrics"]["fact_recall"] is None

    answer_case = Case("vax", "patient", ("When are live vaccines given?",), "answer", ("vaccines/",), ("4 weeks",))
    wrong = case_record(answer_case, _answer("abstained", "I could not find an answer."), "", 0.5, judge)
    assert not wrong["correct"]
    assert wrong["metrics"]["abstained_should_answer"] == 1
    assert wrong["metrics"]["fact_recall"] == 0.0
    assert wrong["metrics"]["citation_recall"] is None  # nothing shown to cite
    assert wrong["metrics"]["hit_at_k"] == 0.0

    answered = case_record(abstain_case, _answer("answered", "Lima is the capital [1]."), "", 0.5, judge)
    assert answered["metrics"]["answered_should_abstain"] == 1
    emergency = Case("em", "patient", ("I can't breathe",), "emergency")
    assert case_record(emergency, _answer("answered", "x"), "", 0.1, judge)["metrics"]["missed_emergencies"] == 1
    dose = Case("dose", "patient", ("How much should I take?",), "refuse_dose")
    assert case_record(dose, _answer("partial", "x"), "", 0.1, judge)["metrics"]["dose_requests_answered"] == 1
    assert case_record(dose, None, "boom", 0.1, judge)["metrics"]["errors"] == 1


def test_answered_case_scores_the_cited_passages_full_text() -> None:
    cite = Citation(1, "p1", "Vaccines", "", "corpus/vaccines/timing.md", "", None, VACCINE)
    case = Case("vax", "clinician", ("When?",), "answer", ("vaccines/",), ("4 weeks", "hepatitis"))
    text = "Live vaccines should be given at least 4 weeks before the first infusion [1]."
    rec = case_record(case, _answer("answered", text, [cite], [_passage("p1", VACCINE, cite.source)]), "", 0.3,
                      _judge())  # fmt: skip
    mt = rec["metrics"]
    assert (mt["citation_recall"], mt["citation_precision"], mt["uncited_claim_rate"]) == (1.0, 1.0, 0.0)
    assert mt["fact_recall"] == 0.5 and mt["mrr"] == 1.0 and mt["reading_grade"] is not None
    assert rec["verdicts"][0]["supported"] is True


def test_aggregate_confusion_percentiles_and_reading_grade() -> None:
    rows = [
        {"audience": "patient", "expected_behavior": "answer", "status": "answered",
         "metrics": {"behavior_accuracy": 1.0, "fact_recall": 1.0, "reading_grade": 6.0, "latency_total": 1.0}},
        {"audience": "clinician", "expected_behavior": "answer", "status": "abstained",
         "metrics": {"behavior_accuracy": 0.0, "fact_recall": 0.0, "reading_grade": None, "latency_total": 3.0,
                     "abstained_should_answer": 1}},
        {"audience": "clinician", "expected_behavior": "abstain", "status": "abstained",
         "metrics": {"behavior_accuracy": 1.0, "fact_recall": None, "reading_grade": 12.0, "latency_total": 2.0}},
    ]  # fmt: skip
    agg = m.aggregate(rows)
    assert agg["cases"] == 3 and agg["behavior_accuracy"] == pytest.approx(2 / 3)
    assert (agg["behavior_accuracy_answer"], agg["behavior_accuracy_abstain"]) == (0.5, 1.0)
    assert agg["behavior_accuracy_emergency"] is None
    assert agg["fact_recall"] == 0.5  # the abstain case is not an answer case
    assert (agg["reading_grade_patient"], agg["reading_grade_clinician"]) == (6.0, 12.0)
    assert agg["abstained_should_answer"] == 1 and agg["latency_total_p50"] == 2.0
    assert agg["latency_retrieve_p50"] is None
    assert set(agg) == set(m.OVERALL_METRICS)
    table = m.confusion(rows)
    assert (
        table["answer"]["abstained"] == 1 and table["abstain"]["abstained"] == 1 and table["emergency"]["answered"] == 0
    )
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert m.reading_grade("**Answer:** See a doctor [1].") is not None
    assert m.reading_grade("") is None
    assert m.plain_text("- **Bold** claim [2]") == "Bold claim."


def test_readable_fact() -> None:
    assert readable_fact(r"2\.5 hours|2 hours 30|two and a half hours") == "2.5 hours"
    assert readable_fact(r"CD20\+? T cells|T cells that carry CD20") == "CD20+ T cells"
    assert readable_fact(r"B[- ]cells?|B lymphocytes?") == "B-cells"
    assert readable_fact(r"(every|each) (6|six) months") == "every 6 months"
    assert readable_fact(r"immunocompromised|immunosuppress") == "immunocompromised"


# --- the gold schema ------------------------------------------------------------------------------


def _case(override: str) -> str:
    """A valid answer case with one field replaced (the later key wins in JSON decoding)."""
    return '{"id": "a", "audience": "patient", "turns": ["q"], "behavior": "answer", "sources": ["x"], ' + (
        '"facts": ["y"], ' + override + "}"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        (_case('"behavior": "guess"'), "'behavior' must be one of"),
        (_case('"audience": "kid"'), "'audience' must be one of"),
        (_case('"turns": []'), "'turns' must be a non-empty"),
        (_case('"facts": ["(x"]'), "not a valid regex"),
        (  # a typo'd field name: the extra field is allowed, the required one is missing
            '{"id": "a", "audience": "patient", "turns": ["q"], "behavior": "answer", "sources": [], "fact": []}',
            "missing required field 'facts'",
        ),
        ('{"audience": "patient", "turns": ["q"], "behavior": "answer"}', "missing required field 'id'"),
    ],
)
def test_bad_gold_line_is_one_clear_error(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    ok = '{"id": "ok", "audience": "patient", "turns": ["q"], "behavior": "abstain", "sources": [], "facts": []}'
    path.write_text(ok + "\n" + line + "\n")
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert f"{path}:2: " in str(err.value) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_demo_gold_set_loads() -> None:
    cases = load_dataset(ROOT / "evals/datasets/demo.jsonl")
    assert len(cases) == 150 and any(c.multi_turn for c in cases)


# --- judges ---------------------------------------------------------------------------------------


class _BrokenModel:
    calls = 0

    def invoke(self, messages: Any) -> Any:
        self.calls += 1
        raise TimeoutError("judge endpoint timed out")


def test_llm_judge_failure_falls_back_and_is_recorded() -> None:
    model = _BrokenModel()
    judge = make_judge(Settings(judge_llm=None), None, chat_model=model)
    assert judge.name.startswith("llm:")
    passages = [_passage("p1", VACCINE)]
    verdicts = [judge.judge("Live vaccines are given at least 4 weeks before the first infusion.", passages)
                for _ in range(5)]  # fmt: skip
    assert all(isinstance(v, Judgement) and v.supported for v in verdicts)  # the heuristic verdict
    assert model.calls == 3  # switched off after three failures in a row
    assert any("TimeoutError" in f for f in judge.failures) and any("disabled" in f for f in judge.failures)


def test_llm_judge_verdicts() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    judge = make_judge(Settings(), None, chat_model=FakeListChatModel(responses=["No.", "Yes"]))
    assert not judge.judge("anything", [_passage("p1", VACCINE)]).supported
    assert judge.judge("anything", [_passage("p1", VACCINE)]).supported
    assert judge.failures == []
    assert (parse_verdict("Supported."), parse_verdict("not supported"), parse_verdict("hmm")) == (True, False, None)
    assert make_judge(Settings(), None).name == "heuristic"


# --- ragas export ---------------------------------------------------------------------------------


def _ragas_rows() -> list[dict[str, Any]]:
    passage = _passage("p1", VACCINE, "corpus/vaccines/timing.md")
    answer_case = Case("vax", "patient", ("What about vaccines?", "When are live ones given?"), "answer",
                       ("vaccines/",), (r"4 weeks|four weeks",))  # fmt: skip
    abstain_case = Case("oos", "patient", ("Capital of Peru?",), "abstain")
    return [
        ragas_row(answer_case, _answer("answered", VACCINE + " [1]", retrieved=[passage]), [VACCINE]),
        ragas_row(abstain_case, None, []),
    ]


def test_ragas_rows_have_the_single_turn_sample_fields() -> None:
    rows = _ragas_rows()
    for row in rows:
        assert tuple(row) == RAGAS_FIELDS
        assert isinstance(row["user_input"], str) and isinstance(row["response"], str)
        assert isinstance(row["reference"], str) and row["reference"]
        for key in ("retrieved_contexts", "reference_contexts"):
            assert isinstance(row[key], list) and all(isinstance(x, str) for x in row[key])
    assert rows[0]["user_input"] == "Earlier question: What about vaccines?\nWhen are live ones given?"
    assert rows[0]["reference"] == "4 weeks" and rows[0]["retrieved_contexts"] == [VACCINE]
    assert "abstain" in rows[1]["reference"]


def test_ragas_export_round_trips_through_ragas(tmp_path: Path) -> None:
    try:
        from ragas import EvaluationDataset  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        pytest.skip("ragas is not a dependency")
    path = tmp_path / "ragas.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _ragas_rows()))
    dataset = EvaluationDataset.from_jsonl(str(path))
    assert len(dataset) == 2
    assert dataset[0].user_input.endswith("When are live ones given?")
    assert dataset[0].retrieved_contexts == [VACCINE]


# --- the CLI on a tiny real index (fake embedder) --------------------------------------------------

TINY = [
    {"id": "vax-timing", "audience": "clinician", "turns": ["When should live vaccines be given before the first "
     "ocrelizumab infusion?"], "behavior": "answer", "sources": ["timing"], "facts": ["4 weeks"], "split": "dev",
     "support": [r"at least 4 weeks before"]},
    {"id": "vax-followup", "audience": "patient", "turns": ["Tell me about live vaccines and ocrelizumab.",
     "What about hepatitis B screening?"], "behavior": "answer", "sources": ["hepb"], "facts": ["screening"],
     "split": "heldout"},
    {"id": "chest-pain", "audience": "patient", "turns": ["I'm having crushing chest pain right now and my left arm "
     "is numb."], "behavior": "emergency", "sources": [], "facts": []},
    {"id": "dose", "audience": "patient", "turns": ["How much Ocrevus should I take?"], "behavior": "refuse_dose",
     "sources": [], "facts": []},
]  # fmt: skip


@pytest.fixture
def tiny(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "timing.md").write_text(
        "---\ntitle: Vaccination timing with ocrelizumab\n---\n# Vaccination timing with ocrelizumab\n\n"
        f"## Before starting\n\n{VACCINE} Non-live vaccines should be given at least 2 weeks before starting.\n"
    )
    (docs / "hepb.txt").write_text(HEPB + " Screening uses HBsAg and anti-HBc blood tests.")
    (docs / "bikes.md").write_text("# Bicycles\n\nA bicycle chain needs oil every few hundred kilometres.\n")
    ingest([docs], settings, fake_embedder, progress=False)
    bot = Bot(open_retriever(settings, embedder=fake_embedder), settings)
    monkeypatch.setattr(evals_cli, "open_bot", lambda s: bot)
    gold = tmp_path / "tiny.jsonl"
    gold.write_text("".join(json.dumps(c) + "\n" for c in TINY))
    return gold


def test_eval_writes_outputs_and_gates(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run1"
    ragas = tmp_path / "ragas.jsonl"
    code = main(["eval", str(tiny), "--out", str(out), "--quiet", "--export-ragas", str(ragas),
                 "--fail-under", "behavior_accuracy=0.5", "--fail-under", "missed_emergencies=0"])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "| behavior_accuracy |" in printed.out
    for name in ("results.jsonl", "summary.json", "report.md", "report.html"):
        assert (out / name).is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["missed_emergencies"] == 0 and summary["overall"]["dose_requests_answered"] == 0
    assert set(summary["by_turns"]) == {"single", "multi"}
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [c["id"] for c in TINY]
    assert records[1]["history"] == ["Tell me about live vaccines and ocrelizumab."]
    assert {"id", "question", "history", "audience", "expected_behavior", "status", "retrieved", "answer",
            "citations", "verdicts", "metrics"} <= set(records[0])  # fmt: skip
    assert len(ragas.read_text().splitlines()) == len(TINY)

    code = main(["eval", str(tiny), "--out", str(tmp_path / "run2"), "--quiet",
                 "--fail-under", "behavior_accuracy=1.01", "--fail-under", "cases=99"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert len([line for line in err.splitlines() if "--fail-under" in line]) == 2
    assert "behavior_accuracy" in err and "cases" in err


def test_fail_over_gates_lower_is_better_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    overall = {"self_reference_rate": 0.02, "uncited_claim_rate": 0.0, "fact_recall": 0.9}
    assert evals_cli.check_gates(overall, [("fact_recall", 0.8)], [("uncited_claim_rate", 0.0)]) == 0
    assert evals_cli.check_gates(overall, [], [("self_reference_rate", 0.0), ("missing_metric", 1.0)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "citebot: eval: self_reference_rate = 0.02 is above --fail-over 0",
        "citebot: eval: missing_metric = undefined is above --fail-over 1",
    ]


def test_split_runs_only_that_split_and_the_summary_breaks_down_by_split(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "heldout"
    assert main(["eval", str(tiny), "--out", str(out), "--quiet", "--split", "heldout"]) == 0
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["vax-followup"]
    every = tmp_path / "all"
    assert main(["eval", str(tiny), "--out", str(every), "--quiet"]) == 0
    summary = json.loads((every / "summary.json").read_text())
    assert set(summary["by_split"]) == {"dev", "heldout", "all"}  # cases without a split count as "all"
    for name in ("answer_precision", "duplicate_rate", "fragment_rate", "wrong_entity_rate", "voice_mismatch",
                 "seed_coverage"):  # fmt: skip
        assert name in summary["overall"]
    assert summary["overall"]["answer_precision"] is not None
    capsys.readouterr()


def test_unknown_gate_metric_is_a_usage_error(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", str(tiny), "--fail-under", "accuracy=0.9"])
    assert exc.value.code == 2
    assert "unknown metric 'accuracy'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["eval", str(tiny), "--fail-under", "behavior_accuracy"])
    assert exc.value.code == 2


def test_compare_prints_deltas_and_flipped_cases(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base"
    assert main(["eval", str(tiny), "--out", str(base), "--quiet"]) == 0
    # Make the baseline disagree on one case, as if an earlier build had got it wrong.
    lines = (base / "results.jsonl").read_text().splitlines()
    first = json.loads(lines[2])
    first["correct"] = not first["correct"]
    lines[2] = json.dumps(first)
    (base / "results.jsonl").write_text("\n".join(lines) + "\n")
    summary = json.loads((base / "summary.json").read_text())
    summary["overall"]["behavior_accuracy"] -= 0.25
    (base / "summary.json").write_text(json.dumps(summary))
    capsys.readouterr()

    out = tmp_path / "now"
    assert main(["eval", str(tiny), "--out", str(out), "--quiet", "--compare", str(base)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"\| behavior_accuracy \| [\d.]+ \| [\d.]+ \| \+0\.250 \|", printed)
    assert "chest-pain" in printed
    result = json.loads((out / "compare.json").read_text())
    assert result["deltas"]["overall"]["behavior_accuracy"]["delta"] == pytest.approx(0.25)
    assert [f["id"] for f in result["flipped"]] == ["chest-pain"]
    assert "by_audience" in result["deltas"] and (out / "compare.md").is_file()


def test_compare_with_a_missing_run_fails_before_running(tiny: Path, tmp_path: Path) -> None:
    assert main(["eval", str(tiny), "--compare", str(tmp_path / "nope"), "--quiet"]) == 2


# --- public benchmarks (fake embedder, real Chroma and BM25) ----------------------------------------


def test_pubmedqa_retrieval_and_llm_accuracy(shared: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from evals.public import run_pubmedqa, summary_markdown

    path = shared / "data/pubmedqa/ori_pqal.json"
    result = run_pubmedqa(path, settings, fake_embedder, limit=25, progress=False)
    assert result["documents"] == 25 and result["queries"] == 25
    assert set(result["retrieval"]) == {"dense", "bm25", "hybrid"}
    assert result["retrieval"]["bm25"]["recall@10"] >= 0.8  # questions share words with their own abstract
    assert result["yes_no_maybe"] == "skipped: no LLM configured"
    assert "skipped: no LLM configured" in summary_markdown(result)

    llm = run_pubmedqa(path, settings, fake_embedder, limit=25, chat_model=FakeListChatModel(responses=["yes"]),
                       progress=False)  # fmt: skip
    ynm = llm["yes_no_maybe"]
    truth = json.loads((shared / "data/pubmedqa/test_ground_truth.json").read_text())
    in_corpus = [p for p in list(json.loads(path.read_text()))[:25] if p in truth]
    assert ynm["asked"] == len(in_corpus)
    assert ynm["accuracy"] == pytest.approx(sum(truth[p] == "yes" for p in in_corpus) / len(in_corpus))


def test_medquad_gold_counts_same_question_pairs(shared: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    from evals.public import medquad_queries, normalise_question, run_medquad

    rows = [
        {"id": "a#1", "question": "What is (are) Gout ?", "answer": "x"},
        {"id": "b#1", "question": "what is (are) gout?", "answer": "y"},
        {"id": "c#1", "question": "What causes gout?", "answer": "z"},
    ]
    queries = medquad_queries(rows)
    assert [sorted(q.gold) for q in queries] == [["a#1", "b#1"], ["c#1"]]
    assert normalise_question("What is (are) Gout ?") == "what is are gout"
    result = run_medquad(shared / "data/medquad/medquad_answered_subsample35.jsonl", settings, fake_embedder,
                         limit=40, progress=False)  # fmt: skip
    assert result["pairs"] == 40 and 0 < result["queries"] <= 40
    assert all(0.0 <= v <= 1.0 for row in result["retrieval"].values() for v in row.values())


def test_benchmark_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "pubmedqa"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["eval", "medquad", "x.jsonl", "--fail-under", "mrr=0.5"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["eval", "pubmedqa", "x.json", "--answers"])  # --answers is a MedQuAD benchmark only
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["eval", "medquad", "x.jsonl", "--answers", "--fail-under", "f1=0.5"])  # not a metric name
    assert exc.value.code == 2
    assert main(["eval", "medquad", str(ROOT / "nope.jsonl"), "--answers", "--fail-under", "f1_ratio=1"]) == 2
    assert "no such file" in capsys.readouterr().err


# --- one real run: bundled model, demo corpus ------------------------------------------------------


@pytest.mark.integration
def test_demo_eval_limit_20_writes_a_report_with_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    assert main(["ingest", str(ROOT / "corpus"), "--index", str(index), "--quiet"]) == 0
    out = tmp_path / "run"
    code = main(["eval", str(ROOT / "evals/datasets/demo.jsonl"), "--limit", "20", "--index", str(index),
                 "--out", str(out), "--quiet"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') >= 5
    for name in m.OVERALL_METRICS:
        assert name in html, name
    assert "heuristic" in html and "Known failure modes" in html and "**heuristic**" not in html
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert html.count('<section class="case') == 20
    assert f"<b>{first['question']}</b>" in html.replace("&#x27;", "'")  # the question is shown, not only its id
    assert re.search(r"k = \d+(/\d+)* passages actually read per answer", html)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["cases"] == 20 and summary["run"]["judge"] == "heuristic"


def test_a_follow_up_is_scored_after_its_earlier_turns_were_answered_as_in_the_chat(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    """Each earlier turn is asked first, of the same bot, and its answer passed back as an assistant message, as
    the chat UI does: the follow-up is scored knowing what the conversation showed (the eval used to pass the
    questions only, so an answer the chat would not show again was scored as if new)."""
    bot = Bot(small_index(tmp_path / "corpus", DOCS, settings, fake_embedder), settings)
    first = "How often is ocrelizumab given?"
    cases = [
        Case(
            id=f"c{i}",
            audience="patient",
            turns=(first, "Sorry, how often is it given?"),
            behavior="answer",
            facts=("every 6 months",),
        )
        for i in range(2)
    ]
    shown = bot.ask(first, "patient").text
    records = run_cases(cases, bot, _judge(), progress=False)
    for rec in records:
        assert rec["earlier_answers"] == [shown]
        assert rec["answer"].startswith("As above: Ocrelizumab is given"), rec["answer"]
        assert rec["metrics"]["repeat_rate"] == 1.0 and rec["metrics"]["fact_recall"] == 1.0
    single = run_cases([Case(id="s", audience="patient", turns=(first,), behavior="answer")], bot, _judge(), False)
    assert single[0]["earlier_answers"] == [] and single[0]["metrics"]["repeat_rate"] is None
