"""A believable demo data set, so a newcomer sees the product working in the first minute.

Four accounts in three tiers (one run in Chinese), a full triangle on most, notes with
actions, open / done / overdue tasks, signals, stakeholders and a plan; opportunities at
several lead-to-cash stages with payment milestones (Globex has one overdue) and a
renewal playbook running on Globex. Acme and 华星零售 each have a channel shared with the
customer (acme-joint, huaxing-joint) and actions on the customer's side. Dates are
relative to the clock, so the demo always looks current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.app import Core
from bot.messages import Outgoing, Platform
from bot.outbox import Sent
from commands.strategy.relmap import DECISION_WORDS
from commands.strategy.scoring import DEFAULT_WEIGHTS, ratings_of, score_of
from storage import repos, strategy_repo
from storage.models import (
    Account,
    HealthSnapshot,
    PlanRevision,
    PlanSection,
    Signal,
    Stakeholder,
    TaskStatus,
)

WORKSPACE = "local"


@dataclass(frozen=True)
class DemoInfo:
    channel: str
    user: str
    channels: dict[str, str]


@dataclass(frozen=True)
class _Task:
    title: str
    role: str
    due: int | None  # days from today
    done_days_ago: int | None = None
    shared: bool = False
    created_days_ago: int = 45
    owner: str | None = None  # a customer action (role CUSTOMER): their person's name


_ACCOUNTS: list[dict] = [
    {
        "name": "Acme Corp", "tier": "core", "channel": "acme", "industry": "Manufacturing",
        "revenue": 4_200_000, "margin": 0.31, "renewal": 45, "lang": None,
        "team": {"AR": "alice", "SR": "bob", "FR": "carol", "SPONSOR": "dana"},
        "notes": [
            (38, "QBR with Acme. Li Wei (CIO) wants the line 3 upgrade live before the "
                 "spring peak; procurement pushes on price.\nACTION: SR to send the revised "
                 "quote for the line 3 upgrade\nTODO confirm the payment schedule with "
                 "their finance team"),
            (12, "Site visit in Shenzhen. Sensors arrived; installation team booked.\n"
                 "- [x] operator training delivered\n- [ ] FR: schedule sensor installation"),
        ],
        "tasks": [
            _Task("Send the revised quote for the line 3 upgrade", "SR", 3, shared=True),
            _Task("Confirm the payment schedule with their finance team", "AR", -5),
            _Task("Schedule sensor installation at the Shenzhen plant", "FR", 10, shared=True),
            _Task("Deliver operator training", "FR", -12, done_days_ago=10, shared=True),
            _Task("Kick-off meeting with the new CIO", "AR", -30, done_days_ago=29),
            # The customer's side of the joint plan.
            _Task("Send the plant org chart", "CUSTOMER", 4, owner="Li Wei"),
            _Task("Nominate two key users for the pilot", "CUSTOMER", -2, owner="Maria Lopez"),
            _Task("Share the line 3 throughput data", "CUSTOMER", -8, done_days_ago=6,
                  owner="Li Wei"),
        ],
        # A channel shared with the customer (Slack Connect / a Telegram group with them).
        "shared_channel": "acme-joint",
        "signals": {"nps": 32, "csat": 4.1, "usage": 0.72, "response_hours": 6},
        "exec_meeting": 62,
        "stakeholders": [
            ("Li Wei", "CIO", "decision-maker", 5, 4, "supporter"),
            ("Maria Lopez", "Head of Procurement", "gatekeeper", 4, 2, "skeptic"),
            ("Zhou Min", "Plant IT lead", "evaluator", 3, 5, "champion"),
        ],
        "history": [92, 90, 86, 80, 78, 70],
        "scores": (5, 5, 4, 2),
        "map": {"Li Wei": {"owner": "alice", "met": 70},
                "Maria Lopez": {"reports_to": "Li Wei"},
                "Zhou Min": {"reports_to": "Li Wei", "owner": "bob", "met": 75}},
        "plan": {"goals": "Acme wants 20% higher line throughput by Q3 2027.",
                 "opportunities": "Predictive maintenance across all five plants."},
    },
    {
        "name": "Globex", "tier": "important", "channel": "globex", "industry": "Energy",
        "revenue": 1_350_000, "margin": 0.22, "renewal": 80, "lang": None,
        "team": {"AR": "erin", "SR": "frank", "FR": "grace"},
        "notes": [(70, "Steering committee. Outage on the Houston site last month; they "
                       "expect a root-cause report.\nACTION: FR to send the incident "
                       "root-cause report")],
        "tasks": [
            _Task("Send the incident root-cause report", "FR", -12, shared=True),
            _Task("Technical workshop on the new API", "SR", 6),
            _Task("Invoice Q3 support fees", "AR", 2),
        ],
        "signals": {"nps": -10, "csat": 3.2, "usage": 0.41, "response_hours": 30},
        "stakeholders": [("Hank Scorpio", "CEO", "sponsor", 5, 3, "neutral")],
        "history": [80, 74, 66, 55, 47, 38],
        "scores": (2, 3, 2, 4),
        "plan": {},
    },
    {
        "name": "Initech", "tier": "potential", "channel": "initech", "industry": "Software",
        "revenue": 280_000, "margin": 0.4, "renewal": None, "lang": None,
        "team": {"AR": "heidi"},
        "notes": [(5, "Intro call; they are evaluating us against two vendors.\n"
                      "TODO send the security questionnaire answers")],
        "tasks": [_Task("Send the security questionnaire answers", "SR", 4)],
        "signals": {},
        "stakeholders": [],
        "history": [88, 88, 90],
        "scores": (4, 5, 5, 1),
        "plan": {},
    },
    {
        "name": "华星零售", "tier": "important", "channel": "huaxing", "industry": "零售",
        "revenue": 2_600_000, "margin": 0.27, "renewal": 75, "lang": "zh",
        "team": {"AR": "zhangwei", "SR": "lina", "FR": "wangqiang", "SPONSOR": "zhaomin"},
        "notes": [(9, "与客户季度经营回顾。客户确认下月回款计划，希望新门店系统在春节前上线。\n"
                      "待办：解决方案经理 下周五前提交新门店方案\n待办：交付经理 12月20日前完成一期验收")],
        "tasks": [
            _Task("提交新门店系统方案", "SR", 10, shared=True),
            _Task("完成一期验收", "FR", 26, shared=True),
            _Task("跟进下月回款计划", "AR", -2),
            _Task("安排高层拜访", "AR", 30, done_days_ago=3),
            _Task("提供新门店清单", "CUSTOMER", 7, owner="陈总"),
        ],
        "shared_channel": "huaxing-joint",
        "signals": {"nps": 45, "csat": 4.5, "usage": 0.8},
        "exec_meeting": 20,
        "stakeholders": [("陈总", "CIO", "决策者", 5, 5, "champion")],
        "history": [70, 76, 82, 85, 88, 90],
        "scores": (4, 4, 4, 3),
        "map": {"陈总": {"owner": "zhangwei", "met": 20}},
        "plan": {"goals": "客户计划明年新开 120 家门店，门店系统统一上云。"},
    },
]

_NAMES = {
    "alice": "Alice Chen", "bob": "Bob Martin", "carol": "Carol Diaz", "dana": "Dana Scully",
    "erin": "Erin Brooks", "frank": "Frank Li", "grace": "Grace Hopper", "heidi": "Heidi Klum",
    "zhangwei": "张伟", "lina": "李娜", "wangqiang": "王强", "zhaomin": "赵敏",
}


def _at(day: date, core: Core, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=core.clock.tz)


def seed_demo(core: Core) -> DemoInfo:
    """Fill an empty database with the demo accounts. Idempotent: a second call does nothing."""
    today = core.clock.today()
    channels: dict[str, str] = {}
    with core.sessions.begin() as session:
        for spec in _ACCOUNTS:
            channels[spec["name"]] = spec["channel"]
            if repos.account_by_name(session, name=spec["name"]) is None:
                _seed_account(session, core, spec, today)
                _seed_commercial(session, core, spec, today)
                _seed_health(session, core, spec, today)
    _settle(core)
    return DemoInfo(channel="acme", user="alice", channels=channels)


class _Quiet:
    """A console sender that prints nothing: what the rules announce while the demo is
    seeded is part of the seed, not news for the person who starts it."""

    platform = Platform.CONSOLE.value

    def send(self, out: Outgoing) -> Sent:
        return Sent(channel=out.channel, ref="seed")


def _settle(core: Core) -> None:
    """Run the daily checks once, so the rules' tasks (renewal, executive visit) and the
    playbooks they start are there before the first command, not made by it."""
    from bot.alerts import check_account as check_health
    from bot.commercial import check_account as check_commercial

    before = core.senders.get(Platform.CONSOLE.value)
    core.senders.add(_Quiet())
    try:
        with core.sessions.begin() as session:
            ids = [a.id for a in repos.all_accounts(session) if a.id is not None]
        for account_id in ids:
            check_health(core, account_id)
            check_commercial(core, account_id)
    finally:
        if before is not None:
            core.senders.add(before)


def _color(score: int) -> str:
    return "green" if score >= 75 else "yellow" if score >= 40 else "red"


def _seed_health(session: Session, core: Core, spec: dict, today: date) -> None:
    """Months of history (so trends and charts have a shape), then today's real assessment."""
    from commands.health import assess, load_config
    from storage import health_repo

    account = repos.account_by_name(session, name=spec["name"])
    assert account is not None and account.id is not None
    history = spec.get("history", [])
    for months_ago, score in zip(range(len(history), 0, -1), history, strict=True):
        day = today - timedelta(days=30 * months_ago)
        session.add(HealthSnapshot(account_id=account.id, color=_color(score), score=score,
                                   reasons=[], at=_at(day, core, 8)))
    session.flush()
    config = load_config(core.services)
    health = assess(health_repo.gather_inputs(session, account=account, today=today),
                    tier=account.tier, today=today, thresholds=config.for_tier(account.tier))
    health_repo.save_snapshot(session, account_id=account.id, health=health,
                              at=_at(today, core, 8) if core.clock.now().hour >= 8
                              else core.clock.now())


