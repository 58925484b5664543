"""Parsing a command line into a verb and its arguments: a pure function, no I/O.

The grammar is the same on every platform: ``<verb> free text key=value "quoted value"``.
Chinese users type full-width punctuation (``owner＝SR``, ``“引号”``, U+3000 spaces) and
Chinese verbs and keys; both are folded here so handlers see one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Opening quote -> closing quote.
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "”": "”", "«": "»"}
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*|[\u4e00-\u9fff]{1,6})=(.*)$", re.S)

VERB_ALIASES: dict[str, str] = {
    "帮助": "help",
    "客户": "account",
    "账户": "account",
    "客户列表": "accounts",
    "组合": "accounts",
    "铁三角": "triangle",
    "交接": "handover",
    "笔记": "note",
    "纪要": "note",
    "会议纪要": "note",
    "任务": "task",
    "行动": "task",
    "完成": "done",
    "重开": "reopen",
    "重新打开": "reopen",
    "未完成": "open",
    "待办": "open",
    "任务列表": "tasks",
    "健康": "health",
    "健康度": "health",
    "信号": "signal",
    "指标": "signal",
    "报告": "report",
    "月报": "report",
    "问": "ask",
    "提问": "ask",
    "干系人": "stakeholder",
    "利益相关者": "stakeholder",
    "计划": "plan",
    "客户计划": "plan",
    "转派": "reassign",
    "改派": "reassign",
    "总结": "summarize",
}

KEY_ALIASES: dict[str, str] = {
    "负责人": "owner",
    "责任人": "owner",
    "截止": "due",
    "截止日期": "due",
    "到期": "due",
    "层级": "tier",
    "等级": "tier",
    "级别": "tier",
    "续约": "renewal",
    "续约日期": "renewal",
    "行业": "industry",
    "收入": "revenue",
    "营收": "revenue",
    "毛利": "margin",
    "利润率": "margin",
    "语言": "lang",
    "高层": "sponsor",
    "高层负责人": "sponsor",
    "价值": "value",
    "潜力": "potential",
    "契合": "fit",
    "契合度": "fit",
    "成本": "cost",
    "标题": "title",
    "职位": "title",
    "角色": "role",
    "权力": "power",
    "兴趣": "interest",
    "态度": "stance",
    "language": "lang",
    "assignee": "owner",
    "原因": "reason",
    "理由": "reason",
    "国家": "country",
    "汇报给": "reports_to",
    "上级": "reports_to",
    "reportsto": "reports_to",
    "决策角色": "decision",
    "level": "tier",
    "名称": "name",
    "关系": "relationship",
    "共享": "shared",
    "编号": "id",
    "转给": "to",
    "时间": "at",
    "小时": "hour",
    "时刻": "time",
    "使用率": "usage",
    "活跃度": "usage",
    "满意度": "csat",
    "客户满意度": "csat",
    "净推荐值": "nps",
    "推荐值": "nps",
    "响应时长": "response_hours",
    "响应时间": "response_hours",
    "改进评分": "cis",
    "高层会晤": "exec_meeting",
    "高层会议": "exec_meeting",
    "金额": "amount",
    "阶段": "stage",
    "成交": "close",
    "概率": "probability",
    "类型": "kind",
}


def fold_width(text: str) -> str:
    """Full-width ASCII and the ideographic space become their ASCII twins; CJK stays."""
    return text.translate(_FULLWIDTH)


class ParseError(ValueError):
    """A command line that cannot be split, e.g. an unclosed quote."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(slots=True)
class Token:
    text: str
    quoted: bool = False
    # The part typed before the first quote: `owner=` in `title="a b"` decides key=value.
    lead: str = ""


def tokenize(text: str) -> list[Token]:
    """Split on white space; quotes (straight, curly, CJK corner) group words."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        buf: list[str] = []
        quoted = False
        lead: str | None = None
        while i < n and not text[i].isspace():
            ch = text[i]
            # A quote opens only where a value starts: "Acme's CFO" keeps its apostrophe.
            if ch in _QUOTES and (not buf or buf[-1].endswith("=")):
                close = _QUOTES[ch]
                end = text.find(close, i + 1)
                if end < 0 and close == "”":
                    end = text.find('"', i + 1)
                if end < 0:
                    raise ParseError("error.unclosed_quote", quote=ch)
                if lead is None:
                    lead = "".join(buf)
                buf.append(text[i + 1 : end])
                quoted = True
                i = end + 1
            else:
                buf.append(ch)
                i += 1
        text_ = "".join(buf)
        tokens.append(Token(text_, quoted, text_ if lead is None else lead))
    return tokens


def quote_arg(text: str) -> str:
    """``text`` as ONE quoted argument that :func:`parse_command` reads back as itself.

    For composing commands out of stored or model text (a proposed task's button, a modal's
    title): the words become one positional value, never options or flags, whatever
    quotes they hold (``"``, full-width ``＂``, curly or corner quotes). The text is folded
    the way the parser folds it and put on one line; the quote pair used is one whose
    closing mark the text does not contain, and a text that holds every closing mark loses
    its ``"``.
    """
    body = " ".join(fold_width(text).split())
    for opening, closing in (('"', '"'), ("“", "”"), ("「", "」"), ("『", "』"), ("«", "»")):
        if closing not in body:
            return f"{opening}{body}{closing}"
    return '"' + body.replace('"', "'") + '"'


@dataclass(slots=True)
class Args:
    """A parsed command: its verb, positional words, ``key=value`` options and mentions.

    ``rest`` is everything after the verb exactly as typed (a note keeps its line breaks).
    """

    verb: str
    rest: str = ""
    words: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    quoted: list[bool] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def option(self, *names: str) -> str | None:
        for name in names:
            if name in self.options:
                return self.options[name]
        return None


_PREFIX = re.compile(r"^\s*/?kam(?:@\w+)?\s+", re.I)
_VERB = re.compile(r"^\s*/?([^\s/@]+)(?:@\w+)?", re.S)


def split_verb(text: str) -> tuple[str, str]:
    """``/kam task x`` / ``/task@kambot x`` / ``task x`` -> (``task``, ``x``)."""
    text = _PREFIX.sub("", text, count=1)
    match = _VERB.match(text)
    if not match:
        return "", ""
    raw = fold_width(match.group(1)).lower()
    rest = text[match.end() :]
    if rest[:1] in {" ", "\t", "\n", "\u3000"}:
        rest = rest[1:]
    return VERB_ALIASES.get(raw, raw), rest.strip(" \t\u3000") if "\n" not in rest else rest.strip()


def typed_verb(text: str) -> str:
    """The verb as it was typed, before its alias is resolved (``客户`` in ``客户 新建 …``)."""
    text = _PREFIX.sub("", text, count=1)
    match = _VERB.match(text)
    return fold_width(match.group(1)).lower() if match else ""


def parse_command(text: str, *, free_text: bool = False) -> Args:
    """Parse one command line. Raises ParseError for lines that cannot be split.

    ``free_text`` verbs (a note, a question) keep their text as typed: no quote rules.
    """
    verb, rest = split_verb(text)
    args = Args(verb=verb, rest=rest)
    if not verb:
        return args
    if free_text:
        args.words = rest.split()
        args.quoted = [False] * len(args.words)
        return args
    for token in tokenize(fold_width(rest)):
        match = _KEY.match(token.text) if "=" in token.lead else None
        if match:
            key = match.group(1).lower()
            args.options[KEY_ALIASES.get(key, key)] = match.group(2)
        else:
            args.words.append(token.text)
            args.quoted.append(token.quoted)
    return args
