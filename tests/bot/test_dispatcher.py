"""The dispatcher's guarantees: idempotency, one unit of work, permissions, language."""

from __future__ import annotations

import threading

from sqlmodel import select

from bot.app import Core
from bot.dispatcher import written_in_chinese
from storage.models import Note, ProcessedEvent, Task
from tests.support import Conversation


def test_the_same_incoming_twice_stores_one_note(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    incoming = chat.incoming("note Met the CIO\nACTION: SR to send the quote", key="evt-1")
    first = chat.send(incoming)
    second = chat.send(incoming)
    assert first is not None and "Note 1 saved" in first.title
    assert second is None
    with chat.core.sessions.begin() as s:
        assert len(s.exec(select(Note)).all()) == 1
        assert len(s.exec(select(Task)).all()) == 1


def test_concurrent_duplicates_have_one_effect(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    incoming = chat.incoming('task "Send the quote"', key="evt-race")
    results: list[object] = []

    def run() -> None:
        results.append(chat.core.dispatcher.handle(incoming))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    with chat.core.sessions.begin() as s:
        assert len(s.exec(select(Task)).all()) == 1


def test_a_refused_command_writes_nothing_but_remembers_the_event(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    incoming = chat.incoming('task "x" due=never', key="evt-bad")
    assert chat.send(incoming).is_error  # type: ignore[union-attr]
    assert chat.send(incoming) is None  # its retry does not answer twice
    with chat.core.sessions.begin() as s:
        assert s.exec(select(Task)).all() == []
        keys = [e.key for e in s.exec(select(ProcessedEvent)).all()]
        assert "evt-bad" in keys


def test_a_crash_in_a_handler_rolls_back_everything(chat: Conversation, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chat.say('account new "Acme Corp"')
    import commands.handlers.core_tasks as core_tasks

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    import commands.note_capture as note_capture

    monkeypatch.setattr(note_capture, "extract_note", boom)
    # The extractor failing is absorbed: the note is kept.
    assert "could not read the actions" in chat.text("note hello\nACTION: x")
    monkeypatch.setattr(core_tasks.repos, "add_note", boom)
    reply = chat.say("note will fail")
    assert reply.is_error and "nothing was saved" in reply.title
    assert "disk on fire" not in reply.plain_text()
    with chat.core.sessions.begin() as s:
        assert len(s.exec(select(Note)).all()) == 1


def test_listeners_hear_about_writes_not_reads(chat: Conversation) -> None:
    heard: list[int] = []
    chat.core.dispatcher.add_listener(heard.append)
    chat.say('account new "Acme Corp"')
    chat.say("open")
    chat.say('task "Send the quote"')
    assert len(heard) == 2 and len(set(heard)) == 1
    # `account` can write, but showing the card only reads: nothing to re-assess.
    assert "Acme Corp" in chat.text("account")
    assert len(heard) == 2
    chat.say("account set tier=core")
    assert len(heard) == 3


def test_a_failing_listener_does_not_lose_the_reply(chat: Conversation) -> None:
    def broken(account_id: int) -> None:
        raise RuntimeError("alerting down")

    chat.core.dispatcher.add_listener(broken)
    chat.say('account new "Acme Corp"')
    assert "Task #1" in chat.say('task "x"').title


def test_language_follows_the_account_setting_and_chinese_text(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    assert "Nothing open" in chat.text("open")
    chat.say("account set lang=zh")
    assert "没有未完成的事项" in chat.text("open")
    chat.say("account set lang=en")
    assert "没有未完成的事项" in chat.text("未完成")


def test_language_detection() -> None:
    assert written_in_chinese("任务 发送报价 owner=SR")
    assert written_in_chinese("task 发送报价 owner=SR")
    assert written_in_chinese("ask Acme 还有哪些未完成的事项?")
    assert written_in_chinese("完成 3")
    assert not written_in_chinese("done 3")
    assert not written_in_chinese(
        "note Met Li Wei and the buyers.\nACTION: send the revised quote\n待办：确认回款"
    )


def test_default_language_setting(core: Core) -> None:
    core.settings.KAMBOT_LANGUAGE = "zh"
    chat = Conversation(core, channel="c", user="u")
    assert "还没有关联客户" in chat.say("open").title
