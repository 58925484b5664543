"""The portfolio's strategy view: ``accounts score`` / ``accounts profit`` rank every
account, with the Pareto chart, and plain ``accounts`` gains the Pareto line and the tier counts
against the 5-25 key-account guideline. Also the quarterly tier review's message.

Reads a fixed number of queries however many accounts there are (storage/strategy_repo.py
and storage/portfolio_repo.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from bot.messages import Attachment, Item, Reply, Section, Tone
from commands.bounds import MAX_AMOUNT, sane_number
from commands.format import fmt_date, fmt_number, person_name
from commands.i18n import Translator
from commands.strategy import portfolio as pf
from commands.strategy.scoring import normalize_weights, ratings_of, score_of
from storage import portfolio_repo, strategy_repo
from storage.models import Account, Role

RANK_WORDS = {"score": "score", "评分": "score", "得分": "score",
              "profit": "profit", "gp": "profit", "gross_profit": "profit", "毛利": "profit",
              "利润": "profit"}
ROW_LIMIT = 40


def rank_of(words: list[str], options: dict[str, str]) -> str | None:
    word = options.get("by") or (words[0] if words else "")
    return RANK_WORDS.get(word.lower()) if word else None


def portfolio_rows(session: Session, *, today: date) -> list[pf.Row]:
    accounts = strategy_repo.active_accounts(session)
    ids = [a.id for a in accounts if a.id is not None]
    weights = normalize_weights(strategy_repo.setting(session, name=strategy_repo.SCORE_WEIGHTS))
    holders = portfolio_repo.holders_many(session, account_ids=ids)
    opens = portfolio_repo.open_counts_many(session, account_ids=ids)
    overdue = strategy_repo.overdue_counts_many(session, account_ids=ids, today=today)
    colors = strategy_repo.last_colors_many(session, account_ids=ids)
    rows = []
    for a in accounts:
        assert a.id is not None
        ar = holders.get(a.id, {}).get(Role.AR.value)
        rows.append(pf.Row(account_id=a.id, name=a.name, tier=a.tier,
                           score=score_of(ratings_of(a), weights),
                           # A stored value out of range is left out, never a broken list.
                           revenue=sane_number(a.revenue, low=0, high=MAX_AMOUNT,
                                               where=f"account {a.id} revenue"),
                           margin=sane_number(a.margin, low=-1, high=1,
                                              where=f"account {a.id} margin"),
                           color=colors.get(a.id, ""),
                           ar=person_name(ar) if ar else "", open=opens.get(a.id, 0),
                           overdue=overdue.get(a.id, 0), renewal=a.renewal_date))
    return rows


def summary_rows(accounts: Sequence[Account]) -> list[pf.Row]:
    """Rows enough for :func:`summary_sections` (tier and gross profit) from accounts already
    read: plain ``accounts`` needs no holders, counts or colours a second time."""
    return [pf.Row(account_id=a.id or 0, name=a.name, tier=a.tier, score=None,
                   revenue=sane_number(a.revenue, low=0, high=MAX_AMOUNT,
                                       where=f"account {a.id} revenue"),
                   margin=sane_number(a.margin, low=-1, high=1, where=f"account {a.id} margin"),
                   color="", ar="", open=0, overdue=0, renewal=a.renewal_date)
            for a in accounts]


def _row_line(t: Translator, n: int, row: pf.Row) -> str:
    return t("strategy.portfolio.row", n=n, account=row.name, tier=t(f"tier.{row.tier}"),
             score=row.score.total if row.score else "—",
             gp=fmt_number(t.lang, row.gross_profit),
             health=t(f"color.{row.color}") if row.color else t("card.no_health"),
             ar=row.ar or t("triangle.vacant"), open=row.open, overdue=row.overdue,
             renewal=fmt_date(t.lang, row.renewal, weekday=False)  # type: ignore[arg-type]
             if row.renewal else "—",
             flag=" ⚠" if row.score and row.score.disagrees(row.tier) else "")


def summary_sections(t: Translator, rows: list[pf.Row]) -> list[Section]:
    """The Pareto line and the tier counts with the guideline's warning."""
    line = pf.pareto(rows)
    pareto = Section(title=t("strategy.portfolio.pareto_title"), text=t(
        "strategy.portfolio.pareto", top=line.top, accounts=line.accounts,
        share=round(line.share * 100), total=fmt_number(t.lang, line.total))
        if line else t("strategy.portfolio.no_profit"))
    counts = pf.tier_counts(rows)
    warning = pf.key_account_warning(counts)
    key = sum(counts.get(x, 0) for x in pf.KEY_TIERS)
    tiers = Section(title=t("strategy.portfolio.tiers_title"),
                    fields=[(t(f"tier.{tier}"), str(n)) for tier, n in counts.items()],
                    text=t(f"strategy.portfolio.key_{warning}", count=key, low=pf.KEY_MIN,
                           high=pf.KEY_MAX) if warning else t(
                        "strategy.portfolio.key_ok", count=key, low=pf.KEY_MIN,
                        high=pf.KEY_MAX))
    return [pareto, tiers]


