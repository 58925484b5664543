"""The rest of the account record: help, stakeholders (the decision chain) and the plan."""

from __future__ import annotations

from sqlmodel import col, select

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.changes.record import stakeholder_state
from commands.options import chinese_verb, key_list
from commands.parsing import VERB_ALIASES, Args
from commands.registry import Command, CommandError, Context, command, load_handlers, lookup
from storage import repos
from storage.models import PlanSection, Stakeholder

# The order `help` lists verbs in: the daily ones first.
HELP_ORDER = (
    "note", "notes", "task", "open", "tasks", "done", "reopen", "cancel", "history", "undo",
    "account", "triangle", "handover",
    "health", "signal", "report", "ask", "stakeholder", "plan", "accounts", "help",
)


@command("help", aliases=("?", "h"), needs_account=False, readonly=True, keys=())
def help_(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    registry = load_handlers()
    if args.words:
        wanted = args.words[0].lower().lstrip("/")
        cmd = lookup(VERB_ALIASES.get(wanted, wanted))
        if cmd is None:
            raise CommandError("error.unknown_verb", verb=wanted[:40])
        zh_alias = [k for k, v in VERB_ALIASES.items() if v == cmd.name]
        zh_alias += [a for a in cmd.aliases if not a.isascii() and a not in zh_alias]
        fields = [(t("help.usage"), t(cmd.usage_key))]
        if zh_alias:
            fields.append((t("help.aliases"), " / ".join(zh_alias)))
        if cmd.keys:
            fields.append((t("options.keys"), key_list(cmd, t.lang)))
        return Reply(title=f"{cmd.name} — {t(cmd.summary_key)}", sections=[Section(fields=fields)])
    names = [n for n in HELP_ORDER if n in registry] + sorted(set(registry) - set(HELP_ORDER))
    items = [Item(f"{_shown(registry[name], t.lang)} — {t(registry[name].summary_key)}")
             for name in names]
    intro = t("help.bound", account=ctx.account.name) if ctx.account else t("help.unbound")
    return Reply(
        title=t("help.title"),
        sections=[Section(text=intro), Section(items=items), Section(text=t("help.grammar"))],
    )


def _shown(cmd: Command, lang: str) -> str:
    """A verb as help lists it: in Chinese its Chinese form first (``任务 (task)``)."""
    zh = chinese_verb(cmd) if lang == "zh" else None
    return f"{zh} ({cmd.name})" if zh else cmd.name


_STANCES = {
    "champion": "champion", "支持者": "champion", "拥护者": "champion", "教练": "champion",
    "supporter": "supporter", "support": "supporter", "支持": "supporter",
    "neutral": "neutral", "中立": "neutral",
    "skeptic": "skeptic", "sceptic": "skeptic", "怀疑": "skeptic", "观望": "skeptic",
    "blocker": "blocker", "opponent": "blocker", "反对": "blocker", "反对者": "blocker",
}


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


@command("stakeholder", aliases=("stakeholders", "contact", "contacts"), keys=("title", "role", "power", "interest", "stance", "relationship"),
         key_aliases={"职位": "title"})
def stakeholder(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    sub = args.words[0].lower() if args.words else "list"
    if sub in ("add", "set", "添加", "更新"):
        name = " ".join(args.words[1:]).strip()
        if not name:
            raise CommandError("error.stakeholder_usage")
        stance = args.option("stance")
        if stance is not None and stance.lower() not in _STANCES:
            raise CommandError("error.stakeholder_stance", value=stance,
                               stances="champion, supporter, neutral, skeptic, blocker")
        key = repos.name_key(name)
        row = ctx.session.exec(select(Stakeholder).where(
            Stakeholder.account_id == account.id, Stakeholder.name_key == key)).first()
        created = row is None
        if row is None:
            row = Stakeholder(account_id=account.id, name=name[:200], name_key=key,
                              created_at=ctx.clock.now())
        was = stakeholder_state(row)
        if "title" in args.options:
            row.title = args.options["title"][:200]
        if "role" in args.options:
            row.role = args.options["role"][:100]
        if "power" in args.options:
            row.power = _level("power", args.options["power"])
        if "interest" in args.options:
            row.interest = _level("interest", args.options["interest"])
        if "relationship" in args.options:
            row.relationship = _level("relationship", args.options["relationship"])
        if stance is not None:
            row.stance = _STANCES[stance.lower()]
        ctx.session.add(row)
        ctx.session.flush()
        before, after = audit.diff(was, stakeholder_state(row))
        if created or after:
            audit.record(ctx, "stakeholder.add" if created else "stakeholder.update",
                         target=f"stakeholder:{key}", name=row.name, id=row.id,
                         before=before, after=after)
        return Reply(title=t("stakeholder.added" if created else "stakeholder.updated",
                             name=row.name, account=account.name), tone=Tone.SUCCESS,
                     sections=[Section(fields=_stakeholder_fields(ctx, row))])
    if sub in ("remove", "delete", "删除", "移除"):
        name = " ".join(args.words[1:]).strip()
        row = ctx.session.exec(select(Stakeholder).where(
            Stakeholder.account_id == account.id,
            Stakeholder.name_key == repos.name_key(name))).first()
        if row is None:
            raise CommandError("error.stakeholder_unknown", name=name)
        audit.record(ctx, "stakeholder.remove", target=f"stakeholder:{row.name_key}",
                     name=row.name, id=row.id, before=row.model_dump(mode="json"))
        ctx.session.delete(row)
        return Reply(title=t("stakeholder.removed", name=row.name), tone=Tone.SUCCESS)
    if sub not in ("list", "列表"):
        raise CommandError("error.stakeholder_usage")
    rows = ctx.session.exec(select(Stakeholder).where(Stakeholder.account_id == account.id)
                            .order_by(col(Stakeholder.power).desc(), col(Stakeholder.name))).all()
    if not rows:
        return Reply(title=t("stakeholder.title", account=account.name),
                     sections=[Section(text=t("stakeholder.empty"))])
    return Reply(title=t("stakeholder.title", account=account.name),
                 sections=[Section(title=r.name, fields=_stakeholder_fields(ctx, r)) for r in rows])


def _stakeholder_fields(ctx: Context, row: Stakeholder) -> list[tuple[str, str]]:
    t = ctx.t
    fields = [
        (t("stakeholder.f_title"), row.title or "—"),
        (t("stakeholder.f_role"), row.role or "—"),
        (t("stakeholder.f_power"), str(row.power or "—")),
        (t("stakeholder.f_interest"), str(row.interest or "—")),
        (t("stakeholder.f_stance"), t(f"stance.{row.stance}") if row.stance else "—"),
    ]
    return fields


PLAN_SECTIONS = ("goals", "challenges", "opportunities", "competition", "relationships", "actions")
_PLAN_WORDS = {
    "goals": "goals", "goal": "goals", "目标": "goals", "客户目标": "goals",
    "challenges": "challenges", "challenge": "challenges", "挑战": "challenges",
    "opportunities": "opportunities", "opportunity": "opportunities", "机会": "opportunities",
    "competition": "competition", "competitors": "competition", "竞争": "competition",
    "竞争格局": "competition",
    "relationships": "relationships", "relationship": "relationships", "关系": "relationships",
    "关系计划": "relationships",
    "actions": "actions", "行动": "actions", "行动计划": "actions",
}


@command("plan", aliases=("accountplan",), free_text=True)
def plan(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    rows = {r.section: r for r in ctx.session.exec(
        select(PlanSection).where(PlanSection.account_id == account.id)).all()}
    if not args.words:
        sections = [
            Section(title=t(f"plan.{name}"), text=rows[name].text if name in rows else t("plan.blank"))
            for name in PLAN_SECTIONS
        ]
        return Reply(title=t("plan.title", account=account.name), sections=sections,
                     footer=t("plan.hint"))
    section = _PLAN_WORDS.get(args.words[0].lower())
    if section is None:
        raise CommandError("error.plan_section", value=args.words[0],
                           sections=", ".join(PLAN_SECTIONS))
    text = args.rest.strip()[len(args.words[0]):].strip()
    if not text:
        current = rows.get(section)
        return Reply(title=t(f"plan.{section}"),
                     sections=[Section(text=current.text if current else t("plan.blank"))])
    if len(text) > 20_000:
        raise CommandError("error.note_long", max=20_000, length=len(text))
    row = rows.get(section) or PlanSection(account_id=account.id, section=section, text="",
                                           updated_at=ctx.clock.now())
    if section not in rows or row.text != text:
        audit.record(ctx, "plan.set", target=f"plan:{section}", section=section,
                     before={"text": row.text} if section in rows else None, after={"text": text})
    row.text = text
    row.updated_at = ctx.clock.now()
    row.updated_by_id = ctx.person.id
    ctx.session.add(row)
    return Reply(title=t("plan.updated", section=t(f"plan.{section}"), account=account.name),
                 tone=Tone.SUCCESS)
