"""Values are range-checked when stored, with a friendly error; and a bad value already in a
database (from before the checks, or written by hand) never breaks a read."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from bot.alerts import run_health_check, run_reminders
from bot.messages import Reply
from bot.outbox import RecordingSender
from bot.posting import Poster
from commands.dates import parse_date
from commands.home import home_for
from commands.reports import Month, compose_report, compose_shared, gather_month
from storage import repos
from tests.conftest import ON_POSTGRES


@pytest.fixture
def acme(chat, core):
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.senders.add(RecordingSender(platform="console"))
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob")
    chat.say('task "Send the quote" owner=SR due=2026-12-01')
    chat.say("note Met the CIO. ACTION: AR to call back by friday")
    chat.say("signal nps=10 csat=4 usage=50%")
    chat.say('stakeholder add "Li Wei" title=CIO power=5 interest=4')
    chat.say('opportunity add "Line 3" value=1M stage=contract')
    return chat


@pytest.mark.parametrize("command, words", [
    ("account set renewal=0001-01-01", ["1990", "2100"]),
    ("account set renewal=9999-12-31", ["1990", "2100"]),
    ("account set revenue=1" + "0" * 400, ["revenue"]),
    ("account set revenue=-5", ["amount"]),
    ("account set margin=250%", ["margin"]),
    ("account score value=0", ["1"]),
    ("signal nps=101", ["nps"]),
    ("signal nps=nan", ["nps"]),
    ("signal usage=inf", ["usage"]),
    ("signal csat=1e400", ["csat"]),
    ("signal exec_meeting=0001-01-01", ["exec_meeting"]),
    ('task "Old" due=0001-01-01', ["1990", "2100"]),
    ('task "Far" due=9999-12-31', ["1990", "2100"]),
    ('stakeholder add "Zed" power=6', ["power"]),
    ('stakeholder add "Zed" interest=-1', ["interest"]),
    ('opportunity add "Old deal" value=1M close=0001-01-01', ["close", "1990", "2100"]),
    ("payment add 1 amount=100k due=0001-01-01", ["due", "1990", "2100"]),
    ("payment add 1 amount=100k due=9999-12-31", ["due", "1990", "2100"]),
])
def test_out_of_range_values_are_refused_kindly(acme, command, words):
    reply = acme.say(command)
    assert reply.is_error, reply.plain_text()
    text = reply.plain_text()
    assert "went wrong" not in text
    assert all(w in text for w in words), text


def test_dates_inside_the_window_are_kept(acme):
    assert not acme.say("account set renewal=2099-12-31").is_error
    assert not acme.say("account set renewal=1990-01-01").is_error
    assert not acme.say("payment add 1 amount=100k due=2100-12-31").is_error


def test_a_year_of_four_digits_is_taken_as_written():
    today = date(2026, 11, 24)
    assert parse_date("0001-01-01", today=today) == date(1, 1, 1)
    assert parse_date("0099-12-31", today=today) == date(99, 12, 31)
    assert parse_date("12/15/26", today=today) == date(2026, 12, 15)  # two digits: this century
    assert parse_date("Dec 5 0001", today=today) == date(1, 12, 5)


# Bad values written straight into the tables: what an old database may hold.
BAD_ROWS = [
    "UPDATE account SET renewal_date = '0001-01-01'",
    "UPDATE account SET renewal_date = '9999-12-31'",
    "UPDATE task SET due_date = '0001-01-01'",
    "UPDATE task SET due_date = '9999-12-31'",
    "UPDATE signal SET value_date = '0001-01-01'",
    "UPDATE signal SET value = 1e300",
    "UPDATE signal SET value = -1e300",
    "UPDATE account SET revenue = 1e308, margin = 1e300",
    "UPDATE account SET revenue = -1e308, margin = -1e300",
    "UPDATE account SET score_value = 99, score_potential = -7, score_fit = 0, score_cost = 1000",
    "UPDATE stakeholder SET power = 99, interest = -99",
]
if ON_POSTGRES:
    BAD_ROWS += [
        "UPDATE signal SET value = 'NaN'",
        "UPDATE account SET revenue = 'Infinity', margin = 'NaN'",
    ]


@pytest.mark.parametrize("statement", BAD_ROWS)
def test_a_bad_stored_value_never_breaks_a_read(acme, core, statement, caplog):
    with core.engine.begin() as conn:
        conn.execute(sa.text(statement))
    for command in ("health", "account", "open", "tasks all", "ask when is the renewal?",
                    "ask what's open?", "ask how healthy is the account?", "stakeholder",
                    "account score value=3", "report"):
        reply = acme.say(command)
        assert "went wrong" not in reply.plain_text(), (command, reply.plain_text())
    core.settings.KAMBOT_ADMINS.append("root")
    admin = acme.say("accounts", user="root")
    assert "went wrong" not in admin.plain_text()
    summary = run_health_check(core)
    assert not summary.failed, summary.lines
    run_reminders(core)
    with core.sessions() as session:
        home_for(session, platform="console", user_id="bob", today=core.clock.today())
        account = repos.account_by_name(session, name="Acme Corp")
        facts = gather_month(session, account=account, month=Month(2026, 11), tz=core.clock.tz,
                             now=core.clock.now())
        assert isinstance(compose_report(facts, "en"), Reply)
        assert isinstance(compose_shared(facts, "zh"), Reply)
