"""The warm-up (issue 13, latency): a served bot embeds every passage's units, words and phrases ahead of questions.

On real documents the first question about a passage paid for embedding its sentences (the answerer's units) and its
words and phrases (the scope check's); after ``Bot.warm`` a question embeds only its own text. Fake embedder and a
three-document index in tmp_path, so this file runs in seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.answer import Bot
from bot.extractive import Warmed, embeddable, scope_text, unit_label
from bot.near import NearWords, phrases_of, words_of
from bot.question import Entities
from bot.units import units
from bot.vectors import WARM_SHARE
from bot.web import api
from citebot.cli import main
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, small_index
from tests.test_scope import candidate
from tests.test_scope_phrases import ELSEWHERE, PREGNANCY, _answerer

DOCS = {
    "dosing.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months after the first dose. "
    "The first dose is split into two 300 mg infusions two weeks apart.\n",
    "vaccines.md": "# Vaccines\n\nLive vaccines are not recommended during treatment with ocrelizumab. "
    "Vaccinations should be given at least 6 weeks before the first infusion.\n",
    "infections.md": "# Infections\n\nInfections are more common with ocrelizumab than with interferon beta-1a. "
    "Tell your doctor if you have an infection.\n",
}
QUESTIONS = ("How often is ocrelizumab given?", "Are live vaccines allowed with ocrelizumab?", "Can mums take it?")


class Recorder:
    """An embedder that records what it is asked to embed, then asks the fake."""

    def __init__(self, inner: FakeEmbedder) -> None:
        self.inner = inner
        self.name, self.dim, self.backend, self.recipe = inner.name, inner.dim, inner.backend, inner.recipe
        self.embedded: list[str] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts, progress)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def warm(self) -> None:
        """Nothing to load."""


@pytest.fixture
def served(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> Bot:
    return Bot(small_index(tmp_path / "corpus", DOCS, settings, fake_embedder), settings)


def _corpus_texts(bot: Bot) -> tuple[set[str], set[str]]:
    """Every unit the answerer may embed, and every word and phrase the scope check may compare."""
    passages = list(bot.offline.corpus()) if bot.offline.corpus else []
    texts = {u.text for p in passages for u in units(p.text, unit_label(p)) if embeddable(u.text)}
    words = {w for p in passages for w in (*words_of(scope_text(p)), *phrases_of(scope_text(p)))}
    return texts, words


def test_after_the_warm_up_a_question_embeds_no_unit_sentence_again(served: Bot) -> None:
    texts, words = _corpus_texts(served)
    warmed = served.warm()
    assert warmed == Warmed(3, len(texts), len(words), warmed.seconds)
    assert set(served.offline._cache.vectors) == texts and set(served.offline.near._cache.vectors) == words
    seen = Recorder(served.offline.embedder)  # type: ignore[arg-type]
    served.offline.embedder = seen
    for question in QUESTIONS:
        served.ask(question, "clinician")
        served.ask(question, "patient")
    assert seen.embedded, "the questions were answered by the offline answerer"
    assert not set(seen.embedded) & texts  # the queries only
    assert served.warm().units == 0  # a second warm-up finds everything cached


def test_after_the_warm_up_the_scope_check_embeds_only_the_questions_words_and_phrases() -> None:
    cold, warm = _answerer(PREGNANCY, ELSEWHERE), _answerer(PREGNANCY, ELSEWHERE)
    warm.warm()
    cold_seen, warm_seen = Recorder(cold.near.embedder), Recorder(warm.near.embedder)  # type: ignore[arg-type]
    cold.near.embedder, warm.near.embedder = cold_seen, warm_seen
    entities, cands = Entities.from_passages([PREGNANCY]), [candidate(PREGNANCY)]
    # a concept said in a phrase ("birth control"), a word said nowhere ("passport"): both compare the question's
    # words and phrases with the passage's
    for question, expected in (("How long after Zorvia must contraception go on?", True),
                               ("Do I need a passport for Zorvia?", False)):  # fmt: skip
        assert warm.in_scope(question, [PREGNANCY], cands, entities) is expected
        assert cold.in_scope(question, [PREGNANCY], cands, entities) is expected
    said = {*words_of(scope_text(PREGNANCY)), *phrases_of(scope_text(PREGNANCY))}
    assert set(cold_seen.embedded) & said  # without it: the passage's words and phrases, on first use
    assert not set(warm_seen.embedded) & said  # here nothing at all: the question's words are the corpus's too


def test_answers_are_the_same_with_and_without_the_warm_up(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, served: Bot
) -> None:
    cold = Bot(served.retriever, settings)
    served.warm()
    for question in QUESTIONS:
        for audience in ("clinician", "patient"):
            a, b = served.ask(question, audience).to_dict(), cold.ask(question, audience).to_dict()  # type: ignore[arg-type]
            a.pop("timings"), b.pop("timings")
            assert a == b


def test_the_warm_up_fills_a_cache_to_its_share_never_evicting(served: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    near = NearWords(FakeEmbedder(), cache=20)
    near._matrix(["asked", "before"])  # a question's words, cached before the warm-up
    kept = dict(near._cache.vectors)
    words = [f"word{i}" for i in range(30)]
    added = near.warm(words, batch=4)
    assert added == int(20 * WARM_SHARE) - 2 and len(near._cache.vectors) == int(20 * WARM_SHARE)
    assert all(near._cache.vectors[w] is v for w, v in kept.items())  # never evicted nor replaced
    assert list(near._cache.vectors)[2:] == words[:added]  # in the order given
    assert near.warm(words, batch=4) == 0  # full to its share: a question's own words still fit
    assert np.allclose(near._matrix(["word0"])[0], near._matrix(["word0", "other"])[0])
    # the answerer's units likewise, to its share of VECTOR_CACHE
    monkeypatch.setattr(served.offline._cache, "size", 4)
    warmed = served.warm(passages=[])
    assert warmed.passages == 0 and warmed.units == 0
    texts, _ = _corpus_texts(served)
    assert len(texts) > 4 and served.warm().units == int(4 * WARM_SHARE) == len(served.offline._cache.vectors)


def test_chat_starts_the_warm_up_in_the_background_without_blocking(
    served: Bot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started: list[threading.Thread] = []
    calls: list[Any] = []

    def slow_warm(progress: bool = False, passages: Any = None) -> Warmed:
        calls.append(passages)
        release.wait(10)
        return Warmed(len(passages), 0, 0, 0.0)

    monkeypatch.setattr(served, "warm", slow_warm)
    lines: list[str] = []
    thread = api.warm_in_background(served, lines.append)
    assert thread.daemon and thread.is_alive()  # returned at once, still warming
    assert served.ask("How often is ocrelizumab given?").status == "answered"  # questions are answered meanwhile
    release.set()
    thread.join(5)
    assert not thread.is_alive() and len(calls[0]) == 3  # the corpus, read under the model's lock
    assert "of 3 passages" in lines[0] and lines[1].startswith("warm-up done in") and len(lines) == 2

    # `citebot chat` starts it once the server starts, not before
    def run(app: Any, **_: Any) -> None:
        from fastapi.testclient import TestClient

        assert not started
        with TestClient(app):
            assert len(started) == 1

    monkeypatch.setenv("CITEBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr(api, "build_bot", lambda s: served)
    monkeypatch.setattr(api, "warm_in_background", lambda b, say: started.append(threading.Thread()) or started[-1])
    monkeypatch.setattr("uvicorn.run", run)
    assert main(["chat", "--index", str(settings.index)]) == 0
    assert len(started) == 1
