"""Chat shorthand and colloquial forms, written out before a question is read.

People type questions as they chat: "anything due tmrw?", "what's due nxt wk", "合同啥时候
到期", "陈总咋说的". :func:`expand` writes those forms out ("tomorrow", "next week",
"什么时候", "怎么"), so every cue word, window and topic further on sees one spelling.
Pure; Latin forms are matched as whole words in any case, Chinese ones anywhere.

A short table of our own rather than a library: the forms are few, they must be safe
beside task words and names (a general slang list turns "mgmt" or "pls" into anything),
and Chinese colloquial forms are not covered by the English packages.
"""

from __future__ import annotations

import re

# (forms, what they stand for). Time words first: they decide due windows.
_LATIN: tuple[tuple[str, str], ...] = (
    (r"tmrw|tmrow|tmr|tmw|tmro|2moro|2morrow|2mrw|2mrow|2morow|tomoz", "tomorrow"),
    (r"tdy|2day|tday|2dy", "today"),
    (r"2nite|2night|tonite", "tonight"),
    (r"yday|yest|ystd", "yesterday"),
    # End of (the working) day / close of business: due today.
    (r"eod|cob|eob|end of day|end of the day|close of business", "today"),
    (r"eow|end of wk", "end of the week"),
    (r"eom", "end of the month"),
    (r"nxt", "next"),
    (r"wk", "week"),
    (r"wks", "weeks"),
    (r"mth|mnth", "month"),
    (r"mths|mnths", "months"),
    (r"qtr", "quarter"),
    (r"b4|bfr", "before"),
    (r"abt", "about"),
    (r"mtg|mtng", "meeting"),
    (r"mtgs", "meetings"),
    (r"acct", "account"),
    (r"cust", "customer"),
    (r"ppl", "people"),
    (r"w/o", "without"),
    (r"pls|plz|pleez", "please"),
)
_LATIN_RX = [(re.compile(rf"(?<![a-z0-9/])(?:{forms})(?![a-z0-9/])", re.I), full) for forms, full in _LATIN]

# Spoken Chinese: 啥 / 咋 / 多会儿 and their kin, and day words of the north.
_CHINESE: tuple[tuple[str, str], ...] = (
    ("多会儿|多会|啥时候|啥时|几时|什么时间|哪天", "什么时候"),
    ("啥子|神马|啥", "什么"),
    ("咋样", "怎么样"),
    ("咋", "怎么"),
    ("在干嘛|在干啥|在搞啥|在弄啥", "在做什么"),
    ("明儿个|明儿", "明天"),
    ("今儿个|今儿", "今天"),
    ("昨儿个|昨儿", "昨天"),
    ("哪些个|哪几个", "哪些"),
    ("木有|没得", "没有"),
    ("咱们|咱", "我们"),
    ("俺们", "我们"),
    ("俺", "我"),
)
_CHINESE_RX = [(re.compile(forms), full) for forms, full in _CHINESE]


def expand(question: str) -> str:
    """``question`` with chat shorthand and colloquial words written out."""
    text = question
    for rx, full in _CHINESE_RX:
        text = rx.sub(full, text)
    if re.search(r"[A-Za-z0-9]", text):
        for rx, full in _LATIN_RX:
            text = rx.sub(full, text)
    return text
