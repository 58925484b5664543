"""Slack surfaces beyond messages: the task / note / reassign modals and the App Home tab.

Builders return Block Kit views; readers turn a submitted view's state back into command
text that the dispatcher runs like anything typed, so a modal is only another way to
write ``task "..." owner=SR due=2026-12-05 shared``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.adapters.slack_incoming import quote
from bot.render.slack import HEADER_TEXT, SECTION_TEXT, clip, escape, mrkdwn_section, split_text
from commands.drafts import TaskDraft
from commands.format import fmt_date, role_short
from commands.home import Home, HomeTask
from commands.i18n import Translator
from storage.models import TRIANGLE, Role

TASK_VIEW = "kam.task"
NOTE_VIEW = "kam.note"
REASSIGN_VIEW = "kam.reassign"
EDIT_VIEW = "kam.task_edit"
HOME_ACTION = "kam.home."  # action_id prefix of Home buttons: value is a seal (channel, command)
NOTE_SHORTCUT = "kam.save_note"
VIEW_BLOCKS = 100
NOTE_INITIAL = 3000  # plain_text_input's own limit

View = dict[str, Any]
# A Home button's value for a task and a command: a seal bound to the person (bot/seals.py).
HomeSeal = Callable[[HomeTask, str], str]


def _plain(text: str, limit: int = 2000) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _modal(t: Translator, callback_id: str, title_key: str, submit_key: str,
           blocks: list[dict[str, Any]], metadata: str) -> View:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(t(title_key), 24),
        "submit": _plain(t(submit_key), 24),
        "close": _plain(t("slack.task_modal.cancel"), 24),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def _role_select(t: Translator, optional: bool = True) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "role",
        "optional": optional,
        "label": _plain(t("slack.task_modal.role_label")),
        "element": {
            "type": "static_select",
            "action_id": "value",
            "placeholder": _plain(t("slack.task_modal.role_placeholder"), 150),
            # The customer's side too: the action becomes theirs (task N edit owner=CUSTOMER).
            "options": [{"text": _plain(role_short(t, r.value), 75), "value": r.value}
                        for r in (*TRIANGLE, Role.CUSTOMER)],
        },
    }


def _person_select(t: Translator) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "person",
        "optional": True,
        "label": _plain(t("slack.task_modal.person_label")),
        "element": {"type": "users_select", "action_id": "value",
                    "placeholder": _plain(t("slack.task_modal.person_placeholder"), 150)},
    }


def task_modal(t: Translator, *, metadata: str) -> View:
    """The task form; ``metadata`` is its sealed private_metadata (channel, thread)."""
    blocks = [
        {
            "type": "input",
            "block_id": "title",
            "label": _plain(t("slack.task_modal.title_label")),
            "hint": _plain(t("slack.task_modal.title_hint")),
            "element": {"type": "plain_text_input", "action_id": "value", "max_length": 500},
        },
        _role_select(t),
        _person_select(t),
        {"type": "input", "block_id": "due", "optional": True,
         "label": _plain(t("slack.task_modal.due_label")),
         "element": {"type": "datepicker", "action_id": "value"}},
        {"type": "input", "block_id": "shared", "optional": True,
         "label": _plain(t("slack.task_modal.shared_label")),
         "element": {"type": "checkboxes", "action_id": "value",
                     "options": [{"text": _plain(t("slack.task_modal.shared_option"), 75),
                                  "value": "shared"}]}},
    ]
    return _modal(t, TASK_VIEW, "slack.task_modal.heading", "slack.task_modal.submit", blocks,
                  metadata)


def note_modal(t: Translator, *, metadata: str, initial: str = "") -> View:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": True}
    if initial:
        element["initial_value"] = initial[:NOTE_INITIAL]
    blocks = [{"type": "input", "block_id": "note", "label": _plain(t("slack.note_modal.note_label")),
               "hint": _plain(t("slack.note_modal.note_hint")), "element": element}]
    return _modal(t, NOTE_VIEW, "slack.note_modal.heading", "slack.note_modal.submit", blocks,
                  metadata)


def reassign_modal(t: Translator, *, number: int, metadata: str) -> View:
    blocks = [mrkdwn_section(escape(t("slack.reassign_modal.intro", number=number))),
              _role_select(t), _person_select(t)]
    return _modal(t, REASSIGN_VIEW, "slack.reassign_modal.heading", "slack.reassign_modal.submit",
                  blocks, metadata)


def _value(state: Mapping[str, Any], block: str) -> dict[str, Any]:
    return dict((state.get(block) or {}).get("value") or {})


# What a form's pickers can hold; anything else in a payload is not put into a command.
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,32}")
_ROLE = re.compile(r"[A-Z]{2,10}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def owner_from_state(state: Mapping[str, Any]) -> str | None:
    """A picked person wins over a picked role: they are the more specific choice."""
    person = _value(state, "person").get("selected_user")
    if isinstance(person, str) and _USER_ID.fullmatch(person):
        return f"<@{person}>"
    role = (_value(state, "role").get("selected_option") or {}).get("value")
    return str(role) if isinstance(role, str) and _ROLE.fullmatch(role) else None


def task_command(state: Mapping[str, Any]) -> str:
    parts = ["task", quote(str(_value(state, "title").get("value") or ""))]
    owner = owner_from_state(state)
    if owner:
        parts.append(f"owner={owner}")
    due = _value(state, "due").get("selected_date")
    if isinstance(due, str) and _DATE.fullmatch(due):
        parts.append(f"due={due}")
    if _value(state, "shared").get("selected_options"):
        parts.append("shared")
    return " ".join(parts)


def note_command(state: Mapping[str, Any]) -> str:
    # The form is the "meeting note" form (and the "Save as meeting note" shortcut).
    return "note meeting " + str(_value(state, "note").get("value") or "").strip()


def edit_modal(t: Translator, *, draft: TaskDraft, metadata: str) -> View:
    """The task form again, filled in with the task as it is; submitted, it edits it.
    ``metadata`` is sealed and holds the channel, thread, number, role and person."""
    title: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "max_length": 500,
                             "initial_value": draft.title[:500]}
    role = _role_select(t, optional=True)
    chosen = [o for o in role["element"]["options"] if o["value"] == draft.role]
    if chosen:
        role["element"]["initial_option"] = chosen[0]
    person = _person_select(t)
    if draft.assignee_user:
        person["element"]["initial_user"] = draft.assignee_user
    due: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if draft.due:
        due["initial_date"] = draft.due.isoformat()
    option = {"text": _plain(t("slack.task_modal.shared_option"), 75), "value": "shared"}
    shared: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": [option]}
    if draft.shared:
        shared["initial_options"] = [option]
    blocks = [
        {"type": "input", "block_id": "title", "label": _plain(t("slack.task_modal.title_label")),
         "element": title},
        role, person,
        {"type": "input", "block_id": "due", "optional": True,
         "label": _plain(t("slack.task_modal.due_label")), "element": due},
        {"type": "input", "block_id": "shared", "optional": True,
         "label": _plain(t("slack.task_modal.shared_label")), "element": shared},
    ]
    return {
        "type": "modal",
        "callback_id": EDIT_VIEW,
        "title": _plain(t("slack.edit_modal.heading", number=draft.number), 24),
        "submit": _plain(t("slack.edit_modal.submit"), 24),
        "close": _plain(t("slack.task_modal.cancel"), 24),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def edit_command(state: Mapping[str, Any], meta: Mapping[str, str]) -> str | None:
    """``task 3 edit title=".." due=.. [owner=..] shared|internal`` from the submitted form.

    The form opens with the task's role and person chosen, so a new person wins, else a
    new role; a person taken out leaves the task with its role's holder.
    """
    number = str(meta.get("number", ""))
    if not number.isdigit():
        return None
    parts = [f"task {number} edit", "title=" + quote(str(_value(state, "title").get("value") or ""))]
    due = _value(state, "due").get("selected_date")
    parts.append(f"due={due}" if due else "due=none")
    person = _value(state, "person").get("selected_user")
    role = (_value(state, "role").get("selected_option") or {}).get("value")
    was_person, was_role = meta.get("user"), meta.get("role")
    if person and person != was_person:
        parts.append(f"owner=<@{person}>")
    elif role and role != was_role:
        parts.append(f"owner={role}")
    elif not person and was_person:
        parts.append(f"owner={role or was_role}")
    parts.append("shared" if _value(state, "shared").get("selected_options") else "internal")
    return " ".join(parts)


def reassign_command(state: Mapping[str, Any], number: str) -> str | None:
    """``reassign N owner=..``; None when no owner is picked (the form asks for one).

    A number that is not one (the metadata was altered: kambot seals only digits) is left
    out of the command, which still goes to the dispatcher: it refuses the broken seal, so
    the person hears why rather than being asked to pick a role they picked."""
    owner = owner_from_state(state)
    if owner is None:
        return None
    if not (number.isascii() and number.isdigit()):
        return f"reassign owner={owner}"
    return f"reassign {number} owner={owner}"


def home_view(t: Translator, home: Home, *, now: datetime, seal: HomeSeal,
              max_tasks: int = 40) -> View:
    """My open tasks across accounts (overdue first, each with Done), then my accounts.

    A Done button's value is ``seal(task, "done N")``: it names the task's channel and is
    good only for this person (bot/seals.py)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(t("slack.home.tasks_title"), HEADER_TEXT)}]
    today = now.date()
    if home.person is None:
        blocks.append(mrkdwn_section(escape(t("slack.home.no_person"))))
    elif not home.tasks:
        blocks.append(mrkdwn_section(escape(t("slack.home.no_tasks"))))
    for n, item in enumerate(home.tasks[:max_tasks]):
        task = item.task
        parts = [f"*{escape(item.account.name)}* #{task.number} {escape(task.title)}",
                 role_short(t, task.role)]
        if task.due_date:
            parts.append(t("task.due", date=fmt_date(t.lang, task.due_date)))
        if item.overdue and task.due_date:
            parts.append(t("task.overdue_days", days=(today - task.due_date).days))
        block = mrkdwn_section(clip(" · ".join(parts), SECTION_TEXT))
        if item.channel:
            block["accessory"] = {
                "type": "button", "action_id": f"{HOME_ACTION}{n}", "style": "primary",
                "text": _plain(t("button.done", number=task.number), 75),
                "value": seal(item, f"done {task.number}"),
            }
        blocks.append(block)
    if len(home.tasks) > max_tasks:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": escape(t("slack.home.more", count=len(home.tasks) - max_tasks))}]})
    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": _plain(t("slack.home.accounts_title"), HEADER_TEXT)})
    if not home.accounts:
        blocks.append(mrkdwn_section(escape(t("slack.home.no_accounts"))))
    lines = []
    for acct in home.accounts:
        health = t(f"color.{acct.color}") if acct.color else t("slack.home.no_health")
        line = t("slack.home.account_line", account=escape(acct.account.name),
                 roles=", ".join(role_short(t, r) for r in acct.roles), health=health)
        line += f" · <#{acct.channel}>" if acct.channel else f" {t('slack.home.no_channel')}"
        lines.append(line)
    for chunk in split_text("\n".join(lines)):
        blocks.append(mrkdwn_section(chunk))
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": escape(t("slack.home.updated", time=now.strftime("%Y-%m-%d %H:%M %Z")))}]})
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}
