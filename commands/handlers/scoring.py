"""The account score: ``account score`` rates the four dimensions, ``scoring`` shows and
(admins) sets their weights. The rules are in commands/strategy/scoring.py."""

from __future__ import annotations

from sqlmodel import Session

from bot.messages import Reply, Section, Tone
from commands import audit
from commands.changes.account import SCORE_FIELDS, card_state
from commands.i18n import Translator
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.strategy.scoring import (
    DIMENSIONS,
    MAX_WEIGHT,
    TIER_FLOORS,
    AccountScore,
    normalize_weights,
    ratings_of,
    score_of,
)
from storage import repos, strategy_repo
from storage.models import Account

SCORE_KEYS = DIMENSIONS


def weights(session: Session) -> dict[str, int]:
    """The weights an admin set, else the defaults."""
    return normalize_weights(strategy_repo.setting(session, name=strategy_repo.SCORE_WEIGHTS))


def score_for(session: Session, account: Account,
              weights_: dict[str, int] | None = None) -> AccountScore | None:
    return score_of(ratings_of(account), weights_ or weights(session))


def record_score(ctx: Context, account: Account) -> AccountScore | None:
    """Keep the score's history (for the tier review) after the score or the tier moved."""
    assert account.id is not None
    score = score_for(ctx.session, account)
    if score is not None:
        strategy_repo.add_score_record(ctx.session, account_id=account.id, total=score.total,
                                       suggested=score.suggested, tier=account.tier,
                                       at=ctx.clock.now())
    return score


def tier_line(t: Translator, account: Account, score: AccountScore | None) -> str:
    """What the score says of the tier: agrees, or which way it points."""
    if score is None:
        return t("score.incomplete")
    current = t(f"tier.{account.tier}")
    suggested = t(f"tier.{score.suggested}")
    if not score.disagrees(account.tier):
        return t("strategy.score.agrees", tier=current)
    return t(f"strategy.score.disagrees_{score.direction(account.tier)}", tier=current,
             suggested=suggested, total=score.total)


def score_text(t: Translator, score: AccountScore | None) -> str:
    return t("strategy.score.total", total=score.total) if score else "—"


def account_score(ctx: Context, args: Args) -> Reply:
    """``account score value=1-5 potential=1-5 fit=1-5 cost=1-5``."""
    acct = ctx.require_account()
    t = ctx.t
    given = {k: v for k, v in args.options.items() if k in SCORE_KEYS}
    if not given or len(given) != len(args.options):
        raise CommandError("error.score_usage")
    score_before = card_state(acct, SCORE_FIELDS)
    for key, raw in given.items():
        try:
            value = int(raw)
        except ValueError:
            raise CommandError("error.score_range", key=key, value=raw) from None
        if not 1 <= value <= 5:
            raise CommandError("error.score_range", key=key, value=raw)
        setattr(acct, f"score_{key}", value)
    ctx.session.add(acct)
    before, after = audit.diff(score_before, card_state(acct, SCORE_FIELDS))
    if after:
        audit.record(ctx, "account.score", target="score", before=before, after=after)
    w = weights(ctx.session)
    score = record_score(ctx, acct)
    fields = [(t(f"score.{k}"), t("strategy.score.rating", rating=getattr(acct, f"score_{k}"),
                                  weight=w[k]) if getattr(acct, f"score_{k}") else "—")
              for k in SCORE_KEYS]
    if score is not None:
        fields.append((t("strategy.score.label"), score_text(t, score)))
        text = "\n".join([t("score.suggest", tier=t(f"tier.{score.suggested}"),
                            current=t(f"tier.{acct.tier}")), tier_line(t, acct, score)])
    else:
        text = t("score.incomplete")
    return Reply(title=t("score.title", account=acct.name), tone=Tone.SUCCESS,
                 sections=[Section(fields=fields, text=text)])


@command("scoring", aliases=("weights", "评分权重", "权重"), needs_account=False,
         keys=("value", "potential", "fit", "cost"))
def scoring(ctx: Context, args: Args) -> Reply:
    """``scoring`` shows the weights and tier limits; ``scoring value=40 ...`` sets them."""
    t = ctx.t
    current = weights(ctx.session)
    if args.words or (args.options and not ctx.is_admin):
        if args.words:
            raise CommandError("strategy.error.weights_usage")
        raise CommandError("error.admin_only", verb="scoring")
    if args.options:
        unknown = [k for k in args.options if k not in DIMENSIONS]
        if unknown:
            raise CommandError("strategy.error.weights_usage")
        new = dict(current)
        for key, raw in args.options.items():
            try:
                value = int(raw.strip().rstrip("%"))
            except ValueError:
                raise CommandError("strategy.error.weight_range", key=key, value=raw[:20],
                                   max=MAX_WEIGHT) from None
            if not 0 <= value <= MAX_WEIGHT:
                raise CommandError("strategy.error.weight_range", key=key, value=raw[:20],
                                   max=MAX_WEIGHT)
            new[key] = value
        if not sum(new.values()):
            raise CommandError("strategy.error.weights_zero")
        strategy_repo.save_setting(ctx.session, name=strategy_repo.SCORE_WEIGHTS, value=new,
                                   at=ctx.clock.now(), person_id=ctx.person.id)
        # Portfolio-wide: kept in the log, on no account (so no channel's undo takes it).
        repos.audit(ctx.session, at=ctx.clock.now(), action="scoring.weights",
                    person_id=ctx.person.id, target="scoring", before=current, after=new)
        current = new
    total = sum(current.values())
    fields = [(t(f"score.{k}"), t("strategy.weights.share", weight=current[k],
                                  percent=round(100 * current[k] / total)))
              for k in DIMENSIONS]
    limits = t("strategy.weights.limits", core=int(TIER_FLOORS[0][1]),
               important=int(TIER_FLOORS[1][1]))
    return Reply(title=t("strategy.weights.title"),
                 tone=Tone.SUCCESS if args.options else Tone.INFO,
                 sections=[Section(fields=fields, text=limits)],
                 footer=t("strategy.weights.hint"))
