"""What the customer page shows and does, apart from the web: the joint plan of one
account as plain values, a done tick on one of the customer's actions, a comment, and the
message each leaves in the account's channels (with who did it).

The page shows only the joint plan (shared actions and the customer's own) of the
account its link names: never another account, never internal notes, health, stakeholders,
plan sections or internal tasks, never names of our people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.messages import Reply, Section, Tone
from commands.format import fmt_date
from commands.i18n import Translator, normalize_language
from commands.reports import ROLE_ORDER
from storage import repos, share_repo
from storage.models import Role, Task, TaskStatus
from storage.share_models import ShareComment, ShareLink

MAX_NAME = 100
MAX_COMMENT = 2000


@dataclass(frozen=True)
class PageAction:
    number: int
    title: str
    owner: str  # "your side · Li Wei" / "our solution manager"
    due: str
    done: bool
    overdue: bool
    theirs: bool


@dataclass
class PageView:
    account: str
    lang: str
    theirs: list[PageAction] = field(default_factory=list)
    ours: list[PageAction] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)


def _owner(t: Translator, task: Task) -> str:
    if task.role == Role.CUSTOMER.value:
        side = t("report.joint.yours")
        return f"{side} · {task.owner_text}" if task.owner_text else side
    return t(f"report.role_name.{task.role}") if task.role in ROLE_ORDER else task.role


def view(session: Session, *, link: ShareLink, lang: str, today: date) -> PageView:
    """The joint plan of the link's account, open first, in ``lang``."""
    t = Translator(normalize_language(lang))
    account = repos.account_by_id(session, account_id=link.account_id)
    assert account is not None
    page = PageView(account=account.name, lang=t.lang)
    tasks = sorted(share_repo.joint_tasks(session, account_id=link.account_id),
                   key=lambda x: (x.status != TaskStatus.OPEN.value, x.due_date or date.max,
                                  x.number))
    for task in tasks:
        done = task.status == TaskStatus.DONE.value
        action = PageAction(
            number=task.number, title=task.title, owner=_owner(t, task),
            due=fmt_date(t.lang, task.due_date) if task.due_date else "",
            done=done, overdue=not done and task.due_date is not None and task.due_date < today,
            theirs=task.role == Role.CUSTOMER.value)
        (page.theirs if action.theirs else page.ours).append(action)
    page.comments = [(c.author, c.text) for c in
                     share_repo.comments_of(session, account_id=link.account_id, limit=10)]
    return page


def clean_name(text: str) -> str:
    return " ".join(text.split())[:MAX_NAME]


def tick(session: Session, *, link: ShareLink, number: int, who: str,
         at: datetime) -> Task | None:
    """Close the customer's action ``number`` once; None if it is not theirs or not open.
    The account's history says who did it, from the page."""
    task = share_repo.mark_done_once(session, account_id=link.account_id, number=number, at=at)
    if task is not None:
        repos.audit(session, at=at, action="page.done", account_id=link.account_id,
                    target=f"task:{task.id}", who=who, number=task.number, title=task.title,
                    link=link.id)
    return task


def comment(session: Session, *, link: ShareLink, author: str, text: str, nonce: str,
            number: int | None, at: datetime) -> ShareComment | None:
    """Keep the comment once per form; about one of the joint plan's actions if named."""
    task_id = None
    if number is not None:
        task = repos.task_by_number(session, account_id=link.account_id, number=number)
        if task is not None and (task.shared or task.role == Role.CUSTOMER.value):
            task_id = task.id
    assert link.id is not None
    kept = share_repo.add_comment(session, account_id=link.account_id, link_id=link.id,
                                  task_id=task_id, author=clean_name(author),
                                  text=text.strip()[:MAX_COMMENT], nonce=nonce[:64], at=at)
    if kept is not None:
        repos.audit(session, at=at, action="page.comment", account_id=link.account_id,
                    target=f"sharecomment:{kept.id}", who=kept.author, link=link.id)
    return kept


def done_message_of(lang: str, *, who: str, number: int, title: str) -> Reply:
    """What the account's channels read when the customer ticks an action done."""
    t = Translator(normalize_language(lang))
    return Reply(title=t("page.posted_done", who=who, number=number, title=title),
                 sections=[Section(text=t("page.posted_from"))], tone=Tone.SUCCESS)


def comment_message_of(lang: str, *, who: str, text: str,
                       about: tuple[int, str] | None) -> Reply:
    """What the account's channels read when the customer leaves a comment."""
    t = Translator(normalize_language(lang))
    title = (t("page.posted_comment_on", who=who, number=about[0], title=about[1])
             if about is not None else t("page.posted_comment", who=who))
    return Reply(title=title, sections=[Section(text=text), Section(text=t("page.posted_from"))])
