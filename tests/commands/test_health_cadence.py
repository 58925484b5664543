"""The verbs of trusted alerts: alert ack / snooze, reminders, a past due date asked about,
meeting notes, and an account's country; played in a console channel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from commands.handlers.alert import snooze_days
from commands.handlers.reminders import parse_hour
from commands.meeting_notes import split_kind
from commands.workdays import calendar_for, normalize_country
from storage.models import Account, AlertAck, Note, ReminderPreference, Task


@pytest.fixture
def acme(chat):
    chat.say('account new "Acme Corp"')
    chat.say("note meeting kickoff")
    return chat


# --- alert ack / snooze -------------------------------------------------------------------------


def test_ack_and_snooze_the_current_alert(core, acme):
    assert "not enough data for a colour: there is no alert" in acme.text("alert ack")
    acme.say("signal nps=60")
    acme.text("health")
    assert "is 🟢 green: there is no alert to acknowledge" in acme.text("alert ack")
    acme.say("signal nps=-20")  # red: the health verb keeps the state
    acme.text("health")
    text = acme.text("alert")
    assert "Acme Corp is 🔴 red since 2026-11-24." in text and "Nobody has acknowledged" in text
    assert "no more reminders about Acme Corp being 🔴 red (since 2026-11-24)" in \
        acme.text("alert ack red:2026-11-24")
    assert "Acknowledged by @alice on 2026-11-24." in acme.text("alert")
    assert "until 2026-12-08" in acme.text("alert snooze 2w")
    assert "Snoozed by @alice until 2026-12-08." in acme.text("alert")
    with core.sessions.begin() as s:
        rows = s.exec(select(AlertAck).order_by(AlertAck.id)).all()
        assert [(r.episode, r.action, r.state, r.until) for r in rows] == [
            ("red:2026-11-24", "ack", "nps_low", None),
            ("red:2026-11-24", "snooze", "nps_low", date(2026, 12, 8))]


def test_a_button_on_an_old_alert_does_not_silence_a_new_one(acme):
    acme.say("signal nps=-20")
    acme.text("health")
    reply = acme.say("alert ack yellow:2026-11-01")
    assert reply.is_error and "That alert (🟡 yellow 2026-11-01) is over" in reply.plain_text()


@pytest.mark.parametrize(("line", "expected"), [
    ("alert maybe", "Usage: alert ack · alert snooze 7d"),
    ("alert snooze forever", "forever is not a snooze length"),
    ("alert snooze 100d", "100d is not a snooze length"),
])
def test_alert_refusals(acme, line, expected):
    acme.say("signal nps=-20")
    acme.text("health")
    reply = acme.say(line)
    assert reply.is_error and expected in reply.plain_text()


def test_alert_in_chinese(acme):
    acme.say("signal nps=-20")
    acme.text("health")
    assert "已确认" in acme.text("预警 确认")
    assert "已暂停：2026-12-01 之前不再提醒" in acme.text("预警 暂停 一周")


@pytest.mark.parametrize(("raw", "days"), [
    ("7d", 7), ("7", 7), ("2w", 14), ("7天", 7), ("一周", 7), ("两周", 14), ("90d", 90),
    ("91d", None), ("0d", None), ("soon", None),
])
def test_snooze_lengths(raw, days):
    assert snooze_days(raw) == days


# --- reminders --------------------------------------------------------------------------------


def test_reminders_are_kept_per_person(core, chat):
    assert "comes at 08:00 (UTC)" in chat.text("reminders")
    assert "now comes at 07:00 (UTC)" in chat.text("reminders at 7")
    assert "Morning digest off" in chat.text("reminders off")
    assert "is off" in chat.text("reminders")
    assert "on, at 07:00" in chat.text("reminders on")
    assert "早报已关闭" in chat.text("提醒 关闭", user="bob")
    assert "改为工作日 09:00" in chat.text("提醒 9点", user="bob")
    reply = chat.say("reminders at noonish")
    assert reply.is_error and "an hour from 0 to 23" in reply.plain_text()
    with core.sessions.begin() as s:
        prefs = s.exec(select(ReminderPreference).order_by(ReminderPreference.id)).all()
        assert [(p.enabled, p.hour) for p in prefs] == [(True, 7), (True, 9)]


@pytest.mark.parametrize(("raw", "hour"), [
    ("8", 8), ("at 8", 8), ("8:00", 8), ("8am", 8), ("5pm", 17), ("8点", 8), ("12pm", 12),
    ("0", 0), ("24", None), ("soon", None),
])
def test_parse_hour(raw, hour):
    assert parse_hour(raw) == hour


# --- a due date in the past -----------------------------------------------------------------------


def test_a_past_due_date_is_asked_about_not_stored(core, acme):
    reply = acme.say('task "Send the SOW" owner=SR due=2025-01-01')
    assert reply.title == ("The due date 2025-01-01 (Wed) is 692 day(s) in the past: nothing "
                           "was saved yet.")
    assert reply.buttons[0].label == "Confirm 2025-01-01 (Wed)"
    [button] = reply.buttons
    assert button.command == 'task "Send the SOW" owner=SR due=2025-01-01 confirm'
    with core.sessions.begin() as s:
        assert s.exec(select(Task)).all() == []
    done = acme.say(button.command)  # pressing Confirm
    assert "Task #1 added" in done.title
    with core.sessions.begin() as s:
        [task] = s.exec(select(Task)).all()
        assert (task.title, task.due_date) == ("Send the SOW", date(2025, 1, 1))
    # A due date found in the title counts too; "confirm" in a title is kept otherwise.
    assert "in the past" in acme.text("task Send the deck by 2026-11-02")
    assert "Task #2 added" in acme.text("task please confirm the order due=friday")
    with core.sessions.begin() as s:
        assert s.exec(select(Task.title).where(Task.number == 2)).one() == \
            "please confirm the order"
    assert acme.text('任务 "交付" 截止=2025-01-01').startswith(
        "⚠ 截止日期 2025年1月1日（周三） 已过去 692 天：尚未保存。")


# --- meetings --------------------------------------------------------------------------------------


def test_notes_marked_as_meetings(core, chat):
    chat.say('account new "Acme Corp"')
    chat.say("note meeting QBR with the CIO")
    chat.say("note The CFO called about the invoice")
    chat.say("note Met their team\nAttendees: Li Wei, Bob")
    chat.say("笔记 会议 季度回顾")
    with core.sessions.begin() as s:
        notes = s.exec(select(Note).order_by(Note.number)).all()
        assert [(n.kind, n.text.splitlines()[0]) for n in notes] == [
            ("meeting", "QBR with the CIO"), ("note", "The CFO called about the invoice"),
            ("meeting", "Met their team"), ("meeting", "季度回顾")]


@pytest.mark.parametrize(("text", "kind", "rest"), [
    ("meeting QBR", "meeting", "QBR"), ("Meeting: kickoff", "meeting", "kickoff"),
    ("meetings are long", "note", "meetings are long"), ("meeting", "note", "meeting"),
    ("会议室已订好", "note", "会议室已订好"), ("参会人员：张伟\n讨论", "meeting", "参会人员：张伟\n讨论"),
])
def test_split_kind(text, kind, rest):
    assert split_kind(text) == (kind, rest)


# --- the account's country ---------------------------------------------------------------------------


def test_account_country(core, chat):
    chat.say('account new "华星零售"')
    assert "CN" in chat.text("account set country=cn")
    assert "CN" in chat.text("account set 国家=中国")
    reply = chat.say("account set country=Atlantis")
    assert reply.is_error and "use a two-letter code" in reply.plain_text().lower()
    with core.sessions.begin() as s:
        assert s.exec(select(Account.country)).one() == "CN"


def test_business_calendars():
    cn, us, plain = calendar_for("CN"), calendar_for("US"), calendar_for(None)
    assert not cn.is_business_day(date(2026, 10, 1)) and cn.is_business_day(date(2026, 10, 10))
    assert not us.is_business_day(date(2026, 11, 26)) and us.is_business_day(date(2026, 10, 10)) \
        is False
    assert plain.is_business_day(date(2026, 11, 26))
    assert cn.business_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert us.next_business_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert normalize_country("cn") == "CN" and normalize_country(" ") is None
    with pytest.raises(ValueError):
        normalize_country("XX")
