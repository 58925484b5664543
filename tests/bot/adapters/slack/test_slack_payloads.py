"""Real Slack payload shapes replayed through the real HTTP endpoint (signed, as Slack sends).

The corpus (tests/bot/adapters/payloads/slack/) holds payloads from bolt-python's scenario
tests and shapes written from Slack's documentation. None may get a 5xx, crash a listener
or break the fake Slack's validation; each is answered or left alone as it should be: a
person's question or command is answered, everything else (edits, bots, Slackbot, other
apps' buttons, event kinds kambot does not handle) is acknowledged and left alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tests.bot.adapters.slack.slack_driver import TEAM

CORPUS = Path(__file__).parents[1] / "payloads" / "slack"
FORM = "application/x-www-form-urlencoded"


def load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        for n, case in enumerate(json.loads(path.read_text())["payloads"]):
            cases.append((f"{path.stem}:{n}:{case['name']}", case))
    return cases


CASES = load()


def expected(case: dict[str, Any]) -> str:
    """answered / silent / any: what kambot should do with a payload."""
    if "expect" in case:
        return str(case["expect"])
    body = case["body"]
    if not isinstance(body, dict):
        return "answered" if "command=%2Fkam" in body or "command=/kam" in body else "silent"
    if body.get("type") != "event_callback":
        return "silent"
    event = body["event"]
    person = event.get("user") and not event.get("bot_id")
    if event.get("type") == "app_mention" and person:
        return "answered"
    if (event.get("type") == "message" and person and event.get("channel_type") == "im"
            and event.get("subtype") in (None, "file_share", "thread_broadcast")):
        return "answered"
    if event.get("type") in ("message", "app_mention", "member_joined_channel", "app_home_opened"):
        return "any"  # channel chatter, a join (the bot's own is greeted), the Home tab
    return "silent"


def encode(case: dict[str, Any], response_url: str) -> tuple[str, str]:
    body = case["body"]
    if case["kind"] == "form" or not isinstance(body, dict):
        return body.replace("RESPONSE_URL", response_url), FORM
    text = json.dumps(body).replace("RESPONSE_URL", response_url)
    if body.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        return text, "application/json"
    from urllib.parse import urlencode

    return urlencode({"payload": text}), FORM


@pytest.mark.parametrize("name, case", CASES, ids=[c[0] for c in CASES])
async def test_real_payload_is_survived_and_handled_right(slack, name, case, caplog):
    caplog.set_level(logging.WARNING)
    await slack.command('account new "Acme"')
    await slack.fake.await_for("chat.postMessage")
    answers = ("chat.postMessage", "chat.postEphemeral", "response_url")
    before = sum(len(slack.fake.calls_to(m)) for m in answers)
    text, ctype = encode(case, slack.fake.response_url("corpus"))
    resp = await slack.post(text, ctype)
    want = expected(case)
    if want == "refused":  # a shape Slack does not send: 400, never a 5xx
        assert resp.status == 400, (name, resp.status)
        return
    assert resp.status == 200, (name, resp.status)
    await asyncio.sleep(0.4)
    after = sum(len(slack.fake.calls_to(m)) for m in answers)
    if want == "answered":
        if after == before:
            await asyncio.sleep(1.5)
            after = sum(len(slack.fake.calls_to(m)) for m in answers)
        assert after > before, f"{name}: a person's message got no answer"
    elif want == "silent":
        assert after == before, f"{name}: answered what is not for kambot"
    crashes = [r for r in caplog.records
               if r.levelno >= logging.ERROR or "Traceback" in (r.exc_text or "")]
    assert not crashes, [r.getMessage() for r in crashes]
    slack.fake.check()
    assert TEAM  # the driver's team is the installation every case is signed for
