"""Actions and decisions found in a meeting note, in English and Chinese, without a model.

``extract_note(text, today=..., roster=...)`` reads a note the way people write one and
returns its actions (who does what by when) and decisions; ``extract_actions`` is the
same list of actions alone. Pure and total: no database, no clock, never raises, ``[]``
for anything that holds no action. The work is in ``commands.extraction``:

- ``roster``: who the note can name. The caller builds a :class:`Roster` from storage:
  the team (display names, usernames, aliases; first names, nicknames such as Bob for
  Robert, Chinese forms of address such as 张总 / 小王 are derived), the customer's people
  (stakeholders) and the account's name. Roles (AR / 客户经理 / "the delivery team" / 交付),
  the customer ("the customer", "they", 客户方) and "I" (the author) are known anyway;
- ``lines``: one line (with ``cleaning``, ``fields``, ``owners`` and ``wording``). Owners lead (``Bob to …``, ``Bob will …``, ``Carol needs to …``,
  ``Bob owes them …``, ``Bob: …``, ``Bob - …``, ``@bob …``, ``[Bob] …``, ``【张伟】…``,
  ``张伟 12月18日前提交…``, ``由张伟负责…``, ``李娜负责…``, ``请张伟…``, ``张伟跟进…``,
  ``下周三前 张伟 提交…``) or trail (``… (Alice)``, ``… — Alice``, ``… @alice``,
  ``(负责人：王芳)``, ``owner=SR``); markers (``ACTION:``, ``AI:``, ``TODO bob:``,
  ``Next step:``, ``待办：``, ``【待办】``, ``（待办：…）`` and ``ACTION:`` inside a line);
  open check boxes; fields anywhere (``— Assignee: Carol — Due: …``, ``李娜 owner，…``);
  requests asked as questions (``@carol can you … by tomorrow?``); owner-less ``Need to …``
  / ``需要…``; the customer by department or title (``Acme IT``, ``Their CIO``,
  ``客户信息中心``, ``赵敏主任``); someone we cannot place is kept as written when the words
  read as a person or a team (``unplaced``; jieba's dictionary tells 马强 from 方案).
  Past work (``we sent``, ``已经``, ``了`` with no date ahead), questions, ``will be``
  states, whereabouts (``出差``, ``retire``), reports (``客户反馈…``), transcript
  statements (``Priya: We need …``), reported speech (``Bob said``, ``王芳说``), ticked
  boxes and struck-out lines are not actions;
- ``speakers``: a pasted transcript ("[00:04:05] Robert Chen: Understood, I'll send …",
  Zoom's "Name: words", Teams' "Name  10:03" over the words): a speaker's "I" / "我" is
  the speaker (someone off the roster is kept as written), a lead-in before it is dropped,
  and "Dana promised …: she will …" gives the action to Dana;
- ``notes``: sections. Under "Action items" / "Next steps" / "Follow-ups" / "待办事项" /
  "行动项" / "下一步" / "后续工作安排" every list item is an action, and a line that is only
  a name gives its owner to the lines below it; "Decisions" / "结论" / "会议决定" lines are
  decisions; agenda and attendee lists are neither; markdown tables with task / owner /
  due columns are read by column; a line of two clauses that each name an owner
  ("Bob to …; Carol to …", "李娜…；王芳…。") gives two actions, and a note's first line
  (its title: "Exec sponsor call - Dana / Li Wei") is no action unless something joins
  a name to work.

Due dates come from ``commands.dates.scan_due`` (which also says when a day without a year
was taken as already past or next year's); titles lose the owner, the joining words, the
date phrase, markers, emphasis, time stamps and ``(shared)`` / ``（共享）``, which sets
the shared flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from commands.extraction.notes import read_note
from commands.extraction.roster import Owner, Roster, RosterPerson, RosterStakeholder

__all__ = [
    "ExtractedAction",
    "ExtractedDecision",
    "Extraction",
    "Owner",
    "Roster",
    "RosterPerson",
    "RosterStakeholder",
    "extract_actions",
    "extract_note",
]


@dataclass(frozen=True)
class ExtractedAction:
    """One action of a note.

    ``owner`` is the owner as a command would take it: a role code (``"SR"``), a mention
    (``"@bob"``, ``"<@U123>"``) or None; ``who`` says everything known about the owner
    (a team member, a role, the customer, someone unplaced). ``due_phrase`` is the date as
    typed and ``due_assumed`` what was assumed about it (see ``commands.dates.DueScan``).
    """

    title: str
    owner: str | None
    due: date | None
    line_no: int  # 1-based line of the note
    raw: str  # that line, stripped
    who: Owner | None = None
    shared: bool = False
    due_phrase: str = ""
    due_assumed: str | None = None

    @property
    def customer(self) -> bool:
        """A commitment of the customer's side, not work of ours."""
        return self.who is not None and self.who.is_customer

    @property
    def unplaced(self) -> str | None:
        """The owner as written when they are not on the team (nor the customer's)."""
        if self.who is not None and self.who.kind == "text":
            return self.who.text
        return None


@dataclass(frozen=True)
class ExtractedDecision:
    text: str
    line_no: int
    raw: str


@dataclass(frozen=True)
class Extraction:
    actions: list[ExtractedAction]
    decisions: list[ExtractedDecision]


def _command_owner(who: Owner | None, roster: Roster | None) -> str | None:
    if who is None:
        return None
    if who.kind == "mention":
        return who.text
    if who.kind == "role":
        return who.role
    if who.kind == "person":
        person = next((p for p in (roster.people if roster else ()) if p.key == who.person), None)
        if person is not None and person.username:
            return "@" + person.username.lstrip("@")
        return who.role
    return None


def extract_note(text: str, *, today: date, roster: Roster | None = None) -> Extraction:
    """The actions and decisions of ``text``, in order (never raises)."""
    if not isinstance(text, str) or not isinstance(today, date):
        return Extraction([], [])
    try:
        found, decided = read_note(text, today=today, roster=roster)
    except Exception:  # noqa: BLE001 - the note is saved whatever the extractor does
        return Extraction([], [])
    actions = [
        ExtractedAction(
            title=f.action.title,
            owner=_command_owner(f.action.owner, roster),
            due=f.action.due.day,
            line_no=f.line_no,
            raw=f.raw,
            who=f.action.owner,
            shared=f.action.shared,
            due_phrase=f.action.due.phrase if f.action.due.day else "",
            due_assumed=f.action.due.assumed,
        )
        for f in found
    ]
    decisions = [ExtractedDecision(d.text, d.line_no, d.raw) for d in decided]
    return Extraction(actions, decisions)


def extract_actions(text: str, *, today: date, roster: Roster | None = None) -> list[ExtractedAction]:
    """The action lines of ``text`` in order; ``[]`` when there are none (never raises)."""
    return extract_note(text, today=today, roster=roster).actions
