"""Storage operations only Telegram needs: a group upgraded to a supergroup changes its id.

Like the other repositories: keyword-only arguments, the caller owns the transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from storage import repos
from storage.models import ChannelBinding


def move_binding(
    session: Session,
    *,
    platform: str,
    workspace: str,
    old_channel: str,
    new_channel: str,
    channel_name: str = "",
) -> ChannelBinding | None:
    """Point the binding of ``old_channel`` at ``new_channel``; the moved binding, or None.

    Telegram announces a migration twice (once in the old group, once in the new
    supergroup) and may deliver each update twice, so this is idempotent: when the new
    channel is already bound, or the old one is not, nothing moves.
    """
    if repos.binding_for(session, platform=platform, workspace=workspace, channel=new_channel):
        return None
    # A conditional UPDATE: of two deliveries racing (even in two processes), one moves it.
    values: dict[str, str] = {"channel": new_channel}
    if channel_name:
        values["channel_name"] = channel_name
    where = sa.and_(
        col(ChannelBinding.platform) == platform,
        col(ChannelBinding.workspace) == workspace,
        col(ChannelBinding.channel) == old_channel,
    )
    moved = session.execute(sa.update(ChannelBinding).where(where).values(**values))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.expire_all()
    return repos.binding_for(session, platform=platform, workspace=workspace, channel=new_channel)
