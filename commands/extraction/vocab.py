"""Words the extractor reads notes by: section headers, markers, verbs, connectors.

Kept apart from the parsing so the lists can grow without touching the logic. All are
matched on case-folded, width-folded text.
"""

from __future__ import annotations

import re

ACTION_HEADERS = (
    "action items", "action item", "action points", "actions", "action", "next steps",
    "next step", "suggested next steps", "follow-ups", "follow-up", "follow ups",
    "followups", "follow-up tasks", "follow up tasks", "follow-up items", "todos", "todo",
    "to-dos", "to-do", "to do", "tasks", "task list", "assignments", "open items",
    "action item summary", "owners", "takeaways and action items",
    "待办", "待办事项", "待办项", "行动项", "行动计划", "行动", "后续行动", "下一步", "下一步计划",
    "下一步工作", "后续", "后续工作", "后续工作安排", "后续安排", "工作安排", "跟进事项", "跟进",
    "任务", "任务分配", "分工", "会后行动", "需跟进事项", "待跟进事项", "会后待办", "待办清单",
    # a lead-in to the list below: "We need to:", "需要跟进的事项：", "后续事项："
    "we need to", "we still need to", "we have to", "things to do", "to follow up", "follow up on",
    "still to do", "remaining items", "pending items",
    "后续事项", "需要跟进的事项", "需跟进的事项", "待跟进的事项", "需要跟进", "需要做的", "需要做的事",
    "待处理事项", "后续跟进", "后续跟进事项", "接下来要做的", "接下来", "遗留事项", "遗留问题",
)
DECISION_HEADERS = (
    "decisions", "decision", "decided", "key decisions", "decisions made", "agreements",
    "agreement", "agreed", "outcomes", "outcome", "resolutions", "resolution", "conclusions",
    "conclusion",
    "决定", "决议", "会议决定", "会议决议", "结论", "会议结论", "共识", "达成共识", "决策", "决定事项",
)
AGENDA_HEADERS = (
    "agenda", "attendees", "participants", "present", "absent", "invitees", "chapters",
    "outline", "议程", "会议议程", "参会人员", "参会人", "与会人员", "与会", "参会", "出席", "列席",
    "章节", "缺席",
)
INFO_HEADERS = (
    "notes", "meeting notes", "discussion", "discussion points", "summary", "meeting summary",
    "quick recap", "recap", "highlights", "key points", "topics", "background", "context",
    "risks", "issues", "open questions", "questions", "updates", "status", "details",
    "overview", "keywords", "transcript", "minutes",
    "讨论", "讨论要点", "讨论内容", "要点", "会议要点", "总结", "会议总结", "摘要", "会议纪要", "纪要",
    "智能纪要", "背景", "问题", "风险", "存在问题", "项目进展", "进展", "会议内容", "主要内容", "备注",
    "关键词", "概要", "会议概要", "议题",
)
# Labels of a note's own data ("Date: ...", "时间：..."): such a line is never an action.
META_LABELS = AGENDA_HEADERS + INFO_HEADERS + (
    "date", "time", "when", "where", "location", "venue", "place", "meeting", "subject",
    "topic", "title", "host", "organizer", "organiser", "note taker", "notetaker", "scribe",
    "recorded by", "next meeting", "duration", "call", "cc",
    "时间", "日期", "地点", "会议时间", "会议地点", "会议主题", "主题", "主持人", "主持", "记录人",
    "记录", "下次会议", "会议名称", "抄送",
)

# Start-of-line markers: "colon" ones need a colon after them, "loose" ones a space will do.
COLON_MARKERS = (
    "action items", "action item", "action points", "action point", "actions", "action",
    "ai", "a.i.", "follow-ups", "follow-up", "follow up", "followup", "next steps",
    "next step", "to-do", "to do", "task", "行动项", "行动", "跟进事项", "跟进", "后续", "下一步",
    "待跟进",
)
LOOSE_MARKERS = ("todo", "待办事项", "待办", "tbd")

