"""Portfolio questions, asked in the management channel or a direct message: which
accounts are red, renewals in the next 90 days, accounts with no SR, the top five by
gross profit, accounts with overdue work, the core accounts (哪些客户是红灯？90天内续约的客户).

Only the accounts the place may see are read (the caller passes them), in a constant
number of queries however many there are: health is assessed now for all of them at once
(:func:`storage.health_repo.gather_inputs_many`), as `health` would for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.messages import Item, Reply, Section, Tone
from commands.ask import lexicon as lx
from commands.ask.facts import reason_line, suggested_tier
from commands.ask.intents import area_role, role_in
from commands.ask.periods import ahead_days, names_span_ahead
from commands.ask.shorthand import expand
from commands.format import fmt_date, fmt_number, fmt_percent
from commands.health import assess, load_config
from commands.i18n import Translator
from commands.textfold import fold, small_number
from storage import health_repo, portfolio_repo
from storage.models import Account

DEFAULT_RENEWAL_DAYS = 90
DEFAULT_TOP = 5
MAX_ROWS = 25
# Overdue actions listed under each account in a portfolio answer.
MAX_TASKS = 10
_TIERS = {"core": lx.cue(r"core", r"strategic partners?", "核心"),
          "important": lx.cue(r"important", "重要"),
          "potential": lx.cue(r"potential", "潜力")}
_RISK = lx.cue(r"at risk", r"risky", r"in trouble", r"not green", r"worst", "有风险", "风险", "不是绿灯",
               "不健康", "最差")
_TOP_N = re.compile(r"top\s*(\d{1,2}|ten|five|three|two)|前\s*(\d{1,2}|[一二两三四五六七八九十]{1,2})"
                    r"|(\d{1,2}|two|three|five|ten)\s+(?:most|biggest|largest|best|highest|top|leading)"
                    r"|(\d{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个|家)")
_WORDS = {"ten": 10, "five": 5, "three": 3, "two": 2}
# Plural ways to speak of customers that are too common to refuse in an account's channel
# ("我们的客户") but, where no account is named, ask about the portfolio.
_WEAK_PLURAL = lx.cue(r"customers", r"clients", r"accounts", "的客户",
                      r"(?:biggest|largest|best|top|most \w+|worst|smallest) (?:account|customer|client)s?",
                      "最大的客户", "最好的客户", "最差的客户", r"(?:each|every|per) (?:account|customer|client)",
                      "每个客户", "各个客户", "每家客户", "排序",
                      r"rank(?:ed)? (?:the )?accounts", r"how many accounts", "客户有哪些", "客户都有哪些", "个客户",
                      "家客户", "客户名单", "客户排名")
_HEALTH_SCORE = lx.cue(r"health score", r"healthiest", "健康度最", "健康分")


@dataclass(frozen=True, slots=True)
class PortfolioIntent:
    kind: str  # health | renewals | vacant | top | overdue | tier | list
    color: str | None = None  # red | yellow | green | risk
    days: int = DEFAULT_RENEWAL_DAYS
    role: str | None = None
    metric: str | None = None  # gross_profit | revenue | margin | score | health
    count: int = DEFAULT_TOP
    tier: str | None = None


def is_portfolio_question(question: str) -> bool:
    return lx.PORTFOLIO.search(fold(question)) is not None


def _count(text: str) -> int:
    match = _TOP_N.search(text)
    if match:
        raw = next(g for g in match.groups() if g)
        return _WORDS.get(raw) or small_number(raw) or DEFAULT_TOP
    return DEFAULT_TOP


def detect(question: str, *, today: date) -> PortfolioIntent | None:
    """The portfolio question asked, or None when it is not one."""
    text = fold(expand(question))
    plural = lx.PORTFOLIO.search(text) is not None or _WEAK_PLURAL.search(text) is not None
    colors = [c for c, rx in lx.COLOR_WORDS.items() if rx.search(text)]
    color = colors[0] if len(colors) == 1 else ("risk" if set(colors) == {"red", "yellow"} else None)
    role = role_in(text) or area_role(text)
    if lx.WITHOUT.search(text) and role and (plural or lx.WHO.search(text) is None):
        return PortfolioIntent("vacant", role=role)
    metric = ("margin" if lx.MARGIN.search(text) else "gross_profit" if lx.GROSS_PROFIT.search(text)
              else "revenue" if lx.REVENUE.search(text) else "health" if _HEALTH_SCORE.search(text)
              else "score" if lx.SCORE.search(text) else None)
    if metric is None and lx.TOP.search(text) and plural:
        metric = "revenue"
    if metric and (lx.TOP.search(text) or plural):
        return PortfolioIntent("top", metric=metric, count=_count(text))
    if lx.RENEWAL.search(text) and (plural or re.search(r"renewals|upcoming|coming up|\d", text)
                                    or names_span_ahead(text)):
        return PortfolioIntent("renewals", days=ahead_days(text, DEFAULT_RENEWAL_DAYS, today))
    if not plural:
        return None
    if lx.OVERDUE.search(text):
        return PortfolioIntent("overdue")
    if color or _RISK.search(text):
        return PortfolioIntent("health", color=color if color else "risk")
    if lx.HEALTH.search(text):
        return PortfolioIntent("health")
    tier = next((k for k, rx in _TIERS.items() if rx.search(text)), None)
    if tier:
        return PortfolioIntent("tier", tier=tier)
    return PortfolioIntent("list")


@dataclass(slots=True)
class Row:
    account: Account
    color: str
    score: int
    reasons: list[dict[str, Any]] = field(default_factory=list)
    open: int = 0
    overdue: int = 0
    oldest_overdue: int = 0
    holders: dict[str, str] = field(default_factory=dict)

    @property
    def gross_profit(self) -> float | None:
        a = self.account
        return None if a.revenue is None or a.margin is None else a.revenue * a.margin

    @property
    def total_score(self) -> int | None:
        a = self.account
        dims = (a.score_value, a.score_potential, a.score_fit, a.score_cost)
        if any(d is None for d in dims):
            return None
        return a.score_value + a.score_potential + a.score_fit + (6 - a.score_cost)  # type: ignore[operator]


def rows_of(session: Session, *, accounts: list[Account], today: date,
            services: dict[str, Any] | None = None) -> list[Row]:
    """Every account's health now, work and team, in a constant number of queries."""
    ids = [a.id for a in accounts if a.id is not None]
    inputs = health_repo.gather_inputs_many(session, accounts=accounts, today=today)
    holders = portfolio_repo.holders_many(session, account_ids=ids)
    opened = portfolio_repo.open_counts_many(session, account_ids=ids)
    config = load_config(services)
    rows = []
    for account in accounts:
        if account.id is None:
            continue
        given = inputs[account.id]
        health = assess(given, tier=account.tier, today=today, thresholds=config.for_tier(account.tier))
        # Too little on record gives no colour: "unknown", never counted as green.
        rows.append(Row(account, health.color.value if health.enough_data else "unknown",
                        health.score, health.reasons_json() if health.enough_data else [],
                        open=opened.get(account.id, 0), overdue=given.overdue_count,
                        oldest_overdue=given.oldest_overdue_days or 0,
                        holders={r: p.display_name or p.username or p.user_id
                                 for r, p in holders.get(account.id, {}).items()}))
    return rows


