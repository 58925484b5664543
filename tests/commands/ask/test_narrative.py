"""draft_narrative: the report paragraph, from a model when it behaves, from rules otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from bot.llm import LLMClient
from commands.ask.narrative import NarrativeFacts, draft_narrative
from tests.fakes.openai_api import FakeOpenAI

FACTS = NarrativeFacts(
    account="Acme Corp", period="2026-11", closed=5, opened=3, open_now=4, overdue=2,
    by_role={"AR": (2, 2), "SR": (3, 1)}, health="yellow", previous_health="green",
    renewal_date=date(2027, 1, 31), highlights=[(7, "Deliver operator training")],
)


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


@pytest.fixture
def llm(fake):
    return LLMClient(model="m", base_url=fake.url, timeout=1.5)


def test_rules_in_both_languages():
    en = draft_narrative(FACTS, None, lang="en")
    assert en.startswith("In 2026-11 the Acme Corp team closed 5 actions and opened 3; 4 remain open.")
    assert "Deliver operator training (#7)" in en and "2 actions are past" in en
    assert "from 🟢 green to 🟡 yellow" in en and "2027-01-31" in en
    zh = draft_narrative(FACTS, None, lang="zh")
    assert zh.startswith("2026-11，Acme Corp 团队完成了 5 项行动")


def test_model_paragraph_kept_when_clean(fake, llm):
    fake.reply({"answer": "In November the team closed 5 actions, including operator training [task 7]. "
                          "4 remain open.", "citations": [7]})
    text = draft_narrative(FACTS, llm, lang="en")
    assert text == "In November the team closed 5 actions, including operator training #7. 4 remain open."
    prompt = fake.last.content("user")
    assert "ACTIONS CLOSED IN PERIOD: 5" in prompt and "<<<ACCOUNT_DATA" in prompt
    assert fake.last.body["response_format"]["json_schema"]["name"] == "report_narrative"


def test_invented_figures_fall_back(fake, llm):
    fake.reply({"answer": "The team closed 12 actions and saved 30% of costs.", "citations": []})
    assert draft_narrative(FACTS, llm).startswith("In 2026-11 the Acme Corp team closed 5")


def test_failure_falls_back(fake, llm):
    fake.fail(500)
    assert draft_narrative(FACTS, llm, lang="zh").startswith("2026-11，Acme Corp")


def test_pings_and_links_removed(fake, llm):
    fake.reply({"answer": "<!channel> The team closed 5 actions. Details: https://attacker.example",
                "citations": []})
    assert draft_narrative(FACTS, llm) == "The team closed 5 actions. Details:"


def test_customer_version_shows_the_customer_only_what_they_may_read(fake, llm):
    text = draft_narrative(FACTS, None, audience="customer")
    # Written to the customer: "we", never "the Acme Corp team" (that is them).
    assert text == ("In 2026-11 we closed 5 actions of our joint plan together and opened 3; "
                    "4 remain open. Completed: Deliver operator training (#7).")
    fake.reply({"answer": "We closed 5 actions together.", "citations": []})
    assert draft_narrative(FACTS, llm, audience="customer") == "We closed 5 actions together."
    prompt = fake.last.content("user")
    for internal in ("OVERDUE", "HEALTH", "yellow", "RENEWAL", "2027-01-31", "ROLE"):
        assert internal not in prompt
    assert "read by the customer" in prompt
    with pytest.raises(ValueError):
        draft_narrative(FACTS, None, audience="board")
