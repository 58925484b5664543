"""Which iron-triangle role owns a task, read from its wording (see DOMAIN.md).

A task belongs to a role first, so it survives a person leaving. When a task is created
without an owner, ``route_task`` picks the role from the first routing keyword in the
title and returns that keyword exactly as typed, so the reply can say why
(``routed to SR because of "quote"``). Pure: no database, no platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.textfold import fold

__all__ = ["ROLES", "Route", "parse_role", "route_task"]

AR, SR, FR, SPONSOR = "AR", "SR", "FR", "SPONSOR"
ROLES = (AR, SR, FR, SPONSOR)

_ROLE_NAMES: dict[str, str] = {
    # Account Responsible, 客户经理
    "ar": AR,
    "account": AR,
    "account responsible": AR,
    "account manager": AR,
    "客户经理": AR,
    "客户负责人": AR,
    # Solution Responsible, 解决方案经理
    "sr": SR,
    "solution": SR,
    "solutions": SR,
    "solution responsible": SR,
    "solution manager": SR,
    "解决方案经理": SR,
    "方案经理": SR,
    "解决方案负责人": SR,
    # Fulfillment Responsible, 交付经理
    "fr": FR,
    "fulfillment": FR,
    "fulfilment": FR,
    "fulfillment responsible": FR,
    "delivery": FR,
    "delivery manager": FR,
    "交付经理": FR,
    "交付负责人": FR,
    # Executive sponsor, 高层负责人
    "sponsor": SPONSOR,
    "executive sponsor": SPONSOR,
    "exec sponsor": SPONSOR,
    "高层负责人": SPONSOR,
    "高层": SPONSOR,
}


def parse_role(token: str) -> str | None:
    """``"AR"`` / ``"SR"`` / ``"FR"`` / ``"SPONSOR"`` for a role name in either language.

    Case, full-width letters (``ＡＲ``) and inner spacing do not matter; anything else
    (a person, a typo) gives None.
    """
    if not isinstance(token, str):
        return None
    key = " ".join(fold(token).split())
    return _ROLE_NAMES.get(key)


@dataclass(frozen=True)
class Route:
    """The role a task is routed to and the keyword in the title that decided it."""

    role: str
    keyword: str


# English keywords as regexes over folded text, matched as whole words; each allows the
# usual inflections ("quotes", "installing", "renewals", "delivered").
_EN_KEYWORDS: tuple[tuple[str, str], ...] = (
    (AR, r"relationships?"),
    (AR, r"contract(?:s|ed|ing|ual)?"),
    (AR, r"payments?"),
    (AR, r"invoic(?:e|es|ed|ing)"),
    (AR, r"collections?"),
    (AR, r"renew(?:al|als|s|ed|ing)?"),
    (AR, r"negotiat(?:e|es|ed|ing|ion|ions)"),
    (AR, r"executives?|execs?"),
    (AR, r"up-?sell(?:s|ing)?|cross-?sell(?:s|ing)?"),
    (AR, r"opportunit(?:y|ies)"),
    (AR, r"visit(?:s|ed|ing)?"),
    (SR, r"requirements?"),
    (SR, r"solutions?"),
    (SR, r"design(?:s|ed|ing)?"),
    (SR, r"quot(?:e|es|ed|ing|ation|ations)"),
    (SR, r"bid(?:s|ding)?|tender(?:s|ing)?|rf[pqi]s?"),
    (SR, r"proposals?"),
    (SR, r"technical(?:ly)?"),
    (SR, r"demo(?:s|ed|ing)?"),
    (SR, r"pocs?|proofs?\s+of\s+concept"),
    (SR, r"architect(?:ure|ures|s)?"),
    (FR, r"deliver(?:y|ies|s|ed|ing)?"),
    (FR, r"install(?:s|ed|ing|ation|ations)?"),
    (FR, r"logistics?"),
    (FR, r"ship(?:s|ped|ping|ment|ments)?"),
    (FR, r"acceptance"),
    (FR, r"deploy(?:s|ed|ing|ment|ments)?"),
    (FR, r"roll-?outs?|roll(?:s|ed|ing)?\s+out"),
    (FR, r"incidents?"),
    (FR, r"tickets?"),
    (FR, r"support(?:s|ed|ing)?"),
    (FR, r"outages?"),
    (FR, r"train(?:s|ed|ing|ings)?"),
    (FR, r"maintenance"),
)
_ZH_KEYWORDS: tuple[tuple[str, str], ...] = (
    (AR, "关系"),
    (AR, "合同"),
    (AR, "回款"),
    (AR, "付款"),
    (AR, "收款"),
    (AR, "续约"),
    (AR, "续签"),
    (AR, "谈判"),
    (AR, "商务"),
    (AR, "拜访"),
    (AR, "高层"),
    (AR, "机会"),
    (SR, "需求"),
    (SR, "解决方案"),
    (SR, "方案"),
    (SR, "报价"),
    (SR, "投标"),
    (SR, "标书"),
    (SR, "技术"),
    (SR, "演示"),
    (SR, "测试"),
    (FR, "交付"),
    (FR, "安装"),
    (FR, "物流"),
    (FR, "发货"),
    (FR, "验收"),
    (FR, "上线"),
    (FR, "部署"),
    (FR, "故障"),
    (FR, "工单"),
    (FR, "售后"),
    (FR, "培训"),
    (FR, "运维"),
)

_ROLE_ORDER = {AR: 0, SR: 1, FR: 2, SPONSOR: 3}
_WORD_EDGE = "a-z0-9"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(rf"(?<![{_WORD_EDGE}])(?:{rx})(?![{_WORD_EDGE}])"))
    for role, rx in _EN_KEYWORDS
) + tuple((role, re.compile(re.escape(word))) for role, word in _ZH_KEYWORDS)


def route_task(title: str) -> Route | None:
    """The role for a task titled ``title``, or None when no routing keyword is in it.

    English keywords match whole words (any inflection), Chinese ones anywhere. The
    keyword that appears first wins; at the same place the longer one (解决方案 over
    方案), then AR before SR before FR.
    """
    if not isinstance(title, str) or not title:
        return None
    folded = fold(title)
    best: tuple[int, int, int] | None = None
    found: Route | None = None
    for role, pattern in _PATTERNS:
        match = pattern.search(folded)
        if match is None:
            continue
        start, end = match.span()
        rank = (start, start - end, _ROLE_ORDER[role])
        if best is None or rank < best:
            best, found = rank, Route(role=role, keyword=title[start:end])
    return found
