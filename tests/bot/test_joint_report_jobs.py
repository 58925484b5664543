"""Channels shared with the customer in the jobs: the monthly joint report is posted there
once, worded to the customer, with no internal word; the internal report, health alerts,
rule posts and reminders never go there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import alerts, commercial, jobs, reminders
from bot.app import Core
from bot.clock import FixedClock
from bot.outbox import RecordingSender
from bot.posting import Poster
from commands.reports import Month
from storage import repos
from storage.models import ChannelBinding, Task
from tests.reportdata import CANARIES, at, seed_acme

NOV = Month(2026, 11)
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
JOINT = "acme-joint"


@pytest.fixture
def recorder(core: Core, clock: FixedClock) -> RecordingSender:
    clock.set(DEC_1)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    return sender


def _share(core: Core, account_id: int, *, lang: str | None = None) -> None:
    with core.sessions.begin() as s:
        binding = repos.bind_channel(s, platform="console", workspace="local", channel=JOINT,
                                     account_id=account_id, channel_name=JOINT,
                                     at=at("2026-08-01"))
        binding.shared = True
        binding.language = lang
        s.add(binding)
        task = repos.add_task(s, account_id=account_id, title="Nominate two key users",
                              role="CUSTOMER", assignee_id=None, due_date=date(2026, 12, 4),
                              shared=False, at=at("2026-11-12"))
        task.owner_text = "Li Wei"
        s.add(task)


def _text(out) -> str:  # type: ignore[no-untyped-def]
    return out.reply.plain_text() + "".join(
        a.content.decode() for a in out.reply.attachments if a.mime.startswith("text/"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_joint_report_goes_to_the_shared_channel_once(core: Core, recorder: RecordingSender,
                                                          lang: str) -> None:
    seeded = seed_acme(core.sessions)
    _share(core, seeded.account_id, lang=lang)
    poster = Poster(sleep=lambda _s: None, min_interval=0.0)
    jobs.run_monthly_reports(core, month=NOV, poster=poster, chart=False)
    jobs.run_monthly_reports(core, month=NOV, poster=poster, chart=False)
    [joint] = [out for out in recorder.sent if out.channel == JOINT]
    text = _text(joint)
    assert not [c for c in CANARIES if c in text]
    assert not [a for a in joint.reply.attachments if a.mime == "text/markdown"]
    if lang == "en":
        assert joint.reply.title == "Acme Corp - November 2026: our joint plan"
        assert "Nominate two key users (your side · Li Wei)" in text
        assert "Send the quote" in text and "Forward" not in text and "overdue" not in text
        assert "the Acme Corp team" not in text
    else:
        assert "我们的联合计划" in joint.reply.title and "贵方 · Li Wei" in text
    # The internal channel still has the report and the joint version as a file.
    team = [out for out in recorder.sent if out.channel == "acme-team"]
    assert len(team) == 3
    assert any(a.mime == "text/markdown" for a in team[2].reply.attachments)


def test_alerts_rules_and_reminders_never_post_to_a_shared_channel(
        core: Core, recorder: RecordingSender, clock: FixedClock) -> None:
    seeded = seed_acme(core.sessions)
    _share(core, seeded.account_id)
    poster = Poster(sleep=lambda _s: None, min_interval=0.0)
    for day in range(1, 20):
        clock.set(datetime(2026, 12, day, 9, 0, tzinfo=UTC))
        alerts.run_health_check(core, poster=poster)
        reminders.run_reminders(core, poster=poster)
        commercial.run_commercial_check(core, poster=poster)
    assert recorder.sent, "the jobs posted nothing at all: the test proves nothing"
    assert [out for out in recorder.sent if out.channel == JOINT] == []
    with core.sessions.begin() as s:
        binding = repos.binding_for(s, platform="console", workspace="local", channel=JOINT)
        assert isinstance(binding, ChannelBinding) and binding.shared
        assert s.get(Task, 1) is not None
