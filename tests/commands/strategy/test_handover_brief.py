"""The handover brief: the new holder gets the role's open tasks, the last meetings and
decisions, the stakeholders they own, health, opportunities and the plan's goals."""

from __future__ import annotations

from tests.support import Conversation


def test_the_brief_after_a_handover(chat: Conversation) -> None:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    chat.say('task "Renew the contract" owner=AR due=2026-12-20')
    chat.say('task "Send the quote" owner=SR')
    chat.say("note Pricing review with the CFO.\nDecision: we keep the 2026 prices")
    chat.say('stakeholder add "Li Wei" stance=champion owner=@eve')
    chat.say('stakeholder add "Wang Jun" stance=blocker owner=@alice')
    chat.say('opportunity add "Line upgrade" value=1M stage=opportunity')
    chat.say("plan goals Grow wallet share in APAC")
    text = chat.text("handover AR @eve")
    assert "Handover brief for eve" in text
    assert "#1 Renew the contract · due 2026-12-20" in text and "Send the quote" not in text
    assert "Pricing review with the CFO." in text and "decided: we keep the 2026 prices" in text
    assert "Stakeholders you now own (1)" in text and "Li Wei · champion" in text
    assert "Wang Jun" not in text
    assert "#1 Line upgrade · opportunity" in text
    assert "Grow wallet share in APAC" in text


def test_the_brief_in_chinese(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    chat.say("account set lang=zh")
    chat.say("triangle AR=@alice")
    text = chat.text("交接 AR @eve")
    assert "给 eve 的交接简报" in text and "暂无记录" in text


def test_the_new_holder_gets_the_brief_by_direct_message_once(core) -> None:  # type: ignore[no-untyped-def]
    from bot.outbox import RecordingSender
    from bot.posting import Poster

    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    sender = RecordingSender(platform="slack")
    core.senders.add(sender)
    chat = Conversation(core, channel="C0ACME", user="U0ALICE", platform="slack", workspace="T1")
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@U0ALICE SR=@U0BOB")
    chat.say('task "Renew the contract" owner=AR')
    assert [o for o in sender.sent if o.channel == "U0EVE"] == []  # setting up: no brief
    chat.say("handover AR @U0EVE")
    [dm] = [o for o in sender.sent if o.channel == "U0EVE"]
    text = dm.reply.plain_text()
    assert "you now hold this role on Acme Corp" in text and "#1 Renew the contract" in text
    chat.say('task "Another" owner=SR')  # a later write: the same brief is not sent again
    assert len([o for o in sender.sent if o.channel == "U0EVE"]) == 1
