"""The rest of the account record: help, stakeholders (the decision chain) and the plan."""

from __future__ import annotations

from sqlmodel import select

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.parsing import VERB_ALIASES, Args
from commands.registry import CommandError, Context, command, load_handlers, lookup
from storage import strategy_repo
from storage.models import PlanSection

# The order `help` lists verbs in: the daily ones first.
HELP_ORDER = (
    "note", "notes", "task", "open", "tasks", "done", "reopen", "cancel", "history", "undo",
    "account", "triangle", "handover",
    "health", "signal", "report", "ask", "stakeholder", "plan", "accounts", "help",
)


@command("help", aliases=("?", "h"), needs_account=False, readonly=True)
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
        return Reply(title=f"{cmd.name} — {t(cmd.summary_key)}", sections=[Section(fields=fields)])
    names = [n for n in HELP_ORDER if n in registry] + sorted(set(registry) - set(HELP_ORDER))
    items = [Item(f"{name} — {t(registry[name].summary_key)}") for name in names]
    intro = t("help.bound", account=ctx.account.name) if ctx.account else t("help.unbound")
    return Reply(
        title=t("help.title"),
        sections=[Section(text=intro), Section(items=items), Section(text=t("help.grammar"))],
    )


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
    # The living plan keeps every version (plan history).
    strategy_repo.add_plan_revision(ctx.session, account_id=account.id, section=section,
                                    text=text, at=row.updated_at, person_id=ctx.person.id)
    return Reply(title=t("plan.updated", section=t(f"plan.{section}"), account=account.name),
                 tone=Tone.SUCCESS)
