"""Accounts and their teams: account new / link / set / score, the card, the portfolio,
the iron triangle and handovers."""

from __future__ import annotations

import re

from bot.messages import Button, Item, Reply, Section, Tone
from commands import audit, authz, lifecycle
from commands.bounds import MAX_AMOUNT, check_amount, check_date, sane_date, sane_number
from commands.changes.account import CARD_FIELDS, SCORE_FIELDS, card_state
from commands.commercial_text import card_fields
from commands.dates import DateParseError, parse_date
from commands.format import (
    fmt_date,
    fmt_number,
    fmt_percent,
    person_name,
    role_short,
)
from commands.handlers.playbooks import key_account_sections
from commands.i18n import Translator, language_of
from commands.parsing import Args, typed_verb
from commands.people import person_from_token
from commands.pipeline import currency_of
from commands.playbooks.triggers import KEY_TIERS
from commands.registry import CommandError, Context, command
from commands.roles import assign_role
from commands.routing import parse_role
from commands.workdays import normalize_country
from storage import health_repo, repos
from storage.models import TEAM_ROLES, TRIANGLE, Account, ChannelBinding, Role, Tier

MAX_NAME = 200

TIER_WORDS: dict[str, str] = {
    "core": Tier.CORE,
    "核心": Tier.CORE,
    "核心战略伙伴": Tier.CORE,
    "partner": Tier.CORE,
    "strategic": Tier.CORE,
    "important": Tier.IMPORTANT,
    "重要": Tier.IMPORTANT,
    "重要战略客户": Tier.IMPORTANT,
    "advisor": Tier.IMPORTANT,
    "potential": Tier.POTENTIAL,
    "潜力": Tier.POTENTIAL,
    "潜力战略客户": Tier.POTENTIAL,
    "opportunity": Tier.POTENTIAL,
}

_SUB = {
    "new": "new", "create": "new", "新建": "new", "创建": "new",
    "link": "link", "bind": "link", "绑定": "link", "关联": "link",
    "set": "set", "设置": "set",
    "score": "score", "评分": "score", "打分": "score",
    "show": "show", "查看": "show",
    "archive": "archive", "归档": "archive",
    "unarchive": "unarchive", "restore": "unarchive", "取消归档": "unarchive", "恢复": "unarchive",
    "delete": "delete", "删除": "delete",
}


def account_sub(word: str) -> str:
    """The sub-verb ``word`` stands for (``""`` when none); commands.authz reads it too."""
    return _SUB.get(word.lower(), "")


def parse_tier(value: str) -> str:
    tier = TIER_WORDS.get(value.strip().lower())
    if tier is None:
        raise CommandError("error.bad_tier", value=value)
    return str(tier)


def parse_amount(value: str) -> float:
    """``1,200,000`` / ``1.2M`` / ``300k`` / ``120万`` / ``1.5亿`` -> a number."""
    text = value.strip().replace(",", "").replace("，", "").lower()
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(k|m|b|万|亿)?", text)
    if not match:
        raise CommandError("error.bad_number", value=value)
    factor = {"k": 1e3, "m": 1e6, "b": 1e9, "万": 1e4, "亿": 1e8}.get(match.group(2) or "", 1.0)
    return float(match.group(1)) * factor


def parse_margin(value: str) -> float:
    """``35%`` or ``0.35`` -> 0.35."""
    text = value.strip().rstrip("%％")
    try:
        number = float(text)
    except ValueError:
        raise CommandError("error.bad_margin", value=value) from None
    if value.strip().endswith(("%", "％")) or number > 1:
        number /= 100
    if not -1 <= number <= 1:
        raise CommandError("error.bad_margin", value=value)
    return number


def _name_from(args: Args, t: Translator) -> str:
    name = " ".join(args.words[1:]).strip()
    if not name:
        raise CommandError("error.account_name_missing", verb=args.words[0] if args.words else "new")
    if len(name) > MAX_NAME:
        raise CommandError("error.account_name_long", max=MAX_NAME)
    return name


def tier_label(t: Translator, tier: str) -> str:
    return t(f"tier.{tier}")