def _seed_account(session: Session, core: Core, spec: dict, today: date) -> None:
    created = _at(today - timedelta(days=400), core)
    acct = repos.create_account(session, name=spec["name"], tier=spec["tier"], at=created)
    assert acct.id is not None
    acct.industry = spec["industry"]
    acct.revenue = spec["revenue"]
    acct.margin = spec["margin"]
    acct.language = spec["lang"]
    if spec["renewal"] is not None:
        acct.renewal_date = today + timedelta(days=spec["renewal"])
    session.add(acct)
    repos.bind_channel(session, platform=Platform.CONSOLE.value, workspace=WORKSPACE,
                       channel=spec["channel"], account_id=acct.id,
                       channel_name=spec["channel"], at=created)
    people = {}
    for role, user in spec["team"].items():
        person = repos.upsert_person(session, platform=Platform.CONSOLE.value, user_id=user,
                                     display_name=_NAMES[user], username=user)
        assert person.id is not None
        people[role] = person
        repos.assign_role(session, account_id=acct.id, role=role, person_id=person.id,
                          at=created)
    author = people.get("AR")
    for days_ago, text in spec["notes"]:
        repos.add_note(session, account_id=acct.id, text=text,
                       author_id=author.id if author else None,
                       at=_at(today - timedelta(days=days_ago), core))
    theirs: dict[str, Stakeholder] = {}
    for name, title, role, power, interest, stance in spec["stakeholders"]:
        theirs[name] = Stakeholder(account_id=acct.id, name=name, name_key=repos.name_key(name),
                                   title=title, role=role, power=power, interest=interest,
                                   stance=stance, created_at=created)
        session.add(theirs[name])
    session.flush()
    if spec.get("shared_channel"):
        joint = repos.bind_channel(session, platform=Platform.CONSOLE.value, workspace=WORKSPACE,
                                   channel=spec["shared_channel"], account_id=acct.id,
                                   channel_name=spec["shared_channel"], at=created)
        joint.shared = True
        session.add(joint)
    for task in spec["tasks"]:
        holder = people.get(task.role)
        row = repos.add_task(
            session, account_id=acct.id, title=task.title, role=task.role,
            assignee_id=holder.id if holder else None,
            due_date=today + timedelta(days=task.due) if task.due is not None else None,
            shared=task.shared, at=_at(today - timedelta(days=task.created_days_ago), core),
            created_by_id=author.id if author else None,
        )
        if task.owner is not None:
            row.owner_text = task.owner
            row.stakeholder_id = theirs[task.owner].id
            session.add(row)
        if task.done_days_ago is not None:
            row.status = TaskStatus.DONE.value
            row.closed_at = _at(today - timedelta(days=task.done_days_ago), core, 16)
            session.add(row)
    for metric, value in spec["signals"].items():
        session.add(Signal(account_id=acct.id, metric=metric, value=float(value),
                           at=_at(today - timedelta(days=7), core)))
    if "exec_meeting" in spec:
        day = today - timedelta(days=spec["exec_meeting"])
        session.add(Signal(account_id=acct.id, metric="exec_meeting", value_date=day,
                           at=_at(day, core, 18)))
    for section, text in spec["plan"].items():
        session.add(PlanSection(account_id=acct.id, section=section, text=text,
                                updated_at=_at(today - timedelta(days=30), core)))
        session.add(PlanRevision(account_id=acct.id, section=section, text=text,
                                 at=_at(today - timedelta(days=30), core),
                                 person_id=author.id if author else None))
    _seed_strategy(session, core, acct, spec, today, created)


