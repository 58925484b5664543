"""commands.extract on chat exports with a time after the name, a speaker handing work to
someone else, arrow bullets, lead-in lines over unowned items, role and department
owners, summary lines with one action among several clauses, and dated unowned orders.

The notes here are not in the labelled corpus: they are other shapes of the same kinds.
"""

from __future__ import annotations

from datetime import date

from tests.commands.extract_score import labels, load_rosters

TODAY = date(2026, 11, 24)  # a Tuesday
ROSTERS = load_rosters()


def actions(text: str, roster: str = "acme") -> list[tuple[str, str, str]]:
    return labels(text, roster=ROSTERS[roster], today=TODAY)


def test_a_chat_export_with_the_time_after_the_name_reads_i_as_the_speaker() -> None:
    text = """王芳 09:12：客户那边还在等排期吗
赵敏 09:15：对，我下周一前把门店清单发给你们。
王芳 09:16：收到，我周五前出安装排期。
陈静 9:20: 我明天整理一下工单"""
    assert actions(text, "huaxing") == [
        ("customer:赵敏", "把门店清单发给你们", "2026-11-30"),
        ("王芳", "出安装排期", "2026-11-27"),
        ("陈静", "整理一下工单", "2026-11-25"),
    ]
    text = """Li Wei 2:05 PM: Can you resend the SOW?
Carol Diaz 2:07 PM: Sure, I'll resend the SOW by Friday.
Li Wei 2:09 PM: Thanks. I'll book the room for the workshop by Monday."""
    assert actions(text) == [
        ("Carol Diaz", "resend the SOW", "2026-11-27"),
        ("customer:Li Wei", "book the room for the workshop", "2026-11-30"),
    ]


def test_a_speaker_naming_someone_else_gives_them_the_work() -> None:
    text = """李娜：报价还没定
张伟：王芳周四前跟厂家确认交期
王芳：好的
张伟：陈静明天把合同扫描件发出去"""
    assert actions(text, "huaxing") == [
        ("王芳", "跟厂家确认交期", "2026-11-26"),
        ("陈静", "把合同扫描件发出去", "2026-11-25"),
    ]
    text = """bob: where is the sizing
alice: Carol to send the sizing to Li Wei by Friday
carol: ok
alice: thanks all"""
    assert actions(text) == [("Carol Diaz", "send the sizing to Li Wei", "2026-11-27")]


def test_arrow_and_other_bullets_mark_items() -> None:
    text = """现场记录
机房已经验收。
➤ 王芳：周五前提交验收报告
● 陈静下周一前把照片发给赵敏
※ 李娜明天前更新方案"""
    assert actions(text, "huaxing") == [
        ("王芳", "提交验收报告", "2026-11-27"),
        ("陈静", "把照片发给赵敏", "2026-11-30"),
        ("李娜", "更新方案", "2026-11-25"),
    ]
    text = """Site notes
-> Carol: update the runbook by Friday
=> Bob to send the photos to Li Wei by Monday"""
    assert actions(text) == [
        ("Carol Diaz", "update the runbook", "2026-11-27"),
        ("Robert Chen", "send the photos to Li Wei", "2026-11-30"),
    ]


def test_a_lead_in_line_heads_unowned_items_and_is_no_action_itself() -> None:
    text = """昨天的演示很顺利。
后续事项：
- 周五前整理演示反馈
- 更新报价单
谢谢"""
    assert actions(text, "huaxing") == [("", "整理演示反馈", "2026-11-27"), ("", "更新报价单", "")]
    text = """The demo went well.
We still need to:
- collect the demo feedback by Friday
- update the price list"""
    assert actions(text) == [("", "collect the demo feedback", "2026-11-27"), ("", "update the price list", "")]


def test_roles_and_customer_departments_own_actions() -> None:
    assert actions("高层下周五前约赵敏吃饭", "huaxing") == [("SPONSOR", "约赵敏吃饭", "2026-12-04")]
    assert actions("赞助人12月10日前给周建国打电话", "huaxing") == [("SPONSOR", "给周建国打电话", "2026-12-10")]
    assert actions("Executive sponsor to call Li Wei by Friday") == [("SPONSOR", "call Li Wei", "2026-11-27")]
    assert actions("3. 交付经理12月9日前在现场完成巡检", "huaxing") == [("FR", "在现场完成巡检", "2026-12-09")]
    assert actions("客户法务下周三前审完合同", "huaxing") == [("customer", "审完合同", "2026-12-02")]
    assert actions("Customer IT to open the firewall ports by Monday") == [
        ("customer", "open the firewall ports", "2026-11-30")
    ]
    assert actions("- 客户：周五前为我方开通测试账号", "huaxing") == [("customer", "为我方开通测试账号", "2026-11-27")]


def test_one_action_among_several_clauses_of_a_summary_line() -> None:
    assert actions("小结：赵敏觉得价格偏高；王芳周五前按区域重新核算成本；孙磊下周休假。", "huaxing") == [
        ("王芳", "按区域重新核算成本", "2026-11-27")
    ]
    assert actions("Summary: Li Wei finds the price high; Carol to rerun the costing by Friday; Priya is away.") == [
        ("Carol Diaz", "rerun the costing", "2026-11-27")
    ]


def test_a_dated_order_with_no_owner_but_not_a_dated_record() -> None:
    assert actions("明天约赵敏确认试点门店", "huaxing") == [("", "约赵敏确认试点门店", "2026-11-25")]
    assert actions("Book a slot with Li Wei for the workshop next week") == [
        ("", "Book a slot with Li Wei for the workshop", "2026-12-04")
    ]
    assert actions("Call with Li Wei tomorrow") == []
    assert actions("Patch deployed on 11/20.") == []


def test_a_statement_in_a_transcript_is_no_action() -> None:
    text = """[00:01:00] 张伟：我们看一下合同。
[00:02:00] 赵敏：去年的框架协议仍然有效。
[00:03:00] 孙磊：上周的报价我们已经收到了。
[00:04:00] 李娜：我周五前更新报价。"""
    assert actions(text, "huaxing") == [("李娜", "更新报价", "2026-11-27")]


def test_someone_outside_the_team_by_surname_and_title() -> None:
    assert actions("马律师下周一前审完框架协议", "huaxing") == [("text:马律师", "审完框架协议", "2026-11-30")]
    assert actions("何总周五前批复预算", "huaxing") == [("text:何总", "批复预算", "2026-11-27")]


def test_a_nickname_that_fits_one_person_names_them() -> None:
    assert actions("老周1月10日前确认付款计划", "huaxing") == [("customer:周建国", "确认付款计划", "2027-01-10")]
    assert actions("小王周五前把照片发到群里", "huaxing") == [("王芳", "把照片发到群里", "2026-11-27")]
