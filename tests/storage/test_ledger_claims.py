"""The delivery ledger's claims around a crash, on SQLite and PostgreSQL alike: a claim is
held under the work it was made for, a run of that work takes over what a dead run left at
once (in doubt), other work leaves it alone until it is stale, and of two runs that both
find a claim unfinished only one takes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import ledger
from storage.db import SessionFactory
from storage.models import Delivery

NOW = datetime(2026, 12, 3, 8, tzinfo=UTC)
HEALTH_3 = "work:account:3"  # the health job of account 3, whichever job id runs it
KW: dict[str, Any] = {"kind": "rule", "account_id": 3, "key": "renewal:2027-01-15",
                      "platform": "slack", "channel": "CACME1"}


def _claim(sessions: SessionFactory, *, at: datetime, by: str | None) -> Delivery | None:
    with sessions.begin() as s:
        row = ledger.claim(s, at=at, by=by, **KW)
        if row is not None:
            s.expunge(row)
        return row


def test_a_dead_runs_claim_is_taken_at_once_by_the_next_run_of_its_work(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    first = _claim(sessions, at=NOW, by=HEALTH_3)  # the job, then its worker is killed
    assert first is not None and not ledger.in_doubt(first)
    # The next tick of the same work, a new job a minute later: no waiting 30 minutes.
    again = _claim(sessions, at=NOW + timedelta(minutes=1), by=HEALTH_3)
    assert again is not None and again.id == first.id
    assert ledger.in_doubt(again) and again.attempts == 2 and again.claimed_by == HEALTH_3


def test_a_fresh_claim_is_left_alone_by_other_work(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    assert _claim(sessions, at=NOW, by=HEALTH_3) is not None  # its job is alive, posting
    soon = NOW + timedelta(minutes=5)
    for other in ("work:account:4", "work:commercial", None):  # None: a replica's check
        assert _claim(sessions, at=soon, by=other) is None
    with sessions.begin() as s:
        row = ledger.find(s, **{k: v for k, v in KW.items() if k != "platform"})
        assert row is not None and (row.claimed_by, row.attempts) == (HEALTH_3, 1)
    # Stale, it is anyone's (in doubt).
    late = _claim(sessions, at=NOW + ledger.STALE_CLAIM + timedelta(seconds=1), by=None)
    assert late is not None and ledger.in_doubt(late) and late.claimed_by is None


def test_a_posted_delivery_is_claimed_by_no_one(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    first = _claim(sessions, at=NOW, by=HEALTH_3)
    assert first is not None and first.id is not None
    with sessions.begin() as s:
        ledger.mark_posted(s, delivery_id=first.id, ref="1.2", at=NOW)
    assert _claim(sessions, at=NOW + timedelta(minutes=1), by=HEALTH_3) is None


@pytest.mark.parametrize(("a", "b"), [(HEALTH_3, HEALTH_3), (HEALTH_3, None),
                                      ("work:account:4", HEALTH_3)])
def test_of_two_runs_that_find_a_claim_unfinished_one_takes_it(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, a: str | None, b: str | None) -> None:
    """Both read the claim as the dead run left it, then both try to take it: the guarded
    update lets the first through and not the second, whichever work they do."""
    sessions = SessionFactory(engine)
    dead = _claim(sessions, at=NOW - ledger.STALE_CLAIM - timedelta(minutes=1), by=HEALTH_3)
    assert dead is not None
    seen = Delivery(**{c: getattr(dead, c) for c in Delivery.model_fields})  # B's read

    assert _claim(sessions, at=NOW, by=a) is not None  # A reads and takes it, and commits
    monkeypatch.setattr(ledger, "find", lambda session, **_: seen)  # B read before A took it
    assert _claim(sessions, at=NOW + timedelta(seconds=1), by=b) is None
    monkeypatch.undo()
    with sessions.begin() as s:
        rows = s.exec(select(Delivery)).all()
        assert [(r.claimed_by, r.attempts) for r in rows] == [(a, 2)]
