"""The done-when of the monthly reports, through the real platform senders to the fakes:
`kambot digest --month 2026-11` posts one parent message, a thread and a chart per account
and one portfolio digest, and a second run posts nothing.

The Telegram half runs against tests/fakes/telegram_api.py and the real TelegramSender,
the Slack half against tests/fakes/slack_api.py and the real SlackPoster (skipped until
the Slack branch is merged).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot import jobs
from bot.posting import Poster
from tests.reportdata import CANARIES, seed_acme, seed_quiet

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ACME, QUIET, MANAGEMENT = -5001, -5002, -5003


@pytest.fixture
def fake() -> Iterator[object]:
    telegram_fake = pytest.importorskip("tests.fakes.telegram_api")
    with telegram_fake.FakeTelegram() as server:
        yield server
    assert not server.errors, [(c.method, c.error) for c in server.errors]


def plain(message: dict) -> str:
    """What people read: the HTML the bot sent, tags dropped and unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", message.get("text") or message.get("caption")
                                or ""))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def tg_core(core, clock, fake, sleeps):
    telegram_client = pytest.importorskip("bot.adapters.telegram_client")
    clock.set(DEC_1)
    alice = fake.user(101, "Alice", username="alice")
    for chat_id, title in ((ACME, "Acme team"), (QUIET, "Quiet team"),
                           (MANAGEMENT, "KAM management")):
        fake.message(fake.group(chat_id, title), alice, "hello")
    api = telegram_client.BotApi(fake.token, fake.api_url, sleep=sleeps.append)
    core.senders.add(telegram_client.TelegramSender(api))
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = f"telegram:{MANAGEMENT}"
    seed_acme(core.sessions, platform="telegram", workspace="telegram", channel=str(ACME))
    seed_quiet(core.sessions, platform="telegram", channel=str(QUIET))
    return core


def _in_thread_of(messages: list[dict], parent: dict) -> list[dict]:
    return [m for m in messages
            if (m.get("reply_to_message") or {}).get("message_id") == parent["message_id"]]


def test_digest_on_telegram_posts_parent_thread_and_charts_once(tg_core, fake, capsys):
    assert jobs.digest_command(tg_core, month="2026-11") == 0
    for chat_id, name in ((ACME, "Acme Corp"), (QUIET, "Quiet Ltd")):
        sent = fake.sent_messages(chat_id)
        parent = sent[0]
        assert plain(parent).startswith(f"{name} - November 2026 action report")
        assert "reply_to_message" not in parent
        rest = sent[1:]
        assert rest and _in_thread_of(rest, parent) == rest  # everything else in its thread
        photos = [m for m in rest if "photo" in m]
        docs = [m for m in rest if "document" in m]
        slug = name.lower().replace(" ", "-")
        # Quiet Ltd shares no action: its customer version comes without a chart.
        assert [p["photo"][0]["file_unique_id"] for p in photos] == [
            f"{slug}-2026-11.png", *([f"{slug}-2026-11-shared.png"] if chat_id == ACME else [])]
        assert all(p["photo"][0]["file_size"] > 3000 for p in photos)  # 8-bit PNGs, ~4-7 KB
        assert [d["document"]["file_name"] for d in docs] == [
            f"{name.lower().replace(' ', '-')}-2026-11.md"]
    shared_md = next(m for m in fake.sent_messages(ACME) if "document" in m)["_content"]
    assert not [c for c in CANARIES if c.encode() in shared_md]
    digest = fake.sent_messages(MANAGEMENT)
    assert plain(digest[0]).startswith("Portfolio - November 2026")
    assert [m["photo"][0]["file_unique_id"] for m in digest if "photo" in m] == [
        "portfolio-2026-11.png"]
    calls = len(fake.calls)

    assert jobs.digest_command(tg_core, month="2026-11") == 0
    assert len(fake.calls) == calls  # the second run posts nothing
    assert "0 posted, 7 already done" in capsys.readouterr().out


def test_kambot_digest_finds_the_telegram_sender_from_the_settings(core, clock, fake):
    """What `kambot digest` does: no adapter running, only TELEGRAM_BOT_TOKEN set."""
    pytest.importorskip("bot.adapters.telegram")
    clock.set(DEC_1)
    fake.message(fake.group(ACME, "Acme team"), fake.user(101, "Alice"), "hello")
    core.settings.TELEGRAM_BOT_TOKEN = SecretStr(fake.token)
    core.settings.TELEGRAM_API_URL = fake.api_url
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    seed_acme(core.sessions, platform="telegram", workspace="telegram", channel=str(ACME))
    from bot.platforms import add_configured_senders

    assert add_configured_senders(core) == ["telegram"]  # as cmd_digest does
    assert jobs.digest_command(core, month="2026-11") == 0
    assert plain(fake.sent_messages(ACME)[0]).startswith("Acme Corp - November 2026 action")


