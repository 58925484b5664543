"""The customer side in the account's history: channels made shared or internal, customer
page links made and revoked, and what the customer's people did on the page."""

from __future__ import annotations

from commands.history import Words, describes
from storage.models import AuditLog


@describes("channel.audience")
def _describe_audience(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    key = "history.customer.shared" if d.get("after") else "history.customer.internal"
    return w.t(key, channel=str(d.get("channel", "")))


@describes("share.link")
def _describe_link(w: Words, entry: AuditLog) -> str:
    return w.t("history.customer.link", days=int(entry.detail.get("days") or 0))


@describes("share.revoke")
def _describe_revoke(w: Words, entry: AuditLog) -> str:
    return w.t("history.customer.revoke", count=int(entry.detail.get("count") or 0))


@describes("page.done")
def _describe_page_done(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.customer.page_done", who=str(d.get("who", "")),
               number=int(d.get("number") or 0), title=str(d.get("title", "")))


@describes("page.comment")
def _describe_page_comment(w: Words, entry: AuditLog) -> str:
    return w.t("history.customer.page_comment", who=str(entry.detail.get("who", "")))
