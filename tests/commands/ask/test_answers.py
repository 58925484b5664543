"""`ask` without a model, through the real dispatcher, on the seeded record."""

from __future__ import annotations

from bot.messages import Tone
from tests.commands.ask.seed import CANARY
from tests.support import Conversation


def test_whats_open_in_the_bound_channel(chat, seeded):
    reply = chat.say("ask what's open on Acme?")
    text = reply.plain_text()
    assert reply.title == "Open actions on Acme Corp: 4"
    # Overdue first, each with its number, owner role and person, and due date.
    # The same task lines as `open`, overdue first.
    assert text.index("#1 Send the pilot quote · SR · bob · due 2026-11-20 (Fri) · ⚠ overdue 4 day(s)") < text.index("#2 ")
    assert "#3 Recover batch 2 delivery schedule · FR · carol" in text
    assert "Book executive visit" not in text  # done
    assert reply.footer == "Sources: #1, #2, #3, #4"
    assert "2 of them overdue." in text


def test_whats_open_in_chinese(chat, seeded):
    reply = chat.say("ask Acme 还有哪些未完成的事项?")
    assert reply.title == "Acme Corp的未完成事项：4 项"
    text = reply.plain_text()
    assert "#1 Send the pilot quote · 解决方案经理 · bob · 截止 2026年11月20日（周五） · ⚠ 已逾期 4 天" in text
    assert "其中 2 项已逾期。" in text
    assert reply.footer == "来源：#1、#2、#3、#4"


def test_chinese_verb_alias(chat, seeded):
    assert chat.say("问 还有哪些未完成的事项").title == "Acme Corp的未完成事项：4 项"


def test_open_filtered_by_role_person_and_overdue(chat, seeded):
    assert chat.say("ask overdue actions?").title == "Overdue actions on Acme Corp: 2"
    sr = chat.say("ask what is open for SR?")
    assert sr.title == "Open actions on Acme Corp for SR: 1" and sr.footer == "Sources: #1"
    mine = chat.text("ask what do I have open?")  # alice is AR
    assert "#2 Confirm payment plan" in mine and "#4 Prepare renewal" in mine and "#1 " not in mine
    carol = chat.say("ask what does @carol have open?")
    assert carol.footer == "Sources: #3"
    zh = chat.say("ask SR 有哪些逾期的任务")
    assert zh.title == "Acme Corp（SR）的逾期事项：1 项"


def test_role_holder(chat, seeded):
    assert chat.say("ask who is our SR?").title == "SR (solution manager) on Acme Corp: bob"
    assert chat.say("ask 谁是客户经理?").title == "Acme Corp 的客户经理（AR）：alice"
    triangle = chat.text("ask who is on the team?")
    assert "alice" in triangle and "The iron triangle of Acme Corp" in triangle and "Executive sponsor" in triangle


def test_bound_channel_never_answers_about_another_account(chat, seeded):
    # Asked in Acme's channel about Globex: the answer is Acme's (the binding decides).
    reply = chat.say("ask who is the AR on Globex?")
    assert reply.title == "AR (account manager) on Acme Corp: alice"
    assert "dave" not in reply.plain_text()


def test_health_and_why(chat, seeded):
    # Assessed now, as `health` does (nothing saved); the trend is against the last record.
    reply = chat.say("ask how is Acme doing?")
    assert reply.title == "Acme Corp is 🟡 yellow (score 76, checked 2026-11-24)"
    assert reply.tone is Tone.WARNING
    text = reply.plain_text()
    assert "🟡 2 overdue task(s); the oldest, #1, is 4 day(s) late" in text
    assert "Changed from" not in text  # the last recorded state was yellow too
    assert reply.footer == "Sources: #1"
    assert chat.say("ask 健康度怎么样").title == "Acme Corp 为🟡 黄灯（得分 76，2026年11月24日 评估）"


def test_last_meeting_and_its_actions(chat, seeded):
    reply = chat.say("ask what happened in the last meeting?")
    assert reply.title == "Last meeting on Acme Corp: note 4 (2026-11-18)"
    text = reply.plain_text()
    assert "#3 Recover batch 2 delivery schedule" in text
    # A stored note quoted back cannot ping the channel.
    assert "<!channel>" not in text
    assert reply.footer == "Sources: #3, note 4"


def test_agreement_finds_the_note_of_last_month(chat, seeded):
    reply = chat.say("ask what did we agree with their CIO last month?")
    text = reply.plain_text()
    assert "note 2 (2026-10-14)" in text and "pilot of the analytics module" in text
    assert "#1 Send the pilot quote" in text
    assert reply.footer == "Sources: #1, note 2"
    assert CANARY not in text  # Initech's note also mentions a CIO pilot


def test_renewal_stakeholders_summary(chat, seeded):
    renewal = chat.say("ask when is the renewal?")
    assert renewal.title == "Acme Corp renews on 2027-01-31 (in 68 days)"
    assert "#4 Prepare renewal proposal" in renewal.plain_text()
    assert chat.say("ask 什么时候续约").title == "Acme Corp 将于 2027年1月31日 续约（还有 68 天）"
    people = chat.text("ask who are the stakeholders?")
    assert "Jane Wu — CIO, decision maker" in people and "Tom Li" in people
    cio = chat.text("ask who is their CIO?")
    assert "Jane Wu" in cio and "Tom Li" not in cio
    cfo = chat.text("ask who is the CFO?")
    assert "No CFO is recorded on Acme Corp; the stakeholders I have:" in cfo and "Jane Wu" in cfo
    summary = chat.text("ask summary")
    assert "core strategic partner" in summary and "AR alice, SR bob, FR carol, SPONSOR erin" in summary
    assert "概况" in chat.say("ask Acme 概况").title


