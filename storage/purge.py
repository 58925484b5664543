"""Deleting an account everywhere kambot keeps it (``account delete``).

Every table with an ``account_id`` column loses the account's rows (children before
parents), the note index forgets its notes, the members of its channels are forgotten with
its bindings, its audit trail is dropped and one tombstone line says who deleted an
account when (no name, no data). A table added later with an ``account_id`` column is
covered without a change here; tests/security/test_delete_everywhere.py fails for a table
that holds account data some other way. The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from storage import search
from storage.models import Account, AuditLog, ChannelBinding, ChannelMember
from storage.repos import audit

# Tables that hold no account's data (people, events seen, keys, playbooks admins wrote for
# every account, a person's digest hour, the account score's weights): nothing to delete there.
NOT_ACCOUNT_DATA = frozenset({"person", "processedevent", "secret", "playbookdefinition",
                              "reminderpreference", "strategysetting"})


def _secure(session: Session) -> None:
    """SQLite: overwrite freed pages, so deleted text does not linger in the file."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("PRAGMA secure_delete = ON"))


def delete_account(session: Session, *, account_id: int, at: datetime,
                   person_id: int | None) -> dict[str, int]:
    """Delete the account and everything of it; returns rows deleted per table."""
    _secure(session)
    counts: dict[str, int] = {}
    for binding in session.exec(select(ChannelBinding).where(
            ChannelBinding.account_id == account_id)).all():
        result = session.execute(sa.delete(ChannelMember).where(
            col(ChannelMember.platform) == binding.platform,
            col(ChannelMember.workspace) == binding.workspace,
            col(ChannelMember.channel) == binding.channel))
        counts["channelmember"] = counts.get("channelmember", 0) + int(
            getattr(result, "rowcount", 0) or 0)
    counts["note_index"] = search.forget_account(session, account_id=account_id)
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name in ("account", "auditlog") or "account_id" not in table.c:
            continue
        result = session.execute(sa.delete(table).where(table.c.account_id == account_id))
        counts[table.name] = int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(sa.delete(AuditLog).where(col(AuditLog.account_id) == account_id))
    counts["auditlog"] = int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(sa.delete(Account).where(col(Account.id) == account_id))
    counts["account"] = int(getattr(result, "rowcount", 0) or 0)
    session.flush()
    audit(session, at=at, action="account.delete", account_id=account_id, person_id=person_id,
          rows=sum(counts.values()))
    return {name: n for name, n in counts.items() if n}
