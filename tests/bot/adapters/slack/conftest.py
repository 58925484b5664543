"""Fixtures for the Slack adapter: the fake Slack, a core pointed at it, the app over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.adapters.slack import build_app, http_app
from bot.app import Core, build_core
from bot.settings import Settings
from tests.bot.adapters.slack.slack_driver import SECRET, SlackDriver
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlack

fake_slack = slack_api.fake_slack
fake_socket = slack_api.fake_socket


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    return settings.model_copy(update={
        "SLACK_BOT_TOKEN": SecretStr("xoxb-test-token"),
        "SLACK_SIGNING_SECRET": SecretStr(SECRET),
        "SLACK_API_URL": fake_slack.url,
    })


@pytest.fixture
def slack_core(slack_settings: Settings, engine, clock) -> Core:
    return build_core(slack_settings, clock=clock, engine=engine, migrate=False)


@pytest.fixture
async def slack(slack_core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    """The real bolt app behind aiohttp on 127.0.0.1, and a driver that talks to it."""
    app = build_app(slack_core)
    runner = web.AppRunner(http_app(app, signing_secret=SECRET))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", fake_slack)
    driver.app = app  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        await runner.cleanup()
