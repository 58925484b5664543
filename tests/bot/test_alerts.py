"""Health alerts, escalations, rules and reminders over simulated days (FixedClock).

The team plays the console channel "acme-team" through the real dispatcher; the bot's own
posts go to RecordingSenders, and the Delivery ledger shows what was posted under which key.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.alerts import (
    Episode,
    alerts_command,
    episode,
    health_listener,
    management_target,
    run_health_check,
    run_reminders,
)
from bot.messages import Outgoing
from bot.outbox import RecordingSender, SendError, Sent
from bot.posting import Poster
from bot.render.telegram import render_telegram
from storage import repos
from storage.models import Account, Delivery, EscalationNotice, HealthSnapshot, Task, TaskStatus

DAY = timedelta(days=1)


@pytest.fixture
def console(core) -> RecordingSender:
    """Wire what the lead wires in build_core: the listener, a sender, a non-sleeping poster."""
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    core.dispatcher.add_listener(health_listener(core))
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    return sender


@pytest.fixture
def acme(core, chat, console) -> int:
    """Acme Corp (important) with its iron triangle and sponsor dave."""
    for who in ("bob", "carol", "dave"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp"')
    reply = chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dave")
    assert not reply.is_error, reply.plain_text()
    with core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert account is not None and account.id is not None
        return account.id


def posts(sender: RecordingSender, channel: str) -> list[str]:
    return [o.reply.plain_text() for o in sender.sent if o.channel == channel]


def alerts_in(sender: RecordingSender, channel: str) -> list[str]:
    return [p for p in posts(sender, channel) if "Escalated" not in p]


def ledger(core, kind: str | None = None) -> list[tuple[str, str, str]]:
    with core.sessions.begin() as s:
        rows = s.exec(select(Delivery).order_by(Delivery.id)).all()
        return [(r.kind, r.key, r.channel) for r in rows
                if (kind is None or r.kind == kind) and r.status == "posted"]


def colors(core, account_id: int) -> list[str]:
    with core.sessions.begin() as s:
        rows = s.exec(select(HealthSnapshot).where(HealthSnapshot.account_id == account_id)
                      .order_by(HealthSnapshot.id)).all()
        return [r.color for r in rows]


# --- the "done when" ------------------------------------------------------------------


def test_demo_account_driven_red_then_back_to_green(core, chat, clock, console, acme):
    # Driven into red by signals (one write) and overdue tasks.
    assert "🔴" in chat.text("signal nps=-30 usage=15%")
    chat.say('task "Fix the installation" owner=FR due=2026-11-17 confirm')
    chat.say('task "Send the quote" owner=SR due=2026-11-20 confirm')

    channel = posts(console, "acme-team")
    management = posts(console, "mgmt")
    assert len(channel) == 1 and "Acme Corp is now 🔴 red" in channel[0]
    assert "NPS is -30" in channel[0] and "Usage is 15%" in channel[0]
    assert "AR (account manager) (@alice)" in channel[0]  # suggested action for the role
    assert len(management) == 1 and "Acme Corp is red" in management[0]
    assert "@dave" in management[0]  # the executive sponsor is mentioned

    # The daily job on the same day and the days after repeats nothing (the task overdue
    # more than a week is escalated, once: that is a different message).
    for _ in range(3):
        run_health_check(core)
        clock.advance(DAY)
    assert len(alerts_in(console, "acme-team")) == 1
    assert len(posts(console, "mgmt")) == 1
    assert len(posts(console, "acme-team")) == 2

    text = chat.text("health")
    assert "🔴 red" in text and "NPS is -30 (below 0)" in text
    assert "2 overdue task(s); the oldest, #1, is 10 day(s) late" in text
    assert "What would turn it green" in text
    assert "FR (delivery manager) (@carol): close or re-plan the 2 overdue task(s)" in text

    # Fixing the cause: better signals, the overdue work done.
    chat.say("signal nps=45 usage=0.8")
    chat.say("done 1")
    chat.say("done 2")
    assert "🟢 green" in chat.text("health")
    run_health_check(core)
    clock.advance(DAY)
    run_health_check(core)
    recoveries = [p for p in posts(console, "acme-team") if "back to 🟢 green" in p]
    assert len(recoveries) == 1
    assert len([p for p in posts(console, "mgmt") if "back to 🟢 green" in p]) == 1
    assert len(alerts_in(console, "acme-team")) == 2  # the red alert and the recovery


# --- dedupe -------------------------------------------------------------------------------------


def test_alert_once_then_weekly_reminder_while_nothing_changes(core, chat, clock, console, acme):
    chat.say("signal nps=10")  # yellow: the alert comes right after the write
    assert ledger(core, "alert") == [("alert", "yellow:2026-11-24", "acme-team")]
    for _ in range(15):
        clock.advance(DAY)
        run_health_check(core)
    assert ledger(core, "alert") == [("alert", "yellow:2026-11-24", "acme-team")]
    # One reminder a week, never daily; yellow never goes to management.
    assert ledger(core, "alert-reminder") == [
        ("alert-reminder", "yellow:2026-11-24:1", "acme-team"),
        ("alert-reminder", "yellow:2026-11-24:2", "acme-team"),
    ]
    assert posts(console, "mgmt") == []


def test_an_episode_first_seen_late_gets_its_alert_alone(core, chat, clock, console, acme):
    # The colour turned while nothing could post (no sender): the record knows, nobody saw.
    core.senders = type(core.senders)()
    chat.say("signal nps=10")
    clock.advance(DAY * 9)
    core.senders.add(console)
    run_health_check(core)
    assert ledger(core, "alert") == [("alert", "yellow:2026-11-24", "acme-team")]
    assert ledger(core, "alert-reminder") == []  # not an alert and a reminder at once
    clock.advance(DAY * 5)
    run_health_check(core)
    assert ledger(core, "alert-reminder") == [("alert-reminder", "yellow:2026-11-24:2", "acme-team")]


def test_each_new_worsening_alerts_again(core, chat, clock, console, acme):
    chat.say("signal nps=10")  # yellow
    clock.advance(DAY)
    chat.say("signal nps=-50")  # red
    chat.say("signal nps=10")  # better (yellow): no alert for an improvement
    chat.say("signal nps=-50")  # red again the same day: the same occasion, not repeated
    clock.advance(DAY)
    chat.say("signal nps=10")
    clock.advance(DAY)
    chat.say("signal nps=-40")  # red again on another day: a new alert
    assert ledger(core, "alert") == [
        ("alert", "yellow:2026-11-24", "acme-team"),
        ("alert", "red:2026-11-25", "acme-team"),
        ("alert", "red:2026-11-25", "mgmt"),
        ("alert", "red:2026-11-27", "acme-team"),
        ("alert", "red:2026-11-27", "mgmt"),
    ]
    assert colors(core, acme)[-6:] == ["yellow", "red", "yellow", "red", "yellow", "red"]


def test_recovery_announced_once_and_only_after_trouble(core, chat, clock, console, acme):
    chat.say("note meeting kickoff")
    run_health_check(core)
    assert ledger(core, "recovery") == []  # green from the start: nothing to announce
    chat.say("signal csat=3.5")  # a yellow measure: green still, to watch, no alert
    assert ledger(core, "alert") == []
    chat.say("signal csat=2.5")  # red by rule
    chat.say("signal csat=4.8")
    for _ in range(9):
        run_health_check(core)
        clock.advance(DAY)
    assert ledger(core, "recovery") == [("recovery", "green:2026-11-24", "acme-team"),
                                        ("recovery", "green:2026-11-24", "mgmt")]


def test_no_recovery_for_trouble_nobody_was_told_about(core, chat, clock, console, acme):
    chat.say("note meeting kickoff")
    clock.advance(DAY * 4)  # Saturday: the state is kept, alerts wait for Monday
    chat.say("signal csat=2.5")
    chat.say("signal csat=4.8")
    clock.advance(DAY * 2)
    run_health_check(core)
    assert ledger(core, "alert") == [] and ledger(core, "recovery") == []


def test_snapshots_keep_every_change_for_trends(core, chat, clock, console, acme):
    chat.say("note meeting kickoff")
    chat.say("signal nps=10")
    run_health_check(core)  # nothing changed: no new snapshot
    chat.say("signal nps=-10")
    chat.say("signal nps=50")
    with core.sessions.begin() as s:
        rows = s.exec(select(HealthSnapshot).where(HealthSnapshot.account_id == acme)
                      .order_by(HealthSnapshot.id)).all()
        assert [(r.color, r.score) for r in rows] == [("yellow", 71), ("red", 62), ("green", 95)]
        assert rows[1].reasons[0]["code"] == "nps_low"
        # The scorecard is kept with it, so a change can say which measure moved it.
        assert {"code": "nps", "score": 36.0, "weight": 15.0} in (rows[1].measures or [])


def test_management_alert_names_a_missing_sponsor(core, chat, console):
    chat.say('account new "Solo"')
    chat.say("signal nps=-50 usage=0.1")
    [alert] = posts(console, "mgmt")
    assert "No executive sponsor is named" in alert


def test_no_management_channel_no_management_post(core, chat, console, acme):
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = None
    chat.say("signal nps=-50")
    assert len(posts(console, "acme-team")) == 1
    assert [o.channel for o in console.sent] == ["acme-team"]


def test_alerts_in_the_channel_language(core, chat, console, acme):
    chat.say("note meeting kickoff")
    chat.say("signal nps=-50", language="zh")
    with core.sessions.begin() as s:
        binding = repos.binding_for(s, platform="console", workspace="local", channel="acme-team")
        assert binding is not None
        binding.language = "zh"
    clock_ = core.clock
    clock_.advance(DAY)
    chat.say("signal nps=50")
    chat.say("signal nps=10")
    alert = posts(console, "acme-team")[-1]
    assert "现在是 🟡 黄灯" in alert and "建议行动" in alert


def test_one_broken_account_does_not_stop_the_others(core, chat, console, acme, monkeypatch):
    chat.say('account new "Globex"', channel="globex")
    from bot import alerts

    real = alerts._assess_account

    def flaky(session, account, **kw):
        if account.name == "Acme Corp":
            raise RuntimeError("boom")
        return real(session, account, **kw)

    monkeypatch.setattr(alerts, "_assess_account", flaky)
    summary = run_health_check(core)
    assert summary.accounts == 1 and summary.failed == 1


# --- dry run and the CLI entry ------------------------------------------------------------------


def test_dry_run_saves_and_posts_nothing(core, chat, clock, console, acme):
    with core.sessions.begin() as s:
        account = s.get(Account, acme)
        assert account is not None
        account.renewal_date = date(2027, 1, 10)
        account.tier = "core"
        repos.add_task(s, account_id=acme, title="Overdue thing", role="FR", assignee_id=None,
                       due_date=date(2026, 11, 1), shared=False, at=clock.now())
    before = colors(core, acme)
    summary = run_health_check(core, dry_run=True)
    assert summary.alerts == 1 and summary.management == 0  # yellow: not management's
    assert summary.rules == 2 and summary.escalations == 1
    assert console.sent == [] and ledger(core) == []
    assert colors(core, acme) == before
    with core.sessions.begin() as s:
        assert len(s.exec(select(Task).where(Task.account_id == acme)).all()) == 1


def test_alerts_command_prints_what_it_did(core, chat, console, acme, capsys):
    chat.say("signal nps=-50")
    import io

    out = io.StringIO()
    assert alerts_command(core, dry_run=True, out=out) == 0
    assert "0 alert(s)" in out.getvalue() and "Dry run" in out.getvalue()


# --- escalation ---------------------------------------------------------------------------------


def test_overdue_work_climbs_the_chain_on_business_days(core, chat, clock, console, acme):
    chat.say('task "Deliver the spare parts" owner=FR due=2026-11-17 confirm')
    run_health_check(core)  # 11-24: 5 business days late (18, 19, 20, 23, 24)
    run_health_check(core)
    [row] = ledger(core, "escalation")
    assert row[1] == "2026-11-24:HOLDER:carol"
    [message] = [p for p in posts(console, "acme-team") if "Escalated" in p]
    assert "Escalated to @carol: task #1 on Acme Corp is 5 business day(s) overdue" in message
    assert "Please close (done 1) or give a new due date." in message
    for _ in range(5):  # 25 .. 29 (a weekend: nothing posted)
        clock.advance(DAY)
        run_health_check(core)
    assert len(ledger(core, "escalation")) == 1
    clock.advance(DAY * 3)  # Wednesday 12-02: 11 business days
    run_health_check(core)
    assert [r[1] for r in ledger(core, "escalation")][-1] == "2026-12-02:AR:alice"
    text = [p for p in posts(console, "acme-team") if "Escalated" in p][-1]
    assert "Escalated to @alice" in text and "Told before: @carol on 2026-11-24." in text
    clock.advance(DAY * 7)  # 12-09: 16 business days, the sponsor
    run_health_check(core)
    assert [r[1] for r in ledger(core, "escalation")][-1] == "2026-12-09:SPONSOR:dave"
    clock.advance(DAY * 7)  # 12-16: management (an important account)
    run_health_check(core)
    assert ledger(core, "escalation")[-1] == ("escalation", "2026-12-16:MANAGEMENT:management",
                                              "mgmt")
    clock.advance(DAY * 7)
    run_health_check(core)  # the chain is done: nobody is told again
    assert len(ledger(core, "escalation")) == 4
    with core.sessions.begin() as s:
        told = [(n.level, n.role) for n in s.exec(select(EscalationNotice)
                                                  .order_by(EscalationNotice.level)).all()]
    assert told == [(1, "HOLDER"), (2, "AR"), (3, "SPONSOR"), (4, "MANAGEMENT")]


def test_an_ars_own_late_task_never_goes_back_to_the_ar(core, chat, clock, console, acme):
    chat.say('task "Renewal call" owner=AR due=2026-11-17 confirm')
    run_health_check(core)
    clock.advance(DAY * 7)
    run_health_check(core)
    assert [r[1] for r in ledger(core, "escalation")] == [
        "2026-11-24:HOLDER:alice", "2026-12-01:SPONSOR:dave"]
    # Re-planned and late again: the chain starts again for the new due date.
    with core.sessions.begin() as s:
        task = repos.task_by_number(s, account_id=acme, number=1)
        assert task is not None
        task.due_date = date(2026, 11, 24)
    clock.advance(DAY * 7)
    run_health_check(core)
    assert [r[1] for r in ledger(core, "escalation")][-1] == "2026-12-08:HOLDER:alice"
    chat.say("done 1")
    clock.advance(DAY * 10)
    run_health_check(core)
    assert len(ledger(core, "escalation")) == 3


def test_a_cancelled_task_is_never_overdue(core, chat, clock, console, acme):
    with core.sessions.begin() as s:
        task = repos.add_task(s, account_id=acme, title="Old idea", role="SR", assignee_id=None,
                              due_date=date(2026, 11, 2), shared=True, at=clock.now())
        task.status = TaskStatus.CANCELLED.value
    run_health_check(core)
    assert ledger(core, "escalation") == [] and ledger(core, "alert") == []


# --- KAM rules ----------------------------------------------------------------------------------


def test_renewal_task_comes_with_the_first_renewal_window(core, chat, clock, console, acme):
    chat.say("account set renewal=2027-02-23")  # 91 days away: not yet
    run_health_check(core)
    with core.sessions.begin() as s:
        assert repos.task_by_rule(s, account_id=acme, rule_key="renewal:2027-01-24") is None
    clock.advance(DAY)
    run_health_check(core)
    run_health_check(core)
    clock.advance(DAY)
    run_health_check(core)
    with core.sessions.begin() as s:
        tasks = s.exec(select(Task).where(Task.account_id == acme)).all()
        rule_tasks = [t for t in tasks if t.rule_key == "renewal:2027-02-23"]
        assert len(rule_tasks) == 1
        task = rule_tasks[0]
        alice = repos.person_by_username(s, platform="console", username="alice")
        assert task.role == "AR" and alice is not None and task.assignee_id == alice.id
        assert task.due_date == date(2027, 1, 24)
        assert "renewal" in task.title.lower()
    announced = [p for p in posts(console, "acme-team") if "in 90 days: task #1" in p]
    assert len(announced) == 1 and "@alice" in announced[0]
    # The health check never said "no renewal task" meanwhile: yellow and task agree.
    assert ledger(core, "alert") == []
    # A reminder at each later window while the task is open; none once it is done.
    clock.set(clock.now().replace(month=12, day=25))  # 60 days before
    run_health_check(core)
    run_health_check(core)
    assert [p for p in posts(console, "acme-team") if "in 60 days: task #1" in p and
            "still open" in p]
    chat.say("done 1")
    clock.set(clock.now().replace(year=2027, month=1, day=25))  # 29 days before
    run_health_check(core)
    assert ledger(core, "rule") == [("rule", "renewal:2027-02-23", "acme-team"),
                                    ("rule", "renewal:2027-02-23:60", "acme-team")]


def test_renewal_windows_are_one_setting(core, chat, clock, console, acme):
    from commands.health import parse_config

    core.services["health_config"] = parse_config(None, renewal_windows="45,20")
    chat.say("account set renewal=2027-01-24")  # 61 days: outside the first window
    run_health_check(core)
    with core.sessions.begin() as s:
        assert repos.task_by_rule(s, account_id=acme, rule_key="renewal:2027-01-24") is None
    assert "Renewal readiness" not in chat.text("health").split("No data yet")[0]


def test_renewal_task_counts_for_health(core, chat, clock, console, acme):
    chat.say("note meeting kickoff")
    with core.sessions.begin() as s:  # set without the rule's day: no renewal task yet
        account = s.get(Account, acme)
        assert account is not None
        account.renewal_date = date(2026, 12, 10)
    text = chat.text("health")
    assert "🔴 red" in text and "Renewal on 2026-12-10, in 16 days, and no renewal task" in text
    assert "Red by rule: Renewal readiness is red" in text
    chat.say('task "Renewal offer for 2027" owner=AR due=2026-12-05')
    assert "🟢 green" in chat.text("health")


def test_core_tier_gets_a_yearly_executive_visit_task_for_the_sponsor(core, chat, clock, console, acme):
    chat.say("account set tier=core")  # the listener applies the rule at once
    with core.sessions.begin() as s:
        tasks = [t for t in s.exec(select(Task).where(Task.account_id == acme)).all()
                 if (t.rule_key or "").startswith("exec-visit:")]
        dave = repos.person_by_username(s, platform="console", username="dave")
        assert len(tasks) == 1
        assert tasks[0].role == "SPONSOR" and dave is not None and tasks[0].assignee_id == dave.id
    for _ in range(5):
        clock.advance(DAY * 30)
        run_health_check(core)
    with core.sessions.begin() as s:
        count = len([t for t in s.exec(select(Task).where(Task.account_id == acme)).all()
                     if (t.rule_key or "").startswith("exec-visit:")])
        assert count == 1
    clock.advance(DAY * 220)  # a year after the first
    run_health_check(core)
    with core.sessions.begin() as s:
        count = len([t for t in s.exec(select(Task).where(Task.account_id == acme)).all()
                     if (t.rule_key or "").startswith("exec-visit:")])
        assert count == 2
    assert len([p for p in posts(console, "acme-team") if "yearly executive visit" in p]) == 2


def test_rule_tasks_whose_check_died_before_announcing_them_are_announced_later(
        core, chat, clock, console, acme):
    """The check commits a rule's task, then posts its announcement; a check killed in
    between (its worker SIGKILLed) leaves one announcement claimed and the next never
    claimed. The next check of the account's work announces both, once."""
    from bot.alerts import check_account
    from bot.posting import claiming

    class Killed(BaseException):
        pass

    class DiesPosting(RecordingSender):
        def send(self, out: Outgoing) -> Sent:
            raise Killed

    with core.sessions.begin() as s:
        account = s.get(Account, acme)
        assert account is not None
        account.tier, account.renewal_date = "core", date(2027, 1, 15)
    work = f"work:account:{acme}"  # the health job's claimant (bot/tasks/definitions.py)
    core.senders.add(DiesPosting(platform="console"))
    with claiming(work), pytest.raises(Killed):
        check_account(core, acme, weekly=True)
    with core.sessions.begin() as s:
        keys = [t.rule_key for t in s.exec(select(Task).where(Task.account_id == acme)).all()]
        claims = [(r.kind, r.key, r.status) for r in s.exec(select(Delivery)).all()]
    assert sorted(k for k in keys if k) == ["exec-visit:2026-11-24", "renewal:2027-01-15"]
    assert claims == [("rule", "renewal:2027-01-15", "claimed")]  # the second never claimed

    core.senders.add(console)
    clock.advance(DAY)
    with claiming(work):  # the next job of the same work: no waiting for the claim to age
        check_account(core, acme, weekly=True)
        check_account(core, acme, weekly=True)
    said = posts(console, "acme-team")
    assert len([p for p in said if "Renewal on 2027-01-15" in p]) == 1
    assert len([p for p in said if "yearly executive visit" in p]) == 1
    assert sorted(ledger(core, "rule")) == [("rule", "exec-visit:2026-11-24", "acme-team"),
                                            ("rule", "renewal:2027-01-15", "acme-team")]


