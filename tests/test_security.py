"""Deployment security of the served app: API keys, rate limits per client, framing and security headers.

A three-document index with the fake embedder; requests go through the real app (FastAPI ``/v1`` with the
mounted Gradio chat and widget), with Starlette's test client, and on a live loopback server for the flood.
"""

from __future__ import annotations

import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.answer import Bot
from bot.web.api import create_app
from bot.web.security import KeyRing, SlidingWindow, parse_origins
from ingest.errors import CitebotError
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, small_index
from tests.test_load_concurrency import SlowBot
from tests.test_ui import serve

DOCS = {
    "dosing.md": "# Dosing\n\nOcrelizumab is given as a 600 mg infusion every 6 months after the first dose.\n",
    "vaccines.md": "# Vaccines\n\nLive vaccines are not recommended during treatment with ocrelizumab.\n",
}
KEYS = ("sk-clinic-alpha-7f3a9c", "sk-clinic-beta-0b12de")
BODY = {"messages": [{"role": "user", "content": "How is ocrelizumab given?"}]}
CHAT = "/v1/chat/completions"


def bot_for(tmp_path: Path, settings: Settings) -> Bot:
    return Bot(small_index(tmp_path / "corpus", DOCS, settings, FakeEmbedder()), settings)


def app_client(tmp_path: Path, **overrides: Any) -> TestClient:
    """The whole app with the given settings (and no keys, origins or limits from the developer's environment)."""
    fields: dict[str, Any] = {"api_keys": None, "api_keys_file": None, "widget_origins": "", **overrides}
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, llm=None, **fields)
    return TestClient(create_app(bot_for(tmp_path, settings), settings))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_v1_needs_a_key_when_keys_are_set_and_the_key_is_never_echoed_or_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, record_property: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app_client(tmp_path, api_keys=",".join(KEYS))
    wrong = [None, "", "sk-clinic-alpha-7f3a9", KEYS[0] + "x", KEYS[0].upper(), "Basic " + KEYS[0]]
    refused = 0
    for key in wrong:
        headers = {} if key is None else {"Authorization": key if key.startswith("Basic") else f"Bearer {key}"}
        r = client.post(CHAT, json=BODY, headers=headers)
        assert r.status_code == 401, (key, r.status_code)
        assert r.headers["www-authenticate"].startswith("Bearer")
        error = r.json()["error"]
        assert error["type"] == "invalid_api_key" and "Authorization: Bearer" in error["message"]
        assert not key or key.removeprefix("Basic ") not in r.text
        refused += 1
    assert client.get("/v1/models").status_code == 401
    for key in KEYS:
        r = client.post(CHAT, json=BODY, headers=bearer(key))
        assert r.status_code == 200 and "600 mg" in r.json()["choices"][0]["message"]["content"]
    assert client.get("/v1/models", headers=bearer(KEYS[1])).status_code == 200
    # The chat and the widget stay open, and the API's description is readable without a key.
    assert client.get("/").status_code == 200 and client.get("/widget/").status_code == 200
    assert client.get("/v1/openapi.json").status_code == 200
    assert all(k not in caplog.text for k in KEYS)
    record_property("tried", len(wrong) + len(KEYS))
    record_property("held", refused + len(KEYS))


def test_without_keys_the_api_is_open(tmp_path: Path) -> None:
    client = app_client(tmp_path)
    assert client.post(CHAT, json=BODY).status_code == 200


def test_the_keys_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# clinic keys\n{KEYS[0]}\n\n")
    client = app_client(tmp_path, api_keys_file=keys)
    assert client.post(CHAT, json=BODY, headers=bearer(KEYS[0])).status_code == 200
    assert client.post(CHAT, json=BODY, headers=bearer(KEYS[1])).status_code == 401

    keys.write_text(f"{KEYS[1]}\n")  # rotate: the old key is revoked, the new one works, no restart
    later = time.time_ns() + 2_000_000_000
    os.utime(keys, ns=(later, later))
    assert client.post(CHAT, json=BODY, headers=bearer(KEYS[0])).status_code == 401
    assert client.post(CHAT, json=BODY, headers=bearer(KEYS[1])).status_code == 200

    keys.unlink()  # unreadable: the last keys stay in force, the API does not fall open
    assert client.post(CHAT, json=BODY).status_code == 401
    assert client.post(CHAT, json=BODY, headers=bearer(KEYS[1])).status_code == 200


def test_a_missing_keys_file_stops_at_start_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(CitebotError, match="cannot read the API keys file"):
        KeyRing(file=tmp_path / "absent.txt")


def test_keys_compare_every_key() -> None:
    ring = KeyRing(KEYS)
    assert ring.valid(KEYS[0]) and ring.valid(KEYS[1])
    assert not ring.valid("") and not ring.valid(KEYS[0][:-1]) and not ring.valid("é" + KEYS[0])


def test_protect_ui_asks_browsers_to_sign_in(tmp_path: Path) -> None:
    import base64

    client = app_client(tmp_path, api_keys=KEYS[0], protect_ui=True)
    for path in ("/", "/widget/", "/gradio_api/info"):
        r = client.get(path)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), path
    basic = base64.b64encode(f"nurse:{KEYS[0]}".encode()).decode()
    assert client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
    wrong = base64.b64encode(b"nurse:guess").decode()
    assert client.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401


