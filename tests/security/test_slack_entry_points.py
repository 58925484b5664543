"""Every Slack entry point against the authorisation table, through the real HTTP endpoint
with signed requests and the Slack fake: typed verbs from every kind of place, message
buttons, Home buttons, modals (task, note, reassign), the message shortcut, direct
messages, channel leaves and the Home tab. Only the allowed cells act or show Acme's data;
forged, altered and replayed values are refused."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.adapters.slack_incoming import normalize_mentions
from bot.app import Core
from bot.seals import SEP, peek
from commands.i18n import catalog
from storage.models import Note, Task
from tests.bot.adapters.slack.slack_driver import TEAM, SlackDriver, button, sent_message
from tests.security.conftest import Probes
from tests.security.world import (
    ACME,
    MAY,
    VERBS,
    Who,
    fingerprint,
    incoming,
    seed,
    shows_a,
)

A, B, FREE, MGMT = "C0ACME", "C0UMBRA", "C0FREE", "C0MGMT"
PEOPLE = {
    "ar": Who("U0ANN", "ann", A), "sr": Who("U0BOB", "bob", A), "fr": Who("U0CAT", "cat", A),
    "sponsor": Who("U0DAN", "dan", A), "member": Who("U0CARL", "carl", A),
    "admin": Who("U0ADM", "adm", A), "b": Who("U0UMA", "uma", B),
    "free": Who("U0EVE", "eve", FREE), "mgmt": Who("U0MAX", "max", MGMT),
    "dm_ar": Who("U0ANN", "ann", "D0ANN", direct=True),
    "dm_stranger": Who("U0EVE", "eve", "D0EVE", direct=True),
    "zed": Who("U0ZED", "zed", FREE),
}
EVE = PEOPLE["free"]
# Places outside Acme's channel from where Acme may be read: its AR's direct messages and
# the management channel (the portfolio).
READS_A = {"dm_ar", "mgmt"}
ANSWERS = {"chat.postMessage", "chat.postEphemeral", "response_url", "chat.update",
           "views.publish", "views.open"}


def mention(key: str) -> str:
    return f"<@{PEOPLE[key].user}>"


def _marks() -> list[str]:
    """A fixed piece of each refusal's first line, as it shows in a posted message."""
    en = catalog("en")
    keys = [k for k in en if k.startswith("authz.") and k != "authz.vacant"]
    marks = []
    for key in keys + ["error.admin_only"]:
        pieces = re.split(r"\{[^}]*\}|\"", en[key].split("\n")[0])
        marks.append(max(pieces, key=len).strip())
    return marks


REFUSALS = _marks()


def refused(text: str) -> bool:
    return any(mark in text for mark in REFUSALS)


def call_text(call: Any) -> str:
    return json.dumps(call.params, ensure_ascii=False, default=str).replace('\\"', '"')


async def probe(slack: SlackDriver, send: Callable[[], Awaitable[object]]) -> str:
    """Send one request; return the text of everything kambot answered to it."""
    start = len(slack.fake.calls)
    await send()
    deadline = time.monotonic() + 15
    while not any(c.method in ANSWERS for c in slack.fake.calls[start:]):
        assert time.monotonic() < deadline, "no answer"
        await asyncio.sleep(0.02)
    count = -1
    while count != len(slack.fake.calls):  # until kambot has said all it says
        count = len(slack.fake.calls)
        await asyncio.sleep(0.05)
    return "\n".join(call_text(c) for c in slack.fake.calls[start:] if c.method in ANSWERS)


def setup(core: Core) -> None:
    core.settings.KAMBOT_ADMINS.append(PEOPLE["admin"].user)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = f"slack:{MGMT}"

    def say(who: Who, text: str) -> None:
        text, mentions = normalize_mentions(text)
        reply = core.dispatcher.handle(incoming("slack", TEAM, who, text, mentions))
        assert reply is not None and not reply.is_error, (text, reply and reply.plain_text())

    seed(core, say, a=PEOPLE, b=PEOPLE["b"], mention=mention)