def test_an_old_unannounced_rule_task_is_left_unsaid(core, chat, clock, console, acme):
    """A rule task whose announcement did not go out is announced by a later check within
    the week (bot.rules ANNOUNCE_WITHIN_DAYS), not later: by then it is old news."""

    class Down(RecordingSender):
        def send(self, out: Outgoing) -> Sent:
            raise SendError("channel_not_found", permanent=True)

    with core.sessions.begin() as s:
        account = s.get(Account, acme)
        assert account is not None
        account.renewal_date = date(2027, 1, 15)
    core.senders.add(Down(platform="console"))
    run_health_check(core)
    core.senders.add(console)
    clock.advance(DAY * 8)
    run_health_check(core)
    assert [p for p in posts(console, "acme-team") if "Renewal on" in p] == []
    clock.set(clock.now() - DAY * 2)  # six days after it was made, it still is
    run_health_check(core)
    assert len([p for p in posts(console, "acme-team") if "Renewal on" in p]) == 1


def test_important_tier_gets_no_visit_task(core, chat, console, acme):
    run_health_check(core)
    with core.sessions.begin() as s:
        assert s.exec(select(Task).where(Task.account_id == acme)).all() == []


# --- the morning digest ---------------------------------------------------------------------


def test_digest_mentions_in_channel_on_console_once_a_day(core, chat, clock, console, acme):
    chat.say('task "Call the CFO" owner=AR due=2026-11-24')
    chat.say('task "Send minutes" owner=AR due=2026-11-20 confirm')
    chat.say('task "Book the QBR" owner=AR due=2026-11-25')
    chat.say('task "Later thing" owner=AR due=2026-12-20')
    chat.say('task "Fix install" owner=FR due=2026-11-10 confirm')
    console.sent.clear()
    clock.set(clock.now().replace(hour=8))
    summary = run_reminders(core)
    assert summary.reminders == 2
    alice = [p for p in posts(console, "acme-team") if p.startswith("@alice")]
    carol = [p for p in posts(console, "acme-team") if p.startswith("@carol")]
    assert len(alice) == 1 and len(carol) == 1
    assert "== Due today ==\n  • Acme Corp #1 Call the CFO" in alice[0]
    assert "Acme Corp #2 Send minutes: 2 business day(s) late (due 2026-11-20)" in alice[0]
    assert "== Due next business day, 2026-11-25 (Wed) ==\n  • Acme Corp #3 Book the QBR" in alice[0]
    assert "Later thing" not in alice[0]
    assert "Fix install: 10 business day(s) late" in carol[0]
    run_reminders(core)
    assert len(console.sent) == 2
    clock.advance(DAY)
    run_reminders(core)
    assert len(console.sent) == 4


