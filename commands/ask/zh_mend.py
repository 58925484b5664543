"""Chinese typos mended: a key word of questions typed with a wrong homophone.

Chinese is typed through a pinyin input method, so its typos are the wrong character of
the same sound: "逾其" for 逾期, "续越" for 续约, "人物" for 任务. A run of the question that
differs from one of :data:`KEY_TERMS` in exactly one character, where both characters
share a reading (tones ignored; every reading of a polyphone counts), is read as that
term. Only the key terms are mended (the words questions turn on), so names and topics
are left as typed. The readings come from pypinyin's character table, loaded the first
time a near miss is seen.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# The words a Chinese question turns on, spelled right.
KEY_TERMS: tuple[str, ...] = tuple("""
逾期 过期 延期 到期 截止 超期 任务 事项 待办 完成 取消 续约 续签 合同 健康 健康度 红灯 黄灯 绿灯 风险
干系人 决策人 决策者 满意度 推荐值 净推荐值 使用率 响应 响应时间 毛利率 毛利 营收 收入 层级 评分 目标 挑战
痛点 机会 商机 竞争 友商 纪要 会议 决定 负责 负责人 交付 方案 解决方案 赞助人 客户经理 交付经理 信号 指标
进展 验收 回款 报价 预算 态度 支持 反对 怀疑 摘要 概况 总结 计划 逾期的 未完成 已完成 截止日期 续约日期
""".split())
_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _index() -> dict[tuple[str, int], list[str]]:
    """Each term with one character masked -> the terms: "逾?" -> [逾期]."""
    index: dict[tuple[str, int], list[str]] = {}
    for term in KEY_TERMS:
        for i in range(len(term)):
            index.setdefault((term[:i] + "?" + term[i + 1:], i), []).append(term)
    return index


@cache
def _readings(char: str) -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(char), "")
    plain = {"".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
             for r in raw.split(",") if r}
    return frozenset(p.replace("ü", "v") for p in plain)


def _sounds_alike(a: str, b: str) -> bool:
    return bool(_readings(a) & _readings(b))


def mend_chinese(text: str) -> str:
    """``text`` with its misspelt key terms (a homophone typed for one character) put right."""
    if not _CJK.search(text):
        return text
    terms = set(KEY_TERMS)
    index = _index()
    out = text
    for size in sorted({len(t) for t in KEY_TERMS}, reverse=True):
        start = 0
        while start + size <= len(out):
            window = out[start:start + size]
            fixed = None
            if window not in terms and all(_CJK.match(c) for c in window):
                for i in range(size):
                    for term in index.get((window[:i] + "?" + window[i + 1:], i), ()):
                        if not _inside_term(out, start, size, term) and _sounds_alike(window[i], term[i]):
                            fixed = term
                            break
                    if fixed:
                        break
            if fixed:
                out = out[:start] + fixed + out[start + size:]
                start += size
            else:
                start += 1
    return out


def _inside_term(text: str, start: int, size: int, fix: str) -> bool:
    """Whether the run overlaps a key term already spelled right that the fix would not keep
    ("完成" in "完成了" stays; "毛利律" may still become 毛利率)."""
    for term in KEY_TERMS:
        if term in fix:
            continue
        for m in re.finditer(re.escape(term), text):
            if m.start() < start + size and start < m.end():
                return True
    return False
