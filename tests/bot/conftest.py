"""Fixtures shared by the tests under tests/bot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Core
from bot.outbox import RecordingSender
from tests.bot.page_support import World, seed, served
from tests.support import Conversation


@pytest.fixture
def world(core: Core, chat: Conversation) -> Iterator[World]:
    """The customer page served on 127.0.0.1 over the seeded two-account world."""
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    with served(core) as base:
        core.settings.KAMBOT_PUBLIC_URL = base
        seed(chat)
        yield World(chat, sender, base)
