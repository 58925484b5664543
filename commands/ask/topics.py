"""What a question is about, and whether a text speaks about it.

A topic is a group of equivalent phrases: a word of the question and its translation
("预算" / "budget", from :data:`TOPICS`). Texts are compared in the search index's
form (:func:`storage.search.index_text`: Latin words case-folded, Chinese as character
bigrams), with light stemming for English. Used for the lines of notes, the decisions and
the titles of tasks a question is about. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from commands.ask.lexicon import cue
from commands.ask.understand import mend
from commands.textfold import fold
from storage import search

Group = list[list[str]]  # alternatives, each a phrase of index tokens
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Topics written in one language and asked about in the other: each group holds words
# that mean the same, so "预算" finds "budget" and "payment" finds "回款".
TOPICS: tuple[tuple[str, ...], ...] = (
    ("budget", "budgets", "预算"),
    ("payment", "payments", "pay", "paid", "回款", "付款", "支付", "收款"),
    ("price", "prices", "pricing", "discount", "价格", "折扣", "降价", "价钱"),
    ("quote", "quotes", "quotation", "offer", "报价"),
    ("contract", "contracts", "合同"),
    ("renewal", "renew", "续约", "续签"),
    ("delivery", "deliver", "交付"),
    ("acceptance", "验收"),
    ("installation", "install", "安装"),
    ("training", "培训"),
    ("pilot", "试点"),
    ("dashboard", "看板", "仪表盘"),
    ("incident", "outage", "fault", "failure", "故障", "事故"),
    ("invoice", "invoices", "发票", "开票"),
    ("procurement", "purchasing", "采购"),
    ("store", "stores", "门店"),
    ("launch", "live", "上线"),
    ("schedule", "timeline", "进度", "排期", "时间表"),
    ("demo", "演示"),
    ("requirement", "requirements", "需求"),
    ("roadmap", "路线图"),
    ("security", "安全"),
    ("upgrade", "升级"),
    ("workshop", "研讨会", "工作坊"),
    ("terms", "条款"),
    ("steering", "指导委员会"),
)

# When a question asks what was said without a topic ("what did they ask for?", "客户提了
#什么要求"), the kind of thing said is the topic.
SAID_KINDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (cue(r"ask(?:ed)? for", r"want(?:s|ed)?", r"request(?:ed|s)?", r"expect(?:s|ed)?", "要求", "希望", "想要", "需求"),
     ("asked", "ask", "wants", "want", "expects", "expect", "requested", "request", "要求", "希望", "想要", "需要")),
    (cue(r"worr(?:y|ied|ies)", r"concerns?", r"complain(?:ed|s|ts)?", r"unhappy", r"issues?", "担心", "顾虑",
         "抱怨", "不满", "问题"),
     ("concern", "concerns", "worried", "complain", "complained", "issue", "problem", "担心", "顾虑", "抱怨",
      "不满", "问题")),
)

# Words of the question that say what kind of question it is, not what it is about.
IGNORE = frozenset("""
agree agreed agreement agreements decide decided deciding decision decisions conclude concluded
conclusion settled promise promised commit committed commitment confirm confirmed deal deals said
say says told tell discuss discussed discussion discussions talk talked talks mention mentioned
raised ask asked want wanted wants expect expected expects request requested complain complained
complaints feedback concern concerns spoke chat chatted covered came news update anything
happened meet met meeting meetings note notes call calls with from them they their customer client did
we us our what about regarding on re concerning last month week recently lately year quarter
whats new any there was were has have had been the and care cares cared worried worry worries think
thinks thought position view views opinion opinions priorities write wrote written notes said
show list give me please log logs history record recorded all latest recent summary
his her him she he its it this that in of for to at by is are be do does did about tell
提了 提到过 提过 说过 写了 写过 记录 里 吗 在意 看法 态度 意见 顾虑 抱怨 关注
完成 能完成 做完 处理 到期 截止 逾期 可以 需要 能否 是否 能不能 还有 哪些
谈 谈了 谈过 说 说了 说过 讨论 讨论了 聊 聊了 聊过 提到 提过 提出 反馈 要求 希望 关心 决定 决定了 同意
约定 共识 达成 达成了 承诺 确认 确认了 敲定 定了 沟通 交流 进展 担心 什么 我们 他们 客户 对方 关于 有关
上次 最近 上个月 上月 本月 上周 本周 这周 之前 会议 纪要 怎么 怎么说 哪些 情况 一下 时候 什么时候
""".split())




def tokens(text: str) -> list[str]:
    return list(_tokens(text))


@lru_cache(maxsize=65_536)
def _tokens(text: str) -> tuple[str, ...]:
    # Every question reads every open task's title: the same titles, tokenised once.
    # "fixed-price" is two words here ("pricing" finds it), not the index's "fixedprice".
    return tuple(search.index_text(_HYPHEN.sub(" ", text)).split())


_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")


def has_term(words: list[str], term: list[str]) -> bool:
    if len(term) > 1 or _CJK.match(term[0]):
        return f" {' '.join(term)} " in f" {' '.join(words)} "
    word = term[0]
    # Light stemming for English: "pilot" finds "pilots", "quoted" finds "quote".
    return any(t == word or (len(word) >= 4 and t.startswith(word))
               or (len(t) >= 4 and len(word) >= 5 and word.startswith(t)) for t in words)


def matches(words: list[str], group: Group) -> bool:
    return any(has_term(words, term) for term in group)


def groups_of(question: str, *, ignore: Iterable[str] = (), person_forms: tuple[str, ...] = ()) -> list[Group]:
    """What ``question`` is about, as groups of equivalent phrases, without question words,
    the words in ``ignore`` and the person it names (``person_forms``)."""
    skip = set(IGNORE) | set(ignore)
    skip |= {w for form in person_forms for w in search.index_text(form).split()} | set(person_forms)
    # Mended as the intent was, so a misspelt name ("Maira") is not taken for a topic.
    folded = _HYPHEN.sub(" ", mend(fold(question), {w for form in person_forms for w in form.split()}))
    for form in sorted(person_forms, key=len, reverse=True):
        folded = folded.replace(form, " ")
    groups: list[Group] = []
    for term in search.query_terms(folded, ignore=skip):
        word = "".join(term[:1] + [t[-1] for t in term[1:]]) if _CJK.match(term[0]) else term[0]
        group = [term]
        for topic in TOPICS:
            if word in topic:
                group += [tokens(w) for w in topic if w != word]
        groups.append(group)
    if not groups:
        # "What did they ask for?": the kind of thing said is the topic.
        for pattern, words in SAID_KINDS:
            if pattern.search(folded):
                groups.append([tokens(w) for w in words])
                break
    return groups


def titles_about(question: str, titles: Iterable[tuple[int, str]]) -> list[int]:
    """The numbers of the titles that speak about what ``question`` names, with the cue
    words taken out first ("has the quote been sent?" -> "quote")."""
    from commands.ask.lexicon import strip_cues

    groups = [g for g in groups_of(strip_cues(fold(question))) if not _only_said_kind(g)]
    if not groups:
        # Taking the cues out can cut a word in two ("提交了吗" loses "交了吗"): the words as asked.
        groups = [g for g in groups_of(question) if not _only_said_kind(g)]
    if not groups:
        return []
    # The titles that speak about most of what is asked: "收银系统的问题" is the till system's
    # fault, not every title with "系统" in it.
    titles = list(titles)
    matcher = TopicMatcher(groups, [title for _, title in titles])
    scored = [(matcher.count(title), n) for n, title in titles]
    best = max((score for score, _ in scored), default=0)
    return [n for score, n in scored if score and score == best]


class TopicMatcher:
    """:func:`matches` of ``groups`` for many texts at once: each group is made once into the
    words it takes among all the texts' words, and a text is then tested with set and string
    lookups (thousands of task titles, every sentence of the notes searched). A text tested
    must be one of ``texts``."""

    def __init__(self, groups: list[Group], texts: Iterable[str]) -> None:
        vocabulary: set[str] = set().union(*(_Title.of(text).words for text in texts))
        by_start: dict[str, list[str]] = {}
        for t in vocabulary:
            by_start.setdefault(t[:4], []).append(t)
        self._tests = [_group_test(g, vocabulary, by_start) for g in groups]

    def count(self, text: str) -> int:
        """How many of the groups ``text`` speaks about."""
        x = _Title.of(text)
        return sum(x.passes(*test) for test in self._tests)


class _Title:
    """A title's words ready for :func:`has_term`'s test done with set and string lookups
    (every question reads every open task's title: thousands on a large account)."""

    __slots__ = ("padded", "words")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = frozenset(words)
        self.padded = f" {' '.join(words)} "

    @staticmethod
    @lru_cache(maxsize=65_536)
    def of(title: str) -> _Title:
        return _Title(_tokens(title))

    def passes(self, words: frozenset[str], phrases: tuple[str, ...]) -> bool:
        """One of ``words`` is a word of the title, or one of ``phrases`` (padded) is in it."""
        return not words.isdisjoint(self.words) or any(p in self.padded for p in phrases)


def _group_test(group: Group, vocabulary: set[str], by_start: dict[str, list[str]],
                ) -> tuple[frozenset[str], tuple[str, ...]]:
    """:func:`matches` of ``group`` made once for many titles: the words of ``vocabulary``
    (every word of the titles; ``by_start`` the same by their first four letters) that the
    light stemming of :func:`has_term` takes for the group's one-word terms, and its phrases
    (several words, or Chinese) padded; a title has the group when it has one of those words
    or holds one of those phrases."""
    words: set[str] = set()
    phrases: list[str] = []
    for term in group:
        if len(term) > 1 or _CJK.match(term[0]):
            phrases.append(f" {' '.join(term)} ")
            continue
        word = term[0]
        if word in vocabulary:
            words.add(word)
        if len(word) >= 4:  # the title's word starts with it
            words.update(t for t in by_start.get(word[:4], ()) if t.startswith(word))
        if len(word) >= 5:  # a title's word of four letters or more begins it
            words.update(stem for stem in (word[:k] for k in range(4, len(word) + 1))
                         if stem in vocabulary)
    return frozenset(words), tuple(phrases)


def _only_said_kind(group: Group) -> bool:
    return any(group == [tokens(w) for w in words] for _, words in SAID_KINDS)
