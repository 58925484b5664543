"""The customer page's tables: signed links to an account's joint plan, and what the
customer's people left there (comments; a done tick changes the task itself)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import AwareDateTime


def _ts(**kw: Any) -> Any:
    return Field(sa_column=sa.Column(AwareDateTime(), **kw))


class ShareLink(SQLModel, table=True):
    """A link to one account's customer page; valid until ``expires_at`` unless revoked.
    ``token`` is random and unguessable; the URL carries it signed (commands/share_links.py)."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    language: str = Field(default="en", max_length=8)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _ts(nullable=False)
    expires_at: datetime = _ts(nullable=False)
    revoked_at: datetime | None = _ts(nullable=True)


class ShareComment(SQLModel, table=True):
    """A comment a customer's person left on the page. ``nonce`` comes with the page's form,
    so a form sent twice (a double tap, a reload) is kept once."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    link_id: int = Field(foreign_key="sharelink.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    author: str = Field(max_length=200)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    nonce: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = _ts(nullable=False)
