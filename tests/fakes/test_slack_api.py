"""The fake Slack itself: it answers like Slack, records calls and catches contract breaks."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlack, check_blocks, known_methods


def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_known_methods_come_from_the_spec_and_the_allow_list():
    methods = known_methods()
    assert methods["chat.postMessage"] == ["token", "channel"]
    assert "apps.connections.open" in methods
    assert "files.completeUploadExternal" in methods


def test_records_calls_and_answers_like_slack(fake_slack):
    web = client(fake_slack)
    assert web.auth_test()["user_id"] == "UBOT"
    resp = web.chat_postMessage(channel="C1", text="hi", thread_ts="1.2")
    assert resp["ts"]
    call = fake_slack.wait_for("chat.postMessage")[0]
    assert call.params["channel"] == "C1"
    assert call.params["thread_ts"] == "1.2"
    assert call.authorized


def test_missing_required_parameter_is_a_violation():
    with FakeSlack() as fake:
        with pytest.raises(SlackApiError) as err:
            client(fake).api_call("chat.postMessage", json={"text": "no channel"})
        assert err.value.response["error"] == "invalid_arguments"
        with pytest.raises(AssertionError, match="missing required parameter 'channel'"):
            fake.check()


def test_unknown_method_is_a_violation():
    with FakeSlack() as fake:
        with pytest.raises(SlackApiError):
            client(fake).api_call("chat.sendTelepathy", json={"channel": "C1"})
        with pytest.raises(AssertionError, match="unknown Web API method"):
            fake.check()


def test_block_kit_limits_are_enforced():
    too_many = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51
    assert any("51 blocks" in p for p in check_blocks(too_many, limit=50, where="b"))
    long_text = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    assert any("3001" in p for p in check_blocks(long_text, limit=50, where="b"))
    header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    assert check_blocks(header, limit=50, where="b")
    with FakeSlack() as fake:
        with pytest.raises(SlackApiError) as err:
            client(fake).chat_postMessage(channel="C1", text="t", blocks=too_many)
        assert err.value.response["error"] == "invalid_blocks"
        with pytest.raises(AssertionError, match="51 blocks"):
            fake.check()


def test_queued_rate_limit_and_error(fake_slack):
    fake_slack.queue_rate_limit("chat.postMessage", retry_after=7)
    fake_slack.queue_error("chat.postMessage", "channel_not_found")
    web = client(fake_slack)
    with pytest.raises(SlackApiError) as err:
        web.chat_postMessage(channel="C1", text="a")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    with pytest.raises(SlackApiError) as err:
        web.chat_postMessage(channel="C1", text="a")
    assert err.value.response["error"] == "channel_not_found"
    assert web.chat_postMessage(channel="C1", text="a")["ok"]


def test_file_upload_v2(fake_slack):
    web = client(fake_slack)
    resp = web.files_upload_v2(channel="C1", content=b"\x89PNG...", filename="chart.png",
                               title="Health", thread_ts="1.1")
    assert resp["ok"]
    complete = fake_slack.wait_for("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C1"
    file_id = complete.json("files")[0]["id"]
    assert fake_slack.uploads[file_id] == b"\x89PNG..."


def test_views_and_users(fake_slack):
    fake_slack.users["U1"] = {"name": "ann", "real_name": "Ann Lee", "display_name": "ann.l"}
    web = client(fake_slack)
    assert web.users_info(user="U1")["user"]["profile"]["display_name"] == "ann.l"
    view = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}
    assert web.views_publish(user_id="U1", view=view)["ok"]
    assert fake_slack.calls_to("views.publish")[0].json("view")["type"] == "home"


async def test_socket_mode_envelopes_and_acks(fake_slack, fake_socket):
    web = AsyncWebClient(base_url=fake_slack.url)
    sm = SocketModeClient(app_token="xapp-test", web_client=web, auto_reconnect_enabled=False)

    async def on_request(client, req):
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    sm.socket_mode_request_listeners.append(on_request)
    await sm.connect()
    try:
        envelope_id = await asyncio.to_thread(
            fake_socket.send, "slash_commands", {"command": "/kam", "text": "help"})
        ack = await asyncio.to_thread(fake_socket.ack, envelope_id)
        assert ack == {"envelope_id": envelope_id}
        assert fake_slack.calls_to("apps.connections.open")[0].authorized
    finally:
        await sm.close()
