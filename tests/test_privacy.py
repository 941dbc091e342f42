"""Privacy of what users type: identifiers redacted before feedback is stored, retention, no questions in logs.

Fifty identifiers written in varied forms (e-mails, phone numbers in several countries' formats, dates,
self-identified names, record numbers) are planted in every stored field; none may reach the SQLite file
(its raw bytes, WAL included) or ``citebot feedback export``. The same rule must leave medical content alone:
doses, intervals, ranges, lab values and drug names written here, and real questions and documents from
../shared (held out: the rule was not tuned on them beyond the false positives reported in the README).
"""

from __future__ import annotations

import ast
import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.answer import Bot, Event
from bot.types import Audience
from bot.web.api import create_app
from bot.web.feedback import PURGE_EVERY_S, FeedbackStore
from bot.web.privacy import redact
from citebot.cli import main
from ingest.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, small_index
from tests.test_ui import serve

# (kind, identifier, a sentence that contains it)
PLANTED = [
    ("email", "jane.doe@example.com", "Please reply to jane.doe@example.com about Ocrevus."),
    ("email", "M.OKAFOR+ms@NHS.example.co.uk", "my email is M.OKAFOR+ms@NHS.example.co.uk"),
    ("email", "priya_s@clinic.example.org", "Contact: priya_s@clinic.example.org, thanks"),
    ("email", "tom [at] mail [dot] example", "write to tom [at] mail [dot] example if needed"),
    ("email", "lars.nilsson@posten.example.se", "(lars.nilsson@posten.example.se) asks about Kesimpta"),
    ("email", "zoë@exämple.de", "Ich bin erreichbar unter zoë@exämple.de"),
    ("email", "a.b-c@sub.domain.example.net", "a.b-c@sub.domain.example.net wrote this."),
    ("email", "kim99@example.io", "Send the leaflet to kim99@example.io."),
    ("phone", "+44 20 7946 0958", "Call me on +44 20 7946 0958 after 5pm."),
    ("phone", "(212) 555-0198", "My number is (212) 555-0198."),
    ("phone", "+1-202-555-0143", "phone +1-202-555-0143"),
    ("phone", "07700 900123", "text 07700 900123 please"),
    ("phone", "0049 30 901820", "Tel. 0049 30 901820"),
    ("phone", "+33 1 23 45 67 89", "my French number +33 1 23 45 67 89 works"),
    ("phone", "+91 98765 43210", "WhatsApp +91 98765 43210"),
    ("phone", "212.555.0176", "reach me at 212.555.0176."),
    ("phone", "555-0123", "home phone 555-0123"),
    ("phone", "+61 2 9876 5432", "Sydney office: +61 2 9876 5432"),
    ("phone", "020 7946 0018", "ring 020 7946 0018 tomorrow"),
    ("date", "03/04/1985", "I was born 03/04/1985 and have MS."),
    ("date", "1985-04-03", "DOB 1985-04-03"),
    ("date", "3.4.85", "geboren am 3.4.85"),
    ("date", "12 March 1985", "my birthday is 12 March 1985"),
    ("date", "March 12, 1985", "born on March 12, 1985, diagnosed later"),
    ("date", "3rd of May 1990", "since the 3rd of May 1990 I have had relapses"),
    ("date", "Dec 2001", "diagnosed in Dec 2001"),
    ("date", "14th July", "my next infusion is on 14th July"),
    ("date", "born in 1962", "I was born in 1962."),
    ("date", "2024-11-05", "last MRI on 2024-11-05 showed lesions"),
    ("date", "5/11/24", "infusion 5/11/24 went fine"),
    ("date", "Sept 9th, 2023", "started Sept 9th, 2023"),
    ("name", "Maria García", "Hello, my name is Maria García and I take Ocrevus."),
    ("name", "john smith", "my name is john smith"),
    ("name", "Ahmed Khan", "I am Ahmed Khan, 45, with RRMS."),
    ("name", "Priya", "I'm Priya and I am pregnant."),
    ("name", "Siobhan O'Brien", "Thanks, Siobhan O'Brien"),
    ("name", "Okafor", "Dr. Okafor said to ask here."),
    ("name", "Patel", "Mrs Patel is my neighbour."),
    ("name", "Emma", "my daughter Emma has MS"),
    ("name", "Bob", "call me Bob"),
    ("name", "Lukas Schmidt", "Name: Lukas Schmidt"),
    ("name", "Hiroshi Tanaka", "Regards, Hiroshi Tanaka"),
    ("name", "McDonald", "I am McDonald from Glasgow."),
    ("record", "943 476 5919", "NHS number 943 476 5919"),
    ("record", "A-0048213", "MRN: A-0048213"),
    ("record", "00012345", "patient ID 00012345"),
    ("record", "123-45-6789", "SSN 123-45-6789"),
    ("record", "RX48213", "hospital number RX48213"),
    ("record", "H7734521", "my chart is H7734521"),
    ("record", "INS-55512034", "insurance no. INS-55512034"),
]
MEDICAL = [
    "Ocrevus 600 mg every 6 months; the first dose is split into two 300 mg infusions 2 weeks apart.",
    "Kesimpta 20 mg at weeks 0, 1 and 2, then monthly from week 4.",
    "Vitamin D 1000 IU daily; 20 000 IU weekly; HbA1c 6.5%; BP 120/80 mmHg; CD20, IL-6, COVID-19, B12.",
    "Shingrix: 2 doses 2 to 6 months apart; ratio 1:2; 0.5 mL intramuscular.",
    "I am on Ocrevus and I am worried about infections.",
    "Trials ran 2017-2019 (NCT01247324); the relapse rate fell by 46%.",
    "Take 1-2 tablets every 4-6 hours, at most 8 in 24 hours.",
    "I'm pregnant, can I take Briumvi 150 mg then 450 mg?",
    "My MS nurse said lymphocyte counts below 0.8 x 10^9/L matter.",
    "Does Ocrevus make a patient immunocompromised?",
    "I am 45 years old and have had MS for 10 years.",
    "In May, can I get the flu vaccine? It may be fine.",
    "Ocrelizumab was approved in 2017 for relapsing and primary progressive MS.",
    "Infusion reactions occurred in 34-40% of patients; IgM fell below 0.4 g/L.",
    "Ublituximab 150 mg on day 1 and 450 mg on day 15, then 450 mg every 24 weeks.",
    "My son has MS. My doctor, who is great, said so. I am Allergic to penicillin.",
    "Dose: 10.30-11.45 monitoring window, 2.5-5 mg/kg, 1.000 units.",
    "HLA-DRB1*15:01 carriers; EDSS 3.5; T2 lesions > 9; 5-10 mL/min.",
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def survivors(texts: Sequence[str], raw: bytes = b"") -> list[str]:
    """Planted identifiers still present in ``texts`` (phone and record numbers also as bare digits) or ``raw``."""
    joined = "\n".join(texts)
    digits = _digits(joined)
    found = []
    for kind, ident, _ in PLANTED:
        if ident in joined or ident.encode() in raw or (kind in ("phone", "record") and _digits(ident) in digits):
            found.append(ident)
    return found


def test_planted_identifiers_are_varied_and_fifty() -> None:
    assert len(PLANTED) == 50 and len({i for _, i, _ in PLANTED}) == 50
    kinds = [k for k, _, _ in PLANTED]
    assert all(kinds.count(k) >= 7 for k in ("email", "phone", "date", "name", "record"))
    assert all(ident in sentence for _, ident, sentence in PLANTED)


def test_no_planted_identifier_survives_into_the_database_or_its_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    data = tmp_path / "data"
    store = FeedbackStore.in_dir(data)
    for n, (_, _, sentence) in enumerate(PLANTED):  # each field in turn: question, history, answer, comment
        question, history, answer = "Is Ocrevus safe?", ["What is Ocrevus?"], "Ocrevus is given every 6 months [1]."
        where = n % 4
        question = sentence if where == 0 else question
        history = [sentence, *history] if where == 1 else history
        answer = f"Hello! {sentence} {answer}" if where == 2 else answer
        item = store.record(question, history, "patient", answer, [], "down")
        if where == 3:
            store.set_comment(item, f"Wrong answer. {sentence}")
    with sqlite3.connect(data / "feedback.sqlite3") as db:
        rows = [" ".join(map(str, r)) for r in db.execute("SELECT * FROM feedback")]
    assert len(rows) == 50
    raw = b"".join(p.read_bytes() for p in data.iterdir())  # the database, its WAL and shared memory
    in_db = survivors(rows, raw)

    out = tmp_path / "cases.jsonl"
    assert main(["feedback", "export", str(out), "--data-dir", str(data)]) == 0
    exported = out.read_text()
    assert len(exported.splitlines()) == 50
    in_export = survivors([exported])
    record_property("tried", len(PLANTED))
    record_property("held", len(PLANTED) - len(set(in_db) | set(in_export)))
    assert in_db == [] and in_export == []
    # What was said around them is kept: the cases still say what the user asked about.
    assert exported.count("Ocrevus") >= 50 and "[email]" in exported and "[name]" in exported
    capsys.readouterr()


def test_export_redacts_rows_stored_before_redaction_existed(tmp_path: Path) -> None:
    store = FeedbackStore.in_dir(tmp_path)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with sqlite3.connect(tmp_path / "feedback.sqlite3") as db:
        db.execute(
            "INSERT INTO feedback (created, question, history, audience, answer, citations, rating, comment)"
            " VALUES (?, ?, ?, 'patient', 'answer', '[]', 'down', ?)",
            (created, PLANTED[31][2], json.dumps([PLANTED[8][2]]), PLANTED[0][2]),
        )
    store.export_eval_cases(tmp_path / "out.jsonl")
    assert survivors([(tmp_path / "out.jsonl").read_text()]) == []


def test_redaction_leaves_medical_content_alone() -> None:
    changed = [s for s in MEDICAL if redact(s) != s]
    assert changed == []
    assert redact("Drug name: Ocrevus. I am Worried, I am On Kesimpta.") == (
        "Drug name: Ocrevus. I am Worried, I am On Kesimpta."
    )


def test_redaction_keeps_the_questions_of_the_safety_and_demo_sets(record_property: Any) -> None:
    """755 patient and clinician messages written by others (the safety corpus's development part; its held-out
    part is reserved for the safety classifier) and the demo gold set's turns: none has an identifier.

    Measured once before any change: 1 of 755 altered ("Thanks, I'll pass that on" → "Thanks, [name] pass…");
    "I'll" and the other "I" contractions were then excluded from names.
    """
    datasets = ROOT / "evals" / "datasets"
    texts = [json.loads(line)["text"] for line in (datasets / "safety" / "dev.jsonl").open()]
    texts += [t for line in (datasets / "demo.jsonl").open() for t in json.loads(line).get("turns", [])]
    changed = [(t, redact(t)) for t in texts if redact(t) != t]
    record_property("messages", len(texts))
    record_property("changed", len(changed))
    assert len(texts) > 900 and changed == []


def test_redaction_on_real_questions_and_documents(shared: Path, record_property: Any) -> None:
    """Real questions (MedQuAD, PubMedQA) and the external documents have no identifiers to remove.

    These were used while writing the rule (they showed "1 may", "(2001-2009)" and "Miss" as false positives),
    so they are a development figure; the held-out one is the safety set above.
    """
    questions = [
        json.loads(line)["question"] for line in (shared / "data/medquad/medquad_answered_subsample35.jsonl").open()
    ]
    pubmed = json.loads((shared / "data/pubmedqa/ori_pqal.json").read_text())
    questions += [v["QUESTION"] for v in pubmed.values()]
    lines = [
        line for p in sorted((shared / "corpus-external").glob("*.md")) for line in p.read_text().splitlines() if line
    ]
    changed_q = [q for q in questions if redact(q) != q]
    changed_l = [line for line in lines if redact(line) != line]
    record_property("questions", len(questions))
    record_property("questions_changed", len(changed_q))
    record_property("document_lines", len(lines))
    record_property("document_lines_changed", len(changed_l))
    assert len(questions) > 6000 and len(changed_q) <= len(questions) // 1000, changed_q[:5]
    assert len(changed_l) <= len(lines) // 200, changed_l[:5]  # measured: 1 (a postal code in an address)


def _insert(path: Path, age_days: float, text: str) -> None:
    created = (datetime.now(UTC) - timedelta(days=age_days)).isoformat(timespec="seconds")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO feedback (created, question, history, audience, answer, citations, rating, comment)"
            " VALUES (?, ?, '[]', 'patient', 'a', '[]', 'down', '')",
            (created, text),
        )


