"""Keeping channel bindings right when the platform changes a channel under us.

A channel renamed keeps its account (the binding is by id, the name is for people); an
archived channel stops receiving the bot's posts until it is unarchived; a channel whose
id changes (Slack shared-channel conversion, Telegram group -> supergroup) moves its
binding. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Account, ChannelBinding, HealthSnapshot
from storage.repos import audit, binding_for


def rename_channel(
    session: Session, *, platform: str, workspace: str, channel: str, name: str, at: datetime
) -> ChannelBinding | None:
    binding = binding_for(session, platform=platform, workspace=workspace, channel=channel)
    if binding is None or binding.channel_name == name:
        return binding
    old = binding.channel_name
    binding.channel_name = name
    session.add(binding)
    audit(session, at=at, action="channel.rename", account_id=binding.account_id,
          platform=platform, channel=channel, old=old, new=name)
    return binding


def set_archived(
    session: Session, *, platform: str, workspace: str, channel: str, archived: bool, at: datetime
) -> ChannelBinding | None:
    binding = binding_for(session, platform=platform, workspace=workspace, channel=channel)
    if binding is None or binding.archived == archived:
        return binding
    binding.archived = archived
    session.add(binding)
    audit(session, at=at, action="channel.archive" if archived else "channel.unarchive",
          account_id=binding.account_id, platform=platform, channel=channel)
    return binding


def move_channel(
    session: Session, *, platform: str, workspace: str, old: str, new: str, at: datetime
) -> ChannelBinding | None:
    binding = binding_for(session, platform=platform, workspace=workspace, channel=old)
    if binding is None:
        return None
    binding.channel = new
    session.add(binding)
    audit(session, at=at, action="channel.move", account_id=binding.account_id,
          platform=platform, old=old, new=new)
    return binding


def platform_bindings(
    session: Session, *, platform: str, account_ids: set[int]
) -> dict[int, ChannelBinding]:
    """The first active binding of each account on ``platform`` (where its buttons act)."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(ChannelBinding)
        .where(ChannelBinding.platform == platform, col(ChannelBinding.account_id).in_(account_ids),
               col(ChannelBinding.archived).is_(False), col(ChannelBinding.shared).is_(False))
        .order_by(col(ChannelBinding.id))
    ).all()
    out: dict[int, ChannelBinding] = {}
    for row in rows:
        out.setdefault(row.account_id, row)
    return out


def latest_colors(session: Session, *, account_ids: set[int]) -> dict[int, str]:
    """The newest health colour of each account with a snapshot (batch health_repo.last_snapshot)."""
    if not account_ids:
        return {}
    rows: Sequence[HealthSnapshot] = session.exec(
        select(HealthSnapshot)
        .where(col(HealthSnapshot.account_id).in_(account_ids))
        .order_by(col(HealthSnapshot.account_id), col(HealthSnapshot.at).desc(),
                  col(HealthSnapshot.id).desc())
    ).all()
    out: dict[int, str] = {}
    for snap in rows:
        out.setdefault(snap.account_id, snap.color)
    return out


__all__ = ["Account", "latest_colors", "move_channel", "platform_bindings", "rename_channel",
           "set_archived"]