@command("account", aliases=("acct",), needs_account=False, keys=("tier", "revenue", "margin", "renewal", "industry", "sponsor", "lang", "name", "country", "value", "potential", "fit", "cost"))
def account(ctx: Context, args: Args) -> Reply:
    sub = account_sub(args.words[0]) if args.words else "show"
    if args.words and not sub:
        raise CommandError("error.account_sub", sub=args.words[0])
    if sub in ("archive", "unarchive", "delete"):
        return lifecycle.account_lifecycle(ctx, args, sub)
    if sub == "new":
        return _account_new(ctx, args)
    if sub == "link":
        return _account_link(ctx, args)
    if sub == "set":
        return _account_set(ctx, args)
    if sub == "score":
        return _account_score(ctx, args)
    return account_card(ctx)


def _ensure_unbound(ctx: Context) -> None:
    if ctx.account is not None:
        raise CommandError("error.already_bound", account=ctx.account.name)
    if ctx.incoming.is_direct:
        raise CommandError("error.bind_in_dm")


def _account_new(ctx: Context, args: Args) -> Reply:
    _ensure_unbound(ctx)
    name = _name_from(args, ctx.t)
    tier = parse_tier(args.options["tier"]) if "tier" in args.options else Tier.IMPORTANT.value
    if repos.account_by_name(ctx.session, name=name) is not None:
        raise CommandError("error.account_exists", account=name)
    now = ctx.clock.now()
    acct = repos.create_account(ctx.session, name=name, tier=tier, at=now)
    assert acct.id is not None
    default = language_of(None, None, ctx.settings.KAMBOT_LANGUAGE if ctx.settings else "en")
    if ctx.lang == "zh" != default and not typed_verb(ctx.incoming.text).isascii():
        # Set up in Chinese (`客户 新建 …`) on an English bot: what kambot posts there on
        # its own (rule tasks, alerts, reports) speaks Chinese. A Chinese name typed with
        # `account new` is not enough: the team chose English words.
        acct.language = ctx.lang
        ctx.session.add(acct)
    binding, before = _bind(ctx, acct)
    audit.record(ctx, "account.new", target="account", account_id=acct.id, name=name,
                 tier=tier, binding=binding.id, binding_before=before)
    ctx.account = acct
    t = ctx.t
    return Reply(
        title=t("account.created", account=acct.name, tier=tier_label(t, tier)),
        sections=[Section(text=t("account.created_next")),
                  *key_account_sections(ctx, acct, was_key=False)],
        tone=Tone.SUCCESS,
    )


def _bind(ctx: Context, acct: Account) -> tuple[ChannelBinding, dict[str, object] | None]:
    """Bind this channel to ``acct``; returns the binding and what it was before, if it was."""
    assert acct.id is not None
    inc = ctx.incoming
    existing = repos.binding_for(ctx.session, platform=inc.platform, workspace=inc.workspace,
                                 channel=inc.channel)
    if existing is not None:
        before: dict[str, object] = {"account_id": existing.account_id,
                                     "archived": existing.archived,
                                     "channel_name": existing.channel_name}
        # An archived binding is brought back for the account it now names.
        existing.account_id = acct.id
        existing.archived = False
        existing.channel_name = inc.channel_name or existing.channel_name
        ctx.session.add(existing)
        ctx.session.flush()
        return existing, before
    binding = repos.bind_channel(ctx.session, platform=inc.platform, workspace=inc.workspace,
                                 channel=inc.channel, account_id=acct.id,
                                 channel_name=inc.channel_name, at=ctx.clock.now())
    return binding, None


def _account_link(ctx: Context, args: Args) -> Reply:
    _ensure_unbound(ctx)
    name = _name_from(args, ctx.t)
    acct = lifecycle.readable_account_named(ctx, name)
    # Linking shows the account's whole record to this channel: its AR, sponsor or an admin.
    authz.require(ctx, authz.Need.LEAD, acct, action="account link")
    binding, before = _bind(ctx, acct)
    audit.record(ctx, "account.link", target=f"binding:{binding.id}", account_id=acct.id,
                 channel=ctx.incoming.channel, channel_name=ctx.incoming.channel_name,
                 binding=binding.id, binding_before=before)
    ctx.account = acct
    return Reply(title=ctx.t("account.linked", account=acct.name), tone=Tone.SUCCESS)


