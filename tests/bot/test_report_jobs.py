"""The monthly report job: what it posts, where, and that it posts it once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import jobs
from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.messages import Outgoing
from bot.outbox import RecordingSender, SendError, Sent
from bot.posting import Poster
from bot.scheduler import catch_up
from commands.reports import Month
from storage import repos
from storage.db import make_engine
from storage.models import Delivery
from tests.reportdata import CANARIES, at, seed_acme, seed_quiet

NOV = Month(2026, 11)
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def quick_poster(sleeps: Sleeps | None = None) -> Poster:
    return Poster(sleep=sleeps or Sleeps(), min_interval=0.0)


@pytest.fixture
def recorder(core: Core, clock: FixedClock) -> RecordingSender:
    clock.set(DEC_1)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    return sender


def in_channel(sender: RecordingSender, channel: str) -> list[Outgoing]:
    return [out for out in sender.sent if out.channel == channel]


def test_run_posts_parent_thread_chart_shared_and_digest_then_nothing_twice(core, recorder):
    seed_acme(core.sessions)
    seed_quiet(core.sessions)

    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())

    acme = in_channel(recorder, "acme-team")
    parent_ref = str(recorder.sent.index(acme[0]) + 1)  # channels post side by side
    assert [out.thread for out in acme] == [None, parent_ref, parent_ref]  # parent, its thread
    parent, report, shared = (out.reply for out in acme)
    assert parent.title == "Acme Corp - November 2026 action report"
    assert "2 closed · 3 opened · 1 overdue · notes: 2 · health: 🟢 green (78)" in parent.plain_text()
    assert report.title == "Acme Corp - November 2026"
    [png] = report.attachments
    assert png.mime == "image/png" and png.content.startswith(b"\x89PNG")
    assert {a.filename for a in shared.attachments} == {
        "acme-corp-2026-11.md", "acme-corp-2026-11-shared.png"}
    for out in (shared,):
        text = out.plain_text() + "".join(a.content.decode() for a in out.attachments
                                          if a.mime == "text/markdown")
        assert not [c for c in CANARIES if c in text]
    quiet = in_channel(recorder, "quiet-team")
    assert len(quiet) == 3 and "Quiet month" in quiet[0].reply.plain_text()
    [digest] = in_channel(recorder, "mgmt")
    assert digest.reply.title == "Portfolio - November 2026"
    assert {a.mime for a in digest.reply.attachments} == {"text/markdown", "image/png"}
    assert summary.posted == 7 and summary.failed == 0

    again = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert len(recorder.sent) == 7
    assert again.posted == 0
    with core.sessions.begin() as s:
        rows = s.exec(select(Delivery)).all()
    assert sorted((r.kind, r.channel) for r in rows) == sorted([
        ("report", "acme-team"), ("report.thread", "acme-team"), ("report.shared", "acme-team"),
        ("report", "quiet-team"), ("report.thread", "quiet-team"),
        ("report.shared", "quiet-team"), ("digest", "mgmt")])
    assert {r.status for r in rows} == {"posted"} and {r.key for r in rows} == {"2026-11"}


def test_dry_run_posts_and_claims_nothing(core, recorder):
    seed_acme(core.sessions)
    summary = jobs.run_monthly_reports(core, month=NOV, dry_run=True, poster=quick_poster())
    assert recorder.sent == []
    with core.sessions.begin() as s:
        assert s.exec(select(Delivery)).all() == []
    assert summary.posted == 4  # what would be posted: parent, thread, shared, digest
    assert any("Acme Corp - November 2026 action report" in text
               for _, text in summary.previews)


def test_catch_up_after_a_missed_first_posts_the_month_just_ended(core, recorder, clock):
    seed_acme(core.sessions)
    # A channel bound after the report fell due did not miss it: no catch-up there.
    seed_quiet(core.sessions, channel="late-team", name="Late Ltd")
    with core.sessions.begin() as s:
        b = repos.binding_for(s, platform="console", workspace="local", channel="late-team")
        b.created_at = at("2026-12-02")
    clock.set(datetime(2026, 12, 3, 14, 30, tzinfo=UTC))  # the bot was down on the 1st

    summary = catch_up(core, poster=quick_poster())

    assert summary.month == "2026-11"
    assert [out.channel for out in recorder.sent] == ["acme-team"] * 3 + ["mgmt"]
    assert catch_up(core, poster=quick_poster()).posted == 0  # the hourly retry finds it done


@pytest.mark.parametrize(("now", "month"), [
    (datetime(2026, 12, 1, 8, 59, tzinfo=UTC), "2026-10"),
    (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "2026-11"),
    (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), "2026-11"),
    (datetime(2027, 1, 1, 9, 0, tzinfo=UTC), "2026-12"),
    # 09:00 in Shanghai is 01:00 UTC: the report is due in the zone of KAMBOT_TIMEZONE.
    (datetime(2026, 12, 1, 1, 30, tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai")), "2026-11"),
])
def test_due_month(now, month):
    assert jobs.due_month(now)[0].key == month


class FlakySender:
    """Says 429 (Retry-After) ``busy`` times, then posts; fails for ``broken`` channels."""

    platform = "console"

    def __init__(self, *, busy: int = 0, broken: set[str] | None = None) -> None:
        self.busy = busy
        self.broken = broken or set()
        self.sent: list[Outgoing] = []
        self.calls = 0

    def send(self, out: Outgoing) -> Sent:
        self.calls += 1
        if out.channel in self.broken:
            raise SendError("channel_not_found", permanent=True)
        if self.busy:
            self.busy -= 1
            raise SendError("ratelimited", retry_after=7.0)
        self.sent.append(out)
        return Sent(out.channel, f"m{len(self.sent)}")


def test_429_waits_for_retry_after_and_posts_once(core, recorder):
    seed_acme(core.sessions)
    flaky = FlakySender(busy=2)
    core.senders.add(flaky)
    sleeps = Sleeps()
    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster(sleeps))
    assert sleeps.waits[:2] == [7.0, 7.0]
    assert len(flaky.sent) == 4 and flaky.calls == 6
    assert summary.posted == 4 and summary.failed == 0
    assert [out.thread for out in flaky.sent[:3]] == [None, "m1", "m1"]


def test_a_failing_account_does_not_stop_the_others_and_is_retried(core, recorder):
    seed_acme(core.sessions)
    seed_quiet(core.sessions)
    flaky = FlakySender(broken={"acme-team"})
    core.senders.add(flaky)
    first = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert first.failed == 1 and "channel_not_found" in first.errors[0]
    assert {out.channel for out in flaky.sent} == {"quiet-team", "mgmt"}

    flaky.broken.clear()  # the channel is back (bot re-invited)
    second = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert second.posted == 3
    assert [out.channel for out in flaky.sent].count("acme-team") == 3
    assert [out.channel for out in flaky.sent].count("quiet-team") == 3


def test_failed_thread_is_continued_under_the_same_parent(core, recorder):
    seed_acme(core.sessions)

    class ThreadFails(FlakySender):
        def send(self, out: Outgoing) -> Sent:
            if out.thread is not None and self.thread_failures:
                self.thread_failures -= 1
                raise SendError("boom", permanent=True)
            return super().send(out)

    sender = ThreadFails()
    sender.thread_failures = 1
    core.senders.add(sender)
    jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert [out.thread for out in sender.sent if out.channel == "acme-team"] == [None]
    jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert [out.thread for out in sender.sent if out.channel == "acme-team"] == [None, "m1", "m1"]


def test_a_composition_error_skips_one_account_only(core, recorder, monkeypatch):
    seed_acme(core.sessions)
    seed_quiet(core.sessions)
    from commands import reports
    real = reports.gather_month

    def broken(session, *, account, **kw):
        if account.name == "Acme Corp":
            raise RuntimeError("bad data")
        return real(session, account=account, **kw)

    monkeypatch.setattr(reports, "gather_month", broken)
    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert [e for e in summary.errors if "bad data" in e]
    assert {out.channel for out in recorder.sent} == {"quiet-team", "mgmt"}


def test_bindings_of_a_platform_without_sender_are_reported_not_posted(core, recorder):
    seed_acme(core.sessions, platform="slack", channel="C1")
    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert summary.counts["no_sender"] == 1
    assert [out.channel for out in recorder.sent] == ["mgmt"]


@pytest.mark.parametrize(("setting", "platforms", "target"), [
    ("slack:C9", ["slack", "telegram"], ("slack", "C9")),
    ("telegram:-100123", ["slack", "telegram"], ("telegram", "-100123")),
    ("-100123", ["slack", "telegram"], ("telegram", "-100123")),
    ("C9", ["slack", "telegram"], ("slack", "C9")),
    ("mgmt", ["telegram"], ("telegram", "mgmt")),
])
def test_management_channel_setting(core, setting, platforms, target):
    for platform in platforms:
        core.senders.add(RecordingSender(platform=platform))
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = setting
    platform, _, channel = jobs.management_target(core, [])
    assert (platform, channel) == target


def test_two_runs_at_once_post_once(core, recorder, database_url, settings, clock):
    """Two replicas (two engines on one database) run the same month at the same moment."""
    seed_acme(core.sessions)
    seed_quiet(core.sessions)
    other = build_core(settings, clock=clock, engine=make_engine(database_url), migrate=False)
    other.senders.add(recorder)
    barrier = threading.Barrier(2)
    results = []

    def run(c):
        barrier.wait()
        results.append(jobs.run_monthly_reports(c, month=NOV, poster=quick_poster()))

    threads = [threading.Thread(target=run, args=(c,)) for c in (core, other)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    other.engine.dispose()
    assert len(recorder.sent) == 7
    assert sorted(len(in_channel(recorder, ch)) for ch in ("acme-team", "quiet-team", "mgmt")) \
        == [1, 3, 3]
    assert sum(r.posted for r in results) == 7


def test_stale_claim_of_a_dead_run_is_taken_again(core, recorder, clock):
    seed_acme(core.sessions)
    from storage import ledger
    with core.sessions.begin() as s:  # a replica claimed the parent and died mid-post
        ledger.claim(s, kind="report", account_id=1, key="2026-11", platform="console",
                     channel="acme-team", at=clock.now())
    jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert in_channel(recorder, "acme-team") == []
    clock.advance(timedelta(hours=1))
    jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert len(in_channel(recorder, "acme-team")) == 3


def test_a_dead_run_that_posted_before_recording_is_not_posted_again(core, recorder, clock):
    """The parent went out, then the run died before the ledger said so: the next run finds
    the post by its delivery key, records it and goes on with the thread."""
    seed_acme(core.sessions)
    from bot.messages import Outgoing, Reply
    from bot.posting import delivery_key
    from storage import ledger
    with core.sessions.begin() as s:
        ledger.claim(s, kind="report", account_id=1, key="2026-11", platform="console",
                     channel="acme-team", at=clock.now())
    first = recorder.send(Outgoing(platform="console", workspace="local", channel="acme-team",
                                   reply=Reply(title="report"),
                                   delivery_key=delivery_key("report", 1, "2026-11")))
    clock.advance(timedelta(hours=1))
    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    sent = in_channel(recorder, "acme-team")
    assert [o.delivery_key for o in sent] == ["report:1:2026-11", "report.thread:1:2026-11",
                                              "report.shared:1:2026-11"]
    assert sent[1].thread == sent[2].thread == first.ref  # the thread of the first post
    with core.sessions.begin() as s:
        row = ledger.find(s, kind="report", account_id=1, key="2026-11", channel="acme-team")
        assert row is not None and row.status == "posted" and row.message_ref == first.ref
    assert not summary.errors


def test_digest_command_posts_then_posts_nothing(core, recorder, capsys):
    seed_acme(core.sessions)
    assert jobs.digest_command(core, month="2026-11", poster=quick_poster()) == 0
    first = capsys.readouterr().out
    assert "Reports for 2026-11: 1 accounts; 4 posted" in first
    assert jobs.digest_command(core, month="2026-11", poster=quick_poster()) == 0
    assert "0 posted, 4 already done" in capsys.readouterr().out
    assert len(recorder.sent) == 4


def test_digest_command_defaults_to_the_month_just_ended_and_refuses_bad_months(
        core, recorder, capsys, clock):
    seed_acme(core.sessions)
    clock.set(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))
    assert jobs.digest_command(core, month="2026-12") == 2
    assert "2026-12 is not over yet" in capsys.readouterr().err
    assert jobs.digest_command(core, month="soon") == 2
    assert "is not a month" in capsys.readouterr().err
    assert recorder.sent == []
    assert jobs.digest_command(core, poster=quick_poster()) == 0
    assert "Reports for 2026-11" in capsys.readouterr().out


def test_digest_command_dry_run_prints_what_it_would_post(core, capsys, clock):
    clock.set(DEC_1)
    seed_acme(core.sessions, platform="slack", channel="C1")
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "slack:CMGMT"
    assert jobs.digest_command(core, month="2026-11", dry_run=True) == 0
    out = capsys.readouterr().out
    assert "Acme Corp - November 2026 action report" in out
    assert "Portfolio - November 2026" in out
    assert "4 would be posted" in out and "Nothing was posted" in out
    with core.sessions.begin() as s:
        assert s.exec(select(Delivery)).all() == []


def test_digest_command_without_any_platform_says_so(core, capsys, clock):
    clock.set(DEC_1)
    assert jobs.digest_command(core, month="2026-11") == 2
    assert "no platform is configured" in capsys.readouterr().err


def test_a_second_run_in_the_same_process_returns_at_once(core, recorder):
    seed_acme(core.sessions)
    lock = core.services.setdefault("report_run_lock", threading.Lock())
    with lock:  # the 1st's job is still running when the hourly retry fires
        assert jobs.run_due_reports(core, poster=quick_poster()).posted == 0
    assert recorder.sent == []
    assert jobs.run_due_reports(core, poster=quick_poster()).posted == 4


def test_a_digest_for_a_platform_without_sender_reads_no_account(core, recorder, monkeypatch):
    seed_acme(core.sessions)
    jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())  # the account's part
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "slack:CMGMT"  # no Slack in this process
    from commands import reports

    def never(*args, **kwargs):
        raise AssertionError("an account was read for nothing")

    monkeypatch.setattr(reports, "gather_month", never)
    summary = jobs.run_monthly_reports(core, month=NOV, poster=quick_poster())
    assert summary.counts["no_sender"] == 1 and summary.posted == 0 and not summary.errors
