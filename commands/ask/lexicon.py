"""The words questions are asked with, in English and Chinese: one place for every cue.

Each cue is a regex over folded text (:func:`commands.textfold.fold`: lower case, half
width). Latin words are matched between non-letters rather than with ``\\b``, because a
Chinese character counts as a word character and "谁是SR" must still find "sr"; Chinese
words are matched anywhere. Typos are mended before these run (:mod:`.understand`), so
the lists hold correct spellings only; :data:`VOCABULARY` is every Latin word they use.
"""

from __future__ import annotations

import re

_EDGE = "a-z0-9"


def _alt(part: str) -> str:
    # A Latin alternative stands between non-letters; a Chinese one anywhere.
    if re.match(r"[a-z0-9(\\]", part):
        return rf"(?<![{_EDGE}])(?:{part})(?![{_EDGE}])"
    return f"(?:{part})"


def cue(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(_alt(p) for p in parts))


# --- roles of our team ------------------------------------------------------------------

ROLE_CUES: dict[str, re.Pattern[str]] = {
    "AR": cue(r"ar", r"ars", r"account (?:manager|responsible|owner|lead|executive|exec)",
              r"key account manager", r"kam", r"sales (?:lead|manager|rep|person|guy)",
              r"relationship manager", "客户经理", "客户负责人", "大客户经理", "销售经理"),
    "SR": cue(r"sr", r"solutions? (?:manager|responsible|architect|lead|owner|engineer)",
              r"pre-?sales(?: engineer| lead)?", r"solution guy", "解决方案经理", "方案经理",
              "解决方案负责人", "售前"),
    "FR": cue(r"fr", r"(?:fulfil?l?ment|delivery|implementation|project) (?:manager|responsible|lead|owner)",
              r"pm", "交付经理", "交付负责人", "项目经理", "实施经理"),
    "SPONSOR": cue(r"(?:exec(?:utive)? )?sponsor", r"exec sponsor", "高层负责人", "高层赞助人",
                   "高层(?![会拜见互访面])",
                   "赞助人", "高管负责人"),
}
# Areas of work that name a role ("who is responsible for delivery?", "交付还有哪些待办").
ROLE_AREAS: dict[str, re.Pattern[str]] = {
    "AR": cue(r"sales", r"commercial", r"account management", "销售", "商务"),
    "SR": cue(r"solutions?", r"presales", r"pre-sales", "解决方案", "方案", "技术方案"),
    "FR": cue(r"delivery", r"fulfil?l?ment", r"implementation", "交付", "实施"),
}
RESPONSIBLE = cue(r"responsible", r"in charge", r"handles?", r"handling", r"owns?", r"owner",
                  r"working on", r"dealing with", r"on it", r"taking care", "处理", "在搞", "在弄", "解决",
                  r"takes care", r"looks after", r"covers?", r"负责", "管", "对接", "跟进", "在跟", "谁跟", "在管",
                  "主导", "牵头")
UNASSIGNED = cue(r"unassigned", r"without (?:an? )?(?:owner|assignee)", r"no(?:body| one) (?:owns|assigned)",
                 r"not assigned", r"orphan(?:ed)?", "没人负责", "无人负责", "没有负责人", "未分配", "没人干", "没人做",
                 "没人管", "没分配")
# Someone's work named as a container of it: "anything on Bob's list", "what's in her queue".
WORK_CONTAINERS = (r"list|plate|queue|backlog|to-?do(?: list)?|to-?dos|desk|agenda|workload|tasks?|actions?|items?|"
                   r"jobs?|work|stuff|things|assignments?|inbox|homework|commitments?|deliverables?")
WORK_OF = cue(f"'s (?:{WORK_CONTAINERS})(?![a-z])",
              "s' (?:list|plate|queue|backlog|desk|agenda|workload)(?![a-z])",
              r"(?:on|in) (?:his|her|their|my) (?:list|plate|queue|backlog|to-?do list|desk|agenda)")
