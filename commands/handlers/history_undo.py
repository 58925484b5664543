"""``history [page]`` (历史): the account's changes, newest first, who / when / what in
words; ``undo`` (撤销): take back your last change here (see commands/undo.py)."""

from __future__ import annotations

from bot.messages import Item, Reply, Section
from commands.history import describe, words_for
from commands.paging import page_of
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.undo import run_undo, undo_minutes
from storage import audit_repo

PER_PAGE = 15


@command("history", aliases=("log", "changes", "历史", "历史记录", "变更记录"), readonly=True, keys=())
def history(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    total = audit_repo.history_count(ctx.session, account_id=account.id)
    page = page_of(args, total=total, size=PER_PAGE, usage_key="history.usage")
    title = t("history.title", account=account.name, count=total)
    if total == 0:
        return Reply(title=title, sections=[Section(text=t("history.empty"))])
    rows = list(audit_repo.history_page(ctx.session, account_id=account.id,
                                        offset=page.offset, limit=page.size))
    originals = {e.undoes_id: audit_repo.entry_by_id(ctx.session, entry_id=e.undoes_id)
                 for e in rows if e.undoes_id is not None}
    undone = audit_repo.undone_ids(ctx.session, ids=[e.id for e in rows if e.id is not None])
    words = words_for(ctx.session, t, rows + [o for o in originals.values() if o is not None],
                      ctx.clock.tz)
    items = []
    for entry in rows:
        if entry.undoes_id is not None:
            original = originals.get(entry.undoes_id)
            what = t("history.undo", change=describe(words, original) if original
                     else t("history.generic", action="?"))
        else:
            what = describe(words, entry)
            if entry.id in undone:
                what += " " + t("history.undone_mark")
        who = words.person(entry.person_id) if entry.person_id is not None else "kambot"
        items.append(Item(t("history.line", when=words.when(entry), who=who, what=what)))
    tz = getattr(ctx.clock.tz, "key", None) or str(ctx.clock.tz)
    return Reply(title=title, sections=[Section(text=t("history.intro", tz=tz)),
                                        Section(items=items)], footer=page.footer(t, "history"))


@command("undo", aliases=("撤销", "撤回"), keys=("id",))
def undo(ctx: Context, args: Args) -> Reply:
    entry_id: int | None = None
    raw = args.option("id")
    if raw is not None:
        if not raw.strip().isdigit():
            raise CommandError("undo.usage", minutes=undo_minutes(ctx))
        entry_id = int(raw.strip())
    if args.words or set(args.options) - {"id"}:
        raise CommandError("undo.usage", minutes=undo_minutes(ctx))
    return run_undo(ctx, entry_id)
