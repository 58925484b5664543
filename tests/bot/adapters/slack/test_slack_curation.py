"""Confirm and fix on Slack: Edit / Remove on extracted tasks, the Edit form filled in with
the task, its submission, Remove with Undo; through the real bolt app and the fake Slack."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from storage.models import Task
from storage.repos import person_by_user
from tests.bot.adapters.slack.slack_driver import (
    button,
    buttons_of,
    command_of,
    sent_message,
    text_of,
)

NOTE = "note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04"


async def _acme_with_a_note(slack) -> dict:
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("triangle SR=<@U0BOB|bob> FR=<@U0CAT|cat>")
    await slack.fake.await_for("chat.postMessage", 2)
    await slack.command(NOTE)
    calls = await slack.fake.await_for("chat.postMessage", 3)
    return calls[-1]


async def test_note_reply_has_edit_and_remove_on_each_task(slack, slack_core):
    call = await _acme_with_a_note(slack)
    values = {command_of(str(b.get("value"))) for b in buttons_of(call.json("blocks"))}
    assert {"done 1", "task 1 edit", "cancel 1", "reassign 1"} <= values


async def test_edit_opens_a_form_filled_in_and_its_submission_edits(slack, slack_core):
    call = await _acme_with_a_note(slack)
    await slack.click(sent_message(call), button(call.json("blocks"), "task 1 edit"))
    [opened] = await slack.fake.await_for("views.open")
    view = opened.json("view")
    assert view["callback_id"] == "kam.task_edit" and view["title"]["text"] == "Edit #1"
    blocks = {b["block_id"]: b["element"] for b in view["blocks"] if "block_id" in b}
    assert blocks["title"]["initial_value"] == "send the revised quote"
    assert blocks["role"]["initial_option"]["value"] == "SR"
    assert blocks["person"]["initial_user"] == "U0BOB"
    assert blocks["due"]["initial_date"] == "2026-12-04"
    assert "initial_options" not in blocks["shared"]
    await asyncio.sleep(0.3)
    assert not slack.fake.calls_to("chat.postEphemeral")  # the form, not a text answer
    values = {
        "title": {"value": {"type": "plain_text_input", "value": 'Send the "final" quote'}},
        "role": {"value": {"type": "static_select", "selected_option": {"value": "FR"}}},
        "person": {"value": {"type": "users_select", "selected_user": "U0BOB"}},
        "due": {"value": {"type": "datepicker", "selected_date": "2026-12-11"}},
        "shared": {"value": {"type": "checkboxes", "selected_options": [{"value": "shared"}]}},
    }
    await slack.submit(view, values)
    answer = await slack.fake.await_for("chat.postMessage", 4)
    assert "#1 updated" in text_of(answer[-1])
    with slack_core.sessions.begin() as session:
        task = session.exec(select(Task)).one()
        cat = person_by_user(session, platform="slack", user_id="U0CAT")
        assert cat is not None
        # a new role with the person left as it was: the role, and its holder
        assert (task.title, task.role, task.assignee_id, str(task.due_date), task.shared) == (
            'Send the "final" quote', "FR", cat.id, "2026-12-11", True)


async def test_edit_by_slash_command_alone_opens_the_form_and_a_missing_task_says_so(slack):
    await _acme_with_a_note(slack)
    await slack.command("task 1 edit", trigger_id="trig.edit")
    [opened] = await slack.fake.await_for("views.open")
    assert opened.params["trigger_id"] == "trig.edit"
    await slack.command("task 7 edit")
    [refusal] = await slack.fake.await_for("chat.postEphemeral")
    assert "no task #7" in text_of(refusal)
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_remove_cancels_and_undo_brings_it_back(slack, slack_core):
    call = await _acme_with_a_note(slack)
    await slack.click(sent_message(call), button(call.json("blocks"), "cancel 1"))
    [eph] = await slack.fake.await_for("chat.postEphemeral")
    assert "cancelled" in text_of(eph)
    await slack.fake.await_for("chat.update")  # the trace on the note's message
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Task)).one().status == "cancelled"
    undo = [b for b in buttons_of(eph.json("blocks"))
            if command_of(b["value"]).startswith("undo id=")]
    assert len(undo) == 1
    await slack.click(sent_message(eph), undo[0], ephemeral=True)
    [response] = await slack.fake.await_for("response_url")
    assert "Undone" in str(response.params)
    with slack_core.sessions.begin() as session:
        assert session.exec(select(Task)).one().status == "open"
