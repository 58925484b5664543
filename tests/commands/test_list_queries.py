"""Lists that read what they show: `open` and `accounts` send the same number of SQL
statements however many tasks or accounts there are, `open` builds only the rows it lists,
and the portfolio lists the worst and attaches every account as a file."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from commands.handlers import core_account, core_tasks
from tests.support import Conversation


class _Count:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.n = 0
        self.engine = engine

    def __enter__(self) -> _Count:
        sa.event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def _on(self, *args, **kw) -> None:  # type: ignore[no-untyped-def]
        self.n += 1

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        sa.event.remove(self.engine, "before_cursor_execute", self._on)


def _statements(core, chat: Conversation, text: str) -> tuple[int, object]:
    with _Count(core.engine) as count:
        reply = chat.say(text)
    assert not reply.is_error, reply.plain_text()
    return count.n, reply


def test_open_sends_as_many_statements_for_60_tasks_as_for_3(core, chat, monkeypatch):
    monkeypatch.setattr(core_tasks, "OPEN_PER_ROLE", 5)
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    for n in range(3):
        chat.say(f'task "Quote {n}" owner=SR due=2026-12-{n + 1:02d}')
    chat.say("open")
    few, _ = _statements(core, chat, "open")
    for n in range(57):
        owner = ("AR", "SR", "FR")[n % 3]
        due = f"2026-11-{n % 20 + 1:02d}" if n % 2 else f"2026-12-{n % 28 + 1:02d}"
        chat.say(f'task "Follow up {n}" owner={owner} due={due} confirm')
    chat.say('task "No date at all" owner=FR')
    many, reply = _statements(core, chat, "open")
    assert many == few
    text = reply.plain_text()
    # Five shown per role, the rest counted; overdue first, oldest first; undated last.
    assert len([s for s in reply.sections if s.items]) == 3
    assert all(len(s.items) == 5 for s in reply.sections)
    assert "more" in text
    fr = reply.sections[2]
    firsts = [item.text.split()[0] for item in fr.items]
    assert firsts[:3] == ["#45", "#27", "#9"]  # FR due 11-02, 11-04, 11-06: oldest first
    assert "No date at all" not in text


def test_open_lists_the_same_tasks_in_the_same_order_as_before(core, chat):
    chat.say('account new "Acme Corp"')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    chat.say('task "Later" owner=SR due=2026-12-20')
    chat.say('task "Undated" owner=SR')
    chat.say('task "Late" owner=SR due=2026-11-02 confirm')
    chat.say('task "Soon" owner=SR due=2026-11-30')
    chat.say("done 4")
    reply = chat.say("open")
    titles = [item.text for s in reply.sections for item in s.items]
    assert [t.split(" ", 2)[1] for t in titles] == ["Late", "Later", "Undated"]
    assert "3" in reply.title and "1" in reply.title


def test_accounts_sends_as_many_statements_for_9_accounts_as_for_2(core, monkeypatch):
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    mgmt = Conversation(core, channel="mgmt", user="alice")

    def new_account(i: int) -> None:
        chat = Conversation(core, channel=f"acct-{i}", user="alice")
        chat.say(f'account new "Account {i}"')
        chat.say(f'task "Quote {i}" due=2026-11-0{i % 9 + 1} confirm')
        chat.say("signal nps=-50" if i % 2 else "signal nps=60")

    for i in range(2):
        new_account(i)
    mgmt.say("accounts")  # the first time in a channel records its member
    few, _ = _statements(core, mgmt, "accounts")
    for i in range(2, 9):
        new_account(i)
    many, reply = _statements(core, mgmt, "accounts")
    assert many == few
    assert len(reply.sections[0].items) == 9
    assert not reply.attachments


def test_the_portfolio_lists_the_worst_and_attaches_every_account(core, monkeypatch):
    from bot.alerts import health_listener

    core.dispatcher.add_listener(health_listener(core))
    monkeypatch.setattr(core_account, "PORTFOLIO_SHOWN", 2)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    for i in range(4):
        chat = Conversation(core, channel=f"acct-{i}", user="alice")
        chat.say(f'account new "Account {i}"')
        chat.say("triangle AR=@alice SR=@bob FR=@carol")
        chat.say("signal nps=-60 csat=1" if i == 2 else "signal nps=70 csat=5")
    reply = Conversation(core, channel="mgmt", user="alice").say("accounts")
    assert len(reply.sections[0].items) == 2
    assert reply.sections[0].items[0].text.startswith("Account 2")  # red first
    assert "all 4 accounts" in reply.footer
    (attachment,) = reply.attachments
    assert attachment.mime == "text/csv"
    rows = list(csv.reader(io.StringIO(attachment.content.decode())))
    assert rows[0] == ["account", "tier", "health", "open", "overdue", "renewal"]
    assert [r[0] for r in rows[1:]][0] == "Account 2"
    assert sorted(r[0] for r in rows[1:]) == [f"Account {i}" for i in range(4)]