def test_agreement_in_chinese(chat, seeded):
    reply = chat.say("ask 我们上个月和他们的CIO达成了什么共识?")
    assert reply.title == "Acme Corp 的纪要中与 Jane Wu 相关的内容"  # "their CIO" is Jane Wu
    assert "纪要 2（2026年10月14日）" in reply.plain_text()
    assert reply.footer == "来源：#1、纪要 2"


def test_unknown_question_gives_closest_facts_not_an_answer(chat, seeded):
    reply = chat.say("ask 回款什么时候到?")
    text = reply.plain_text()
    assert reply.title.startswith("根据 Acme Corp 的档案，我无法准确回答")
    assert "纪要 3" in text and "客户确认下月回款计划" in text
    weather = chat.say("ask what is the weather in Paris?")
    assert weather.title.startswith("I can't answer that exactly")


def test_unbound_channel_is_told_clearly(chat, seeded):
    reply = chat.say("ask what's open?", channel="random")
    assert reply.is_error and "not linked to an account" in reply.title


def test_empty_question(chat, seeded):
    assert chat.say("ask").is_error


def dm(chat: Conversation, text: str, user: str):
    return chat.say(text, user=user, channel=f"dm-{user}", is_direct=True)


def test_direct_message_names_the_account(chat, seeded):
    reply = dm(chat, "ask what's open on Acme?", "bob")
    assert reply.title == "Open actions on Acme Corp: 4"
    assert dm(chat, "ask who is our SR on Globex?", "bob").title == "SR (solution manager) on Globex: bob"


def test_direct_message_fuzzy_and_chinese_names(chat, seeded):
    assert dm(chat, "ask what's open on Acme Corporation?", "alice").title.startswith("Open actions on Acme Corp")
    assert dm(chat, "ask what's open on Acmee?", "alice").title.startswith("Open actions on Acme Corp")
    assert dm(chat, "ask 华信还有哪些未完成的事项?", "alice").title == "华信科技有限公司的未完成事项：0 项"
    assert dm(chat, "ask 华信科技 谁是客户经理", "alice").title == "华信科技有限公司 的客户经理（AR）：alice"


def test_direct_message_only_accounts_the_person_may_see(chat, seeded):
    # bob holds no role on Initech: it is not found, and not named back.
    reply = dm(chat, "ask what's open on Initech?", "bob")
    assert reply.is_error
    text = reply.plain_text()
    assert text.startswith("✖ Which account do you mean?")
    assert "Acme Corp" in text and "Globex" in text
    assert "Initech" not in text and CANARY not in text


def test_direct_message_without_roles(chat, seeded):
    reply = dm(chat, "ask what's open on Acme?", "zed")
    assert reply.is_error and "don't hold a role" in reply.title


def test_direct_message_admin_sees_everything(chat, seeded, core):
    core.dispatcher.settings = replace_admins(core.dispatcher.settings, ["zed"])
    assert dm(chat, "ask what's open on Initech?", "zed").title == "Open actions on Initech: 1"


def replace_admins(settings, admins):
    return settings.model_copy(update={"KAMBOT_ADMINS": admins})


def test_canary_never_in_any_answer(chat, seeded):
    questions = ["what's open?", "what did we agree with their CIO?", "秘密回款", "CANARY-7f3a9",
                 "summary", "last meeting", "who are the stakeholders?", "回款"]
    for q in questions:
        assert "CANARY" not in chat.text(f"ask {q}")
    for q in questions:
        assert "CANARY" not in dm(chat, f"ask {q} Acme", "bob").plain_text()



def test_management_channel_names_any_account(chat, seeded, core):
    core.dispatcher.settings = core.dispatcher.settings.model_copy(
        update={"KAMBOT_MANAGEMENT_CHANNEL": "mgmt"})
    reply = chat.say("ask what's open on Initech?", channel="mgmt", user="zed")
    assert reply.title == "Open actions on Initech: 1"


def test_health_trend_against_the_last_recorded_state(chat, seeded, core):
    from datetime import UTC, datetime

    from commands.health import Color, Reason
    from storage.models import HealthSnapshot

    reason = Reason("overdue_tasks", Color.RED, {"count": 9, "number": 1, "days": 40})
    with core.sessions.begin() as s:
        s.add(HealthSnapshot(account_id=seeded.acme, color="red", score=30,
                             reasons=[reason.to_json()], at=datetime(2026, 11, 24, 8, tzinfo=UTC)))
    assert "Changed from 🔴 red to 🟡 yellow." in chat.text("ask how is the account's health?")
    assert "由🔴 红灯变为🟡 黄灯" in chat.text("ask 健康度怎么样")
    with core.sessions.begin() as s:  # asking saved nothing
        from storage import health_repo

        assert health_repo.last_snapshot(s, account_id=seeded.acme).color == "red"


def test_reason_lines_of_stored_snapshots():
    from commands.ask.facts import reason_line
    from commands.i18n import Translator

    t = Translator("zh")
    coded = {"code": "overdue_tasks", "severity": "red", "values": {"count": 2, "number": 1, "days": 4}}
    assert reason_line(t, coded) == "🔴 2 项任务逾期；最早的 #1 已逾期 4 天"
    assert reason_line(t, {"text": "older snapshot"}) == "older snapshot"
    assert reason_line(t, {"code": "unknown_code", "severity": "red"}) == "code=unknown_code, severity=red"
