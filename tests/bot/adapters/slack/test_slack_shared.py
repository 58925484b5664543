"""A Slack Connect channel: linked as shared with the customer when Slack says another
organisation is in it; there the team's answers are ephemeral, the joint plan public."""

from __future__ import annotations

from sqlmodel import select

from storage.models import ChannelBinding
from tests.bot.adapters.slack.slack_driver import text_of

CANARY = "SLACKCANARY"


async def test_a_slack_connect_channel_is_linked_as_shared(slack, slack_core) -> None:
    slack.fake.channels["C0JOINT"] = {"name": "acme-joint", "is_ext_shared": True}
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage", 1, timeout=30)
    await slack.command(f"note {CANARY} they pay late")
    await slack.fake.await_for("chat.postMessage", 2, timeout=30)
    await slack.command('account link "Acme Corp"', channel="C0JOINT", channel_name="acme-joint")
    calls = await slack.fake.await_for("chat.postMessage", 3, timeout=30)
    assert "Slack Connect" in text_of(calls[2]) and calls[2].params["channel"] == "C0JOINT"
    with slack_core.sessions() as s:
        joint = s.exec(select(ChannelBinding).where(ChannelBinding.channel == "C0JOINT")).one()
        assert joint.shared

    await slack.command("notes", channel="C0JOINT", channel_name="acme-joint")
    [eph] = await slack.fake.await_for("chat.postEphemeral", timeout=30)
    assert CANARY in text_of(eph) and eph.params["user"] == "U0ANN"
    await slack.command("open", channel="C0JOINT", channel_name="acme-joint")
    calls = await slack.fake.await_for("chat.postMessage", 4, timeout=30)
    assert calls[3].params["channel"] == "C0JOINT"
    assert not [c for c in slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == "C0JOINT" and CANARY in text_of(c)]


async def test_an_internal_channel_stays_internal(slack, slack_core) -> None:
    slack.fake.channels["C0ACME"] = {"name": "acme-team", "is_ext_shared": False}
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage", timeout=30)
    with slack_core.sessions() as s:
        assert not s.exec(select(ChannelBinding)).one().shared


async def test_the_edit_form_can_give_an_action_to_the_customer(slack, slack_core) -> None:
    import asyncio

    from storage.models import Task
    from tests.bot.adapters.slack.slack_driver import button, sent_message
    from tests.bot.adapters.slack.test_slack_curation import _acme_with_a_note

    call = await _acme_with_a_note(slack)
    await slack.click(sent_message(call), button(call.json("blocks"), "task 1 edit"))
    [opened] = await slack.fake.await_for("views.open", timeout=30)
    view = opened.json("view")
    roles = {b["block_id"]: b["element"] for b in view["blocks"] if "block_id" in b}["role"]
    assert "CUSTOMER" in [o["value"] for o in roles["options"]]
    await asyncio.sleep(0.3)
    await slack.submit(view, {
        "title": {"value": {"type": "plain_text_input", "value": "send the revised quote"}},
        "role": {"value": {"type": "static_select", "selected_option": {"value": "CUSTOMER"}}},
        "person": {"value": {"type": "users_select", "selected_user": "U0BOB"}},
        "due": {"value": {"type": "datepicker", "selected_date": "2026-12-04"}},
        "shared": {"value": {"type": "checkboxes", "selected_options": []}},
    })
    answer = await slack.fake.await_for("chat.postMessage", 4, timeout=30)
    assert "#1 updated" in text_of(answer[-1])
    with slack_core.sessions.begin() as session:
        task = session.exec(select(Task)).one()
        assert (task.role, task.assignee_id) == ("CUSTOMER", None)
