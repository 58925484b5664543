"""The relationship map: ``stakeholder add|set|remove``, ``stakeholder <name> met [date]``,
``stakeholders`` (the decision chain as a reports-to tree, with its gaps) and
``stakeholders grid`` (the power / interest grid as a PNG). Rules: commands/strategy/relmap.py."""

from __future__ import annotations

from datetime import date

from bot.messages import Attachment, Button, Item, Reply, Section, Tone
from commands import audit
from commands.changes.record import stakeholder_state
from commands.format import fmt_date, person_name
from commands.i18n import t as translate
from commands.parsing import Args
from commands.pastdates import parse_past_day
from commands.people import person_from_token
from commands.registry import CommandError, Context, command
from commands.strategy import relmap
from storage import repos, strategy_repo
from storage.models import Person, Stakeholder

_STANCES = {
    "champion": "champion", "支持者": "champion", "拥护者": "champion", "教练": "champion",
    "supporter": "supporter", "support": "supporter", "支持": "supporter",
    "neutral": "neutral", "中立": "neutral",
    "skeptic": "skeptic", "sceptic": "skeptic", "怀疑": "skeptic", "观望": "skeptic",
    "blocker": "blocker", "opponent": "blocker", "反对": "blocker", "反对者": "blocker",
}
_ADD = ("add", "set", "添加", "更新")
_REMOVE = ("remove", "delete", "删除")
_LIST = ("list", "列表", "chain", "决策链")
GRID_WORDS = ("grid", "map", "矩阵", "地图", "图")
_MET = ("met", "contacted", "见过", "拜访", "联系")
#: Nodes the tree lists before "and N more" (a chat message has limits).
TREE_LIMIT = 40