# What someone is to hand over: "what is Li Wei supposed to deliver", "陈总那边要提供什么".
OWED = cue(r"supposed to", r"owes?", r"owing", r"promised to", r"committed to", r"on the hook for",
           r"(?:needs?|has|have|got|is|are|expected) to (?:send|deliver|provide|give|share|sign|get|hand over|"
           r"submit|return|bring|supply|prepare)", r"(?:send|give|deliver|provide|get|supply) us",
           r"responsible for (?:sending|delivering|providing)", r"(?:need|needs|get|expect|expecting) from",
           r"waiting (?:on|for)",
           "(?:要|该|需要|得|应该|负责|答应)(?:提供|给|交|发|签|准备|回复|确认)", "提供什么", "提供哪些",
           "给我们", "欠", "答应", "那边要", "那边还", "那边有什么", "还没(?:给|提供|签|交|发|回)")
# What someone holds: "what has the sponsor got", "what does the FR have", "赞助人手里有什么".
HAS_WORK = cue(r"what (?:has|have|does|do|did) .{1,40} (?:got|have|get)", r"what(?:'s| has) .{1,40} got",
               r"(?:has|have) .{1,40} got (?:anything|something|any)", "有什么", "有哪些", "有啥", "手里")
# A question with nothing but filler once the account's name is out ("anything for Acme
# Labs?", "华星呢？"): what is open there.
FILLER = cue(r"anything", r"any ?thing", r"something", r"what(?:'s| is)?", r"whats", r"for", r"on", r"about",
             r"with", r"up", r"going on", r"new", r"there", r"here", r"is", r"are", r"the", r"us", r"me", r"we",
             r"please", r"pls", r"hey", r"so", r"and", r"any", r"stuff",
             "有啥", "有什么", "什么", "吗", "呢", "啥", "的", "那边", "这边", "怎么说", "咋样")
# What role someone has: "what role does carol have", "张伟是什么角色".
ROLE_OF = cue(r"(?:what|which) (?:role|roles|position|job|title)", "'s (?:role|roles|position|job|title)(?![a-z])",
              r"role of", r"what (?:does|do) +do(?: here| on (?:this|the) account)?\W*$", r"what is .{0,30} role",
              "什么角色", "哪个角色", "什么岗位", "什么职位", "是做什么的", "是干什么的", "的角色", "的职位",
              "的职责", "担任什么", "什么职务")
# How a customer person stands towards us: their card answers it.
STANCE_WORDS = cue(r"stance", r"attitude", r"position towards us", r"relationship with", r"how do we stand",
                   "态度", "立场", "关系怎么样", "关系如何")

# --- questions about people ----------------------------------------------------------------

WHO = cue(r"who(?:'s| is| are)?", r"whos", r"whom", r"which person", r"anyone", "谁", "哪位", "哪个人", "是哪位")
TEAM = cue(r"triangle", r"team", r"roles?", r"iron triangle", "铁三角", "团队", "角色")
MINE = cue(r"my", r"mine", r"i have", r"i own", r"(?:for|to|on|with) me", r"i (?:need to|should|must) do",
           r"am i", r"(?:did|have|had|should|must|do) i", r"i (?:did|finished|closed|completed|delivered|cancelled|dropped)",
           r"i'm (?:on|doing|working)", r"i am (?:on|doing|working)", "我的", "我有", "我还有", "我负责", "我手上", "我名下", "我手头", "我这边",
           "我要做", "我需要做", "分给我", "派给我")

# --- tasks ------------------------------------------------------------------------------------

OPEN = cue(r"open", r"pending", r"outstanding", r"to-?dos?", r"not (?:yet )?done",
           r"not (?:yet )?finished", r"left", r"remaining", r"unfinished", r"backlog",
           r"still to do", r"in progress", r"in flight", r"on (?:my|his|her|their) plate",
           r"working on", r"work(?:ing)? on", r"busy with", r"need(?:s)? to (?:do|be done)",
           r"to be done", r"next steps?", r"waiting", r"what(?:'s| is)? next", r"plate",
           r"(?:has|have|got|had) to do", r"to-?do",
           "未完成", "没完成", "待办", "未结", "未关闭", "还有哪些", "还有什么", "要做", "没做", "手上", "手头",
           "在忙", "在做", "进行中", "名下",
           "(?:在跟|跟进|在搞|在弄|在管|在处理)(?:哪些|什么|几)", "跟进中", "还剩(?!多少天|几天|多久|多长)", "剩下(?!多少天|几天|多久|多长)", "待处理", "未处理", "负责什么",
           "负责哪些", "干什么", "忙什么", "做什么")
