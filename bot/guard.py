"""Defences around the model: passages are untrusted data, and model output is untrusted markup.

Passage side: sentences that address an AI ("ignore previous instructions", "reply with",
"say that...") are cut before a passage reaches the prompt or the verifier, so an answer that
obeys them finds no support and is removed. Output side: Markdown images (a classic exfiltration
channel), raw HTML and links to hosts outside the allowlist are stripped from what the user sees.
"""

from __future__ import annotations

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
    r"|!\[[^\]]*\]\([^)]*\)|<\s*(?:script|iframe|img|style)\b|javascript:",
    re.IGNORECASE,
)
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
        if _INSTRUCTION.search(piece):
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
_BARE_URL = re.compile(r"\b(?:https?|javascript|data):[^\s)\]]+", re.IGNORECASE)


def clean_output(text: str) -> str:
    """Model text made safe to render: no images, no HTML tags, links only to allowed hosts."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(0) if host_allowed(m.group(2)) else m.group(1), text)
    text = _TAG.sub("", text)
    return _BARE_URL.sub(lambda m: m.group(0) if host_allowed(m.group(0)) else "[link removed]", text)
