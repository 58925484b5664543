"""Every verb declares the keys it takes and has a Chinese form, listed in Chinese help;
keys it does not take are refused with the ones it does, a near miss with "did you mean"."""

from __future__ import annotations

import pytest

from commands.i18n import catalog
from commands.options import chinese_key, chinese_verb
from commands.registry import command, load_handlers
from commands.routing import parse_role
from tests.support import Conversation


def test_a_verb_that_does_not_declare_its_keys_is_refused_at_registration():
    with pytest.raises(RuntimeError, match="must declare the keys"):
        command("undeclared-verb")(lambda ctx, args: None)  # type: ignore[arg-type,return-value]


def test_every_verb_declares_keys_and_has_a_chinese_form_and_chinese_help():
    zh = catalog("zh")
    for name, cmd in load_handlers().items():
        assert chinese_verb(cmd), f"{name} has no Chinese form"
        assert cmd.summary_key in zh and cmd.usage_key in zh, name
        for key in cmd.keys:
            assert chinese_key(key, cmd.key_aliases) or parse_role(key), \
                f"{name}: key {key}= has no Chinese form"


def test_the_chinese_forms_of_the_issue_work(chat: Conversation):
    chat.say('客户 新建 "金华物流" 等级=核心')
    assert "核心战略伙伴" in chat.text("客户")
    chat.say('任务 "提交方案" 负责人=解决方案经理')
    assert "交付经理" in chat.text("转派 1 负责人=交付经理")
    assert "使用率 80%" in chat.text("信号 使用率=0.8")
    note = chat.text("笔记 会议 周会。\n待办：客户经理 明天前确认回款")
    assert "笔记 1" in note
    assert "纪要 1" in chat.text("总结 1") or "1" in chat.text("总结 1")


def test_unknown_keys_are_refused_with_the_keys_the_verb_takes(chat: Conversation):
    refused = chat.say('account new "Acme" level=core foo=bar')
    assert refused.tone.value == "error"
    assert '"foo="' in refused.plain_text() and "tier=" in refused.plain_text()
    chat.say('account new "Acme" level=core')  # level= is tier=
    assert "core strategic partner" in chat.text("account")
    near = chat.text('task "Send the quote" ownr=SR')
    assert "Did you mean owner=?" in near and "due=" in near
    assert "Task #" not in near
    zh = chat.text('任务 "x" 负责=解决方案经理')
    assert "负责人=" in zh and "你是不是想写" in zh and zh.startswith("✖ 任务")
    assert "takes no key=value" in chat.text("open foo=1")


def test_a_misspelt_verb_gets_did_you_mean(chat: Conversation):
    assert "Did you mean task?" in chat.text('tsak "x"')


def test_chinese_help_lists_chinese_verbs_and_keys(chat: Conversation):
    listing = chat.text("帮助")
    assert "任务 (task)" in listing and "转派 (reassign)" in listing
    one = chat.text("帮助 任务")
    assert "负责人=（owner）" in one and "截止=（due）" in one


def test_help_summaries_read_alike():
    """One line per verb in `help`, each starting in lower case (the list reads as one)."""
    en = catalog("en")
    for name, cmd in load_handlers().items():
        summary = en[cmd.summary_key]
        assert summary[:1] == summary[:1].lower(), f"help for {name}: {summary!r}"
        assert not summary.endswith("."), f"help for {name} ends with a full stop"


def test_chinese_help_shows_the_chinese_way_to_type_each_verb(chat: Conversation):
    assert "总结 <纪要编号>" in chat.text("帮助 总结")
    assert "客户 新建" in chat.text("帮助 客户") and "等级=" in chat.text("帮助 客户")
    assert "使用率=" in chat.text("帮助 信号")
    assert "转派 <编号> 负责人=" in chat.text("帮助 转派")