TASKS = cue(r"tasks?", r"actions?", r"action items?", r"work", r"jobs?", r"deliverables?",
            r"items?", r"things", r"assignments?", r"assigned", r"list", r"workload", r"busy", r"queue",
            "任务", "事项", "行动", "工作", "事情", "活", "哪些事", "什么事", "几件事", "事儿")
OVERDUE = cue(r"overdue", r"late", r"past due", r"past (?:the )?deadline", r"slipp(?:ed|ing)", r"slips?",
              r"behind(?: schedule)?", r"missed", r"delayed", r"running late", r"lagging",
              r"stuck", r"blocked", "卡住", "卡在", "阻塞", "卡壳",
              "拖了", "落后", "超过截止", "过了截止",
              "逾期", "超期", "过期", "延期", "拖期", "延误", "晚了", "拖延", "误期", "超时")
DUE = cue(r"due", r"deadlines?", r"expires?", r"expiring", r"to finish", r"to complete",
          "到期", "截止", "要交", "期限", "要完成", "前完成", "要做完", "须完成")
DONE = cue(r"done", r"finished", r"completed?", r"closed", r"delivered", r"achieved",
           r"(?:did|have|has) (?:we|they|you|i|he|she) (?:finish|complete|close|deliver|wrap up|get done)",
           r"accomplished", r"wrapped up", r"ticked off", r"got done",
           "已完成", "完成了", "做完", "搞定", "办完", "关闭了", "已关闭", "已经完成", "完成的", "做好",
           "交付了", "结束了")
NOT_DONE = cue(r"not (?:yet )?(?:done|finished|completed?)", r"to be done", r"need(?:s)? to be done",
               r"(?:must|should|needs? to|has to|have to|to|will) be (?:done|finished|completed|closed|delivered)",
               r"(?:needs?|has|have|got) to (?:finish|complete|close|deliver)",
               r"yet to be", "未完成", "没完成", "还没完成", "未做完", "没做完", "要完成", "前完成",
               "需完成", "须完成", "待完成", "要做完", "得做完", "需要做完", "必须做完", "要搞定", "得搞定",
               "要办完", "前做完", "前搞定", "应该完成", "应完成")
CANCELLED = cue(r"cancel(?:l?ed|l?ing|lations?)?", r"drop(?:ped)?", r"withdrawn", r"called off",
                r"scrapped", r"abandoned", "取消", "撤销", "作废", "不做了", "放弃")
CUSTOMER_OWES = cue(r"client (?:still |yet |also )?(?:promised|committed|has to|needs to|must|should)",
                    r"(?:the )?(?:customer|client) (?:is )?supposed to", r"on the (?:customer|client)'?s? side",r"customer(?:'s)? (?:owes?|side|actions?|tasks?|to-?dos?|commitments?|homework)",
                    r"(?:owe|owes) us", r"waiting (?:on|for) (?:the customer|them|the client)",
                    r"their (?:side|actions|homework|commitments)",
                    r"client(?:'s)? (?:owes?|side|actions?|tasks?|commitments?)",
                    r"(?:the )?customer (?:still |yet |also )?(?:promised|committed|has to|needs to|must|should)",
                    r"what (?:do|does) (?:they|the customer|the client) (?:have to|need to) do",
                    "客户方", "客户的待办", "客户要做", "客户需要做", "客户欠", "客户承诺", "客户那边",
                    "对方的待办", "对方要做", "等客户", "没给我们", "还没给", "欠我们", "要给我们", "客户侧", "客户的行动", "客户的任务", "甲方")

# How a piece of work stands: "has the quote been sent?", "验收进展如何".
STATUS = cue(r"status", r"progress", r"going", r"where are we (?:on|with)", r"doing about", r"update on",
             r"(?:been|get|got|is|was) (?:sent|done|finished|submitted|fixed|booked|paid|signed|delivered|"
             r"closed|completed|scheduled|resolved|approved)", r"(?:did|has|have) .{0,40}(?:send|submit|fix|book|"
             r"finish|deliver|complete|resolve)", r"what about", "进展", "怎么样", "如何", "了吗", "情况", "到哪",
             "处理得", "搞定了吗", "完成了吗", "做了吗", "交了吗", "发了吗", "有结果")

# --- dates ------------------------------------------------------------------------------------

