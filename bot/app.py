"""The composition root: settings in, a wired Core out. Nothing is created at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import Clock, SystemClock
from bot.dispatcher import Dispatcher
from bot.outbox import Senders
from bot.settings import Settings
from storage.db import SessionFactory, make_engine, upgrade

log = logging.getLogger(__name__)


@dataclass
class Core:
    settings: Settings
    engine: Engine
    sessions: SessionFactory
    dispatcher: Dispatcher
    clock: Clock
    senders: Senders
    services: dict[str, Any] = field(default_factory=dict)


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
    health_alerts: bool = True,
    auto_playbooks: bool = False,
) -> Core:
    """Wire the core. The database is upgraded to the newest schema unless told not to.

    ``health_alerts``: re-assess an account's health right after every write to it, and
    alert its channel at once when the colour worsens (the daily job does the rest).
    ``auto_playbooks``: start playbooks on account events (a new key account, a renewal
    inside its window, a health colour) right after the write that caused them; the bot's
    commands (`kambot slack|telegram|run|console|demo`) turn it on, so tests of other
    verbs see only what those verbs do. The daily job starts them either way.
    """
    engine = engine if engine is not None else make_engine(settings.DATABASE_URL)
    if migrate:
        upgrade(engine)
    clock = clock if clock is not None else SystemClock(settings.KAMBOT_TIMEZONE)
    sessions = SessionFactory(engine)
    services: dict[str, Any] = {"auto_playbooks": auto_playbooks,
                                "health_config": settings.health_config()}
    if settings.llm_enabled:
        from bot.llm import build_llm

        services["llm"] = build_llm(settings)
    dispatcher = Dispatcher(sessions=sessions, settings=settings, clock=clock, services=services)
    core = Core(
        settings=settings,
        engine=engine,
        sessions=sessions,
        dispatcher=dispatcher,
        clock=clock,
        senders=Senders(),
        services=services,
    )
    if health_alerts:
        from bot.alerts import health_listener

        dispatcher.add_listener(health_listener(core))
    from bot.handover_dm import handover_listener

    dispatcher.add_listener(handover_listener(core))
    from bot.commercial import check_playbook_files, commercial_listener

    check_playbook_files(core)
    if auto_playbooks:
        # After the health listener: a colour that just turned is known to it.
        dispatcher.add_listener(commercial_listener(core))
    return core
