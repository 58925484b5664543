"""The monthly report opens with a narrative paragraph: the model's draft when one is
configured and honest, the rules' otherwise; the customer's sees only shared figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.llm import LLMClient
from tests.fakes.openai_api import FakeOpenAI
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    chat.say('task "Send the quote" shared')
    chat.say('task "INTERNAL-CANARY renegotiate margin" due=2026-11-01 confirm')
    chat.say("done 1")
    chat.core.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    return chat


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.close()


def test_report_opens_with_the_rules_narrative_without_an_llm(acme: Conversation) -> None:
    reply = acme.say("report")
    opening = reply.sections[0].text
    assert opening.startswith("In 2026-11 the Acme Corp team closed 1 action")
    assert "Send the quote (#1)" in opening


def test_report_uses_the_models_draft(acme: Conversation, fake: FakeOpenAI) -> None:
    acme.core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    fake.reply({"answer": "A steady month: 1 action closed, 1 still open.", "citations": []})
    reply = acme.say("report")
    assert reply.sections[0].text == "A steady month: 1 action closed, 1 still open."


def test_customer_narrative_is_given_shared_figures_only(acme: Conversation, fake: FakeOpenAI) -> None:
    acme.core.services["llm"] = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    fake.fail(500)  # and the rules' paragraph is used
    reply = acme.say("report shared")
    text = reply.plain_text()
    assert "Send the quote" in text
    assert "INTERNAL-CANARY" not in text and "overdue" not in text.lower()
    prompt = fake.last.content("user")
    assert "INTERNAL-CANARY" not in prompt
    data = prompt.split("<<<ACCOUNT_DATA", 1)[1]
    assert "ACTIONS CLOSED IN PERIOD: 1" in data
    for internal in ("HEALTH", "OVERDUE", "RENEWAL"):
        assert internal not in data
