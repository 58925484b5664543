"""The language a question is answered in: its own, when it is written in one.

The dispatcher answers Chinese text in Chinese and anything else in the channel's language;
a question is people's own words, so an English question in a Chinese account's channel is
answered in English, and a Chinese one anywhere in Chinese. Names (accounts, mentions),
role codes and acronyms (NPS, CSAT, AR) are no language: "Northwind 的 revenue 多少" is a
Chinese question about Northwind (beside Chinese, a capitalised word is taken for a name).
A question too short to tell ("NPS?") keeps the
channel's language. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from commands.textfold import fold

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_MENTION = re.compile(r"<@[^>]*>|@[\w.\-]+")
# Words that read the same in both languages' questions.
_NEUTRAL = frozenset("""
ar sr fr nps csat cis kpi kpis qbr sla ceo cio cfo cto coo vp gm pm it api poc pos crm erp ok
""".split())
# A Chinese character carries about a word; a Latin word about five letters (as the
# dispatcher weighs them).
_LETTERS_PER_CHARACTER = 5
MIN_ENGLISH_WORDS = 2


def question_language(question: str, *, names: Iterable[str] = (), default: str) -> str:
    """"zh" or "en" for a question written in that language, else ``default``."""
    text = _MENTION.sub(" ", question)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.I)
    cjk = len(_CJK.findall(text))
    words = _LATIN_WORD.findall(text)
    if cjk:
        # Beside Chinese, a capitalised Latin word is a name ("Bob", "Siemens"), not English.
        words = [w for w in words if not w[0].isupper()]
    words = [w for w in (fold(w) for w in words) if w not in _NEUTRAL]
    letters = sum(len(w) for w in words)
    if cjk and cjk * _LETTERS_PER_CHARACTER >= letters:
        return "zh"
    if len(words) >= MIN_ENGLISH_WORDS:
        return "en"
    return default
