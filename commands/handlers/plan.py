"""The living account plan: ``plan`` shows it, ``plan <section> <text>`` writes a section
(every version kept), ``plan history [section]`` says who changed what when, ``plan
<section> previous`` shows the version before, ``plan reviewed`` confirms it as it stands.
SWOT and whitespace sections appear once a team writes them."""

from __future__ import annotations

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.format import fmt_date, person_name
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from storage import repos, strategy_repo
from storage.models import PlanSection

PLAN_SECTIONS = ("goals", "challenges", "opportunities", "competition", "relationships", "actions")
# Shown once written: a SWOT analysis and the whitespace (what they buy that we could sell).
EXTRA_SECTIONS = ("strengths", "weaknesses", "swot_opportunities", "threats", "whitespace")
ALL_SECTIONS = PLAN_SECTIONS + EXTRA_SECTIONS
_PLAN_WORDS = {
    "goals": "goals", "goal": "goals", "目标": "goals", "客户目标": "goals",
    "challenges": "challenges", "challenge": "challenges", "挑战": "challenges",
    "opportunities": "opportunities", "opportunity": "opportunities", "机会": "opportunities",
    "competition": "competition", "competitors": "competition", "竞争": "competition",
    "竞争格局": "competition",
    "relationships": "relationships", "relationship": "relationships", "关系": "relationships",
    "关系计划": "relationships",
    "actions": "actions", "行动": "actions", "行动计划": "actions",
    "strengths": "strengths", "strength": "strengths", "优势": "strengths",
    "weaknesses": "weaknesses", "weakness": "weaknesses", "劣势": "weaknesses",
    "swot_opportunities": "swot_opportunities", "swot-opportunities": "swot_opportunities",
    "外部机会": "swot_opportunities",
    "threats": "threats", "threat": "threats", "威胁": "threats",
    "whitespace": "whitespace", "white-space": "whitespace", "空白": "whitespace",
    "空白点": "whitespace",
}
_HISTORY = ("history", "历史")
_PREVIOUS = ("previous", "prev", "before", "上一版", "之前")
_REVIEWED = ("reviewed", "review", "已评审", "评审")
MAX_TEXT = 20_000
HISTORY_LIMIT = 15


def plan_sub(words: list[str]) -> str:
    """``show`` / ``history`` / ``previous`` / ``reviewed`` / ``write`` (commands.authz reads
    it: only ``write`` and ``reviewed`` change the plan)."""
    if not words:
        return "show"
    first = words[0].lower()
    if first in _HISTORY:
        return "history"
    if first in _REVIEWED and len(words) == 1:
        return "reviewed"
    if len(words) == 1:
        return "show"
    if len(words) == 2 and words[1].lower() in _PREVIOUS:
        return "previous"
    return "write"


def _section(word: str) -> str:
    section = _PLAN_WORDS.get(word.lower())
    if section is None:
        raise CommandError("error.plan_section", value=word[:40],
                           sections=", ".join(ALL_SECTIONS))
    return section


def section_label(ctx: Context, section: str) -> str:
    return ctx.t(f"plan.{section}") if section in PLAN_SECTIONS \
        else ctx.t(f"strategy.plan.{section}")


