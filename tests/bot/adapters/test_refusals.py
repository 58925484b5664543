"""Refused requests leave a bounded trace in the log, whatever their number and size."""

from __future__ import annotations

import logging

from bot.adapters.refusals import RefusalLog


def test_at_most_per_window_lines_then_one_count(caplog):
    caplog.set_level(logging.WARNING)
    now = [0.0]
    refusals = RefusalLog(per_window=3, window=60, now=lambda: now[0])
    for _ in range(1000):
        refusals.refused("slack", "bad signature" + "x" * 10_000, size=1 << 20, remote="10.0.0.1")
    assert len(caplog.records) == 3
    now[0] = 61
    refusals.refused("slack", "bad signature", size=10, remote=None)
    assert "997 more refused requests" in caplog.records[3].getMessage()
    assert len(caplog.records) == 5
    assert max(len(r.getMessage()) for r in caplog.records) < 200