def test_telegram_429_is_waited_out_and_nothing_is_lost_or_doubled(tg_core, fake, sleeps):
    fake.fail_next("sendMessage", retry_after=3, times=2)
    assert jobs.digest_command(tg_core, month="2026-11") == 0
    assert 3 in sleeps
    parents = [m for chat in (ACME, QUIET) for m in fake.sent_messages(chat)
               if "action report" in plain(m)]
    assert len(parents) == 2
    fake.errors.clear()  # the 429s were asked for


SLACK_ACME, SLACK_QUIET, SLACK_MANAGEMENT = "C0ACME", "C0QUIET", "C0MGMT"


@pytest.fixture
def slack_fake() -> Iterator[object]:
    fakes = pytest.importorskip("tests.fakes.slack_api")
    with fakes.FakeSlack() as server:
        yield server
        server.check()  # no Block Kit limit or API contract broken


@pytest.fixture
def slack_core(core, clock, slack_fake):
    slack_post = pytest.importorskip("bot.adapters.slack_post")
    clock.set(DEC_1)
    client = slack_post.make_client("xoxb-test-token", slack_fake.url)
    core.senders.add(slack_post.SlackPoster(client))
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = f"slack:{SLACK_MANAGEMENT}"
    seed_acme(core.sessions, platform="slack", workspace="T0FAKE", channel=SLACK_ACME)
    seed_quiet(core.sessions, platform="slack", channel=SLACK_QUIET)
    return core


def test_digest_on_slack_posts_parent_thread_and_charts_once(slack_core, slack_fake, capsys):
    assert jobs.digest_command(slack_core, month="2026-11") == 0
    posts = slack_fake.calls_to("chat.postMessage")
    uploads = slack_fake.calls_to("files.completeUploadExternal")
    for channel, name in ((SLACK_ACME, "Acme Corp"), (SLACK_QUIET, "Quiet Ltd")):
        mine = [c.params for c in posts if c.params["channel"] == channel]
        parent = mine[0]
        assert f"{name} - November 2026 action report" in parent["text"]
        assert not parent.get("thread_ts")
        # The ts the fake gave the parent (channels post side by side, so not by call
        # order): the thread of all the rest.
        [parent_ts] = [m["ts"] for m in slack_fake.messages[channel] if not m.get("thread_ts")]
        assert len(mine) >= 3 and {m.get("thread_ts") for m in mine[1:]} == {parent_ts}
        here = [c for c in uploads if c.params.get("channel_id") == channel]
        assert {c.params.get("thread_ts") for c in here} == {parent_ts}
        assert sorted(f["title"] for c in here for f in c.json("files")) == sorted([
            f"{name} - November 2026: our joint plan",  # the Markdown file
            "Chart: the last 6 months",  # the team's chart
            # the customer's chart (Quiet Ltd shares nothing: none)
            *(["Shared actions, last 6 months"] if channel == SLACK_ACME else []),
        ])
    digest = [c.params for c in posts if c.params["channel"] == SLACK_MANAGEMENT]
    assert len(digest) == 1 and "Portfolio - November 2026" in digest[0]["text"]
    [shared] = [c for c in posts if "our joint plan" in c.params["text"]
                and c.params["channel"] == SLACK_ACME]
    assert not [c for c in CANARIES if c in str(shared.params)]
    calls = len(slack_fake.calls_to("chat.postMessage")) + len(uploads)

    assert jobs.digest_command(slack_core, month="2026-11") == 0
    again = len(slack_fake.calls_to("chat.postMessage")) + len(
        slack_fake.calls_to("files.completeUploadExternal"))
    assert again == calls  # the second run posts nothing
    assert "0 posted, 7 already done" in capsys.readouterr().out


def test_slack_429_is_waited_out(slack_core, slack_fake):
    slack_fake.queue_rate_limit("chat.postMessage", retry_after=1, times=2)
    assert jobs.digest_command(slack_core, month="2026-11") == 0
    parents = [c for c in slack_fake.calls_to("chat.postMessage")
               if "action report" in c.params.get("text", "")]
    assert len({c.params["channel"] for c in parents}) == 2
