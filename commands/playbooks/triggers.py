"""The triggers: which playbooks an occasion starts, and the key that makes it once.

Called inside a unit of work: by the handlers (a stage change, a new key account, a run by
hand) and by the daily job and the on-write listener (renewal windows, health colours).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from commands.pipeline import playbooks_dir_of, renewal_due, renewal_windows_of
from commands.playbooks.engine import Started, matching_stage, start, trigger_key
from commands.playbooks.loader import Library, load_library
from commands.playbooks.model import TriggerKind
from storage import playbook_repo
from storage.models import Account, Opportunity, Tier

if TYPE_CHECKING:
    from sqlmodel import Session

KEY_TIERS = (Tier.CORE.value, Tier.IMPORTANT.value)


def library(session: Session, settings: Any) -> Library:
    """Built-in playbooks, the admins' folder and those added from chat, read now (a fixed
    file is seen without a restart)."""
    return load_library(folder=playbooks_dir_of(settings), windows=renewal_windows_of(settings),
                        chat=playbook_repo.chat_sources(session))


def on_stage(
    session: Session, lib: Library, *, account: Account, opp: Opportunity, today: date,
    now: datetime, lang: str, person_id: int | None,
) -> list[Started]:
    """An opportunity entered ``opp.stage``: once per opportunity and stage."""
    out = []
    for playbook in matching_stage(list(lib.playbooks.values()), opp.stage):
        started = start(session, account=account, playbook=playbook,
                        key=trigger_key(TriggerKind.STAGE, opp.number, opp.stage), today=today,
                        now=now, lang=lang, started_by_id=person_id, opportunity_id=opp.id)
        if started is not None:
            out.append(started)
    return out


def on_key_account(
    session: Session, lib: Library, *, account: Account, today: date, now: datetime,
    lang: str, person_id: int | None,
) -> list[Started]:
    """The account is (now) a key account: onboarding, once per account."""
    if account.tier not in KEY_TIERS:
        return []
    out = []
    for playbook in lib.by_trigger(TriggerKind.KEY_ACCOUNT):
        started = start(session, account=account, playbook=playbook,
                        key=trigger_key(TriggerKind.KEY_ACCOUNT), today=today, now=now,
                        lang=lang, started_by_id=person_id)
        if started is not None:
            out.append(started)
    return out


def on_renewal(
    session: Session, lib: Library, *, account: Account, today: date, now: datetime, lang: str,
) -> list[Started]:
    """The renewal is inside a playbook's window: once per renewal date and window; no
    step is due after the renewal itself."""
    renewal = account.renewal_date
    out = []
    for playbook in lib.by_trigger(TriggerKind.RENEWAL):
        window = playbook.trigger.window or 0
        if renewal is None or not renewal_due(renewal, today, window):
            continue
        started = start(session, account=account, playbook=playbook,
                        key=trigger_key(TriggerKind.RENEWAL, renewal.isoformat(), window),
                        today=today, now=now, lang=lang, deadline=renewal)
        if started is not None:
            out.append(started)
    return out


def on_health(
    session: Session, lib: Library, *, account: Account, color: str, since: date,
    before: str | None, today: date, now: datetime, lang: str,
) -> list[Started]:
    """The health turned ``color`` on ``since``: once per such episode. The first
    assessment of an account is a change only when it is not green."""
    if before == color or (before is None and color == "green"):
        return []
    out = []
    for playbook in lib.by_trigger(TriggerKind.HEALTH):
        if playbook.trigger.color != color:
            continue
        started = start(session, account=account, playbook=playbook,
                        key=trigger_key(TriggerKind.HEALTH, color, since.isoformat()),
                        today=today, now=now, lang=lang)
        if started is not None:
            out.append(started)
    return out
