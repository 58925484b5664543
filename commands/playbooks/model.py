"""What a playbook is: a named set of steps started by a trigger (definitions, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TriggerKind(StrEnum):
    STAGE = "stage"  # an opportunity enters a stage
    RENEWAL = "renewal"  # the renewal comes inside a window (days before it)
    KEY_ACCOUNT = "key-account"  # an account becomes a key account (core / important)
    HEALTH = "health"  # the account's health turns a colour
    MANUAL = "manual"  # playbook run <name>


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind
    stage: str | None = None
    window: int | None = None
    color: str | None = None


@dataclass(frozen=True)
class Step:
    """One task: its title in each language, the role that owns it (AR, SR, FR, SPONSOR or
    CUSTOMER), due ``due_days`` after the trigger, shared with the customer or not."""

    title: dict[str, str]
    owner: str
    due_days: int
    shared: bool = False

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or next(iter(self.title.values()))


@dataclass(frozen=True)
class Playbook:
    name: str
    title: dict[str, str]
    trigger: Trigger
    steps: tuple[Step, ...]
    # Where it came from: "built-in", "chat", or the file's path.
    source: str = "built-in"

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or next(iter(self.title.values()))