_RANK = {"red": 0, "yellow": 1, "green": 2}


def answer(session: Session, *, accounts: list[Account], question: str, today: date,
           t: Translator, services: dict[str, Any] | None = None) -> Reply:
    intent = detect(question, today=today) or PortfolioIntent("list")
    rows = rows_of(session, accounts=accounts, today=today, services=services)
    rows.sort(key=lambda r: (_RANK.get(r.color, 3), r.score, r.account.name.casefold()))
    lang = t.lang

    def color(r: Row) -> str:
        return t(f"color.{r.color}")

    def day(d: date | None) -> str:
        return fmt_date(lang, d, weekday=False)

    detail: dict[str, Any] = {}
    if intent.kind == "health":
        wanted = {"risk": ("red", "yellow")}.get(intent.color or "", (intent.color,) if intent.color else None)
        if wanted:
            rows = [r for r in rows if r.color in wanted]
        title = t("ask.portfolio.health", count=len(rows),
                  color=t(f"color.{intent.color}") if intent.color in _RANK else t("ask.portfolio.at_risk")
                  if intent.color == "risk" else t("ask.portfolio.all"))
        lines = [t("ask.portfolio.row_health", account=r.account.name, color=color(r), score=r.score,
                   why=reason_line(t, r.reasons[0]) if r.reasons else t("ask.portfolio.no_reasons"))
                 for r in rows]
    elif intent.kind == "renewals":
        rows = [r for r in rows if r.account.renewal_date is not None
                and 0 <= (r.account.renewal_date - today).days <= intent.days]
        rows.sort(key=lambda r: r.account.renewal_date or today)
        title = t("ask.portfolio.renewals", count=len(rows), days=intent.days)
        lines = [t("ask.portfolio.row_renewal", account=r.account.name, date=day(r.account.renewal_date),
                   days=((r.account.renewal_date or today) - today).days, color=color(r),
                   ar=r.holders.get("AR") or t("ask.role.vacant")) for r in rows]
    elif intent.kind == "vacant":
        role = intent.role or "SR"
        rows = [r for r in rows if role not in r.holders]
        title = t("ask.portfolio.vacant", count=len(rows), role=t(f"role.{role}"))
        lines = [t("ask.portfolio.row_team", account=r.account.name, tier=t(f"tier.{r.account.tier}"),
                   team=", ".join(f"{k} {v}" for k, v in sorted(r.holders.items())) or t("ask.role.vacant"))
                 for r in rows]
    elif intent.kind == "top":
        metric = intent.metric or "gross_profit"
        value = {"gross_profit": lambda r: r.gross_profit, "revenue": lambda r: r.account.revenue,
                 "margin": lambda r: r.account.margin, "score": lambda r: r.total_score,
                 "health": lambda r: r.score}[metric]
        ranked = sorted((r for r in rows if value(r) is not None), key=lambda r: -float(value(r) or 0))
        rows = ranked[:intent.count]
        shown = {"margin": lambda v: fmt_percent(v), "score": lambda v: f"{v}/20",
                 "health": lambda v: str(v)}.get(metric, lambda v: fmt_number(lang, v))
        title = t("ask.portfolio.top", count=len(rows), metric=t(f"ask.portfolio.metric.{metric}"))
        lines = [t("ask.portfolio.row_top", rank=i + 1, account=r.account.name, value=shown(value(r)),
                   revenue=fmt_number(lang, r.account.revenue), margin=fmt_percent(r.account.margin),
                   tier=t(f"tier.{r.account.tier}")) for i, r in enumerate(rows)]
        detail["missing"] = len([r for r in accounts if r.id]) - len(ranked)
    elif intent.kind == "overdue":
        rows = [r for r in rows if r.overdue]
        rows.sort(key=lambda r: (-r.overdue, -r.oldest_overdue))
        title = t("ask.portfolio.overdue", count=len(rows))
        lines = [t("ask.portfolio.row_overdue", account=r.account.name, overdue=r.overdue,
                   days=r.oldest_overdue, open=r.open) for r in rows]
        if not _WHICH_ACCOUNTS.search(fold(expand(question))):
            # "every overdue task", "逾期的任务有哪些": the actions themselves, not only accounts.
            detail["late"] = _overdue_by_account(session, rows=rows, today=today, t=t, day=day)
    elif intent.kind == "tier":
        rows = [r for r in rows if r.account.tier == intent.tier]
        title = t("ask.portfolio.tier", count=len(rows), tier=t(f"tier.{intent.tier}"))
        lines = [_list_row(t, r, day) for r in rows]
    else:
        title = t("ask.portfolio.list", count=len(rows))
        lines = [_list_row(t, r, day) for r in rows]
    reply = Reply(title=title, tone=Tone.INFO)
    if detail.get("late"):
        # The overdue actions themselves, one section an account (its row as the title).
        for line, (_row, tasks) in list(zip(lines, detail["late"], strict=True))[:MAX_ROWS]:
            items = [Item(x) for x in tasks[:MAX_TASKS]]
            if len(tasks) > MAX_TASKS:
                items.append(Item(t("ask.portfolio.more_tasks", count=len(tasks) - MAX_TASKS)))
            reply.sections.append(Section(title=line, items=items))
        if len(lines) > MAX_ROWS:
            reply.sections.append(Section(text=t("ask.portfolio.more", count=len(lines) - MAX_ROWS)))
    elif lines:
        items = [Item(x) for x in lines[:MAX_ROWS]]
        if len(lines) > MAX_ROWS:
            items.append(Item(t("ask.portfolio.more", count=len(lines) - MAX_ROWS)))
        reply.sections.append(Section(items=items))
    else:
        reply.sections.append(Section(text=t("ask.portfolio.none")))
    if detail.get("missing"):
        reply.sections.append(Section(text=t("ask.portfolio.unscored", count=detail["missing"])))
    reply.footer = t("ask.portfolio.sources", count=len(accounts), date=day(today))
    return reply


