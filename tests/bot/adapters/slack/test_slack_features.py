"""Buttons, modals, the shortcut, App Home, channel events, mentions, 429 and every verb."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sqlmodel import select

from bot.adapters.slack_post import SlackPoster, make_client
from bot.messages import Attachment, Outgoing, Reply
from bot.outbox import SendError
from storage.models import ChannelBinding, Note, Task
from tests.bot.adapters.slack.slack_driver import button, sent_message, text_of

EVERY_VERB = [
    "help",
    'account new "Acme Corp" tier=core',
    "account",
    "account set revenue=1200000 margin=0.3 renewal=2027-01-31 industry=Energy",
    "account score value=4 potential=5 fit=4 cost=2",
    "accounts",
    "triangle AR=<@U0ANN|ann> SR=<@U0BOB|bob> FR=<@U0CAT|cat>",
    'task "Send the quote" owner=SR due=2026-12-05',
    "task Plan the renewal call with procurement due=+3d shared",
    "done 1",
    "reopen 1",
    "reassign 1 owner=FR",
    "open",
    "tasks mine",
    "tasks all",
    "note Met the CIO.\nACTION: SR to send the revised quote by friday",
    "handover SR <@U0DAN|dan>",
    'stakeholder add "Li Wei" title=CIO power=5 interest=4 stance=supporter',
    "stakeholder",
    "plan goals Grow the platform business by 20%",
    "plan",
    "signal nps=35 csat=4.2 usage=0.7 response_hours=6 exec_meeting=2026-11-10",
    "health",
    "task 1",
    "task 1 edit due=2026-12-20 shared",
    "cancel 2 not needed",
    "tasks cancelled",
    "notes",
    "note 1",
    "note delete 1",
    "undo",
    "history",
]


def _answers(fake):
    return [c for c in fake.calls if c.method in {"chat.postMessage", "chat.postEphemeral"}]


def _is_error(call) -> bool:
    blocks = call.json("blocks") or []
    return bool(blocks) and blocks[0].get("type") == "header" and blocks[0]["text"]["text"].startswith(":x:")




async def test_every_core_verb_through_kam_over_http(slack, slack_core):
    slack_core.settings.KAMBOT_ADMINS.append("U0ANN")
    seen = 0
    for text in EVERY_VERB:
        await slack.command(text)
        await _until(lambda seen=seen: len(_answers(slack.fake)) > seen)
        answers = _answers(slack.fake)
        assert len(answers) > seen, f"no answer to {text!r}"
        await asyncio.sleep(0.05)  # a long reply may come as several messages
        answers = _answers(slack.fake)
        assert not any(_is_error(c) for c in answers[seen:]), f"{text!r}: {text_of(answers[seen])}"
        seen = len(answers)
    with slack_core.sessions.begin() as session:
        titles = [t.title for t in session.exec(select(Task)).all()]
    # the two typed tasks and the one from the note's action line (account rules may add more)
    assert "Send the quote" in titles and "Plan the renewal call with procurement" in titles
    assert any("revised quote" in t for t in titles), titles


async def test_task_modal_from_command_and_submission(slack, slack_core):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("task", trigger_id="trig.modal")
    [opened] = await slack.fake.await_for("views.open")
    assert opened.params["trigger_id"] == "trig.modal"
    view = opened.json("view")
    assert view["callback_id"] == "kam.task"
    values = {
        "title": {"value": {"type": "plain_text_input", "value": 'Deliver the "pilot" rack'}},
        "role": {"value": {"type": "static_select", "selected_option": {"value": "FR"}}},
        "person": {"value": {"type": "users_select", "selected_user": None}},
        "due": {"value": {"type": "datepicker", "selected_date": "2026-12-05"}},
        "shared": {"value": {"type": "checkboxes", "selected_options": [{"value": "shared"}]}},
    }
    resp = await slack.submit(view, values)
    assert resp.status == 200
    calls = await slack.fake.await_for("chat.postMessage", 2)
    assert "#1" in text_of(calls[-1])
    with slack_core.sessions.begin() as session:
        task = session.exec(select(Task)).one()
    assert (task.title, task.role, str(task.due_date), task.shared) == (
        'Deliver the "pilot" rack', "FR", "2026-12-05", True)


async def test_reassign_button_modal_and_its_validation(slack, slack_core):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    await slack.command('task "Send the quote" owner=SR')
    calls = await slack.fake.await_for("chat.postMessage", 2)
    await slack.click(sent_message(calls[1]), button(calls[1].json("blocks"), "reassign 1"))
    [opened] = await slack.fake.await_for("views.open")
    view = opened.json("view")
    assert view["callback_id"] == "kam.reassign"
    empty = {"role": {"value": {"selected_option": None}}, "person": {"value": {"selected_user": None}}}
    resp = await slack.submit(view, empty)
    body = json.loads(await resp.text())
    assert body["response_action"] == "errors" and "role" in body["errors"]
    chosen = {"role": {"value": {"selected_option": None}},
              "person": {"value": {"selected_user": "U0BOB"}}}
    await slack.submit(view, chosen)
    answer = await slack.fake.await_for("chat.postMessage", 3)
    assert "#1" in text_of(answer[-1])
    with slack_core.sessions.begin() as session:
        task = session.exec(select(Task)).one()
        from storage.repos import person_by_user
        bob = person_by_user(session, platform="slack", user_id="U0BOB")
    assert bob is not None and task.assignee_id == bob.id


async def test_reopen_button_and_duplicate_click_has_one_effect(slack, slack_core):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    await slack.command('task "Send the quote" owner=SR')
    calls = await slack.fake.await_for("chat.postMessage", 2)
    done = button(calls[1].json("blocks"), "done 1")
    await slack.click(sent_message(calls[1]), done, action_ts="1700000999.000001")
    await slack.click(sent_message(calls[1]), done, action_ts="1700000999.000001")  # retried
    await slack.fake.await_for("chat.update")
    await asyncio.sleep(0.3)
    assert len(slack.fake.calls_to("chat.update")) == 1
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1
    eph = slack.fake.calls_to("chat.postEphemeral")[0]
    await slack.click(sent_message(calls[1]), button(eph.json("blocks"), "reopen 1"))
    await slack.fake.await_for("chat.update", 2)
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Task)).one().status == "open"


async def test_message_shortcut_saves_a_meeting_note(slack, slack_core):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    message = {"type": "message", "user": "U0BOB", "ts": "1700000400.000200",
               "text": "Met Acme's CIO.\nACTION: SR to send the revised quote by friday"}
    await slack.shortcut(message)
    [opened] = await slack.fake.await_for("views.open")
    view = opened.json("view")
    element = view["blocks"][0]["element"]
    assert element["initial_value"] == message["text"]
    await slack.submit(view, {"note": {"value": {"type": "plain_text_input", "value": message["text"]}}})
    calls = await slack.fake.await_for("chat.postMessage", 2)
    assert calls[-1].params["thread_ts"] == "1700000400.000200"
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Note)).one().text.startswith("Met Acme")
        assert session.exec(select(Task)).all()  # the action line became a task


async def test_app_home_lists_my_tasks_and_accounts_and_its_done_button(slack, slack_core):
    for n, text in enumerate(['account new "Acme Corp" tier=core', "triangle AR=<@U0ANN|ann>",
                              'task "Renewal call" owner=AR due=2026-11-20 confirm',
                              'task "Contract draft" owner=AR due=2026-12-20'], start=1):
        await slack.command(text)
        await slack.fake.await_for("chat.postMessage", n)
    await slack.event({"type": "app_home_opened", "user": "U0ANN", "channel": "D0ANN", "tab": "home",
                       "event_ts": "1700000600.000001"})
    [published] = await slack.fake.await_for("views.publish")
    assert published.params["user_id"] == "U0ANN"
    home = published.json("view")
    text = json.dumps(home, ensure_ascii=False)
    assert text.index("Renewal call") < text.index("Contract draft")  # overdue first
    assert "overdue" in text and "Acme Corp" in text and "AR" in text
    done = [b["accessory"] for b in home["blocks"] if "accessory" in b][0]
    await slack.click({"type": "message", "ts": ""}, done)
    second = await slack.fake.await_for("views.publish", 2)
    assert "Renewal call" not in json.dumps(second[-1].json("view"))
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Task).where(Task.title == "Renewal call")).one().status == "done"


async def test_bot_joining_explains_binding_once(slack):
    joined = {"type": "member_joined_channel", "user": "UBOT", "channel": "C0NEW",
              "channel_type": "C", "team": "T0FAKE"}
    await slack.event(joined, event_id="EvJoin")
    await slack.event(joined, event_id="EvJoin", retry_num=1)
    [call] = await slack.fake.await_for("chat.postMessage")
    assert call.params["channel"] == "C0NEW" and "account new" in text_of(call)
    await asyncio.sleep(0.3)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_rename_and_archive_keep_the_binding_right(slack, slack_core):
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")

    def binding():
        with slack_core.sessions.begin() as session:
            return session.exec(select(ChannelBinding)).one()

    await slack.event({"type": "channel_rename", "channel": {"id": "C0ACME", "name": "acme-key-account"}})
    await _until(lambda: binding().channel_name == "acme-key-account")
    await slack.event({"type": "channel_archive", "channel": "C0ACME", "user": "U0ANN"})
    await _until(lambda: binding().archived)
    await slack.event({"type": "channel_unarchive", "channel": "C0ACME", "user": "U0ANN"})
    await _until(lambda: not binding().archived)
    await slack.event({"type": "channel_id_changed", "old_channel_id": "C0ACME",
                       "new_channel_id": "C0SHARED", "event_ts": "1.2"})
    await _until(lambda: binding().channel == "C0SHARED")


def _poll(check, limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.02)


async def _until(check) -> None:
    """Wait (off the event loop, where the app's lazy work runs) until ``check()`` holds."""
    await asyncio.to_thread(_poll, check)


async def test_mentions_are_resolved_by_id_and_names_cached(slack, slack_core):
    slack.fake.users["U0BOB"] = {"name": "bob", "real_name": "Bob Stone", "display_name": "Bobby"}
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("triangle SR=<@U0BOB|bob>")
    calls = await slack.fake.await_for("chat.postMessage", 2)
    assert "Bobby" in text_of(calls[-1])
    await slack.command('task "Quote" owner=<@U0BOB|bob>')
    await slack.fake.await_for("chat.postMessage", 3)
    assert len([c for c in slack.fake.calls_to("users.info") if c.params.get("user") == "U0BOB"]) == 1


async def test_rate_limit_is_honoured(slack):
    slack.fake.queue_rate_limit("chat.postMessage", retry_after=1)
    await slack.command("help")
    calls = await slack.fake.await_for("chat.postMessage", 2, timeout=10)
    assert calls[1].at - calls[0].at >= 0.9


async def test_command_where_bot_is_not_a_member_answers_via_response_url(slack):
    slack.fake.queue_error("chat.postMessage", "not_in_channel")
    await slack.command("help", channel="C0OTHER")
    [resp] = await slack.fake.await_for("response_url")
    assert resp.params["response_type"] == "in_channel"


def test_sender_uploads_attachments_and_reports_rate_limits(fake_slack):
    poster = SlackPoster(make_client("xoxb-test", fake_slack.url, retries=0))
    reply = Reply(title="Monthly report",
                  attachments=[Attachment("health.png", b"\x89PNG fake", "image/png", "Health")])
    sent = poster.send(Outgoing("slack", "T0FAKE", "C0ACME", reply, thread="1700000000.000001"))
    assert sent.channel == "C0ACME" and sent.ref
    complete = fake_slack.wait_for("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C0ACME"
    assert complete.params["thread_ts"] == "1700000000.000001"
    assert list(fake_slack.uploads.values()) == [b"\x89PNG fake"]
    fake_slack.queue_rate_limit("chat.postMessage", retry_after=30)
    with pytest.raises(SendError) as err:
        poster.send(Outgoing("slack", "T0FAKE", "C0ACME", Reply(title="x")))
    assert err.value.retry_after == 30
    fake_slack.queue_error("chat.postMessage", "channel_not_found")
    with pytest.raises(SendError) as err:
        poster.send(Outgoing("slack", "T0FAKE", "C0GONE", Reply(title="x")))
    assert err.value.permanent


async def test_home_shows_health_colour_and_greeting_names_the_bound_account(slack, slack_core):
    from storage.models import HealthSnapshot

    await slack.command('account new "Acme Corp" tier=core')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("triangle SR=<@U0ANN|ann>")
    await slack.fake.await_for("chat.postMessage", 2)
    with slack_core.sessions.begin() as session:
        binding = session.exec(select(ChannelBinding)).one()
        session.add(HealthSnapshot(account_id=binding.account_id, color="yellow", score=60,
                                   reasons=[], at=slack_core.clock.now()))
    await slack.event({"type": "app_home_opened", "user": "U0ANN", "channel": "D0ANN", "tab": "home"})
    [published] = await slack.fake.await_for("views.publish")
    home = json.dumps(published.json("view"), ensure_ascii=False)
    assert "Acme Corp" in home and "yellow" in home and "SR" in home and "<#C0ACME>" in home
    await slack.event({"type": "member_joined_channel", "user": "UBOT", "channel": "C0ACME"})
    calls = await slack.fake.await_for("chat.postMessage", 3)
    assert "Acme Corp" in text_of(calls[-1]) and "account new" not in text_of(calls[-1])


async def test_a_stranger_gets_a_friendly_empty_home(slack):
    await slack.event({"type": "app_home_opened", "user": "U0NEW", "channel": "D0NEW", "tab": "home"})
    [published] = await slack.fake.await_for("views.publish")
    assert "I have not met you yet" in json.dumps(published.json("view"))


async def test_chinese_channel_gets_chinese_modal(slack, slack_core):
    await slack.command('account new "Acme Corp" lang=zh')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("account set lang=zh")
    await slack.fake.await_for("chat.postMessage", 2)
    await slack.command("task")
    [opened] = await slack.fake.await_for("views.open")
    assert opened.json("view")["title"]["text"] == "新建任务"


async def test_task_list_menu_done_and_reassign(slack, slack_core):
    for n, text in enumerate(['account new "Acme Corp"', 'task "Send the quote" owner=SR',
                              'task "Install the rack" owner=FR', "open"], start=1):
        await slack.command(text)
        calls = await slack.fake.await_for("chat.postMessage", n)
    listing = calls[-1]
    menu_done = button(listing.json("blocks"), "done 2")
    assert menu_done["type"] == "overflow"
    await slack.click(sent_message(listing), menu_done)
    [update] = await slack.fake.await_for("chat.update")
    blocks = update.json("blocks")
    assert all(b.get("accessory", {}).get("action_id") != menu_done["action_id"] for b in blocks)
    assert "<@U0ANN>" in json.dumps(blocks)
    await slack.click(sent_message(listing), button(listing.json("blocks"), "reassign 1"))
    [opened] = await slack.fake.await_for("views.open")
    assert opened.json("view")["callback_id"] == "kam.reassign"
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Task).where(Task.number == 2)).one().status == "done"