async def command(slack: SlackDriver, who: Who, text: str) -> str:
    return await probe(slack, lambda: slack.command(text, user=who.user, channel=who.channel))


# --- typed verbs, from every kind of place ----------------------------------------------------


@pytest.mark.parametrize("origin", ["ar", "sr", "member", "admin", "b", "free", "mgmt",
                                    "dm_ar", "dm_stranger"])
async def test_typed_verbs_from_every_place(origin: str, slack, slack_core, probes: Probes):
    setup(slack_core)
    who = PEOPLE[origin]
    names = {k: mention(k) for k in ("fr", "sr", "zed")}
    for group, verb in VERBS:
        text = verb.format(**names)
        before = fingerprint(slack_core)
        answer = await command(slack, who, text)
        changed = fingerprint(slack_core) != before
        if origin in MAY:  # in Acme's channel: the table decides
            if group in MAY[origin]:
                ok = not refused(answer)
            else:
                ok = refused(answer) and not changed
        else:  # elsewhere: Acme is not changed, and shown only to those who may read it
            ok = not changed and (origin in READS_A or not shows_a(answer))
        probes.check(f"slack typed verb, {origin}", ok, f"{text!r}: {answer[:300]}")
    assert not probes.failures, "\n".join(probes.failures)


async def test_questions_and_oracle_probes(slack, slack_core, probes: Probes):
    setup(slack_core)
    # a direct message question: the team is answered, a stranger learns nothing
    for who, expect in ((PEOPLE["dm_ar"], True), (PEOPLE["dm_stranger"], False)):
        for question in ("what is open on Acme Corp?", "Acme Corp 还有哪些未完成的事项？",
                         "who is the SR of Acme?"):
            event = slack.message_event(question, kind="message", channel=who.channel,
                                        channel_type="im", user=who.user)
            answer = await probe(slack, lambda event=event: slack.event(event))
            ok = bool(shows_a(answer)) == expect if "open" in question or "未完成" in question \
                else expect or not shows_a(answer)
            if not expect:
                ok = ok and "Acme" not in answer.replace(question, "")
            probes.check("slack dm question", ok, f"{who.user} {question!r}: {answer[:300]}")
    # the management channel sees the portfolio and may ask about any account
    answer = await command(slack, PEOPLE["mgmt"], "ask what is open on Acme Corp?")
    probes.check("slack dm question", bool(shows_a(answer)), f"management ask: {answer[:200]}")
    # no existence oracle: an account the person may not read is like one that does not exist
    before = fingerprint(slack_core)
    for text in ('account link "Acme Corp"', "account link Acm", 'account link "Acme Crop"',
                 '客户 绑定 “Acme”', 'account delete "Acme Corp"', 'account archive "Acme Corp"',
                 "ask what is open on Acme?", 'account unarchive "Acme Corp"'):
        answer = await command(slack, EVE, text)
        typed = re.findall(r'"([^"]*)"|“([^”]*)”', text)
        shown = answer
        for pair in typed:
            for piece in pair:
                if piece:
                    shown = shown.replace(piece, "")
        ok = "Acme" not in shown.replace(text, "") and not shows_a(answer)
        probes.check("slack existence oracle", ok, f"{text!r}: {answer[:300]}")
    probes.check("slack existence oracle", fingerprint(slack_core) == before, "Acme changed")
    assert not probes.failures, "\n".join(probes.failures)


# --- message buttons --------------------------------------------------------------------------


async def _buttons(slack: SlackDriver, who: Who) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    await command(slack, who, "open")
    call = [c for c in slack.fake.calls if c.method == "chat.postMessage"
            and c.params.get("channel") == who.channel][-1]
    return sent_message(call), call.json("blocks")


def value_of(element: dict[str, Any]) -> str:
    """A button's value, or the chosen option's of a ⋯ menu."""
    return str(element.get("value") or element["selected_option"]["value"])


