"""A long work queue: a slash command beyond it is acked at once with "working on it" and
answered later through its response_url; beyond the room for those, the ack itself says
"busy, nothing was done". The ones held are done; nothing is answered late in silence,
and nothing is lost."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.slack import build_app, http_app
from bot.adapters.work_pool import WorkPool
from bot.app import Core, build_core
from storage import repos
from tests.bot.adapters.slack.slack_driver import SECRET, SlackDriver


def test_pool_holds_then_defers_then_refuses_and_frees_slots():
    pool = WorkPool(workers=1, capacity=2, later=1)
    gate = threading.Event()
    first, second = pool.reserve(), pool.reserve()
    assert first is not None and second is not None and not (first.later or second.later)
    assert pool.reserve() is None  # an event or a button cannot wait to be answered later
    waiting = pool.reserve(can_wait=True)
    assert waiting is not None and waiting.later
    assert pool.reserve(can_wait=True) is None
    assert (pool.held, pool.refused, pool.deferred) == (3, 2, 1)
    runs = [pool.run(first, gate.wait, 5), pool.run(second, gate.wait, 5)]
    pool.cancel(waiting)
    with pytest.raises(RuntimeError):
        pool.run(first, lambda: None)  # a slot is used once
    assert pool.held == 2
    gate.set()
    for run in runs:
        run.result(5)
    third = pool.try_submit(lambda: 3)
    assert third is not None and third.result(5) == 3
    pool.shutdown()
    assert pool.held == 0


@pytest.fixture
async def held(slack_settings, engine, clock, fake_slack) -> AsyncIterator[tuple[Core, Any, SlackDriver]]:
    """kambot with one worker, room for one request and one more to answer later, and a
    dispatcher that waits for the gate."""
    settings = slack_settings.model_copy(update={
        "KAMBOT_WORKERS": 1, "KAMBOT_WORK_QUEUE": 1, "KAMBOT_WORK_LATER": 1})
    core = build_core(settings, clock=clock, engine=engine, migrate=False)
    gate = threading.Event()
    handle = core.dispatcher.handle

    def waiting(incoming):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return handle(incoming)

    core.dispatcher.handle = waiting  # type: ignore[method-assign]
    runner = web.AppRunner(http_app(build_app(core), signing_secret=SECRET))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield core, gate, SlackDriver(f"http://127.0.0.1:{port}/slack/events", fake_slack)
    finally:
        gate.set()
        await runner.cleanup()


async def _ack_text(response: Any) -> str:
    """What Slack shows the sender from the ack: a plain text body, or a message's text."""
    body = await response.text()
    if response.content_type == "application/json":
        return str(json.loads(body).get("text", ""))
    return str(body)


def _ordinary(fake_slack: Any) -> list[Any]:
    return fake_slack.calls_to("chat.postMessage") + fake_slack.calls_to("chat.postEphemeral")


async def test_beyond_the_queue_answered_later_then_busy(held, fake_slack):
    core, gate, driver = held
    first = await driver.command("help", response_url=fake_slack.response_url("first"))
    await asyncio.sleep(0.3)  # the first is running (held at the gate)
    second = await driver.command("help", response_url=fake_slack.response_url("second"))
    third = await driver.command('account new "Busy Corp"',
                                 response_url=fake_slack.response_url("third"))
    assert [r.status for r in (first, second, third)] == [200, 200, 200]  # all acked at once
    assert await _ack_text(first) == ""
    assert "Working on it" in await _ack_text(second)
    told = await _ack_text(third)
    assert "busy" in told and "Nothing was saved" in told
    # Nothing was answered while the work waits; then the first in the ordinary way and
    # the second through its response_url.
    assert not fake_slack.calls_to("response_url")
    gate.set()
    await fake_slack.await_for("response_url", 1, timeout=10)
    answers = {c.params["_response_url"]: c.params for c in fake_slack.calls_to("response_url")}
    assert list(answers) == ["second"]
    later = answers["second"]
    ordinary = _ordinary(fake_slack)
    assert len(ordinary) == 1  # the first's answer
    assert later["text"] == ordinary[0].params["text"]  # the same answer, only later
    if later.get("response_type") == "ephemeral":
        assert later.get("replace_original") is True  # it takes the place of the note
    # The refused command did nothing: no account was made.
    with core.sessions.begin() as s:
        assert repos.account_by_name(s, name="Busy Corp") is None


async def test_an_expired_response_url_is_answered_the_ordinary_way(held, fake_slack):
    _core, gate, driver = held
    fake_slack.expired.add("late")
    await driver.command("help", response_url=fake_slack.response_url("first"))
    await asyncio.sleep(0.3)
    second = await driver.command("help", response_url=fake_slack.response_url("late"))
    assert "Working on it" in await _ack_text(second)
    gate.set()
    for _ in range(100):
        if len(_ordinary(fake_slack)) >= 2:
            break
        await asyncio.sleep(0.1)
    assert len(_ordinary(fake_slack)) == 2  # nothing lost
    assert not fake_slack.calls_to("response_url")


async def test_a_form_submitted_beyond_the_queue_stays_open_saying_busy(held, fake_slack):
    from bot.adapters import slack_views as views

    _core, gate, driver = held
    await driver.command("help", response_url=fake_slack.response_url("first"))
    await asyncio.sleep(0.3)  # the only slot is taken
    form = {"type": "modal", "callback_id": views.NOTE_VIEW, "private_metadata": "",
            "blocks": [{"type": "input", "block_id": "note", "element": {
                "type": "plain_text_input", "action_id": "text"}}]}
    submitted = await driver.submit(form, {"note": {"text": {"type": "plain_text_input",
                                                             "value": "Met the CFO"}}})
    answer = json.loads(await submitted.text())
    assert answer["response_action"] == "errors"
    assert "busy" in answer["errors"]["note"]
    gate.set()
