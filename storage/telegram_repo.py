"""Storage operations only Telegram needs: a group upgraded to a supergroup changes its id.

Like the other repositories: keyword-only arguments, the caller owns the transaction.
"""

from __future__ import annotations

from sqlmodel import Session

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
    old = repos.binding_for(session, platform=platform, workspace=workspace, channel=old_channel)
    if old is None:
        return None
    if repos.binding_for(session, platform=platform, workspace=workspace, channel=new_channel):
        return None
    old.channel = new_channel
    if channel_name:
        old.channel_name = channel_name
    session.add(old)
    session.flush()
    return old
