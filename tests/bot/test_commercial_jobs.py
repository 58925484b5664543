"""The commercial daily job: overdue payments into health and one alert to the AR, the job
in the scheduler; and the issue's "done when" on the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.alerts import health_listener, run_health_check
from bot.commercial import run_commercial_check
from bot.demo import seed_demo
from bot.outbox import RecordingSender
from bot.posting import Poster
from bot.scheduler import SoleLeader, build_scheduler
from storage import repos
from storage.models import Delivery, PlaybookRun, Task
from tests.support import Conversation

DAY = timedelta(days=1)


@pytest.fixture
def console(core) -> RecordingSender:
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    return sender


@pytest.fixture
def acme(core, chat, console) -> int:
    chat.say("help", user="bob")
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob")
    chat.say('opportunity add "Sensors" value=2M stage=delivery')
    with core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert account is not None and account.id is not None
        return account.id


def ledger(core, kind: str) -> list[tuple[str, str]]:
    with core.sessions.begin() as s:
        return [(r.key, r.channel) for r in s.exec(select(Delivery).where(
            Delivery.kind == kind, Delivery.status == "posted").order_by(Delivery.id)).all()]


def test_overdue_payment_alerts_the_ar_once_and_counts_in_health(core, chat, clock, console, acme):
    core.dispatcher.add_listener(health_listener(core))
    chat.say("payment add 1 amount=600k due=2026-12-01")
    run_commercial_check(core)
    assert ledger(core, "payment-overdue") == []  # not due yet
    clock.advance(DAY * 8)  # 2026-12-02: one day late
    for _ in range(3):
        run_commercial_check(core)
    clock.advance(DAY)
    run_commercial_check(core)
    [row] = ledger(core, "payment-overdue")
    assert row[0].endswith(":2026-12-01") and row[1] == "acme-team"
    [alert] = [o.reply.plain_text() for o in console.sent if "Payment #1" in o.reply.title]
    assert "Payment #1 on Acme Corp is 1 day(s) overdue" in alert
    assert "CNY 600,000 for #1 Sensors was due on 2026-12-01. @alice, please follow it up" in alert
    assert "payment 1 received" in alert
    # Health: the daily check sees it (yellow, then red once a month late).
    run_health_check(core)
    assert "1 payment(s) overdue; the oldest, #1, is 2 day(s) late" in chat.text("health")
    assert "🟡" in chat.text("health").splitlines()[0]
    clock.advance(DAY * 30)
    assert "🔴" in chat.text("health").splitlines()[0]
    # Received: nothing more to say about it.
    chat.say("payment 1 received")
    clock.advance(DAY)
    run_commercial_check(core)
    assert len(ledger(core, "payment-overdue")) == 1
    assert "payment(s) overdue" not in chat.text("health")


def test_a_re_planned_payment_late_again_is_announced_again(core, chat, clock, console, acme):
    chat.say("payment add 1 amount=600k due=2026-11-20")
    run_commercial_check(core)
    with core.sessions.begin() as s:
        from storage.opportunity_repo import payment_by_number

        payment = payment_by_number(s, account_id=acme, number=1)
        assert payment is not None
        payment.due_date = payment.due_date + DAY * 10
    clock.advance(DAY * 10)
    run_commercial_check(core)
    run_commercial_check(core)
    assert [k.split(":")[1] for k, _ in ledger(core, "payment-overdue")] == [
        "2026-11-20", "2026-11-30"]


def test_one_broken_account_does_not_stop_the_others(core, chat, console, acme, monkeypatch):
    chat.say('account new "Globex"', channel="globex")
    from bot import commercial

    real = commercial._payment_posts

    def flaky(session, core_, account, today):
        if account.name == "Acme Corp":
            raise RuntimeError("boom")
        return real(session, core_, account, today)

    monkeypatch.setattr(commercial, "_payment_posts", flaky)
    summary = run_commercial_check(core)
    assert summary.accounts == 1 and summary.failed == 1


def test_the_daily_job_is_scheduled_after_the_health_check(core):
    sched = build_scheduler(core, poster=Poster(min_interval=0, sleep=lambda s: None),
                            leadership=SoleLeader())
    sched.scheduler.start(paused=True)
    try:
        job = sched.scheduler.get_job("daily-commercial")
        assert (job.trigger.fields[5].expressions[0].first,
                job.trigger.fields[6].expressions[0].first) == (8, 15)
        assert {s.id for s in sched.specs if s.catch_up} >= {"daily-commercial", "daily-health"}
    finally:
        sched.scheduler.shutdown(wait=False)


# --- the "done when" on the demo data ------------------------------------------------


def test_demo_has_the_commercial_spine(core, console):
    core.settings.KAMBOT_ADMINS = ["console:alice"]
    seed_demo(core)
    seed_demo(core)  # idempotent
    globex = Conversation(core, channel="globex", user="erin")
    text = globex.text("opportunities")
    for stage in ("== lead:", "== opportunity:", "== delivery:"):
        assert stage in text
    payments = globex.text("payment")
    assert "Overdue" in payments and "⚠ overdue 12 day(s)" in payments
    card = globex.text("account")
    assert "Overdue payments     : CNY 640,000 (1)" in card
    assert "Renewal 25%" in card.split("Running playbooks    : ")[1].splitlines()[0]
    # The daily job does not start the demo's renewal playbook again.
    run_commercial_check(core)
    with core.sessions.begin() as s:
        renewal_runs = s.exec(select(PlaybookRun).where(PlaybookRun.playbook == "renewal")).all()
        by_account = sorted(r.account_id for r in renewal_runs)
        assert len(by_account) == len(set(by_account))
    # Moving an opportunity to contract starts the delivery playbook for FR and AR.
    acme = Conversation(core, channel="acme", user="alice")
    reply = acme.say("opportunity 1 stage=contract")
    assert "Playbook started: Delivery acceptance and payment (5 tasks)" in reply.plain_text()
    with core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert account is not None
        roles = {t.role for t in s.exec(select(Task).where(
            Task.account_id == account.id, Task.routing_reason == "playbook delivery")).all()}
        assert {"FR", "AR"} <= roles
    # Management sees the pipeline (alice is an admin in the demo).
    pipeline = acme.text("pipeline")
    assert "Pipeline" in pipeline and "By stage" in pipeline and "Stalled" in pipeline
    assert "Globex #1 Grid analytics platform · delivery for 100 days" in pipeline
    assert "Globex · 2027-02-12 (in 80 days)" in acme.text("renewals")
    # Others may not.
    assert Conversation(core, channel="acme", user="bob").say("pipeline").is_error
