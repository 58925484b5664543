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
    await slack.fake.await_for("chat.postMessage", 1)
    await slack.command(f"note {CANARY} they pay late")
    await slack.fake.await_for("chat.postMessage", 2)
    await slack.command('account link "Acme Corp"', channel="C0JOINT", channel_name="acme-joint")
    calls = await slack.fake.await_for("chat.postMessage", 3)
    assert "Slack Connect" in text_of(calls[2]) and calls[2].params["channel"] == "C0JOINT"
    with slack_core.sessions() as s:
        joint = s.exec(select(ChannelBinding).where(ChannelBinding.channel == "C0JOINT")).one()
        assert joint.shared

    await slack.command("notes", channel="C0JOINT", channel_name="acme-joint")
    [eph] = await slack.fake.await_for("chat.postEphemeral")
    assert CANARY in text_of(eph) and eph.params["user"] == "U0ANN"
    await slack.command("open", channel="C0JOINT", channel_name="acme-joint")
    calls = await slack.fake.await_for("chat.postMessage", 4)
    assert calls[3].params["channel"] == "C0JOINT"
    assert not [c for c in slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == "C0JOINT" and CANARY in text_of(c)]


async def test_an_internal_channel_stays_internal(slack, slack_core) -> None:
    slack.fake.channels["C0ACME"] = {"name": "acme-team", "is_ext_shared": False}
    await slack.command('account new "Acme Corp"')
    await slack.fake.await_for("chat.postMessage")
    with slack_core.sessions() as s:
        assert not s.exec(select(ChannelBinding)).one().shared
