"""Slack at its edges: malformed requests, kinds of request kambot does not handle, refused
requests' logs, the installation's binding seen from other teams, Slackbot, files in DMs,
a modal Slack would not open."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlencode

from tests.bot.adapters.slack.slack_driver import TEAM, sign, text_of

FORM = "application/x-www-form-urlencoded"


async def test_malformed_requests_get_400_or_401_never_500(slack):
    body = urlencode({"command": "/kam", "text": "help"})
    for timestamp in ("soon", "1e9", "", "-5", "١٢٣", "9" * 40):
        resp = await slack.post(body, FORM, signed=False, headers={
            "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"})
        assert resp.status == 401, timestamp
    for raw, ctype in (("{not json", "application/json"), ("[1, 2]", "application/json"),
                       ('"text"', "application/json"), ("null", "application/json"),
                       ("payload=%7Bbroken", FORM), ("payload=%5B1%5D", FORM)):
        resp = await slack.post(raw, ctype)
        assert resp.status == 400, raw
    resp = await slack.post("x", FORM, signed=False, headers={
        **sign("x", timestamp=int(time.time()) - 30),
        "X-Slack-Request-Timestamp": str(int(time.time()))})
    assert resp.status == 401  # signature of another timestamp
    assert not slack.fake.calls_to("chat.postMessage")


async def test_refused_requests_are_logged_briefly_and_boundedly(slack, caplog):
    caplog.set_level(logging.INFO)
    big = "payload=" + "A" * 200_000
    for _ in range(50):
        resp = await slack.post(big, FORM, signed=False, headers={
            "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=bad"})
        assert resp.status == 401
    assert "AAAAAAAAAA" not in caplog.text
    assert len(caplog.text) < 10_000  # 50 requests of 200 kB: a few short lines
    assert "refused a request (bad signature)" in caplog.text


async def test_events_kambot_does_not_handle_are_acknowledged(slack):
    resp = await slack.post(json.dumps({
        "token": "x", "team_id": TEAM, "api_app_id": "AFAKE", "type": "app_rate_limited",
        "minute_rate_limited": 1518467820}), "application/json")
    assert resp.status == 200
    for event in ({"type": "reaction_added", "user": "U1", "reaction": "tada",
                   "item": {"type": "message", "channel": "C0ACME", "ts": "1.2"}},
                  {"type": "team_join", "user": {"id": "U9"}},
                  {"type": "some_future_event"}):
        assert (await slack.event(event)).status == 200, event
    for payload in ({"type": "block_actions", "user": {"id": "U0ANN"}, "team": {"id": TEAM},
                     "actions": [{"action_id": "someone.else", "value": "x"}]},
                    {"type": "view_closed", "user": {"id": "U0ANN"}, "team": {"id": TEAM},
                     "view": {"id": "V1", "callback_id": "kam.task"}},
                    {"type": "block_suggestion", "user": {"id": "U0ANN"}, "team": {"id": TEAM},
                     "action_id": "pick", "block_id": "b", "value": "ac"},
                    {"type": "shortcut", "callback_id": "other.shortcut", "user": {"id": "U0ANN"},
                     "team": {"id": TEAM}, "trigger_id": "t"}):
        resp = await slack.interactive(payload)
        assert resp.status == 200, payload
    await asyncio.sleep(0.3)
    assert not slack.fake.calls_to("chat.postMessage")


async def test_a_bound_channel_is_found_from_a_partner_team_and_another_grid_workspace(slack):
    await slack.command('account new "Acme"')
    await slack.fake.await_for("chat.postMessage")
    # A Slack Connect partner and a second workspace of the org: other team ids.
    for team in ("TPARTNER", "T2NDWORKSPACE"):
        form = {"team_id": team, "channel_id": "C0ACME", "channel_name": "acme-team",
                "user_id": "UEXT" + team[-3:], "user_name": "ext", "command": "/kam",
                "text": "open", "api_app_id": "AFAKE", "response_url": slack.fake.response_url(team),
                "trigger_id": f"trig.{team}"}
        await slack.post(urlencode(form), FORM)
    await asyncio.sleep(0.5)
    texts = [text_of(c) for c in slack.fake.calls_to("chat.postMessage")]
    texts += [text_of(c) for c in slack.fake.calls_to("chat.postEphemeral")]
    assert not any("not linked" in t for t in texts), texts
    assert sum("Acme" in t and "open" in t.lower() for t in texts) >= 2, texts
    # An event from the partner: the installation's team is in authorizations.
    event = slack.message_event("<@UBOT> what's open?", user="UEXTNER")
    event["team"] = "TPARTNER"
    await slack.event(event)
    calls = await slack.fake.await_for("chat.postMessage", len(slack.fake.calls_to("chat.postMessage")) + 1)
    assert "not linked" not in text_of(calls[-1])


async def test_slackbot_system_dms_are_ignored_and_dm_questions_with_files_answered(slack):
    await slack.command('account new "Acme"')
    await slack.fake.await_for("chat.postMessage")
    before = len(slack.fake.calls_to("chat.postMessage"))
    await slack.event(slack.message_event("You have been added to #acme", kind="message",
                                          channel="D0ANN", channel_type="im", user="USLACKBOT"))
    await asyncio.sleep(0.5)
    assert len(slack.fake.calls_to("chat.postMessage")) == before
    for subtype in ("file_share", "thread_broadcast"):
        event = slack.message_event("help", kind="message", channel="D0ANN", channel_type="im")
        event["subtype"] = subtype
        if subtype == "file_share":
            event["files"] = [{"id": "F1", "name": "notes.txt"}]
        await slack.event(event)
        calls = await slack.fake.await_for("chat.postMessage", before + 1)
        assert calls[-1].params["channel"] == "D0ANN"
        before = len(calls)
    # Edits and deletions still are not questions.
    event = slack.message_event("help", kind="message", channel="D0ANN", channel_type="im")
    event["subtype"] = "message_changed"
    await slack.event(event)
    await asyncio.sleep(0.5)
    assert len(slack.fake.calls_to("chat.postMessage")) == before


async def test_a_modal_slack_would_not_open_is_reported(slack):
    slack.fake.queue_error("views.open", "expired_trigger_id")
    await slack.command("task", trigger_id="trig.late")
    [notice] = await slack.fake.await_for("response_url")
    assert "did not open the form" in json.dumps(notice.params)
