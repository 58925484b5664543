"""Formatting for people: dates, numbers, task lines, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from commands.i18n import Translator
from storage.models import Person, Role, Task, TaskStatus

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def fmt_date(lang: str, day: date | None, *, weekday: bool = True) -> str:
    """2026-12-05 (Fri) / 2026年12月5日（周五）."""
    if day is None:
        return "—"
    if lang == "zh":
        text = f"{day.year}年{day.month}月{day.day}日"
        return f"{text}（{_WEEKDAYS_ZH[day.weekday()]}）" if weekday else text
    text = day.isoformat()
    return f"{text} ({_WEEKDAYS_EN[day.weekday()]})" if weekday else text


def fmt_number(lang: str, value: float | None, *, decimals: int = 0) -> str:
    """1,234,567 in English; 123.5万 / 1.2亿 in Chinese."""
    if value is None:
        return "—"
    if lang == "zh":
        if abs(value) >= 100_000_000:
            return f"{value / 100_000_000:.1f}".rstrip("0").rstrip(".") + "亿"
        if abs(value) >= 10_000:
            return f"{value / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
    return f"{value:,.{decimals}f}"


def fmt_percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def person_name(person: Person | None) -> str:
    if person is None:
        return ""
    return person.display_name or (f"@{person.username}" if person.username else person.user_id)


def role_name(t: Translator, role: str) -> str:
    """The long name: ``AR (account manager)`` / ``客户经理（AR）``."""
    return t(f"role.{role}")


def role_short(t: Translator, role: str) -> str:
    """The short name: ``SR`` in English, ``解决方案经理`` in Chinese."""
    try:
        return t(f"role_short.{role}")
    except KeyError:
        return role


def is_overdue(task: Task, today: date) -> bool:
    return task.status == TaskStatus.OPEN.value and task.due_date is not None and task.due_date < today


def task_sort_key(task: Task, today: date) -> tuple[int, date, int]:
    """Overdue first (oldest first), then by due date, undated last, then by number."""
    return (
        0 if is_overdue(task, today) else 1,
        task.due_date or date.max,
        task.number,
    )


def task_line(
    t: Translator, task: Task, people: Mapping[int, Person], today: date, *, show_role: bool = True
) -> str:
    """``#3 Send the quote · SR · Bob · due 2026-12-05 (Fri) · overdue 2 days``."""
    parts = [f"#{task.number} {task.title}"]
    if show_role:
        parts.append(role_short(t, task.role))
    assignee = people.get(task.assignee_id) if task.assignee_id is not None else None
    if task.role == Role.CUSTOMER.value and assignee is None:
        # The customer's side: their person as named, or "the customer".
        parts.append(task.owner_text or t("customer.them"))
    else:
        parts.append(person_name(assignee) if assignee else t("task.unassigned"))
    if task.due_date is not None:
        parts.append(t("task.due", date=fmt_date(t.lang, task.due_date)))
    if task.status == TaskStatus.DONE.value:
        parts.append(t("task.done_mark"))
    elif task.status == TaskStatus.CANCELLED.value:
        parts.append(t("task.cancelled_mark"))
    elif is_overdue(task, today):
        assert task.due_date is not None
        parts.append(t("task.overdue_days", days=(today - task.due_date).days))
    if task.shared:
        parts.append(t("task.shared_mark"))
    return " · ".join(parts)


def assignee_ids(tasks: Iterable[Task]) -> set[int]:
    return {task.assignee_id for task in tasks if task.assignee_id is not None}