def _seed_strategy(session: Session, core: Core, acct: Account, spec: dict, today: date,
                   created: datetime) -> None:
    """The account score (and its history, as if rated when the account was made) and the
    relationship map: decision roles, reports-to, our owners, last contacts."""
    assert acct.id is not None
    if "scores" in spec:
        acct.score_value, acct.score_potential, acct.score_fit, acct.score_cost = spec["scores"]
        session.add(acct)
        score = score_of(ratings_of(acct), DEFAULT_WEIGHTS)
        if score is not None:
            strategy_repo.add_score_record(session, account_id=acct.id, total=score.total,
                                           suggested=score.suggested, tier=acct.tier,
                                           at=created)
    session.flush()
    rows = {s.name: s for s in strategy_repo.stakeholders_of(session, account_id=acct.id)}
    for row in rows.values():
        row.decision_role = DECISION_WORDS.get((row.role or "").lower().replace(" ", "_"))
        session.add(row)
    for name, links in spec.get("map", {}).items():
        row = rows[name]
        if "owner" in links:
            owner = repos.person_by_user(session, platform=Platform.CONSOLE.value,
                                         user_id=links["owner"])
            row.owner_id = owner.id if owner else None
        if "reports_to" in links:
            row.reports_to_id = rows[links["reports_to"]].id
        if "met" in links:
            row.last_contact_on = today - timedelta(days=links["met"])
        session.add(row)


