"""Model extraction against the fake OpenAI server: checked, merged with the rules, and
falling back to the rules when the answer is bad, malicious, failing or slow."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.llm import LLMClient
from commands.extract import extract_note
from commands.extraction.model import ACTIONS_SCHEMA, checked_actions, merge, model_actions
from storage.models import Task
from tests.commands.extract_score import load_rosters
from tests.fakes.openai_api import FakeOpenAI
from tests.support import Conversation

TODAY = date(2026, 11, 24)
NOTE = "\n".join([
    "Pilot review with Acme",                                # 1
    "Bob to send the revised quote by Friday",               # 2 (rules read it)
    "Carol mentioned the rack rails are still missing",      # 3 (rules skip it)
    "The rails vendor has to be chased before Dec 5",        # 4 (rules skip it)
])


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


def client(fake: FakeOpenAI, timeout: float = 2.0) -> LLMClient:
    return LLMClient(model="test-model", api_key="sk-test", base_url=fake.url, timeout=timeout)


def answer(*items: dict) -> dict:
    return {"actions": list(items)}


def item(line: int, title: str, owner: str = "", phrase: str = "", due: str = "") -> dict:
    return {"line": line, "title": title, "owner": owner, "due_phrase": phrase, "due": due}


ROSTER = load_rosters()["acme"]


def test_the_model_adds_a_line_the_rules_missed_and_the_rules_win(fake: FakeOpenAI) -> None:
    fake.reply(answer(
        item(2, "Send a quote", "Alice Wong", "", ""),  # conflicts with the rules: dropped
        item(4, "chase the rails vendor", "Carol Diaz", "before Dec 5", "2026-12-05"),
    ))
    rules = extract_note(NOTE, today=TODAY, roster=ROSTER).actions
    merged = merge(rules, model_actions(client(fake), NOTE, roster=ROSTER, today=TODAY))
    assert [(a.line_no, a.title, a.who.text if a.who else None, a.due) for a in merged] == [
        (2, "send the revised quote", "Robert Chen", date(2026, 11, 27)),
        (4, "chase the rails vendor", "Carol Diaz", date(2026, 12, 5)),
    ]
    sent = fake.last.body
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == ACTIONS_SCHEMA
    prompt = fake.last.content("user")
    assert "Robert Chen (SR)" in prompt and "Li Wei (CIO)" in prompt
    assert "4: The rails vendor has to be chased before Dec 5" in prompt


def test_a_malicious_answer_invents_nothing() -> None:
    raw = answer(
        item(4, "chase the vendor", "Mallory Evil", "", ""),              # owner not on the roster nor the line
        item(4, "chase the vendor", "Carol Diaz", "by Jan 9", "2027-01-09"),  # date not on the line
        item(3, "order rails", "", "Dec 5", "2026-12-05"),                # date from another line
        item(99, "ghost", "", "", ""),                                    # no such line
        item(0, "ghost", "", "", ""),
        {"line": "4", "title": "x", "owner": "", "due_phrase": "", "due": ""},
        item(4, "", "", "", ""),
        "not an object",
        item(4, "wire money", "", "before Dec 5", "2027-12-05"),          # phrase and date disagree
    )
    found = checked_actions(raw, text=NOTE, roster=ROSTER, today=TODAY)
    assert [(a.line_no, a.title, a.who.text if a.who else None, a.due) for a in found] == [
        (4, "chase the vendor", "Carol Diaz", None),
        (3, "order rails", None, None),
        (4, "wire money", None, None),
    ]


@pytest.mark.parametrize("script", ["bad_json", "wrong_shape", "error", "slow"])
def test_failures_fall_back_to_the_rules(fake: FakeOpenAI, script: str) -> None:
    if script == "bad_json":
        fake.reply("this is not json {")
    elif script == "wrong_shape":
        fake.reply({"actions": "all of them"})
    elif script == "error":
        fake.fail(500)
    else:
        fake.hang(3.0)
    assert model_actions(client(fake, timeout=0.5), NOTE, roster=ROSTER, today=TODAY) == []


def test_the_note_verb_proposes_what_only_the_model_saw(chat: Conversation, fake: FakeOpenAI) -> None:
    chat.core.services["llm"] = client(fake)
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    fake.reply(answer(item(4, "chase the rails vendor", "carol", "before Dec 5", "2026-12-05")))
    reply = chat.say("note " + NOTE)
    text = reply.plain_text()
    assert "1 action(s) found" in text
    assert "The model found 1 more possible action(s)" in text
    buttons = [b for s in reply.sections for i in s.items for b in i.buttons]
    assert any(b.command == 'task "chase the rails vendor" owner=@carol due=2026-12-05' for b in buttons)
    with chat.core.sessions.begin() as s:
        assert [t.title for t in s.exec(select(Task)).all()] == ["send the revised quote"]
    prompt = json.dumps(fake.last.body, ensure_ascii=False)
    assert "alice" in prompt.lower() and "<<<NOTE" in prompt


def test_the_note_verb_is_unchanged_when_the_model_is_slow(chat: Conversation, fake: FakeOpenAI) -> None:
    chat.core.services["llm"] = client(fake, timeout=0.5)
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    fake.hang(3.0)
    reply = chat.say("note " + NOTE)
    assert "1 action(s) found" in reply.plain_text()
    assert "model" not in reply.plain_text()


class Later:
    """Records the work a follow-up service would run after the reply (a port double)."""

    def __init__(self) -> None:
        self.works: list = []

    def later(self, incoming, work) -> None:
        self.works.append(work)


def test_with_a_follow_up_service_the_model_runs_after_the_reply(chat: Conversation, fake: FakeOpenAI) -> None:
    later = Later()
    chat.core.services.update(llm=client(fake), followup=later)
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    reply = chat.say("note " + NOTE)
    assert "model" not in reply.plain_text() and fake.requests == []
    assert len(later.works) == 1
    fake.reply(answer(item(4, "chase the rails vendor", "", "", "")))
    posted = later.works[0]()
    assert posted is not None and "chase the rails vendor" in posted.plain_text()
    fake.reply(answer())
    assert later.works[0]() is None  # nothing more found: nothing posted