RECENT = cue(r"recent(?:ly)?", r"lately", r"latest", r"just", r"last few", r"past few",
             "最近", "近期", "近来", "刚刚", "刚")

# --- health and signals ------------------------------------------------------------------------

HEALTH = cue(r"health(?:y)?", r"how (?:is|are) .* doing", r"how(?:'s| is| are) (?:it|the account|things|we|it going)",
             r"^\W*how(?:'s| is| are)?\W*$", "怎么样了", "如何了",
             r"how(?:'s| is)? .* doing", r"status", r"rag", r"red", r"yellow", r"amber", r"green",
             r"traffic light", r"at risk", r"risks?", r"risky", r"in trouble",
             "健康", "红绿灯", "红灯", "黄灯", "绿灯", "风险", "状态", "怎么样", "状况", "亮灯")
COLOR_WORDS: dict[str, re.Pattern[str]] = {
    "red": cue(r"red", "红灯", "红色", "亮红"),
    "yellow": cue(r"yellow", r"amber", "黄灯", "黄色", "亮黄"),
    "green": cue(r"green", "绿灯", "绿色"),
}
WHY = cue(r"why", r"how come", r"reasons?", r"what(?:'s| is) wrong", r"causes?", r"explain",
          r"what makes it", r"not green", "为什么", "为何", "原因", "为啥", "怎么回事", "凭什么",
          "怎么会", "不是绿灯", "不绿")
FIX = cue(r"turn (?:it )?green", r"get (?:it )?(?:back )?to green", r"make it green",
          r"back to green", r"become green", r"go green", r"improve", r"fix(?:es)?",
          r"what (?:should|can|could) we do", r"how (?:do|can|could) we", r"recover",
          "变绿", "转绿", "回到绿", "恢复绿", "恢复到绿", "改善", "怎么办", "怎样才能", "如何才能",
          "提升", "改进", "该做什么", "应该做什么", "变成绿灯")
TREND = cue(r"trend(?:s|ing)?", r"changed?", r"changes", r"since last month", r"getting (?:better|worse)",
            r"improving", r"worse", r"better", r"history", r"over time", r"compared? (?:to|with) last month",
            r"than last month", r"vs\.? (?:last month|now|before)", "差了", "变坏", "更差", "更好", "比上个月", "跟上个月比",
            "和上个月比",
            "趋势", "变化", "变好", "变差", "走势", "好转", "恶化", "历史")
METRICS: dict[str, re.Pattern[str]] = {
    "nps": cue(r"nps", r"net promoter(?: score)?", r"promoter score", r"promoters?", r"detractors? score",
               r"(?:would|will) (?:they )?recommend", r"likely to recommend",
               "净推荐值", "净推荐", "推荐值", "推荐指数", "推荐度", "愿意推荐", "推荐分"),
    "csat": cue(r"csat", r"(?:customer )?satisfaction", r"satisfied", r"happy with us", r"how happy",
                r"dissatisfied", "满意度", "满意", "满不满意", "开心"),
    "usage": cue(r"usage", r"adoption", r"adopt(?:ed|ing)?", r"utili[sz]ation", r"active users", r"how much .* us(?:e|ing)",
                 r"(?:are|is) (?:they|the customer|the client|people|anyone|their (?:staff|team|users)) "
                 r"(?:actually |really )?using", r"using (?:the|our|it)(?![a-z])",
                 r"how (?:much|often|well) .{0,30}(?:use|used|using)(?![a-z])",
                 "用得怎么样", "用得如何", "用得多", "在用", "用了多少", "使用程度", "上线率", "普及",
                 r"users? .{0,12}active", r"active .{0,12}users?",
                 "使用率", "使用情况", "活跃度", "用量", "使用量", "采用率", "活跃"),
    "response_hours": cue(r"response (?:time|hours|speed)", r"sla", r"how (?:fast|quickly) .* respond",
                          r"(?:answer|respond to|handle|close) (?:their |the )?(?:tickets|requests|service requests)",
                          r"how (?:fast|quickly)", "工单响应", "多快",
                          r"respond", r"responsiveness", r"turnaround", r"time to (?:respond|reply|answer)",
                          r"ticket times?", "响应时间", "响应速度", "响应", "回复速度", "回复时间", "时效", "工单时长"),
    "cis": cue(r"cis", r"(?:customer )?improvement score", "改进分", "客户改进", "改善评分", "改进评分",
               "改进得分", "改善分"),
    "exec_meeting": cue(r"exec(?:utive)? (?:meeting|visit|call|contact|touch ?point)s?",
                        r"(?:met|meet|see|seen|saw|visited|visit) (?:their|the) (?:ceo|cio|cfo|cto|execs?|executives?|boss|c-level)",
                        r"c-level (?:meeting|visit)", "高层会面", "高层会议", "高层拜访", "高层见面",
                        "高层互动", "高层会晤"),
}
SIGNALS = cue(r"signals?", r"kpis?", r"metrics?", r"indicators?", r"numbers", r"scores",
              "信号", "指标", "数据")