_SET_KEYS = ("revenue", "margin", "renewal", "industry", "sponsor", "tier", "lang", "name",
             "country")


def _account_set(ctx: Context, args: Args) -> Reply:
    acct = ctx.require_account()
    assert acct.id is not None
    t = ctx.t
    if not args.options:
        raise CommandError("error.account_set_empty", keys=", ".join(_SET_KEYS))
    unknown = [k for k in args.options if k not in _SET_KEYS]
    if unknown:
        raise CommandError("error.account_set_unknown", key=unknown[0], keys=", ".join(_SET_KEYS))
    changed: list[tuple[str, str]] = []
    was_key = acct.tier in KEY_TIERS
    opts = args.options
    card_before = card_state(acct, CARD_FIELDS)
    binding_before: tuple[int | None, str | None] = (None, None)
    if "revenue" in opts:
        acct.revenue = check_amount(parse_amount(opts["revenue"]), what="revenue")
        changed.append((t("field.revenue"), fmt_number(t.lang, acct.revenue)))
    if "margin" in opts:
        acct.margin = parse_margin(opts["margin"])
        changed.append((t("field.margin"), fmt_percent(acct.margin)))
    if "renewal" in opts:
        try:
            acct.renewal_date = parse_date(opts["renewal"], today=ctx.clock.today())
        except DateParseError:
            raise CommandError("error.bad_date", value=opts["renewal"]) from None
        check_date(acct.renewal_date, what="renewal")
        changed.append((t("field.renewal"), fmt_date(t.lang, acct.renewal_date)))
    if "industry" in opts:
        acct.industry = opts["industry"].strip()[:200] or None
        changed.append((t("field.industry"), acct.industry or "—"))
    if "tier" in opts:
        acct.tier = parse_tier(opts["tier"])
        changed.append((t("field.tier"), tier_label(t, acct.tier)))
    if "lang" in opts:
        lang = opts["lang"].strip().lower()
        if lang not in ("en", "zh", "中文", "english", "英文"):
            raise CommandError("error.bad_lang", value=opts["lang"])
        acct.language = "zh" if lang in ("zh", "中文") else "en"
        # The channel where it was said follows at once; the account's other channels
        # follow unless they chose their own.
        binding = repos.binding_for(ctx.session, platform=ctx.incoming.platform,
                                    workspace=ctx.incoming.workspace,
                                    channel=ctx.incoming.channel)
        if binding is not None:
            binding_before = (binding.id, binding.language)
            binding.language = acct.language
            ctx.session.add(binding)
        t = Translator(acct.language)
        changed.append((t("field.lang"), t("lang.name")))
    if "country" in opts:
        try:
            acct.country = normalize_country(opts["country"])
        except ValueError:
            raise CommandError("error.bad_country", value=opts["country"][:40]) from None
        changed.append((t("field.country"), acct.country or "—"))
    if "name" in opts:
        new_name = opts["name"].strip()
        if not new_name or len(new_name) > MAX_NAME:
            raise CommandError("error.account_name_long", max=MAX_NAME)
        other = repos.account_by_name(ctx.session, name=new_name)
        if other is not None and other.id != acct.id:
            raise CommandError("error.account_exists", account=new_name)
        acct.name, acct.name_key = new_name, repos.name_key(new_name)
        changed.append((t("field.name"), acct.name))
    if "sponsor" in opts:
        person = person_from_token(ctx, opts["sponsor"])
        lifecycle.restore_person(ctx, person)
        assign_role(ctx, acct, Role.SPONSOR.value, person)
        changed.append((t("field.sponsor"), person_name(person)))
    ctx.session.add(acct)
    before, after = audit.diff(card_before, card_state(acct, CARD_FIELDS))
    if after:
        audit.record(ctx, "account.set", target="card", before=before, after=after,
                     binding=binding_before[0], binding_lang=binding_before[1])
    return Reply(title=t("account.updated", account=acct.name),
                 sections=[Section(fields=changed),
                           *key_account_sections(ctx, acct, was_key=was_key)],
                 tone=Tone.SUCCESS)


SCORE_KEYS = ("value", "potential", "fit", "cost")


