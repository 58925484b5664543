"""Playbooks (剧本): ``playbooks`` lists them (and this account's runs, and any file that
could not be read), ``playbook <name>`` shows one, ``playbook run <name>`` starts one by
hand; admins add their own with ``playbook add`` followed by the TOML or YAML text (as in
a KAMBOT_PLAYBOOKS_DIR file) and take it away with ``playbook remove <name>``.
"""

from __future__ import annotations

from pathlib import PurePath

from bot.messages import Item, Reply, Section, Tone
from commands.commercial_text import (
    error_text,
    run_line,
    stage_name,
    started_lines,
    started_sections,
)
from commands.format import role_short
from commands.health_text import color_name
from commands.i18n import Translator
from commands.parsing import Args
from commands.pipeline import renewal_windows_of
from commands.playbooks.engine import progress_of, start, trigger_key
from commands.playbooks.loader import (
    Library,
    PlaybookError,
    clean_chat_text,
    guess_format,
    load_source,
)
from commands.playbooks.model import Playbook, TriggerKind
from commands.playbooks.triggers import KEY_TIERS, library, on_key_account
from commands.registry import CommandError, Context, command
from storage import playbook_repo, repos
from storage.models import Account

_RUN = {"run", "start", "启动", "运行"}
_ADD = {"add", "新增", "添加"}
_REMOVE = {"remove", "delete", "删除"}
_SHOW = {"show", "查看"}


def trigger_text(t: Translator, playbook: Playbook) -> str:
    trig = playbook.trigger
    if trig.kind is TriggerKind.STAGE:
        return t("playbook.trigger.stage", stage=stage_name(t, trig.stage or "contract"))
    if trig.kind is TriggerKind.RENEWAL:
        return t("playbook.trigger.renewal", days=trig.window)
    if trig.kind is TriggerKind.HEALTH:
        return t("playbook.trigger.health", color=color_name(t, trig.color or "red"))
    if trig.kind is TriggerKind.KEY_ACCOUNT:
        return t("playbook.trigger.key_account")
    return t("playbook.trigger.manual", name=playbook.name)


def source_text(t: Translator, source: str) -> str:
    """Built in, added in chat, or the file's name (the server's folder is not shown)."""
    if source == "built-in":
        return t("playbook.source_builtin")
    if source == "chat":
        return t("playbook.source_chat")
    return PurePath(source).name


def _steps(t: Translator, playbook: Playbook) -> list[Item]:
    return [Item(t("playbook.step_line", n=i, title=step.title_in(t.lang),
                   owner=role_short(t, step.owner), due=step.due_days,
                   shared=t("playbook.shared") if step.shared else ""))
            for i, step in enumerate(playbook.steps, start=1)]


def _can_admin(ctx: Context) -> bool:
    return ctx.is_admin or ctx.is_management


