"""Every core verb, played through the real dispatcher on a console channel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.messages import Tone
from storage import repos
from storage.models import AuditLog, Note, RoleAssignment, Task
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def tasks_in_db(chat: Conversation) -> list[Task]:
    with chat.core.sessions.begin() as s:
        return list(s.exec(select(Task).order_by(Task.number)).all())


# --- accounts ---------------------------------------------------------------------------


def test_account_new_binds_the_channel(chat: Conversation) -> None:
    reply = chat.say('account new "Acme Corp" tier=core')
    assert reply.tone is Tone.SUCCESS
    assert "Acme Corp" in reply.title and "core strategic partner" in reply.title
    card = chat.text("account")
    assert "Acme Corp" in card and "core strategic partner" in card


def test_account_new_twice_in_one_channel_is_refused(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    reply = chat.say('account new "Globex"')
    assert reply.is_error and "already the channel of Acme Corp" in reply.title


def test_account_new_with_an_existing_name_suggests_link(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    reply = chat.say('account new "ACME  corp"', channel="other")
    assert reply.is_error
    assert 'account link "ACME  corp"' in reply.plain_text()


def test_account_link_needs_the_ar_the_sponsor_or_an_admin(acme: Conversation) -> None:
    # Someone who may not read the account is told nothing about it: not even that it exists.
    stranger = acme.say('account link "Acme Corp"', user="mallory", channel="leak")
    unknown = acme.say('account link "Nothing Such"', user="mallory", channel="leak2")
    assert stranger.is_error and stranger.title == unknown.title.replace("Nothing Such", "Acme Corp")
    # The SR reads it but may not link it; the AR may.
    sr = acme.say('account link "Acme Corp"', user="bob", channel="acme-delivery")
    assert sr.is_error and "Only the AR (alice)" in sr.title and "dana" in sr.title
    lead = acme.say('account link "Acme Corp"', user="alice", channel="acme-delivery")
    assert lead.tone is Tone.SUCCESS
    assert "Acme Corp" in acme.text("open", channel="acme-delivery")


def test_account_link_unknown_name_suggests_close_ones(acme: Conversation) -> None:
    reply = acme.say('account link "Acme Crop"', channel="x")
    assert reply.is_error and '"Acme Corp"' in reply.title


def test_account_set_fields(acme: Conversation) -> None:
    reply = acme.say("account set revenue=1.2M margin=32% renewal=2027-03-31 industry=Retail")
    text = reply.plain_text()
    assert "1,200,000" in text and "32%" in text and "2027-03-31" in text and "Retail" in text
    with acme.core.sessions.begin() as s:
        acct = repos.account_by_name(s, name="Acme Corp")
        assert acct is not None
        assert acct.revenue == 1_200_000 and acct.margin == pytest.approx(0.32)
        assert acct.renewal_date == date(2027, 3, 31) and acct.industry == "Retail"


def test_account_set_chinese_amount_and_sponsor(acme: Conversation) -> None:
    acme.say("account set 收入=120万 高层=@erin")
    card = acme.text("account")
    assert "1,200,000" in card and "erin" in card.lower()


def test_account_set_bad_values_change_nothing(acme: Conversation) -> None:
    reply = acme.say("account set revenue=1.2M renewal=someday")
    assert reply.is_error and "someday" in reply.title
    with acme.core.sessions.begin() as s:
        acct = repos.account_by_name(s, name="Acme Corp")
        assert acct is not None and acct.revenue is None  # the whole command rolled back
    assert acme.say("account set colour=blue").is_error
    assert acme.say("account set margin=abc").is_error
    assert acme.say("account set").is_error


def test_account_score_suggests_a_tier(acme: Conversation) -> None:
    reply = acme.say("account score value=5 potential=5 fit=4 cost=2")
    assert "Suggested tier: core strategic partner" in reply.plain_text()
    assert acme.say("account score value=9").is_error
    assert acme.say("account score").is_error


def test_names_with_quotes_and_emoji(chat: Conversation) -> None:
    reply = chat.say("account new \"Bob's 🚀 Rockets “Intl”\"")
    assert reply.tone is Tone.SUCCESS
    assert "Bob's 🚀 Rockets “Intl”" in reply.title


def test_unclosed_quote_is_explained(chat: Conversation) -> None:
    reply = chat.say('account new "Acme')
    assert reply.is_error and "not closed" in reply.title


def test_accounts_portfolio_is_for_admins(acme: Conversation, core) -> None:  # type: ignore[no-untyped-def]
    assert acme.say("accounts").is_error
    core.settings.KAMBOT_ADMINS = ["console:alice"]
    reply = acme.say("accounts")
    assert not reply.is_error and "Acme Corp" in reply.plain_text()


# --- triangle and handover --------------------------------------------------------------


def test_triangle_shows_vacant_roles(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    text = chat.text("triangle AR=@alice")
    assert "alice" in text and "vacant" in text
    assert "Vacant: SR, FR" in text


def test_triangle_accepts_chinese_role_names(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    chat.say("铁三角 客户经理=@zhang 解决方案经理=@li 交付经理=@wang")
    with chat.core.sessions.begin() as s:
        acct = repos.account_by_name(s, name="Acme Corp")
        assert acct is not None and acct.id is not None
        holders = repos.current_holders(s, account_id=acct.id)
        assert {r: p.user_id for r, p in holders.items()} == {"AR": "zhang", "SR": "li", "FR": "wang"}


def test_triangle_bad_role(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    assert chat.say("triangle boss=@x").is_error


def test_handover_moves_open_tasks_and_keeps_history(acme: Conversation) -> None:
    acme.say('task "Renew the contract"')  # AR
    acme.say('task "Negotiate payment terms"')  # AR
    acme.say('task "Send the quote"')  # SR
    acme.say("done 2")
    reply = acme.say("handover AR @dave")
    assert "from alice to dave" in reply.title and "1 open task(s) follow" in reply.title
    tasks = {t.number: t for t in tasks_in_db(acme)}
    with acme.core.sessions.begin() as s:
        dave = repos.person_by_user(s, platform="console", user_id="dave")
        alice = repos.person_by_user(s, platform="console", user_id="alice")
        assert dave and alice
        assert tasks[1].assignee_id == dave.id  # open AR task follows the role
        assert tasks[2].assignee_id == alice.id  # a done task keeps who did it
        history = s.exec(select(RoleAssignment).where(RoleAssignment.role == "AR")
                         .order_by(RoleAssignment.id)).all()
        assert [h.person_id for h in history] == [alice.id, dave.id]
        assert history[0].ended_at is not None and history[1].ended_at is None
        assert s.exec(select(AuditLog).where(AuditLog.action == "role.assign")).all()


def test_handover_bad_input(acme: Conversation) -> None:
    assert acme.say("handover AR").is_error
    assert acme.say("handover XX @dave").is_error
    assert "handover AR @dave" in acme.say("handover").plain_text()


def test_filling_a_vacant_role_assigns_its_tasks(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    reply = chat.say('task "Install the sensors"')
    assert "Nobody holds FR yet" in reply.plain_text()
    assert tasks_in_db(chat)[0].assignee_id is None
    assert "1 open task(s)" in chat.text("triangle FR=@carol")
    assert tasks_in_db(chat)[0].assignee_id is not None


# --- tasks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "role", "keyword"),
    [
        ("Renew the support contract", "AR", "Renew"),
        ("Chase the payment for invoice 42", "AR", "payment"),
        ("Send the revised quote", "SR", "quote"),
        ("Answer the technical questions", "SR", "technical"),
        ("Plan the installation", "FR", "installation"),
        ("Close incident 7", "FR", "incident"),
        ("确认回款计划", "AR", "回款"),
        ("提交解决方案", "SR", "解决方案"),
        ("完成一期验收", "FR", "验收"),
    ],
)
def test_task_without_owner_is_routed_and_says_why(
    acme: Conversation, title: str, role: str, keyword: str
) -> None:
    text = acme.text(f'task "{title}"')
    shown = {"AR": "客户经理", "SR": "解决方案经理", "FR": "交付经理"}[role] if title[0] > "~" else role
    assert f"· {shown} ·" in text
    assert keyword in text
    assert tasks_in_db(acme)[-1].role == role


def test_task_with_role_owner_goes_to_the_holder(acme: Conversation) -> None:
    acme.say('task "Anything at all" owner=FR due=2026-12-05')
    task = tasks_in_db(acme)[0]
    assert task.role == "FR" and task.due_date == date(2026, 12, 5)
    with acme.core.sessions.begin() as s:
        carol = repos.person_by_user(s, platform="console", user_id="carol")
        assert carol is not None and task.assignee_id == carol.id


def test_task_with_person_owner_takes_their_role(acme: Conversation) -> None:
    acme.say('task "Call the CFO" owner=@bob')
    assert tasks_in_db(acme)[0].role == "SR"


def test_task_due_phrase_in_title_and_shared_flag(acme: Conversation) -> None:
    acme.say("task Send the quote by friday shared")
    task = tasks_in_db(acme)[0]
    assert task.title == "Send the quote"
    assert task.due_date == date(2026, 11, 27) and task.shared


def test_task_dates(acme: Conversation) -> None:
    for due, expected in [("+3d", date(2026, 11, 27)), ("next week", date(2026, 12, 4)),
                          ("下周五", date(2026, 12, 4)), ("12月5日", date(2026, 12, 5))]:
        acme.say(f'task "Send quote" due="{due}"')
        assert tasks_in_db(acme)[-1].due_date == expected, due


def test_task_bad_input(acme: Conversation) -> None:
    assert "needs a title" in acme.say("task").title
    assert "can't read" in acme.say('task "x" due=someday').title
    assert acme.say('task "x" owner=ceo').is_error
    assert acme.say("task " + "x" * 600).is_error
    assert tasks_in_db(acme) == []


def test_task_numbers_are_per_account(acme: Conversation) -> None:
    acme.say('task "one"')
    acme.say('account new "Globex"', channel="globex")
    reply = acme.say('task "first for globex"', channel="globex")
    assert "Task #1" in reply.title


def test_done_and_reopen(acme: Conversation) -> None:
    acme.say('task "one"')
    acme.say('task "two"')
    assert "done" in acme.text("done #1, 2")
    assert all(t.status == "done" for t in tasks_in_db(acme))
    assert "already done" in acme.text("done 1")
    assert "reopened" in acme.text("reopen 2")
    assert tasks_in_db(acme)[1].status == "open"
    assert acme.say("done 42").is_error
    assert acme.say("done abc").is_error
    assert acme.say("done").is_error
    assert acme.say("完成 1").title  # Chinese verb


def test_open_groups_by_role_with_overdue_first(acme: Conversation) -> None:
    acme.say('task "Quote A" due=2026-12-10')
    acme.say('task "Quote B" due=2026-12-01')
    acme.say('task "Quote C" due=2026-11-20 confirm')  # overdue
    acme.say('task "Renew contract"')
    reply = acme.say("open")
    assert "3 overdue" not in reply.title and "1 overdue" in reply.title
    titles = [s.title for s in reply.sections]
    assert titles[0].startswith("AR") and titles[1].startswith("SR")
    sr = [i.text for i in reply.sections[1].items]
    assert sr[0].startswith("#3 Quote C") and "overdue 4 day(s)" in sr[0]
    assert sr[1].startswith("#2") and sr[2].startswith("#1")
    assert reply.sections[1].items[0].buttons[0].command == "done 3"


def test_open_when_nothing_is_open(acme: Conversation) -> None:
    assert "Nothing open on Acme Corp" in acme.text("open")


def test_tasks_filters(acme: Conversation) -> None:
    acme.say('task "Quote" due=2026-11-01 confirm')
    acme.say('task "Renew"')
    acme.say('task "Negotiate the contract"')
    acme.say("done 2")
    assert "1 overdue task(s)" in acme.text("tasks overdue")
    assert "all 3 task(s)" in acme.text("tasks all")
    mine = acme.text("tasks mine")  # alice is AR: #2 is done, #3 is open
    assert "1 task(s) of yours" in mine and "#3" in mine
    assert "1 done task(s)" in acme.text("tasks done")
    assert "2 open task(s)" in acme.text("tasks")
    assert acme.say("tasks banana").is_error


# --- notes ------------------------------------------------------------------------------


def test_note_is_stored_and_actions_extracted(acme: Conversation) -> None:
    reply = acme.say(
        "note Met Li Wei, their CIO.\n"
        "ACTION: SR to send the revised quote by friday\n"
        "TODO confirm the payment schedule\n"
        "- [ ] FR: book the installation crew due 2026-12-05\n"
        "@bob will prepare the demo\n"
        "待办：客户经理 下周五前确认回款计划\n"
        "We talked about the weather."
    )
    assert "Note 1 saved" in reply.title
    tasks = tasks_in_db(acme)
    assert [(t.role, t.due_date) for t in tasks] == [
        ("SR", date(2026, 11, 27)),
        ("AR", None),
        ("FR", date(2026, 12, 5)),
        ("SR", None),
        ("AR", date(2026, 12, 4)),
    ]
    with acme.core.sessions.begin() as s:
        note = s.exec(select(Note)).one()
        assert note.text.startswith("Met Li Wei") and "weather" in note.text
        assert all(t.source_note_id == note.id for t in tasks)
    assert "5 action(s) found" in reply.plain_text()


def test_note_without_actions_explains_markers(acme: Conversation) -> None:
    assert "No actions found" in acme.text("note Nice lunch with the buyer.")


def test_long_and_chinese_notes(acme: Conversation) -> None:
    long_text = "Long discussion. " * 600  # about 10,000 characters
    reply = acme.say("note " + long_text)
    assert "Note 1 saved" in reply.title
    zh = acme.say("笔记 与客户季度回顾。\n待办：交付经理 12月20日前完成一期验收")
    assert "笔记 2 已保存" in zh.title
    assert tasks_in_db(acme)[-1].role == "FR"
    with acme.core.sessions.begin() as s:
        assert len(s.exec(select(Note)).all()) == 2


def test_note_problems_do_not_lose_the_note(acme: Conversation) -> None:
    reply = acme.say("note ACTION @nobody-known: call them\nACTION: ship it owner=@ghost")
    assert not reply.is_error
    with acme.core.sessions.begin() as s:
        assert len(s.exec(select(Note)).all()) == 1


def test_empty_note(acme: Conversation) -> None:
    assert "empty" in acme.say("note").title


# --- help, stakeholders, plan -------------------------------------------------------------


def test_help_lists_verbs_and_explains_one(chat: Conversation) -> None:
    text = chat.text("help")
    for verb in ("note", "task", "open", "done", "triangle", "handover"):
        assert f"{verb} —" in text
    assert 'task "<title>"' in chat.text("help task")
    assert chat.say("help nope").is_error
    assert "任务" in chat.text("帮助 任务")


def test_stakeholders(acme: Conversation) -> None:
    acme.say('stakeholder add "Li Wei" title=CIO role=decision-maker power=5 interest=high stance=supporter')
    text = acme.text("stakeholder")
    assert "Li Wei" in text and "CIO" in text and "supporter" in text and "5" in text
    assert acme.say('stakeholder add "X" power=9').is_error
    assert acme.say('stakeholder add "X" stance=grumpy').is_error
    assert "removed" in acme.text('stakeholder remove "li wei"')
    assert "No stakeholders" in acme.text("stakeholder")


def test_plan(acme: Conversation) -> None:
    assert "(not written yet)" in acme.text("plan")
    acme.say("plan goals Grow wallet share in APAC to 30%")
    assert "Grow wallet share in APAC to 30%" in acme.text("plan goals")
    acme.say("计划 挑战 供应链不稳定")
    assert "供应链不稳定" in acme.text("plan challenges")
    assert acme.say("plan wishes more cake").is_error


# --- cross-cutting ----------------------------------------------------------------------


def test_unbound_channel_gets_how_to_bind(chat: Conversation) -> None:
    for line in ("open", "task x", "note hello", "triangle", "done 1"):
        reply = chat.say(line)
        assert reply.is_error and "account new" in reply.plain_text(), line


def test_unknown_verb(chat: Conversation) -> None:
    reply = chat.say("frobnicate now")
    assert reply.is_error and "frobnicate" in reply.title and reply.private


def test_one_accounts_data_never_shows_in_another_channel(acme: Conversation) -> None:
    acme.say('task "ACME-SECRET-CANARY quote"')
    acme.say("note ACME-NOTE-CANARY", )
    acme.say('account new "Globex"', channel="globex", user="erin")
    for line in ("open", "tasks all", "account", "triangle", "done 1", "plan"):
        text = acme.text(line, channel="globex", user="erin")
        assert "CANARY" not in text and "Acme" not in text, line


def test_chinese_conversation_end_to_end(chat: Conversation) -> None:
    assert "已创建客户 华星零售" in chat.text("客户 new “华星零售” tier=核心")
    assert "铁三角" in chat.text("铁三角 客户经理=@zhang 解决方案经理=@li 交付经理=@wang")
    text = chat.text("任务 “提交新门店方案” 截止＝下周五")
    assert "已为 华星零售 添加任务 #1" in text and "2026年12月4日" in text and "方案" in text
    text = chat.text("笔记 季度回顾。\n待办：交付经理 12月20日前完成一期验收")
    assert "提取了 1 个行动项" in text
    text = chat.text("未完成")
    assert "华星零售 未完成事项：2 个" in text and "交付经理（FR）" in text
    assert "已完成" in chat.text("完成 1")
    assert "只有客户经理（zhang）" in chat.text("交接 AR @zhao")
    assert "已从 zhang 交接给 zhao" in chat.text("交接 AR @zhao", user="zhang")
    assert "No " not in chat.text("未完成")


def test_open_caps_each_role_and_points_to_the_rest(acme: Conversation) -> None:
    for i in range(30):
        acme.say(f'task "Quote {i}"')
    reply = acme.say("open")
    sr = reply.sections[0]
    assert len(sr.items) == 25 and "5 more" in sr.text
    assert "30 action(s)" in reply.title
