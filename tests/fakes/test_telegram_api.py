"""The fake Telegram Bot API itself: spec validation, limits, offsets, 429, webhook."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter

from tests.fakes.telegram_api import FakeTelegram, html_visible_length


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def call(fake: FakeTelegram, method: str, **params: Any) -> httpx.Response:
    return httpx.post(f"{fake.api_url}{fake.token}/{method}", json=params, timeout=5)


def test_get_me_and_wrong_token(fake: FakeTelegram) -> None:
    response = call(fake, "getMe")
    assert response.json()["result"]["username"] == "kambot_test_bot"
    wrong = httpx.post(f"{fake.api_url}999:nope/getMe", timeout=5)
    assert wrong.status_code == 401


def test_unknown_method_and_parameters_are_refused(fake: FakeTelegram) -> None:
    assert call(fake, "sendMesage", chat_id=1, text="x").status_code == 404
    bad = call(fake, "sendMessage", chat_id=1, text="x", colour="red")
    assert bad.status_code == 400 and "colour" in bad.json()["description"]
    missing = call(fake, "sendMessage", chat_id=1)
    assert missing.status_code == 400 and "text is required" in missing.json()["description"]
    wrong_type = call(fake, "sendMessage", chat_id=1, text="x", disable_notification="yes")
    assert wrong_type.status_code == 400
    assert len(fake.errors) == 4


def test_text_limit_counts_after_html_parsing(fake: FakeTelegram) -> None:
    ok = call(fake, "sendMessage", chat_id=5, text="<b>" + "&lt;" * 4096 + "</b>",
              parse_mode="HTML")  # fmt: skip
    assert ok.status_code == 200, ok.text
    too_long = call(fake, "sendMessage", chat_id=5, text="x" * 4097)
    assert too_long.status_code == 400
    empty = call(fake, "sendMessage", chat_id=5, text="<b></b>", parse_mode="HTML")
    assert empty.status_code == 400


@pytest.mark.parametrize(
    "text",
    ["a < b", "R&D", "<b>open", "<b><i>x</b></i>", "<div>x</div>", "&nbsp;", "<br/>"],
)
def test_malformed_html_is_refused(text: str) -> None:
    with pytest.raises(Exception, match="can't parse entities"):
        html_visible_length(text)


def test_html_length_counts_utf16_and_entities() -> None:
    assert html_visible_length("<b>&lt;x&gt;</b> &amp; &#39;") == 7
    assert (
        html_visible_length('<a href="https://x">link</a> 铁三角 😀') == 11
    )  # the emoji is two UTF-16 units


def test_get_updates_offset_semantics(fake: FakeTelegram) -> None:
    group = fake.group(-1, "Acme")
    alice = fake.user(1, "Alice", username="alice")
    first = fake.message(group, alice, "/help")
    second = fake.message(group, alice, "/open")
    got = call(fake, "getUpdates").json()["result"]
    assert [u["update_id"] for u in got] == [first, second]
    # without an offset nothing is confirmed
    assert [u["update_id"] for u in call(fake, "getUpdates").json()["result"]] == [first, second]
    got = call(fake, "getUpdates", offset=second).json()["result"]
    assert [u["update_id"] for u in got] == [second]
    assert call(fake, "getUpdates", offset=second + 1, timeout=0).json()["result"] == []
    assert fake.pending_update_ids == []


def test_long_poll_returns_when_an_update_arrives(fake: FakeTelegram) -> None:
    fake.long_poll_cap = 5
    group, alice = fake.group(-1, "Acme"), fake.user(1, "Alice")
    threading.Timer(0.2, lambda: fake.message(group, alice, "/open")).start()
    started = time.monotonic()
    got = call(fake, "getUpdates", timeout=5).json()["result"]
    assert len(got) == 1 and time.monotonic() - started < 3


def test_retry_after_on_demand(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", retry_after=3)
    first = call(fake, "sendMessage", chat_id=7, text="hi")
    assert first.status_code == 429
    assert first.json()["parameters"] == {"retry_after": 3}
    assert call(fake, "sendMessage", chat_id=7, text="hi").status_code == 200
    assert fake.sent_texts(7) == ["hi"]


async def test_real_ptb_bot_against_the_fake(fake: FakeTelegram) -> None:
    async with Bot(fake.token, base_url=fake.api_url) as bot:
        assert bot.username == "kambot_test_bot"
        group, alice = fake.group(-42, "Acme"), fake.user(1, "Alice")
        fake.message(group, alice, "/open")
        message = await bot.send_message(-42, "<b>Open</b> &amp; due", parse_mode="HTML")
        assert message.text == "<b>Open</b> &amp; due"  # the fake keeps the markup
        await bot.send_document(-42, document=b"# report\n", filename="report.md",
                                caption="Report")  # fmt: skip
        await bot.send_photo(-42, photo=b"\x89PNG fake", filename="health.png")
        with pytest.raises(BadRequest):
            await bot.send_message(-42, "a < b", parse_mode="HTML")
        fake.fail_next("sendMessage", retry_after=2)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(-42, "again")
        assert info.value.retry_after in (2, 2.0) or info.value.retry_after.total_seconds() == 2
        updates = await bot.get_updates(timeout=0)
        assert updates[0].message.text == "/open"
    assert [c.method for c in fake.errors] == ["sendMessage"]
    assert len(fake.sent_messages(-42)) == 3


def test_webhook_delivery_and_conflict(fake: FakeTelegram) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            secret = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((secret, body))
            self.send_response(200 if secret == "s3cret" else 403)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/telegram"
        assert call(fake, "setWebhook", url=url, secret_token="s3cret").status_code == 200
        assert call(fake, "getUpdates").status_code == 409
        group, alice = fake.group(-1, "Acme"), fake.user(1, "Alice")
        uid = fake.message(group, alice, "/open")
        assert fake.deliver_webhook() == [200]
        assert received[0][0] == "s3cret" and received[0][1]["update_id"] == uid
        assert fake.post_webhook({"update_id": 1}, secret=None) == 403
        assert call(fake, "deleteWebhook").status_code == 200
        assert call(fake, "getUpdates").json()["result"] == []
    finally:
        server.shutdown()
        server.server_close()


def test_callback_and_migration_helpers(fake: FakeTelegram) -> None:
    group, alice = fake.group(-5, "Acme"), fake.user(1, "Alice")
    markup = {"inline_keyboard": [[{"text": "Done #3", "callback_data": "done 3"}]]}
    assert call(fake, "sendMessage", chat_id=-5, text="unknown chat").status_code == 400
    fake.message(group, alice, "/tasks")
    sent = call(fake, "sendMessage", chat_id=-5, text="tasks", reply_markup=markup)
    assert sent.status_code == 200, sent.text
    uid = fake.press(-5, alice, "Done")
    too_long = {"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]}
    assert call(fake, "sendMessage", chat_id=-5, text="t", reply_markup=too_long).status_code == 400
    old, new = fake.migrate(group, alice, -1001234)
    updates = {u["update_id"]: u for u in call(fake, "getUpdates").json()["result"]}
    assert updates[uid]["callback_query"]["data"] == "done 3"
    assert updates[old]["message"]["migrate_to_chat_id"] == -1001234
    assert updates[new]["message"]["chat"] == {"id": -1001234, "type": "supergroup",
                                               "title": "Acme"}  # fmt: skip