@command("playbooks", aliases=("剧本列表",), needs_account=False, readonly=True, keys=())
def playbooks(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    lib = library(ctx.session, ctx.settings)
    items = [Item(t("playbook.list_line", name=p.name, title=p.title_in(t.lang),
                    trigger=trigger_text(t, p), steps=len(p.steps),
                    source=source_text(t, p.source)))
             for p in sorted(lib.playbooks.values(), key=lambda p: p.name)]
    sections = [Section(items=items)]
    if ctx.account is not None and ctx.account.id is not None:
        runs = progress_of(ctx.session, account_id=ctx.account.id)
        active = [p for p in runs if p.running]
        sections.append(Section(
            title=t("playbook.running_title", account=ctx.account.name),
            items=[Item(run_line(t, p)) for p in active],
            text="" if active else t("playbook.none_running")))
        finished = [p for p in runs if not p.running][:5]
        if finished:
            sections.append(Section(title=t("playbook.finished_title"),
                                    items=[Item(run_line(t, p)) for p in finished]))
    sections += _error_sections(ctx, lib)
    return Reply(title=t("playbook.list_title", count=len(items)), sections=sections,
                 footer=t("playbook.footer"))


def _error_sections(ctx: Context, lib: Library) -> list[Section]:
    if not lib.errors:
        return []
    if not _can_admin(ctx):
        return [Section(text=ctx.t("playbook.errors_hidden", count=len(lib.errors)))]
    return [Section(title=ctx.t("playbook.errors_title", count=len(lib.errors)),
                    items=[Item(error_text(ctx.t, e)) for e in lib.errors])]


@command("playbook", aliases=("剧本",), needs_account=False, free_text=True)
def playbook(ctx: Context, args: Args) -> Reply:
    if not args.words:
        return playbooks(ctx, args)
    sub = args.words[0].lower()
    if sub in _ADD:
        return _add(ctx, args.rest.strip()[len(args.words[0]):])
    name = " ".join(args.words[1:]).strip().strip("\"'“”「」")
    if sub in _RUN:
        return _run(ctx, name)
    if sub in _REMOVE:
        return _remove(ctx, name)
    if sub in _SHOW:
        return _show(ctx, name)
    return _show(ctx, " ".join(args.words).strip("\"'“”「」"))


def _find(ctx: Context, name: str) -> Playbook:
    if not name:
        raise CommandError("playbook.usage")
    lib = library(ctx.session, ctx.settings)
    found = lib.find(name)
    if found is None:
        raise CommandError("playbook.unknown", name=name[:60],
                           known=", ".join(sorted(lib.playbooks)))
    return found


def _show(ctx: Context, name: str) -> Reply:
    t = ctx.t
    found = _find(ctx, name)
    return Reply(title=t("playbook.title", name=found.name, title=found.title_in(t.lang)),
                 sections=[Section(text=trigger_text(t, found)),
                           Section(items=_steps(t, found))],
                 footer=t("playbook.run_hint", name=found.name))


def _run(ctx: Context, name: str) -> Reply:
    account = ctx.require_account()
    t = ctx.t
    found = _find(ctx, name)
    today = ctx.clock.today()
    key = trigger_key(TriggerKind.MANUAL, today.isoformat())
    started = start(ctx.session, account=account, playbook=found, key=key, today=today,
                    now=ctx.clock.now(), lang=ctx.lang, started_by_id=ctx.person.id)
    if started is None:
        raise CommandError("playbook.already_today", title=found.title_in(t.lang))
    ids = {task.assignee_id for task in started.tasks if task.assignee_id is not None}
    people = repos.persons_by_ids(ctx.session, ids=ids)
    [(heading, lines, notes)] = started_lines(t, [started], people, today)
    return Reply(title=heading, tone=Tone.SUCCESS,
                 sections=[Section(items=[Item(line) for line in lines],
                                   text="\n".join(notes))])


def _add(ctx: Context, text: str) -> Reply:
    t = ctx.t
    if not _can_admin(ctx):
        raise CommandError("playbook.admin_only")
    text, fenced = clean_chat_text(text)
    if not text:
        raise CommandError("playbook.add_usage")
    fmt = fenced or guess_format(text)
    try:
        found = load_source(text, fmt, source="chat", windows=renewal_windows_of(ctx.settings))
    except PlaybookError as err:
        err.file = t("playbook.pasted")
        raise CommandError("playbook.bad_paste", error=error_text(t, err)) from None
    before = library(ctx.session, ctx.settings).playbooks.get(found.name)
    now = ctx.clock.now()
    playbook_repo.save_definition(ctx.session, name=found.name, source=text, fmt=fmt, at=now,
                                  created_by_id=ctx.person.id)
    repos.audit(ctx.session, at=now, action="playbook.add", person_id=ctx.person.id,
                account_id=ctx.account.id if ctx.account else None, name=found.name)
    sections = [Section(text=trigger_text(t, found)), Section(items=_steps(t, found))]
    if before is not None:
        sections.append(Section(text=t("playbook.replaces", source=source_text(t, before.source))))
    return Reply(title=t("playbook.added", name=found.name, title=found.title_in(t.lang)),
                 sections=sections, tone=Tone.SUCCESS)


def _remove(ctx: Context, name: str) -> Reply:
    if not _can_admin(ctx):
        raise CommandError("playbook.admin_only")
    if not name:
        raise CommandError("playbook.usage")
    if not playbook_repo.delete_definition(ctx.session, name=name.lower()):
        raise CommandError("playbook.not_from_chat", name=name[:60])
    repos.audit(ctx.session, at=ctx.clock.now(), action="playbook.remove",
                person_id=ctx.person.id, name=name.lower())
    return Reply(title=ctx.t("playbook.removed", name=name.lower()), tone=Tone.SUCCESS)


def key_account_sections(ctx: Context, account: Account, *, was_key: bool) -> list[Section]:
    """``account new`` / ``account set tier=``: an account that becomes a key account
    (core / important) starts the onboarding playbook, once per account. Off where the
    deployment turned automatic playbooks off (services["auto_playbooks"])."""
    if was_key or account.tier not in KEY_TIERS or not ctx.services.get("auto_playbooks"):
        return []
    started = on_key_account(ctx.session, library(ctx.session, ctx.settings), account=account,
                             today=ctx.clock.today(), now=ctx.clock.now(), lang=ctx.lang,
                             person_id=ctx.person.id)
    return started_sections(ctx.session, ctx.t, started, ctx.clock.today())
