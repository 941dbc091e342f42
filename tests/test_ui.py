"""The served app end to end: Debian's Chromium through Playwright, and real API clients, against a live server.

One uvicorn server (in a thread, on a free port) serves a real index of corpus/ for the whole module;
the untrusted-HTML test gets its own small index and server. Screenshots land in docs/.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.answer import Bot
from bot.render import reply_content
from bot.web.api import build_bot, create_app
from bot.web.feedback import FeedbackStore
from bot.web.ui import EXAMPLES
from citebot.cli import main
from evals.datasets import FIELDS, parse_case
from ingest.embed import Embedder, make_embedder
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import ROOT

Q_IMMUNO, Q_WBC = EXAMPLES
DOCS = ROOT / "docs"
BOT_MSG = '#cb-chat [data-testid="bot"]'
BUSY = re.compile(r"Searching the sources|writing the answer")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
Q_EMERGENCY = "my throat is closing after the infusion"


@dataclass
class Live:
    url: str
    bot: Bot
    settings: Settings


def _settings(root: Path) -> Settings:
    """Offline and deterministic whatever CITEBOT_* the developer has set."""
    return Settings(index=root / "index", data_dir=root / "data", chroma_url=None, llm=None, llm_base_url=None,
                    rate_limit=0, api_keys=None, api_keys_file=None)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(bot: Bot, settings: Settings) -> Iterator[str]:
    """The real app under uvicorn in a background thread, as ``citebot chat`` runs it."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(bot, settings),
            host="127.0.0.1",
            port=_free_port(),
            log_level="warning",
            timeout_graceful_shutdown=2,  # browsers keep Gradio's event streams open
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return make_embedder()


