"""Accounts and their teams: account new / link / set / score, the card, the portfolio,
the iron triangle and handovers."""

from __future__ import annotations

import csv
import io
import re

from bot.messages import Attachment, Item, Reply, Section, Tone
from commands import audit, authz, lifecycle, portfolio_strategy
from commands.bounds import check_amount, check_date
from commands.changes.account import CARD_FIELDS, card_state
from commands.dates import DateParseError, parse_date
from commands.format import (
    fmt_date,
    fmt_number,
    fmt_percent,
    person_name,
    role_short,
)
from commands.handlers.account_card import account_card
from commands.handlers.playbooks import key_account_sections
from commands.handlers.scoring import account_score, record_score
from commands.i18n import Translator, language_of
from commands.parsing import Args, typed_verb
from commands.people import person_from_token
from commands.playbooks.triggers import KEY_TIERS
from commands.registry import CommandError, Context, command
from commands.roles import assign_role
from commands.routing import parse_role
from commands.strategy.handover_brief import brief_sections
from commands.workdays import normalize_country
from storage import repos
from storage.models import TEAM_ROLES, TRIANGLE, Account, ChannelBinding, Role, Tier
from storage.portfolio_rows import portfolio_rows

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
        return account_score(ctx, args)
    ctx.only_read = True  # the card changes nothing: no re-assessment after it
    return account_card(ctx)


def _ensure_unbound(ctx: Context) -> None:
    if ctx.account is not None:
        raise CommandError("error.already_bound", account=ctx.account.name)
    if ctx.incoming.is_direct:
        raise CommandError("error.bind_in_dm")


def _account_new(ctx: Context, args: Args) -> Reply:
    _ensure_unbound(ctx)
    audience = _audience(args)
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
    detected = audience is None and ctx.incoming.external is True
    binding.shared = bool(audience) or detected
    ctx.session.add(binding)
    audit.record(ctx, "account.new", target="account", account_id=acct.id, name=name,
                 tier=tier, binding=binding.id, binding_before=before, shared=binding.shared)
    ctx.account = acct
    t = ctx.t
    reply = Reply(
        title=t("account.created", account=acct.name, tier=tier_label(t, tier)),
        sections=[Section(text=t("account.created_next")),
                  *key_account_sections(ctx, acct, was_key=False)],
        tone=Tone.SUCCESS,
    )
    if binding.shared:
        # The tier and the team's next steps are ours: the asker alone reads them.
        reply.sections.insert(0, Section(text=t("customer.channel_shared")))
        if detected:
            reply.sections.insert(1, Section(text=t("customer.detected", account=acct.name)))
        reply.private = reply.confidential = True
    return reply


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


_SHARED_CHANNEL = frozenset({"shared", "共享"})
_INTERNAL_CHANNEL = frozenset({"internal", "内部"})


def _audience(args: Args) -> bool | None:
    """``account link "Acme" shared|internal``: the last unquoted word, taken off the name."""
    if len(args.words) > 2 and not args.quoted[-1]:
        word = args.words[-1].casefold()
        if word in _SHARED_CHANNEL or word in _INTERNAL_CHANNEL:
            args.words.pop()
            args.quoted.pop()
            return word in _SHARED_CHANNEL
    return None


def _account_link(ctx: Context, args: Args) -> Reply:
    shared = _audience(args)
    if ctx.account is not None and shared is not None:
        name = _name_from(args, ctx.t)
        if repos.name_key(name) == ctx.account.name_key:
            return _set_audience(ctx, ctx.account, shared=shared)
    _ensure_unbound(ctx)
    name = _name_from(args, ctx.t)
    acct = lifecycle.readable_account_named(ctx, name)
    # Linking shows the account's whole record to this channel: its AR, sponsor or an admin.
    authz.require(ctx, authz.Need.LEAD, acct, action="account link")
    binding, before = _bind(ctx, acct)
    detected = shared is None and ctx.incoming.external is True
    binding.shared = bool(shared) or detected
    ctx.session.add(binding)
    audit.record(ctx, "account.link", target=f"binding:{binding.id}", account_id=acct.id,
                 channel=ctx.incoming.channel, channel_name=ctx.incoming.channel_name,
                 binding=binding.id, binding_before=before, shared=binding.shared)
    ctx.account = acct
    if binding.shared:
        sections = [Section(text=ctx.t("customer.channel_shared"))]
        if detected:
            sections.append(Section(text=ctx.t("customer.detected", account=acct.name)))
        return Reply(title=ctx.t("account.linked", account=acct.name), sections=sections,
                     tone=Tone.SUCCESS)
    return Reply(title=ctx.t("account.linked", account=acct.name), tone=Tone.SUCCESS)


