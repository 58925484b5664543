"""Alerts, escalations and reminders through the real platform senders to the fake servers.

These run once the Telegram sender (bot.adapters.telegram_client) and the fake Bot API
(tests/fakes/telegram_api.py) are on the branch; until then they are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.alerts import run_health_check, run_reminders
from bot.posting import Poster
from storage import health_repo, repos

telegram_client = pytest.importorskip("bot.adapters.telegram_client")
telegram_fake = pytest.importorskip("tests.fakes.telegram_api")

GROUP = -4001
MANAGEMENT = -4002


def texts(fake, chat_id: int) -> list[str]:
    """What people read in the chat: the HTML the bot sent, tags dropped and unescaped."""
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in fake.sent_texts(chat_id)]


@pytest.fixture
def fake() -> Iterator[object]:
    with telegram_fake.FakeTelegram() as server:
        yield server
    assert not server.errors, [(c.method, c.error) for c in server.errors]


@pytest.fixture
def tg_core(core, clock, fake):
    # The fake knows a group once someone has written in it, as Telegram knows the bot's chats.
    alice = fake.user(101, "Alice", username="alice_ar")
    fake.message(fake.group(GROUP, "Acme account team"), alice, "hello")
    fake.message(fake.group(MANAGEMENT, "KAM management"), alice, "hello")
    api = telegram_client.BotApi(fake.token, fake.api_url, sleep=lambda s: None)
    core.senders.add(telegram_client.TelegramSender(api))
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = f"telegram:{MANAGEMENT}"
    with core.sessions.begin() as s:
        acct = repos.create_account(s, name="Acme <Corp> & Co", tier="important", at=clock.now())
        assert acct.id is not None
        repos.bind_channel(s, platform="telegram", workspace="telegram", channel=str(GROUP),
                           account_id=acct.id, channel_name="acme", at=clock.now())
        people = {}
        for role, uid, username in (("AR", "101", "alice_ar"), ("FR", "103", "carol_fr"),
                                    ("SPONSOR", "104", "dave_ceo")):
            person = repos.upsert_person(s, platform="telegram", user_id=uid,
                                         display_name=username.title(), username=username)
            repos.assign_role(s, account_id=acct.id, role=role, person_id=person.id,
                              at=clock.now())
            people[role] = person
        health_repo.add_signal(s, account_id=acct.id, metric="nps", value=-40, at=clock.now())
        repos.add_task(s, account_id=acct.id, title="Fix the <install>", role="FR",
                       assignee_id=people["FR"].id, due_date=clock.today() - timedelta(days=8),
                       shared=False, at=clock.now())
    return core


def test_red_alert_escalation_and_management_reach_telegram(tg_core, fake, clock):
    summary = run_health_check(tg_core)
    assert summary.failed == 0
    group = texts(fake, GROUP)
    # Names with <, > and & arrive escaped, as Telegram's HTML parse mode needs.
    assert any("Acme &lt;Corp&gt; &amp; Co" in t for t in fake.sent_texts(GROUP))
    assert any("Acme <Corp> & Co is now 🔴 red" in t for t in group)
    # The first step of the chain: the task's holder (the AR comes five business days later).
    assert any("Escalated to @carol_fr: task #1" in t for t in group)
    [management] = texts(fake, MANAGEMENT)
    assert "@dave_ceo" in management and "is red" in management
    # The next day: nothing again.
    clock.advance(timedelta(days=1))
    run_health_check(tg_core)
    assert len(texts(fake, GROUP)) == len(group)
    assert len(texts(fake, MANAGEMENT)) == 1


def test_reminder_is_a_direct_message_on_telegram(tg_core, fake):
    summary = run_reminders(tg_core)
    assert summary.reminders == 1
    [dm] = texts(fake, 103)
    assert "Fix the <install>: 6 business day(s) late (due 2026-11-16)" in dm


def test_reminder_falls_back_to_the_group_when_the_dm_is_refused(tg_core, fake):
    fake.fail_next("sendMessage", status=403,
                   description="Forbidden: bot can't initiate conversation with a user")
    summary = run_reminders(tg_core)
    assert summary.reminders == 1
    [mention] = texts(fake, GROUP)
    assert mention.startswith("@carol_fr")
    fake.errors.clear()  # the 403 was asked for
