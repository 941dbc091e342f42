"""The Gradio chat (``/``) and its compact, embeddable twin (``/widget``).

Both stream ``Bot.stream`` into a chat sentence by sentence, list the cited passages with the supporting
span marked, and link every ``[n]`` to its source. Everything from the index (titles, passages, URLs) is
untrusted: it is HTML-escaped here and the Chatbot keeps Gradio's sanitizer on, so a poisoned document
renders as text. Per-session state lives in ``gr.State`` (never module globals), so browser sessions never
share history. Page behaviour (where a new answer lands, what a citation click shows, text for screen
readers) is in ``chat.js``.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gradio as gr

from bot.answer import Bot, InvalidQuestion
from bot.listing import list_spans
from bot.render import answer_dict
from bot.types import Answer, Audience, Citation, Passage
from bot.web.feedback import FeedbackStore
from bot.web.privacy import FAILED, log_failure
from ingest.errors import CitebotError
from ingest.settings import Settings

log = logging.getLogger("citebot.ui")

AUDIENCES: list[tuple[str, str]] = [("Healthcare professional", "clinician"), ("Patient or caregiver", "patient")]
EXAMPLES = [
    "Does Ocrevus (ocrelizumab) infusion for multiple sclerosis (MS) make a patient immunocompromised?",
    "Does Ocrevus lower white blood cell count?",
]
MAX_FOLLOWUPS = 3
_MARKER = re.compile(r"\[(\d+)\]")
# Where a sentence (with its trailing markers) or a line ends: the steps in which an answer is revealed.
_SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*(?=\s)|\n")
# Shortest time between two revealed sentences. The offline answerer verifies a whole answer in ~30 ms,
# which no reader sees as growth; this spacing makes it visible (about 0.35 s over a six-sentence answer,
# none before the first sentence). A slower LLM stream is never held back by it.
REVEAL_INTERVAL_S = 0.07

# System fonts only: a medical app should not call out to a font CDN on every page view.
THEME = gr.themes.Soft(
    primary_hue="blue",
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
).set(  # the theme's blue-500 under white text is 3.7:1; blue-700 is 6.7:1 (WCAG AA needs 4.5:1)
    button_primary_background_fill="#1d4ed8",
    button_primary_background_fill_hover="#1e40af",
    button_primary_text_color="#ffffff",
)

CSS = """
.gradio-container { max-width: 1280px !important; }
#cb-header h1 { margin: 0; font-size: 1.6rem; }
#cb-header p { margin: .2rem 0 0; color: #4b5563; }
.cb-cite { text-decoration: none !important; font-weight: 600; color: #1d4ed8 !important; }
/* Gradio dims chat text (opacity) below 4.5:1; messages are full strength here. */
#cb-chat .message-content, #cb-chat .message-content .prose { opacity: 1 !important; color: #1f2937; }
/* Like, dislike, copy and clear: at least 24×24 px targets (WCAG 2.5.8), on a phone too. */
#cb-chat .message-buttons button.icon-button, #cb-chat .top-panel button.icon-button {
  min-width: 28px !important; min-height: 28px !important; }
