"""Every HTTP listener kambot opens binds the address it is given: KAMBOT_HTTP_HOST (loopback
by default) or `--host`; never every interface unless asked."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.slack import start_slack
from bot.app import Core, build_core
from bot.cli import _listener_overrides, _settings, build_parser
from bot.runner import start_all, stop_all
from bot.settings import Settings
from tests.bot.adapters.conftest import free_port, runtime_for
from tests.bot.adapters.slack.slack_driver import SECRET
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

fake_slack = slack_api.fake_slack

# Another loopback address: a listener bound to it is not reachable at 127.0.0.1, which
# tells "bound where told" apart from "bound everywhere".
ELSEWHERE = "127.0.0.2"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


async def _healthz(host: str, port: int) -> int:
    async with aiohttp.ClientSession() as http, http.get(f"http://{host}:{port}/healthz") as r:
        return r.status


@pytest.fixture
def slack_core(settings: Settings, engine: Any, clock: Any, fake_slack: FakeSlack) -> Callable[..., Core]:
    def make(**overrides: Any) -> Core:
        return build_core(settings.model_copy(update={
            "SLACK_BOT_TOKEN": SecretStr("xoxb-test-token"),
            "SLACK_SIGNING_SECRET": SecretStr(SECRET),
            "SLACK_API_URL": fake_slack.url, **overrides,
        }), clock=clock, engine=engine, migrate=False)

    return make


def test_the_default_is_loopback(settings: Settings) -> None:
    assert settings.KAMBOT_HTTP_HOST == "127.0.0.1"


@pytest.mark.parametrize("bad", ["", "http://0.0.0.0", "0.0.0.0:3000", "a host"])
def test_a_host_that_is_not_an_address_is_refused_at_start(
        bad: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMBOT_HTTP_HOST", bad)
    with pytest.raises(SystemExit) as exc:
        _settings(_env_file=None)
    assert "KAMBOT_HTTP_HOST" in str(exc.value) and "0.0.0.0" in str(exc.value)


def test_ipv6_addresses_are_accepted(settings: Settings) -> None:
    assert settings.model_validate({**settings.model_dump(), "KAMBOT_HTTP_HOST": "::"}) \
        .KAMBOT_HTTP_HOST == "::"


@pytest.mark.parametrize("command", [["slack", "--http"], ["telegram", "--webhook"], ["run"]])
def test_host_flag_overrides_the_setting(command: list[str]) -> None:
    args = build_parser().parse_args([*command, "--host", "0.0.0.0"])
    assert _listener_overrides(args) == {"KAMBOT_HTTP_HOST": "0.0.0.0"}
    assert _listener_overrides(build_parser().parse_args(command)) == {}


async def test_slack_http_binds_the_setting(slack_core: Callable[..., Core]) -> None:
    port = free_port()
    core = slack_core(KAMBOT_HTTP_HOST=ELSEWHERE, PORT=port)
    stop = await start_slack(core, mode="http")
    try:
        assert await _healthz(ELSEWHERE, port) == 200
        assert not await asyncio.to_thread(_reachable, "127.0.0.1", port)
    finally:
        await stop()


async def test_slack_http_binds_loopback_by_default(slack_core: Callable[..., Core]) -> None:
    port = free_port()
    stop = await start_slack(slack_core(PORT=port), mode="http")
    try:
        assert await _healthz("127.0.0.1", port) == 200
        assert not await asyncio.to_thread(_reachable, ELSEWHERE, port)
    finally:
        await stop()


async def test_telegram_webhook_binds_the_setting(
        fake: FakeTelegram, make_core: Callable[..., Core]) -> None:
    port = free_port()
    core = make_core(TELEGRAM_WEBHOOK_URL=f"http://{ELSEWHERE}:{port}/telegram/hook",
                     TELEGRAM_WEBHOOK_SECRET=SecretStr("hook-secret"), PORT=port,
                     KAMBOT_HTTP_HOST=ELSEWHERE)
    runtime = runtime_for(core)
    await runtime.start(webhook=True)
    try:
        assert await asyncio.to_thread(_reachable, ELSEWHERE, port)
        assert not await asyncio.to_thread(_reachable, "127.0.0.1", port)
    finally:
        await runtime.stop()


async def test_run_shares_one_listener_on_the_setting(
        slack_core: Callable[..., Core], fake: FakeTelegram) -> None:
    port = free_port()
    core = slack_core(
        TELEGRAM_BOT_TOKEN=SecretStr(fake.token), TELEGRAM_API_URL=fake.api_url,
        TELEGRAM_WEBHOOK_URL=f"http://{ELSEWHERE}:{port}/telegram/hook",
        TELEGRAM_WEBHOOK_SECRET=SecretStr("hook-secret"), KAMBOT_HTTP_HOST=ELSEWHERE)
    stops = await start_all(core, port=port)
    try:
        assert await _healthz(ELSEWHERE, port) == 200
        assert not await asyncio.to_thread(_reachable, "127.0.0.1", port)
    finally:
        await stop_all(stops)
