"""What kambot posts on its own follows the language the account was set up in."""

from __future__ import annotations

from datetime import timedelta

from bot.alerts import check_account, health_listener
from bot.app import Core
from bot.outbox import RecordingSender
from bot.render.plain import render_plain
from storage import repos
from tests.support import Conversation


def _posts(core: Core) -> RecordingSender:
    sender = RecordingSender()
    core.senders.add(sender)
    return sender


def test_an_account_set_up_in_chinese_gets_chinese_rule_tasks_and_posts(core: Core):
    sender = _posts(core)
    core.dispatcher.add_listener(health_listener(core))
    chat = Conversation(core, channel="jinhua", user="wangfang")
    chat.say('客户 新建 "金华物流" 等级=核心')
    chat.say("铁三角 客户经理=@wangfang")
    renewal = (core.clock.today() + timedelta(days=45)).isoformat()
    chat.say(f"客户 设置 续约={renewal}")
    with core.sessions.begin() as session:
        account = repos.account_by_name(session, name="金华物流")
        assert account is not None and account.language == "zh"
        account_id = account.id
    assert account_id is not None
    check_account(core, account_id)
    titles = chat.text("未完成")
    assert "年度高层拜访" in titles and "续约" in titles
    assert "Yearly executive visit" not in titles and "renewal" not in titles.lower()
    posted = "\n".join(render_plain(out.reply) for out in sender.sent)
    assert "是核心客户" in posted and "续约" in posted
    assert "core account" not in posted


def test_an_account_set_up_in_english_stays_english(core: Core):
    core.dispatcher.add_listener(health_listener(core))
    chat = Conversation(core, channel="acme", user="alice")
    chat.say('account new "Acme" tier=core')
    with core.sessions.begin() as session:
        account = repos.account_by_name(session, name="Acme")
        assert account is not None and account.language is None
    assert "Yearly executive visit" in chat.text("open")


def test_a_chinese_name_typed_with_an_english_command_keeps_the_account_english(core: Core):
    chat = Conversation(core, channel="huaxing", user="alice")
    chat.say('account new "华星零售"')
    with core.sessions.begin() as session:
        account = repos.account_by_name(session, name="华星零售")
        assert account is not None and account.language is None
