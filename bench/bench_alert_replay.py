"""Alerts per account per month over the replayed quarter (tests/quarter_replay.py).

Runs the quarter on a fresh SQLite database with KAMBOT_COUNTRY=US and prints, per account
and month, what the bot posted by itself: health alerts (a worsening, a reminder of one, a
recovery; in the account's channel and to management), escalations, rule announcements,
and per person the morning digests. Run it on any version of the code to compare (the
scenario only uses commands and jobs every version has): ``python -m bench alert_replay``.
"""

from __future__ import annotations

import tempfile
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_core
from bot.clock import FixedClock
from bot.settings import Settings
from tests.quarter_replay import ACCOUNTS, MANAGEMENT, SETUP, run_quarter

# September: the set-up day; January: New Year's Day, when December's report goes out.
MONTHS = ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01")
ALERTS = ("alert", "alert-reminder", "recovery")


def main() -> None:
    db = Path(tempfile.mkdtemp(prefix="kambot-replay-")) / "replay.db"
    settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{db}",  # type: ignore[call-arg]
                        KAMBOT_COUNTRY="US")
    clock = FixedClock(datetime(SETUP.year, SETUP.month, SETUP.day, 9, tzinfo=UTC))
    core = build_core(settings, clock=clock)
    started = time.perf_counter()
    replay = run_quarter(core, clock)
    seconds = time.perf_counter() - started
    management = MANAGEMENT.partition(":")[2]

    def table(title: str, counts: Counter[tuple[str, str]], rows: list[str]) -> None:
        print(f"\n{title}")
        print(_pad("") + "".join(f"{m:>9}" for m in MONTHS) + f"{'total':>9}")
        for row in rows:
            values = [counts[(row, m)] for m in MONTHS]
            print(_pad(row) + "".join(f"{v:>9}" for v in values) + f"{sum(values):>9}")
        totals = [sum(counts[(r, m)] for r in rows) for m in MONTHS]
        print(_pad("all") + "".join(f"{v:>9}" for v in totals) + f"{sum(totals):>9}")

    names = [name for name, *_ in ACCOUNTS.values()]
    alerts: Counter[tuple[str, str]] = Counter()
    to_management: Counter[tuple[str, str]] = Counter()
    red_to_management: Counter[tuple[str, str]] = Counter()
    escalations: Counter[tuple[str, str]] = Counter()
    rules: Counter[tuple[str, str]] = Counter()
    digests: Counter[tuple[str, str]] = Counter()
    for p in replay.posts:
        month = p.at.strftime("%Y-%m")
        if p.kind in ALERTS:
            (to_management if p.target == management else alerts)[(p.account, month)] += 1
            if p.target == management and p.kind == "alert":
                red_to_management[(p.account, month)] += 1
        elif p.kind == "escalation":
            escalations[(p.account, month)] += 1
        elif p.kind == "rule":
            rules[(p.account, month)] += 1
        elif p.kind == "reminder":
            digests[(p.target, month)] += 1
    table("health alerts in the account channel (worse, reminders, recoveries)", alerts, names)
    table("health alerts to management (red, and recoveries from red)", to_management, names)
    table("of which red alerts to management", red_to_management, names)
    table("escalations", escalations, names)
    table("rule announcements (renewal, executive visit)", rules, names)
    table("morning reminders / digests per person", digests,
          sorted({t for t, _ in digests}))
    weekend = [p for p in replay.posts if p.kind in (*ALERTS, "escalation", "reminder")
               and p.at.weekday() >= 5]
    print(f"\nalert, escalation and reminder posts on a Saturday or Sunday: {len(weekend)}")
    print(f"replay took {seconds:.1f} s for {len(replay.posts)} posts")


def _pad(text: str, width: int = 16) -> str:
    """Left-aligned in a column of ``width`` terminal cells (a CJK character takes two)."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


if __name__ == "__main__":
    main()
