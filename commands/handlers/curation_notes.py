"""Reading and deleting notes: ``notes [page]``, ``note <n>``, ``note delete <n>``.

``note 3`` / ``note #3`` (a note whose whole text is a number) shows note 3 whole, with its
line breaks, decisions and tasks, instead of saving a one-character note. ``note delete 3``
(纪要 删除 3) is for the note's author or an admin: its decisions and search entry go with
it, its tasks stay (unlinked). No confirmation is asked: ``undo`` brings it back within
KAMBOT_UNDO_MINUTES; its text is kept for that long only (in the undo stash, never in
the history).
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.messages import Button, Item, Reply, Section, Tone
from commands import audit
from commands.format import assignee_ids, fmt_date, person_name, task_line
from commands.handlers.core_tasks import NOTE_FORMS, done_buttons
from commands.handlers.curation_tasks import undo_button
from commands.paging import page_of
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.undo import undo_minutes
from storage import audit_repo, curation_repo, repos
from storage.models import Note

_SHOW = re.compile(r"^(?:(?:show|view|read|查看|显示|看)\s*)?[#＃]?(\d{1,9})$", re.I)
_DELETE = re.compile(r"^(?:delete|remove|del|rm|删除|删掉|移除)\s*[#＃]?(\d{1,9})$", re.I)
NOTES_PER_PAGE = 10
# A chat message is read, not scrolled; a longer note is shown up to here.
SHOW_CHARS = 12_000
FIRST_LINE = 70


def _note(ctx: Context, number: int) -> Note:
    account = ctx.require_account()
    assert account.id is not None
    found = repos.note_by_number(ctx.session, account_id=account.id, number=number)
    if found is None:
        raise CommandError("curation.no_note", number=number, account=account.name)
    return found


def _note_form(ctx: Context, args: Args) -> Reply | None:
    text = " ".join(args.rest.split())
    shown = _SHOW.match(text)
    if shown:
        return show_note(ctx, _note(ctx, int(shown.group(1))))
    deleted = _DELETE.match(text)
    if deleted:
        return delete_note(ctx, _note(ctx, int(deleted.group(1))))
    return None


NOTE_FORMS.append(_note_form)


def first_line(text: str, width: int = FIRST_LINE) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def show_note(ctx: Context, note: Note) -> Reply:
    t = ctx.t
    assert note.id is not None
    account = ctx.require_account()
    author = repos.persons_by_ids(ctx.session, ids={note.author_id} if note.author_id else set())
    when = note.created_at.astimezone(ctx.clock.tz)
    fields = [
        (t("curation.f_author"), person_name(author.get(note.author_id)) if note.author_id in author
         else "—"),
        (t("curation.f_when"), fmt_date(t.lang, when.date(), weekday=False) + when.strftime(" %H:%M")),
    ]
    body = note.text
    sections = [Section(fields=fields)]
    if len(body) > SHOW_CHARS:
        sections.append(Section(text=body[:SHOW_CHARS]))
        sections.append(Section(text=t("curation.note_cut", count=len(body) - SHOW_CHARS)))
    else:
        sections.append(Section(text=body))
    decisions = curation_repo.decisions_of_note(ctx.session, note_id=note.id)
    if decisions:
        sections.append(Section(title=t("curation.decisions", count=len(decisions)),
                                items=[Item(d.text) for d in decisions]))
    tasks = curation_repo.tasks_of_note(ctx.session, note_id=note.id)
    if tasks:
        people = repos.persons_by_ids(ctx.session, ids=assignee_ids(tasks))
        today = ctx.clock.today()
        sections.append(Section(title=t("curation.note_tasks", count=len(tasks)),
                                items=[Item(task_line(t, x, people, today), buttons=done_buttons(t, x))
                                       for x in tasks]))
    return Reply(title=t("curation.note_title", number=note.number, account=account.name),
                 sections=sections)


def delete_note(ctx: Context, note: Note) -> Reply:
    t = ctx.t
    assert note.id is not None
    account = ctx.require_account()
    if note.author_id != ctx.person.id and not ctx.is_admin:
        raise CommandError("curation.delete_denied", number=note.number)
    tasks = curation_repo.tasks_of_note(ctx.session, note_id=note.id)
    decisions = curation_repo.decisions_of_note(ctx.session, note_id=note.id)
    ids = [x.id for x in tasks if x.id is not None]
    entry = audit.record(ctx, "note.delete", target=f"note:{note.id}", number=note.number,
                         chars=len(note.text), tasks=ids, task_numbers=[x.number for x in tasks],
                         decisions=len(decisions))
    assert entry.id is not None
    now = ctx.clock.now()
    minutes = undo_minutes(ctx)
    audit_repo.purge_stash(ctx.session, now=now)
    # The text waits in the stash only as long as an undo could ask for it.
    audit_repo.stash(ctx.session, audit_id=entry.id, account_id=account.id or 0,
                     expires_at=now + timedelta(minutes=minutes + 1),
                     data={"note": note.model_dump(mode="json"), "tasks": ids,
                           "decisions": [d.model_dump(mode="json", exclude={"id", "note_id"})
                                         for d in decisions],
                           "proposals": curation_repo.proposals_for_stash(
                               ctx.session, note_id=note.id, decisions=decisions)})
    curation_repo.delete_note(ctx.session, note=note)
    numbers = ", ".join(f"#{x.number}" for x in tasks)
    text = t("curation.deleted_tasks", tasks=numbers) if tasks else ""
    return Reply(title=t("curation.deleted", number=note.number, account=account.name),
                 sections=[Section(text=text)] if text else [],
                 buttons=[undo_button(t, entry.id)],
                 footer=t("curation.undo_within", minutes=minutes), tone=Tone.SUCCESS)


@command("notes", aliases=("纪要列表", "笔记列表", "会议纪要列表"), readonly=True, keys=())
def notes(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    total = curation_repo.note_count(ctx.session, account_id=account.id)
    page = page_of(args, total=total, size=NOTES_PER_PAGE, usage_key="curation.notes_usage")
    title = t("curation.notes_title", account=account.name, count=total)
    if total == 0:
        return Reply(title=title, sections=[Section(text=t("curation.notes_empty"))])
    rows = curation_repo.notes_page(ctx.session, account_id=account.id, offset=page.offset,
                                    limit=page.size)
    counts = curation_repo.task_counts_by_note(ctx.session,
                                               note_ids=[n.id for n in rows if n.id is not None])
    authors = repos.persons_by_ids(ctx.session, ids={n.author_id for n in rows if n.author_id})
    items = []
    for n in rows:
        day = n.created_at.astimezone(ctx.clock.tz).date()
        line = t("curation.notes_line", number=n.number, date=fmt_date(t.lang, day, weekday=False),
                 author=person_name(authors.get(n.author_id)) if n.author_id in authors else "—",
                 tasks=counts.get(n.id or 0, 0), first=first_line(n.text))
        items.append(Item(line, buttons=[Button(t("button.show_note", number=n.number),
                                                f"note {n.number}")]))
    return Reply(title=title, sections=[Section(items=items)], footer=page.footer(t, "notes"))