# --- money, tier, score --------------------------------------------------------------------

GROSS_PROFIT = cue(r"gross profit", r"gp", r"profit", r"profits", r"profitable", r"earn(?:ings)?",
                   r"make (?:on|from)", "毛利(?!率)", "利润(?!率)", "赚")
MARGIN = cue(r"margins?", r"profitability", r"markup", "毛利率", "利润率")
REVENUE = cue(r"revenues?", r"sales volume", r"turnover", r"contract value", r"deal size",
              r"(?:how much|what) (?:do|does) (?:they|the customer) (?:pay|spend)", r"billings?",
              r"income", r"worth", r"acv", r"arr", r"how big", r"size of (?:the|this) account",
              "营收", "收入", "销售额", "营业额", "合同额", "合同金额", "规模", "多少钱", "金额")
MONEY = cue(r"money", r"financials?", r"finances", r"commercials?", "财务", "经营数据")
TIER = cue(r"tiers?", r"tiering", r"level", r"segment", r"classification", r"category",
           r"strategic (?:partner|account)", r"how important", r"core account",
           "层级", "级别", "等级", "分级", "类别", "哪一级", "什么级", "分层", "哪一类", "核心客户", "重要客户",
           "潜力客户", "战略客户")
# Basic account fields the card holds (the industry), not tasks or health.
INDUSTRY = cue(r"industry", r"industries", r"sector", r"vertical", r"line of business",
               r"what (?:kind|type|sort) of (?:business|company)", "行业", "所属领域", "哪个领域",
               "什么领域", "做什么生意", "什么类型的公司", "什么类型的企业", "属于哪类企业")
SCORE = cue(r"account score", r"scor(?:e|ed|ing)", r"four dimensions?", r"dimensions",
            r"rating", r"rated", "评分", "打分", "四维", "四个维度", "分数", "评级")

# --- stakeholders --------------------------------------------------------------------------

STAKEHOLDERS = cue(r"stakeholders?", r"contacts?", r"decision chain", r"who do we know",
                   r"who(?:'s| is)? (?:on )?their side", r"people at", r"org chart", r"key people",
                   r"their people", r"customer side people", r"champions?", r"blockers?",
                   "干系人", "利益相关", "联系人", "决策链", "关键人", "对接人", "客户方的人", "组织架构",
                   "关系人")
TITLES = cue(r"c[eiftom]o", r"vp", r"vice president", r"director", r"head of \w+", r"procurement",
             r"purchasing", r"buyer", r"cfo", r"chairman", r"president", r"gm", r"general manager",
             "总裁", "总经理", "总监", "董事", "采购", "首席", "董事长", "副总", "部长", "主任", "经理")
