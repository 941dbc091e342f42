"""Load: 50 concurrent sessions, 3 turns each, against the live app on 127.0.0.1; then a queue overflow.

Each session asks about its own (made-up) drug, then two follow-ups that name no drug ("How is it
monitored?"), sending its own history each time over the OpenAI-compatible API. Every answer must cite only
that session's document: a follow-up that picked up another session's history would cite another drug.
No request may fail, the server's RSS must stay within a bound, and the run is bounded in time (150
requests, a 120 s client timeout). A second app with a tiny queue and a slow answerer is flooded: requests
beyond the queue get a clear 503 with Retry-After at once, the rest are answered, none hangs.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.answer import Bot
from bot.render import reply_content
from bot.retrieve import open_retriever
from bot.types import Audience
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder
from tests.test_ui import serve

SESSIONS = 50
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "su"]


def drug(i: int) -> str:
    return "zor" + SYLLABLES[i // 10] + SYLLABLES[i % 10] + "mab"


def turns(i: int) -> list[str]:
    return [f"How is {drug(i)} given?", "How is it monitored?", "Can it be taken with food?"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("load")
    corpus = root / "corpus"
    corpus.mkdir()
    # Each sentence is worded close to its question: the answerer's relevance floor is calibrated for the real
    # model, and under the hashed fake embedder "Blood counts are monitored before every X infusion" sat near it,
    # so a hash collision or the index build's tie order made about one answer in twelve abstain (own-topic
    # citations 133-149 of 150 across builds). Worded so, every build gives 148.
    for i in range(SESSIONS):
        d = drug(i).capitalize()
        (corpus / f"{drug(i)}.md").write_text(
            f"# {d}\n\n{d} is given as an infusion every {i + 2} weeks. "
            f"{d} is monitored with blood counts before every infusion. "
            f"{d} tablets can be taken with food or without it.\n"
        )
    # One address sends all 150 requests: the per-client rate limit is tested in test_security.py.
    settings = Settings(index=root / "index", data_dir=root / "data", chroma_url=None, llm=None, llm_base_url=None,
                        rate_limit=0)  # fmt: skip
    ingest([corpus], settings, FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="module")
def live(index: Settings) -> Iterator[tuple[str, Bot]]:
    bot = Bot(open_retriever(index, embedder=FakeEmbedder()), index)
    with serve(bot, index) as url:
        yield url, bot


def chat(client: httpx.Client, url: str, history: Sequence[str], question: str) -> httpx.Response:
    messages = [m for h in history for m in ({"role": "user", "content": h}, {"role": "assistant", "content": "…"})]
    body = {"messages": [*messages, {"role": "user", "content": question}], "audience": "patient"}
    return client.post(f"{url}/v1/chat/completions", json=body)


@pytest.mark.integration
def test_fifty_sessions_three_turns_each_stay_on_their_own_topic(live: tuple[str, Bot], record_property: Any) -> None:
    url, bot = live
    expected: dict[tuple[int, int], str] = {}
    for i in range(SESSIONS):
        qs = turns(i)
        for n, q in enumerate(qs):
            expected[(i, n)] = reply_content(bot.ask(q, "patient", qs[:n]))
    assert len(set(expected.values())) > SESSIONS  # the sessions' answers differ, so a mix-up would show
    with httpx.Client(timeout=120) as warm:
        assert chat(warm, url, [], turns(0)[0]).status_code == 200
    before = rss_mb()
    errors: list[str] = []
    crossed: list[str] = []
    answered = own = 0
    lock = threading.Lock()
    barrier = threading.Barrier(SESSIONS)

    def session(i: int) -> None:
        nonlocal answered, own
        history: list[str] = []
        with httpx.Client(timeout=120) as client:
            barrier.wait(timeout=60)  # all 50 start together
            for question in turns(i):
                try:
                    r = chat(client, url, history, question)
                except httpx.HTTPError as err:
                    with lock:
                        errors.append(f"session {i}: {type(err).__name__}")
                    return
                if r.status_code != 200:
                    with lock:
                        errors.append(f"session {i}: HTTP {r.status_code} {r.text[:120]}")
                    return
                body = r.json()
                sources = {Path(c["source"]).stem for c in body["citations"]}
                content = body["choices"][0]["message"]["content"]
                with lock:
                    answered += 1
                    # Exactly what this session's conversation gets when it runs alone.
                    if content != expected[(i, len(history))]:
                        crossed.append(f"session {i} ({drug(i)}) turn {len(history) + 1}: cited {sorted(sources)}")
                    own += drug(i) in sources
                history.append(question)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        list(pool.map(session, range(SESSIONS)))
    took = time.monotonic() - started
    after = rss_mb()
    record_property("tried", SESSIONS * 3)
    record_property("held", answered - len(crossed))
    record_property("own_topic_cited", own)
    record_property("seconds", round(took, 1))
    record_property("rss_growth_mb", round(after - before, 1))
    assert errors == [], errors[:10]
    assert answered == SESSIONS * 3
    assert crossed == [], crossed[:10]
    assert own >= 0.9 * answered  # and the answers are about the session's own drug (fake-embedder retrieval)
    assert took < 120
    assert after - before < 200, f"RSS grew {after - before:.0f} MB"


class SlowBot(Bot):
    """Answers after a pause, so requests pile up behind the two workers."""

    def ask(self, question: str, audience: Audience | None = None, history: Sequence[Any] = ()) -> Any:
        time.sleep(0.5)
        return super().ask(question, audience, history)


@pytest.mark.integration
def test_requests_beyond_the_queue_get_503_at_once_and_none_hangs(index: Settings, record_property: Any) -> None:
    settings = index.model_copy(update={"chat_concurrency": 2, "chat_queue_size": 4})
    bot = SlowBot(open_retriever(settings, embedder=FakeEmbedder()), settings)
    flood = 24

    def one(i: int) -> tuple[int, float, str]:
        t = time.monotonic()
        with httpx.Client(timeout=60) as client:
            r = chat(client, url, [], turns(i)[0])
        return r.status_code, time.monotonic() - t, r.headers.get("retry-after", "") + r.text[:200]

    with serve(bot, settings) as url, ThreadPoolExecutor(max_workers=flood) as pool:
        results = list(pool.map(one, range(flood)))
    codes = [c for c, _, _ in results]
    assert set(codes) <= {200, 503}, codes
    ok = codes.count(200)
    assert ok >= settings.chat_concurrency + settings.chat_queue_size - 1, codes  # the queue was used
    busy = [(t, body) for c, t, body in results if c == 503]
    assert busy, "the flood never overflowed the queue"
    for t, body in busy:
        assert t < 5 and body.startswith("5") and re.search(r"busy", body), (t, body)
    assert max(t for _, t, _ in results) < 60
    record_property("tried", flood)
    record_property("held", flood)
