"""Translating Telegram updates: commands, /verb@bot, /kam, mentions, DMs, buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import Update

from bot.adapters.telegram_updates import (
    BotIdentity,
    Dispatch,
    ExpiredButton,
    Membership,
    Migrate,
    Welcome,
    command_text,
    translate,
)
from bot.clock import FixedClock
from bot.messages import User
from bot.render.telegram import CallbackStore
from bot.seals import Seals
from tests.fakes.telegram_api import FakeTelegram, auto_entities, utf16_len

BOT = BotIdentity(id=42, username="kambot_test_bot")
GROUP = FakeTelegram.group(-100, "Acme team")
ALICE = FakeTelegram.user(1, "Alice", username="alice")
BOB = FakeTelegram.user(2, "Bob", last_name="Smith", username="bobsmith")
WANG = FakeTelegram.user(3, "王", last_name="伟", username=None, language_code="zh-hans")
KNOWN = {"bobsmith": User(id="2", name="Bob Smith", username="bobsmith")}


def update(message: dict[str, Any] | None = None, **kinds: Any) -> Update:
    payload: dict[str, Any] = {"update_id": 7}
    if message is not None:
        payload["message"] = {"message_id": 5, "date": 1, "chat": GROUP, "from": ALICE,
                              **message}  # fmt: skip
    payload.update(kinds)
    parsed = Update.de_json(payload, None)
    assert parsed is not None
    return parsed


def text_update(text: str, **extra: Any) -> Update:
    entities = extra.pop("entities", auto_entities(text))
    return update({"text": text, "entities": entities, **extra})


def run(upd: Update, store: CallbackStore | None = None) -> Any:
    return translate(upd, bot=BOT, callbacks=store or CallbackStore(),
                     find_username=KNOWN.get)  # fmt: skip


def test_command_forms() -> None:
    assert command_text("/open", BOT) == "open"
    assert command_text("/done@kambot_test_bot 3", BOT) == "done 3"
    assert command_text("/done@KamBot_Test_Bot 3", BOT) == "done 3"
    assert command_text("/done@other_bot 3", BOT) is None
    assert command_text('/kam account new "Acme"', BOT) == 'account new "Acme"'
    assert command_text("/kam@kambot_test_bot task x", BOT) == "task x"
    assert command_text("/kam", BOT) == "help"
    assert command_text("/start", BOT) == "help"
    assert command_text("/Account new x", BOT) == "account new x"
    assert command_text("open", BOT) is None
    assert command_text("/tmp/file is here", BOT) is None


def test_group_command_becomes_incoming() -> None:
    action = run(text_update('/task@kambot_test_bot "Send quote" owner=@bobsmith due=friday'))
    assert isinstance(action, Dispatch)
    incoming = action.incoming
    assert (incoming.platform, incoming.workspace, incoming.channel) == (
        "telegram",
        "telegram",
        "-100",
    )
    assert incoming.text == 'task "Send quote" owner=@bobsmith due=friday'
    assert incoming.key == "42:7"
    assert incoming.user == User(id="1", name="Alice", username="alice")
    assert incoming.mentions == {"@bobsmith": KNOWN["bobsmith"]}
    assert incoming.channel_name == "Acme team" and not incoming.is_direct
    assert incoming.language is None  # the channel's language decides in groups
    assert action.chat_id == -100 and action.reply_to == 5


def test_unknown_username_is_left_unresolved() -> None:
    action = run(text_update("/triangle AR=@carol"))
    assert action.incoming.text == "triangle AR=@carol" and action.incoming.mentions == {}


def test_text_mention_becomes_a_token() -> None:
    before = "/triangle FR="
    name = "王 伟"
    text = before + name + " SR=@bobsmith 😀"
    entities = auto_entities(text) + [
        {
            "type": "text_mention",
            "offset": utf16_len(before),
            "length": utf16_len(name),
            "user": WANG,
        }
    ]
    entities.sort(key=lambda e: e["offset"])
    action = run(text_update(text, entities=entities))
    assert action.incoming.text == "triangle FR=@王_伟 SR=@bobsmith 😀"
    assert action.incoming.mentions["@王_伟"] == User(id="3", name="王 伟", username="")
    assert action.incoming.mentions["@bobsmith"].id == "2"


def test_emoji_before_a_mention_keeps_utf16_offsets_right() -> None:
    text = "/note 😀😀 met @bobsmith today"
    action = run(text_update(text))
    assert action.incoming.text == "note 😀😀 met @bobsmith today"
    assert "@bobsmith" in action.incoming.mentions


def test_group_chatter_is_ignored_but_a_bot_mention_is_a_question() -> None:
    assert run(text_update("lunch anyone?")) is None
    action = run(text_update("@kambot_test_bot what is open on Acme?"))
    assert action.incoming.text == "ask what is open on Acme?"
    reply_to_bot = {"message_id": 4, "date": 1, "chat": GROUP,
                    "from": {"id": 42, "is_bot": True, "first_name": "kambot"}, "text": "x"}  # fmt: skip
    action = run(text_update("and the overdue ones?", reply_to_message=reply_to_bot))
    assert action.incoming.text == "ask and the overdue ones?"


def test_direct_message_is_a_question_with_the_persons_language() -> None:
    chat = FakeTelegram.private(WANG)
    action = run(update({"text": "Acme 有哪些逾期任务？", "chat": chat, "from": WANG}))
    assert isinstance(action, Dispatch)
    assert action.incoming.text == "ask Acme 有哪些逾期任务？"
    assert action.incoming.is_direct and action.incoming.channel == "3"
    assert action.incoming.language == "zh"
    command = run(update({"text": "/help", "chat": chat, "from": WANG,
                          "entities": auto_entities("/help")}))  # fmt: skip
    assert command.incoming.text == "help" and command.incoming.is_direct


def test_callback_query_dispatches_the_button_seal() -> None:
    seals = Seals(clock=FixedClock(datetime(2026, 11, 24, tzinfo=UTC)), key=lambda: b"k" * 32)
    store = CallbackStore()
    short = seals.seal(purpose="button", platform="telegram", channel=str(GROUP["id"]),
                       command="done 3")
    long = seals.seal(purpose="button", platform="telegram", channel=str(GROUP["id"]),
                      command="task " + "x" * 80)
    token = store.encode(long)
    assert store.encode(short) == short and token != long
    bot_message = {"message_id": 9, "date": 1, "chat": GROUP, "text": "tasks",
                   "from": {"id": 42, "is_bot": True, "first_name": "kambot"}}  # fmt: skip
    for data, sealed, claimed in ((short, short, "done 3"), (token, long, "task " + "x" * 80),
                                  ("done 3", "done 3", "")):
        action = run(update(callback_query={"id": "q1", "from": BOB, "chat_instance": "c",
                                            "message": bot_message, "data": data}), store)  # fmt: skip
        assert isinstance(action, Dispatch)
        # the dispatcher opens the seal; the text is only what it claims (nothing if bare)
        assert action.incoming.seal == sealed and action.incoming.via == "button"
        assert action.incoming.text == claimed and action.incoming.user.id == "2"
        assert action.callback_query_id == "q1" and action.reply_to == 9
    expired = run(update(callback_query={"id": "q2", "from": BOB, "chat_instance": "c",
                                         "message": bot_message, "data": token}))  # fmt: skip
    assert isinstance(expired, ExpiredButton)


def test_migration_and_welcome() -> None:
    assert run(update({"migrate_to_chat_id": -1009})) == Migrate("-100", "-1009", "Acme team")
    moved = update({"migrate_from_chat_id": -100,
                    "chat": {"id": -1009, "type": "supergroup", "title": "Acme team"}})  # fmt: skip
    assert run(moved) == Migrate("-100", "-1009", "Acme team")
    joined = run(update({"new_chat_members": [{"id": 42, "is_bot": True, "first_name": "k"}]}))
    assert isinstance(joined, Welcome) and joined.key == "42:7"
    # people joining and leaving are membership changes (access, commands/authz.py)
    joined_bob = run(update({"new_chat_members": [BOB]}))
    assert isinstance(joined_bob, Membership) and [u.id for u in joined_bob.joined] == ["2"]
    left_bob = run(update({"left_chat_member": BOB}))
    assert isinstance(left_bob, Membership) and [u.id for u in left_bob.left] == ["2"]


def test_messages_from_bots_and_edits_are_ignored() -> None:
    bot_sender = {"id": 77, "is_bot": True, "first_name": "other"}
    assert run(text_update("/open", **{"from": bot_sender})) is None
    edited = Update.de_json({"update_id": 8, "edited_message": {
        "message_id": 5, "date": 1, "chat": GROUP, "from": ALICE, "text": "/open"}}, None)  # fmt: skip
    assert run(edited) is None


def test_which_commands_are_addressed_to_the_bot() -> None:
    assert run(text_update("/open")).addressed is False
    assert run(text_update("/open@kambot_test_bot")).addressed is True
    assert run(text_update("/kam open")).addressed is True
    assert run(text_update("@kambot_test_bot what is open?")).addressed is True
    chat = FakeTelegram.private(ALICE)
    assert run(
        update({"text": "/open", "chat": chat, "entities": auto_entities("/open")})
    ).addressed