@command("plan", aliases=("accountplan",), free_text=True)
def plan(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    sub = plan_sub(args.words)
    rows = strategy_repo.plan_sections(ctx.session, account_id=account.id)
    if sub == "history":
        return _history(ctx, account.id, args.words[1] if len(args.words) > 1 else None)
    if sub == "reviewed":
        return _reviewed(ctx, account.id)
    if not args.words:
        shown = [s for s in PLAN_SECTIONS] + [s for s in EXTRA_SECTIONS if s in rows]
        sections = [Section(title=section_label(ctx, name),
                            text=rows[name].text if name in rows else t("plan.blank"))
                    for name in shown]
        return Reply(title=t("plan.title", account=account.name), sections=sections,
                     footer=t("plan.hint") + "\n" + t("strategy.plan.hint"))
    section = _section(args.words[0])
    if sub == "previous":
        return _previous(ctx, account.id, section)
    text = args.rest.strip()[len(args.words[0]):].strip()
    if not text:
        current = rows.get(section)
        return Reply(title=section_label(ctx, section),
                     sections=[Section(text=current.text if current else t("plan.blank"))])
    if len(text) > MAX_TEXT:
        raise CommandError("error.note_long", max=MAX_TEXT, length=len(text))
    row = rows.get(section) or PlanSection(account_id=account.id, section=section, text="",
                                           updated_at=ctx.clock.now())
    if section in rows and row.text == text:
        return Reply(title=t("strategy.plan.unchanged", section=section_label(ctx, section)))
    now = ctx.clock.now()
    revision = strategy_repo.add_plan_revision(ctx.session, account_id=account.id,
                                               section=section, text=text, at=now,
                                               person_id=ctx.person.id)
    audit.record(ctx, "plan.set", target=f"plan:{section}", section=section,
                 before={"text": row.text} if section in rows else None, after={"text": text},
                 revision=revision.id)
    row.text = text
    row.updated_at = now
    row.updated_by_id = ctx.person.id
    ctx.session.add(row)
    return Reply(title=t("plan.updated", section=section_label(ctx, section),
                         account=account.name), tone=Tone.SUCCESS)


def _when(ctx: Context, revision_at: object) -> str:
    from datetime import datetime

    assert isinstance(revision_at, datetime)
    return fmt_date(ctx.lang, revision_at.astimezone(ctx.clock.tz).date(), weekday=False)


def _history(ctx: Context, account_id: int, word: str | None) -> Reply:
    t = ctx.t
    section = _section(word) if word else None
    revisions = strategy_repo.plan_revisions(ctx.session, account_id=account_id,
                                             section=section, limit=HISTORY_LIMIT)
    people = repos.persons_by_ids(ctx.session, ids={r.person_id for r in revisions
                                                    if r.person_id is not None})
    title = t("strategy.plan.history_title",
              section=section_label(ctx, section) if section else t("strategy.plan.all"))
    if not revisions:
        return Reply(title=title, sections=[Section(text=t("strategy.plan.no_history"))])
    items = []
    for r in revisions:
        who = person_name(people[r.person_id]) if r.person_id in people else "—"
        if r.kind == "review":
            items.append(Item(t("strategy.plan.history_review", date=_when(ctx, r.at), who=who)))
            continue
        first = r.text.strip().splitlines()[0] if r.text.strip() else ""
        items.append(Item(t("strategy.plan.history_line", date=_when(ctx, r.at), who=who,
                            section=section_label(ctx, r.section), chars=len(r.text),
                            text=first[:120])))
    footer = t("strategy.plan.previous_hint", section=section or "goals")
    return Reply(title=title, sections=[Section(items=items)], footer=footer)


def _previous(ctx: Context, account_id: int, section: str) -> Reply:
    t = ctx.t
    edits = [r for r in strategy_repo.plan_revisions(ctx.session, account_id=account_id,
                                                     section=section, limit=2)
             if r.kind == "edit"]
    label = section_label(ctx, section)
    if len(edits) < 2:
        return Reply(title=t("strategy.plan.previous_title", section=label),
                     sections=[Section(text=t("strategy.plan.no_previous"))])
    before, now = edits[1], edits[0]
    people = repos.persons_by_ids(ctx.session, ids={r.person_id for r in (before, now)
                                                    if r.person_id is not None})
    return Reply(title=t("strategy.plan.previous_title", section=label), sections=[
        Section(title=t("strategy.plan.version", date=_when(ctx, before.at),
                        who=person_name(people[before.person_id])
                        if before.person_id in people else "—"), text=before.text),
        Section(title=t("strategy.plan.replaced", date=_when(ctx, now.at),
                        who=person_name(people[now.person_id])
                        if now.person_id in people else "—")),
    ])


def _reviewed(ctx: Context, account_id: int) -> Reply:
    """The team confirmed the plan as it stands: the quarter's review clock restarts."""
    strategy_repo.add_plan_revision(ctx.session, account_id=account_id, section="*", text="",
                                    at=ctx.clock.now(), person_id=ctx.person.id, kind="review")
    return Reply(title=ctx.t("strategy.plan.reviewed", date=fmt_date(
        ctx.lang, ctx.clock.today(), weekday=False)), tone=Tone.SUCCESS)
