"""The composition root: settings in, a wired Core out. Nothing is created at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from bot.clock import Clock, SystemClock
from bot.dispatcher import Dispatcher
from bot.outbox import Senders
from bot.settings import Settings
from storage.db import SessionFactory, make_engine, upgrade

if TYPE_CHECKING:
    from bot.tasks.definitions import Work

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
    background: bool = False,
) -> Core:
    """Wire the core. The database is upgraded to the newest schema unless told not to.

    ``health_alerts``: re-assess an account's health right after every write to it, and
    alert its channel at once when the colour worsens (the daily job does the rest).
    ``auto_playbooks``: start playbooks on account events (a new key account, a renewal
    inside its window, a health colour) right after the write that caused them; the bot's
    commands (`kambot slack|telegram|run|console|demo`) turn it on, so tests of other
    verbs see only what those verbs do. The daily job starts them either way.
    ``background``: run those after-write checks on a worker thread, coalesced per account
    (bot/background.py), not on the request path; ``services["drain"]`` waits for them and
    ``services["stop"]`` finishes them. The long-running bots turn it on.
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
    listeners = []
    if health_alerts:
        from bot.alerts import health_listener

        listeners.append(health_listener(core))
    from bot.handover_dm import handover_listener

    # The handover brief by direct message: cheap, and wanted before the command's reply
    # is forgotten, so it runs after commit on the request thread, not the background one.
    dispatcher.add_listener(handover_listener(core))
    from bot.commercial import check_playbook_files, commercial_listener

    check_playbook_files(core)
    if auto_playbooks:
        # After the health listener: a colour that just turned is known to it.
        listeners.append(commercial_listener(core))
    if background and listeners:
        from bot.background import AccountWork

        def after_write(account_id: int) -> None:
            for listener in listeners:
                try:
                    listener(account_id)
                except Exception:
                    log.exception("after-write check failed for account %s", account_id)

        work = AccountWork(after_write, name="kambot-after-write")
        dispatcher.add_listener(work.submit)
        services["after_write"] = work
        services["drain"] = work.drain
        services["stop"] = work.stop
    else:
        for listener in listeners:
            dispatcher.add_listener(listener)
    return core


def job_work(core: Core) -> Work:
    """What the job engine's jobs do (bot/tasks/), wired to ``core``: the same functions the
    embedded scheduler runs, with the process's one Poster."""
    from bot import alerts, commercial, jobs
    from bot.posting import claiming, shared_poster
    from bot.scheduler import purge_undo_stash
    from bot.tasks.definitions import Work

    poster = shared_poster(core.services)
    return Work(
        monthly_reports=lambda: jobs.run_due_reports(core, poster=poster),
        health_accounts=lambda: alerts.accounts_due(core),
        check_account=lambda account_id: alerts.check_account(core, account_id, weekly=True,
                                                              poster=poster),
        escalations=lambda: alerts.run_escalations(core, poster=poster),
        reminders=lambda: alerts.run_reminders(core, poster=poster),
        commercial=lambda: commercial.run_commercial_check(core, poster=poster),
        purge_undo=lambda: purge_undo_stash(core),
        claiming=claiming,
    )
