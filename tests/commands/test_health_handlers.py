"""The `health` and `signal` verbs, played in a console channel through the dispatcher."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from commands.handlers.health import parse_day
from commands.i18n import template_fields
from storage.models import AuditLog, HealthSnapshot, Signal

LOCALES = Path(__file__).resolve().parents[2] / "commands" / "locales"


@pytest.fixture
def acme(chat):
    chat.say('account new "Acme Corp"')
    return chat


def test_new_account_without_data_is_not_enough_data_not_green(core, acme):
    text = acme.text("health")
    assert text.startswith("Acme Corp: not enough data yet")
    assert "0 measure(s) with data, 2 needed" in text and "green" not in text
    assert "No data yet: NPS, CSAT, Usage" in text
    with core.sessions.begin() as s:  # nothing saved: a report says "no health data"
        assert s.exec(select(HealthSnapshot)).all() == []
    acme.say("note meeting kickoff with the customer")
    acme.say('task "Send the deck" due=friday')
    text = acme.text("health")
    assert text.startswith("✔ Acme Corp: 🟢 green, score 100/100")
    assert "Nothing needs attention." in text and "First assessment today." in text
    assert "🟢 Meeting cadence: 100/100 · weight 10" in text
    assert "🟢 Overdue work: 100/100 · weight 20" in text


def test_ask_and_the_portfolio_agree_a_new_account_has_no_colour(acme):
    """`ask` assesses as `health` does: a new account is "not enough data", never green 100,
    in an answer, the account summary and a portfolio question."""
    text = acme.text("ask how healthy is this account?")
    assert text.startswith("Acme Corp: not enough data yet"), text
    assert "green" not in text and "100" not in text
    assert "green" not in acme.text("ask why is it green?")
    summary = acme.text("ask what is the status of this account?")
    assert "green" not in summary
    acme.say("note meeting kickoff with the customer")
    acme.say('task "Send the deck" due=friday')
    assert "🟢 green" in acme.text("ask how healthy is this account?")


def test_ask_in_chinese_says_not_enough_data(chat):
    chat.say('account new "华星零售"')
    text = chat.text("ask 这个客户健康度怎么样？")
    assert text.startswith("华星零售：数据不足"), text
    assert "绿灯" not in text


def test_the_scorecard_shows_weights_colour_rule_and_what_pulls_it_down(acme):
    acme.say("note meeting QBR")
    acme.say("signal nps=-20 csat=4.8")
    text = acme.text("health")
    assert "🔴 NPS: 32/100 · weight 15" in text
    assert "🟢 CSAT: 95/100 · weight 10" in text
    assert "Colour from the score 69: green from 75, red below 45." in text
    assert "Red by rule: NPS is red, whatever the score." in text
    assert "Pulling the score down: NPS −" in text
    zh = acme.text("健康度")
    assert "🔴 NPS：32/100 · 权重 15" in zh and "按规则判为红灯：NPS为红" in zh
    assert "暂无数据：使用率、响应时间" in zh


def test_health_needs_a_bound_channel(chat):
    reply = chat.say("health")
    assert reply.is_error


def test_signal_records_and_shows_health(core, acme):
    reply = acme.say("signal nps=-10 usage=65% response_hours=30")
    assert not reply.is_error
    text = reply.plain_text()
    assert "Recorded for Acme Corp: NPS -10, usage 65%, response time (h) 30" in text
    assert "Health now: 🔴 red" in text
    with core.sessions.begin() as s:
        rows = s.exec(select(Signal).order_by(Signal.id)).all()
        assert [(r.metric, r.value) for r in rows] == [
            ("nps", -10), ("usage", 0.65), ("response_hours", 30)]
        assert s.exec(select(AuditLog).where(AuditLog.action == "signal")).first() is not None


def test_latest_signal_per_metric_counts(acme):
    acme.say("note meeting kickoff")
    acme.say("signal nps=-10")
    acme.say("signal nps=60")
    assert "🟢 green" in acme.text("health")


@pytest.mark.parametrize(("line", "expected"), [
    ("signal", "Give at least one signal"),
    ("signal mood=3", 'does not take "mood="'),
    ("signal nps=200", "nps=200 is not valid: a number from -100 to 100"),
    ("signal usage=2", "usage=2 is not valid"),
    ("signal exec_meeting=2030-01-01", "exec_meeting=2030-01-01 is not valid"),
    ("signal exec_meeting=tomorrow", "exec_meeting=tomorrow is not valid: a past date"),
    ("signal exec_meeting=someday", "exec_meeting=someday is not valid"),
])
def test_signal_refusals(core, acme, line, expected):
    reply = acme.say(line)
    assert reply.is_error and expected in reply.plain_text()
    with core.sessions.begin() as s:
        assert s.exec(select(Signal)).all() == []  # nothing half-written


def test_signal_in_chinese(acme):
    text = acme.text("信号 nps=-10")
    assert "已为 Acme Corp 记录：NPS -10" in text and "红灯" in text
    assert "无效" in acme.text("指标 csat=9")


def test_exec_meeting_dates(core, acme):
    acme.say("signal exec_meeting=yesterday")
    acme.say("signal exec_meeting=2026-10-01")  # older, recorded later: the newest date wins
    with core.sessions.begin() as s:
        dates = [r.value_date for r in s.exec(select(Signal).order_by(Signal.id)).all()]
        assert dates == [date(2026, 11, 23), date(2026, 10, 1)]


@pytest.mark.parametrize(("raw", "expected"), [
    ("today", date(2026, 11, 24)), ("昨天", date(2026, 11, 23)), ("前天", date(2026, 11, 22)),
    ("-3d", date(2026, 11, 21)), ("3天前", date(2026, 11, 21)),
    ("2026-11-02", date(2026, 11, 2)), ("11月20日", date(2026, 11, 20)),
    ("Nov 20", date(2026, 11, 20)), ("nonsense", None),
    # A day of the week means the last one, never a year back or ahead (today: Tuesday).
    ("friday", date(2026, 11, 20)), ("fri", date(2026, 11, 20)), ("周五", date(2026, 11, 20)),
    ("tuesday", date(2026, 11, 24)), ("last tuesday", date(2026, 11, 17)),
    ("last friday", date(2026, 11, 20)), ("上周五", date(2026, 11, 20)),
    ("上周二", date(2026, 11, 17)), ("上上周五", date(2026, 11, 13)),
    ("本周一", date(2026, 11, 23)), ("this friday", None), ("本周五", None),
    ("yesterday", date(2026, 11, 23)), ("3 days ago", date(2026, 11, 21)),
    ("a week ago", date(2026, 11, 17)), ("两天前", date(2026, 11, 22)),
    ("Dec 5", date(2025, 12, 5)), ("tomorrow", None), ("next week", None),
])
def test_parse_day(raw, expected):
    assert parse_day(raw, date(2026, 11, 24)) == expected


def test_signal_friday_on_a_monday_is_last_friday(core, acme, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))  # a Monday
    reply = acme.say("signal exec_meeting=friday")
    assert "executive meeting 2026-11-20" in reply.plain_text()
    assert "高层会晤 2026-11-20" in acme.text("信号 exec_meeting=上周五")


def test_core_account_meeting_cadence_turns_yellow_at_30_days(chat, clock):
    chat.say('account new "Core Co" tier=core')
    chat.say("note meeting kickoff with the customer")
    chat.say("signal nps=70 csat=4.8")
    clock.advance(timedelta(days=29))
    text = chat.text("health")
    assert "🟢 green" in text and "🟢 Meeting cadence" in text
    clock.advance(timedelta(days=1))
    text = chat.text("health")
    # The measure turns yellow; the account, with good signals, stays green to watch.
    assert "🟡 Meeting cadence: 74/100" in text and "🟢 green" in text
    assert "To watch" in text and "No meeting for 30 days (limit 30)" in text
    assert "AR (account manager)" in text and "record it: note meeting" in text
    chat.say("note the CFO emailed about invoices")  # a note, not a meeting
    assert "No meeting for 30 days" in chat.text("health")
    clock.advance(timedelta(days=31))
    text = chat.text("health")
    assert "🔴 Meeting cadence" in text and "🟡 yellow" in text  # a red measure: yellow
    chat.say("note meeting QBR held, customer happy")
    assert "✔ Core Co: 🟢 green, score 96/100" in chat.text("health")


def test_change_since_last_month_and_what_turns_it_green(chat, clock):
    chat.say('account new "Acme Corp"')
    chat.say("signal nps=10")
    chat.text("health")
    clock.advance(timedelta(days=31))
    chat.say("signal nps=-20 cis=3")
    text = chat.text("health")
    assert "🟡 yellow 52 on 2026-11-24 → 🔴 red 32 now (-20)" in text
    assert "Changes: 🟡 yellow 52 (11-24) → 🔴 red 32 (12-25)" in text
    assert "Moved since 2026-11-24" in text and "NPS 51 → 32" in text
    assert "What would turn it green" in text
    assert "SR (solution manager) (nobody holds this role: triangle sr=@someone)" in text


def test_trend_without_a_month_of_history(chat, clock):
    chat.say('account new "Acme Corp"')
    chat.say("signal nps=50 csat=4.5")
    chat.text("health")
    clock.advance(timedelta(days=3))
    assert "No assessment from a month ago yet; first assessed on 2026-11-24." in chat.text("health")


def test_health_in_chinese(chat):
    chat.say('account new "华星零售"')
    chat.say("signal nps=-10")
    text = chat.text("健康度")
    assert "华星零售：🔴 红灯" in text and "NPS 为 -10（低于 0）" in text
    assert "怎样恢复为绿" in text


def test_catalogs_have_the_same_keys_and_fields():
    def flat(lang: str) -> dict[str, str]:
        out: dict[str, str] = {}

        def walk(prefix: str, table: dict) -> None:
            for k, v in table.items():
                key = f"{prefix}.{k}" if prefix else k
                if isinstance(v, dict):
                    walk(key, v)
                else:
                    out[key] = v

        with (LOCALES / lang / "health.toml").open("rb") as fh:
            walk("", tomllib.load(fh))
        return out

    en, zh = flat("en"), flat("zh")
    assert set(en) == set(zh)
    for key in en:
        assert template_fields(en[key]) == template_fields(zh[key]), key


def test_every_reason_and_fix_has_a_message():
    from commands.health import FIX_ROLE
    from commands.i18n import catalog

    for lang in ("en", "zh"):
        messages = catalog(lang)
        for code in FIX_ROLE:
            assert f"health.reason.{code}" in messages
            assert f"health.fix.{code}" in messages
