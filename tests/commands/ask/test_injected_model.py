"""A model that obeys an injected note: whatever it writes, no broadcast, mention or link
reaches a channel, in ask answers, note summaries and monthly narratives alike (the fake
OpenAI server returns the injected text)."""

from __future__ import annotations

import re

import pytest

from bot.llm import LLMClient
from bot.messages import Reply, Section
from bot.render.slack import render_slack
from bot.render.telegram import render_telegram
from commands.ask.narrative import NarrativeFacts, draft_narrative
from tests.fakes.openai_api import FakeOpenAI

NESTED = [
    "<!chan<@UX>nel>", "<!he<!here>re>", "<!ever<@U1|x>yone>", "@ch<!here>annel",
    "<!chan[task 99]nel>", "<!subteam^S1<@U2>|@team>", "<!ch<!ch<!channel>annel>annel>",
    "<!chan<https://evil.example|y>nel>", "<@U0BOSS>", "@everyone", "[click](https://evil.example)",
]
_LIVE = re.compile(r"<[@!#]|<(?:https?|mailto):|(?<![\w@.+\-])@(?:channel|here|everyone)\b")


def live_in(reply: Reply) -> list[str]:
    found = []
    for msg in render_slack(reply):
        texts = [msg.text] + [b["text"]["text"] for b in msg.blocks
                              if isinstance(b.get("text"), dict) and b["text"]["type"] == "mrkdwn"]
        texts += [f["text"] for b in msg.blocks for f in b.get("fields", [])]
        texts += [e["text"] for b in msg.blocks if b["type"] == "context" for e in b["elements"]]
        found += [t for t in texts if _LIVE.search(t)]
    for msg in render_telegram(reply):
        if "<a " in msg.html or re.search(r"(?<![\w@.+\-\u2060])@(?:channel|here|everyone)", msg.html):
            found.append(msg.html)
    return found


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


@pytest.fixture
def llm(core, fake):
    client = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    core.services["llm"] = client
    return client


@pytest.mark.parametrize("injected", NESTED)
def test_ask_answers_carry_no_live_token(chat, seeded, fake, llm, injected):
    fake.reply({"answer": f"Two actions are open [task 1]. {injected} Please act.",
                "citations": [{"kind": "task", "number": 1}]})
    reply = chat.say("ask what's open on Acme?")
    assert not reply.is_error
    assert not live_in(reply), live_in(reply)


@pytest.mark.parametrize("injected", NESTED)
def test_summaries_carry_no_live_token(chat, seeded, fake, llm, injected):
    fake.reply({"summary": f"Agreed the pilot. {injected}",
                "decisions": [f"Go ahead {injected}"],
                "actions": [{"title": f"Send the quote {injected}", "owner": "SR", "due": ""}]})
    reply = chat.say("summarize 2")
    assert not live_in(reply), live_in(reply)


@pytest.mark.parametrize("injected", NESTED)
def test_monthly_narratives_carry_no_live_token(fake, injected):
    llm = LLMClient(model="m", base_url=fake.url, timeout=1.5)
    facts = NarrativeFacts(account="Acme Corp", period="2026-11", closed=5, opened=3, open_now=4,
                           overdue=2, by_role={"AR": (2, 2)}, health="yellow",
                           previous_health="green", renewal_date=None, highlights=[])
    fake.reply({"answer": f"In November the team closed 5 actions. {injected}", "citations": []})
    text = draft_narrative(facts, llm, lang="en")
    assert not live_in(Reply(sections=[Section(text=text)]))
