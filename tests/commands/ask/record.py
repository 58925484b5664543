"""A fuller account record for the question set (tests/commands/ask/questions/*.toml).

"today" is Tuesday 2026-11-24 (the clock fixture): this week is 11-23..11-29, next week
11-30..12-06, the month ends 11-30. Five accounts:

- Northwind Traders (core, channel "northwind"): alice AR, bob SR, carol FR, dana sponsor;
  13 tasks (2 overdue, due today / tomorrow / this week / next week / next month, 2 done,
  1 cancelled, 2 customer actions), 4 notes, 2 decisions, every signal, a plan, 3
  stakeholders, a score; yellow (NPS 32, CSAT 4.1, 2 overdue), green a month ago.
- Globex Energy (important, channel "globex"): erin AR, frank SR, no FR, no sponsor; red.
- 华星零售 (important, Chinese, channel "huaxing"): 张伟 AR, 李娜 SR, 王强 FR, 赵敏 sponsor;
  green 90 under the scorecard with one yellow measure (task #3 three days late; a single
  late task does not turn an important account yellow); score suggests core.
- Initech (potential, channel "initech"): mallory AR; holds the CANARY.
- Acme Labs (potential, no channel): bob AR only.

Who may read what outside a channel: alice Northwind; bob Northwind and Acme Labs;
erin Globex; zhangwei and lina 华星零售; mallory Initech; "zed" is an admin; "mgmt" is the
management channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from storage import repos
from storage.models import Decision, HealthSnapshot, PlanSection, Signal, Stakeholder

CANARY = "CANARY-42x 机密报价"


@dataclass
class Record:
    ids: dict[str, int]


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=UTC)


PEOPLE = {
    "alice": "Alice Chen", "bob": "Bob Martin", "carol": "Carol Diaz", "dana": "Dana Scully",
    "erin": "Erin Brooks", "frank": "Frank Li", "zhangwei": "张伟", "lina": "李娜",
    "wangqiang": "王强", "zhaomin": "赵敏", "mallory": "Mallory Knox", "zed": "Zed Admin",
}


def build(session: Session) -> Record:
    pid = {u: repos.upsert_person(session, platform="console", user_id=u, display_name=name,
                                  username=u).id for u, name in PEOPLE.items()}
    ids: dict[str, int] = {}

    def account(key, name, tier, *, channel=None, industry=None, revenue=None, margin=None,
                renewal=None, lang=None, score=None):
        acct = repos.create_account(session, name=name, tier=tier, at=at(2026, 1, 5))
        acct.industry, acct.revenue, acct.margin, acct.renewal_date, acct.language = (
            industry, revenue, margin, renewal, lang)
        if score:
            acct.score_value, acct.score_potential, acct.score_fit, acct.score_cost = score
        session.add(acct)
        if channel:
            repos.bind_channel(session, platform="console", workspace="local", channel=channel,
                               account_id=acct.id, channel_name=channel, at=acct.created_at)
        ids[key] = acct.id
        return acct

    nw = account("northwind", "Northwind Traders", "core", channel="northwind", industry="Manufacturing",
                 revenue=5_000_000, margin=0.30, renewal=date(2027, 1, 15), score=(5, 4, 4, 2))
    gx = account("globex", "Globex Energy", "important", channel="globex", industry="Energy",
                 revenue=1_200_000, margin=0.20, renewal=date(2027, 2, 20), score=(3, 3, 2, 3))
    hx = account("huaxing", "华星零售", "important", channel="huaxing", industry="零售",
                 revenue=2_600_000, margin=0.27, renewal=date(2027, 2, 7), lang="zh", score=(4, 5, 4, 3))
    it = account("initech", "Initech", "potential", channel="initech", industry="Software",
                 revenue=280_000, margin=0.40)
    al = account("acmelabs", "Acme Labs", "potential", industry="Biotech")

    for acct, role, who in [(nw, "AR", "alice"), (nw, "SR", "bob"), (nw, "FR", "carol"), (nw, "SPONSOR", "dana"),
                            (gx, "AR", "erin"), (gx, "SR", "frank"),
                            (hx, "AR", "zhangwei"), (hx, "SR", "lina"), (hx, "FR", "wangqiang"),
                            (hx, "SPONSOR", "zhaomin"), (it, "AR", "mallory"), (al, "AR", "bob")]:
        repos.assign_role(session, account_id=acct.id, role=role, person_id=pid[who], at=at(2026, 2, 1))

    def note(acct, text, when, author):
        return repos.add_note(session, account_id=acct.id, text=text, author_id=pid[author], at=when)

    def task(acct, title, role, who, due, *, src=None, status="open", closed=None, reason=None,
             owner_text=None, stakeholder=None):
        t = repos.add_task(session, account_id=acct.id, title=title, role=role,
                           assignee_id=pid[who] if who else None, due_date=due, shared=False,
                           at=at(2026, 10, 1), source_note_id=src.id if src else None)
        t.status, t.closed_at, t.cancel_reason = status, closed, reason
        t.owner_text, t.stakeholder_id = owner_text, stakeholder
        session.add(t)
        return t

    def stakeholder(acct, name, title, role, power, interest, stance):
        row = Stakeholder(account_id=acct.id, name=name, name_key=repos.name_key(name), title=title,
                          role=role, power=power, interest=interest, stance=stance, created_at=at(2026, 3, 1))
        session.add(row)
        session.flush()
        return row

    def signals(acct, **values):
        for metric, (value, when) in values.items():
            if metric == "exec_meeting":
                session.add(Signal(account_id=acct.id, metric=metric, value_date=value, at=when))
            else:
                session.add(Signal(account_id=acct.id, metric=metric, value=value, at=when))

    def plan(acct, **sections):
        for name, text in sections.items():
            session.add(PlanSection(account_id=acct.id, section=name, text=text, updated_at=at(2026, 6, 1)))

    # --- Northwind Traders ------------------------------------------------------------------
    li = stakeholder(nw, "Li Wei", "CIO", "decision maker", 5, 4, "champion")
    stakeholder(nw, "Maria Lopez", "Head of Procurement", "gatekeeper", 4, 2, "skeptic")
    stakeholder(nw, "Tom Baker", "Plant Director", "influencer", 3, 5, "supporter")
    n1 = note(nw, "QBR with Northwind. Li Wei (CIO) wants the line 3 upgrade live before the spring peak.\n"
                  "Procurement (Maria Lopez) pushes on price; she asked for a 5% discount.\n"
                  "ACTION: SR to send the revised quote for line 3", at(2026, 9, 15), "alice")
    n2 = note(nw, "Kick-off with the new CIO Li Wei. Decision: the pilot runs in the Shenzhen plant first.\n"
                  "We agreed to hold monthly steering meetings.\n"
                  "Li Wei expects the dashboard to be in Chinese.", at(2026, 10, 20), "alice")
    n3 = note(nw, "Site visit in Shenzhen. Sensors arrived; installation team booked.\n"
                  "Operator training delivered.\n"
                  "Maria Lopez raised concerns about the payment terms.", at(2026, 11, 12), "carol")
    n4 = note(nw, "Call with Li Wei about the analytics pilot. He confirmed the budget of 800k for 2027.\n"
                  "Decision: we will send a fixed-price offer.\n"
                  "The dashboard login incident must be fixed before the demo.", at(2026, 11, 19), "bob")
    session.add(Decision(account_id=nw.id, note_id=n2.id, text="The pilot runs in the Shenzhen plant first",
                         line_no=1, created_at=at(2026, 10, 20)))
    session.add(Decision(account_id=nw.id, note_id=n4.id, text="We will send a fixed-price offer",
                         line_no=2, created_at=at(2026, 11, 19)))
    task(nw, "Send the revised quote for line 3", "SR", "bob", date(2026, 11, 20), src=n1)        # 1 overdue 4
    task(nw, "Confirm the payment schedule with finance", "AR", "alice", date(2026, 11, 26))    # 2 this week
    task(nw, "Schedule sensor installation at the Shenzhen plant", "FR", "carol", date(2026, 12, 2), src=n3)  # 3
    task(nw, "Prepare the renewal proposal", "AR", "alice", date(2026, 12, 18))                 # 4 next month
    task(nw, "Run the adoption workshop", "SR", "bob", date(2026, 11, 24))                      # 5 today
    task(nw, "Fix the dashboard login incident", "FR", "carol", date(2026, 11, 25), src=n4)     # 6 tomorrow
    task(nw, "Book the executive visit", "SPONSOR", "dana", date(2026, 11, 30))                 # 7 month end
    task(nw, "Deliver operator training", "FR", "carol", date(2026, 11, 18), status="done",
         closed=at(2026, 11, 19))                                                                # 8 done
    task(nw, "Kick-off meeting with the new CIO", "AR", "alice", date(2026, 10, 20), status="done",
         closed=at(2026, 10, 20))                                                                # 9 done
    task(nw, "Translate the user manual", "SR", "bob", date(2026, 12, 1), status="cancelled",
         closed=at(2026, 11, 10), reason="the customer translates it themselves")               # 10 cancelled
    task(nw, "Provide the site access badges", "CUSTOMER", None, date(2026, 11, 27),
         owner_text="Li Wei", stakeholder=li.id)                                                 # 11 customer
    task(nw, "Sign the pilot purchase order", "CUSTOMER", None, date(2026, 12, 10),
         owner_text="Maria Lopez")                                                               # 12 customer
    task(nw, "Collect the Q3 invoice", "AR", "alice", date(2026, 11, 10))                       # 13 overdue 14
    signals(nw, nps=(32, at(2026, 11, 2)), csat=(4.1, at(2026, 11, 2)), usage=(0.72, at(2026, 11, 10)),
            response_hours=(6, at(2026, 11, 10)), cis=(7, at(2026, 10, 1)),
            exec_meeting=(date(2026, 9, 23), at(2026, 9, 23)))
    session.add(HealthSnapshot(account_id=nw.id, color="green", score=88, reasons=[], at=at(2026, 10, 20)))
    session.add(HealthSnapshot(account_id=nw.id, color="yellow", score=76, reasons=[], at=at(2026, 11, 10)))
    plan(nw, goals="Raise line throughput by 20% by Q3 2027 and cut downtime in half.",
         challenges="Ageing equipment at the Shenzhen plant; a tight capex budget.",
         opportunities="Predictive maintenance across all five plants.",
         competition="Siemens and a local integrator are bidding on line 4.",
         actions="Executive visit in Q1; joint roadmap workshop.")

    # --- Globex Energy ------------------------------------------------------------------------
    stakeholder(gx, "Hank Scorpio", "CEO", "decision maker", 5, 3, "neutral")
    g1 = note(gx, "Steering committee. Outage on the Houston site; Hank Scorpio (CEO) expects a root-cause report.",
              at(2026, 10, 5), "erin")
    task(gx, "Send the incident root-cause report", "FR", None, date(2026, 11, 12), src=g1)     # 1 overdue 12
    task(gx, "Technical workshop on the new API", "SR", "frank", date(2026, 11, 30))            # 2
    signals(gx, nps=(-10, at(2026, 11, 1)), csat=(3.2, at(2026, 11, 1)), response_hours=(30, at(2026, 11, 1)))

    # --- 华星零售 ------------------------------------------------------------------------------------
    chen = stakeholder(hx, "陈总", "CIO", "决策者", 5, 5, "champion")
    stakeholder(hx, "刘经理", "采购经理", "把关人", 3, 2, "skeptic")
    h1 = note(hx, "与客户季度经营回顾。客户确认下月回款计划，财务会在12月初付款。\n陈总希望新门店系统在春节前上线。\n"
                  "待办：解决方案经理 下周五前提交新门店方案", at(2026, 11, 3), "zhangwei")
    h2 = note(hx, "与陈总沟通验收标准。决定：一期验收以十家门店为准。\n刘经理提出价格偏高，要求再降3%。\n"
                  "收银系统故障需要尽快修复。", at(2026, 11, 18), "wangqiang")
    session.add(Decision(account_id=hx.id, note_id=h2.id, text="一期验收以十家门店为准", line_no=1,
                         created_at=at(2026, 11, 18)))
    task(hx, "提交新门店系统方案", "SR", "lina", date(2026, 12, 4), src=h1)                       # 1 next week
    task(hx, "完成一期验收", "FR", "wangqiang", date(2026, 11, 27))                              # 2 this week
    task(hx, "跟进下月回款计划", "AR", "zhangwei", date(2026, 11, 21), src=h1)                   # 3 overdue 3
    task(hx, "安排高层拜访", "AR", "zhangwei", date(2026, 11, 20), status="done", closed=at(2026, 11, 20))  # 4
    task(hx, "准备续约方案", "AR", "zhangwei", date(2026, 12, 20))                               # 5 next month
    task(hx, "整理门店培训材料", "FR", "wangqiang", date(2026, 11, 26), status="cancelled",
         closed=at(2026, 11, 15), reason="客户自己培训")                                          # 6 cancelled
    task(hx, "提供门店网络拓扑", "CUSTOMER", None, date(2026, 11, 28), owner_text="陈总",
         stakeholder=chen.id)                                                                    # 7 customer
    task(hx, "修复收银系统故障", "FR", "wangqiang", date(2026, 11, 30), src=h2)                  # 8 month end
    signals(hx, nps=(45, at(2026, 11, 5)), csat=(4.5, at(2026, 11, 5)), usage=(0.8, at(2026, 11, 5)),
            exec_meeting=(date(2026, 11, 4), at(2026, 11, 4)))
    session.add(HealthSnapshot(account_id=hx.id, color="green", score=100, reasons=[], at=at(2026, 10, 15)))
    plan(hx, goals="明年新开 120 家门店，门店系统统一上云。", challenges="门店 IT 人员不足。",
         competition="友商报价低 10%。")

    # --- Initech, Acme Labs ----------------------------------------------------------------------
    note(it, f"Initech secret: {CANARY}. Pilot with their CIO agreed; decision: price cut.", at(2026, 10, 20), "mallory")
    task(it, f"Chase {CANARY}", "AR", "mallory", date(2026, 11, 1))
    note(al, "Intro call with Acme Labs; they evaluate two vendors.", at(2026, 11, 1), "bob")
    task(al, "Send the security questionnaire answers", "AR", "bob", date(2026, 12, 1))
    session.flush()
    return Record(ids)
