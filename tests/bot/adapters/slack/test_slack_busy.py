"""A full work queue: the request beyond it is answered at once, privately, "busy, nothing
was done", and the ones held are done; nothing is answered seconds late in silence."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from bot.adapters.slack import build_app, http_app
from bot.adapters.work_pool import WorkPool
from bot.app import build_core
from tests.bot.adapters.slack.slack_driver import SECRET, SlackDriver


def test_pool_refuses_beyond_capacity_and_frees_slots():
    pool = WorkPool(workers=1, capacity=2)
    gate = threading.Event()
    first = pool.try_submit(gate.wait, 5)
    second = pool.try_submit(gate.wait, 5)
    assert first is not None and second is not None
    assert pool.try_submit(lambda: None) is None
    assert (pool.held, pool.refused) == (2, 1)
    gate.set()
    first.result(5)
    second.result(5)
    third = pool.try_submit(lambda: 3)
    assert third is not None and third.result(5) == 3
    pool.shutdown()
    assert pool.held == 0


async def test_a_command_beyond_the_queue_is_told_busy(slack_settings, engine, clock, fake_slack):
    settings = slack_settings.model_copy(update={"KAMBOT_WORKERS": 1, "KAMBOT_WORK_QUEUE": 1})
    core = build_core(settings, clock=clock, engine=engine, migrate=False)
    gate = threading.Event()
    handle = core.dispatcher.handle

    def held(incoming):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return handle(incoming)

    core.dispatcher.handle = held  # type: ignore[method-assign]
    runner = web.AppRunner(http_app(build_app(core), signing_secret=SECRET))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", fake_slack)
    try:
        first = await driver.command("help", response_url=fake_slack.response_url("first"))
        await asyncio.sleep(0.3)  # the first is running (held)
        second = await driver.command('account new "Busy Corp"',
                                      response_url=fake_slack.response_url("second"))
        assert first.status == 200 and second.status == 200  # both acked at once
        busy = await fake_slack.await_for("response_url", 1, timeout=10)
        gate.set()
        await fake_slack.await_for("chat.postMessage", 1, timeout=10)  # the first's answer
    finally:
        gate.set()
        await runner.cleanup()
    answers = {c.params["_response_url"]: c.params for c in fake_slack.calls_to("response_url")}
    notice = str(answers["second"])
    assert "busy" in notice and "Nothing was saved" in notice
    assert answers["second"].get("response_type", "ephemeral") == "ephemeral"
    assert list(answers) == ["second"]
    assert "busy" not in str(fake_slack.calls_to("chat.postMessage")[0].params)
    assert busy
    # The refused command did nothing: no account was made.
    from storage import repos

    with core.sessions.begin() as s:
        assert repos.account_by_name(s, name="Busy Corp") is None
