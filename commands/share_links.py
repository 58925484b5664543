"""Signed links to an account's customer page.

A link names a random token kept in the database (storage/share_models.py ShareLink): the
database says whether it is revoked or expired, and the URL carries the token signed with
itsdangerous (a timed signature, key from KAMBOT_SECRET_KEY or a key kambot keeps in the
database), so a token typed or altered by hand is refused before any query, and the
signature's own age limit backs the expiry up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from storage import access_repo, share_repo
from storage.share_models import ShareLink

KEY_NAME = "page-link-key"
SALT = "kambot customer page v1"
PATH = "/c/"


@dataclass(frozen=True)
class LinkKeys:
    """The signing key: derived from KAMBOT_SECRET_KEY, else made once and kept."""

    secret: str | None
    clock_now: Callable[[], datetime]

    def key(self, session: Session) -> bytes:
        if self.secret:
            return hmac.new(self.secret.encode(), b"kambot page key v1", hashlib.sha256).digest()
        value = access_repo.secret(session, name=KEY_NAME, at=self.clock_now(),
                                   make=lambda: secrets.token_urlsafe(32))
        return value.encode()


def _serializer(key: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=SALT)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def sign(token: str, key: bytes) -> str:
    return _serializer(key).dumps(token)


def url(base: str, signed: str) -> str:
    return base.rstrip("/") + PATH + signed


def open_link(session: Session, *, signed: str, key: bytes, now: datetime) -> ShareLink | None:
    """The live link ``signed`` names, or None: a bad or too old signature, an unknown
    token, a revoked or expired link are all just "no"."""
    link: ShareLink | None = None
    try:
        token = _serializer(key).loads(signed, max_age=366 * 86400)
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    link = share_repo.link_by_token(session, token=token)
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    return link
