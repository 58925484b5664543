"""Which job engine runs the scheduled work (KAMBOT_JOB_ENGINE), without loading it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

EMBEDDED, PROCRASTINATE = "embedded", "procrastinate"


class JobEngineError(SystemExit):
    """A job engine that cannot run with these settings, said in one line."""


def engine_of(settings: Settings) -> str:
    """``embedded`` or ``procrastinate``; the latter only on PostgreSQL."""
    engine = settings.KAMBOT_JOB_ENGINE
    if engine == PROCRASTINATE and not is_postgres(settings.DATABASE_URL):
        raise JobEngineError(
            "kambot: KAMBOT_JOB_ENGINE=procrastinate needs PostgreSQL (DATABASE_URL="
            "postgresql+psycopg://...); on SQLite leave it unset: one process runs the "
            "embedded scheduler")
    return engine


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))