def with_value(element: dict[str, Any], value: str) -> dict[str, Any]:
    if "selected_option" in element:
        return {**element, "selected_option": {**element["selected_option"], "value": value}}
    return {**element, "value": value}


def _task(core: Core, number: int, account: str = ACME) -> Task:
    from storage import repos

    with core.sessions() as s:
        acct = repos.account_by_name(s, name=account)
        assert acct is not None
        return s.exec(select(Task).where(Task.account_id == acct.id, Task.number == number)).one()


def _status(core: Core, number: int, account: str = ACME) -> str:
    return _task(core, number, account).status


async def test_message_buttons(slack, slack_core, probes: Probes):
    setup(slack_core)
    message, blocks = await _buttons(slack, PEOPLE["ar"])
    done1 = button(blocks, "done 1")
    value = value_of(done1)
    b_message, b_blocks = await _buttons(slack, PEOPLE["b"])
    b_done = button(b_blocks, "done 1")

    async def press(who: Who, element: dict[str, Any], channel: str, msg=message) -> str:
        return await probe(slack, lambda: slack.click(msg, element, user=who.user, channel=channel))

    def category(ok: bool, what: str) -> None:
        probes.check("slack message button", ok, what)

    # refused: replayed into another channel, forged, altered, bare, old formats
    cases = [
        ("A's value replayed in B's channel by B's AR", PEOPLE["b"], done1, B),
        ("A's value replayed in an unbound channel", EVE, done1, FREE),
        ("A's value in a DM", EVE, done1, "D0EVE"),
        ("altered command", PEOPLE["ar"], with_value(done1, value.replace("done 1", "done 2")), A),
        ("altered account", PEOPLE["ar"], with_value(done1, SEP.join(
            value.split(SEP)[:2] + ["2"] + value.split(SEP)[3:])), A),
        ("bare command (old buttons)", PEOPLE["ar"], with_value(done1, "done 1"), A),
        ("a bare command making the presser SR", EVE,
         with_value(done1, f"triangle SR=<@{EVE.user}>"), FREE),
        ("Home-style JSON", PEOPLE["ar"], with_value(done1, '{"c": "C0ACME", "cmd": "done 1"}'), A),
        ("a made-up seal", EVE, with_value(done1, "k1~AAAAAAAAAAAAAAAA~1~0~zzzz~~~done 1"), A),
        ("B's value pressed in A's channel", PEOPLE["ar"], b_done, A),
    ]
    for what, who, element, channel in cases:
        before, b_before = fingerprint(slack_core), fingerprint(slack_core, "Umbra Foods")
        answer = await press(who, element, channel)
        category(refused(answer) and fingerprint(slack_core) == before
                 and fingerprint(slack_core, "Umbra Foods") == b_before and not (
                     shows_a(answer) and channel != A), f"{what}: {answer[:300]}")
    # a stale button (older than its 60 days)
    clock = slack_core.clock
    clock.advance(timedelta(days=61))
    answer = await press(PEOPLE["ar"], done1, A)
    category(refused(answer) and _status(slack_core, 1) == "open", f"stale: {answer[:200]}")
    clock.advance(timedelta(days=-61))
    # allowed: the team and a member press Done / Reopen where the message is
    answer = await press(PEOPLE["member"], done1, A)
    category(not refused(answer) and _status(slack_core, 1) == "done", f"member: {answer[:200]}")
    message2, blocks2 = await _buttons(slack, PEOPLE["sr"])
    tasks = await command(slack, PEOPLE["sr"], "tasks all")
    reopen = [c for c in slack.fake.calls if c.method == "chat.postMessage"][-1]
    answer = await press(PEOPLE["sr"], button(reopen.json("blocks"), "reopen 1"), A,
                         msg=sent_message(reopen))
    category(not refused(answer) and _status(slack_core, 1) == "open", f"sr reopen: {tasks[:100]}")
    assert not probes.failures, "\n".join(probes.failures)


