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