def _set_audience(ctx: Context, acct: Account, *, shared: bool) -> Reply:
    """This channel, already the account's, becomes shared with the customer or internal."""
    authz.require(ctx, authz.Need.LEAD, acct, action="account link")
    inc = ctx.incoming
    binding = repos.binding_for(ctx.session, platform=inc.platform, workspace=inc.workspace,
                                channel=inc.channel)
    assert binding is not None
    was = binding.shared
    binding.shared = shared
    ctx.session.add(binding)
    audit.record(ctx, "channel.audience", target=f"binding:{binding.id}", account_id=acct.id,
                 channel=inc.channel, before=was, after=shared)
    key = "customer.channel_shared" if shared else "customer.channel_internal"
    return Reply(title=ctx.t("account.linked", account=acct.name),
                 sections=[Section(text=ctx.t(key))], tone=Tone.SUCCESS)


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
        record_score(ctx, acct)
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


#: The portfolio lists this many of the worst accounts; every account is in its attached file.
PORTFOLIO_SHOWN = 50


@command("accounts", aliases=("portfolio",), needs_account=False, admin_only=True, readonly=True, keys=())
def accounts(ctx: Context, args: Args) -> Reply:
    """The portfolio: every account, worst first, in three queries however many; the worst
    are listed and every account is in an attached CSV file."""
    t = ctx.t
    today = ctx.clock.today()
    by = portfolio_strategy.rank_of(args.words, args.options)
    if args.words or args.options:
        if by is None:
            raise CommandError("strategy.error.rank_usage")
        return portfolio_strategy.ranked_reply(
            t, portfolio_strategy.portfolio_rows(ctx.session, today=today), by)
    rank = {"red": 0, "yellow": 1, "green": 2}
    rows = sorted(portfolio_rows(ctx.session, today=today),
                  key=lambda r: (rank.get(r.color, 3), -r.overdue, r.account.name))
    if not rows:
        return Reply(title=t("accounts.empty"))

    # Translated once per colour and tier, not once per account and column.
    colors: dict[str, str] = {}
    tiers: dict[str, str] = {}

    def health(color: str) -> str:
        if color not in colors:
            colors[color] = t(f"color.{color}") if color else t("card.no_health")
        return colors[color]

    def tier(name: str) -> str:
        if name not in tiers:
            tiers[name] = tier_label(t, name)
        return tiers[name]

    items = [
        Item(t("accounts.row", account=r.account.name, tier=tier(r.account.tier),
               health=health(r.color), open=r.open, overdue=r.overdue,
               renewal=fmt_date(t.lang, r.account.renewal_date, weekday=False)))
        for r in rows[:PORTFOLIO_SHOWN]
    ]
    reply = Reply(title=t("accounts.title", count=len(rows)), sections=[Section(items=items)])
    if len(rows) > PORTFOLIO_SHOWN:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(t("portfolio.columns").split(","))
        for r in rows:
            writer.writerow([r.account.name, tier(r.account.tier), health(r.color),
                             r.open, r.overdue,
                             r.account.renewal_date.isoformat() if r.account.renewal_date else ""])
        name = f"portfolio-{today.isoformat()}.csv"
        reply.attachments.append(Attachment(filename=name, content=out.getvalue().encode(),
                                            mime="text/csv", title=t("portfolio.file_title")))
        reply.footer = t("portfolio.more", shown=PORTFOLIO_SHOWN, count=len(rows), file=name)
    # The Pareto line and the tier counts against the key-account guideline.
    return portfolio_strategy.extend_portfolio(
        t, reply, portfolio_strategy.summary_rows([r.account for r in rows]))


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
    newcomer = person_from_token(ctx, args.words[1])
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
                          items=[Item(h) for h in history]),
                  Section(title=ctx.t("strategy.brief.title", person=person_name(newcomer))),
                  *brief_sections(ctx.session, ctx.t, ctx.clock.tz, acct, role, newcomer)],
        tone=Tone.SUCCESS,
    )

