"""The per-case report a person reads: the conversation, the answer with flagged sentences and why,
what was missed or removed, the cited sources, failures first, and filters by metric and split."""

from __future__ import annotations

from typing import Any

from evals.report import case_tags, cases_html, failure_note, ordered_cases, render_markdown


def _record(cid: str, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": cid,
        "question": "Same for Briumvi?",
        "history": ["What premedication is given before an Ocrevus infusion?"],
        "audience": "clinician",
        "turns": "multi",
        "split": "heldout",
        "expected_behavior": "answer",
        "status": "answered",
        "correct": True,
        "answer": "**Answer:** You will always be given Ocrevus as a drip [1].",
        "citations": [{"n": 1, "passage_id": "p", "source": "x/ema-ocrevus.md", "title": "Ocrevus leaflet",
                       "section": "3. How Ocrevus is given"}],
        "sentences": [{"text": "You will always be given Ocrevus as a drip.", "citations": [1],
                       "supported_by_pattern": False,
                       "flags": {"wrong_entity_rate": "names ocrelizumab; the question asks about ublituximab",
                                 "voice_mismatch": "patient voice in a clinician answer ('You')"}}],
        "missed_facts": ["corticosteroid|steroid"],
        "missed_points": [],
        "removed_by_bot": [{"text": "What you need to know before you are given Briumvi", "reason": "heading"}],
        "metrics": {"behavior_accuracy": 1.0, "fact_recall": 0.5, "answer_precision": 0.0, "citation_recall": 1.0,
                    "latency_total": 0.2},
    }  # fmt: skip
    rec.update(over)
    return rec


CLEAN = _record(
    "clean",
    split="dev",
    sentences=[
        {
            "text": "A corticosteroid is given before each infusion.",
            "citations": [1],
            "supported_by_pattern": True,
            "flags": {},
        }
    ],
    missed_facts=[],
    removed_by_bot=[],
    metrics={"behavior_accuracy": 1.0, "fact_recall": 1.0, "answer_precision": 1.0, "citation_recall": 1.0},
)


def test_a_case_shows_the_conversation_the_flagged_answer_and_what_was_missed() -> None:
    page = cases_html([_record("bad")])
    assert "What premedication is given before an Ocrevus infusion?" in page  # the earlier turn
    assert "<b>Same for Briumvi?</b>" in page
    assert "You will always be given Ocrevus as a drip. [1]" in page
    assert "wrong entity: names ocrelizumab; the question asks about ublituximab" in page
    assert "voice: patient voice in a clinician answer" in page
    assert "matches no support pattern" in page
    assert "Missed facts:</p><ul><li>corticosteroid</li>" in page  # the regex in words
    assert "What you need to know before you are given Briumvi — heading" in page  # removed by the bot
    assert "[1] Ocrevus leaflet — 3. How Ocrevus is given (x/ema-ocrevus.md)" in page


def test_failures_come_first_and_the_filters_know_each_metric() -> None:
    bad = _record("bad")
    assert [r["id"] for r in ordered_cases([CLEAN, bad])] == ["bad", "clean"]
    assert failure_note(CLEAN) == ""
    assert "wrong entity 1/1" in failure_note(bad) and "voice 1/1" in failure_note(bad)
    assert set(case_tags(bad)) == {"failure", "fact_recall", "answer_precision", "wrong_entity_rate", "voice_mismatch"}
    assert case_tags(CLEAN) == []
    page = cases_html(ordered_cases([CLEAN, bad]))
    tags = "failure fact_recall answer_precision wrong_entity_rate voice_mismatch"
    assert f'data-tags="{tags}" data-split="heldout"' in page
    for value in ("wrong_entity_rate", "fragment_rate", "seed_coverage", "behavior"):
        assert f'<option value="{value}">' in page
    assert '<option value="dev">dev</option><option value="heldout">heldout</option>' in page


def test_reports_show_questions_and_no_markdown_in_html() -> None:
    summary: dict[str, Any] = {
        "run": {"judge": "heuristic", "judge_description": "the verifier's rules", "top_k": 6, "k": [12]},
        "overall": {"cases": 2},
        **{g: {} for g in ("by_audience", "by_behavior", "by_turns", "by_split")},
        "confusion": {"answer": {"answered": 2}},
    }
    md = render_markdown(summary, [CLEAN, _record("bad")])
    assert "citation judge: heuristic — the verifier's rules" in md
    assert "What premedication is given before an Ocrevus infusion? → Same for Briumvi?" in md
    assert "k = 12 passages actually read per answer" in md
    assert "**" not in md.split("## Overall")[0]  # the run lines are plain text (the HTML shows them as is)


def test_a_sentence_an_earlier_answer_showed_is_flagged_in_the_report() -> None:
    reason = "restates sentence 1 of the earlier answers"
    repeated = {"text": "As above: A corticosteroid is given before each infusion.", "citations": [1],
                "supported_by_pattern": True, "flags": {"repeat_rate": reason}}  # fmt: skip
    assert f"shown in an earlier answer: {reason}" in cases_html([_record("again", sentences=[repeated])])