# "which accounts have overdue work", "哪些客户有逾期任务": the accounts are asked for.
_WHICH_ACCOUNTS = re.compile(r"(?:which|what) (?:accounts|customers|clients)|accounts (?:with|that|have)"
                             r"|哪些客户|哪个客户|哪几个客户|哪家客户|哪些账户")


def _overdue_by_account(session: Session, *, rows: list[Row], today: date, t: Translator,
                        day: Any) -> list[tuple[Row, list[str]]]:
    """Each row's overdue actions (#n, title, role, due, days late), oldest first; only
    the rows' accounts (those the asker may read) are kept."""
    by_account: dict[int, list[str]] = {}
    for task in health_repo.overdue_tasks(session, today=today):
        if task.due_date is None:
            continue
        by_account.setdefault(task.account_id, []).append(
            t("ask.portfolio.row_late_task", number=task.number, title=task.title, role=t(f"role_short.{task.role}"),
              due=day(task.due_date), days=(today - task.due_date).days))
    return [(r, by_account.get(r.account.id or 0, [])) for r in rows]


def _list_row(t: Translator, r: Row, day: Any) -> str:
    suggestion = suggested_tier(r.account)
    return t("ask.portfolio.row_list", account=r.account.name, tier=t(f"tier.{r.account.tier}"),
             color=t(f"color.{r.color}"), score=r.score, open=r.open, overdue=r.overdue,
             renewal=day(r.account.renewal_date),
             team=", ".join(f"{k} {v}" for k, v in sorted(r.holders.items())) or t("ask.role.vacant"),
             suggested=t("ask.portfolio.suggested", tier=t(f"tier.{suggestion}"))
             if suggestion and suggestion != r.account.tier else "")