def suggested_tier(acct: Account) -> str | None:
    """Four dimensions, 1-5 each; relationship cost counts against (DOMAIN.md)."""
    scores = (acct.score_value, acct.score_potential, acct.score_fit, acct.score_cost)
    if any(s is None for s in scores):
        return None
    total = acct.score_value + acct.score_potential + acct.score_fit + (6 - acct.score_cost)  # type: ignore[operator]
    if total >= 16:
        return Tier.CORE.value
    if total >= 12:
        return Tier.IMPORTANT.value
    return Tier.POTENTIAL.value


def _account_score(ctx: Context, args: Args) -> Reply:
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
    fields = [(t(f"score.{k}"), str(getattr(acct, f"score_{k}") or "—")) for k in SCORE_KEYS]
    suggestion = suggested_tier(acct)
    text = (
        t("score.suggest", tier=tier_label(t, suggestion), current=tier_label(t, acct.tier))
        if suggestion
        else t("score.incomplete")
    )
    return Reply(title=t("score.title", account=acct.name), tone=Tone.SUCCESS,
                 sections=[Section(fields=fields, text=text)])


def account_card(ctx: Context) -> Reply:
    """The 360° view: who, what, how healthy, what's open."""
    acct = ctx.require_account()
    assert acct.id is not None
    t = ctx.t
    today = ctx.clock.today()
    holders = repos.current_holders(ctx.session, account_id=acct.id)
    n_open = repos.count_tasks(ctx.session, account_id=acct.id)
    n_overdue = repos.count_tasks(ctx.session, account_id=acct.id, due_before=today)
    last_notes = repos.notes_of(ctx.session, account_id=acct.id, limit=1)
    health = health_repo.last_snapshot(ctx.session, account_id=acct.id)
    basics = [
        (t("field.tier"), tier_label(t, acct.tier)),
        (t("field.industry"), acct.industry or "—"),
        (t("field.revenue"), fmt_number(t.lang, sane_number(
            acct.revenue, low=0, high=MAX_AMOUNT, where=f"account {acct.id} revenue"))),
        (t("field.margin"), fmt_percent(sane_number(
            acct.margin, low=-1, high=1, where=f"account {acct.id} margin"))),
        (t("field.renewal"), fmt_date(t.lang, sane_date(
            acct.renewal_date, where=f"account {acct.id} renewal"))),
        (t("field.health"), t(f"color.{health.color}") if health else t("card.no_health")),
    ]
    team = [
        (t(f"role.{role.value}"), person_name(holders[role.value]) if role.value in holders
         else t("triangle.vacant"))
        for role in TEAM_ROLES
    ]
    work = [
        (t("card.open"), str(n_open)),
        (t("card.overdue"), str(n_overdue)),
        (t("card.last_note"),
         fmt_date(t.lang, last_notes[0].created_at.astimezone(ctx.clock.tz).date())
         if last_notes else t("card.no_notes")),
    ]
    channels = repos.bindings_of(ctx.session, account_id=acct.id)
    return Reply(
        title=t("card.title", account=acct.name),
        sections=[
            Section(title=t("card.basics"), fields=basics),
            Section(title=t("card.team"), fields=team),
            Section(title=t("card.work"), fields=work),
            Section(title=t("card.commercial"),
                    fields=card_fields(ctx.session, t, acct, today=today,
                                       currency=currency_of(ctx.settings))),
            Section(text=t("card.channels", count=len(channels))),
        ],
        buttons=[Button(t("button.open"), "open"), Button(t("button.health"), "health")],
    )


