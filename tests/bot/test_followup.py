"""Ack at once, answer in the thread: `ask` with a model and a FollowUp service."""

from __future__ import annotations

import pytest

from bot.followup import ThreadFollowUp
from bot.llm import LLMClient
from bot.outbox import RecordingSender
from tests.commands.ask.seed import seed
from tests.fakes.openai_api import FakeOpenAI


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


def test_ack_first_then_the_answer_in_the_thread(core, chat, fake):
    with core.sessions.begin() as s:
        seed(s)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    followup = ThreadFollowUp(core.senders)
    core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    core.services["followup"] = followup
    fake.hang(0.5)  # a slow model
    ack = chat.say("ask what's open?", thread="T-42")
    assert ack.title == "Looking into it; the answer follows in the thread."
    assert sender.sent == []  # the ack did not wait for the model
    followup.close()
    [out] = sender.sent
    assert out.thread == "T-42" and out.channel == "acme-team"
    assert out.reply.title == "Acme Corp" and "A slow answer." in out.reply.plain_text()


def test_a_failing_model_still_answers_in_the_thread(core, chat, fake):
    with core.sessions.begin() as s:
        seed(s)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    followup = ThreadFollowUp(core.senders)
    core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    core.services["followup"] = followup
    fake.fail(500)
    chat.say("ask what's open?")
    followup.close()
    [out] = sender.sent
    assert out.reply.title == "Open actions on Acme Corp: 4"
    assert "The assistant is unavailable right now (an error)" in out.reply.footer


def test_summarize_with_a_model_answers_in_the_thread(core, chat, fake):
    with core.sessions.begin() as s:
        seed(s)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    followup = ThreadFollowUp(core.senders)
    core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    core.services["followup"] = followup
    fake.reply({"summary": "Pilot agreed.", "decisions": ["Pilot in Q1"],
                "actions": [{"title": "Send the pilot quote", "owner": "SR", "due": ""}]})
    ack = chat.say("summarize 2", thread="T-7")
    assert ack.title.startswith("Looking into it")
    followup.close()
    [out] = sender.sent
    assert out.thread == "T-7" and "Pilot agreed." in out.reply.plain_text()
    assert 'task "Send the pilot quote" owner=SR' in out.reply.plain_text()
