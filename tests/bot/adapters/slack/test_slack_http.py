"""The Slack app over HTTP against the fake Slack: `/kam`, events, buttons, modals, Home."""

from __future__ import annotations

import asyncio
import time

from tests.bot.adapters.slack.slack_driver import button, sent_message, sign, text_of


async def test_bad_signature_and_stale_timestamp_get_401(slack):
    body = "command=/kam&text=help"
    resp = await slack.post(body, "application/x-www-form-urlencoded", signed=False,
                            headers={"X-Slack-Request-Timestamp": str(int(time.time())),
                                     "X-Slack-Signature": "v0=deadbeef"})
    assert resp.status == 401
    stale = sign(body, timestamp=int(time.time()) - 600)
    resp = await slack.post(body, "application/x-www-form-urlencoded", signed=False, headers=stale)
    assert resp.status == 401
    assert not slack.fake.calls_to("chat.postMessage")


async def test_help_command_is_acked_and_answered(slack):
    resp = await slack.command("help")
    assert resp.status == 200
    [call] = await slack.fake.await_for("chat.postMessage")
    assert call.params["channel"] == "C0ACME"
    assert "account" in text_of(call)


async def test_account_task_done_flow(slack):
    await slack.command('account new "Acme Corp" tier=important')
    await slack.fake.await_for("chat.postMessage")
    await slack.command('task "Send the quote" owner=SR due=2026-12-05')
    calls = await slack.fake.await_for("chat.postMessage", 2)
    created = calls[1]
    assert "#1" in text_of(created)
    done = button(created.json("blocks"), "done 1")
    assert button(created.json("blocks"), "reassign 1")
    await slack.click(sent_message(created), done)
    update = (await slack.fake.await_for("chat.update"))[0]
    assert "<@U0ANN>" in text_of(update)
    eph = await slack.fake.await_for("chat.postEphemeral")
    assert "done" in text_of(eph[-1]).lower()


async def test_errors_are_ephemeral_to_the_person(slack):
    await slack.command("done 99")
    [call] = await slack.fake.await_for("chat.postEphemeral")
    assert call.params["user"] == "U0ANN"
    assert not slack.fake.calls_to("chat.postMessage")


async def test_ack_comes_before_slow_work(slack, slack_core):
    original = slack_core.dispatcher.handle

    def slow(incoming):
        time.sleep(1.5)
        return original(incoming)

    slack_core.dispatcher.handle = slow
    started = time.perf_counter()
    resp = await slack.command("help")
    acked = time.perf_counter() - started
    assert resp.status == 200
    assert acked < 0.5, acked
    await slack.fake.await_for("chat.postMessage", timeout=5)
    assert time.perf_counter() - started >= 1.5


async def test_retried_event_and_message_plus_mention_have_one_effect(slack):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    mention = slack.message_event("<@UBOT> what is open?", ts="1700000500.000100")
    await slack.event(mention, event_id="Ev1")
    await slack.event(mention, event_id="Ev1", retry_num=1)
    # the same message told again as a `message` event (as a DM subscription delivers it)
    await slack.event({**mention, "type": "message", "channel_type": "im"}, event_id="Ev2")
    await asyncio.sleep(0.5)
    answers = [c for c in slack.fake.calls if c.method in {"chat.postMessage", "chat.postEphemeral"}]
    answers = answers[1:]  # the first is the answer to `account new`
    assert len(answers) == 1


async def test_concurrent_deliveries_of_one_command_have_one_effect(slack, slack_core):
    from sqlmodel import select

    from storage.models import Task

    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    same = 'task "Send the quote" owner=SR'
    await asyncio.gather(*(slack.command(same, trigger_id="trig.same") for _ in range(5)))
    await slack.fake.await_for("chat.postMessage", 2)
    await asyncio.sleep(0.5)
    with slack_core.sessions.begin() as session:
        assert len(session.exec(select(Task)).all()) == 1
    assert len(slack.fake.calls_to("chat.postMessage")) == 2


async def test_url_verification_challenge_is_answered(slack):
    import json

    resp = await slack.post(json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"}),
                            "application/json")
    assert resp.status == 200 and "c-123" in await resp.text()


async def test_modal_for_a_channel_the_bot_is_not_in_tells_the_person_by_dm(slack, slack_core):
    from bot.adapters import slack_views as views
    from commands.i18n import Translator

    metadata = slack_core.dispatcher.seals.seal(purpose="modal:kam.note", platform="slack",
                                                channel="C0ELSE", user="U0ANN", carry_channel=True)
    view = views.note_modal(Translator("en"), metadata=metadata)
    slack.fake.queue_error("chat.postEphemeral", "channel_not_found", times=2)
    await slack.submit(view, {"note": {"value": {"value": "A note"}}})
    [dm] = await slack.fake.await_for("chat.postMessage")
    assert dm.params["channel"] == "U0ANN" and "Invite me" in text_of(dm)
