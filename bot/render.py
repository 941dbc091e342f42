"""How an ``Answer`` is shown as text and JSON: the CLI, the API's ``content`` and its extra fields (no web code)."""

from __future__ import annotations

import json
from typing import Any

from bot.types import Answer, Citation

_BANNERS = {
    "emergency": "EMERGENCY",
    "declined": "Cannot advise on personal dosing",
    "abstained": "Not answered by the sources",
    "partial": "Partly answered",
}


def answer_text(answer: Answer) -> str:
    """Answer, notices, numbered sources with their supporting sentence, follow-ups, disclaimer."""
    lines = []
    if answer.status in _BANNERS:
        lines += [f"[{_BANNERS[answer.status]}]", ""]
    lines += [answer.text, ""]
    lines += [f"Note: {n}" for n in answer.notices]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(citation_line(c))
            for s, e in c.spans or ((c.span,) if c.span else ()):  # each supporting sentence: a list's items too
                lines.append("    “" + " ".join(c.text[s:e].split()) + "”")
    elif answer.status == "abstained" and answer.retrieved:
        lines += ["", "Closest passages:"]
        lines += [f"- {p.title} — {p.section} ({p.source})" for p in answer.retrieved[:3]]
    if answer.followups:
        lines += ["", "You could also ask:"] + [f"- {q}" for q in answer.followups]
    if answer.disclaimer:
        lines += ["", answer.disclaimer]
    return "\n".join(lines).strip()


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), indent=2, ensure_ascii=False)


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The Answer as JSON-ready data (tuples become lists)."""
    return json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))


def sources_text(answer: Answer) -> str:
    """The "Sources:" block appended to API replies, for clients that only show ``content``."""
    if not answer.citations:
        return ""
    return "\n".join(["Sources:", *(citation_line(c) for c in answer.citations)])


def citation_line(c: Citation) -> str:
    """``[n] primary source — corpus file › section``: what a reader checks first, where the passage lives second."""
    section = f" › {c.section}" if c.section else ""
    page = f", p. {c.page}" if c.page else ""
    return f"[{c.n}] {c.primary_label} — {c.source}{section}{page}"


def reply_content(answer: Answer) -> str:
    """Answer text, then its sources and the audience's disclaimer: what a plain chat client shows."""
    parts = [answer.text, sources_text(answer), answer.disclaimer]
    return "\n\n".join(p for p in parts if p)


def reply_answer(content: str) -> str:
    """The answer of a ``reply_content`` a client sends back as an assistant message: its "Sources:" block
    and what follows (the disclaimer) are not sentences the answer showed."""
    head, sep, _ = content.partition("\n\nSources:\n")
    return head if sep else content
