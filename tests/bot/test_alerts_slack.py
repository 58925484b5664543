"""Alerts, escalations and reminders through the real Slack sender to the fake Slack Web API.

They run once the Slack sender (bot.adapters.slack_post.SlackPoster) and the fake
(tests/fakes/slack_api.py) are on the branch; until then they are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.alerts import run_health_check, run_reminders
from bot.posting import Poster
from bot.seals import ChannelSealer, peek
from storage import health_repo, repos

slack_post = pytest.importorskip("bot.adapters.slack_post")
slack_fake = pytest.importorskip("tests.fakes.slack_api")

CHANNEL = "C0ACME"
MANAGEMENT = "C0MGMT"


@pytest.fixture
def fake() -> Iterator[object]:
    with slack_fake.FakeSlack() as server:
        yield server
        server.check()  # no Block Kit limit or API contract broken


@pytest.fixture
def slack_core(core, clock, fake):
    client = slack_post.make_client("xoxb-test-token", fake.url)
    # As kambot's own Slack sender is made (bot.adapters.slack.slack_sender): buttons sealed.
    core.senders.add(slack_post.SlackPoster(client, sealer=ChannelSealer(
        core.dispatcher.seals, core.sessions, "slack")))
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = MANAGEMENT  # a bare id: Slack is the one platform
    with core.sessions.begin() as s:
        acct = repos.create_account(s, name="Acme Corp", tier="important", at=clock.now())
        assert acct.id is not None
        repos.bind_channel(s, platform="slack", workspace="T0FAKE", channel=CHANNEL,
                           account_id=acct.id, channel_name="acme", at=clock.now())
        people = {}
        for role, uid in (("AR", "U0ALICE"), ("FR", "U0CAROL"), ("SPONSOR", "U0DAVE")):
            person = repos.upsert_person(s, platform="slack", user_id=uid, display_name=uid)
            repos.assign_role(s, account_id=acct.id, role=role, person_id=person.id,
                              at=clock.now())
            people[role] = person
        health_repo.add_signal(s, account_id=acct.id, metric="nps", value=-40, at=clock.now())
        repos.add_task(s, account_id=acct.id, title="Fix the install", role="FR",
                       assignee_id=people["FR"].id, due_date=clock.today() - timedelta(days=8),
                       shared=False, at=clock.now())
    return core


def posted(fake, channel: str) -> list[str]:
    """Each chat.postMessage to ``channel``: its fallback text and every block's text."""
    out = []
    for call in fake.calls_to("chat.postMessage"):
        if call.params.get("channel") == channel:
            out.append(call.params.get("text", "") + "\n" + json.dumps(call.json("blocks"),
                                                                       ensure_ascii=False))
    return out


def test_red_alert_escalation_and_management_reach_slack(slack_core, fake, clock):
    summary = run_health_check(slack_core)
    assert summary.failed == 0 and summary.alerts == 1 and summary.management == 1
    channel = posted(fake, CHANNEL)
    assert len(channel) == 2
    assert any("Acme Corp is now" in p and "<@U0ALICE>" in p for p in channel)
    # The header (plain text, where Slack mentions nothing) names her; the body mentions her.
    assert any("Escalated to @U0CAROL: task #1" in p and "<@U0CAROL>, due 2026-11-16" in p
               for p in channel)
    alert = next(c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL)
    values = [e["value"] for b in alert.json("blocks") if b["type"] == "actions"
              for e in b["elements"]]
    opened = [peek(v) for v in values]
    assert [o.command for o in opened if o is not None] == [
        "alert ack red:2026-11-24", "alert snooze 7d red:2026-11-24"]  # sealed, as posted
    [management] = posted(fake, MANAGEMENT)
    assert "<@U0DAVE>" in management  # the sponsor is really mentioned, not escaped
    clock.advance(timedelta(days=1))
    run_health_check(slack_core)
    assert len(fake.calls_to("chat.postMessage")) == 3


def test_reminder_is_a_direct_message_on_slack(slack_core, fake):
    assert run_reminders(slack_core).reminders == 1
    [dm] = posted(fake, "U0CAROL")
    assert "Fix the install: 6 business day(s) late (due 2026-11-16)" in dm


def test_rate_limited_alert_is_retried(slack_core, fake):
    fake.queue_rate_limit("chat.postMessage", retry_after=1)
    summary = run_health_check(slack_core)
    assert summary.failed == 0 and summary.alerts == 1