def test_sliding_window_counts_the_last_window_only() -> None:
    now = [100.0]
    window = SlidingWindow(limit=3, window=10.0, clock=lambda: now[0])
    assert [window.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert window.wait("a") == pytest.approx(10.0)
    assert window.wait("b") == 0.0  # another client is not affected
    now[0] += 4.0
    assert window.wait("a") == pytest.approx(6.0)  # refused requests do not extend the wait
    now[0] += 6.0
    assert window.wait("a") == 0.0
    now[0] += 30.0
    window.wait("c")
    assert set(window.hits) == {"c"}  # idle clients are swept out


def test_rate_limit_on_the_api_and_on_chat_questions(tmp_path: Path) -> None:
    client = app_client(tmp_path, rate_limit=2, rate_window=60.0)
    codes = [client.post(CHAT, json=BODY).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = client.post(CHAT, json=BODY)
    assert r.status_code == 429 and r.json()["error"]["type"] == "rate_limit_exceeded"
    assert int(r.headers["retry-after"]) >= 59 and "2 per 60 s" in r.json()["error"]["message"]
    # Questions in the chat count too (Gradio's queue), page loads and assets do not.
    joins = [client.post("/gradio_api/queue/join", json={}).status_code for _ in range(3)]
    assert joins[-1] == 429 and client.get("/").status_code == 200


@pytest.mark.integration
def test_a_flooding_client_gets_429_while_another_is_still_served(tmp_path: Path, record_property: Any) -> None:
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, llm=None,
                        api_keys=",".join(KEYS), api_keys_file=None, rate_limit=4, rate_window=60.0,
                        chat_concurrency=2, chat_queue_size=4)  # fmt: skip
    bot = SlowBot(small_index(tmp_path / "corpus", DOCS, settings, FakeEmbedder()), settings)
    flood = 30

    def call(key: str) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            return client.post(url + CHAT, json=BODY, headers=bearer(key))

    with serve(bot, settings) as url, ThreadPoolExecutor(max_workers=flood + 2) as pool:
        flooding = [pool.submit(call, KEYS[0]) for _ in range(flood)]
        others = [pool.submit(call, KEYS[1]) for _ in range(2)]
        flooded = [f.result() for f in flooding]
        served = [f.result() for f in others]
    codes = [r.status_code for r in flooded]
    assert codes.count(200) == settings.rate_limit and codes.count(429) == flood - settings.rate_limit, codes
    for r in flooded:
        if r.status_code == 429:
            assert re.fullmatch(r"\d+", r.headers["retry-after"]) and "Too many requests" in r.text
    assert [r.status_code for r in served] == [200, 200]  # the other client is answered during the flood
    record_property("tried", flood + len(served))
    record_property("held", codes.count(429) + codes.count(200) + len(served))


def test_framing_rules_and_security_headers(tmp_path: Path, record_property: Any) -> None:
    origins = "https://clinic.example, https://*.hospital.example:8443"
    client = app_client(tmp_path, widget_origins=origins, api_keys=KEYS[0])
    widget = client.get("/widget/")
    assert widget.headers["content-security-policy"] == (
        "frame-ancestors 'self' https://clinic.example https://*.hospital.example:8443"
    )
    assert "x-frame-options" not in widget.headers
    main = client.get("/")
    assert main.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert main.headers["x-frame-options"] == "DENY"
    responses = [widget, main, client.get("/v1/models"), client.get("/no/such/page"), client.get("/widget/config")]
    for r in responses:
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["referrer-policy"] == "no-referrer", r.url
    record_property("tried", len(responses))
    record_property("held", len(responses))

    plain = app_client(tmp_path / "plain")
    unset = plain.get("/widget/")  # no origins configured: the widget may be framed by its own site only
    assert unset.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert unset.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("bad", ["clinic.example", "https://x.example; script-src *", "javascript:alert(1)", "*"])
def test_widget_origins_that_are_not_origins_are_refused(bad: str) -> None:
    with pytest.raises(CitebotError, match="CITEBOT_WIDGET_ORIGINS"):
        parse_origins(bad)


@pytest.mark.browser
def test_a_rate_limited_chat_user_sees_the_message(tmp_path: Path, browser: Any) -> None:
    """The chat's questions count too; the refusal reaches the person as Gradio's error notice with our words."""
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", chroma_url=None, llm=None,
                        api_keys=None, api_keys_file=None, rate_limit=1, rate_window=60.0)  # fmt: skip
    bot = Bot(small_index(tmp_path / "corpus", DOCS, settings, FakeEmbedder()), settings)
    with serve(bot, settings) as url:
        page = browser.new_page()
        try:
            page.set_default_timeout(30_000)
            page.goto(f"{url}/", wait_until="domcontentloaded")
            box = page.locator("#cb-input textarea")
            box.fill("How is ocrelizumab given?")
            box.press("Enter")
            page.get_by_text("600 mg", exact=False).first.wait_for()  # the first question is answered,
            page.wait_for_selector('#cb-sources-panel .cb-turn[data-turn="1"]')  # to the end: a message sent while
            # the answer still streams is not submitted (on a loaded machine "600 mg" shows well before the end)
            box.fill("Are live vaccines allowed?")
            box.press("Enter")
            notice = page.get_by_text("Too many requests: each client may send 1 per 60 s.", exact=False)
            notice.first.wait_for()
            assert re.search(r"Retry after \d+ s", notice.first.inner_text())
        finally:
            page.close()