def test_rows_older_than_the_retention_period_are_deleted(tmp_path: Path, record_property: Any) -> None:
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    for age, text in [(400, "a year old"), (91, "just past 90 days"), (89, "within 90 days"), (0, "today")]:
        _insert(path, age, text)
    assert [f.question for f in FeedbackStore(path, retention_days=0).items()] == [  # 0 keeps everything
        "a year old", "just past 90 days", "within 90 days", "today",
    ]  # fmt: skip
    assert [f.question for f in FeedbackStore(path).items()] == ["within 90 days", "today"]  # on open

    now = [0.0]
    store = FeedbackStore(path, retention_days=30, clock=lambda: now[0])
    assert [f.question for f in store.items()] == ["today"]
    _insert(path, 45, "written by an older replica")
    store.record("new", [], "patient", "a", [], "up")
    assert len(store.items()) == 3  # not yet: purging runs at most every PURGE_EVERY_S on writes
    now[0] += PURGE_EVERY_S
    store.record("newer", [], "patient", "a", [], "up")
    assert [f.question for f in store.items()] == ["today", "new", "newer"]
    record_property("tried", 4)
    record_property("held", 4)


class FailingBot(Bot):
    """Fails after its first event, with the question in the exception's message, as a careless library might."""

    def stream(self, question: str, audience: Audience | None = None, history: Sequence[Any] = ()) -> Iterator[Event]:
        yield Event("status", "Searching…")
        raise RuntimeError(f"crashed while answering {question!r}")