@command("accounts", aliases=("portfolio",), needs_account=False, admin_only=True, readonly=True, keys=())
def accounts(ctx: Context, args: Args) -> Reply:
    """The portfolio: every account, worst first."""
    t = ctx.t
    today = ctx.clock.today()
    rank = {"red": 0, "yellow": 1, "green": 2}
    rows = []
    for acct in repos.all_accounts(ctx.session):
        assert acct.id is not None
        n_open = repos.count_tasks(ctx.session, account_id=acct.id)
        overdue = repos.count_tasks(ctx.session, account_id=acct.id, due_before=today)
        health = health_repo.last_snapshot(ctx.session, account_id=acct.id)
        color = health.color if health else ""
        rows.append((rank.get(color, 3), -overdue, acct.name, acct, n_open, overdue, color))
    rows.sort(key=lambda r: r[:3])
    items = [
        Item(t("accounts.row", account=acct.name, tier=tier_label(t, acct.tier),
               health=t(f"color.{color}") if color else t("card.no_health"),
               open=n_open, overdue=n_overdue,
               renewal=fmt_date(t.lang, acct.renewal_date, weekday=False)))
        for _, _, _, acct, n_open, n_overdue, color in rows
    ]
    if not items:
        return Reply(title=t("accounts.empty"))
    return Reply(title=t("accounts.title", count=len(items)), sections=[Section(items=items)])


@command("triangle", aliases=("team",), keys=("ar", "sr", "fr", "sponsor"), accepts=lambda key: parse_role(key) is not None)
def triangle(ctx: Context, args: Args) -> Reply:
    acct = ctx.require_account()
    assert acct.id is not None
    t = ctx.t
    changes: list[str] = []
    if args.options or args.words:
        assignments: list[tuple[str, str]] = []
        for key, value in args.options.items():
            role = parse_role(key)
            if role is None:
                raise CommandError("error.triangle_usage", key=key)
            assignments.append((role, value))
        # `triangle AR @bob` also works.
        words = list(args.words)
        while words:
            role = parse_role(words[0])
            if role is None or len(words) < 2:
                raise CommandError("error.triangle_usage", key=words[0])
            assignments.append((role, words[1]))
            words = words[2:]
        for role, token in assignments:
            changes.append(_hand(ctx, acct, role, token))
    holders = repos.current_holders(ctx.session, account_id=acct.id)
    fields = [
        (t(f"role.{role.value}"),
         person_name(holders[role.value]) if role.value in holders else t("triangle.vacant"))
        for role in TEAM_ROLES
    ]
    vacant = [r.value for r in TRIANGLE if r.value not in holders]
    sections = [Section(fields=fields)]
    if changes:
        sections.insert(0, Section(items=[Item(c) for c in changes]))
    if vacant:
        sections.append(Section(text=t("triangle.vacant_hint", roles=", ".join(vacant))))
    return Reply(title=t("triangle.title", account=acct.name), sections=sections,
                 tone=Tone.SUCCESS if changes else Tone.INFO)


def _hand(ctx: Context, acct: Account, role: str, token: str) -> str:
    """Give ``role`` to the person ``token`` names; its open tasks follow. Returns a line."""
    assert acct.id is not None
    t = ctx.t
    person = person_from_token(ctx, token)
    lifecycle.restore_person(ctx, person)
    previous, moved = assign_role(ctx, acct, role, person)
    if previous is not None and previous.id == person.id:
        return t("triangle.unchanged", role=role_short(t, role), person=person_name(person))
    if previous is None:
        return t("triangle.assigned", role=role_short(t, role), person=person_name(person),
                 tasks=moved)
    return t("triangle.handed", role=role_short(t, role), previous=person_name(previous),
             person=person_name(person), tasks=moved)


@command("handover", aliases=("transfer",), keys=())
def handover(ctx: Context, args: Args) -> Reply:
    acct = ctx.require_account()
    assert acct.id is not None
    if len(args.words) != 2:
        raise CommandError("error.handover_usage")
    role = parse_role(args.words[0])
    if role is None:
        raise CommandError("error.bad_role", role=args.words[0])
    line = _hand(ctx, acct, role, args.words[1])
    history = [
        ctx.t("handover.history_line", person=person_name(p),
              start=fmt_date(ctx.lang, ra.started_at.astimezone(ctx.clock.tz).date(), weekday=False),
              end=fmt_date(ctx.lang, (ra.ended_at.astimezone(ctx.clock.tz).date()), weekday=False)
              if ra.ended_at else ctx.t("handover.now"))
        for ra, p in repos.role_history(ctx.session, account_id=acct.id)
        if ra.role == role
    ]
    return Reply(
        title=line,
        sections=[Section(title=ctx.t("handover.history", role=role_short(ctx.t, role)),
                          items=[Item(h) for h in history])],
        tone=Tone.SUCCESS,
    )