def _level(key: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip().lower()
    words = {"low": 1, "medium": 3, "high": 5, "低": 1, "中": 3, "高": 5}
    if text in words:
        return words[text]
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise CommandError("error.stakeholder_level", key=key, value=raw)


def _decision(raw: str) -> str | None:
    return relmap.DECISION_WORDS.get(raw.strip().lower().replace(" ", "_"))


def _find(ctx: Context, account_id: int, name: str) -> Stakeholder:
    row = strategy_repo.stakeholder_named(ctx.session, account_id=account_id,
                                          name_key=repos.name_key(name))
    if row is None:
        raise CommandError("error.stakeholder_unknown", name=name[:200])
    return row


@command("stakeholder", aliases=("stakeholders", "contact", "contacts"),
         keys=("title", "role", "power", "interest", "stance", "relationship", "decision",
               "owner", "reports_to"),
         key_aliases={"职位": "title"})
def stakeholder(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    sub = args.words[0].lower() if args.words else "list"
    if sub in _ADD:
        return _add(ctx, account.id, args)
    if sub in _REMOVE:
        return _remove(ctx, account.id, " ".join(args.words[1:]).strip())
    if sub in GRID_WORDS:
        return grid(ctx, account.id)
    met_at = next((i for i, w in enumerate(args.words) if w.lower() in _MET), None)
    if met_at:
        return _met(ctx, account.id, " ".join(args.words[:met_at]),
                    " ".join(args.words[met_at + 1:]))
    if sub not in _LIST:
        raise CommandError("error.stakeholder_usage")
    return chain_reply(ctx, account.id)


def _add(ctx: Context, account_id: int, args: Args) -> Reply:
    t = ctx.t
    name = " ".join(args.words[1:]).strip()
    if not name:
        raise CommandError("error.stakeholder_usage")
    opts = args.options
    stance = opts.get("stance")
    if stance is not None and stance.lower() not in _STANCES:
        raise CommandError("error.stakeholder_stance", value=stance[:40],
                           stances="champion, supporter, neutral, skeptic, blocker")
    decision = opts.get("decision")
    if decision is not None and _decision(decision) is None:
        raise CommandError("strategy.error.decision_role", value=decision[:40],
                           roles=", ".join(relmap.DECISION_ROLES))
    key = repos.name_key(name)
    row = strategy_repo.stakeholder_named(ctx.session, account_id=account_id, name_key=key)
    created = row is None
    if row is None:
        row = Stakeholder(account_id=account_id, name=name[:200], name_key=key,
                          created_at=ctx.clock.now())
    was = stakeholder_state(row)
    if "title" in opts:
        row.title = opts["title"][:200]
    if "role" in opts:
        row.role = opts["role"][:100]
        # role=decision-maker also names their part in the decision.
        row.decision_role = _decision(opts["role"]) or row.decision_role
    if decision is not None:
        row.decision_role = _decision(decision)
    if "power" in opts:
        row.power = _level("power", opts["power"])
    if "interest" in opts:
        row.interest = _level("interest", opts["interest"])
    if "relationship" in opts:
        row.relationship = _level("relationship", opts["relationship"])
    if stance is not None:
        row.stance = _STANCES[stance.lower()]
    if "owner" in opts:
        owner = opts["owner"].strip()
        row.owner_id = None if owner.lower() in ("none", "-", "无") else \
            person_from_token(ctx, owner).id
    ctx.session.add(row)
    ctx.session.flush()
    if "reports_to" in opts:
        boss_name = opts["reports_to"].strip()
        if boss_name.lower() in ("none", "-", "无"):
            row.reports_to_id = None
        else:
            boss = _find(ctx, account_id, boss_name)
            if boss.id == row.id or _above(ctx, account_id, row, boss):
                raise CommandError("strategy.error.reports_loop", name=row.name,
                                   boss=boss.name)
            row.reports_to_id = boss.id
        ctx.session.add(row)
    before, after = audit.diff(was, stakeholder_state(row))
    if created or after:
        audit.record(ctx, "stakeholder.add" if created else "stakeholder.update",
                     target=f"stakeholder:{key}", name=row.name, id=row.id,
                     before=before, after=after)
    account = ctx.require_account()
    return Reply(title=t("stakeholder.added" if created else "stakeholder.updated",
                         name=row.name, account=account.name), tone=Tone.SUCCESS,
                 sections=[Section(fields=_fields(ctx, row))])


def _above(ctx: Context, account_id: int, row: Stakeholder, boss: Stakeholder) -> bool:
    """Whether ``row`` is already above ``boss`` in the chain (so the link would loop)."""
    by_id = {r.id: r for r in strategy_repo.stakeholders_of(ctx.session, account_id=account_id)}
    seen: set[int | None] = set()
    current: Stakeholder | None = boss
    while current is not None and current.reports_to_id is not None \
            and current.id not in seen:
        seen.add(current.id)
        if current.reports_to_id == row.id:
            return True
        current = by_id.get(current.reports_to_id)
    return False


def _remove(ctx: Context, account_id: int, name: str) -> Reply:
    row = _find(ctx, account_id, name)
    audit.record(ctx, "stakeholder.remove", target=f"stakeholder:{row.name_key}",
                 name=row.name, id=row.id, before=row.model_dump(mode="json"))
    # People who reported to them now report to nobody on record.
    for other in strategy_repo.stakeholders_of(ctx.session, account_id=account_id):
        if other.reports_to_id == row.id:
            other.reports_to_id = None
            ctx.session.add(other)
    ctx.session.flush()
    ctx.session.delete(row)
    return Reply(title=ctx.t("stakeholder.removed", name=row.name), tone=Tone.SUCCESS)


def _met(ctx: Context, account_id: int, name: str, when: str) -> Reply:
    t = ctx.t
    row = _find(ctx, account_id, name.strip().strip('"“”'))
    today = ctx.clock.today()
    day = parse_past_day(when, today) if when.strip() else today
    if day is None:
        raise CommandError("strategy.error.met_date", value=when[:40], name=row.name)
    was = stakeholder_state(row)
    if row.last_contact_on is None or day > row.last_contact_on:
        row.last_contact_on = day
    ctx.session.add(row)
    before, after = audit.diff(was, stakeholder_state(row))
    if after:
        audit.record(ctx, "stakeholder.update", target=f"stakeholder:{row.name_key}",
                     name=row.name, id=row.id, before=before, after=after)
    return Reply(title=t("strategy.map.met", name=row.name,
                         date=fmt_date(t.lang, day, weekday=False)), tone=Tone.SUCCESS)


def _people(ctx: Context, rows: list[Stakeholder]) -> dict[int, Person]:
    return repos.persons_by_ids(ctx.session, ids={r.owner_id for r in rows
                                                  if r.owner_id is not None})


def _line(ctx: Context, row: Stakeholder, people: dict[int, Person], today: date) -> str:
    t = ctx.t
    parts = [row.name]
    if row.title:
        parts.append(row.title)
    if row.decision_role:
        parts.append(t(f"strategy.decision.{row.decision_role}"))
    elif row.role:
        parts.append(row.role)  # a role in the team's own words
    if row.power or row.interest:
        parts.append(t("strategy.map.pi", power=row.power or "—", interest=row.interest or "—"))
    if row.stance:
        parts.append(t(f"stance.{row.stance}"))
    owner = people.get(row.owner_id) if row.owner_id is not None else None
    parts.append(t("strategy.map.owner", who=person_name(owner)) if owner
                 else t("strategy.map.no_owner"))
    if row.last_contact_on is not None:
        parts.append(t("strategy.map.last_met", days=(today - row.last_contact_on).days))
    return " · ".join(parts)


def gap_lines(ctx: Context, gaps: list[relmap.Gap]) -> list[str]:
    return [ctx.t(f"strategy.gap.{g.code}", **g.values) for g in gaps]


def chain_reply(ctx: Context, account_id: int) -> Reply:
    t = ctx.t
    account = ctx.require_account()
    rows = strategy_repo.stakeholders_of(ctx.session, account_id=account_id)
    title = t("stakeholder.title", account=account.name)
    if not rows:
        return Reply(title=title, sections=[Section(text=t("stakeholder.empty"))])
    today = ctx.clock.today()
    people = _people(ctx, rows)
    nodes = relmap.chain(rows)
    items = [Item(("    " * min(n.depth, 6)) + ("└ " if n.depth else "") +
                  _line(ctx, n.stakeholder, people, today)) for n in nodes[:TREE_LIMIT]]
    tree = Section(title=t("strategy.map.chain"), items=items)
    if len(nodes) > TREE_LIMIT:
        tree.text = t("strategy.map.more", count=len(nodes) - TREE_LIMIT)
    found = relmap.gaps(rows, today=today)
    gaps = Section(title=t("strategy.map.gaps", count=len(found)),
                   items=[Item(line) for line in gap_lines(ctx, found)],
                   text="" if found else t("strategy.map.no_gaps"))
    return Reply(title=title, sections=[tree, gaps],
                 buttons=[Button(t("strategy.map.grid_button"), "stakeholders grid")],
                 footer=t("strategy.map.hint"))


def _fields(ctx: Context, row: Stakeholder) -> list[tuple[str, str]]:
    t = ctx.t
    owner = repos.persons_by_ids(ctx.session, ids={row.owner_id}).get(row.owner_id) \
        if row.owner_id is not None else None
    boss = ctx.session.get(Stakeholder, row.reports_to_id) if row.reports_to_id else None
    return [
        (t("stakeholder.f_title"), row.title or "—"),
        (t("stakeholder.f_role"), t(f"strategy.decision.{row.decision_role}")
         if row.decision_role else (row.role or "—")),
        (t("stakeholder.f_power"), str(row.power or "—")),
        (t("stakeholder.f_interest"), str(row.interest or "—")),
        (t("stakeholder.f_stance"), t(f"stance.{row.stance}") if row.stance else "—"),
        (t("strategy.map.f_reports_to"), boss.name if boss else "—"),
        (t("strategy.map.f_owner"), person_name(owner) if owner else "—"),
    ]


def grid(ctx: Context, account_id: int) -> Reply:
    """The power / interest grid as a PNG; people without both levels are named below."""
    from bot import charts

    t = ctx.t
    account = ctx.require_account()
    rows = strategy_repo.stakeholders_of(ctx.session, account_id=account_id)
    placed = [r for r in rows if r.power and r.interest]
    missing = [r.name for r in rows if not (r.power and r.interest)]
    lang = charts.label_lang(t.lang)

    def ct(key: str) -> str:
        return translate(lang, f"strategy.grid.{key}")

    png = charts.power_interest_grid(
        points=[charts.GridPoint(r.name, int(r.power or 0), int(r.interest or 0),
                                 r.stance or "") for r in placed],
        labels=charts.GridLabels(
            title=ct("title"), power=ct("power"), interest=ct("interest"),
            manage=ct("manage"), satisfy=ct("satisfy"), inform=ct("inform"),
            monitor=ct("monitor")))
    sections = [Section(text=t("strategy.grid.placed", count=len(placed)))]
    if missing:
        sections.append(Section(text=t("strategy.grid.missing", names=", ".join(missing[:20]))))
    return Reply(title=t("strategy.grid.reply_title", account=account.name), sections=sections,
                 attachments=[Attachment(filename="stakeholders-grid.png", content=png,
                                         mime="image/png",
                                         title=t("strategy.grid.reply_title",
                                                 account=account.name))])
