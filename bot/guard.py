"""Defences around the model: passages are untrusted data, and model output is untrusted markup.

Passage side: sentences that address an AI ("ignore previous instructions", "reply with",
"say that...") are cut before a passage reaches the prompt or the verifier, so an answer that
obeys them finds no support and is removed. Output side: Markdown images (a classic exfiltration
channel), raw HTML and links to hosts outside the allowlist are stripped from what the user sees.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from urllib.parse import urlparse

from bot.text import sentences
from bot.types import Passage

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompt|rules|above|previous)\b"
    r"|\b(?:reply|respond|answer|say|write|output|print|tell the user)\b[^.]{0,30}"
    r"\b(?:with|that|only|exactly|the word|the phrase|canary)\b[^.]{0,80}(?:canary|[A-Z]{4,}-\w+|instruction)"
    r"|\byou (?:are|must|should) now\b|\bsystem prompt\b|\b(?:assistant|ai|chatbot|language model)s?\s*[:,]\s"
    r"|\bnew instructions?\b|\bdo not (?:cite|mention|tell)\b|\bCANARY\b"
    r"|\b(?:say|state|tell (?:the )?(?:user|patient)s?) (?:that )?the dose is\b"
    r"|!\[[^\]]*\]\([^)]*\)|<\s*(?:script|iframe|img|style)\b|javascript:"
    # Orders addressed to machine readers, and the usual ways of smuggling a token into every reply.
    r"|\b(?:notes?|messages?|instructions?) (?:for|to) (?:the |any |all )?(?:ai|language models?|llms?|chat ?bots?"
    r"|assistants?|bots?|automated \w+)\b"
    r"|\b(?:chat ?bots?|language models?|llms?|ai (?:systems?|models?|tools?)|automated (?:\w+ )?(?:summar\w*|tools?"
    r"|systems?|readers?|agents?)|summar(?:ies|ise|ize|ising|izing|isers?|izers?)|(?:your|the|an?) (?:ai |virtual )?"
    r"assistant)\b[^.]{0,80}\b(?:must|should|shall|needs? to|have to|are (?:required|asked) to|add|append|include"
    r"|repeat|print|output|state)\b"
    r"|\brepeat after me\b|\brepeat the (?:word|phrase|code|token|string)\b"
    r"|\b(?:append|add|include|insert|attach)\b[^.]{0,60}\b(?:to|in|at the end of) (?:each|every|all|your|the)"
    r" (?:reply|replies|answer|answers|response|responses|summary|summaries|output|message|messages)\b"
    r"|\b(?:verification|secret|confirmation) (?:token|code|word|phrase)\b"
    r"|\btell (?:the |your |all )?(?:users?|readers?)\b[^.]{0,20}\b(?:to|that)\b"
    r"|</?\s*passages?\b"
    r"|\b(?:ki|ia)[- ](?:systeme?n?|modell\w*|assistent\w*|sistem[ai]s?|systèmes?|modèles?|modelos?|asistentes?)\b",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
ALLOWED_HOSTS = (
    "ema.europa.eu", "fda.gov", "accessdata.fda.gov", "nih.gov", "medlineplus.gov", "ninds.nih.gov",
    "niddk.nih.gov", "cdc.gov", "who.int", "gene.com", "openstax.org", "ncbi.nlm.nih.gov", "pubmed.ncbi.nlm.nih.gov",
)  # fmt: skip


def strip_injections(passage: Passage) -> tuple[Passage, list[str]]:
    """The passage without instruction-like sentences, and the sentences cut."""
    cut: list[str] = []
    keep: list[str] = []
    last = 0
    for start, end in sentences(passage.text):
        piece = passage.text[start:end]
        # Zero-width characters split trigger words; HTML entities hide tags (&lt;script&gt;).
        if _INSTRUCTION.search(html.unescape(_INVISIBLE.sub("", piece))):
            cut.append(piece)
            keep.append(passage.text[last:start])
            last = end
    if not cut:
        return passage, []
    keep.append(passage.text[last:])
    return replace(passage, text="".join(keep)), cut


def host_allowed(url: str, allowed: tuple[str, ...] = ALLOWED_HOSTS) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in allowed)


_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BARE_URL = re.compile(r"\b(?:https?|javascript|data|vbscript):[^\s)\]]+|(?<![\w@./])www\.[^\s)\]]+", re.IGNORECASE)


def clean_output(text: str) -> str:
    """Model text made safe to render: no images, no HTML tags, links only to allowed hosts."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(0) if host_allowed(m.group(2)) else m.group(1), text)
    text = _TAG.sub("", text)
    return _BARE_URL.sub(lambda m: m.group(0) if host_allowed(_with_scheme(m.group(0))) else "[link removed]", text)


def _with_scheme(url: str) -> str:
    """Markdown renderers link a bare ``www.host`` too; give it a scheme so its host can be checked."""
    return url if ":" in url.split("/", 1)[0] else "http://" + url
