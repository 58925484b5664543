"""Telegram reliability: duplicates, a crash mid-batch, 429s, failed sends, migration,
people without usernames, direct messages, and the token kept out of logs."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram import Update
from telegram.ext import ApplicationBuilder, TypeHandler

from bot.adapters.telegram import TelegramRuntime, TelegramSetupError
from bot.adapters.telegram_client import BotApi, TelegramSender
from bot.app import Core
from bot.messages import Attachment, Incoming, Outgoing, Reply
from bot.outbox import SendError
from storage.models import Account, ChannelBinding, Person, ProcessedEvent, Task
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, WANG, runtime_for, say, until
from tests.fakes.telegram_api import FakeTelegram


def task_titles(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(t.title for t in session.exec(select(Task)).all())


async def test_an_update_delivered_twice_has_one_effect(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    before = len(fake.sent_messages(GROUP["id"]))
    uid = fake.message(GROUP, ALICE, '/task "Call the sponsor"')
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await asyncio.to_thread(fake.wait_idle)

    fake.push_duplicate(uid)
    await asyncio.to_thread(fake.wait_idle)
    listing = await say(fake, ALICE, "/open")  # processed after the duplicate
    assert task_titles(engine) == ["Call the sponsor"]
    assert listing.count("Call the sponsor") == 1
    assert len(fake.sent_messages(GROUP["id"])) == before + 2  # the task reply, the listing

    # a button press delivered twice: one effect, one answer
    presses = len(fake.callback_answers)
    press = fake.press(GROUP["id"], BOB, "Done #1")
    await until(lambda: len(fake.callback_answers) > presses)
    await asyncio.to_thread(fake.wait_idle)
    sent = len(fake.sent_messages(GROUP["id"]))
    fake.push_duplicate(press)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.3)
    assert len(fake.sent_messages(GROUP["id"])) == sent
    assert len(fake.callback_answers) == presses + 1


async def test_a_restart_in_the_middle_of_a_batch_loses_nothing(
    fake: FakeTelegram, make_core: Callable[..., Core], engine: Engine
) -> None:
    # Three updates wait before the bot starts: pending updates are never dropped.
    fake.message(GROUP, ALICE, '/account new "Acme"')
    fake.message(GROUP, ALICE, '/task "Book the QBR"')
    fake.message(GROUP, ALICE, '/task "Send the quote"')

    first = make_core()
    real_handle = first.dispatcher.handle
    reached, crashed = threading.Event(), threading.Event()

    def dies_on_the_second(incoming: Incoming) -> Reply | None:
        if "QBR" in incoming.text:
            reached.set()
            crashed.wait(5)
            return None  # the process is gone: this update never has its effect
        return real_handle(incoming)

    first.dispatcher.handle = dies_on_the_second  # type: ignore[method-assign]
    runtime = runtime_for(first)
    await runtime.start(webhook=False)
    await asyncio.to_thread(reached.wait, 5)
    assert runtime._poll_task is not None
    runtime._poll_task.cancel()  # the crash: no clean shutdown, nothing confirmed
    crashed.set()
    await runtime.stop()
    assert len(fake.pending_update_ids) == 3  # the whole batch is still at Telegram
    assert task_titles(engine) == []
    replies = len(fake.sent_messages(GROUP["id"]))
    assert replies == 1  # the account was set up before the crash

    second = runtime_for(make_core())
    await second.start(webhook=False)
    try:
        await asyncio.to_thread(fake.wait_idle)
        await until(lambda: len(fake.sent_messages(GROUP["id"])) == replies + 2)
    finally:
        await second.stop()
    # the replayed first update was absorbed by idempotency; the other two ran once each
    assert task_titles(engine) == ["Book the QBR", "Send the quote"]
    with Session(engine) as session:
        assert len(session.exec(select(Account)).all()) == 1
        assert len(session.exec(select(ProcessedEvent)).all()) == 3
    texts = fake.sent_texts(GROUP["id"])
    assert sum("Acme is set up" in text for text in texts) == 1


async def test_ptb_own_updater_confirms_a_batch_before_processing_it(
    fake: FakeTelegram,
) -> None:
    """Why polling is our own loop: ptb's Updater confirms updates it has only queued."""
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(update: Update, context: Any) -> None:
        started.set()
        await release.wait()

    application = ApplicationBuilder().token(fake.token).base_url(fake.api_url).build()
    application.add_handler(TypeHandler(Update, slow))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        fake.message(GROUP, ALICE, "/open")
        fake.message(GROUP, ALICE, "/help")
        await asyncio.wait_for(started.wait(), 5)
        await until(lambda: not fake.pending_update_ids)
        assert not release.is_set()  # confirmed to Telegram, yet not processed
        release.set()
        await application.updater.stop()
        await application.stop()