# Stakeholder roles, each a group of the ways it is written (in questions and in the record).
STAKEHOLDER_ROLES: dict[str, re.Pattern[str]] = {
    "decision_maker": cue(r"decision[- ]?makers?", r"decides", r"decider", r"final say", r"signs? off",
                          r"sign(?:s|ing)? the contract", r"economic buyer", r"calls the shots",
                          "决策人", "决策者", "拍板", "签字", "最终决定", "说了算"),
    "influencer": cue(r"influencers?", r"influential", r"influenc(?:es|ing|e)", "影响者", "影响人", "影响力"),
    "gatekeeper": cue(r"gate-?keepers?", "把关人", "守门人", "把关"),
    "user": cue(r"end users?", r"user buyer", "使用者", "用户代表"),
    "technical": cue(r"technical (?:buyer|evaluator|decision)", r"evaluators?", "技术评估", "技术把关"),
    "sponsor": cue(r"their sponsor", r"customer sponsor", r"internal sponsor", "客户方赞助", "内部赞助"),
}
STANCES: dict[str, re.Pattern[str]] = {
    "champion": cue(r"champions?", r"supporters?", r"support(?:s)? us", r"on our side", r"friendly",
                    r"allies", r"ally", r"fans?", r"advocates?", r"backs? us", r"in our corner",
                    r"positive about us", "支持者", "拥护者", "支持我们", "教练", "站在我们这边",
                    "支持", "拥护", "力挺", "看好我们", "帮我们说话", "内线"),
    "blocker": cue(r"blockers?", r"against us", r"opponents?", r"opposes?", r"hostile", r"detractors?",
                   r"skeptic(?:s|al)?", r"sceptic(?:s|al)?", r"block(?:ing|s)? us", r"in (?:our|the) way",
                   r"doubts?", r"doubtful", r"unconvinced", r"negative", r"critical of us", r"resist(?:s|ing|ant)?",
                   r"pushing back", r"pushes back", "反对者", "反对", "不支持", "阻碍", "观望", "怀疑", "质疑",
                   "不看好", "不信任", "抵触", "唱反调", "持保留"),
    "neutral": cue(r"neutral", r"on the fence", r"undecided", r"sitting on the fence", "中立", "态度中立",
                   "摇摆", "骑墙"),
}

# --- plan ---------------------------------------------------------------------------------------

PLAN = cue(r"account plan", r"(?:our|the|strategic|business|joint) plan", r"plan", r"planning",
           "客户计划", "账户计划", "客户规划", "计划书", "(?<![\u4e00-\u9fff])计划", "的计划", "规划")
NOT_PLAN = cue(r"payment plan", r"pilot plan", r"project plan", r"delivery plan", r"plan to",
               r"planned", r"plans? for", "回款计划", "付款计划", "上线计划", "交付计划")
PLAN_SECTIONS: dict[str, re.Pattern[str]] = {
    "goals": cue(r"goals?", r"objectives?", r"achieve", r"(?:customer|client|they) (?:plans?|intends?|aims?) to",
                 "客户打算", "客户想", "客户准备", "他们打算", r"aims?", r"ambitions?", r"priorities", r"what (?:do|does) "
                 r"(?:they|the customer|the client) want", r"strategy", r"vision",
                 r"targets?", r"what are they aiming for",
                 "目标", "诉求", "客户想要", "想达成", "战略重点", "愿景", "目的", "规划目标"),
    "challenges": cue(r"challenges?", r"pain ?points?", r"problems?", r"struggles?", r"issues",
                      r"headaches?", r"obstacles?", r"hurdles?", r"what(?:'s| is) hard for them",
                      "挑战", "痛点", "难点", "困难", "难题", "瓶颈", "障碍", "头疼"),
    "opportunities": cue(r"opportunit(?:y|ies)", r"upsell", r"up-sell", r"cross-?sell", r"white ?space",
                         r"growth areas?", r"expansion", r"upside", r"room to grow", r"grow (?:the|this) account",
                         r"sell (?:them )?more", r"more business", r"new business", r"potential deals?",
                         r"where (?:can|could) we grow", r"expand",
                         "机会", "商机", "增长点", "增购", "增长空间", "拓展", "扩展", "还能卖", "多卖", "潜在业务",
                         "空白", "扩大合作", "上升空间"),
    "competition": cue(r"competit(?:ion|ors?|ive(?: landscape)?)", r"rivals?", r"other vendors?",
                       r"alternatives", r"up against", r"bidding against", r"compet(?:e|es|ing) (?:with|against|for)",
                       r"(?:who|anyone|anybody) else (?:is )?(?:bidding|competing|pitching|in the (?:running|race|deal))",
                       r"other (?:bidders|suppliers|providers)", r"bidders?", r"incumbents?",
                       r"against whom", "竞争", "竞争对手", "对手", "竞品", "友商", "同行", "其他供应商", "其他厂商", "竞标", "抢单",
                       "还有谁在投标", "跟我们抢", "和我们抢"),
    "relationships": cue(r"relationship plan", r"relationship(?:s)? (?:strategy|map)",
                         r"relationship building", "关系计划", "关系规划", "关系策略", "关系拓展"),
    "actions": cue(r"plan(?:ned)? actions", r"action plan", r"plan of action", r"key actions", "行动计划",
                   "关键行动", "行动方案"),
}

