import pytest

from commands.ask.intents import Kind, Period, detect


@pytest.mark.parametrize(
    ("question", "kind", "role", "overdue", "person"),
    [
        ("what's open on Acme?", Kind.OPEN_TASKS, None, False, None),
        ("Acme 还有哪些未完成的事项?", Kind.OPEN_TASKS, None, False, None),
        ("any overdue actions?", Kind.OPEN_TASKS, None, True, None),
        ("有哪些逾期的任务", Kind.OPEN_TASKS, None, True, None),
        ("overdue SR tasks", Kind.OPEN_TASKS, "SR", True, None),
        ("what does the account manager have open?", Kind.OPEN_TASKS, "AR", False, None),
        ("交付经理还有哪些待办", Kind.OPEN_TASKS, "FR", False, None),
        ("what do I have open?", Kind.OPEN_TASKS, None, False, "mine"),
        ("我的待办", Kind.OPEN_TASKS, None, False, "mine"),
        ("what does @bob have open?", Kind.OPEN_TASKS, None, False, "@bob"),
        ("who is our SR on Globex?", Kind.ROLE_HOLDER, "SR", False, None),
        ("谁是客户经理", Kind.ROLE_HOLDER, "AR", False, None),
        ("Acme 的铁三角是谁", Kind.ROLE_HOLDER, None, False, None),
        ("who is the executive sponsor?", Kind.ROLE_HOLDER, "SPONSOR", False, None),
        ("how is Acme doing?", Kind.HEALTH, None, False, None),
        ("Acme 健康度怎么样", Kind.HEALTH, None, False, None),
        ("last meeting?", Kind.LAST_MEETING, None, False, None),
        ("上次会议说了什么", Kind.LAST_MEETING, None, False, None),
        ("最近一次会议", Kind.LAST_MEETING, None, False, None),
        ("when is the renewal?", Kind.RENEWAL, None, False, None),
        ("什么时候续约", Kind.RENEWAL, None, False, None),
        ("who are the stakeholders?", Kind.STAKEHOLDERS, None, False, None),
        ("who is their CIO?", Kind.STAKEHOLDERS, None, False, None),
        ("决策链上有谁", Kind.STAKEHOLDERS, None, False, None),
        ("give me a summary of Acme", Kind.SUMMARY, None, False, None),
        ("Acme 概况", Kind.SUMMARY, None, False, None),
        ("what is the weather in Paris?", Kind.UNKNOWN, None, False, None),
    ],
)
def test_detect(question, kind, role, overdue, person):
    intent = detect(question)
    assert (intent.kind, intent.role, intent.overdue, intent.person) == (kind, role, overdue, person)


def test_agreement_with_period():
    intent = detect("what did we agree with their CIO last month?")
    assert intent.kind is Kind.AGREEMENT and intent.period is Period.LAST_MONTH
    zh = detect("我们上个月和他们的CIO达成了什么共识")
    assert zh.kind is Kind.AGREEMENT and zh.period is Period.LAST_MONTH


@pytest.mark.parametrize(
    ("question", "kind", "aspect"),
    [
        ("what is the NPS?", Kind.SIGNALS, "nps"),
        ("净推荐值是多少", Kind.SIGNALS, "nps"),
        ("when was the last executive meeting?", Kind.SIGNALS, "exec_meeting"),
        ("why is it yellow?", Kind.HEALTH, "why"),
        ("为什么是黄灯？", Kind.HEALTH, "why"),
        ("what would turn it green?", Kind.HEALTH, "fix"),
        ("健康度趋势", Kind.HEALTH, "trend"),
        ("what is the margin?", Kind.MONEY, "margin"),
        ("毛利多少？", Kind.MONEY, "gross_profit"),
        ("营收多少", Kind.MONEY, "revenue"),
        ("what tier is this account", Kind.TIER, None),
        ("客户评分", Kind.SCORE, None),
        ("what are the customer's goals?", Kind.PLAN, "goals"),
        ("竞争对手情况", Kind.PLAN, "competition"),
        ("who is the decision maker?", Kind.STAKEHOLDERS, "decision_maker"),
        ("谁是决策人？", Kind.STAKEHOLDERS, "decision_maker"),
        ("what did we finish recently?", Kind.DONE_TASKS, None),
        ("取消了哪些事项", Kind.CANCELLED_TASKS, None),
        ("what does the customer owe us?", Kind.CUSTOMER_TASKS, None),
        ("客户方的待办", Kind.CUSTOMER_TASKS, None),
        ("what did we decide?", Kind.AGREEMENT, None),
        ("下周要到期的有哪些？", Kind.OPEN_TASKS, None),
        ("whats ovredue", Kind.OPEN_TASKS, None),
    ],
)
def test_detect_the_whole_record(question, kind, aspect):
    from datetime import date

    intent = detect(question, today=date(2026, 11, 24))
    assert (intent.kind, intent.aspect) == (kind, aspect)


def test_due_window_and_role_word():
    from datetime import date

    intent = detect("交付下周要到期的有哪些", today=date(2026, 11, 24))
    assert intent.kind is Kind.OPEN_TASKS and intent.role == "FR"
    assert (intent.window.kind, intent.window.start) == ("next_week", date(2026, 11, 30))