#cb-chat .message-wrap { padding-top: 30px; }  /* the first question clear of the (larger) clear button */
#cb-ask-row { align-items: center; }
footer, footer .show-api, footer a { color: #374151 !important; opacity: 1 !important; }
#cb-audience { border: 0; padding: 0; margin: 0; }
.cb-aud { border: 1px solid #d1d5db; border-radius: 10px; padding: .45rem .75rem .6rem; margin: 0; background: #fff; }
.cb-aud legend { font-weight: 600; color: #111827; padding: 0 .25rem; }
.cb-aud-hint { margin: 0 0 .4rem; color: #374151; font-size: .9rem; display: none; }
.cb-aud.cb-asking { border: 2px solid #1d4ed8; }
.cb-aud.cb-asking .cb-aud-hint { display: block; }
.cb-aud-options { display: flex; flex-wrap: wrap; gap: .4rem .6rem; }
.cb-aud label { display: inline-flex; align-items: center; gap: .4rem; min-height: 32px; padding: .2rem .7rem;
                border: 1px solid #9ca3af; border-radius: 999px; cursor: pointer; color: #111827; background: #fff; }
.cb-aud label:has(input:checked) { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
.cb-aud input[type="radio"] { appearance: none; -webkit-appearance: none; width: 18px; height: 18px; margin: 0;
                              border: 2px solid #4b5563; border-radius: 50%; background: #fff; }
.cb-aud input[type="radio"]:checked { border-color: #fff;
                                      background: radial-gradient(circle, #1d4ed8 0 35%, #fff 42%); }
.cb-aud label:has(input:focus-visible) { outline: 3px solid #f59e0b; outline-offset: 2px; }
.cb-mode { margin: .3rem 0 0; font-size: .82rem; color: #4b5563; }
.cb-banner { border-radius: 8px; padding: .6rem .8rem; margin: .3rem 0; border: 1px solid; font-size: .95rem; }
.cb-banner.emergency { background: #b91c1c; border-color: #7f1d1d; color: #fff; font-size: 1.1rem; font-weight: 700; }
.cb-banner.declined, .cb-banner.partial { background: #fffbeb; border-color: #f59e0b; color: #78350f; }
.cb-banner.abstained { background: #f3f4f6; border-color: #9ca3af; color: #1f2937; }
.cb-banner.error { background: #fef2f2; border-color: #f87171; color: #7f1d1d; }
.cb-notices { margin: .2rem 0 .2rem 1.1rem; padding: 0; font-size: .9rem; color: #374151; }
.cb-disclaimer { font-size: .85rem; color: #4b5563; border-top: 1px solid #e5e7eb;
                 padding-top: .4rem; margin-top: .4rem; }
.cb-sources h2 { margin: 0 0 .5rem; font-size: 1.05rem; }
.cb-src { border: 1px solid #e5e7eb; border-radius: 8px; padding: .55rem .7rem; margin-bottom: .6rem;
          background: #fff; scroll-margin-top: 80px; transition: box-shadow .3s, border-color .3s; }
.cb-src.cb-flash { border-color: #2563eb; box-shadow: 0 0 0 3px #bfdbfe; }
.cb-src:focus { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.cb-src-head { font-size: .95rem; color: #111827; }
.cb-src-n { display: inline-block; min-width: 1.8rem; font-weight: 700; color: #1d4ed8; }
.cb-src-where { font-size: .8rem; color: #4b5563; margin: .15rem 0 .35rem; overflow-wrap: anywhere; }
.cb-sources .cb-src-text { white-space: pre-wrap; font-size: .88rem; line-height: 1.45; color: #374151;
                           margin: 0 !important; padding: 0 !important; border: 0 !important; font-style: normal;
                           max-height: 16rem; overflow-y: auto; quotes: none; }
.cb-sources .cb-src-text::before, .cb-sources .cb-src-text::after { content: none !important; }
.cb-src-text mark { background: #fde68a; color: inherit; padding: 0 .1rem; border-radius: 2px; }
.cb-earlier > summary { cursor: pointer; color: #4b5563; margin: .4rem 0; }
.cb-empty { color: #4b5563; font-size: .9rem; }
#cb-followups button { font-size: .88rem; }
"""

WIDGET_CSS = (
    CSS
    + """
.gradio-container { max-width: 100% !important; padding: 0 !important; }
.gradio-container .main.app { padding: 6px 8px !important; }
.cb-aud { padding: .3rem .55rem .45rem; }
.cb-aud legend, .cb-aud label { font-size: .88rem; }
footer { display: none !important; }
.cb-src { padding: .4rem .55rem; margin-bottom: .4rem; }
.cb-src > details > summary { cursor: pointer; }
.cb-sources .cb-src-text { max-height: 10rem; }
.cb-banner { font-size: .82rem; padding: .35rem .55rem; }
.cb-banner.emergency { font-size: .95rem; }
.cb-disclaimer { font-size: .76rem; }
.cb-sources h2 { font-size: .95rem; }
#cb-followups button { font-size: .8rem; }
"""
)

# Page behaviour (chat.js) inlined in <head>: no extra request, and it runs before the app renders.
HEAD = "<script>\n" + Path(__file__).with_name("chat.js").read_text(encoding="utf-8") + "</script>\n"


@dataclass
class Turn:
    """One question and its answer in a session; ``markdown`` is what the chat shows for the answer."""

    question: str
    audience: Audience
    history: list[str]
    markdown: str = ""
    answer: Answer | None = None
    feedback_id: int | None = None
    rating: str | None = None
    failed: bool = False


@dataclass
class Session:
    """A browser session's conversation; held in ``gr.State`` so each session has its own."""

    turns: list[Turn] = field(default_factory=list)

    def history(self) -> list[str]:
        """Earlier questions that were answered (failed or refused input does not steer follow-ups)."""
        return [t.question for t in self.turns if t.answer is not None]

    def messages(self) -> list[dict[str, str]]:
        """The answered turns as chat messages, each question followed by the answer shown for it: the bot
        reads its earlier answers from them, so a follow-up does not show again what the chat shows already."""
        out = []
        for t in self.turns:
            if t.answer is not None:
                out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.text}]
        return out


# ---------------------------------------------------------------- rendering (pure; tested without a browser)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def anchor_id(turn_no: int, n: int) -> str:
    return f"src-{turn_no}-{n}"


def source_name(n: int, title: str = "") -> str:
    """What a screen reader hears for ``[n]`` and for its card: "Source n: title"."""
    return f"Source {n}: {title}" if title else f"Source {n}"


def answer_markdown(text: str, turn_no: int, citations: Sequence[Citation] = ()) -> str:
    """Answer text for the Chatbot: HTML escaped (shown, never parsed), each ``[n]`` a link to its source.

    The link's ``title`` names the source (a tooltip; chat.js makes it the accessible name, as the Chatbot's
    sanitizer drops aria-* attributes). While streaming the titles are not known yet: "Source n"."""
    titles = {c.n: c.primary_label for c in citations}

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return (
            f'<a class="cb-cite" href="#{anchor_id(turn_no, n)}" title="{_e(source_name(n, titles.get(n, "")))}">'
            f"[{n}]</a>"
        )

    return _MARKER.sub(link, html.escape(text, quote=False))


def reveal_steps(shown: str, text: str) -> list[str]:
    """The prefixes of ``text`` that add one sentence (or line) at a time to ``shown``, ending with ``text``; a list
    point (its lead-in and item bullets, ``bot.listing``) in one step."""
    if text == shown:
        return []
    if not text.startswith(shown):
        return [text]
    steps: list[str] = []
    lists = list_spans(text)
    for m in _SENTENCE_END.finditer(text, len(shown)):
        if any(s <= m.start() < e for s, e in lists):
            continue  # a list appears whole, its lead-in with its items: the one point it is
        step = text[: m.end()].rstrip()
        if len(step) > len(shown.rstrip()) and (not steps or step != steps[-1]):
            steps.append(step)
    if not steps or steps[-1] != text:
        steps.append(text)
    return steps


class Pacer:
    """Reveals verified text a sentence at a time, each no sooner than ``interval`` after the one before.

    The first sentence is never delayed, and a stream slower than ``interval`` (an LLM) is never held back.
    """

    def __init__(
        self,
        interval: float = REVEAL_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.shown = ""
        self.last = 0.0

    def steps(self, text: str) -> Iterator[str]:
        for step in reveal_steps(self.shown, text):
            if self.shown:
                self.sleep(max(0.0, self.last + self.interval - self.clock()))
            self.shown, self.last = step, self.clock()
            yield step


def status_prefix(answer: Answer) -> str:
    """A marker kept inside the message itself, so an emergency reply stays flagged in the history."""
    if answer.status == "emergency":
        return "**Possible emergency: get help now.**\n\n"
    if answer.status == "declined":
        return "**I can't advise on personal dosing.**\n\n"
    return ""


def safe_url(url: str) -> str | None:
    """Only http(s) links leave the page: a ``javascript:`` or ``data:`` source URL stays plain text."""
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme.lower() in ("http", "https") and parsed.netloc and not re.search(r"\s", url):
        return url
    return None


def highlighted(text: str, span: tuple[int, int] | list[int] | None, spans: Sequence[Sequence[int]] = ()) -> str:
    """Passage text escaped, with each supporting span (``spans``, else ``span``) wrapped in ``<mark>``: a list's
    lead-in and each of its items shown in the answer."""
    given = spans or ([span] if span else [])
    marks = sorted((int(s), int(e)) for s, e in given if 0 <= int(s) < int(e) <= len(text))
    out: list[str] = []
    at = 0
    for s, e in marks:
        if s < at:
            continue  # overlapping spans: the first one marks it
        out += [_e(text[at:s]), f"<mark>{_e(text[s:e])}</mark>"]
        at = e
    return "".join([*out, _e(text[at:])])


def _where(source: str, source_url: str, page: int | None) -> str:
    url = safe_url(source_url) if source_url else None
    parts = []
    if url:
        parts.append(f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer nofollow">{_e(url)}</a>')
    elif source_url:
        parts.append(_e(source_url))
    parts.append(f"<code>{_e(source)}</code>")
    if page:
        parts.append(f"p. {int(page)}")
    return " · ".join(parts)


def _primary_html(c: Citation, linked: bool = True) -> str:
    """The primary source's label (linked when its url is safe and ``linked``), or the document title before
    v4 indexes."""
    if not c.primary:
        return f"<strong>{_e(c.title)}</strong>"
    out = []
    for p in c.primary:
        url = safe_url(p.url) if p.url and linked else None
        label = f"<strong>{_e(p.label)}</strong>"
        link = f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer nofollow">{label}</a>'
        out.append(link if url else label)
    return "; ".join(out)


def citation_html(c: Citation, turn_no: int, compact: bool) -> str:
    """A source card naming the primary source first (the corpus document and file second); focusable (a
    citation click moves focus here) and named "Source n: <primary source>"; the passage is a
    keyboard-scrollable quote."""
    primary = f'<span class="cb-src-primary">{_primary_html(c, linked=not compact)}</span>'
    head = f'<span class="cb-src-n">[{c.n}]</span>{primary}'
    doc = _e(c.title) + (f" — {_e(c.section)}" if c.section else "")
    where = f"{doc} · {_where(c.source, c.source_url, c.page)}"
    body = f'<blockquote class="cb-src-text" tabindex="0">{highlighted(c.text, c.span, c.spans)}</blockquote>'
    if compact and any(p.url for p in c.primary):  # no link inside <summary> (a control in a control): below it
        where = f"{_primary_html(c)} · {where}"
    where = f'<div class="cb-src-where">{where}</div>'
    inner = (
        f"<details><summary class='cb-src-head'>{head}</summary>{where}{body}</details>"
        if compact
        else f'<div class="cb-src-head">{head}</div>{where}{body}'
    )
    return (
        f'<article class="cb-src" id="{anchor_id(turn_no, c.n)}" data-n="{c.n}" tabindex="-1" '
        f'aria-label="{_e(source_name(c.n, c.primary_label))}">{inner}</article>'
    )


def passage_html(p: Passage) -> str:
    """An uncited nearby passage (shown when the bot abstains), escaped like a citation."""
    head = f"<strong>{_e(p.title)}</strong>" + (f" — {_e(p.section)}" if p.section else "")
    return (
        f'<div class="cb-src cb-near"><div class="cb-src-head">{head}</div>'
        f'<div class="cb-src-where">{_where(p.source, p.source_url, p.page)}</div>'
        f'<blockquote class="cb-src-text" tabindex="0">{_e(p.text)}</blockquote></div>'
    )


def turn_sources_html(turn: Turn, turn_no: int, compact: bool) -> str:
    a = turn.answer
    if a is None:
        return ""
    if a.citations:
        return "".join(citation_html(c, turn_no, compact) for c in a.citations)
    if a.status == "abstained" and a.retrieved:
        near = "".join(passage_html(p) for p in a.retrieved[:3])
        return f'<p class="cb-empty">No passage answered this. The closest ones:</p>{near}'
    return '<p class="cb-empty">No sources for this reply.</p>'


def sources_html(session: Session, compact: bool = False) -> str:
    """The latest answer's cited passages; earlier answers' sources folded away (their links still work)."""
    done = [(i + 1, t) for i, t in enumerate(session.turns) if t.answer is not None]
    if not done:
        return (
            '<div class="cb-sources" id="cb-sources"><h2>Sources</h2>'
            '<p class="cb-empty">Cited passages appear here, with the supporting sentence highlighted.</p></div>'
        )
    last_no, last = done[-1]
    parts = ['<div class="cb-sources" id="cb-sources">', f"<h2>Sources for: {_e(last.question)}</h2>"]
    parts.append(f'<div class="cb-turn" data-turn="{last_no}">{turn_sources_html(last, last_no, compact)}</div>')
    for no, t in reversed(done[:-1]):
        parts.append(
            f'<details class="cb-earlier"><summary>Sources for earlier question: {_e(t.question)}</summary>'
            f'<div class="cb-turn" data-turn="{no}">{turn_sources_html(t, no, compact)}</div></details>'
        )
    parts.append("</div>")
    return "".join(parts)


_BANNERS = {
    "emergency": "This may be a medical emergency. Call your local emergency number now; citebot cannot help here.",
    "declined": "citebot cannot advise on personal doses. Your prescriber or pharmacist can.",
    "abstained": "Not answered: the sources do not cover this question. The closest passages are listed.",
    "partial": "Partly answered: statements the sources did not support were removed.",
}
OFFLINE_NOTE = "Offline mode: no language model is configured, so answers quote sentences from the sources."


def meta_html(answer: Answer | None, disclaimer: str, error: str = "", note: str = "", offline: bool = False) -> str:
    """Banners for the latest answer's status, its notices, and the fixed disclaimer under it.

    ``offline`` adds one quiet line under the disclaimer (the clinician view's): how the answers are made
    matters to a clinician weighing them, while to a patient it is noise on every answer."""
    parts = ['<div class="cb-meta">']
    if error:
        parts.append(f'<div class="cb-banner error" role="alert">{_e(error)}</div>')
    if answer is not None:
        if answer.status in _BANNERS:
            role = ' role="alert"' if answer.status == "emergency" else ""
            parts.append(f'<div class="cb-banner {answer.status}"{role}>{_e(_BANNERS[answer.status])}</div>')
        notes = [n for n in answer.notices if not n.startswith("Extractive answer")]
        if notes:
            parts.append('<ul class="cb-notices">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    if note:
        parts.append(f'<div class="cb-notices">{_e(note)}</div>')
    parts.append(f'<div class="cb-disclaimer">{_e(disclaimer)}</div>')
    if offline:
        parts.append(f'<p class="cb-mode">{_e(OFFLINE_NOTE)}</p>')
    parts.append("</div>")
    return "".join(parts)


def chat_messages(session: Session) -> list[dict[str, str]]:
    """Chatbot messages (user, assistant) per turn; the like event maps message index // 2 to the turn."""
    out: list[dict[str, str]] = []
    for t in session.turns:
        out.append({"role": "user", "content": html.escape(t.question, quote=False)})
        out.append({"role": "assistant", "content": t.markdown or "…"})
    return out


def audience_label(audience: str) -> str:
    return next((label for label, value in AUDIENCES if value == audience), audience)


# The audience choice is our own radio group: Gradio's Radio gives each option its own ``name`` (so arrow
# keys do not move between them) and its group no accessible name. A fieldset with a legend has both.
AUDIENCE_HTML = (
    '<fieldset class="cb-aud"><legend>Which best describes you?</legend>'
    '<p class="cb-aud-hint">Your choice helps us use language that is most understandable for you.</p>'
    '<div class="cb-aud-options">'
    + "".join(
        f'<label><input type="radio" name="cb-audience" value="{value}"> {label}</label>' for label, value in AUDIENCES
    )
    + "</div></fieldset>"
)
# First visit: nothing chosen, the question and its reason shown. A choice is kept in sessionStorage, so a
# reload in the same tab (or the widget on the next page of the clinic's site) does not ask again.
AUDIENCE_JS = """
const KEY = 'citebot-audience';
function sync() {
  element.querySelectorAll('input[name="cb-audience"]').forEach(i => { i.checked = i.value === props.value; });
  const box = element.querySelector('.cb-aud');
  if (box) box.classList.toggle('cb-asking', !props.value);
}
element.addEventListener('change', e => {
  if (!e.target || e.target.name !== 'cb-audience') return;
  props.value = e.target.value;
  try { sessionStorage.setItem(KEY, e.target.value); } catch (err) {}
  trigger('change');
});
let saved = null;
try { saved = sessionStorage.getItem(KEY); } catch (err) {}
if (saved === 'clinician' || saved === 'patient') { props.value = saved; trigger('change'); }
sync();
watch('value', sync);
"""


# ---------------------------------------------------------------- the Blocks


def build_chat(bot: Bot, settings: Settings, store: FeedbackStore, compact: bool = False) -> gr.Blocks:
    """The main chat view, or with ``compact`` the widget: patient by default, sources inline and folded."""
    from bot import safety

    default_audience: Audience = "patient" if compact else settings.audience
    offline = bot.answerer is bot.offline

    def chosen(audience: str | None) -> Audience:
        """The audience picked on the page, or the default while the first-visit question is unanswered."""
        return "clinician" if audience == "clinician" else "patient" if audience == "patient" else default_audience

    def meta_for(session: Session, audience: Audience, error: str = "", note: str = "") -> str:
        last = session.turns[-1].answer if session.turns else None
        return meta_html(last, disclaimer_for(session, audience), error, note, offline and audience == "clinician")

    def disclaimer_for(session: Session, audience: Audience) -> str:
        last = next((t.answer for t in reversed(session.turns) if t.answer is not None), None)
        return last.disclaimer if last is not None else safety.disclaimer(audience)

    def followup_updates(session: Session) -> list[Any]:
        last = session.turns[-1].answer if session.turns else None
        ups = list(last.followups[:MAX_FOLLOWUPS]) if last is not None else []
        ups += [""] * (MAX_FOLLOWUPS - len(ups))
        return [gr.update(value=q, visible=True) if q else gr.update(visible=False) for q in ups]

    def view(
        session: Session, audience: Audience, error: str = "", box: Any = None, choice: Any = None
    ) -> tuple[Any, ...]:
        """All outputs of an answer event, in the order of ``answer_outputs``."""
        return (
            chat_messages(session),
            sources_html(session, compact),
            meta_for(session, audience, error),
            *followup_updates(session),
            gr.update() if box is None else box,
            gr.update() if choice is None else choice,
            session,
        )

    def respond(message: str, picked: str | None, session: Session) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, a sentence at a time; bad input is a banner, never a traceback."""
        audience = chosen(picked)
        question = (message or "").strip()
        if not question:
            yield view(session, audience, "Please type a question.")
            return
        if len(question) > settings.max_question_chars:
            yield view(
                session,
                audience,
                f"Your question is {len(question)} characters long; the limit is {settings.max_question_chars}. "
                "Please shorten it.",
            )
            return
        conversation = session.messages()
        turn = Turn(question, audience, session.history(), markdown="_Searching the sources…_")
        session.turns.append(turn)
        turn_no = len(session.turns)
        # Unanswered first-visit question: show which audience this answer is written for.
        yield view(session, audience, box="", choice=None if picked else audience)
        pacer = Pacer()
        try:
            for event in bot.stream(question, audience, conversation):
                answer = event.answer
                if event.kind == "status":
                    turn.markdown = f"_{html.escape(event.text, quote=False)}_"
                elif answer is None:
                    for step in pacer.steps(event.text):
                        turn.markdown = answer_markdown(step, turn_no)
                        yield view(session, audience)
                    continue
                else:
                    if answer.status in ("answered", "partial"):  # what the last delta did not show yet
                        for step in pacer.steps(answer.text):
                            if step != answer.text:  # the whole answer is rendered below, sources named
                                turn.markdown = answer_markdown(step, turn_no)
                                yield view(session, audience)
                    turn.answer = answer
                    turn.markdown = status_prefix(answer) + answer_markdown(answer.text, turn_no, answer.citations)
                yield view(session, audience)
        except InvalidQuestion as err:
            session.turns.pop()
            yield view(session, audience, str(err), box=question)
        except CitebotError as err:
            turn.failed, turn.markdown = True, "_No answer: see the message below._"
            yield view(session, audience, str(err))
        except Exception as err:
            log_failure(log, "answering in the chat", err, question)
            turn.failed, turn.markdown = True, "_Sorry, something went wrong while answering._"
            yield view(session, audience, FAILED)

    def ask_example(picked: str | None, session: Session, evt: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value)
        yield from respond(text, picked, session)

    def on_audience(picked: str | None, session: Session) -> str:
        audience = chosen(picked)
        note = f"Next answers will be written for: {audience_label(audience)}." if session.history() else ""
        return meta_for(session, audience, note=note)

    def on_like(session: Session, evt: gr.LikeData) -> tuple[Any, Any, Any]:
        """Store the rating at once (a comment is optional and may never come); then offer the comment box."""
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        n = int(index) // 2
        if not (0 <= n < len(session.turns)) or session.turns[n].answer is None:
            return gr.update(), None, gr.update()
        turn = session.turns[n]
        answer = turn.answer
        assert answer is not None
        if evt.liked in ("", None):  # the frontend sends "" when a thumb is clicked again to unselect it
            if turn.feedback_id is not None:
                store.delete(turn.feedback_id)
            turn.feedback_id = turn.rating = None
            return gr.update(visible=False), None, gr.update(value="")
        rating: Any = "up" if evt.liked is True or evt.liked == "Like" else "down"
        if turn.feedback_id is not None:
            store.set_rating(turn.feedback_id, rating)
        else:
            turn.feedback_id = store.record(
                turn.question,
                turn.history,
                turn.audience,
                answer.text,
                [asdict(c) for c in answer.citations],
                rating,
            )
        turn.rating = rating
        label = "Thanks! What was wrong or missing? (optional)" if rating == "down" else "Thanks! Anything to add?"
        return gr.update(visible=True), turn.feedback_id, gr.update(value="", label=label)

    def on_comment(comment: str, feedback_id: int | None) -> tuple[Any, Any]:
        if feedback_id is not None and comment.strip():
            store.set_comment(feedback_id, comment)
            gr.Info("Thanks — your comment was saved.")
        return gr.update(visible=False), gr.update(value="")

    def clear(picked: str | None) -> tuple[Any, ...]:
        return view(Session(), chosen(picked), box="")

    title = "citebot" if not compact else "citebot widget"
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        session = gr.State(Session())
        pending_feedback = gr.State(None)
        if not compact:
            gr.HTML(
                "<h1>citebot</h1><p>Answers from a curated set of medical sources. Every statement cites the "
                "passage that supports it; click a [number] to see it.</p>",
                elem_id="cb-header",
            )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                audience = gr.HTML(None, html_template=AUDIENCE_HTML, js_on_load=AUDIENCE_JS, elem_id="cb-audience")
                chatbot = gr.Chatbot(
                    label="citebot",
                    show_label=False,
                    elem_id="cb-chat",
                    height=320 if compact else 480,
                    examples=[{"text": q} for q in EXAMPLES],
                    placeholder=None if compact else "Ask a question, or pick one of the examples.",
                    sanitize_html=True,
                    allow_tags=False,
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                    autoscroll=False,  # chat.js keeps a new answer's first line in view instead
                    layout="bubble",
                )
                meta = gr.HTML(
                    meta_html(
                        None, safety.disclaimer(default_audience), offline=offline and default_audience == "clinician"
                    ),
                    elem_id="cb-meta",
                )
                with gr.Row(elem_id="cb-followups"):
                    followups = [
                        gr.Button(visible=False, size="sm", variant="secondary", elem_classes=["cb-followup"])
                        for _ in range(MAX_FOLLOWUPS)
                    ]
                with gr.Row(visible=False, elem_id="cb-comment-row") as comment_row:
                    comment = gr.Textbox(label="Comment (optional)", scale=4, max_lines=4, elem_id="cb-comment")
                    send_comment = gr.Button("Send", scale=1, elem_id="cb-comment-send")
                with gr.Row(elem_id="cb-ask-row", equal_height=True):
                    # The button sits outside the textbox's <label>, so the box is named "Your question" alone.
                    textbox = gr.Textbox(
                        label="Your question",
                        placeholder="Ask a question…",
                        show_label=False,
                        max_length=settings.max_question_chars,
                        lines=1,
                        max_lines=6,
                        scale=5,
                        min_width=160,
                        elem_id="cb-input",
                    )
                    ask_button = gr.Button("Ask", variant="primary", scale=0, min_width=72, elem_id="cb-ask")
                new_chat = gr.Button("New conversation", size="sm", variant="secondary", elem_id="cb-clear")
                if compact:
                    sources = gr.HTML(sources_html(Session(), compact=True), elem_id="cb-sources-panel")
            if not compact:
                with gr.Column(scale=2, min_width=300):
                    sources = gr.HTML(sources_html(Session()), elem_id="cb-sources-panel")

        answer_outputs = [chatbot, sources, meta, *followups, textbox, audience, session]
        # One concurrency group for every way of asking (typed, example, follow-up): the limit is per Blocks.
        answering: dict[str, Any] = {
            "outputs": answer_outputs,
            "concurrency_limit": settings.chat_concurrency,
            "concurrency_id": "answer",
            "api_visibility": "private",
            "show_progress": "hidden",
        }
        textbox.submit(respond, [textbox, audience, session], **answering)
        ask_button.click(respond, [textbox, audience, session], **answering)
        chatbot.example_select(ask_example, [audience, session], **answering)
        for button in followups:
            button.click(respond, [button, audience, session], **answering)
        audience.change(on_audience, [audience, session], meta, api_visibility="private", queue=False)
        chatbot.like(on_like, [session], [comment_row, pending_feedback, comment], api_visibility="private")
        send_comment.click(on_comment, [comment, pending_feedback], [comment_row, comment], api_visibility="private")
        comment.submit(on_comment, [comment, pending_feedback], [comment_row, comment], api_visibility="private")
        new_chat.click(clear, audience, answer_outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, audience, answer_outputs, api_visibility="private", queue=False)

        if not compact:

            def ask(question: str, audience: str = "patient", history: list[str] | None = None) -> dict[str, Any]:
                """Answer ``question`` for ``audience`` (patient|clinician) after earlier user ``history``.

                Returns the Answer as a dict: text with [n] markers, status, citations, followups, disclaimer.
                """
                if audience not in ("patient", "clinician"):
                    raise gr.Error("audience must be 'patient' or 'clinician'")
                try:
                    return answer_dict(bot.ask(question, audience, history or []))  # type: ignore[arg-type]
                except CitebotError as err:
                    raise gr.Error(str(err)) from None
                except Exception as err:  # Gradio would print the message (which may quote the question)
                    log_failure(log, "answering over /ask", err, question)
                    raise gr.Error(FAILED) from None

            gr.api(ask, api_name="ask", concurrency_limit=settings.chat_concurrency, concurrency_id="answer")

    demo.queue(max_size=settings.chat_queue_size, default_concurrency_limit=settings.chat_concurrency)
    return demo
