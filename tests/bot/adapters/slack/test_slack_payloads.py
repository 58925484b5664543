"""Real Slack payload shapes replayed through the real HTTP endpoint (signed, as Slack sends).

The corpus (tests/bot/adapters/payloads/slack/) holds payloads from bolt-python's scenario
tests and shapes written from Slack's documentation. None may get a 5xx, crash a listener
or break the fake Slack's validation; each is answered or left alone as it should be: a
person's question or command is answered, everything else (edits, bots, Slackbot, other
apps' buttons, event kinds kambot does not handle) is acknowledged and left alone. A
button or form of kambot's own whose value it cannot read is refused like a forged one
(commands/authz.py): the person who pressed it is told so, privately (``private``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

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
    """answered / private / silent / any / refused: what kambot should do with a payload."""
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


def unique(case: dict[str, Any], n: int) -> dict[str, Any]:
    """The case with its own event id, message ts and trigger id: replayed one after another
    in one workspace, cases must not pass for retries of each other (which get one answer)."""
    body = case["body"]
    if not isinstance(body, dict):
        form = dict(parse_qsl(body, keep_blank_values=True))
        form["trigger_id"] = f"trig.corpus.{n}"
        return {**case, "body": urlencode(form)}
    body = json.loads(json.dumps(body))
    if "event_id" in body or body.get("type") == "event_callback":
        body["event_id"] = f"EvCorpus{n:05d}"
    event = body.get("event")
    if isinstance(event, dict) and "ts" in event:
        event["ts"] = event["event_ts"] = f"1700009999.{n:06d}"
    if "trigger_id" in body:
        body["trigger_id"] = f"trig.corpus.{n}"
    for action in body.get("actions") or []:
        if isinstance(action, dict):
            action["action_ts"] = f"1700009999.{n:06d}"
    return {**case, "body": body}


def encode(case: dict[str, Any], response_url: str) -> tuple[str, str]:
    body = case["body"]
    if case["kind"] == "form" or not isinstance(body, dict):
        return body.replace("RESPONSE_URL", response_url), FORM
    text = json.dumps(body).replace("RESPONSE_URL", response_url)
    if body.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        return text, "application/json"
    return urlencode({"payload": text}), FORM


async def replay(slack, name: str, case: dict[str, Any], caplog) -> list[str]:
    """Replay one case; the problems it shows (none when it was handled right)."""
    answers = ("chat.postMessage", "chat.postEphemeral", "response_url")
    seen = len(caplog.records)
    before = sum(len(slack.fake.calls_to(m)) for m in answers)
    posted = len(slack.fake.calls_to("chat.postMessage"))
    text, ctype = encode(case, slack.fake.response_url("corpus"))
    resp = await slack.post(text, ctype)
    want = expected(case)
    if want == "refused":  # a shape Slack does not send: 400, never a 5xx
        return [] if resp.status == 400 else [f"{name}: HTTP {resp.status}, wanted 400"]
    if resp.status != 200:
        return [f"{name}: HTTP {resp.status}"]
    problems = []
    after = before
    answer = want in ("answered", "private")
    for _ in range(20 if answer else 4):  # the work runs after the ack
        await asyncio.sleep(0.1)
        after = sum(len(slack.fake.calls_to(m)) for m in answers)
        if after > before and answer:
            break
    if answer and after == before:
        problems.append(f"{name}: a person's message got no answer")
    if want == "private":  # a DM (posted to the person's user id) or an ephemeral message
        user = str(case["body"]["user"]["id"])
        channels = [c.params.get("channel") for c in slack.fake.calls_to("chat.postMessage")[posted:]]
        if any(channel != user for channel in channels):
            problems.append(f"{name}: answered in a channel, not to the person: {channels}")
    if want == "silent" and after != before:
        problems.append(f"{name}: answered what is not for kambot")
    problems += [f"{name}: {r.getMessage()[:200]}" for r in caplog.records[seen:]
                 if r.levelno >= logging.ERROR]
    return problems


async def test_every_real_payload_is_survived_and_handled_right(slack, caplog):
    caplog.set_level(logging.WARNING)
    await slack.command('account new "Acme"')
    await slack.fake.await_for("chat.postMessage")
    problems: list[str] = []
    for n, (name, case) in enumerate(CASES):
        problems += await replay(slack, name, unique(case, n), caplog)
    slack.fake.check()
    assert not problems, f"{len(problems)} of {len(CASES)} cases:\n" + "\n".join(problems)
    assert TEAM  # the driver's team is the installation every case is signed for