# English words that open an instruction: "Bob: send the deck" is an action, "Bob: I
# think so" is not.
EN_VERBS = frozenset("""
add address align analyse analyze answer approve arrange ask assess assign attend book
bring build buy calculate call cancel capture change chase check circle clarify clean close
collect compile complete confirm connect consolidate contact coordinate create deliver
demo deploy design determine develop discuss distribute document double-check draft
drive email ensure escalate estimate evaluate explore file fill finalise finalize find
finish fix follow forward gather get give go hand handle help hold identify implement
inform install introduce investigate invite issue kick lead list load lock log look loop
make map meet migrate monitor move negotiate nominate notify obtain onboard open order
organise organize outline own pay ping plan post prep prepare present price prioritise
prioritize procure produce propose provide publish purchase push put quote raise reach
reach-out read rebook reconcile record redline reduce refresh register reply report request
research reserve resolve respond restart return review revise rework run schedule scope
secure send set settle setup share ship sign speak start submit summarise summarize
sync take talk test track train transfer update upgrade upload validate verify visit walk
write translate benchmark pull provision configure enable grant circulate nudge patch debug
troubleshoot diagnose tune optimise optimize measure audit define extend hire recruit
interview brief debrief host facilitate print scan invoice refund reimburse apply export
import archive delete remove merge sort pair staff kick-off kickoff sign-off release remind
renew resend retest
""".split())
# Chinese verbs that open an instruction (提交…, 安排…, 把…发给…).
ZH_VERBS = (
    "提交", "完成", "发送", "发出", "发给", "发", "准备", "安排", "组织", "跟进", "确认", "输出", "整理",
    "提供", "联系", "约", "拜访", "推动", "推进", "落实", "协调", "对接", "评估", "评审", "制定", "更新",
    "编写", "起草", "修改", "补充", "回复", "答复", "反馈", "催", "申请", "审核", "审批", "处理", "解决",
    "部署", "测试", "调研", "收集", "汇总", "同步", "通知", "邀请", "沟通", "对齐", "梳理", "核实",
    "核对", "复核", "检查", "盘点", "下单", "签署", "签订", "寄", "邮寄", "送", "交付", "验收", "培训",
    "演示", "汇报", "出", "给", "把", "做", "搞定", "拿下", "拿出", "争取", "启动", "开始", "设计",
    "开发", "实施", "安装", "调试", "预约", "约见", "走访", "回访", "跟踪", "研究", "了解", "配合",
    "支持", "确保", "敲定", "明确", "列出", "给出", "报价", "搭建", "配置", "迁移", "升级", "修复",
    "排查", "定位", "打电话", "致电", "去", "见", "陪同", "带", "催收", "开具", "购买", "采购",
    "负责", "主持", "召开", "举办", "约谈", "面谈", "尽快", "再", "重新", "继续", "务必", "提前",
    "开放", "开通", "上传", "下发", "分配", "分发", "签约", "补", "改", "写", "填写", "录入", "导出",
    "导入", "关闭", "讲解", "宣讲", "核算", "剪", "交", "走完",
    "批准", "批复", "测算", "估算", "设置", "拿到", "预留", "指定", "审阅", "建立", "预订", "清理",
    "刷新", "发来", "转给", "写好", "提出", "确定", "约定", "安排好", "落地", "跑通", "打通",
    "接待", "陪同", "宴请", "约见", "会见", "面谈", "招待", "审完", "审查", "看完", "改完", "做完", "写完", "审一下",
)
ZH_VERB_RE = re.compile("|".join(sorted(ZH_VERBS, key=len, reverse=True)))

