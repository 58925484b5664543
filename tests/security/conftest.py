"""Probe tallies for the security tests: how many probes of each kind were tried and how
many failed (acted or showed data where they should not, or were refused where they
should not be). Printed at the end of the run."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from tests.bot.adapters import conftest as telegram_fixtures
from tests.bot.adapters.slack import conftest as slack_fixtures
from tests.fakes import slack_api

# The Slack and Telegram fixtures the entry-point probes play against.
fake_slack = slack_api.fake_slack
slack_settings = slack_fixtures.slack_settings
slack_core = slack_fixtures.slack_core
slack = slack_fixtures.slack
fake = telegram_fixtures.fake
make_core = telegram_fixtures.make_core

TALLY: dict[str, list[int]] = defaultdict(lambda: [0, 0])


class Probes:
    """Records probes of one kind; the test asserts ``failures`` is empty at its end."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, category: str, ok: bool, what: str) -> bool:
        TALLY[category][0] += 1
        if not ok:
            TALLY[category][1] += 1
            self.failures.append(f"{category}: {what}")
        return ok


@pytest.fixture
def probes() -> Probes:
    return Probes()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.write_sep("-", "security probes: tried / failed")
    for category in sorted(TALLY):
        tried, failed = TALLY[category]
        terminalreporter.write_line(f"{category:45} {tried:5} / {failed}")
    total = [sum(v[0] for v in TALLY.values()), sum(v[1] for v in TALLY.values())]
    terminalreporter.write_line(f"{'all':45} {total[0]:5} / {total[1]}")