# --- the Home tab -----------------------------------------------------------------------------


async def _home(slack: SlackDriver, who: Who) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": who.user, "tab": "home", "channel": "D0",
             "event_ts": "1.1"}
    await probe(slack, lambda: slack.event(event))
    call = [c for c in slack.fake.calls if c.method == "views.publish"
            and c.params.get("user_id") == who.user][-1]
    return call.json("view")


def _home_buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["accessory"] for b in view["blocks"] if "accessory" in b]


async def test_home_tab_and_its_buttons(slack, slack_core, probes: Probes):
    setup(slack_core)

    def category(ok: bool, what: str) -> None:
        probes.check("slack home", ok, what)

    with slack_core.sessions() as s:
        mine = s.exec(select(Task).where(Task.title == "Member task")).one().number
    other = 1 if mine != 1 else 2
    member_view = await _home(slack, PEOPLE["member"])
    [done] = _home_buttons(member_view)
    claimed = peek(done["value"])
    category(claimed is not None and claimed.channel == A and claimed.command == f"done {mine}",
             "the member's Home shows their task with a sealed Done")
    stranger_view = await _home(slack, EVE)
    category(not shows_a(json.dumps(stranger_view)) and "Member task" not in json.dumps(
        stranger_view) and not _home_buttons(stranger_view), "a stranger's Home shows nothing")

    async def press(who: Who, value: str) -> str:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {
            "id": who.user, "username": who.name, "team_id": TEAM}, "api_app_id": "AFAKE",
            "token": "x", "trigger_id": "t", "container": {"type": "view", "view_id": "V1"},
            "view": {"id": "V1", "type": "home"}, "actions": [{
                "type": "button", "action_id": "kam.home.0", "value": value,
                "action_ts": f"{time.time():.6f}"}]}
        return await probe(slack, lambda: slack.interactive(payload))

    forged = [
        ("the member's value pressed by a stranger", EVE, done["value"]),
        ("old-style JSON naming A's channel", EVE, json.dumps({"c": A, "cmd": f"done {mine}"})),
        ("old-style JSON by a team member", PEOPLE["sr"], json.dumps({"c": A, "cmd": "done 1"})),
        ("old-style JSON making the stranger SR", EVE,
         json.dumps({"c": A, "cmd": f"triangle SR=<@{EVE.user}>"})),
        ("old-style JSON creating a task", EVE, json.dumps({"c": A, "cmd": 'task "Planted"'})),
        ("the value with another command", PEOPLE["member"],
         done["value"].replace(f"done {mine}", f"done {other}")),
        ("the value with another channel", PEOPLE["member"], done["value"].replace(A, B)),
    ]
    for what, who, value in forged:
        before = fingerprint(slack_core)
        answer = await press(who, value)
        category(refused(answer) and fingerprint(slack_core) == before, f"{what}: {answer[:300]}")
    answer = await press(PEOPLE["member"], done["value"])
    category(not refused(answer) and _status(slack_core, mine) == "done",
             f"member Done: {answer[:200]}")
    # the member leaves the channel: their Home, DMs and old Home buttons show nothing of Acme
    await command(slack, PEOPLE["ar"], f"reopen {mine}")
    member_view = await _home(slack, PEOPLE["member"])
    assert _home_buttons(member_view), probes.failures
    [again] = _home_buttons(member_view)
    left = {"type": "member_left_channel", "user": PEOPLE["member"].user, "channel": A,
            "channel_type": "C", "team": TEAM}
    after_leave = await probe(slack, lambda: slack.event(left))
    category("Member task" not in after_leave and not shows_a(after_leave),
             f"Home republished without Acme after leaving: {after_leave[:300]}")
    before = fingerprint(slack_core)
    answer = await press(PEOPLE["member"], again["value"])
    category(refused(answer) and fingerprint(slack_core) == before,
             f"a valid Home button of someone who left: {answer[:300]}")
    event = slack.message_event("what is open on Acme Corp?", kind="message", channel="D0CARL",
                                channel_type="im", user=PEOPLE["member"].user)
    answer = await probe(slack, lambda: slack.event(event))
    category(not shows_a(answer) and "Member task" not in answer, f"DM after leaving: {answer[:300]}")
    assert not probes.failures, "\n".join(probes.failures)


