"""Retention (storage/retention_repo.py, bot/retention.py): old event keys and health
snapshots go; each account keeps its newest snapshot before the cut-off, and the settings
say how long (0 keeps forever)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.retention import purge_retained
from storage import health_repo, repos
from storage.models import HealthSnapshot, ProcessedEvent

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _seed(core) -> tuple[int, int]:
    with core.sessions.begin() as s:
        a = repos.create_account(s, name="Acme", tier="core", at=NOW - timedelta(days=900))
        b = repos.create_account(s, name="Globex", tier="core", at=NOW - timedelta(days=900))
        for days in (800, 760, 740, 100, 1):
            s.add(HealthSnapshot(account_id=a.id, color="red" if days > 700 else "green",
                                 score=days % 100, at=NOW - timedelta(days=days)))
        # Globex: only old snapshots; the newest of them stays as its state.
        s.add(HealthSnapshot(account_id=b.id, color="yellow", score=50,
                             at=NOW - timedelta(days=900)))
        s.add(HealthSnapshot(account_id=b.id, color="red", score=20,
                             at=NOW - timedelta(days=800)))
        for days in (60, 31, 29, 0):
            repos.claim_event(s, platform="slack", key=f"ev-{days}", at=NOW - timedelta(days=days))
        assert a.id is not None and b.id is not None
        return a.id, b.id


def test_old_event_keys_and_snapshots_go_and_each_account_keeps_its_state(core, clock):
    acme, globex = _seed(core)
    assert purge_retained(core) == (2, 3)
    with core.sessions.begin() as s:
        keys = sorted(e.key for e in s.exec(select(ProcessedEvent)).all())
        assert keys == ["ev-0", "ev-29"]
        kept = {acc: [(r.color, (NOW - r.at).days) for r in
                      health_repo.snapshots_of(s, account_id=acc)] for acc in (acme, globex)}
    # Acme: the newest snapshot before the 730-day cut-off (740 days, red) and the recent ones.
    assert kept[acme] == [("red", 740), ("green", 100), ("green", 1)]
    assert kept[globex] == [("red", 800)]
    # Nothing more to do the next day.
    assert purge_retained(core) == (0, 0)


def test_zero_keeps_forever(core):
    _seed(core)
    core.settings.KAMBOT_EVENT_RETENTION_DAYS = 0
    core.settings.KAMBOT_SNAPSHOT_RETENTION_DAYS = 0
    assert purge_retained(core) == (0, 0)
    with core.sessions.begin() as s:
        assert len(s.exec(select(ProcessedEvent)).all()) == 4
        assert len(s.exec(select(HealthSnapshot)).all()) == 7
