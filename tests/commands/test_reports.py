"""The monthly report's numbers, its customer version, the quiet month and the digest."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from commands import reports
from commands.i18n import template_fields
from commands.reports import Month
from storage import repos
from storage.models import TaskStatus
from tests.reportdata import CANARIES, at, seed_acme, seed_quiet

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOV = Month(2026, 11)


@pytest.fixture
def acme(core, clock):
    clock.set(DEC_1)
    return seed_acme(core.sessions)


def facts_for(core, account_id, month=NOV, tz=UTC, now=DEC_1):
    with core.sessions.begin() as s:
        account = repos.account_by_id(s, account_id=account_id)
        return reports.gather_month(s, account=account, month=month, tz=tz, now=now)


def test_the_numbers_of_a_known_month(core, acme):
    f = facts_for(core, acme.account_id)
    assert [x.number for x in f.closed] == [1, 3]
    assert [x.number for x in f.opened] == [2, 3, 5]
    assert [x.number for x in f.overdue] == [2]
    assert f.open_count == 3
    assert {r: (t.closed, t.opened, t.overdue) for r, t in f.by_role.items()} == {
        "AR": (1, 0, 0), "SR": (0, 2, 1), "FR": (1, 1, 0)}
    assert {p: (t.closed, t.opened, t.overdue) for p, t in f.by_person.items()} == {
        "Alice": (1, 0, 0), "Bob": (0, 2, 1), "Carol": (1, 1, 0)}
    assert len(f.notes) == 2 and f.meetings == 1 and f.exec_meetings == 1
    assert (f.health_now.color, f.health_now.score) == ("green", 78)
    assert (f.health_before.color, f.health_before.score) == ("yellow", 61)
    assert f.renewal_days == 45
    assert [x.number for x in f.next_actions] == [2, 5, 4]  # overdue first, then by due date
    assert [x.number for x in f.shared_next] == [2, 5]
    assert [(p.month.key, p.open, p.closed, p.score) for p in f.history] == [
        ("2026-06", 0, 0, None), ("2026-07", 0, 0, None), ("2026-08", 1, 0, None),
        ("2026-09", 2, 0, 35), ("2026-10", 2, 1, 61), ("2026-11", 3, 2, 78)]
    assert not f.partial and not f.quiet


def test_the_report_as_the_team_reads_it(core, acme):
    reply = reports.compose_report(facts_for(core, acme.account_id), "en")
    text = reply.plain_text()
    assert reply.title == "Acme Corp - November 2026"
    fields = dict(reply.sections[0].fields)
    assert fields == {"Closed": "2", "Opened": "3", "Overdue": "1", "Open": "3"}
    assert "SR : 0 closed · 2 opened · 1 overdue" in text
    assert "Bob   : 0 closed · 2 opened · 1 overdue" in text
    assert "notes: 2 (meetings: 1) · executive meetings: 1" in text
    assert "green (78), better than at the start of the month: 🟡 yellow (61)" in text
    assert "Renewal coming up on 2027-01-15, in 45 days." in text
    assert "#2 Send the quote (SR · Bob), overdue since 2026-11-20" in text
    [chart] = reply.attachments
    assert chart.filename == "acme-corp-2026-11.png" and chart.content[:4] == b"\x89PNG"
    parent = reports.compose_parent(facts_for(core, acme.account_id), "en")
    assert parent.title == "Acme Corp - November 2026 action report"


def test_chinese_report(core, acme):
    f = facts_for(core, acme.account_id)
    assert reports.compose_parent(f, "zh").title == "Acme Corp - 2026年11月行动报告"
    text = reports.compose_report(f, "zh", chart=False).plain_text()
    assert "完成  : 2" in text and "🟢 绿灯（78），比月初好转" in text


def test_the_shared_version_leaks_nothing_internal(core, acme, chat):
    f = facts_for(core, acme.account_id)
    for lang in ("en", "zh"):
        reply = reports.compose_shared(f, lang)
        md = next(a for a in reply.attachments if a.mime == "text/markdown").content.decode()
        text = reply.plain_text() + md
        assert [c for c in CANARIES if c in text] == []
        for internal in ("Alice", "Bob", "Carol", "(78)", "（78）", "green", "yellow", "绿",
                         "Fix the invoice", "2027-01-15", "CANARY", "Met the CFO",
                         "sceptical", "Dana"):
            assert internal not in text
        assert "Renew the contract" in md and "Kick-off workshop" in md
        assert any(a.filename == "acme-corp-2026-11-shared.png" for a in reply.attachments)
        assert "(acme-corp-2026-11-shared.png)" in md
    en = reports.compose_shared(f, "en").plain_text()
    assert "#1 Renew the contract (account manager), done 2026-11-08" in en
    assert "overdue" not in en  # the customer sees the date only
    # ...and through the verb, in both languages.
    for line in ("report 2026-11 shared", "报告 2026-11 共享"):
        reply = chat.say(line)
        blob = reply.plain_text() + "".join(
            a.content.decode() for a in reply.attachments if a.mime == "text/markdown")
        assert [c for c in CANARIES if c in blob] == []
        assert not reply.is_error


def test_a_quiet_month_gets_a_short_report_not_an_empty_one(core, clock):
    clock.set(DEC_1)
    quiet = seed_quiet(core.sessions)
    f = facts_for(core, quiet.account_id)
    assert f.quiet
    parent = reports.compose_parent(f, "en")
    assert "Quiet month" in parent.plain_text() and "1 overdue" in parent.plain_text()
    reply = reports.compose_report(f, "en")
    text = reply.plain_text()
    assert text.startswith("Quiet Ltd - November 2026\n\nA quiet month")
    assert "By person" not in text and "no health data yet" in text
    assert "#1 Call back (AR), overdue since 2026-10-01" in text
    assert len(reply.sections) == 5 and reply.attachments
    shared = reports.compose_shared(f, "en")
    assert "No action of our joint plan was opened or closed this month." in shared.plain_text()
    # Nothing shared in six months: the Markdown file, but no empty chart.
    assert [a.mime for a in shared.attachments] == ["text/markdown"]
    assert b"![]" not in shared.attachments[0].content


def test_month_boundaries_follow_the_timezone(core, clock):
    shanghai = ZoneInfo("Asia/Shanghai")
    clock.set(DEC_1)
    quiet = seed_quiet(core.sessions)
    with core.sessions.begin() as s:
        # 2026-10-31 17:00 UTC is 1 November 01:00 in Shanghai.
        task = repos.add_task(s, account_id=quiet.account_id, title="Late night", role="FR",
                              assignee_id=None, due_date=None, shared=False,
                              at=datetime(2026, 10, 31, 17, 0, tzinfo=UTC))
        task.status = TaskStatus.DONE.value
        task.closed_at = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 December there
    in_utc = facts_for(core, quiet.account_id)
    assert [x.number for x in in_utc.opened] == [] and [x.number for x in in_utc.closed] == [2]
    there = facts_for(core, quiet.account_id, tz=shanghai, now=DEC_1.astimezone(shanghai))
    assert [x.number for x in there.opened] == [2] and there.closed == []


def test_report_verb_months_and_refusals(chat, core, acme):
    assert chat.say("report 2026-11").title == "Acme Corp - November 2026"
    assert chat.say("月报 2026年11月").title == "Acme Corp - 2026年11月"
    assert chat.say("report last").title == "Acme Corp - November 2026"
    this = chat.say("report")
    assert this.title == "Acme Corp - December 2026"
    assert "So far: figures up to 2026-12-01" in this.footer
    future = chat.say("report 2027-01")
    assert future.is_error and "has not begun" in future.title
    bad = chat.say("report sometime")
    assert bad.is_error and "is not a month" in bad.title
    assert chat.say("report 2026-13").is_error


@pytest.mark.parametrize(("text", "month"), [
    ("2026-11", Month(2026, 11)), ("2026/3", Month(2026, 3)), ("2026年11月", Month(2026, 11)),
    ("2026.01", Month(2026, 1)), ("2026-00", None), ("11-2026", None), ("nov", None),
])
def test_month_parse(text, month):
    assert Month.parse(text) == month


def test_month_arithmetic():
    assert Month(2026, 11).shift(2) == Month(2027, 1)
    assert Month(2026, 1).shift(-1) == Month(2025, 12)
    assert Month(2026, 12).end(UTC) == datetime(2027, 1, 1, tzinfo=UTC)


def test_digest_lists_every_account_worst_first(core, clock):
    clock.set(DEC_1)
    a = seed_acme(core.sessions)
    q = seed_quiet(core.sessions)
    r = seed_quiet(core.sessions, channel="red-team", name="Redwood")
    from storage.models import HealthSnapshot
    with core.sessions.begin() as s:
        s.add(HealthSnapshot(account_id=r.account_id, color="red", score=20, reasons=[],
                             at=at("2026-11-15")))
    rows = [facts_for(core, x.account_id) for x in (a, q, r)]
    reply = reports.compose_digest(rows, NOV, "en")
    items = [i.text for i in reply.sections[1].items]
    # Worst first, as `accounts` orders them: red, yellow, green, then no health data.
    assert [i.split(" · ")[0] for i in items] == ["Redwood", "Acme Corp", "Quiet Ltd"]
    assert items[1] == "Acme Corp · core strategic partner · 🟢 green (78) · 1 overdue · 2 closed"
    assert dict(reply.sections[0].fields)["Accounts"] == "3"
    md = next(x for x in reply.attachments if x.mime == "text/markdown").content.decode()
    assert md.count("\n| ") == 5  # header, separator and three rows
    assert any(x.filename == "portfolio-2026-11.png" for x in reply.attachments)


def test_report_catalogs_have_the_same_keys_and_fields():
    root = Path(reports.__file__).parent / "locales"

    def flat(table, prefix=""):
        out = {}
        for k, v in table.items():
            key = f"{prefix}{k}"
            out.update(flat(v, key + ".") if isinstance(v, dict) else {key: v})
        return out

    en, zh = (flat(tomllib.loads((root / lang / "report.toml").read_text())) for lang in
              ("en", "zh"))
    assert en.keys() == zh.keys()
    assert {k: template_fields(v) for k, v in en.items()} == \
        {k: template_fields(v) for k, v in zh.items()}


def test_chart_labels_fall_back_to_english_without_a_cjk_font(monkeypatch):
    from bot import charts
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.label_lang("zh") == "en"
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts.label_lang("zh") == "zh"
    # The account chart is drawn in the bundled font itself (bot/chart_draw.py): without it,
    # English, whatever fonts matplotlib could find.
    monkeypatch.setattr(charts, "bundled_cjk_font", lambda: None)
    assert charts.account_label_lang("zh") == "en" and charts.label_lang("zh") == "zh"


def test_renewal_lines():
    f = reports.AccountMonth(account_id=1, account_name="X", tier="core", month=NOV,
                             as_of=DEC_1, partial=False)
    assert reports._renewal_text(f, "en") == "No renewal date on record."
    f.renewal_date = date(2026, 11, 20)
    assert "passed 11 days ago" in reports._renewal_text(f, "en")
    f.renewal_date = date(2027, 6, 1)
    assert reports._renewal_text(f, "en").startswith("Next renewal on 2027-06-01")


def test_the_customer_chart_has_no_health_line(core, acme, monkeypatch):
    from bot import charts
    seen = []
    real = charts.account_chart

    def spy(**kw):
        seen.append(kw)
        return real(**kw)

    monkeypatch.setattr(charts, "account_chart", spy)
    f = facts_for(core, acme.account_id)
    reports.compose_shared(f, "en")
    reports.compose_report(f, "en")
    assert seen[0]["scores"] is None and seen[0]["opened"] == [0, 0, 0, 0, 1, 2]
    assert seen[1]["scores"] == [None, None, None, 35, 61, 78]


def test_report_outside_an_account_channel(chat, core, acme):
    refused = chat.say("report", channel="random")
    assert refused.is_error and "not linked" in refused.title
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    digest = chat.say("report 2026-11", channel="mgmt")
    assert digest.title == "Portfolio - November 2026"
    assert "Acme Corp · core strategic partner · 🟢 green (78) · 1 overdue · 2 closed" in digest.plain_text()


def test_decisions_of_the_month_are_in_the_team_report_only(core, acme):
    from storage import decisions as decision_repo

    with core.sessions.begin() as s:
        decision_repo.add_decision(s, account_id=acme.account_id, note_id=None,
                                   text="Phase 2 goes on-prem", line_no=3, created_by_id=None,
                                   at=at("2026-11-12"))
        decision_repo.add_decision(s, account_id=acme.account_id, note_id=None,
                                   text="October choice", line_no=1, created_by_id=None,
                                   at=at("2026-10-12"))
    f = facts_for(core, acme.account_id)
    assert f.decisions == ["Phase 2 goes on-prem"]
    team = reports.compose_report(f, "en", chart=False).plain_text()
    assert "Decisions this month (1)" in team and "Phase 2 goes on-prem" in team
    assert "本月决定（1）" in reports.compose_report(f, "zh", chart=False).plain_text()
    shared = reports.compose_shared(f, "en", chart=False).plain_text()
    assert "Phase 2 goes on-prem" not in shared
