"""A quarter of six key accounts, replayed day by day on a fixed clock.

Six accounts, one per tier and language (core, important, potential; English and
Chinese), on Slack and Telegram, in the United States and in China. Their teams do what
teams do (notes, tasks, signals, a typo in a due date, a late task of the AR's own, an
acknowledged alert, a snooze) through the real dispatcher, and the scheduler's job
functions run as in production: the health check at 08:00, the digest job every hour of
the morning, the monthly reports on the 1st at 09:00 and their retry. Every post lands in
an in-memory sender per platform and in the delivery ledger.

The commercial job (playbooks that start on their own, payment reminders) is not run:
its playbooks would hand the scripted teams work the script knows nothing of, and what is
listed here is what health, alerts and reminders post.

The same scenario runs on older code (it only uses commands and jobs that have always
existed; a command the older code does not know is answered with an error and changes
nothing), which is how bench/bench_alert_replay.py compares alerts per account per month
before and after.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.app import Core
from bot.clock import FixedClock
from bot.messages import Outgoing
from bot.outbox import Sent
from bot.posting import Poster
from storage.models import Account, Delivery, Person, Task
from tests.support import Conversation

SETUP = date(2026, 9, 28)  # a Monday: the accounts are set up
START = date(2026, 10, 1)  # the quarter replayed
END = date(2027, 1, 1)  # inclusive: December's report goes out on New Year's Day
DIGEST_HOURS = (6, 7, 8, 9, 10)  # the hourly digest job, as often as it matters

# account key -> (name, platform, workspace, channel)
ACCOUNTS = {
    "acme": ("Acme Corp", "slack", "T1", "C-ACME"),
    "huaxing": ("华星零售", "telegram", "telegram", "-1001"),
    "globex": ("Globex", "telegram", "telegram", "-1002"),
    "dongfang": ("东方物流", "slack", "T1", "C-DFWL"),
    "initech": ("Initech", "slack", "T1", "C-INIT"),
    "xingchen": ("星辰科技", "telegram", "telegram", "-1003"),
}
MANAGEMENT = "slack:C-MGMT"


@dataclass(frozen=True)
class Step:
    """Someone says ``text`` in an account's channel at ``hour`` of ``day``.

    ``close``: say ``done <n>`` for the open task with this title (and due date), if there
    is one. ``press``: press the button of the channel's latest post whose command starts
    with this text, if there is one.
    """

    day: date
    who: str
    where: str
    text: str = ""
    hour: int = 10
    close: tuple[str, date | None] | None = None
    press: str | None = None


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


SCENARIO: list[Step] = [
    # --- set-up, Monday 28 September -----------------------------------------------------
    Step(SETUP, "ann", "acme", 'account new "Acme Corp" tier=core'),
    Step(SETUP, "ann", "acme", "triangle AR=@ann SR=@bob FR=@cat sponsor=@dan"),
    Step(SETUP, "ann", "acme", "account set renewal=2027-01-15"),
    Step(SETUP, "ann", "acme", "signal nps=45 csat=4.5 usage=0.7 cis=7 response_hours=6 "
                               "exec_meeting=2026-09-15"),
    Step(SETUP, "ann", "acme", "note meeting Kick-off of the Q4 plan with their CIO"),
    Step(SETUP, "bob", "acme", 'task "Send the Q4 solution roadmap" owner=SR due=2026-10-09'),
    Step(SETUP, "cat", "acme", 'task "Install the pilot racks" owner=FR due=2026-10-09'),
    Step(SETUP, "cat", "acme", 'task "Train the operators" owner=FR due=2026-10-09'),
    Step(SETUP, "ann", "acme", 'task "Joint business review deck" owner=AR due=2026-11-13 shared'),

    Step(SETUP, "zhangwei", "huaxing", 'account new "华星零售" tier=core'),
    # Country apart: older code that does not know it still takes the rest.
    Step(SETUP, "zhangwei", "huaxing", "account set lang=zh renewal=2026-12-20"),
    Step(SETUP, "zhangwei", "huaxing", "account set country=CN"),
    Step(SETUP, "zhangwei", "huaxing",
         "triangle AR=@zhangwei SR=@lina FR=@wangqiang sponsor=@zhaozong"),
    Step(SETUP, "zhangwei", "huaxing", "信号 nps=50 csat=4.6 usage=0.8 cis=8 response_hours=4 "
                                       "exec_meeting=2026-09-10"),
    Step(SETUP, "zhangwei", "huaxing", "笔记 会议 季度经营回顾，客户CIO出席"),
    Step(SETUP, "lina", "huaxing", '任务 "提交门店扩容方案" 负责人=SR 截止=2026-10-09'),
    Step(SETUP, "wangqiang", "huaxing", '任务 "完成一期验收" 负责人=FR 截止=2026-10-10'),
    Step(SETUP, "zhangwei", "huaxing", '任务 "确认回款计划" 负责人=AR 截止=2026-10-15'),
    Step(SETUP, "lina", "huaxing", "提醒 关闭"),
    Step(SETUP, "zhangwei", "huaxing", "提醒 7点"),

    Step(SETUP, "gina", "globex", 'account new "Globex"'),
    Step(SETUP, "gina", "globex", "triangle AR=@gina SR=@hank FR=@ivy"),
    Step(SETUP, "gina", "globex", "signal nps=35 csat=4.2 usage=0.6"),
    Step(SETUP, "gina", "globex", "note meeting Monthly service review"),
    Step(SETUP, "hank", "globex", 'task "Send the rollout plan" owner=SR due=2026-10-20 shared'),
    Step(SETUP, "ivy", "globex", 'task "Replace the faulty scanners" owner=FR due=2026-10-30'),

    Step(SETUP, "chenjing", "dongfang", 'account new "东方物流"'),
    Step(SETUP, "chenjing", "dongfang", "account set lang=zh"),
    Step(SETUP, "chenjing", "dongfang", "account set country=CN"),
    Step(SETUP, "chenjing", "dongfang", "triangle AR=@chenjing SR=@bob FR=@liuyang"),
    Step(SETUP, "chenjing", "dongfang", "信号 nps=40 csat=4.4"),
    Step(SETUP, "chenjing", "dongfang", "笔记 会议 月度例会"),
    Step(SETUP, "liuyang", "dongfang", '任务 "十月配送报告" 负责人=FR 截止=2026-10-09'),
    Step(SETUP, "bob", "dongfang", 'task "Update the routing design" owner=SR due=2026-10-08'),

    Step(SETUP, "ivan", "initech", 'account new "Initech" tier=potential'),
    Step(SETUP, "ivan", "initech", "triangle AR=@ivan SR=@ann"),
    Step(SETUP, "ivan", "initech", "note meeting Intro call with their COO"),
    Step(SETUP, "ann", "initech", 'task "Send the pilot proposal" owner=SR due=2026-10-14'),

    # --- October -------------------------------------------------------------------------
    Step(d(10, 8), "zhangwei", "xingchen", 'account new "星辰科技" tier=potential'),
    Step(d(10, 8), "zhangwei", "xingchen", "account set lang=zh"),
    Step(d(10, 8), "zhangwei", "xingchen", "account set country=CN"),
    Step(d(10, 8), "zhangwei", "xingchen", "triangle AR=@zhangwei"),
    Step(d(10, 8), "zhangwei", "xingchen", '任务 "首次拜访客户" 截止=2026-10-20'),
    Step(d(10, 8), "bob", "dongfang", close=("Update the routing design", None)),
    Step(d(10, 9), "lina", "huaxing", close=("提交门店扩容方案", None)),
    Step(d(10, 9), "liuyang", "dongfang", close=("十月配送报告", None)),
    Step(d(10, 12), "wangqiang", "huaxing", close=("完成一期验收", None)),
    # A typo: the year before. Asked about now (and typed again right); stored before.
    Step(d(10, 12), "bob", "acme", 'task "Send the SOW" owner=SR due=2025-10-16'),
    Step(d(10, 12), "bob", "acme", 'task "Send the SOW" owner=SR due=2026-10-16', hour=11),
    Step(d(10, 13), "bob", "acme", close=("Send the SOW", d(10, 16, 2025))),
    Step(d(10, 14), "ann", "initech", close=("Send the pilot proposal", None)),
    Step(d(10, 15), "ivan", "initech", "signal nps=-30"),
    Step(d(10, 16), "bob", "acme", close=("Send the SOW", d(10, 16))),
    # The three internal tasks, ten days late (after their first escalation at 08:00).
    Step(d(10, 19), "cat", "acme", close=("Install the pilot racks", None)),
    Step(d(10, 19), "cat", "acme", close=("Train the operators", None)),
    Step(d(10, 19), "bob", "acme", close=("Send the Q4 solution roadmap", None)),
    Step(d(10, 20), "zhangwei", "xingchen", close=("首次拜访客户", None)),
    Step(d(10, 20), "chenjing", "dongfang", "笔记 客户来电询问十月发票"),  # a note, not a meeting
    # A Monday: "friday" means the Friday just gone, not one a year back.
    Step(d(10, 26), "dan", "acme", "signal exec_meeting=friday"),
    Step(d(10, 26), "chenjing", "dongfang", "笔记 会议 十月例会"),
    Step(d(10, 26), "liuyang", "dongfang", '任务 "十一月配送报告" 负责人=FR 截止=2026-11-09'),
    Step(d(10, 29), "ivan", "initech", "signal nps=10"),

    # --- November ------------------------------------------------------------------------
    Step(d(11, 2), "ann", "acme", "note meeting Steering committee with the CIO"),
    Step(d(11, 2), "ivy", "globex", close=("Replace the faulty scanners", None)),
    Step(d(11, 3), "lina", "huaxing", "信号 csat=2.8"),
    Step(d(11, 3), "gina", "globex", "alert snooze 7d", hour=11),
    Step(d(11, 4), "zhangwei", "huaxing", press="alert ack"),
    Step(d(11, 6), "hank", "globex", close=("Send the rollout plan", None)),
    Step(d(11, 9), "liuyang", "dongfang", close=("十一月配送报告", None)),
    Step(d(11, 10), "ann", "acme", "signal nps=-10 csat=3.8"),
    Step(d(11, 12), "ann", "acme", press="alert ack"),
    Step(d(11, 12), "wangqiang", "huaxing", "信号 usage=0.3"),
    Step(d(11, 13), "zhangwei", "huaxing", close=("确认回款计划", None)),
    Step(d(11, 16), "gina", "globex", "note meeting Quarterly business review"),
    Step(d(11, 23), "chenjing", "dongfang", "笔记 会议 十一月例会"),
    Step(d(11, 23), "liuyang", "dongfang", '任务 "十二月配送报告" 负责人=FR 截止=2026-12-09'),
    Step(d(11, 24), "ann", "acme", "signal nps=50 csat=4.6"),
    Step(d(11, 25), "lina", "huaxing", "信号 csat=4.6 usage=0.7"),

    # --- December ------------------------------------------------------------------------
    Step(d(12, 3), "zhangwei", "huaxing", close=("准备续约（合同于 2026-12-20 到期）", None)),
    Step(d(12, 4), "zhangwei", "huaxing", press="alert ack"),
    Step(d(12, 4), "ivan", "initech", 'task "Call their new CFO" due=2026-12-04'),
    Step(d(12, 8), "ann", "acme", close=("Joint business review deck", None)),
    Step(d(12, 9), "liuyang", "dongfang", close=("十二月配送报告", None)),
    Step(d(12, 9), "ivan", "initech", close=("Call their new CFO", None)),
    Step(d(12, 10), "ivy", "globex", 'task "Upgrade the scanner firmware" owner=FR due=2026-12-24'),
    Step(d(12, 14), "gina", "globex", "note meeting Service review"),
    Step(d(12, 18), "ann", "acme", close=("Prepare the renewal (contract ends 2027-01-15)", None)),
    Step(d(12, 21), "chenjing", "dongfang", "笔记 会议 十二月例会"),
    Step(d(12, 22), "dan", "acme", close=("Yearly executive visit to Acme Corp", None)),
    Step(d(12, 23), "ivy", "globex", close=("Upgrade the scanner firmware", None)),
    Step(d(12, 31), "zhangwei", "xingchen", "健康"),
    Step(d(12, 31), "ann", "acme", "health"),
]


@dataclass(frozen=True)
class Posted:
    """One message the bot sent by itself."""

    at: datetime
    kind: str
    account: str  # account name; "" for a person's digest
    target: str  # channel or person (a direct message)
    key: str
    text: str


@dataclass
class Replay:
    posts: list[Posted] = field(default_factory=list)
    replies: list[tuple[date, str, str]] = field(default_factory=list)  # (day, text, reply)

    def of(self, *kinds: str) -> list[Posted]:
        return [p for p in self.posts if p.kind in kinds]

    def per_account_month(self, *kinds: str) -> dict[tuple[str, str], int]:
        counts: Counter[tuple[str, str]] = Counter()
        for p in self.of(*kinds):
            counts[(p.account or p.target, p.at.strftime("%Y-%m"))] += 1
        return dict(counts)


class _Recorder:
    """An in-memory sender for one platform that remembers when each post was sent."""

    def __init__(self, platform: str, clock: FixedClock) -> None:
        self.platform = platform
        self.clock = clock
        self.sent: list[tuple[datetime, Outgoing]] = []

    def send(self, out: Outgoing) -> Sent:
        self.sent.append((self.clock.now(), out))
        return Sent(channel=out.channel, ref=str(len(self.sent)))


def _days() -> Iterator[date]:
    day = SETUP
    while day <= END:
        yield day
        day += timedelta(days=1)


def run_quarter(core: Core, clock: FixedClock) -> Replay:
    """Play the scenario and the jobs; return what the bot posted (from the ledger)."""
    from bot.scheduler import JOB_SOURCES

    replay = Replay()
    poster = Poster(min_interval=0, sleep=lambda s: None)
    core.services["poster"] = poster
    recorders = {p: _Recorder(p, clock) for p in ("slack", "telegram")}
    for recorder in recorders.values():
        core.senders.add(recorder)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = MANAGEMENT
    jobs = {spec.id: spec.func for source in JOB_SOURCES for spec in source(core, poster)}
    chats = {key: Conversation(core, channel=channel, user="", platform=platform,
                               workspace=workspace)
             for key, (_, platform, workspace, channel) in ACCOUNTS.items()}
    steps: dict[tuple[date, int], list[Step]] = defaultdict(list)
    for step in SCENARIO:
        steps[(step.day, step.hour)].append(step)
    for day in _days():
        for hour in range(24):
            clock.set(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC))
            if day >= START:
                if hour == 8:
                    jobs["daily-health"]()
                if hour in DIGEST_HOURS:
                    jobs["daily-reminders"]()
                if day.day == 1 and hour == 9:
                    jobs["monthly-report"]()
                if day.day == 1 and hour == 10:
                    jobs["monthly-report-retry"]()
            for i, step in enumerate(steps.get((day, hour), [])):
                clock.set(datetime(day.year, day.month, day.day, hour, 5 + i, tzinfo=UTC))
                _play(core, chats[step.where], step, recorders, replay)
    replay.posts = _ledger(core, recorders)
    return replay


def _play(core: Core, chat: Conversation, step: Step, recorders: dict[str, _Recorder],
          replay: Replay) -> None:
    text = step.text
    if step.close is not None:
        number = _open_task(core, step.where, *step.close)
        if number is None:
            return
        text = f"done {number}"
    if step.press is not None:
        text = _button(recorders[chat.platform], chat.channel, step.press) or ""
        if not text:
            return
    reply = chat.send(chat.incoming(text, user=step.who))
    replay.replies.append((step.day, text, reply.plain_text() if reply else ""))


def _open_task(core: Core, where: str, title: str, due: date | None) -> int | None:
    name = ACCOUNTS[where][0]
    with core.sessions.begin() as s:
        account = s.exec(select(Account).where(Account.name == name)).first()
        if account is None:
            return None
        rows = s.exec(select(Task).where(Task.account_id == account.id, Task.title == title,
                                         Task.status == "open").order_by(Task.number)).all()
        for task in rows:
            if due is None or task.due_date == due:
                return task.number
    return None


def _button(recorder: _Recorder, channel: str, prefix: str) -> str | None:
    for _, out in reversed(recorder.sent):
        if out.channel != channel:
            continue
        for button in out.reply.buttons:
            if button.command.startswith(prefix):
                return button.command
    return None


def _ledger(core: Core, recorders: dict[str, _Recorder]) -> list[Posted]:
    # Posts to one channel at one moment come in the order the ledger recorded them.
    texts: dict[tuple[str, str, datetime], list[str]] = defaultdict(list)
    for r in recorders.values():
        for at, out in r.sent:
            texts[(out.platform, out.channel, at)].append(out.reply.plain_text())
    with core.sessions.begin() as s:
        names = {a.id: a.name for a in s.exec(select(Account)).all()}
        people = {p.user_id for p in s.exec(select(Person)).all()}
        tasks = {t.id: (t.account_id, t.number) for t in s.exec(select(Task)).all()}
        rows = s.exec(select(Delivery).where(Delivery.status == "posted")
                      .order_by(Delivery.posted_at, Delivery.id)).all()
        out: list[Posted] = []
        for row in rows:
            assert row.posted_at is not None
            key = row.key
            task_id, _, rest = key.partition(":")
            if row.kind == "escalation" and task_id.isdigit() and int(task_id) in tasks:
                # An older ledger key names the task by id: name it by its number.
                key = f"#{tasks[int(task_id)][1]}:{rest}"
            target = row.channel if row.channel not in people else f"@{row.channel}"
            waiting = texts.get((row.platform, row.channel, row.posted_at), [])
            out.append(Posted(row.posted_at, row.kind, names.get(row.account_id, ""),
                              target, key, waiting.pop(0) if waiting else ""))
        return out