def test_digest_waits_for_its_hour_and_skips_days_off(core, chat, clock, console, acme):
    chat.say('task "Call the CFO" owner=AR due=2026-11-30')
    chat.say("reminders at 9")
    clock.set(clock.now().replace(day=27, hour=8))  # Friday: due next business day (Monday)
    assert run_reminders(core).reminders == 0  # 09:00 is alice's hour
    clock.set(clock.now().replace(hour=9))
    assert run_reminders(core).reminders == 1
    clock.set(clock.now().replace(day=28, hour=9))  # Saturday: never
    assert run_reminders(core).reminders == 0
    clock.set(clock.now().replace(day=30, hour=14))  # hours after its time: not any more
    assert run_reminders(core).reminders == 0
    chat.say("reminders off")
    clock.set(clock.now().replace(day=30, hour=9))
    assert run_reminders(core).reminders == 0
    assert "off" in chat.text("reminders")


def test_the_account_country_decides_the_days_off(core, chat, clock, console, acme):
    chat.say("account set country=CN")
    chat.say('task "Acceptance" owner=FR due=2026-10-09 confirm')
    clock.set(clock.now().replace(month=10, day=7, hour=8))  # National Day: no digest
    assert run_reminders(core).reminders == 0
    clock.set(clock.now().replace(day=10))  # a Saturday worked instead of a holiday
    assert run_reminders(core).reminders == 1
    assert "Acceptance: 1 business day(s) late" in posts(console, "acme-team")[-1]
    assert "❌" not in chat.text("account set country=XX") and \
        "is not a country I know" in chat.text("account set country=XX")


