"""A cancelled task is kept, and is nobody's work: out of open lists, the Home tab,
reminders, health's overdue count, the renewal check and the monthly report's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.alerts import run_reminders
from bot.outbox import RecordingSender
from commands import reports
from commands.home import home_for
from commands.reports import Month
from storage import health_repo, repos
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    for who in ("bob", "carol"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    # two overdue tasks of bob's, one of which is withdrawn
    chat.say('task "Send the quote" owner=SR due=2026-11-10')
    chat.say('task "Send the old bid" owner=SR due=2026-11-12')
    chat.say('task "Plan the renewal call" owner=AR due=2026-11-20')
    chat.say("cancel 2 superseded")
    chat.say("cancel 3 not needed")
    return chat


def account_id(chat: Conversation) -> int:
    with chat.core.sessions.begin() as s:
        acct = repos.account_by_name(s, name="Acme Corp")
        assert acct is not None and acct.id is not None
        return acct.id


def test_not_on_the_home_tab(acme: Conversation) -> None:
    with acme.core.sessions.begin() as s:
        home = home_for(s, platform="console", user_id="bob", today=date(2026, 11, 24))
        assert [h.task.number for h in home.tasks] == [1]


def test_not_in_reminders(acme: Conversation) -> None:
    sender = RecordingSender(platform="console")
    acme.core.senders.add(sender)
    summary = run_reminders(acme.core)
    text = "\n".join(o.reply.plain_text() for o in sender.sent)
    assert summary.reminders == 1
    assert "Send the quote" in text and "old bid" not in text and "renewal call" not in text


def test_not_in_health(acme: Conversation) -> None:
    with acme.core.sessions.begin() as s:
        acct = repos.account_by_id(s, account_id=account_id(acme))
        assert acct is not None
        inputs = health_repo.gather_inputs(s, account=acct, today=date(2026, 11, 24))
        assert inputs.overdue_count == 1 and inputs.oldest_overdue_number == 1
        # a cancelled "renewal" task is no renewal work
        assert not health_repo.has_renewal_task(s, account_id=acct.id or 0,
                                                renewal_date=date(2027, 1, 15))
    assert "1 overdue" in acme.text("open")
    card = {line.split(":")[0].strip(): line.split(":")[-1].strip()
            for line in acme.text("account").splitlines() if ":" in line}
    assert (card["Open actions"], card["Overdue"]) == ("1", "1")


def test_not_in_the_monthly_report(acme: Conversation) -> None:
    acme.say("done 1")
    with acme.core.sessions.begin() as s:
        acct = repos.account_by_id(s, account_id=account_id(acme))
        assert acct is not None
        facts = reports.gather_month(s, account=acct, month=Month(2026, 11), tz=UTC,
                                     now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert [x.number for x in facts.opened] == [1]
    assert [x.number for x in facts.closed] == [1]
    assert facts.overdue == [] and facts.open_count == 0
    assert {role: (t.opened, t.closed, t.overdue) for role, t in facts.by_role.items()} == {
        "SR": (1, 1, 0)}
    text = reports.compose_report(facts, "en").plain_text()
    assert "old bid" not in text and "renewal call" not in text


def test_kept_in_the_record(acme: Conversation) -> None:
    listing = acme.text("tasks cancelled")
    assert "#2 Send the old bid" in listing and "#3 Plan the renewal call" in listing
    assert "superseded" in acme.text("task 2")