class ClinicSites:
    """Two loopback web sites whose pages frame citebot (``/`` the widget, ``/main`` the chat).

    Real servers, not routed pages: Chromium's local-network checks refuse a routed (public-looking) page
    that frames a loopback app. Only the first site is in CITEBOT_WIDGET_ORIGINS.
    """

    def __init__(self) -> None:
        self.app_url = ""
        sites = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = HOST_PAGE.format(url=sites.app_url)
                if self.path == "/main":
                    body = body.replace("/widget/", "/")
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), Page) for _ in range(2)]
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.allowed, self.other = (f"http://localhost:{s.server_address[1]}" for s in self.servers)

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def sites() -> Iterator[ClinicSites]:
    clinic = ClinicSites()
    yield clinic
    clinic.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, sites: ClinicSites) -> Iterator[Live]:
    settings = _settings(tmp_path_factory.mktemp("ui")).model_copy(update={"widget_origins": sites.allowed})
    ingest([ROOT / "corpus"], settings, embedder, progress=False)
    bot = build_bot(settings, embedder)
    with serve(bot, settings) as url:
        sites.app_url = url
        yield Live(url, bot, settings)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def open_chat(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#cb-input textarea")


def wait_answer(page: Any, turn: int) -> str:
    """The sources panel shows turn ``turn`` once its answer is final; return the answer's text."""
    page.wait_for_selector(f'#cb-sources-panel .cb-turn[data-turn="{turn}"]')
    page.wait_for_function(
        "([sel, n]) => { const m = document.querySelectorAll(sel); return m.length >= n &&"
        " !/Searching the sources|writing the answer/.test(m[m.length - 1].innerText); }",
        arg=[BOT_MSG, turn],
    )
    return str(page.locator(BOT_MSG).last.inner_text())


def ask(page: Any, question: str, turn: int) -> str:
    page.fill("#cb-input textarea", question)
    page.press("#cb-input textarea", "Enter")
    return wait_answer(page, turn)


def markers(page: Any) -> list[str]:
    """Hrefs of the [n] links in the latest answer."""
    return list(page.locator(BOT_MSG).last.locator("a.cb-cite").evaluate_all("els => els.map(e => e.hash)"))


WATCH_STREAM = """() => {
  window.__seen = [];
  new MutationObserver(() => {
    const m = document.querySelectorAll('#cb-chat [data-testid="bot"]');
    if (!m.length) return;
    const t = m[m.length - 1].innerText, last = window.__seen[window.__seen.length - 1];
    if (!last || last[1] !== t) window.__seen.push([performance.now(), t]);
  }).observe(document.querySelector('#cb-chat'), {subtree: true, childList: true, characterData: true});
}"""


@pytest.mark.browser
def test_streamed_answer_links_each_marker_to_its_cited_source(live: Live, page: Any) -> None:
    open_chat(page, live.url)
    assert page.get_attribute("#cb-input textarea", "maxlength") == str(live.settings.max_question_chars)
    assert page.locator("input[name='cb-audience']:checked").count() == 0  # first visit: not chosen yet
    page.evaluate(WATCH_STREAM)
    text = ask(page, Q_IMMUNO, 1)
    seen = [t for _, t in page.evaluate("window.__seen") if t.strip()]
    assert len(seen) >= 2 and BUSY.search(seen[0]), seen  # status first, then the growing answer
    assert re.search(r"\[\d+\]", text)
    assert page.is_checked("input[value='patient']")  # unanswered, the default is used and shown

    expected = live.bot.ask(Q_IMMUNO, "patient")
    hrefs = markers(page)
    cited = {f"#src-1-{c.n}" for c in expected.citations}
    assert set(hrefs) == cited
    panel = page.locator('#cb-sources-panel .cb-turn[data-turn="1"] .cb-src')
    assert {f"#{i}" for i in panel.evaluate_all("els => els.map(e => e.id)")} == cited  # exactly the cited ones
    assert panel.count() == len(expected.citations)
    for i, c in enumerate(expected.citations):
        card = panel.nth(i)
        assert c.title in card.inner_text() and c.source in card.inner_text()
        assert card.locator("mark").count() == len(c.spans) >= 1  # each sentence it supports (a list: each item)
    assert "Talk to your care team" in text
    assert "not medical advice" in page.inner_text("#cb-meta")
    assert "Offline mode" not in page.inner_text("body")  # not a developer banner on a patient's answer

    last = max(expected.citations, key=lambda c: c.n).n
    page.locator(BOT_MSG).last.locator(f'a[href="#src-1-{last}"]').first.click()
    target = page.locator(f"#src-1-{last}")
    page.wait_for_function(
        "id => { const r = document.querySelector('#' + id + ' mark').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        arg=f"src-1-{last}",
    )
    assert "cb-flash" in (target.get_attribute("class") or "")
    assert len(page.context.pages) == 1  # an in-page jump, not a new tab


@pytest.mark.browser
def test_followup_button_asks_its_question_on_topic(live: Live, page: Any) -> None:
    open_chat(page, live.url)
    ask(page, Q_IMMUNO, 1)
    button = page.locator("button.cb-followup").first
    question = button.inner_text().strip()
    assert question
    button.click()
    text = wait_answer(page, 2)
    assert page.locator(BOT_MSG).count() == 2
    assert question in page.inner_text("#cb-sources-panel h2")
    assert re.search(r"ocrevus|ocrelizumab", text, re.IGNORECASE), text
    assert page.locator(".cb-banner.abstained").count() == 0
    assert page.locator('#cb-sources-panel details.cb-earlier .cb-turn[data-turn="1"] .cb-src').count() >= 1


@pytest.mark.browser
def test_a_question_asked_again_is_not_answered_with_the_same_sentences(live: Live, page: Any) -> None:
    """The chat passes its earlier answers to the bot, so asked again it shows what it has not shown yet (it
    used to pass only the questions and show the same answer word for word); only a reminder may repeat."""
    open_chat(page, live.url)
    first = ask(page, Q_WBC, 1)
    again = ask(page, f"Sorry, {Q_WBC[0].lower()}{Q_WBC[1:]}", 2)
    cited = [s for s in re.split(r"(?<=[.!?])\s+", first) if re.search(r"\[\d+\]", s)]  # the claims, not the advice
    shown = [re.sub(r"\s*\[\d+\]", "", s).strip("-• \n") for s in cited]
    assert len(shown) >= 3, first
    new = "\n".join(line for line in re.sub(r"\s*\[\d+\]", "", again).splitlines() if not line.startswith("As above"))
    assert not [s for s in shown if s in new], again
    assert page.locator(BOT_MSG).last.locator("a.cb-cite").count() >= 1  # its points keep their citations


@pytest.mark.browser
def test_audience_switch_changes_the_answer_style(live: Live, page: Any) -> None:
    open_chat(page, live.url)
    patient = ask(page, Q_WBC, 1)
    assert "Talk to your care team" in patient
    page.get_by_text("Healthcare professional", exact=True).click()
    page.wait_for_function("() => document.querySelector('#cb-meta').innerText.includes('Next answers')")
    clinician = ask(page, Q_WBC, 2)
    assert clinician != patient
    assert "Talk to your care team" not in clinician
    assert "healthcare professionals" in page.inner_text("#cb-meta").lower()


@pytest.mark.browser
def test_sessions_have_their_own_history(live: Live, browser: Any) -> None:
    contexts = [browser.new_context() for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for pg in pages:
            pg.set_default_timeout(30_000)
            open_chat(pg, live.url)
        for pg, q in zip(pages, (Q_IMMUNO, Q_WBC), strict=True):
            pg.fill("#cb-input textarea", q)
        for pg in pages:
            pg.press("#cb-input textarea", "Enter")
        for pg, q in zip(pages, (Q_IMMUNO, Q_WBC), strict=True):
            wait_answer(pg, 1)
            assert pg.locator(BOT_MSG).count() == 1
            assert q in pg.inner_text("#cb-sources-panel h2")
    finally:
        for c in contexts:
            c.close()


@pytest.mark.browser
def test_thumbs_down_is_stored_and_exported_as_an_eval_case(live: Live, page: Any, tmp_path: Path) -> None:
    open_chat(page, live.url)
    ask(page, Q_WBC, 1)
    page.locator('#cb-chat button[aria-label="Dislike"]').last.click()
    page.wait_for_selector("#cb-comment-row", state="visible")
    page.fill("#cb-comment textarea", "Missed the neutrophil numbers")
    page.click("#cb-comment-send")
    page.wait_for_selector("#cb-comment-row", state="hidden")

    store = FeedbackStore.in_dir(live.settings.data_dir)
    rows = [f for f in store.items() if f.question == Q_WBC]
    assert len(rows) == 1 and rows[0].rating == "down"
    row = rows[0]
    assert row.comment == "Missed the neutrophil numbers" and row.audience == "patient" and row.history == []
    expected = live.bot.ask(Q_WBC, "patient")
    assert row.answer == expected.text and [c["n"] for c in row.citations] == [c.n for c in expected.citations]

    out = tmp_path / "feedback.jsonl"
    assert main(["feedback", "export", str(out), "--data-dir", str(live.settings.data_dir)]) == 0
    case = next(c for c in map(json.loads, out.read_text().splitlines()) if c["turns"][-1] == Q_WBC)
    assert set(case) == {*FIELDS[:6], "comment", "answer", "created"}
    assert case["behavior"] == "answer" and case["facts"] == [] and case["comment"] == row.comment
    assert case["sources"] == list(dict.fromkeys(c.source for c in expected.citations))
    parse_case(case)  # a valid gold-set case, extra fields and all

    page.locator('#cb-chat button[aria-label="Disliked"]').last.click()  # a second click takes the rating back
    deadline = time.monotonic() + 10
    while any(f.question == Q_WBC for f in store.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(f.question == Q_WBC for f in store.items())


EVIL_DOC = """---
title: "Zorblax guide <img src=x onerror=alert('title')><script>alert('title2')</script>"
source_url: "javascript:alert('url')"
---
# Zorblax <svg onload=alert('h1')></svg>

## Taking zorblax <img src=x onerror=alert('section')>

Zorblax tablets are taken once a day with food <svg onload=alert('svg')></svg>.
Zorblax tablets are swallowed whole <details open ontoggle=alert('toggle')>with water</details>.
Read about zorblax at <a href="javascript:alert('link')">this link</a> or [here](javascript:alert('md')).
<script>alert('body')</script>
<iframe src="javascript:alert('iframe')"></iframe>
<img src=x onerror=alert('img')>
Zorblax can cause mild headaches in some people.
"""

WATCH_NODES = """() => {
  window.__added = [];
  new MutationObserver(ms => { for (const m of ms) for (const n of m.addedNodes) {
    if (n.nodeType !== 1) continue;
    for (const el of [n, ...n.querySelectorAll('*')])
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)) window.__added.push(el.outerHTML);
  } }).observe(document.documentElement, {subtree: true, childList: true});
}"""


@pytest.mark.browser
def test_untrusted_html_in_passages_renders_inert(tmp_path: Path, embedder: Embedder, page: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zorblax.md").write_text(EVIL_DOC)
    (corpus / "other.md").write_text("# Vitamin D\n\nVitamin D is made in the skin in sunlight.\n")
    settings = _settings(tmp_path)
    ingest([corpus], settings, embedder, progress=False)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve(build_bot(settings, embedder), settings) as url:
        open_chat(page, url)
        page.evaluate(WATCH_NODES)
        for turn, q in enumerate(("How are zorblax tablets taken?", "What is in the zorblax guide link?"), 1):
            ask(page, q, turn)
        page.wait_for_timeout(1000)  # give any onerror/onload/ontoggle a chance to fire
        panel = page.inner_text("#cb-sources-panel")
        assert "onerror=alert('title')" in panel  # the markup reached the page, as text
        assert dialogs == []
        assert page.evaluate("window.__added") == []
        for region in ("#cb-chat", "#cb-sources-panel", "#cb-meta"):
            live_attrs = page.locator(f"{region} *").evaluate_all(
                "els => els.flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name) ||"
                " /^\\s*javascript:/i.test(a.value)).map(a => e.tagName + ' ' + a.name + '=' + a.value))"
            )
            assert live_attrs == [], region
            assert page.locator(f"{region} script, {region} iframe, {region} svg[onload], {region} img").count() == 0
        assert page.locator('a[href^="javascript:" i]').count() == 0
        page.goto("about:blank")


RISK_ITEMS = [
    "were born to a mother who had zentritis at the time of the birth of the child",
    "are in contact with blood, needles, or body fluids at work in a hospital or a clinic",
    "live with someone who currently has an active zentritis infection at home with them",
    "are on kidney dialysis, the process of filtering wastes and extra water from the blood",
    "have lived in or travel often to parts of the world where zentritis is very common",
]
RISK_DOC = (
    '---\ntitle: "What I need to know about zentritis"\n---\n# Zentritis\n\n## Who is at risk for zentritis?\n\n'
    "Anyone can get zentritis, but those more likely to get it are people who\n\n"
    + "".join(f"- {item}\n" for item in RISK_ITEMS)
    + "\nZentritis is an infection of the liver caused by the zentritis virus.\n"
)


@pytest.mark.browser
def test_a_list_is_shown_as_its_lead_in_then_one_bullet_per_item_each_item_marked(
    tmp_path: Path, embedder: Embedder, page: Any
) -> None:
    """The items of a list were one sentence joined by semicolons: a wall of text where a reader scans a list."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zentritis.md").write_text(RISK_DOC)
    (corpus / "other.md").write_text("# Vitamin D\n\nVitamin D is made in the skin in sunlight.\n")
    settings = _settings(tmp_path)
    ingest([corpus], settings, embedder, progress=False)
    with serve(build_bot(settings, embedder), settings) as url:
        open_chat(page, url)
        text = ask(page, "Who is more likely to get zentritis?", 1)
        msg = page.locator(BOT_MSG).last
        lists = msg.locator("ul").evaluate_all("els => els.map(ul => [...ul.children].map(li => li.innerText.trim()))")
        assert RISK_ITEMS in lists, (lists, text)  # one bullet per item, in the document's order
        assert re.search(r"people who \[1\]:", text) and ";" not in text, text  # the lead-in once, its citation
        card = page.locator('#cb-sources-panel .cb-turn[data-turn="1"] .cb-src').first
        marked = card.locator("mark").all_inner_texts()
        assert len(marked) == len(RISK_ITEMS) + 1, marked  # the lead-in and each item shown
        for item in RISK_ITEMS:
            assert any(item in m for m in marked), (item, marked)
        page.goto("about:blank")


HOST_PAGE = """<!doctype html><html><head><title>Clinic</title><style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #f1f5f9; }}
header {{ background: #0f766e; color: #fff; padding: 14px 24px; font-size: 20px; }}
main {{ display: flex; gap: 32px; padding: 24px; }} article {{ flex: 1; color: #334155; }}
</style></head><body><header>Example MS clinic</header><main><article><h2>Your Ocrevus infusions</h2>
<p>Questions between visits? Ask citebot. Every answer links to the source it comes from.</p></article>
<iframe src="{url}/widget/" title="citebot" width="400" height="640"
 style="border:1px solid #cbd5e1;border-radius:12px;background:#fff"></iframe></main></body></html>"""


@pytest.mark.browser
def test_other_sites_cannot_frame_the_widget_and_none_the_chat(live: Live, sites: ClinicSites, browser: Any) -> None:
    """CSP frame-ancestors as configured, enforced by Chromium: the widget only on the listed site, the chat nowhere."""
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        for page_url, policy in (
            (f"{sites.other}/", f"frame-ancestors 'self' {sites.allowed}"),  # the widget's policy
            (f"{sites.allowed}/main", "frame-ancestors 'none'"),  # the chat's
        ):
            with pg.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
                pg.goto(page_url, wait_until="domcontentloaded")
            assert "violates" in refused.value.text and policy in refused.value.text, refused.value.text
            assert pg.frame_locator("iframe").locator("textarea").count() == 0
    finally:
        context.close()


@pytest.mark.browser
def test_widget_answers_inside_an_iframe(live: Live, sites: ClinicSites, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 760})
    try:
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(f"{sites.allowed}/", wait_until="domcontentloaded")  # the site in CITEBOT_WIDGET_ORIGINS
        frame = pg.frame_locator("iframe")
        frame.locator("#cb-input textarea").wait_for()
        assert frame.get_by_role("group", name="Which best describes you?").is_visible()
        frame.locator("#cb-input textarea").fill(Q_WBC)
        frame.locator("#cb-input textarea").press("Enter")
        frame.locator('#cb-sources-panel .cb-turn[data-turn="1"] .cb-src').first.wait_for()
        answer = frame.locator(BOT_MSG).last
        expected = live.bot.ask(Q_WBC, "patient")
        assert {f"#src-1-{c.n}" for c in expected.citations} == set(
            answer.locator("a.cb-cite").evaluate_all("els => els.map(e => e.hash)")
        )
        assert "not medical advice" in frame.locator("#cb-meta").inner_text()
        pg.wait_for_timeout(300)
        DOCS.mkdir(exist_ok=True)
        pg.screenshot(path=str(DOCS / "screenshot-widget.png"))
        card = frame.locator("#src-1-1")
        assert card.locator("details").get_attribute("open") is None  # folded until its marker is clicked
        answer.locator('a[href="#src-1-1"]').first.click()
        frame.locator("#src-1-1 details[open]").wait_for()
        assert card.locator("mark").count() == len(expected.citations[0].spans) >= 1
    finally:
        context.close()


# ---------------------------------------------------------------- the reading experience, at both viewports

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

FIRST_LINE = """() => {
  const m = document.querySelectorAll('#cb-chat [data-testid="bot"]');
  const row = m[m.length - 1].closest('.message-row'), box = row.closest('.bubble-wrap');
  const r = row.getBoundingClientRect(), b = box.getBoundingClientRect();
  return {offset: r.top - b.top, atEnd: box.scrollTop >= box.scrollHeight - box.clientHeight - 1,
          scrolled: box.scrollTop, top: r.top, height: innerHeight};
}"""

EVIDENCE = """id => {
  const card = document.getElementById(id), mark = card.querySelector('mark');
  const text = card.querySelector('.cb-src-text');
  const m = mark.getBoundingClientRect(), t = text.getBoundingClientRect();
  return {focused: document.activeElement === card, name: card.getAttribute('aria-label'),
          inBox: m.top >= t.top - 1 && (m.bottom <= t.bottom + 1 || m.top <= t.top + 1),
          onScreen: m.top >= 0 && m.top < innerHeight - 8,
          inner: text.scrollTop};
}"""


def axe_problems(page: Any) -> list[str]:
    """Serious and critical axe-core violations (WCAG 2.2 A/AA and best practice) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_first_line_on_top(page: Any) -> None:
    """The newest answer's first line is at the top of the chat box (or, when all of it fits, the box is at its
    end and the whole answer is shown), and that line is on screen."""

    def ok(p: dict[str, Any]) -> bool:
        pinned = -1 <= p["offset"] <= 12 or (p["atEnd"] and p["offset"] >= -1)
        return bool(pinned and 0 <= p["top"] < p["height"] - 40)

    deadline = time.monotonic() + 5
    while not ok(where := page.evaluate(FIRST_LINE)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert ok(where), where


def assert_grew_sentence_by_sentence(page: Any, final: str) -> None:
    """The answer appeared in visible steps, each extending the last. (Pacer spaces them; its timing is tested
    without a browser, since a loaded machine may paint several steps in one frame.)"""
    texts = [" ".join(x.split()) for _, x in page.evaluate("window.__seen") if x.strip() and not BUSY.search(x)]
    assert len(texts) >= 2, texts  # not all at once
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts)), texts
    assert texts[-1] == " ".join(final.split())


def assert_plain_labels_and_named_links(page: Any, expected_titles: dict[int, str]) -> None:
    """Screen readers get each message as text and each [n] as "Source n: title"."""
    for msg in page.locator('#cb-chat [data-testid="bot"], #cb-chat [data-testid="user"]').all():
        label = msg.get_attribute("aria-label") or ""
        assert not re.search(r"<|>|\*\*|href=|\]\(", label), label
        assert " ".join(msg.inner_text().split()) in label
    names = (
        page.locator(BOT_MSG)
        .last.locator("a.cb-cite")
        .evaluate_all("els => els.map(e => [e.textContent, e.getAttribute('aria-label')])")
    )
    assert names
    for text, name in names:
        n = int(text.strip("[]"))
        assert name == f"Source {n}: {expected_titles[n]}"


def assert_targets_at_least_24px(page: Any) -> None:
    boxes = page.locator(
        "#cb-chat .message-buttons button, #cb-chat button[aria-label='Clear'], #cb-ask, #cb-clear, "
        "button.cb-followup, .cb-aud label"
    ).evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => { const r = e.getBoundingClientRect();"
        " return [e.getAttribute('aria-label') || e.textContent.trim(), r.width, r.height]; })"
    )
    assert len(boxes) >= 6, boxes
    small = [b for b in boxes if b[1] < 24 or b[2] < 24]
    assert small == [], small


def deepest_citation(page: Any, turn: int) -> str:
    """The id of the turn's card whose supporting sentence ends furthest below its card's inner scroll."""
    return str(
        page.locator(f'#cb-sources-panel .cb-turn[data-turn="{turn}"] .cb-src').evaluate_all(
            "els => els.map(e => { const t = e.querySelector('.cb-src-text'), m = t.querySelector('mark');"
            " return [e.id, m.getBoundingClientRect().bottom - t.getBoundingClientRect().bottom]; })"
            ".sort((a, b) => b[1] - a[1])[0][0]"
        )
    )


def assert_citation_shows_its_evidence(page: Any, card_id: str, title: str, keyboard: bool) -> None:
    link = page.locator(BOT_MSG).last.locator(f'a[href="#{card_id}"]').first
    if keyboard:
        link.focus()  # then Enter, as a keyboard user does
        page.keyboard.press("Enter")
    else:
        link.click()
    deadline = time.monotonic() + 5
    while True:
        seen = page.evaluate(EVIDENCE, card_id)
        if (seen["focused"] and seen["inBox"] and seen["onScreen"]) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    n = card_id.rsplit("-", 1)[1]
    assert seen["focused"] and seen["inBox"] and seen["onScreen"], seen
    assert seen["name"] == f"Source {n}: {title}"
    assert len(page.context.pages) == 1


def choose_by_keyboard(page: Any, start: str, key: str, expect: str) -> None:
    """Arrow keys move between the audience options: one radio group with one name."""
    group = page.get_by_role("group", name="Which best describes you?")
    assert group.count() == 1
    assert set(group.locator("input[type=radio]").evaluate_all("els => els.map(e => e.name)")) == {"cb-audience"}
    group.locator(f"input[value='{start}']").focus()
    page.keyboard.press(key)
    assert group.locator(f"input[value='{expect}']").is_checked()
    assert page.evaluate("document.activeElement.value") == expect


def screenshot(page: Any, name: str) -> None:
    if name:
        page.wait_for_timeout(400)  # a smooth scroll settles
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / name))


def read_as(
    page: Any,
    live: Live,
    url: str,
    audience: str,
    questions: tuple[str, str],
    folded: bool,
    shots: tuple[str, str] = ("", ""),
) -> None:
    """Points 1-5 of the reading review on one page. ``folded``: source cards start closed (the widget);
    otherwise the deepest supporting sentence starts hidden below its card's inner scroll, as reviewed.
    ``shots``: docs/ screenshots to take once the first answer has landed and once a citation showed its evidence."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#cb-input textarea")
    # 4: the first visit asks, with the reason, and nothing is chosen for the reader.
    assert page.locator(".cb-aud.cb-asking .cb-aud-hint").is_visible()
    assert page.locator("input[name='cb-audience']:checked").count() == 0
    # 5: before any answer.
    assert page.get_by_role("textbox", name="Your question", exact=True).count() == 1
    assert axe_problems(page) == []
    other = "patient" if audience == "clinician" else "clinician"
    choose_by_keyboard(page, other, "ArrowRight", audience)
    page.wait_for_timeout(300)  # the change event reaches the server
    # 4: remembered for the session: a reload does not ask again and keeps the choice.
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#cb-input textarea")
    page.wait_for_function(f"() => document.querySelector(\"input[value='{audience}']\").checked")
    assert page.locator(".cb-aud.cb-asking").count() == 0

    # 3: the answer grows sentence by sentence; 1: it lands at its first line.
    page.evaluate(WATCH_STREAM)
    first = ask(page, questions[0], 1)
    expected = live.bot.ask(questions[0], audience)  # type: ignore[arg-type]
    assert (first.lstrip().startswith("Answer:")) == (audience == "clinician")  # the choice reached the server
    assert_grew_sentence_by_sentence(page, first)
    assert_first_line_on_top(page)
    screenshot(page, shots[0])
    # 4: offline mode stated once, quietly, to the clinician only; never a banner.
    assert page.locator(".cb-banner.extractive").count() == 0
    assert page.locator(".cb-mode").count() == (1 if audience == "clinician" else 0)
    # 5: after the answer.
    titles = {c.n: c.primary_label for c in expected.citations}
    assert_plain_labels_and_named_links(page, titles)
    assert_targets_at_least_24px(page)
    assert axe_problems(page) == []
    # 2: a click, then Enter, bring the supporting sentence into view and focus its card.
    deep = deepest_citation(page, 1)
    before = page.evaluate(EVIDENCE, deep)
    assert not before["focused"]
    if folded:
        assert page.locator(f"#{deep} details:not([open])").count() == 1
    else:
        assert not before["inBox"], before  # hidden below the card's own scroll until the click
    assert_citation_shows_its_evidence(page, deep, titles[int(deep.rsplit("-", 1)[1])], keyboard=False)
    screenshot(page, shots[1])
    assert axe_problems(page) == []  # with a card open and focused
    shallow = next(f"src-1-{n}" for n in titles if f"src-1-{n}" != deep)
    assert_citation_shows_its_evidence(page, shallow, titles[int(shallow.rsplit("-", 1)[1])], keyboard=True)

    # 1: after the reader scrolled the chat up, the next answer still lands at its first line.
    chat = page.locator("#cb-chat .bubble-wrap")
    chat.scroll_into_view_if_needed()
    chat.hover()
    page.mouse.wheel(0, -3000)
    page.wait_for_function("() => document.querySelector('#cb-chat .bubble-wrap').scrollTop === 0")
    ask(page, questions[1], 2)
    assert_first_line_on_top(page)


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """A fresh browser session (no remembered audience) at each reviewed viewport."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield request.param, page
    context.close()


@pytest.mark.browser
def test_reading_the_main_view_as_a_clinician(live: Live, sized_page: tuple[str, Any]) -> None:
    viewport, page = sized_page
    shots = ("screenshot-main.png", "screenshot-evidence.png") if viewport == "desktop" else ("", "")
    read_as(page, live, live.url, "clinician", (Q_IMMUNO, Q_WBC), folded=False, shots=shots)
    assert "Offline mode" in page.inner_text("#cb-meta .cb-mode")


@pytest.mark.browser
def test_reading_the_widget_as_a_patient(live: Live, sized_page: tuple[str, Any]) -> None:
    viewport, page = sized_page
    shots = ("screenshot-phone.png", "") if viewport == "phone" else ("", "")
    read_as(page, live, f"{live.url}/widget/", "patient", (Q_WBC, Q_EMERGENCY), folded=True, shots=shots)
    assert page.locator(BOT_MSG).last.inner_text().startswith("Possible emergency")
    assert "Offline mode" not in page.inner_text("body")
    assert axe_problems(page) == []  # the emergency banner too


def test_openai_client_gets_cited_answers(live: Live) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{live.url}/v1", api_key="unused", max_retries=0, timeout=120)
    assert "citebot" in [m.id for m in client.models.list()]
    reply = client.chat.completions.create(model="any-name", messages=[{"role": "user", "content": Q_IMMUNO}])
    content = reply.choices[0].message.content or ""
    citations = (reply.model_extra or {})["citations"]
    assert reply.model == "any-name" and citations
    mode = (reply.model_extra or {})["citebot"]  # offline mode, stated in a field rather than the text
    assert mode["backend"] == "extractive" and any("no language model" in n for n in mode["notices"])
    assert "Sources:" in content and all(f"[{c['n']}]" in content for c in citations)
    assert content == reply_content(live.bot.ask(Q_IMMUNO, "patient"))

    messages: Any = [
        {"role": "system", "content": "The user is a clinician."},
        {"role": "user", "content": Q_IMMUNO},
        {"role": "assistant", "content": "(earlier answer)"},
        {"role": "user", "content": Q_WBC},
    ]
    chunks = list(client.chat.completions.create(model="citebot", messages=messages, stream=True))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 3
    expected = live.bot.ask(Q_WBC, "clinician", [Q_IMMUNO])
    assert streamed == reply_content(expected)
    final = chunks[-1].model_extra or {}
    assert [c["n"] for c in final["citations"]] == [c.n for c in expected.citations]
    assert final["citebot"]["audience"] == "clinician"


def test_gradio_client_calls_the_named_endpoint(live: Live) -> None:
    from gradio_client import Client

    client = Client(f"{live.url}/", verbose=False)
    result = client.predict(Q_WBC, "clinician", [], api_name="/ask")
    assert result["audience"] == "clinician" and result["status"] in ("answered", "partial")
    assert result["citations"] and re.search(r"\[\d+\]", result["text"])
    assert result["text"] == live.bot.ask(Q_WBC, "clinician").text
    with pytest.raises(Exception, match=r"(?i)type a question"):
        client.predict("  ", "patient", [], api_name="/ask")


def test_twenty_simultaneous_users_each_get_their_own_answer(live: Live) -> None:
    questions = [
        Q_IMMUNO,
        Q_WBC,
        "Can I get the flu vaccine while on Ocrevus?",
        "Is hepatitis B screening needed before ocrelizumab?",
        "Can I breastfeed while taking Ocrevus?",
    ]
    jobs = [(q, aud) for q in questions for aud in ("patient", "clinician")] * 2

    def call(job: tuple[str, str]) -> tuple[tuple[str, str], httpx.Response]:
        q, aud = job
        body = {"model": "citebot", "audience": aud, "messages": [{"role": "user", "content": q}]}
        return job, httpx.post(f"{live.url}/v1/chat/completions", json=body, timeout=180)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(call, jobs))
    assert len(results) == 20
    assert [r.status_code for _, r in results] == [200] * 20
    contents: dict[tuple[str, str], set[str]] = {}
    for job, r in results:
        contents.setdefault(job, set()).add(r.json()["choices"][0]["message"]["content"])
    for (q, aud), got in contents.items():
        assert got == {reply_content(live.bot.ask(q, aud))}, (q, aud)  # what this question alone gets
    assert len({next(iter(v)) for v in contents.values()}) == len(contents)