@pytest.fixture
def slack_team(core, clock):
    """Two accounts on Slack where U1 holds AR and U2 SR on both: reminders go by direct message."""
    slack = RecordingSender(platform="slack")
    core.senders.add(slack)
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    clock.set(clock.now().replace(hour=8))
    with core.sessions.begin() as s:
        u1 = repos.upsert_person(s, platform="slack", user_id="U1", display_name="Ann")
        u2 = repos.upsert_person(s, platform="slack", user_id="U2", display_name="Ben")
        for i, name in enumerate(["Acme", "Globex"]):
            acct = repos.create_account(s, name=name, tier="important", at=clock.now())
            assert acct.id is not None
            repos.bind_channel(s, platform="slack", workspace="T1", channel=f"C{i}",
                               account_id=acct.id, channel_name=name.lower(), at=clock.now())
            repos.assign_role(s, account_id=acct.id, role="AR", person_id=u1.id, at=clock.now())
            # U2 is on the team (reminders only speak of accounts a person may read).
            repos.assign_role(s, account_id=acct.id, role="SR", person_id=u2.id, at=clock.now())
            repos.add_task(s, account_id=acct.id, title=f"{name} follow-up", role="AR",
                           assignee_id=u1.id, due_date=clock.today(), shared=False,
                           at=clock.now())
            repos.add_task(s, account_id=acct.id, title="not due", role="SR",
                           assignee_id=u2.id, due_date=clock.today() + DAY * 9, shared=False,
                           at=clock.now())
    return slack