# Joining words between an owner and the action.
EN_MODAL = re.compile(
    r"\s?(?:,\s?)?(?:please\s)?(?:(?:still|also|then|now)\s(?=will|need|has|have|must|should))?(?:will|'ll|’ll|['’]m\sgoing\sto|am\sgoing\sto|['’]m\sto|am\sto|"
    r"shall|should|must|needs?\sto|has\sto|have\sto|"
    r"had\sto|is\sto|are\sto|(?:is|are)\sgoing\sto|going\sto|(?:is|are)\sresponsible\sfor|"
    r"responsible\sfor|to\sown|promised\sto|agreed\sto|offered\sto|volunteered\sto|"
    r"plans?\sto|intends?\sto|(?:will\s)?take\scare\sof|is\sasked\sto|to|please)\s"
)
EN_SEP = re.compile(r"\s?(?::|->|=>|--?|–|—|→)\s?")
ZH_CONNECT = re.compile(
    r"\s?(?:还|也)?(?:来负责|负责|牵头|主导|需要|需(?!求)|要(?!求)|将会|将|会(?![后议上前谈面])|应该|应当|应|必须|务必|得(?=[去把])|可以"
    r"|请(?![假客]))\s?"
)
ZH_SEP = re.compile(r"\s?(?:[:：]|->|--?|—{1,2}|–|→)\s?")
# After an owner, these report what someone said or did, not what they will do.
EN_SPEECH = re.compile(
    r"\s(?:said|says|asked|asks|mentioned|mentions|noted|notes|explained|presented|"
    r"shared|reported|raised|suggested|thinks|thought|believes|feels|wants|wanted|was|were|"
    r"is|are|has|have|had|did|joined|agreed|confirmed|walked|gave|opened|introduced)(?![a-z])"
)
# Words that open a remark, not an instruction ("Bob: I think ...", "李娜：好的").
EN_NOT_VERBS = frozenset("""
i we you he she they it this that these those there here the a an our their my your his
her its yes no ok okay sure thanks thank great good fine agreed right well so maybe
not just also as if when what why how who which where
""".split())
# After an owner, words that tell where someone is or will be, not work they will do:
# "赵敏下周出差", "王芳请假", "李娜这周在杭州", "Li Wei will retire next year".
ZH_STATES = re.compile(r"出差|出国|休假|请假|放假|不在|在岗|到岗|离职|入职|退休|生病|外出|值班")
EN_STATES = frozenset("retire resign remain stay relocate vacation travel".split())
# Verbs that report as often as they promise (客户反馈APP…有明显提升): with no date and no
# joining word they report.
ZH_REPORTS = re.compile(r"反馈|回复|答复|汇报|反映|通报")
ZH_SPEECH = re.compile(
    r"\s?(?:说|表示|提到|提出|问|询问|介绍|认为|觉得|希望|担心|讲|称|指出|强调|反映|同意|建议|已|曾|刚)"
)
PAST_EN = frozenset("""
sent shared booked presented gave went met said told got did had was were wrote ran
brought bought built began chose found held kept knew led left lost paid saw sold
spent stood taught thought understood won took made came arrived finished completed
already just has have thanks thank ok okay yes no sure great good agreed
""".split())
NOT_PAST_ED = frozenset("need proceed exceed succeed embed feed speed seed breed bleed shred shed".split())
PAST_ZH = re.compile(r"已经|已|曾经|曾|上周|上个月|昨天|前天|刚才|刚刚")
# 了 marks work done ("发了报价") unless a date ahead says it is still to do ("周一前把报销单交了").
PAST_ZH_LE = re.compile(r"(?<!为)(?<!除)了(?!解|结|如指掌)")
# Openers of an instruction that starts with its object or partner: "就需求澄清给赵敏答复".
ZH_PREPOSITIONS = re.compile(r"就|针对|关于|给|向|对|和|与|跟|同|为|把|将|从|按照|按|根据|依据|基于")
# After an owner and a deadline, where the work is done, then the verb: "在方案中补充…",
# "在总部接待赵敏".
ZH_PLACE = re.compile(r"在[^，。,.;；]{1,10}?(?=" + "|".join(sorted(ZH_VERBS, key=len, reverse=True)) + ")")
# A name, then where / when / with whom, then the verb: "刘洋在招标前给周建国打电话",
# "张伟跟财务一起设置里程碑开票", "张伟从孙磊处拿到…".
ZH_CIRCUMSTANCE = re.compile(r"(?:在[^，。,.;；]{1,10}?(?:之前|之后|以前|前|后|时|期间)|(?:从|跟|和|与|同|向|给|找|联合|会同)[^，。,.;；]{1,12}?)(?=" + "|".join(
    sorted(ZH_VERBS, key=len, reverse=True)) + ")")
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤"
)