# --- modals and the shortcut --------------------------------------------------------------------


def _notes(core: Core) -> list[str]:
    with core.sessions() as s:
        return [n.text for n in s.exec(select(Note)).all()]


def _task_count(core: Core) -> int:
    with core.sessions() as s:
        return len(s.exec(select(Task)).all())


TITLE = {"title": {"value": {"type": "plain_text_input", "value": "Modal task"}}}


async def _open_modal(slack: SlackDriver, who: Who, text: str) -> dict[str, Any]:
    await probe(slack, lambda: slack.command(text, user=who.user, channel=who.channel))
    return slack.fake.calls_to("views.open")[-1].json("view")


async def test_modals_and_the_shortcut(slack, slack_core, probes: Probes):
    setup(slack_core)

    def category(kind: str, ok: bool, what: str) -> None:
        probes.check(f"slack {kind}", ok, what)

    async def submit(view: dict[str, Any], values: dict[str, Any], who: Who) -> str:
        return await probe(slack, lambda: slack.submit(view, values, user=who.user))

    ar_view = await _open_modal(slack, PEOPLE["ar"], "task")
    eve_view = await _open_modal(slack, EVE, "task")
    meta = eve_view["private_metadata"]
    forged = [
        ("the AR's task form submitted by a stranger", ar_view, EVE),
        ("a stranger's form moved to A's channel", {**eve_view, "private_metadata": SEP.join(
            meta.split(SEP)[:5] + [A] + meta.split(SEP)[6:])}, EVE),
        ("old-style JSON metadata naming A", {**eve_view, "private_metadata": json.dumps(
            {"channel": A})}, EVE),
        ("no metadata", {**eve_view, "private_metadata": ""}, EVE),
        ("the AR's form as a note form", {**ar_view, "callback_id": "kam.note"}, PEOPLE["ar"]),
    ]
    for what, view, who in forged:
        before, count = fingerprint(slack_core), _task_count(slack_core)
        values = TITLE if view["callback_id"] == "kam.task" else {
            "note": {"value": {"type": "plain_text_input", "value": "Modal note"}}}
        answer = await submit(view, values, who)
        category("task modal", refused(answer) and fingerprint(slack_core) == before
                 and _task_count(slack_core) == count, f"{what}: {answer[:300]}")
    count = _task_count(slack_core)
    answer = await submit(ar_view, TITLE, PEOPLE["ar"])
    category("task modal", not refused(answer) and _task_count(slack_core) == count + 1,
             f"the AR's own form: {answer[:200]}")
    # the stranger's own form is for the unbound channel: nothing lands in Acme
    before = fingerprint(slack_core)
    answer = await submit(eve_view, TITLE, EVE)
    category("task modal", fingerprint(slack_core) == before and not shows_a(answer),
             f"stranger's own form: {answer[:200]}")

    # the Edit form: filled in with the task, so only for readers; its metadata is sealed
    edit_view = await _open_modal(slack, PEOPLE["ar"], "task 1 edit")
    category("edit modal", edit_view["callback_id"] == "kam.task_edit", "the AR's Edit form")
    new_title = {"title": {"value": {"type": "plain_text_input", "value": "Edited by a stranger"}}}
    parts = edit_view["private_metadata"].split(SEP)
    extra = {**json.loads(base64.urlsafe_b64decode(parts[6] + "=" * (-len(parts[6]) % 4))),
             "number": "2"}
    parts[6] = base64.urlsafe_b64encode(json.dumps(extra).encode()).decode().rstrip("=")
    for what, view, who in (("the AR's Edit form submitted by a stranger", edit_view, EVE),
                            ("the Edit form with its task number altered",
                             {**edit_view, "private_metadata": SEP.join(parts)}, PEOPLE["ar"])):
        before = fingerprint(slack_core)
        answer = await submit(view, new_title, who)
        category("edit modal", refused(answer) and fingerprint(slack_core) == before,
                 f"{what}: {answer[:300]}")
    opened = len(slack.fake.calls_to("views.open"))
    answer = await command(slack, EVE, "task 1 edit")
    category("edit modal", len(slack.fake.calls_to("views.open")) == opened
             and not shows_a(answer), f"a stranger's Edit elsewhere: {answer[:200]}")

    # reassign: a modal opened by the AR's Reassign button
    _, blocks = await _buttons(slack, PEOPLE["ar"])
    await probe(slack, lambda: slack.click({"ts": "1.1", "blocks": blocks},
                                           button(blocks, "reassign 1"), user=PEOPLE["ar"].user))
    reassign = slack.fake.calls_to("views.open")[-1].json("view")
    owner = {"role": {"value": {"type": "static_select", "selected_option": {"value": "FR"}}}}
    rmeta = reassign["private_metadata"]
    claimed = peek(rmeta)
    assert claimed is not None and claimed.extra.get("number") == "1"
    other_number = SEP.join(rmeta.split(SEP)[:6] + [rmeta.split(SEP)[6][::-1]]
                            + rmeta.split(SEP)[7:])
    for what, view, who in (("by a stranger", reassign, EVE),
                            ("with its metadata altered", {**reassign,
                                                           "private_metadata": other_number},
                             PEOPLE["ar"])):
        before = fingerprint(slack_core)
        answer = await submit(view, owner, who)
        category("reassign modal", refused(answer) and fingerprint(slack_core) == before,
                 f"{what}: {answer[:300]}")
    # a forged Reassign button opens no modal
    opened = len(slack.fake.calls_to("views.open"))
    forged_button = with_value(button(blocks, "reassign 1"), "reassign 1")
    await probe(slack, lambda: slack.click({"ts": "1.2", "blocks": blocks}, forged_button,
                                           user=EVE.user, channel=FREE))
    category("reassign modal", len(slack.fake.calls_to("views.open")) == opened,
             "a forged Reassign button opened a modal")
    answer = await submit(reassign, owner, PEOPLE["ar"])
    category("reassign modal", not refused(answer) and _task(slack_core, 1).role == "FR",
             f"the AR's own reassign: {answer[:200]}")

    # the shortcut: a member saves a message as a note; a stranger's form does not reach A
    message = {"type": "message", "ts": "1700000001.000100", "user": PEOPLE["member"].user,
               "text": "Met Acme's CIO"}
    await probe(slack, lambda: slack.shortcut(message, user=PEOPLE["member"].user, channel=A))
    note_view = slack.fake.calls_to("views.open")[-1].json("view")
    text = {"note": {"value": {"type": "plain_text_input", "value": "Shortcut note"}}}
    for what, who in (("a stranger submits the member's note form", EVE),):
        before = fingerprint(slack_core)
        answer = await submit(note_view, text, who)
        category("shortcut", refused(answer) and fingerprint(slack_core) == before,
                 f"{what}: {answer[:300]}")
    answer = await submit(note_view, text, PEOPLE["member"])
    category("shortcut", not refused(answer) and "Shortcut note" in _notes(slack_core),
             f"the member's note: {answer[:200]}")
    await probe(slack, lambda: slack.shortcut(message, user=EVE.user, channel=FREE))
    free_view = slack.fake.calls_to("views.open")[-1].json("view")
    before = fingerprint(slack_core)
    answer = await submit(free_view, text, EVE)
    category("shortcut", fingerprint(slack_core) == before and not shows_a(answer),
             f"a stranger's note elsewhere: {answer[:200]}")
    assert not probes.failures, "\n".join(probes.failures)