def test_digest_is_one_direct_message_per_person(core, clock, slack_team):
    run_reminders(core)
    run_reminders(core)
    assert [o.channel for o in slack_team.sent] == ["U1"]
    text = slack_team.sent[0].reply.plain_text()
    assert "Acme #1 Acme follow-up" in text and "Globex #1 Globex follow-up" in text
    # On Monday the week ahead comes too.
    clock.set(clock.now().replace(day=30))
    run_reminders(core)
    assert [o.channel for o in slack_team.sent] == ["U1", "U1", "U2"]
    assert "== Later this week ==" in slack_team.sent[-1].reply.plain_text()


class _NoDirectMessages:
    """A Telegram-like sender that cannot DM someone who never started the bot."""

    platform = "telegram"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, out: Outgoing) -> Sent:
        if not out.channel.startswith("-"):
            raise SendError("Forbidden: bot can't initiate conversation", permanent=True)
        self.sent.append(out)
        return Sent(channel=out.channel, ref=str(len(self.sent)))


def test_digest_falls_back_to_a_channel_mention_when_dm_fails(core, clock):
    sender = _NoDirectMessages()
    core.senders.add(sender)
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    with core.sessions.begin() as s:
        p = repos.upsert_person(s, platform="telegram", user_id="42", display_name="Ann",
                                username="ann")
        acct = repos.create_account(s, name="Acme", tier="important", at=clock.now())
        repos.bind_channel(s, platform="telegram", workspace="", channel="-100",
                           account_id=acct.id, channel_name="acme", at=clock.now())
        # reminders show only accounts the person may read: Ann is its AR
        repos.assign_role(s, account_id=acct.id, role="AR", person_id=p.id, at=clock.now())
        repos.add_task(s, account_id=acct.id, title="Call", role="AR", assignee_id=p.id,
                       due_date=clock.today() - DAY, shared=False, at=clock.now())
    clock.set(clock.now().replace(hour=8))
    summary = run_reminders(core)
    assert summary.reminders == 1
    [out] = sender.sent
    assert out.channel == "-100"
    assert render_telegram(out.reply)[0].html.startswith("<b>@ann")
    assert "Acme #1 Call: 1 business day(s) late" in out.reply.plain_text()
    assert run_reminders(core).reminders == 0  # once a day, in the channel too