GOALS_STRONG = cue(r"(?:customer|client|they) (?:plans?|intends?|aims?) to", r"trying to achieve",
                   r"(?:want|wants|aim|aims|hope|hopes) to achieve", "想达成", "希望达成", "要达成什么", "客户打算", "客户想",
                   "客户准备", "他们打算")

# --- notes, meetings, decisions ----------------------------------------------------------------

AGREE = cue(r"agree(?:d|ment|ments)?", r"decid(?:e|ed|ing)", r"decisions?(?! ?makers?)(?! chain)",
            r"conclu(?:de|ded|sion)", r"settled", r"promis(?:e|ed)", r"commit(?:ted|ment)",
            r"confirm(?:ed)?", r"deal(?:s)?", "达成", "共识", "约定", "决定", "同意", "承诺", "确认",
            "敲定", "定了", "定下")
SAID = cue(r"said", r"say(?:s)?", r"told", r"tell us", r"discuss(?:ed|ion|ions)?", r"talk(?:ed)?",
           r"talks", r"mention(?:ed)?", r"raised", r"ask(?:ed)? for", r"want(?:ed|s)?", r"expect(?:ed|s)?",
           r"request(?:ed)?", r"complain(?:ed|s)?", r"feedback", r"concerns?", r"spoke", r"chat(?:ted)?",
           r"covered", r"came up", r"news on", r"update on", r"anything (?:on|about)", r"what about",
           r"cares? about", r"worr(?:y|ied|ies)", r"priorities for", r"think(?:s)? (?:of|about)",
           r"position on", r"view on", r"opinion", r"came out of", r"outcomes?", r"takeaways?",
           "谈了", "谈过", "说了", "说过", "讨论", "聊了", "聊过", "提到", "提过", "提出", "反馈", "要求",
           "希望", "关心", "说什么", "谈什么", "聊什么", "沟通", "交流", "怎么说", "进展", "担心",
           "在意", "在乎", "看法", "意见", "抱怨", "顾虑", "提了", "结论", "成果", "有什么结果", r"wr(?:ite|ote|itten)")
WITH = cue(r"with", r"from", r"to", "和", "跟", "与", "同")
ABOUT = cue(r"about", r"on", r"regarding", r"re", r"concerning", "关于", "有关")
# Notes in general: the last meeting, unless the question asks what they say about something.
NOTES = cue(r"meeting notes?", r"minutes", r"notes", "纪要", "会议纪要", "会议记录")
LAST_MEETING = cue(r"last (?:meeting|note|call|visit|sync|qbr|catch-?up)", r"latest (?:meeting|note|call)",
                   r"(?:most )?recent (?:meeting|note|call|visit)", r"previous meeting",
                   r"when did we (?:last )?meet", r"last time we (?:met|spoke|talked)",
                   r"last met",
                   "上次会议", "上一次会议", "最近的会议", "最近一次会议", "最新纪要", "会议纪要", "上次开会",
                   "最近会议", "上次见", "最近一次见", "上次拜访", "最近一次拜访", "上次沟通", "最近一次沟通",
                   "上次的会", r"what(?:'s| is) new", r"latest news", r"any updates?",
                   r"latest updates?", r"what happened", "最新进展", "有什么新消息", "最新情况", "最近怎么样了")
SUMMARY = cue(r"summar(?:y|ise|ize)", r"overview", r"tell me about", r"brief(?:ing)?", r"360",
              r"what do (?:we|i) know", r"status of", r"rundown", r"catch me up", r"fill me in",
              r"big picture", r"snapshot", r"everything", r"in a nutshell", r"recap",
              "概况", "总结", "摘要", "简介", "介绍一下", "整体情况", "概览", "汇总", "全貌", "大概情况",
              "总体情况", "简报", "整体")
RENEWAL = cue(r"renew(?:al|als|s|ed|ing)?", r"contract (?:end|ends|expir\w*|runs out|term)",
              r"contract (?:up|due)", r"(?:when|does) .*contract .*(?:end|expire|run out)",
              r"expir(?:y|ation) date", "续约", "续签", "续费", "续订", "合同到期", "合同什么时候到期",
              "合同期", "到期续")
