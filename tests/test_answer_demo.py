"""Offline answers on the demo corpus, as a user gets them: real model, real Chroma, no LLM.

Includes the issue's acceptance figures: over the whole gold set, behaviour correct for at least
90% of cases and no factual sentence without a citation in any answer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.answer import Bot
from bot.cite import is_factual
from bot.text import CITE, parse_citations, sentences
from bot.types import Answer
from ingest.embed import make_embedder
from ingest.pipeline import ingest
from ingest.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]
SEED_CLINICIAN = "Does Ocrevus (ocrelizumab) infusion for multiple sclerosis (MS) make a patient immunocompromised?"
SEED_PATIENT = "Does Ocrevus lower white blood cell count?"
BEHAVIOR = {"answered": "answer", "partial": "answer", "abstained": "abstain", "emergency": "emergency",
            "declined": "refuse_dose"}  # fmt: skip


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(index=tmp_path_factory.mktemp("demo") / "index")
    old = Path.cwd()
    os.chdir(ROOT)  # sources are recorded relative to the working directory, as `citebot ingest corpus` does
    try:
        summary = ingest([Path("corpus")], settings, make_embedder(), progress=False)
    finally:
        os.chdir(old)
    # The corpus README is documentation, skipped by rule; every topic file is ingested.
    assert [s.source for s in summary.skipped] == ["corpus/README.md"] and summary.files_ingested >= 20
    return settings


@pytest.fixture(scope="module")
def bot(settings: Settings) -> Bot:
    return Bot.from_settings(settings)


def uncited(answer: Answer) -> list[str]:
    """Factual sentences of a sourced answer that carry no [n] marker (safety messages are fixed text)."""
    out: list[str] = []
    if answer.status not in ("answered", "partial"):
        return out
    for line in answer.text.splitlines():
        out += [line[s:e] for s, e in sentences(line) if is_factual(line[s:e]) and not CITE.search(line[s:e])]
    return out


def assert_fully_cited(answer: Answer) -> None:
    assert answer.status == "answered", (answer.status, answer.text, answer.removed)
    assert uncited(answer) == []
    numbers = {c.n for c in answer.citations}
    used = set(parse_citations(answer.text))
    assert used == numbers and numbers == set(range(1, len(numbers) + 1))
    retrieved = {p.id for p in answer.retrieved}
    assert all(c.passage_id in retrieved for c in answer.citations)


def test_seed_questions_get_useful_cited_answers(bot: Bot) -> None:
    clinician = bot.ask(SEED_CLINICIAN, "clinician")
    assert_fully_cited(clinician)
    assert re.search(r"immunocompromis|immunosuppress", clinician.text, re.I)
    assert re.search(r"infection", clinician.text, re.I) and re.search(r"B[- ]cell", clinician.text)
    assert clinician.text.startswith("**Answer:**") and len(clinician.citations) >= 3
    assert "Extractive" in " ".join(clinician.notices) and clinician.backend == "extractive"

    patient = bot.ask(SEED_PATIENT, "patient")
    assert_fully_cited(patient)
    assert re.search(r"white blood cell", patient.text, re.I) and re.search(r"B cells?", patient.text)
    assert "Talk to your care team" in patient.text
    assert 2 <= len(patient.followups) <= 3 and patient.disclaimer != clinician.disclaimer


def test_follow_up_carries_the_topic(bot: Bot) -> None:
    answer = bot.ask("What about vaccines?", "patient", ["Does Ocrevus make me immunocompromised?"])
    assert_fully_cited(answer)
    assert "ocrevus" in answer.query.lower()
    assert any("vaccin" in f"{p.source} {p.section}".lower() for p in answer.retrieved[:3])  # a vaccines section
    assert re.search(r"vaccin", answer.text, re.I) and re.search(r"ocrevus|ocrelizumab", answer.text, re.I)


def test_timing_follow_up_is_answered_in_its_own_direction(bot: Bot) -> None:
    """Issue 13: "after the last infusion" was answered with the interval before starting."""
    seed = bot.ask(SEED_CLINICIAN, "clinician")
    history = [{"role": "user", "content": SEED_CLINICIAN}, {"role": "assistant", "content": seed.text}]
    answer = bot.ask("When can non-live vaccines be given after the last infusion?", "clinician", history)
    assert answer.status in ("answered", "partial"), answer.text
    before = re.compile(r"before (?:you )?(?:start|starting|the first|treatment|Ocrevus starts)", re.I)
    assert not any(before.search(s.text) for s in answer.sentences if s.factual), answer.text
    shown = {s.text for s in seed.sentences if s.factual}
    assert not shown & {s.text for s in answer.sentences if s.factual}  # nothing shown twice


def test_seed_clinician_answer_is_organised_in_sections(bot: Bot) -> None:
    answer = bot.ask(SEED_CLINICIAN, "clinician")
    headings = [line for line in answer.text.splitlines() if re.fullmatch(r"\*\*[^*]+\*\*", line.strip())]
    assert len(headings) >= 2, answer.text
    assert answer.text.startswith("**Answer:** Yes"), answer.text
    assert 8 <= sum(1 for s in answer.sentences if s.factual) <= 15, answer.text
    assert not any(re.search(r"\byou(?:r)?\b", s.text, re.I) for s in answer.sentences if s.factual), answer.text


def test_false_premise_is_corrected_from_the_sources(bot: Bot) -> None:
    answer = bot.ask("So Ocrevus is given every 3 months, right?", "patient", ["How is Ocrevus given?"])
    assert_fully_cited(answer)
    assert re.search(r"6 months|six months", answer.text)
    assert not re.search(r"given every 3 months", answer.text)  # the wrong interval is never affirmed


def test_out_of_scope_is_abstained_with_closest_passages(bot: Bot) -> None:
    answer = bot.ask("How do statins lower LDL cholesterol?", "clinician")
    assert answer.status == "abstained" and answer.citations == () and answer.retrieved
    assert "do not answer" in answer.text


def test_gold_set_behaviour_and_citations(bot: Bot) -> None:
    cases = [json.loads(line) for line in (ROOT / "evals/datasets/demo.jsonl").read_text().splitlines() if line]
    confusion: Counter[tuple[str, str]] = Counter()
    missing_citations = []
    for case in cases:
        answer = bot.ask(case["turns"][-1], case["audience"], case["turns"][:-1])
        confusion[(case["behavior"], BEHAVIOR[answer.status])] += 1
        missing_citations += [(case["id"], s) for s in uncited(answer)]
    correct = sum(n for (want, got), n in confusion.items() if want == got)
    accuracy = correct / len(cases)
    print(f"\nbehavior accuracy {accuracy:.3f} over {len(cases)} cases; confusion {sorted(confusion.items())}")
    assert accuracy >= 0.9
    assert missing_citations == []


def test_cli_ask_json_on_a_fresh_process(settings: Settings) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "citebot.cli", "ask", SEED_CLINICIAN, "--json", "--index", str(settings.index)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["status"] == "answered" and data["citations"]
    for sentence in data["sentences"]:
        assert not sentence["factual"] or sentence["citations"]
    assert {c["n"] for c in data["citations"]} == set(parse_citations(data["text"]))
