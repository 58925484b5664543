"""`summarize <note>`: decisions and proposed actions, with buttons that create the task."""

from __future__ import annotations

import pytest

from bot.llm import LLMClient
from tests.fakes.openai_api import FakeOpenAI


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


def buttons(reply):
    return [b for s in reply.sections for i in s.items for b in i.buttons]


def test_without_a_model_rules_find_decisions_and_actions(chat, seeded):
    reply = chat.say("summarize 2")
    text = reply.plain_text()
    assert reply.title == "Summary of note 2 (2026-10-14)"
    assert "agreed to run a pilot" in text
    assert [b.command for b in buttons(reply)] == ['task "send the pilot quote" owner=SR']
    assert "Summarised without the assistant" in reply.footer


def test_pressing_a_proposed_action_creates_it_and_nothing_before(chat, seeded):
    before = chat.say("ask what's open?").title
    reply = chat.say("summarize 2")
    assert chat.say("ask what's open?").title == before  # proposing creates nothing
    created = chat.say(buttons(reply)[0].command)
    assert not created.is_error
    assert chat.say("ask what's open?").title == "Open actions on Acme Corp: 5"


def test_with_a_model(chat, seeded, fake, core):
    core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    fake.reply({
        "summary": "Pilot agreed with the CIO. <!here> see https://attacker.example",
        "decisions": ["Run the analytics pilot in Q1", "@everyone celebrate"],
        "actions": [
            {"title": "Send the pilot quote", "owner": "SR", "due": "2026-12-05"},
            {"title": 'Draft the "solution" design', "owner": "sr", "due": "next week"},
            {"title": "Call <@U999> about it", "owner": "@stranger", "due": ""},
            {"title": "", "owner": "AR", "due": ""},
        ],
    })
    reply = chat.say("summarize 2")
    text = reply.plain_text()
    assert "Pilot agreed with the CIO." in text
    assert "<!here>" not in text and "attacker.example" not in text and "@everyone" not in text
    assert [b.command for b in buttons(reply)] == [
        'task "Send the pilot quote" owner=SR due=2026-12-05',
        'task “Draft the "solution" design” owner=SR',
        'task "Call about it"',
    ]
    prompt = fake.last.content("user")
    assert "[note 2]" in prompt and "Jane Wu" in prompt and "CANARY" not in fake.last.prompt_text
    assert fake.last.body["response_format"]["json_schema"]["name"] == "note_summary"
    assert "Drafted by the assistant" in reply.footer


def test_model_failure_falls_back_to_the_rules(chat, seeded, fake, core):
    core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    fake.fail(429)
    reply = chat.say("summarize 2")
    assert [b.command for b in buttons(reply)] == ['task "send the pilot quote" owner=SR']
    assert "too many requests" in reply.footer


def test_bad_input(chat, seeded):
    assert chat.say("summarize").is_error
    assert chat.say("summarize 99").is_error
    assert chat.say("summarize 2", channel="random").is_error