@dataclass(frozen=True)
class _Opp:
    name: str
    value: float
    stages: tuple[tuple[str, int], ...]  # (stage, days ago it was entered), in order
    close: int | None  # days from today
    kind: str = "new"
    probability: float | None = None
    payments: tuple[tuple[float, int, int | None], ...] = ()  # (amount, due in, received in)


_OPPORTUNITIES: dict[str, list[_Opp]] = {
    "Acme Corp": [
        _Opp("Line 3 upgrade", 1_800_000, (("lead", 75), ("opportunity", 20)), 60,
             probability=0.5),
        _Opp("Predictive maintenance for all five plants", 3_500_000, (("lead", 50),), 180,
             kind="upsell"),
        _Opp("Sensor network phase 1", 2_400_000,
             (("lead", 200), ("opportunity", 160), ("contract", 120), ("delivery", 90)), -90,
             payments=((720_000, -60, -58), (960_000, 40, None), (720_000, 100, None))),
    ],
    "Globex": [
        _Opp("Grid analytics platform", 1_600_000,
             (("opportunity", 240), ("contract", 150), ("delivery", 100)), -150,
             payments=((480_000, -70, -65), (640_000, -12, None), (480_000, 60, None))),
        _Opp("API gateway for the trading desk", 450_000, (("lead", 60), ("opportunity", 45)),
             90, kind="cross-sell"),
        _Opp("Houston site expansion", 900_000, (("lead", 12),), 200),
        _Opp("2027 support renewal", 1_350_000, (("opportunity", 10),), 80, kind="renewal"),
    ],
    "华星零售": [
        _Opp("新门店系统一期", 2_600_000, (("opportunity", 90), ("contract", 40)), 30,
             payments=((780_000, 25, None), (1_820_000, 120, None))),
        _Opp("会员营销平台", 1_200_000, (("lead", 20),), 150, kind="upsell"),
    ],
}