# The contract's end, however said: the renewal (and "过期" there is no late work).
CONTRACT_END = cue(r"(?:contract|subscription|licen[cs]e)s? (?:[a-z']+ ){0,3}?(?:end|ends|ended|expire|expires|"
                   r"expired|expiring|expiry|run out|runs out|lapse|lapses|up for renewal)",
                   "合同.{0,8}(?:到期|过期|截止|结束|终止|期满)", "合同(?:的)?有效期", "合同.{0,4}到(?:什么时候|哪天|几号|何时)", "合约.{0,8}(?:到期|过期|截止|结束|期满)",
                   "(?:到期|过期|期满)(?:日|时间|日期)?.{0,3}合同", "服务期.{0,6}(?:到期|结束|截止)")
SHORT_WINDOW_DAYS = 14

# --- the portfolio --------------------------------------------------------------------------------

PORTFOLIO = cue(r"accounts", r"customers", r"clients", r"portfolio", r"which (?:account|customer|client)",
                r"what (?:accounts|customers|clients)", r"any (?:account|customer|client)s?",
                r"all (?:our )?(?:accounts|customers|clients)", r"top \d+", r"top (?:ten|five|three)",
                r"rank(?:ing|ed)?", r"list of accounts",
                "哪些客户", "哪个客户", "所有客户", "全部客户", "客户列表", "客户名单", "哪几个客户", "各客户",
                "排名", "排行", "前\\d+", "前[一二三四五六七八九十]+", "最高的", "最多的", "组合", "哪些账户",
                "几个客户", "哪家", "哪些公司")
TOP = cue(r"top", r"best", r"biggest", r"largest", r"highest", r"most", r"rank(?:ing|ed)?", r"leading",
          "最高", "最大", "最多", "排名", "排行", "前\\d+", "前[一二三四五六七八九十]+", "最好")
WITHOUT = cue(r"no", r"without", r"missing", r"lacks?", r"lacking", r"vacant", r"empty", r"unfilled",
              r"nobody as", r"no one as", r"doesn't have", r"don't have", r"do not have", r"does not have",
              "没有", "缺少", "缺", "空缺", "无")


def strip_cues(text: str) -> str:
    """``text`` without every cue word this module knows: what is left is what the
    question is about ("what's left on the installation?" -> "installation")."""
    for value in list(globals().values()):
        patterns = [value] if isinstance(value, re.Pattern) else (
            [v for v in value.values() if isinstance(v, re.Pattern)] if isinstance(value, dict) else [])
        for pattern in patterns:
            text = pattern.sub(" ", text)
    return text


# The Latin words people misspell in questions, spelled right: a word of the question
# within a small edit distance of one of these is read as it (see understand.mend).
VOCABULARY = frozenset("""
overdue pending outstanding unfinished remaining backlog progress working tasks task actions
action deadline deadlines finished completed complete closed delivered cancelled canceled
customer customers accounts account clients client recently recent lately latest health
healthy status yellow green amber traffic reason reasons wrong improve trend trending history
renewal renewals renew contract expire expires expiring stakeholders stakeholder contacts
contact decision maker makers procurement director president revenue revenues margin margins
profit gross tier tiers score scoring dimensions signals signal metrics satisfaction usage
adoption response improvement executive meeting meetings sponsor manager solution solutions
delivery fulfillment fulfilment implementation summary summarize summarise overview agree
agreed agreement decided decide discussed discuss discussion mentioned promised committed
talked goals objectives challenges opportunities opportunity competition competitors
competitor relationship plan portfolio ranking highest biggest without missing vacant triangle
responsible happened meeting notes week month today tomorrow quarter yesterday weekend
previous upcoming tomorrow this next days weeks months before after between who what which
when where doing team owner owns handles charge working assigned assignee person people
champion blocker influencer gatekeeper supporter opponent against supports budget payment
quote proposal pilot install installation acceptance schedule running bidding competing bidders
against supposed deliver provide owes homework queue plate backlog waiting expected""".split())

# Acronyms people swap letters in ("nsp" for NPS); mended when three or four letters long.
ACRONYMS = frozenset({"nps", "csat", "kpi", "kpis"})
