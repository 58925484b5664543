"""A channel shared with the customer shows only the joint plan: every registered verb is
tried there, by one of the customer's people and by a team member, with a canary planted
in every internal part of the record; the canary never reaches the channel.

"Reaches the channel" means any reply not marked ``confidential`` (Telegram posts every
other reply in the group; Slack shows private ones to the asker only, confidential ones
too). A customer person gets no canary at all, confidential or not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.app import Core
from bot.clock import FixedClock
from bot.messages import Reply
from commands.registry import load_handlers
from storage.models import Stakeholder, Task
from tests.support import Conversation

CANARY = "ZQCANARY"
# Health is figures, not free text: its score is the marker ("score 72/100", "72/100 分").
HEALTH = re.compile(r"\d+\s*/\s*100")
SHARED = "acme-joint"

# Several forms of each verb: bare, with a number, with common sub-words.
FORMS = ("", " 1", " 2", " 3", " all", " shared", " list", " show", " goals", " mine",
         " history", ' "Li Wei"', " what is the health and what did the notes say?")


def _seed(chat: Conversation, clock: FixedClock) -> None:
    for line in ('account new "Acme Corp" tier=core industry=x',
                 "triangle AR=@alice SR=@bob FR=@carol sponsor=@dana",
                 f"account set industry={CANARY}-industry",
                 f'task "{CANARY} internal pricing floor" owner=SR due=2026-11-25',
                 'task "Install the pilot" owner=FR shared due=2026-12-10',
                 'stakeholder add "Li Wei" title=CIO power=5 stance=skeptic '
                 f"role={CANARY}-blocker",
                 'task "Send the org chart" owner="Li Wei" due=2026-12-03',
                 f"note {CANARY} they pay late; Decision: {CANARY} drop the discount",
                 f"plan goals {CANARY} squeeze the renewal",
                 f'opportunity add "{CANARY} upsell" value=100000 stage=lead'):
        reply = chat.say(line)
        assert not reply.is_error, (line, reply.plain_text())
    with chat.core.sessions.begin() as s:
        li = s.exec(select(Stakeholder)).one()
        li.notes = f"{CANARY} stakeholder note"
        s.add(li)
    reply = chat.say('account link "Acme Corp" shared', channel=SHARED)
    assert not reply.is_error, reply.plain_text()
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))  # the internal task is overdue


def _visible(reply: Reply | None) -> str:
    if reply is None or reply.confidential:
        return ""
    text = reply.plain_text()
    for a in reply.attachments:
        if a.mime.startswith("text/"):
            text += a.content.decode()
    return text


def _all(reply: Reply | None) -> str:
    if reply is None:
        return ""
    return reply.plain_text() + "".join(a.content.decode() for a in reply.attachments
                                        if a.mime.startswith("text/"))


@pytest.fixture
def seeded(chat: Conversation, clock: FixedClock) -> Conversation:
    _seed(chat, clock)
    return chat


def test_the_joint_plan_shows_in_the_shared_channel_without_internal_things(
        seeded: Conversation) -> None:
    text = seeded.text("open", channel=SHARED, user="liwei")
    assert "Install the pilot" in text and "Send the org chart" in text
    assert CANARY not in text
    report = seeded.say("report", channel=SHARED, user="liwei")
    assert "our joint plan" in report.plain_text() and CANARY not in _all(report)
    assert not report.buttons and all(not i.buttons for s in report.sections for i in s.items)


def test_internal_requests_are_private_to_the_team_and_refused_to_the_customer(
        seeded: Conversation) -> None:
    team = seeded.say("health", channel=SHARED, user="alice")
    assert team.confidential and team.private and not team.is_error
    refused = seeded.say("health", channel=SHARED, user="liwei")
    assert refused.is_error and not refused.confidential
    assert "shared with the customer" in refused.plain_text() and CANARY not in _all(refused)
    zh = seeded.say("笔记", channel=SHARED, user="liwei")
    assert zh.is_error and CANARY not in _all(zh)


def test_every_verb_from_the_shared_channel_keeps_the_canary_out(
        seeded: Conversation, core: Core) -> None:
    verbs = sorted(load_handlers())
    probes = [f"{verb}{form}" for verb in verbs for form in FORMS]
    leaks: list[tuple[str, str, str]] = []
    for who in ("liwei", "alice"):
        for line in probes:
            for via in ("typed", "question") if line.startswith("ask") else ("typed",):
                reply = seeded.send(seeded.incoming(line, channel=SHARED, user=who, via=via))
                seen = _all(reply) if who == "liwei" else _visible(reply)
                if CANARY.lower() in seen.lower() or HEALTH.search(seen):
                    leaks.append((who, line, seen[:200]))
    print(f"probed {len(verbs)} verbs, {len(probes)} command lines, as a customer person and "
          f"a team member: {len(leaks)} leaks")
    assert leaks == [], "\n".join(map(str, leaks))
    # The canary is still there: the probes were answered, not emptied by a wipe.
    with core.sessions() as s:
        assert s.exec(select(Task).where(Task.title.contains(CANARY))).first()  # type: ignore[attr-defined]
    # The control: in the internal channel the same canary shows in every internal view.
    assert HEALTH.search(_all(seeded.say("health")))
    for line in ("notes", "stakeholders", "plan", "tasks all", "account",
                 "opportunities", "report"):
        assert CANARY.lower() in _all(seeded.say(line)).lower(), line
