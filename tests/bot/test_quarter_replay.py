"""A quarter replayed day by day (tests/quarter_replay.py): the alerts, escalations, rule
posts and morning digests the bot sends are exactly the ones listed here, no more; none
falls on a weekend or a public holiday of the account's country; an escalation never goes
back to a person already told; and the monthly reports tell the month's story.

Runs once per module on its own database (SQLite, or PostgreSQL with
KAMBOT_TEST_DATABASE_URL), with KAMBOT_COUNTRY=US; the Chinese accounts say
``account set country=CN``.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.app import build_core
from bot.clock import FixedClock
from bot.settings import Settings
from commands.workdays import calendar_for
from storage.db import make_engine
from storage.models import Account, EscalationNotice, Person, Task
from tests.conftest import ON_POSTGRES
from tests.quarter_replay import SETUP, Replay, run_quarter

# (day hour, kind, account, channel, ledger key) of every post that is not a digest or a
# monthly report, in the order they went out.
EXPECTED_POSTS = [
    # Set-up day: core accounts get their yearly executive visit; 华星零售's renewal is 83
    # days away, inside the first window (90): its task comes at once.
    ("09-28 10", "rule", "Acme Corp", "C-ACME", "exec-visit:2026-09-28"),
    ("09-28 10", "rule", "华星零售", "-1001", "exec-visit:2026-09-28"),
    ("09-28 10", "rule", "华星零售", "-1001", "renewal:2026-12-20"),
    # Three internal tasks three days late on Columbus Day (a US holiday): the state is kept
    # and the alert waits for the next business day. Yellow, not red; not management's.
    ("10-13 08", "alert", "Acme Corp", "C-ACME", "yellow:2026-10-12"),
    # A potential account dropping from green straight to red goes to management.
    ("10-15 10", "alert", "Initech", "C-INIT", "red:2026-10-15"),
    ("10-15 10", "alert", "Initech", "C-MGMT", "red:2026-10-15"),
    # Acme's renewal window (90 days) opened on Saturday: the task comes Monday, with no
    # "no renewal task" yellow before it. The late tasks' holders hear of them (bob once,
    # cat once for both of hers), five business days late.
    ("10-19 08", "rule", "Acme Corp", "C-ACME", "renewal:2027-01-15"),
    ("10-19 08", "alert-reminder", "Acme Corp", "C-ACME", "yellow:2026-10-12:1"),
    ("10-19 08", "escalation", "Acme Corp", "C-ACME", "2026-10-19:HOLDER:bob"),
    ("10-19 08", "escalation", "Acme Corp", "C-ACME", "2026-10-19:HOLDER:cat"),
    ("10-19 10", "recovery", "Acme Corp", "C-ACME", "green:2026-10-19"),
    ("10-21 08", "rule", "华星零售", "-1001", "renewal:2026-12-20:60"),
    ("10-22 08", "alert-reminder", "Initech", "C-INIT", "red:2026-10-15:1"),
    # 华星零售's AR's own late task: the AR (holder), then the sponsor, then management;
    # never the AR twice. Business days of China: National Day is off, 10 October worked.
    ("10-22 08", "escalation", "华星零售", "-1001", "2026-10-22:HOLDER:zhangwei"),
    ("10-27 08", "escalation", "Globex", "-1002", "2026-10-27:HOLDER:hank"),
    ("10-29 08", "alert", "Globex", "-1002", "yellow:2026-10-29"),
    ("10-29 08", "alert-reminder", "Initech", "C-INIT", "red:2026-10-15:2"),
    ("10-29 08", "escalation", "华星零售", "-1001", "2026-10-29:SPONSOR:zhaozong"),
    ("10-29 10", "recovery", "Initech", "C-INIT", "green:2026-10-29"),
    ("10-29 10", "recovery", "Initech", "C-MGMT", "green:2026-10-29"),
    # Globex's shared task reaches its AR; gina snoozes the yellow, so no reminder on 11-05.
    ("11-03 08", "escalation", "Globex", "-1002", "2026-11-03:AR:gina"),
    ("11-03 10", "alert", "华星零售", "-1001", "red:2026-11-03"),
    ("11-03 10", "alert", "华星零售", "C-MGMT", "red:2026-11-03"),
    ("11-05 08", "escalation", "华星零售", "C-MGMT", "2026-11-05:MANAGEMENT:management"),
    ("11-06 10", "recovery", "Globex", "-1002", "green:2026-11-06"),
    ("11-10 10", "alert", "Acme Corp", "C-ACME", "red:2026-11-10"),
    ("11-10 10", "alert", "Acme Corp", "C-MGMT", "red:2026-11-10"),
    # 华星零售's red was acknowledged on 11-04: no reminder on 11-10; usage fell on 11-12
    # (the state changed), so the next one comes, saying who acknowledged.
    ("11-13 08", "alert-reminder", "华星零售", "-1001", "red:2026-11-03:1"),
    ("11-16 08", "rule", "Acme Corp", "C-ACME", "renewal:2027-01-15:60"),
    ("11-17 08", "alert-reminder", "华星零售", "-1001", "red:2026-11-03:2"),
    ("11-18 08", "alert-reminder", "Acme Corp", "C-ACME", "red:2026-11-10:1"),
    ("11-20 08", "rule", "华星零售", "-1001", "renewal:2026-12-20:30"),
    # Acme's shared deck is the AR's own: ann, then the sponsor dan, then management.
    ("11-20 08", "escalation", "Acme Corp", "C-ACME", "2026-11-20:HOLDER:ann"),
    ("11-24 08", "alert-reminder", "华星零售", "-1001", "red:2026-11-03:3"),
    ("11-25 10", "recovery", "华星零售", "-1001", "green:2026-11-25"),
    ("11-25 10", "recovery", "华星零售", "C-MGMT", "green:2026-11-25"),
    # No meeting at 华星零售 for 60 days: yellow for a core account.
    ("11-27 08", "alert", "华星零售", "-1001", "yellow:2026-11-27"),
    ("11-27 08", "escalation", "华星零售", "-1001", "2026-11-27:HOLDER:zhangwei"),
    ("11-30 08", "escalation", "Acme Corp", "C-ACME", "2026-11-30:SPONSOR:dan"),
    ("12-04 08", "alert-reminder", "华星零售", "-1001", "yellow:2026-11-27:1"),
    ("12-07 08", "escalation", "Acme Corp", "C-MGMT", "2026-12-07:MANAGEMENT:management"),
    ("12-08 10", "recovery", "Acme Corp", "C-ACME", "green:2026-12-08"),
    ("12-08 10", "recovery", "Acme Corp", "C-MGMT", "green:2026-12-08"),
    # Acknowledged on 12-04; an executive meeting overdue from 12-09 changed the state.
    ("12-11 08", "alert-reminder", "华星零售", "-1001", "yellow:2026-11-27:2"),
    ("12-16 08", "rule", "Acme Corp", "C-ACME", "renewal:2027-01-15:30"),
    ("12-18 08", "alert-reminder", "华星零售", "-1001", "yellow:2026-11-27:3"),
    # Christmas is a working day in China.
    ("12-25 08", "alert-reminder", "华星零售", "-1001", "yellow:2026-11-27:4"),
]

# Each person's morning digests (day hour): overdue work, due today, due the next business
# day, and on the first business day of a week the week ahead; zhangwei chose 07:00, lina
# turned hers off, dan, gina and chenjing had nothing dated.
EXPECTED_DIGESTS = {
    "@ann": "10-13 08 10-14 08 11-09 08 11-12 08 11-13 08 11-16 08 11-17 08 11-18 08 "
            "11-19 08 11-20 08 11-23 08 11-24 08 11-25 08 11-27 08 11-30 08 12-01 08 "
            "12-02 08 12-03 08 12-04 08 12-07 08 12-08 08 12-14 08 12-15 08 12-16 08 "
            "12-17 08 12-18 08 12-21 08",
    "@bob": "10-05 08 10-08 08 10-09 08 10-13 08 10-14 08 10-15 08 10-16 08 10-19 08",
    "@cat": "10-05 08 10-08 08 10-09 08 10-13 08 10-14 08 10-15 08 10-16 08 10-19 08",
    "@hank": "10-19 08 10-20 08 10-21 08 10-22 08 10-23 08 10-26 08 10-27 08 10-28 08 "
             "10-29 08 10-30 08 11-02 08 11-03 08 11-04 08 11-05 08 11-06 08",
    "@ivan": "12-07 08 12-08 08 12-09 08",
    "@ivy": "10-26 08 10-29 08 10-30 08 11-02 08 12-21 08 12-23 08",
    "@liuyang": "10-08 08 10-09 08 11-06 08 11-09 08 12-07 08 12-08 08 12-09 08",
    "@wangqiang": "10-08 08 10-09 08 10-10 08 10-12 08",
    "@zhangwei": "10-12 07 10-14 07 10-15 07 10-16 07 10-19 07 10-20 07 10-21 07 10-22 07 "
                 "10-23 07 10-26 07 10-27 07 10-28 07 10-29 07 10-30 07 11-02 07 11-03 07 "
                 "11-04 07 11-05 07 11-06 07 11-09 07 11-10 07 11-11 07 11-12 07 11-13 07 "
                 "11-16 07 11-19 07 11-20 07 11-23 07 11-24 07 11-25 07 11-26 07 11-27 07 "
                 "11-30 07 12-01 07 12-02 07 12-03 07 12-21 07 12-25 07 12-28 07 12-29 07 "
                 "12-30 07 12-31 07",
}

COUNTRY = {"Acme Corp": "US", "Globex": "US", "Initech": "US", "华星零售": "CN",
           "东方物流": "CN", "星辰科技": "CN"}
PEOPLE_COUNTRIES = {"@zhangwei": {"CN"}, "@liuyang": {"CN"}, "@wangqiang": {"CN"},
                    "@bob": {"US", "CN"}}
REPORTS = ("report", "report.thread", "report.shared")


@pytest.fixture(scope="module")
def quarter(_database: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Replay, list[tuple[str, int, date, int, str | None, str]]]]:
    """The replayed quarter, and who was told about which overdue task (account, task
    number, due date, level, person, role)."""
    if ON_POSTGRES:
        url = _database
    else:
        path = tmp_path_factory.mktemp("quarter") / "kambot.db"
        shutil.copy(_database, path)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    if ON_POSTGRES:
        with engine.begin() as conn:
            tables = [r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                "AND tablename <> 'alembic_version'")]
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("SLACK_", "TELEGRAM_", "OPENAI_", "KAMBOT_")) \
                    and name != "KAMBOT_TEST_DATABASE_URL":
                mp.delenv(name, raising=False)
        settings = Settings(_env_file=None, DATABASE_URL=url,  # type: ignore[call-arg]
                            KAMBOT_COUNTRY="US")
        clock = FixedClock(datetime(SETUP.year, SETUP.month, SETUP.day, 9, tzinfo=UTC))
        core = build_core(settings, clock=clock, engine=engine, migrate=False)
        replay = run_quarter(core, clock)
        with core.sessions.begin() as s:
            rows = s.exec(select(EscalationNotice, Task, Account).join(
                Task, sa.and_(Task.id == EscalationNotice.task_id)).join(
                Account, sa.and_(Account.id == Task.account_id))
                .order_by(EscalationNotice.id)).all()
            people = {p.id: p.user_id for p in s.exec(select(Person)).all()}
            notices = [(account.name, task.number, notice.due_date, notice.level,
                        people.get(notice.person_id) if notice.person_id else None, notice.role)
                       for notice, task, account in rows]
    yield replay, notices
    engine.dispose()


def test_the_alerts_rules_and_escalations_are_exactly_these(quarter):
    replay, _ = quarter
    posted = [(f"{p.at:%m-%d %H}", p.kind, p.account, p.target, p.key) for p in replay.posts
              if p.kind not in (*REPORTS, "digest", "reminder")]
    assert posted == EXPECTED_POSTS


def test_the_morning_digests_are_exactly_these(quarter):
    replay, _ = quarter
    digests: dict[str, list[str]] = defaultdict(list)
    for p in replay.of("reminder"):
        digests[p.target].append(f"{p.at:%m-%d %H}")
    assert {who: " ".join(days) for who, days in digests.items()} == EXPECTED_DIGESTS
    # One direct message, never a channel mention (everybody can be written to here).
    assert all(p.account == "" for p in replay.of("reminder"))


def test_nothing_speaks_on_a_day_off(quarter):
    replay, _ = quarter
    for p in replay.of("alert", "alert-reminder", "recovery", "escalation", "rule"):
        day = p.at.date()
        if day == SETUP:
            continue  # set-up: rule tasks announced as the account is made
        assert calendar_for(COUNTRY[p.account]).is_business_day(day), (p.kind, p.account, day)
    saturdays = []
    for p in replay.of("reminder"):
        countries = PEOPLE_COUNTRIES.get(p.target, {"US"})
        assert any(calendar_for(c).is_business_day(p.at.date()) for c in countries), p
        if p.at.weekday() >= 5:
            saturdays.append((p.target, p.at.date()))
    # The one weekend digest: China's working Saturday after National Day.
    assert saturdays == [("@wangqiang", date(2026, 10, 10))]
    # Nothing at all on US Thanksgiving or Christmas for the US accounts.
    for holiday in (date(2026, 11, 26), date(2026, 12, 25)):
        assert [p for p in replay.posts if p.at.date() == holiday
                and COUNTRY.get(p.account, "") == "US"] == []


def test_escalations_never_go_back_to_someone_already_told(quarter):
    _, notices = quarter
    chains: dict[tuple[str, int, date], list[tuple[int, str | None, str]]] = defaultdict(list)
    for account, number, due, level, person, role in notices:
        chains[(account, number, due)].append((level, person, role))
    for chain in chains.values():
        told = [person for _, person, _ in chain if person is not None]
        assert len(told) == len(set(told)), chain
    # An AR's own late task: the AR once, then the sponsor, then management.
    assert chains[("华星零售", 5, date(2026, 10, 15))] == [
        (1, "zhangwei", "HOLDER"), (2, "zhaozong", "SPONSOR"), (3, None, "MANAGEMENT")]
    assert chains[("Acme Corp", 5, date(2026, 11, 13))] == [
        (1, "ann", "HOLDER"), (2, "dan", "SPONSOR"), (3, None, "MANAGEMENT")]
    assert chains[("Globex", 1, date(2026, 10, 20))] == [(1, "hank", "HOLDER"),
                                                         (2, "gina", "AR")]


def test_every_post_was_sent_once(quarter):
    replay, _ = quarter
    keys = [(p.kind, p.account, p.target, p.key) for p in replay.posts]
    assert len(keys) == len(set(keys))


def test_monthly_reports_tell_the_months_story(quarter):
    replay, _ = quarter
    reports = replay.of(*REPORTS)
    by_month: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for p in reports:
        by_month[p.key].add((p.kind, p.target))
    channels = {"C-ACME", "-1001", "-1002", "C-DFWL", "C-INIT"}
    assert by_month["2026-09"] == {(k, c) for k in REPORTS for c in channels}
    for month in ("2026-10", "2026-11", "2026-12"):
        assert by_month[month] == {(k, c) for k in REPORTS for c in channels | {"-1003"}}
    assert [p.key for p in replay.of("digest")] == ["2026-09", "2026-10", "2026-11", "2026-12"]

    def thread(account: str, month: str) -> str:
        [text] = [p.text for p in replay.of("report.thread")
                  if p.account == account and p.key == month]
        return text

    huaxing = thread("华星零售", "2026-11")
    # Every colour of the month and why it changed, not "the first reading".
    assert "• 11-01 🟢 绿灯（84）：月初状态" in huaxing
    assert "• 11-03 🔴 红灯（78）：🔴 CSAT 为 2.8/5（低于 3）" in huaxing
    assert "• 11-25 🟢 绿灯（82）：已解决：🔴 CSAT 为 2.8/5（低于 3）" in huaxing
    assert "• 11-27 🟡 黄灯（81）：🔴 已 60 天没有会议（上限 60 天）" in huaxing
    acme = thread("Acme Corp", "2026-11")
    assert "• 11-10 🔴 red (84): 🔴 NPS is -10 (below 0)" in acme
    # The deck finished on 8 December stands as it stood at November's end: overdue.
    assert "Joint business review deck (AR · ann), overdue since 2026-11-13" in acme
    assert "done 2026-12-08" not in acme
    # Meetings are notes marked as meetings: a phone note is a note.
    assert "2 条纪要，其中会议 1 次" in thread("东方物流", "2026-10")
    # The customer's version never shows health.
    assert not [p for p in replay.of("report.shared") if "🔴" in p.text or "🟡" in p.text]


def test_what_people_typed_was_read_as_they_meant_it(quarter):
    replay, _ = quarter
    replies = {(day, text): reply for day, text, reply in replay.replies}
    typo = replies[(date(2026, 10, 12), 'task "Send the SOW" owner=SR due=2025-10-16')]
    assert typo.startswith("⚠ The due date 2025-10-16 (Thu) is 361 day(s) in the past")
    assert "[Confirm 2025-10-16 (Thu): task \"Send the SOW\" owner=SR due=2025-10-16 confirm]" \
        in typo
    friday = replies[(date(2026, 10, 26), "signal exec_meeting=friday")]
    assert "executive meeting 2026-10-23" in friday
    assert replies[(date(2026, 12, 31), "健康")].startswith("星辰科技：数据不足")
    assert replies[(date(2026, 12, 31), "health")].startswith("✔ Acme Corp: 🟢 green")


def test_the_next_reminder_says_who_acknowledged(quarter):
    replay, _ = quarter
    [reminder] = [p for p in replay.of("alert-reminder") if p.key == "red:2026-11-03:1"]
    assert "@zhangwei 已于 2026-11-04 确认；此后情况有变化。" in reminder.text
    [alert] = [p for p in replay.of("alert") if p.key == "red:2026-11-10"
               and p.target == "C-ACME"]
    assert "[Acknowledge: alert ack red:2026-11-10]" in alert.text
    assert "== What moved it ==" in alert.text and "NPS" in alert.text