# --- small pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "platforms", "expected"), [
    ("slack:C9", ["slack", "telegram"], ("slack", "C9")),
    ("telegram:-1001", ["slack"], ("telegram", "-1001")),
    ("C9", ["slack"], ("slack", "C9")),
    ("-1001", ["slack", "telegram"], ("telegram", "-1001")),
    ("C9", ["console", "slack", "telegram"], ("slack", "C9")),
    ("mgmt", ["console"], ("console", "mgmt")),
    (None, ["slack"], None),
])
def test_management_target(value, platforms, expected):
    assert management_target(value, platforms) == expected


def test_episode_from_history():
    from datetime import UTC, datetime

    def at(d: int) -> datetime:
        return datetime(2026, 11, d, 9, tzinfo=UTC)

    assert episode([("red", at(5)), ("red", at(3)), ("yellow", at(2)), ("green", at(1))]) == \
        Episode(color="red", since=date(2026, 11, 3), before="yellow", red_before=False)  # type: ignore[arg-type]
    assert episode([("green", at(9)), ("yellow", at(7)), ("red", at(5)), ("green", at(1))]) == \
        Episode(color="green", since=date(2026, 11, 9), before="yellow", red_before=True)  # type: ignore[arg-type]
    assert episode([("yellow", at(1))]).before is None


def test_rule_tasks_are_counted_even_when_nothing_can_be_posted(core, clock):
    with core.sessions.begin() as s:
        repos.create_account(s, name="No channel", tier="core", at=clock.now())
    summary = run_health_check(core)  # no sender, no channel: the task is still made once
    again = run_health_check(core)
    assert (summary.rules, again.rules, summary.failed) == (1, 0, 0)
