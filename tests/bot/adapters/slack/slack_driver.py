"""Plays Slack against the real bolt app over HTTP: signed commands, events, clicks, modals.

Payloads have the shape Slack sends (see api.slack.com/interactivity/handling#payloads
and the Events API wrapper in specs/slack/event-wrapper-schema.json).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.seals import peek

SECRET = "test-signing-secret"
TEAM = "T0FAKE"
_ids = itertools.count(1)


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


class SlackDriver:
    """A person in a Slack workspace, talking to the app at ``url``."""

    def __init__(self, url: str, fake: Any, *, channel: str = "C0ACME", user: str = "U0ANN") -> None:
        self.url = url
        self.fake = fake
        self.channel = channel
        self.user = user
        self.latencies: list[float] = []

    async def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
                   signed: bool = True) -> aiohttp.ClientResponse:
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with aiohttp.ClientSession() as session:
            started = time.perf_counter()
            async with session.post(self.url, data=body.encode(), headers=all_headers) as resp:
                await resp.read()
                self.latencies.append(time.perf_counter() - started)
                return resp

    async def command(self, text: str, *, user: str | None = None, channel: str | None = None,
                      channel_name: str = "acme-team", response_url: str | None = None,
                      trigger_id: str | None = None) -> aiohttp.ClientResponse:
        form = {
            "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "fake",
            "channel_id": channel or self.channel, "channel_name": channel_name,
            "user_id": user or self.user, "user_name": (user or self.user).lower(),
            "command": "/kam", "text": text, "api_app_id": "AFAKE", "is_enterprise_install": "false",
            "response_url": response_url or self.fake.response_url(f"cmd{next(_ids)}"),
            "trigger_id": trigger_id or f"trig.{next(_ids)}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    retry_num: int | None = None, **kw: Any) -> aiohttp.ClientResponse:
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "AFAKE", "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
            "event": event,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(json.dumps(body), "application/json", headers=headers, **kw)

    def message_event(self, text: str, *, kind: str = "app_mention", channel: str | None = None,
                      ts: str | None = None, channel_type: str = "channel",
                      user: str | None = None) -> dict[str, Any]:
        event = {"type": kind, "user": user or self.user, "text": text,
                 "ts": ts or f"1700000100.{next(_ids):06d}", "channel": channel or self.channel,
                 "event_ts": ts or "1700000100.000001", "team": TEAM}
        if kind == "message":
            event["channel_type"] = channel_type
        return event

    async def interactive(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        return await self.post(urlencode({"payload": json.dumps(payload)}),
                               "application/x-www-form-urlencoded")

    async def click(self, message: dict[str, Any], button: dict[str, Any], *,
                    user: str | None = None, channel: str | None = None, ephemeral: bool = False,
                    action_ts: str | None = None) -> aiohttp.ClientResponse:
        """Press ``button`` (a Block Kit element the app sent) on ``message``."""
        who = user or self.user
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": who, "username": who.lower(), "name": who.lower(), "team_id": TEAM},
            "api_app_id": "AFAKE", "token": "legacy", "trigger_id": f"trig.{next(_ids)}",
            "container": {"type": "message", "message_ts": message.get("ts", ""),
                          "channel_id": channel or self.channel, "is_ephemeral": ephemeral},
            "channel": {"id": channel or self.channel, "name": "acme-team"},
            "message": message, "response_url": self.fake.response_url(f"act{next(_ids)}"),
            "actions": [{**button, "block_id": button.get("block_id", "b1"),
                         "action_ts": action_ts or f"1700000200.{next(_ids):06d}"}],
        }
        return await self.interactive(payload)

    async def submit(self, view: dict[str, Any], values: dict[str, Any], *,
                     user: str | None = None, view_id: str | None = None) -> aiohttp.ClientResponse:
        """Submit a modal the app opened, with ``values`` as Slack's view.state.values."""
        who = user or self.user
        payload = {
            "type": "view_submission", "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": who, "username": who.lower(), "name": who.lower(), "team_id": TEAM},
            "api_app_id": "AFAKE", "token": "legacy", "trigger_id": f"trig.{next(_ids)}",
            "view": {**view, "id": view_id or f"V{next(_ids):06d}", "hash": "h1",
                     "state": {"values": values}, "team_id": TEAM, "app_id": "AFAKE"},
            "response_urls": [],
        }
        return await self.interactive(payload)

    async def shortcut(self, message: dict[str, Any], *, user: str | None = None,
                       channel: str | None = None) -> aiohttp.ClientResponse:
        who = user or self.user
        payload = {
            "type": "message_action", "callback_id": "kam.save_note",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": who, "username": who.lower(), "name": who.lower(), "team_id": TEAM},
            "channel": {"id": channel or self.channel, "name": "acme-team"},
            "message": message, "message_ts": message["ts"], "trigger_id": f"trig.{next(_ids)}",
            "response_url": self.fake.response_url(f"sc{next(_ids)}"), "token": "legacy",
            "action_ts": f"1700000300.{next(_ids):06d}",
        }
        return await self.interactive(payload)


def sent_message(call: Any) -> dict[str, Any]:
    """A chat.postMessage call as the message Slack would deliver in a payload."""
    blocks = call.json("blocks") or []
    return {"type": "message", "ts": f"1700000000.{abs(hash(json.dumps(blocks))) % 10**6:06d}",
            "text": call.params.get("text", ""), "blocks": blocks, "user": "UBOT", "bot_id": "BBOT"}


def buttons_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every clickable command: buttons, and each option of a ⋯ menu as Slack reports its choice."""
    found = []
    for b in blocks:
        elements = [b["accessory"]] if "accessory" in b else []
        elements += b["elements"] if b.get("type") == "actions" else []
        for e in elements:
            if e.get("type") == "button":
                found.append(e)
            elif e.get("type") == "overflow":
                found += [{"type": "overflow", "action_id": e["action_id"], "selected_option": o,
                           "value": o["value"]} for o in e["options"]]
    return found


def command_of(value: str) -> str:
    """The command a button's value stands for (values are seals, bot/seals.py)."""
    claimed = peek(value)
    return claimed.command if claimed is not None else value


def button(blocks: list[dict[str, Any]], value: str) -> dict[str, Any]:
    """The element to send in a block_actions payload for the command ``value``."""
    for b in buttons_of(blocks):
        if command_of(str(b.get("value", ""))) == value:
            if b["type"] == "overflow":
                return {k: v for k, v in b.items() if k != "value"}
            return b
    raise AssertionError(f"no button {value!r} in "
                         f"{[command_of(str(b.get('value', ''))) for b in buttons_of(blocks)]}")


def text_of(call: Any) -> str:
    return call.params.get("text", "") + "\n" + json.dumps(call.json("blocks") or [], ensure_ascii=False)
