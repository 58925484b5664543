"""The Telegram bot end to end: the real ptb Application and our loop against the fake API.

Each test plays a Telegram group through the fake Bot API on 127.0.0.1 and checks what
the bot posted there, what the database holds, and what the fake was asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.telegram import TelegramRuntime, TelegramSetupError
from bot.app import Core
from bot.clock import FixedClock
from bot.seals import peek
from storage import repos
from storage.models import Account, ProcessedEvent, Task
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, free_port, runtime_for, say, until
from tests.fakes.telegram_api import FakeTelegram


async def conversation(fake: FakeTelegram, engine: Engine) -> None:
    """The console conversation, played in a Telegram group."""
    assert "Acme" in await say(fake, ALICE, '/account new "Acme"')
    await say(fake, BOB, "/help")  # Bob is now known by his @username
    triangle = await say(fake, ALICE, "/triangle AR=@alice_ar SR=@bob_sr")
    assert "Alice" in triangle and "Bob Li" in triangle
    created = await say(
        fake, ALICE, '/task@kambot_test_bot "Send the <revised> quote & terms" owner=SR'
    )
    assert "&lt;revised&gt;" in created and "&amp;" in created  # escaped for HTML
    listing = await say(fake, BOB, "/kam open")
    assert "Send the &lt;revised&gt; quote" in listing
    [[done]] = fake.sent_messages(GROUP["id"])[-1]["reply_markup"]["inline_keyboard"]
    # the button carries a seal of "done 1" for this group and account (bot/seals.py)
    sealed = peek(done["callback_data"])
    assert done["text"] == "Done #1" and sealed is not None and sealed.command == "done 1"
    assert len(done["callback_data"].encode()) <= 64

    # the done button goes through the same dispatcher
    before = len(fake.sent_messages(GROUP["id"]))
    fake.press(GROUP["id"], BOB, "Done #1")
    if fake.webhook is not None:
        assert await asyncio.to_thread(fake.deliver_webhook) == [200]
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await until(lambda: fake.callback_answers)
    assert list(fake.callback_answers.values())[-1]["text"]
    with Session(engine) as session:
        assert session.exec(select(Task)).one().status == "done"

    assert "#1" in await say(fake, ALICE, "/reopen@kambot_test_bot 1")
    with Session(engine) as session:
        assert session.exec(select(Task)).one().status == "open"
    # answers are HTML replies to the message that asked
    for call in fake.calls_of("sendMessage"):
        assert call.params["parse_mode"] == "HTML"
        assert "reply_parameters" in call.params


async def test_group_conversation_in_polling_mode(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    # the command menu, in English and Chinese
    assert {c["command"] for c in fake.commands[""]} >= {"help", "account", "task", "done", "kam"}
    assert fake.commands["zh"][0]["description"] == "命令列表和用法"
    assert fake.calls_of("deleteWebhook")[0].params.get("drop_pending_updates") in (None, "false")
    await conversation(fake, engine)


async def test_group_conversation_in_webhook_mode(
    fake: FakeTelegram, make_core: Callable[..., Core], engine: Engine
) -> None:
    port = free_port()
    core = make_core(
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
        TELEGRAM_WEBHOOK_SECRET=SecretStr("s3cret-Value_1"),
        PORT=port,
    )
    runtime = runtime_for(core)
    await runtime.start(webhook=True, listen="127.0.0.1")
    try:
        assert fake.webhook == {"url": f"http://127.0.0.1:{port}/telegram/hook",
                                "secret_token": "s3cret-Value_1"}  # fmt: skip
        await conversation(fake, engine)

        # wrong and missing secrets are refused before anything happens
        with Session(engine) as session:
            events = len(session.exec(select(ProcessedEvent)).all())
        sent = len(fake.sent_messages())
        forged = {"update_id": 999999, "message": {
            "message_id": 77, "date": 1, "chat": GROUP, "from": ALICE, "text": "/done 1",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}  # fmt: skip
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="wrong") == 403
        assert await asyncio.to_thread(fake.post_webhook, forged, secret=None) == 403
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="") == 403
        with Session(engine) as session:
            assert len(session.exec(select(ProcessedEvent)).all()) == events
            assert session.exec(select(Task)).one().status == "open"
        assert len(fake.sent_messages()) == sent
        # and the right one works
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="s3cret-Value_1") == 200
        with Session(engine) as session:
            assert session.exec(select(Task)).one().status == "done"
    finally:
        await runtime.stop()


async def test_webhook_mode_needs_a_secret(make_core: Callable[..., Core]) -> None:
    core = make_core(TELEGRAM_WEBHOOK_URL="https://bot.example.com/telegram", PORT=free_port())
    runtime = runtime_for(core)
    with pytest.raises(TelegramSetupError, match="TELEGRAM_WEBHOOK_SECRET"):
        await runtime.start(webhook=True, listen="127.0.0.1")
    await runtime.stop()


async def test_other_bots_commands_are_left_alone(
    fake: FakeTelegram, polling: TelegramRuntime
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    sent = len(fake.sent_messages(GROUP["id"]))
    fake.message(GROUP, ALICE, "/weather Berlin")  # for another bot in the group
    fake.message(GROUP, ALICE, "/weather@other_weather_bot Berlin")
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.3)
    assert len(fake.sent_messages(GROUP["id"])) == sent
    # addressed to us, an unknown verb gets a clear refusal
    assert "weather" in await say(fake, ALICE, "/weather@kambot_test_bot Berlin")
    assert "weather" in await say(fake, ALICE, "/kam weather Berlin")


async def test_chinese_commands_after_kam(fake: FakeTelegram, polling: TelegramRuntime) -> None:
    await say(fake, ALICE, '/account new "华星零售"')
    created = await say(fake, ALICE, "/kam 任务 “发送报价” 负责人=SR 截止=下周五")
    assert "#1" in created and "发送报价" in created
    assert "发送报价" in await say(fake, ALICE, "/kam 待办")


async def test_a_long_answer_is_split_with_each_items_buttons(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine, clock: FixedClock
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    with Session(engine) as session:
        account = session.exec(select(Account)).one()
        assert account.id is not None
        for n in range(1, 151):
            repos.add_task(session, account_id=account.id, role="SR", assignee_id=None,
                           title=f"Follow up <item {n}> & confirm the delivery window with the customer",
                           due_date=None, shared=False, at=clock.now())  # fmt: skip
        session.commit()
    before = len(fake.sent_messages(GROUP["id"]))
    answer = await say(fake, ALICE, "/tasks all")
    messages = fake.sent_messages(GROUP["id"])[before:]
    assert len(messages) > 1  # every part was accepted by the fake's 4096 / HTML checks
    assert sum(len(m.get("reply_markup", {}).get("inline_keyboard", [])) for m in messages) == 100
    for message in messages:
        shown = {line.split()[1] for line in message["text"].splitlines() if line.startswith("• #")}
        buttons = {
            b["text"].split()[-1]
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        }
        assert buttons <= shown  # a button travels with the message showing its task
    assert "&lt;item 100&gt;" in answer  # the core lists the first 100


async def test_webhook_route_mounted_in_a_shared_app(
    fake: FakeTelegram, make_core: Callable[..., Core]
) -> None:
    """`kambot run` serves Slack and Telegram on one PORT: the route mounts anywhere."""
    from aiohttp import web

    port = free_port()
    core = make_core(
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        TELEGRAM_WEBHOOK_SECRET=SecretStr("shared-secret"),
        PORT=port,
    )
    runtime = runtime_for(core)
    app = web.Application()
    app.add_routes(runtime.webhook_routes())
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await runtime.start(webhook=True, serve=False)
        assert "Acme" in await say(fake, ALICE, '/account new "Acme"')
    finally:
        await runtime.stop()
        await runner.cleanup()