SECRET_QUESTION = "My name is Aoife Brennan, can I take Ocrevus while pregnant?"


def test_logs_hold_no_question_text_unless_debug_is_asked_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, llm=None,
                        rate_limit=0, api_keys=None, api_keys_file=None)  # fmt: skip
    docs = {"d.md": "# Pregnancy\n\nOcrelizumab should be avoided during pregnancy.\n"}
    bot = FailingBot(small_index(tmp_path / "corpus", docs, settings, FakeEmbedder()), settings)
    body = {"messages": [{"role": "user", "content": SECRET_QUESTION}]}
    from gradio_client import Client

    caplog.set_level(logging.INFO)
    with serve(bot, settings) as url:
        client = TestClient(create_app(bot, settings))
        plain = client.post("/v1/chat/completions", json=body)
        assert plain.status_code == 500 and plain.json()["error"]["type"] == "server_error"
        streamed = client.post("/v1/chat/completions", json={**body, "stream": True})
        assert streamed.status_code == 200 and '"server_error"' in streamed.text
        with pytest.raises(Exception, match="Something went wrong"):
            Client(f"{url}/", verbose=False).predict(SECRET_QUESTION, "patient", [], api_name="/ask")
        captured = capfd.readouterr()
        logged = caplog.text + captured.out + captured.err
        assert "RuntimeError" in caplog.text and caplog.text.count("failed") >= 3  # operators still see it
        assert "Aoife" not in logged and "pregnant" not in logged
        assert "Aoife" not in plain.text + streamed.text

        caplog.clear()
        caplog.set_level(logging.DEBUG, logger="citebot")
        client.post("/v1/chat/completions", json=body)
        assert "Aoife" in caplog.text  # asked for: the question is in the debug log


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
USER_TEXT = {"question", "history", "turns", "comment", "message", "text", "body", "messages", "query"}


def test_no_logging_call_passes_user_text() -> None:
    """Audit: outside the one helper that gates it on debug, no log call is handed a variable holding user text."""
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "ingest").rglob("*.py")):
        if path.name == "privacy.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in LOG_METHODS or not isinstance(node.func.value, ast.Name):
                continue
            if node.func.value.id not in {"log", "logger", "logging"} or node.func.attr == "debug":
                continue
            names = {n.id for arg in node.args[1:] for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if names & USER_TEXT:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
