"""Every Telegram entry point against the authorisation table, through the Telegram fake:
typed verbs from groups and direct messages, inline-button callbacks (replayed, forged,
altered, stale, server-side tokens), people leaving a group, and the morning reminders."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.alerts import run_reminders
from bot.app import Core
from bot.messages import User
from bot.posting import Poster
from bot.seals import SEP, peek
from commands.i18n import catalog
from storage.models import Task
from tests.bot.adapters.conftest import runtime_for, until
from tests.fakes.telegram_api import FakeTelegram
from tests.security.conftest import Probes
from tests.security.world import ACME, MAY, VERBS, Who, fingerprint, incoming, seed, shows_a

GROUP_A = FakeTelegram.group(-4001, "Acme account team")
GROUP_B = FakeTelegram.group(-4002, "Umbra team")
GROUP_FREE = FakeTelegram.group(-4003, "Some group")
USERS = {
    "ar": FakeTelegram.user(101, "Alice", username="alice_ar"),
    "sr": FakeTelegram.user(102, "Bob", username="bob_sr"),
    "fr": FakeTelegram.user(103, "Cat", username="cat_fr"),
    "sponsor": FakeTelegram.user(104, "Dan", username="dan_sp"),
    "member": FakeTelegram.user(105, "Carl", username="carl_m"),
    "admin": FakeTelegram.user(106, "Root", username="root_a"),
    "b": FakeTelegram.user(107, "Uma", username="uma_b"),
    "free": FakeTelegram.user(108, "Eve", username="eve_x"),
    "zed": FakeTelegram.user(109, "Zed", username="zed_z"),
}
CHATS = {"b": GROUP_B, "free": GROUP_FREE}


def who(key: str, chat: dict[str, Any] = GROUP_A) -> Who:
    user = USERS[key]
    return Who(str(user["id"]), user.get("username", ""), str(chat["id"]),
               direct=chat.get("type") == "private")


def mention(key: str) -> str:
    return "@" + USERS[key]["username"]


def _marks() -> list[str]:
    en = catalog("en")
    keys = [k for k in en if k.startswith("authz.") and k != "authz.vacant"]
    return [max(re.split(r"\{[^}]*\}|\"", en[k].split("\n")[0]), key=len).strip()
            for k in keys + ["error.admin_only"]]


REFUSALS = _marks()


def refused(text: str) -> bool:
    import html

    text = html.unescape(text)
    return any(mark in text for mark in REFUSALS)


@pytest.fixture
async def bot(fake: FakeTelegram, make_core: Callable[..., Core]) -> Any:
    core = make_core(KAMBOT_ADMINS=[str(USERS["admin"]["id"])])
    people = {key: who(key) for key in USERS}
    users = {f"@{u['username']}": User(str(u["id"]), u["first_name"], u["username"])
             for u in USERS.values()}

    def say(speaker: Who, text: str) -> None:
        found = {token: user for token, user in users.items() if token in text}
        reply = core.dispatcher.handle(incoming("telegram", "telegram", speaker, text, found))
        assert reply is not None and not reply.is_error, (text, reply and reply.plain_text())

    seed(core, say, a=people, b=who("b", GROUP_B), mention=mention)
    # Telegram knows people by @username once they wrote somewhere the bot is
    for key in USERS:
        say(who(key, FakeTelegram.private(USERS[key])), "help")
    runtime = runtime_for(core)
    await runtime.start(webhook=False)
    yield core, runtime
    await runtime.stop()


async def answer(fake: FakeTelegram, chat_id: int, send: Callable[[], object]) -> str:
    """Send; return what the bot said in ``chat_id`` and in callback answers."""
    before = len(fake.sent_messages(chat_id))
    answers = len(fake.callback_answers)
    send()
    await until(lambda: len(fake.sent_messages(chat_id)) > before
                or len(fake.callback_answers) > answers, within=15)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.05)  # a reply split in several messages
    said = fake.sent_texts(chat_id)[before:]
    said += [str(a.get("text") or "") for a in list(fake.callback_answers.values())[answers:]]
    return "\n".join(said)


async def typed(fake: FakeTelegram, user: dict[str, Any], chat: dict[str, Any], text: str) -> str:
    return await answer(fake, chat["id"], lambda: fake.message(chat, user, f"/kam {text}"))


# --- typed verbs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["member", "sr", "b", "free", "dm_stranger"])
async def test_typed_verbs_from_groups_and_dms(origin: str, fake: FakeTelegram, bot,
                                               probes: Probes):
    core, _ = bot
    if origin == "dm_stranger":
        user, chat = USERS["free"], FakeTelegram.private(USERS["free"])
    else:
        user, chat = USERS[origin], CHATS.get(origin, GROUP_A)
    names = {"fr": mention("fr"), "sr": mention("sr"), "zed": mention("zed")}
    for group, verb in VERBS:
        text = verb.format(**names)
        before = fingerprint(core)
        said = await typed(fake, user, chat, text)
        changed = fingerprint(core) != before
        if origin in MAY:
            ok = (not refused(said)) if group in MAY[origin] else (refused(said) and not changed)
        else:
            ok = not changed and not shows_a(said)
        probes.check(f"telegram typed verb, {origin}", ok, f"{text!r}: {said[:300]}")
    assert not probes.failures, "\n".join(probes.failures)


async def test_direct_message_questions(fake: FakeTelegram, bot, probes: Probes):
    for key, expect in (("ar", True), ("member", True), ("free", False)):
        chat = FakeTelegram.private(USERS[key])
        for question in ("what is open on Acme Corp?", "Acme Corp 还有哪些未完成的事项？"):
            said = await answer(fake, chat["id"], lambda c=chat, q=question, k=key:
                                fake.message(c, USERS[k], q))
            ok = bool(shows_a(said)) == expect
            if not expect:
                ok = ok and "Acme" not in said.replace(question, "")
            probes.check("telegram dm question", ok, f"{key} {question!r}: {said[:300]}")
    assert not probes.failures, "\n".join(probes.failures)


# --- inline buttons -------------------------------------------------------------------------------


def _keyboard(fake: FakeTelegram, chat_id: int) -> tuple[int, list[dict[str, str]]]:
    for message in reversed(fake.sent_messages(chat_id)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if rows:
            return message["message_id"], [b for row in rows for b in row]
    raise AssertionError("no keyboard")


def _status(core: Core, number: int) -> str:
    from storage import repos

    with core.sessions() as s:
        account = repos.account_by_name(s, name=ACME)
        assert account is not None
        return s.exec(select(Task).where(Task.account_id == account.id,
                                         Task.number == number)).one().status


async def test_callbacks(fake: FakeTelegram, bot, probes: Probes):
    core, runtime = bot

    def category(ok: bool, what: str) -> None:
        probes.check("telegram callback", ok, what)

    await typed(fake, USERS["ar"], GROUP_A, "open")
    a_message, a_buttons = _keyboard(fake, GROUP_A["id"])
    done1 = next(b["callback_data"] for b in a_buttons if (peek(b["callback_data"]) or
                                                           peek("k1~x~0~0~0~~~")).command == "done 1")
    await typed(fake, USERS["b"], GROUP_B, "open")
    b_message, _ = _keyboard(fake, GROUP_B["id"])
    await typed(fake, USERS["free"], GROUP_FREE, "help")
    free_message = fake.sent_messages(GROUP_FREE["id"])[-1]["message_id"]
    # a long command travels as a server-side token: a summary's "create this task" button
    await typed(fake, USERS["ar"], GROUP_A, "note Call with procurement.\n"
                                            "ACTION: SR to send the revised pricing sheet by friday")
    await typed(fake, USERS["ar"], GROUP_A, "summarize 2")
    _, s_buttons = _keyboard(fake, GROUP_A["id"])
    token = s_buttons[-1]["callback_data"]
    assert token.startswith("#k"), s_buttons

    def press(chat: dict[str, Any], user: dict[str, Any], message_id: int, data: str):
        return answer(fake, chat["id"], lambda: fake.callback(chat["id"], user, message_id, data))

    tampered = SEP.join(done1.split(SEP)[:-1] + ["done 2"])
    cases = [
        ("A's Done replayed in B's group", GROUP_B, USERS["b"], b_message, done1),
        ("A's Done replayed in an unbound group", GROUP_FREE, USERS["free"], free_message, done1),
        ("a bare command", GROUP_A, USERS["member"], a_message, "done 1"),
        ("another command in the seal", GROUP_A, USERS["member"], a_message, tampered),
        ("a made-up seal", GROUP_A, USERS["member"], a_message, "k1~AAAAAAAAAAAAAAAA~1~0~zz~~~done 1"),
    ]
    cases.append(("A's long-command token replayed in B", GROUP_B, USERS["b"], b_message, token))
    for what, chat, user, message_id, data in cases:
        before, b_before = fingerprint(core), fingerprint(core, "Umbra Foods")
        said = await press(chat, user, message_id, data)
        category(refused(said) and fingerprint(core) == before
                 and fingerprint(core, "Umbra Foods") == b_before
                 and (chat is GROUP_A or not shows_a(said)), f"{what}: {said[:300]}")
    # a token this process never made (or forgot): "expired", nothing done
    before = fingerprint(core)
    said = await press(GROUP_A, USERS["member"], a_message, "#k" + "0" * 24)
    category(fingerprint(core) == before and ("expired" in said.lower() or "过期" in said),
             f"unknown token: {said[:200]}")
    core.clock.advance(timedelta(days=61))
    said = await press(GROUP_A, USERS["member"], a_message, done1)
    category(refused(said) and _status(core, 1) == "open", f"stale: {said[:200]}")
    core.clock.advance(timedelta(days=-61))
    said = await press(GROUP_A, USERS["member"], a_message, done1)
    category(not refused(said) and _status(core, 1) == "done", f"member's Done: {said[:200]}")
    assert not probes.failures, "\n".join(probes.failures)


# --- leaving, and the reminders -------------------------------------------------------------------


async def test_leaving_a_group_and_the_reminders(fake: FakeTelegram, bot, probes: Probes):
    core, runtime = bot
    core.senders.add(runtime.sender)
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    member, outsider = USERS["member"], USERS["zed"]
    # a task given to someone who is on no team and in no channel of the account
    await typed(fake, USERS["ar"], GROUP_A, f'task "Outsider task" owner={mention("zed")} due=2026-11-24')

    def dm_texts(user: dict[str, Any]) -> str:
        return "\n".join(fake.sent_texts(user["id"]))

    await asyncio.to_thread(run_reminders, core)
    probes.check("scheduled reminder", "Member task" in dm_texts(member),
                 f"the member is reminded: {dm_texts(member)[-300:]}")
    probes.check("scheduled reminder", "Outsider task" not in dm_texts(outsider),
                 f"an outsider sees nothing of the account: {dm_texts(outsider)[-300:]}")
    # the member leaves the group (a service message, and a chat_member update)
    fake.push_update({"message": {"message_id": 900, "date": 1, "chat": GROUP_A, "from": member,
                                  "left_chat_member": member}})
    fake.push_update({"chat_member": {
        "chat": GROUP_A, "from": member, "date": 2,
        "old_chat_member": {"status": "member", "user": member},
        "new_chat_member": {"status": "left", "user": member}}})
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.3)
    core.clock.advance(timedelta(days=1))
    before = dm_texts(member)
    await asyncio.to_thread(run_reminders, core)
    probes.check("scheduled reminder", dm_texts(member) == before,
                 f"no reminder after leaving: {dm_texts(member)[len(before):][:300]}")
    chat = FakeTelegram.private(member)
    said = await answer(fake, chat["id"], lambda: fake.message(chat, member,
                                                               "what is open on Acme Corp?"))
    probes.check("telegram dm question", not shows_a(said) and "Member task" not in said,
                 f"DM after leaving: {said[:300]}")
    # joining again (chat_member) gives the access back
    fake.push_update({"chat_member": {
        "chat": GROUP_A, "from": member, "date": 3,
        "old_chat_member": {"status": "left", "user": member},
        "new_chat_member": {"status": "member", "user": member}}})
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.3)
    said = await answer(fake, chat["id"], lambda: fake.message(chat, member,
                                                               "what is open on Acme Corp?"))
    probes.check("telegram dm question", bool(shows_a(said)), f"DM after rejoining: {said[:300]}")
    assert not probes.failures, "\n".join(probes.failures)