async def test_retry_after_is_honoured_and_failed_sends_are_retried(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    fake.fail_next("sendMessage", retry_after=1)
    assert "Task #1" in await say(fake, ALICE, '/task "Call the sponsor"')
    refused, accepted = fake.calls_of("sendMessage")[-2:]
    assert refused.status == 429 and accepted.status == 200
    assert accepted.at - refused.at >= 1.0

    fake.fail_next("sendMessage", status=500, retry_after=None, times=2)
    assert "Call the sponsor" in await say(fake, ALICE, "/open")
    assert [c.status for c in fake.calls_of("sendMessage")[-3:]] == [500, 500, 200]

    fake.fail_next("getUpdates", retry_after=1)
    await asyncio.sleep(1.2)  # the next poll is refused, then honoured
    assert "Task #2" in await say(fake, ALICE, '/task "Book the QBR"')
    polls = fake.calls_of("getUpdates")
    refused_poll = next(c for c in polls if c.status == 429)
    after = [c for c in polls if c.at > refused_poll.at]
    assert after and after[0].at - refused_poll.at >= 1.0


def test_sender_posts_text_then_files_and_reports_failures(fake: FakeTelegram) -> None:
    fake.message(GROUP, ALICE, "hello")
    waits: list[float] = []
    api = BotApi(fake.token, fake.api_url, sleep=waits.append, max_wait=10)
    sender = TelegramSender(api)
    reply = Reply(
        title="Monthly report <Acme>",
        attachments=[
            Attachment("health.png", b"\x89PNG...", "image/png", "Health trend"),
            Attachment("report.md", b"# Acme\n", "text/markdown", "Report & actions"),
        ],
    )
    out = Outgoing(platform="telegram", workspace="telegram", channel=str(GROUP["id"]),
                   reply=reply)  # fmt: skip
    fake.fail_next("sendPhoto", retry_after=3)
    sent = sender.send(out)
    messages = fake.sent_messages(GROUP["id"])
    assert sent.ref == str(messages[0]["message_id"])
    assert messages[0]["text"] == "<b>Monthly report &lt;Acme&gt;</b>"
    assert messages[1]["photo"] and messages[1]["caption"] == "Health trend"
    assert messages[2]["document"]["file_name"] == "report.md"
    assert messages[2]["caption"] == "Report &amp; actions"
    assert waits == [3.0]

    fake.fail_next("sendMessage", retry_after=120)
    with pytest.raises(SendError) as too_long:
        sender.send(out)
    assert too_long.value.retry_after == 120 and not too_long.value.permanent
    with pytest.raises(SendError) as unknown:
        sender.send(Outgoing(platform="telegram", workspace="telegram", channel="-999",
                             reply=reply))  # fmt: skip
    assert unknown.value.permanent
    fake.errors.clear()  # the unknown chat was refused on purpose
    api.close()


async def test_supergroup_migration_keeps_the_binding(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    await say(fake, ALICE, '/task "Book the QBR"')
    old_update, _ = fake.migrate(GROUP, ALICE, -1004001)
    await until(lambda: fake.sent_messages(-1004001))
    await asyncio.to_thread(fake.wait_idle)
    fake.push_duplicate(old_update)
    await asyncio.to_thread(fake.wait_idle)
    supergroup = {**GROUP, "id": -1004001, "type": "supergroup"}
    listing = await say(fake, ALICE, "/open", chat=supergroup)
    assert "Book the QBR" in listing
    notices = [t for t in fake.sent_texts(-1004001) if "supergroup" in t]
    assert notices == ["This group is now a supergroup. It is still the channel of Acme."]
    with Session(engine) as session:
        bindings = session.exec(select(ChannelBinding)).all()
        assert [(b.channel, b.channel_name) for b in bindings] == [("-1004001", GROUP["title"])]


async def test_people_without_a_username_are_named_by_text_mention(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    before = len(fake.sent_messages(GROUP["id"]))
    fake.text_mention(GROUP, ALICE, "/triangle FR=", WANG)
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    assert "伟 王" in fake.sent_texts(GROUP["id"])[-1]
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.user_id == "103")).one()
        assert person.display_name == "伟 王" and person.username is None


async def test_a_direct_message_is_a_question(
    fake: FakeTelegram, make_core: Callable[..., Core]
) -> None:
    core = make_core()
    seen: list[Incoming] = []
    real_handle = core.dispatcher.handle

    def recording(incoming: Incoming) -> Reply | None:
        seen.append(incoming)
        return real_handle(incoming)

    core.dispatcher.handle = recording  # type: ignore[method-assign]
    runtime = runtime_for(core)
    await runtime.start(webhook=False)
    try:
        answer = await say(fake, BOB, "What is overdue on Acme?", chat=fake.private(BOB))
    finally:
        await runtime.stop()
    assert answer
    assert seen[0].text == "ask What is overdue on Acme?"
    assert seen[0].is_direct and seen[0].channel == str(BOB["id"])


async def test_the_token_never_reaches_the_logs(
    fake: FakeTelegram,
    make_core: Callable[..., Core],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime = runtime_for(make_core())
    await runtime.start(webhook=False)
    try:
        fake.fail_next("sendMessage", status=500, retry_after=None)
        await say(fake, ALICE, "/help")
        fake.fail_next("getUpdates", status=500, retry_after=None)
        await say(fake, ALICE, "/help")
    finally:
        await runtime.stop()
    secret = fake.token.partition(":")[2]
    assert caplog.records
    assert secret not in caplog.text
    for record in caplog.records:
        assert secret not in record.getMessage()

    wrong = "999999:WrongTokenThatMustNotLeak-123"
    bad = runtime_for(make_core(TELEGRAM_BOT_TOKEN=SecretStr(wrong)))
    with pytest.raises(TelegramSetupError) as refused:
        await bad.start(webhook=False)
    await bad.stop()
    assert "rejected" in str(refused.value) and wrong not in str(refused.value)
    assert "WrongTokenThatMustNotLeak" not in caplog.text


def test_token_filter_redacts_messages_and_tracebacks() -> None:
    from bot.adapters.telegram_client import TokenFilter

    token = "4242:SecretPartOfTheToken"
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s", (f"/bot{token}/",),
                                   sys.exc_info())  # fmt: skip
    TokenFilter(token).filter(record)
    assert "SecretPartOfTheToken" not in record.getMessage()
    assert record.exc_text and "SecretPartOfTheToken" not in record.exc_text
    assert "<token>" in record.getMessage()
