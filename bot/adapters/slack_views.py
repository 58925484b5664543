"""Slack surfaces beyond messages: the task / note / reassign modals and the App Home tab.

Builders return Block Kit views; readers turn a submitted view's state back into command
text that the dispatcher runs like anything typed, so a modal is only another way to
write ``task "..." owner=SR due=2026-12-05 shared``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.adapters.slack_incoming import encode_metadata, quote
from bot.render.slack import HEADER_TEXT, SECTION_TEXT, clip, escape, mrkdwn_section, split_text
from commands.format import fmt_date, role_short
from commands.home import Home
from commands.i18n import Translator
from storage.models import TRIANGLE

TASK_VIEW = "kam.task"
NOTE_VIEW = "kam.note"
REASSIGN_VIEW = "kam.reassign"
HOME_ACTION = "kam.home."  # action_id prefix of Home buttons: value holds channel + command
NOTE_SHORTCUT = "kam.save_note"
VIEW_BLOCKS = 100
NOTE_INITIAL = 3000  # plain_text_input's own limit

View = dict[str, Any]


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
            "options": [{"text": _plain(role_short(t, r.value), 75), "value": r.value}
                        for r in TRIANGLE],
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


def task_modal(t: Translator, *, channel: str, thread: str | None = None) -> View:
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
                  encode_metadata(channel=channel, thread=thread))


def note_modal(t: Translator, *, channel: str, thread: str | None = None, initial: str = "") -> View:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": True}
    if initial:
        element["initial_value"] = initial[:NOTE_INITIAL]
    blocks = [{"type": "input", "block_id": "note", "label": _plain(t("slack.note_modal.note_label")),
               "hint": _plain(t("slack.note_modal.note_hint")), "element": element}]
    return _modal(t, NOTE_VIEW, "slack.note_modal.heading", "slack.note_modal.submit", blocks,
                  encode_metadata(channel=channel, thread=thread))


def reassign_modal(t: Translator, *, channel: str, number: int, thread: str | None = None) -> View:
    blocks = [mrkdwn_section(escape(t("slack.reassign_modal.intro", number=number))),
              _role_select(t), _person_select(t)]
    return _modal(t, REASSIGN_VIEW, "slack.reassign_modal.heading", "slack.reassign_modal.submit",
                  blocks, encode_metadata(channel=channel, thread=thread, number=str(number)))


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
    return "note " + str(_value(state, "note").get("value") or "").strip()


def reassign_command(state: Mapping[str, Any], number: str) -> str | None:
    owner = owner_from_state(state)
    if not (number.isascii() and number.isdigit()):
        return None
    return f"reassign {number} owner={owner}" if owner else None


def home_button_value(channel: str, command: str) -> str:
    return json.dumps({"c": channel, "cmd": command}, separators=(",", ":"))


def read_home_button(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(value)
        return str(data["c"]), str(data["cmd"])
    except (ValueError, KeyError, TypeError):
        return None


def home_view(t: Translator, home: Home, *, now: datetime, max_tasks: int = 40) -> View:
    """My open tasks across accounts (overdue first, each with Done), then my accounts."""
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
                "value": home_button_value(item.channel, f"done {task.number}"),
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
