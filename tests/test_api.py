"""The web layer without a browser: OpenAI wire format, feedback store and export, safe rendering, app wiring.

Fake embedder and a three-document index in tmp_path, so this file runs in seconds; the real index,
real browser and real clients are exercised in test_ui.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.answer import Bot, Event
from bot.render import reply_content
from bot.types import Answer, Citation, Passage
from bot.web.api import (
    ChatRequest,
    LockedEmbedder,
    SerialRetriever,
    completion_chunks,
    create_app,
    make_thread_safe,
    parse_request,
)
from bot.web.feedback import FeedbackStore
from bot.web.ui import (
    Pacer,
    Session,
    Turn,
    answer_markdown,
    highlighted,
    meta_html,
    reveal_steps,
    safe_url,
    sources_html,
)
from citebot.cli import main
from evals.datasets import parse_case
from ingest.errors import CitebotError
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, small_index

DOCS = {
    "dosing.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months after the first dose.\n",
    "vaccines.md": "# Vaccines\n\nLive vaccines are not recommended during treatment with ocrelizumab.\n",
    "infections.md": "# Infections\n\nInfections are more common with ocrelizumab than with interferon beta-1a.\n",
}
EXPORT_KEYS = {"id", "audience", "turns", "behavior", "sources", "facts", "comment", "answer", "created"}


@pytest.fixture
def bot(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> Bot:
    return Bot(small_index(tmp_path / "corpus", DOCS, settings, fake_embedder), settings)


@pytest.fixture
def client(bot: Bot, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(bot, settings)) as c:
        yield c


def _request(*messages: tuple[str, str], **extra: Any) -> ChatRequest:
    return ChatRequest.model_validate({"messages": [{"role": r, "content": c} for r, c in messages], **extra})


def test_request_maps_to_question_history_and_audience() -> None:
    req = _request(("user", "first?"), ("assistant", "An answer [1].\n\nSources:\n[1] a.md\n\nNot advice."),
                   ("user", "second?"))  # fmt: skip
    earlier = [{"role": "user", "content": "first?"}, {"role": "assistant", "content": "An answer [1]."}]
    assert parse_request(req) == ("second?", earlier, "patient")  # the answer sent back, without its sources
    assert parse_request(_request(("system", "You answer clinicians."), ("user", "q")))[2] == "clinician"
    parts = ChatRequest.model_validate({"messages": [{"role": "user", "content": [{"type": "text", "text": "q"}]}]})
    assert parse_request(parts)[0] == "q"
    assert parse_request(_request(("system", "clinician"), ("user", "q"), audience="patient"))[2] == "patient"
    with pytest.raises(CitebotError, match="no user message"):
        parse_request(_request(("system", "hello")))


def _answer(text: str, **kw: Any) -> Answer:
    fields: dict[str, Any] = {"status": "answered", "audience": "patient", "disclaimer": "Not advice.", **kw}
    return Answer(question="q", text=text, **fields)


def _content(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)


def test_stream_chunks_append_only_the_new_verified_text() -> None:
    cite = Citation(1, "p1", "Dosing", "", "corpus/dosing.md", "", None, "600 mg every 6 months.", (0, 6))
    final = _answer("A [1].\nB [1].", citations=(cite,))
    events = [
        Event("status", "found"),
        Event("delta", "A [1]."),
        Event("delta", "A [1].\nB [1]."),
        Event("answer", "", final),
    ]
    chunks = list(completion_chunks(iter(events), "m"))
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert _content(chunks).startswith("A [1].\nB [1].\n\nSources:\n[1] Dosing — corpus/dosing.md")
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["citations"][0]["source"] == "corpus/dosing.md"
    assert {c["model"] for c in chunks} == {"m"} and len({c["id"] for c in chunks}) == 1


def test_stream_resends_the_final_answer_when_verified_text_shrinks() -> None:
    events = [Event("delta", "A [1].\nB [1]."), Event("answer", "", _answer("A [1]."))]
    text = _content(list(completion_chunks(iter(events), "m")))
    assert text.endswith("---\n\nA [1].\n\nNot advice.")


def test_chat_completions_endpoint(client: TestClient, bot: Bot) -> None:
    q = "How often is ocrelizumab given?"
    assert client.get("/v1/models").json()["data"][0]["id"] == "citebot"
    r = client.post("/v1/chat/completions", json={"model": "my-model", "messages": [{"role": "user", "content": q}]})
    assert r.status_code == 200
    body = r.json()
    expected = bot.ask(q, "patient")
    assert body["model"] == "my-model" and body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"] == reply_content(expected)
    assert [c["n"] for c in body["citations"]] == [c.n for c in expected.citations]
    assert body["citebot"]["status"] == expected.status
    assert body["citebot"]["safety"] == {"category": "ok", "stage": "none", "rule": "", "exemplar": "",
                                         "similarity": None, "probability": None, "threshold": None,
                                         "wording": None}  # fmt: skip
    emergency = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "I can't breathe"}]})
    assert emergency.json()["citebot"]["safety"]["rule"] == "anaphylaxis.cant_breathe"

    with client.stream(
        "POST", "/v1/chat/completions", json={"messages": [{"role": "user", "content": q}], "stream": True}
    ) as s:
        lines = [ln for ln in s.iter_lines() if ln]
    assert s.headers["content-type"].startswith("text/event-stream")
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(ln.removeprefix("data: ")) for ln in lines[:-1]]
    assert _content(chunks) == reply_content(expected)
    assert chunks[-1]["citations"] == body["citations"]


def test_a_follow_up_sent_with_the_earlier_reply_is_not_answered_with_it_again(client: TestClient) -> None:
    """An OpenAI client sends the conversation back, its earlier replies as assistant messages: the bot reads
    what it already showed from them (it used to read only the user messages and send the same reply again)."""
    first = {"role": "user", "content": "How often is ocrelizumab given?"}
    reply = client.post("/v1/chat/completions", json={"messages": [first]}).json()["choices"][0]["message"]
    assert "every 6 months" in reply["content"]
    again = {"role": "user", "content": "Sorry, how often is it given?"}
    r = client.post("/v1/chat/completions", json={"messages": [first, reply, again]})
    content = r.json()["choices"][0]["message"]["content"]
    assert content != reply["content"]
    assert content.startswith("As above: Ocrelizumab is given as a 600 mg infusion every 6 months"), content


def test_the_chat_passes_its_earlier_answers_to_the_bot() -> None:
    """The UI's conversation as the bot reads it: each answered question followed by the answer it showed;
    a turn that failed is left out."""
    session = Session()
    session.turns += [
        Turn("How often?", "patient", [], answer=_answer("Every 6 months [1].")),
        Turn("Broken?", "patient", ["How often?"], failed=True),
        Turn("And infections?", "patient", ["How often?"], answer=_answer("More common [1].")),
    ]
    assert session.messages() == [
        {"role": "user", "content": "How often?"},
        {"role": "assistant", "content": "Every 6 months [1]."},
        {"role": "user", "content": "And infections?"},
        {"role": "assistant", "content": "More common [1]."},
    ]
    assert session.history() == ["How often?", "And infections?"]


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "user", "content": "   "}], "type a question"),
        ([{"role": "system", "content": "x"}], "no user message"),
    ],
)
def test_bad_requests_get_openai_errors(client: TestClient, messages: list[dict[str, str]], message: str) -> None:
    for stream in (False, True):
        r = client.post("/v1/chat/completions", json={"messages": messages, "stream": stream})
        assert r.status_code == 400
        assert message in r.json()["error"]["message"].lower()


def test_pages_are_served_and_data_is_not(client: TestClient, settings: Settings) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/widget/").status_code == 200
    r = client.get("/widget?x=1", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "widget/?x=1"
    assert client.get("/widget").status_code == 200
    FeedbackStore.in_dir(settings.data_dir)
    db = (settings.data_dir / "feedback.sqlite3").resolve()
    for path in (f"/gradio_api/file={db}", f"/widget/gradio_api/file={db}", f"/file={db}"):
        r = client.get(path)
        assert r.status_code >= 400 and b"SQLite" not in r.content


def test_ui_concurrency_and_queue_are_set(bot: Bot, settings: Settings) -> None:
    from bot.web.ui import build_chat

    s = settings.model_copy(update={"chat_concurrency": 3, "chat_queue_size": 17})
    demo = build_chat(bot, s, FeedbackStore.in_dir(settings.data_dir))
    answering = [f for f in demo.fns.values() if f.concurrency_id == "answer"]
    assert len(answering) >= 5  # submit, example, three follow-ups (+ the /ask API)
    assert {f.concurrency_limit for f in answering} == {3}
    assert demo._queue.max_size == 17
    assert any(f.api_name == "ask" and f.api_visibility == "public" for f in demo.fns.values())


def test_thread_safe_bot_shares_one_lock(bot: Bot) -> None:
    safe = make_thread_safe(bot)
    assert make_thread_safe(safe) is safe
    assert isinstance(safe.retriever, SerialRetriever) and isinstance(safe.retriever.embedder, LockedEmbedder)
    assert safe.offline.embedder is safe.retriever.embedder
    answers: list[str] = []

    def ask() -> None:
        answers.append(safe.ask("How often is ocrelizumab given?").text)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 6 and len(set(answers)) == 1


def test_feedback_store_and_export(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FeedbackStore.in_dir(settings.data_dir)
    cites = [{"n": 1, "source": "corpus/a.md"}, {"n": 2, "source": "corpus/b.md"}, {"n": 3, "source": "corpus/a.md"}]
    up = store.record("Good?", [], "patient", "Yes [1].", cites[:1], "up")
    down = store.record("And this?", ["Good?"], "clinician", "No [1][2][3].", cites, "down", "wrong dose")
    assert up != down
    assert store.set_comment(up, "  nice  ") and not store.set_comment(999, "x")
    assert [f.comment for f in store.items()] == ["nice", "wrong dose"]
    assert store.set_rating(up, "down") and store.set_rating(up, "up")
    gone = store.record("Withdrawn?", [], "patient", "x", [], "down")
    assert store.delete(gone) and not store.delete(gone)

    out = tmp_path / "cases.jsonl"
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(settings.data_dir))
    assert main(["feedback", "export", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 1
    case = lines[0]
    assert set(case) == EXPORT_KEYS
    assert case["turns"] == ["Good?", "And this?"] and case["behavior"] == "answer" and case["facts"] == []
    assert case["sources"] == ["corpus/a.md", "corpus/b.md"]
    assert case["comment"] == "wrong dose" and case["audience"] == "clinician"
    parsed = parse_case(case)
    assert parsed.question == "And this?" and parsed.history == ("Good?",)


def test_feedback_export_reports_unwritable_file(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    with pytest.raises(CitebotError, match="cannot write"):
        FeedbackStore.in_dir(settings.data_dir).export_eval_cases(tmp_path / "blocker" / "x.jsonl")


EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_rendering_escapes_untrusted_text_and_links_markers() -> None:
    md = answer_markdown(f"Fact {EVIL} here [2].", 3)
    assert "<script" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert md.endswith('<a class="cb-cite" href="#src-3-2" title="Source 2">[2]</a>.')
    cite2 = Citation(2, "p", f"T {EVIL}", "", "s.md", "", None, "x")
    named = answer_markdown("Fact [2].", 3, (cite2,))
    assert 'title="Source 2: T &lt;img src=x onerror=&quot;alert(1)&quot;&gt;' in named and "<img" not in named
    assert highlighted("ab<b>cd", (2, 5)) == "ab<mark>&lt;b&gt;</mark>cd"
    assert highlighted("abc", (2, 9)) == "abc"
    assert safe_url("https://www.fda.gov/x") == "https://www.fda.gov/x"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "https://a b"):
        assert safe_url(bad) is None

    cite = Citation(1, "p", f"T {EVIL}", f"S {EVIL}", f"src {EVIL}", "javascript:alert(3)", 2, f"x {EVIL} y", (2, 8))
    near = Passage("q", f"near {EVIL}", f"N {EVIL}", "", "s.md", source_url="javascript:alert(4)")
    session = Session(
        [
            Turn("q1 <script>", "patient", [], answer=_answer("A [1].", citations=(cite,))),
            Turn("q2", "patient", ["q1"], answer=Answer("q2", "none", "abstained", "patient", retrieved=(near,))),
        ]
    )
    for compact in (False, True):
        page = sources_html(session, compact)
        assert "<script" not in page and "<img" not in page and 'href="javascript' not in page.lower()
        assert 'id="src-1-1"' in page and "javascript:alert(3)" in page  # shown as text, not as a link
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_banners_follow_the_status() -> None:
    assert "cb-banner emergency" in meta_html(_answer("x", status="emergency", backend="safety"), "d")
    for status in ("abstained", "partial", "declined"):
        assert f"cb-banner {status}" in meta_html(_answer("x", status=status), "d")
    page = meta_html(_answer("x", notices=("Extractive answer: ...", "1 removed")), "<b>disc</b>")
    assert "cb-banner" not in page and "1 removed" in page and "Extractive answer:" not in page
    assert "&lt;b&gt;disc&lt;/b&gt;" in page
    assert "Offline mode" not in page  # no developer banner on every answer; one quiet line where asked for
    assert meta_html(_answer("x"), "d", offline=True).count('<p class="cb-mode">Offline mode') == 1


def test_reveal_steps_add_one_sentence_at_a_time() -> None:
    text = "**Answer:** A is b [1].\n\n**What the sources say**\n- C is d (US PI §12.2, 2024) [2].\n- E is f [1], [3]."
    steps = reveal_steps("", text)
    assert steps == [
        "**Answer:** A is b [1].",
        "**Answer:** A is b [1].\n\n**What the sources say**",
        "**Answer:** A is b [1].\n\n**What the sources say**\n- C is d (US PI §12.2, 2024) [2].",
        text,
    ]
    assert reveal_steps(steps[1], text) == steps[2:]
    assert reveal_steps("Something else.", text) == [text]  # the verified text changed: shown whole
    assert reveal_steps(text, text) == []


def test_a_list_point_is_revealed_whole_with_its_items() -> None:
    """Each item's line had been a step of its own: a 12-item list took most of a second to appear."""
    point = "- Signs include [2]:\n  - fever or chills\n  - a cough that does not go away"
    text = f"**Answer:** A is b [1].\n\n**What the sources say**\n{point}\n- E is f [1]."
    assert reveal_steps("", text)[-2:] == [text[: text.index(point) + len(point)], text]
    assert reveal_steps("", text)[-3] == "**Answer:** A is b [1].\n\n**What the sources say**"


def test_pacer_spaces_sentences_but_never_delays_the_first_or_a_slow_stream() -> None:
    now = [10.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(round(s, 3))
        now[0] += s

    pacer = Pacer(0.07, clock=lambda: now[0], sleep=sleep)
    assert list(pacer.steps("A is b [1]. C is d [2].")) == ["A is b [1].", "A is b [1]. C is d [2]."]
    assert slept == [0.07]  # the first sentence at once, the second one interval later
    now[0] += 1.0  # the next line took a second to arrive (a slow LLM)
    assert list(pacer.steps("A is b [1]. C is d [2].\nE is f [3].")) == ["A is b [1]. C is d [2].\nE is f [3]."]
    assert slept == [0.07, 0.0]