def pareto_attachment(t: Translator, rows: list[pf.Row]) -> Attachment | None:
    from bot import charts
    from commands.i18n import t as translate

    ordered = [r for r in pf.ranked(rows, "profit") if r.gross_profit is not None]
    if pf.pareto(ordered) is None:
        return None
    lang = charts.label_lang(t.lang)
    png = charts.pareto_chart(
        names=[r.name for r in ordered], profits=[float(r.gross_profit or 0) for r in ordered],
        labels=charts.ParetoLabels(
            title=translate(lang, "strategy.chart.title"),
            profit=translate(lang, "strategy.chart.profit"),
            cumulative=translate(lang, "strategy.chart.cumulative")))
    return Attachment(filename="portfolio-pareto.png", content=png, mime="image/png",
                      title=t("strategy.chart.title"))


def ranked_reply(t: Translator, rows: list[pf.Row], by: str) -> Reply:
    ordered = pf.ranked(rows, by)
    items = [Item(_row_line(t, i, r)) for i, r in enumerate(ordered[:ROW_LIMIT], 1)]
    reply = Reply(title=t(f"strategy.portfolio.title_{by}", count=len(rows)),
                  sections=[Section(items=items,
                                    text=t("strategy.portfolio.more", count=len(ordered)
                                           - ROW_LIMIT) if len(ordered) > ROW_LIMIT else ""),
                            *summary_sections(t, rows)],
                  footer=t("strategy.portfolio.hint"))
    chart = pareto_attachment(t, rows)
    if chart is not None:
        reply.attachments.append(chart)
    return reply


def extend_portfolio(t: Translator, reply: Reply, rows: list[pf.Row]) -> Reply:
    """Plain ``accounts`` (worst first) gains the strategy summary; the Pareto chart comes
    with the ranked views (drawing it is the slow part, and this list is the daily one)."""
    reply.sections += summary_sections(t, rows)
    reply.footer = "\n".join(x for x in (reply.footer, t("strategy.portfolio.hint")) if x)
    return reply


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def review_reply(session: Session, t: Translator, *, now: datetime, today: date) -> Reply:
    rows = portfolio_rows(session, today=today)
    history = {aid: [pf.ScorePoint(r.at, r.suggested, r.tier) for r in recs]
               for aid, recs in strategy_repo.score_records_many(
                   session, account_ids=[r.account_id for r in rows]).items()}
    review = pf.tier_review(rows, history, now)
    down = Section(title=t("strategy.review.down_title", count=len(review.down)),
                   items=[Item(t("strategy.review.down", account=r.name,
                                 tier=t(f"tier.{r.tier}"),
                                 suggested=t(f"tier.{r.score.suggested}") if r.score else "—",
                                 score=r.score.total if r.score else "—",
                                 since=fmt_date(t.lang, since.date(), weekday=False)))
                          for r, since in review.down],
                   text="" if review.down else t("strategy.review.none"))
    up = Section(title=t("strategy.review.up_title", count=len(review.up)),
                 items=[Item(t("strategy.review.up", account=r.name,
                               score=r.score.total if r.score else "—")) for r in review.up],
                 text="" if review.up else t("strategy.review.none"))
    return Reply(title=t("strategy.review.title", quarter=quarter_key(today)),
                 sections=[down, up, *summary_sections(t, rows)[1:]],
                 tone=Tone.WARNING if review.down or review.up or review.warning
                 else Tone.INFO)
