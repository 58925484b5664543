"""Socket Mode: the real bolt app connects to the fake's websocket and acks envelopes."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.adapters.slack import build_app, serve_socket_mode
from tests.bot.adapters.slack.slack_driver import TEAM, button, sent_message, text_of
from tests.bot.adapters.slack.test_slack_features import EVERY_VERB, _answers, _is_error, _until

_ids = itertools.count(1)


@pytest.fixture
async def socket_app(slack_core, fake_slack, fake_socket):
    app = build_app(slack_core, socket_mode=True)
    handler = await serve_socket_mode(app, "xapp-test-token")
    await asyncio.to_thread(fake_socket.wait_connected)
    try:
        yield fake_socket
    finally:
        await handler.close_async()


def command_payload(fake, text: str, user: str = "U0ANN") -> dict:
    n = next(_ids)
    return {"token": "legacy", "team_id": TEAM, "team_domain": "fake", "channel_id": "C0ACME",
            "channel_name": "acme-team", "user_id": user, "user_name": user.lower(),
            "command": "/kam", "text": text, "api_app_id": "AFAKE",
            "response_url": fake.response_url(f"s{n}"), "trigger_id": f"strig.{n}"}


async def send(socket, kind: str, payload: dict, **kw) -> tuple[str, dict, float]:
    started = time.perf_counter()
    envelope_id = await asyncio.to_thread(socket.send, kind, payload, **kw)
    ack = await asyncio.to_thread(socket.ack, envelope_id)
    return envelope_id, ack, time.perf_counter() - started


async def test_socket_mode_connects_with_the_app_token(socket_app, fake_slack):
    [call] = fake_slack.calls_to("apps.connections.open")
    assert call.authorized


async def test_every_core_verb_through_kam_over_socket_mode(socket_app, fake_slack, slack_core):
    slack_core.settings.KAMBOT_ADMINS.append("U0ANN")
    seen = 0
    for text in EVERY_VERB:
        envelope_id, ack, took = await send(socket_app, "slash_commands", command_payload(fake_slack, text))
        assert ack["envelope_id"] == envelope_id
        assert took < 1.0
        await _until(lambda seen=seen: len(_answers(fake_slack)) > seen)
        await asyncio.sleep(0.05)
        answers = _answers(fake_slack)
        assert not any(_is_error(c) for c in answers[seen:]), f"{text!r}: {text_of(answers[seen])}"
        seen = len(answers)


async def test_buttons_and_retried_events_over_socket_mode(socket_app, fake_slack):
    await send(socket_app, "slash_commands", command_payload(fake_slack, 'account new "Acme Corp"'))
    await fake_slack.await_for("chat.postMessage")
    await send(socket_app, "slash_commands", command_payload(fake_slack, 'task "Quote" owner=SR'))
    calls = await fake_slack.await_for("chat.postMessage", 2)
    done = button(calls[1].json("blocks"), "done 1")
    payload = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ANN", "team_id": TEAM},
        "api_app_id": "AFAKE", "trigger_id": "t.1", "channel": {"id": "C0ACME", "name": "acme-team"},
        "container": {"type": "message", "channel_id": "C0ACME", "is_ephemeral": False},
        "message": sent_message(calls[1]), "response_url": fake_slack.response_url("b1"),
        "actions": [{**done, "block_id": "b", "action_ts": "1700001000.000001"}],
    }
    _, ack, _ = await send(socket_app, "interactive", payload)
    assert "envelope_id" in ack
    await fake_slack.await_for("chat.update")
    event = {"team_id": TEAM, "api_app_id": "AFAKE", "type": "event_callback", "event_id": "EvS1",
             "event_time": 1700001000, "event": {"type": "member_joined_channel", "user": "UBOT",
                                                  "channel": "C0NEW", "team": TEAM}}
    await send(socket_app, "events_api", event)
    await send(socket_app, "events_api", event, retry_attempt=1, retry_reason="timeout")
    await fake_slack.await_for("chat.postMessage", 3, where=lambda c: True)
    await asyncio.sleep(0.3)
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0NEW"]) == 1


async def test_reconnects_when_slack_asks(socket_app, fake_slack):
    await asyncio.to_thread(socket_app.disconnect)
    await asyncio.to_thread(socket_app.wait_connections, 2)
    assert len(fake_slack.calls_to("apps.connections.open")) >= 2
    _, ack, _ = await send(socket_app, "slash_commands", command_payload(fake_slack, "help"))
    assert ack
    await fake_slack.await_for("chat.postMessage")