def _seed_commercial(session: Session, core: Core, spec: dict, today: date) -> None:
    """Opportunities with their stage history and payments; Globex's renewal playbook,
    started ten days ago with its first step done (the key the daily job would use, so
    it is not started again)."""
    from commands.playbooks.engine import start, trigger_key
    from commands.playbooks.loader import load_library
    from commands.playbooks.model import TriggerKind
    from storage import opportunity_repo

    account = repos.account_by_name(session, name=spec["name"])
    assert account is not None and account.id is not None
    for item in _OPPORTUNITIES.get(spec["name"], []):
        first, first_days = item.stages[0]
        opp = opportunity_repo.add_opportunity(
            session, account_id=account.id, name=item.name, kind=item.kind, stage=first,
            value=item.value, probability=item.probability,
            close_date=today + timedelta(days=item.close) if item.close is not None else None,
            at=_at(today - timedelta(days=first_days), core))
        for stage, days in item.stages[1:]:
            opportunity_repo.record_stage(session, opp=opp, to_stage=stage,
                                          at=_at(today - timedelta(days=days), core),
                                          person_id=None)
        assert opp.id is not None
        for amount, due, received in item.payments:
            row = opportunity_repo.add_payment(
                session, account_id=account.id, opportunity_id=opp.id, amount=amount,
                due_date=today + timedelta(days=due),
                at=_at(today - timedelta(days=first_days), core))
            if received is not None:
                row.received_on = today + timedelta(days=received)
                session.add(row)
    if spec["name"] == "Globex" and account.renewal_date is not None:
        windows = core.settings.KAMBOT_RENEWAL_WINDOWS
        playbook = load_library(folder=None, windows=windows).playbooks["renewal"]
        began = today - timedelta(days=10)
        started = start(session, account=account, playbook=playbook,
                        key=trigger_key(TriggerKind.RENEWAL, account.renewal_date.isoformat(),
                                        playbook.trigger.window),
                        today=began, now=_at(began, core, 8), lang="en",
                        deadline=account.renewal_date)
        assert started is not None
        first_step = started.tasks[0]
        first_step.status = TaskStatus.DONE.value
        first_step.closed_at = _at(today - timedelta(days=4), core, 16)
        session.add(first_step)
