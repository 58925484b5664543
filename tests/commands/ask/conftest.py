from __future__ import annotations

import pytest

from bot.app import Core
from tests.commands.ask.seed import Seeded, seed


@pytest.fixture
def seeded(core: Core) -> Seeded:
    with core.sessions.begin() as session:
        return seed(session)
