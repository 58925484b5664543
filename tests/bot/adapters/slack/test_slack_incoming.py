"""Pure translation of Slack payloads and modal state: no network, no bolt."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters import slack_incoming as inc
from bot.adapters import slack_views as views
from bot.adapters.slack_handlers import modal_command, view_command
from bot.adapters.slack_post import pressed_blocks, with_reassign
from bot.clock import FixedClock
from bot.messages import Button, Item, Reply, Section, User
from bot.seals import Seals
from commands.i18n import Translator
from tests.fakes.slack_api import check_view


def test_mentions_are_normalised_and_resolved():
    text, mentions = inc.normalize_mentions("triangle AR=<@U1|ann> SR=<@W2>",
                                            lambda uid: User(uid, f"name-{uid}"))
    assert text == "triangle AR=<@U1> SR=<@W2>"
    assert mentions["<@U1>"].name == "name-U1" and mentions["<@W2>"].id == "W2"
    _, bare = inc.normalize_mentions("<@U1|ann>")
    assert bare["<@U1>"].name == "ann"


def test_slash_command_key_and_default_verb():
    form = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": "", "trigger_id": "tr1",
            "channel_name": "acme"}
    incoming = inc.from_slash_command(form)
    assert (incoming.text, incoming.key, incoming.workspace) == ("help", "cmd:tr1", "T1")


def test_mention_and_dm_collapse_on_channel_and_ts():
    base = {"user": "U1", "text": "<@UBOT> what's open?", "ts": "1.5", "channel": "D1", "team": "T1"}
    mention = inc.from_message_event({**base, "type": "app_mention"}, team_id="T1", bot_user_id="UBOT")
    message = inc.from_message_event({**base, "type": "message", "channel_type": "im"},
                                     team_id="T1", bot_user_id="UBOT")
    assert mention and message and mention.key == message.key == "msg:D1:1.5"
    assert mention.text == "ask what's open?" and mention.thread == "1.5"


def test_what_the_bot_ignores():
    def ev(**kw):
        return inc.from_message_event({"type": "message", "channel_type": "im", "user": "U1",
                                       "text": "hi", "ts": "1", "channel": "D1", **kw},
                                      team_id="T", bot_user_id="UBOT")
    assert ev(subtype="message_changed") is None
    assert ev(bot_id="B1") is None
    assert ev(user="UBOT") is None
    assert ev(channel_type="channel") is None
    assert ev(text="help tasks").text == "help tasks"


def test_action_key_is_action_ts_and_user():
    payload = {"user": {"id": "U1", "team_id": "T1"}, "channel": {"id": "C1"}, "team": {"id": "T1"},
               "message": {"thread_ts": "9.9"}}
    incoming = inc.from_action(payload, {"action_ts": "5.5"}, "done 3")
    assert (incoming.key, incoming.text, incoming.thread) == ("act:5.5:U1", "done 3", "9.9")


def test_modal_commands_and_views_are_valid():
    t = Translator("zh")
    assert modal_command("task") == ("task", None)
    assert modal_command("reassign #4") == ("reassign", 4)
    assert modal_command('task "x"') is None
    meta = "k1~" + "m" * 200  # a seal's length (bot/seals.py makes real ones)
    for view in (views.task_modal(t, metadata=meta), views.note_modal(t, metadata=meta, initial="x" * 5000),
                 views.reassign_modal(t, number=4, metadata=meta)):
        assert not check_view(view), check_view(view)
    state = {"title": {"value": {"value": 'Fix "it"'}}, "person": {"value": {"selected_user": "U9"}},
             "role": {"value": {"selected_option": {"value": "SR"}}},
             "due": {"value": {"selected_date": "2026-12-01"}}, "shared": {"value": {"selected_options": []}}}
    assert views.task_command(state) == 'task “Fix "it"” owner=<@U9> due=2026-12-01'
    sealed = Seals(clock=FixedClock(datetime(2026, 11, 24, tzinfo=UTC)), key=lambda: b"k" * 32).seal(
        purpose="modal:kam.reassign", platform="slack", channel="C1", user="U1",
        extra={"number": "4"}, carry_channel=True)
    reassign = {**views.reassign_modal(t, number=4, metadata=sealed), "state": {"values": {
        "role": {"value": {"selected_option": {"value": "FR"}}}}}}
    assert view_command(reassign) == "reassign 4 owner=FR"


def test_pressed_button_leaves_a_trace_and_reassign_is_added():
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "• #1"},
               "accessory": {"type": "button", "action_id": "kam.cmd.0", "value": "done 1"}},
              {"type": "actions", "elements": [{"type": "button", "action_id": "kam.cmd.1"},
                                               {"type": "button", "action_id": "kam.cmd.2"}]}]
    first = pressed_blocks(blocks, "kam.cmd.0", "✔ by <@U1>")
    assert first is not None and "accessory" not in first[0] and "<@U1>" in first[0]["text"]["text"]
    second = pressed_blocks(blocks, "kam.cmd.2", "note")
    assert second is not None and [b["type"] for b in second] == ["section", "actions", "context"]
    assert pressed_blocks(blocks, "kam.cmd.9", "x") is None
    reply = Reply(sections=[Section(items=[Item("#1", [Button("Done", "done 1")])])],
                  buttons=[Button("Done", "done 2")])
    extended = with_reassign(reply, Translator("en"))
    assert [b.command for b in extended.sections[0].items[0].buttons] == ["done 1", "reassign 1"]
    assert [b.command for b in extended.buttons] == ["done 2", "reassign 2"]


def test_home_view_stays_inside_the_view_limits():
    from datetime import date

    from commands.home import Home, HomeAccount, HomeTask
    from storage.models import Account, Person, Task

    account = Account(id=1, name="Acme <Corp>", name_key="acme")
    tasks = [HomeTask(Task(account_id=1, number=i, title=f"Task {i}" + "x" * 200, role="SR",
                           due_date=date(2026, 11, 1), created_at=datetime(2026, 1, 1, tzinfo=UTC)),
                      account, "C1" if i % 2 else None, True) for i in range(120)]
    accounts = [HomeAccount(Account(id=n, name=f"A{n}", name_key=f"a{n}"), ["AR", "FR"], "red", "C1")
                for n in range(300)]
    home = Home(person=Person(platform="slack", user_id="U1"), tasks=tasks, accounts=accounts)
    view = views.home_view(Translator("en"), home, now=datetime(2026, 11, 24, 10, tzinfo=UTC),
                           seal=lambda item, command: "k1~" + "s" * 60 + command)
    assert not check_view(view), check_view(view)
    text = str(view)
    assert "and 80 more" in text and "Acme &lt;Corp&gt;" in text


def test_slack_markup_is_unescaped_into_plain_words():
    text, mentions = inc.normalize_mentions(
        "note R&amp;D with <@U1|ann> in <#C9|acme-team>: see <https://x.io/a|the deck> and "
        "<https://x.io/b>, mail <mailto:li@x.io|li@x.io>, <!here> <!subteam^S1|@sales> 1 &lt; 2")
    assert text == ("note R&D with <@U1> in #acme-team: see the deck (https://x.io/a) and "
                    "https://x.io/b, mail li@x.io, @here @sales 1 < 2")
    assert set(mentions) == {"<@U1>"}


def test_a_dm_is_answered_inline_and_a_channel_question_in_its_thread():
    dm = inc.from_message_event({"type": "message", "channel_type": "im", "user": "U1", "text": "hi",
                                 "ts": "3.3", "channel": "D1"}, team_id="T", bot_user_id="UBOT")
    threaded = inc.from_message_event({"type": "message", "channel_type": "im", "user": "U1",
                                       "text": "hi", "ts": "3.4", "thread_ts": "3.0", "channel": "D1"},
                                      team_id="T", bot_user_id="UBOT")
    assert dm and dm.thread is None and threaded and threaded.thread == "3.0"


def test_display_names_are_cached_for_their_ttl(fake_slack):
    from bot.adapters.slack_post import Directory, make_client

    now = [0.0]
    fake_slack.users["U7"] = {"name": "li", "real_name": "Li Wei", "display_name": ""}
    directory = Directory(make_client("xoxb-test", fake_slack.url), ttl=60, now=lambda: now[0])
    assert directory.user("U7") == User("U7", "Li Wei", "li")
    now[0] = 59
    directory.user("U7")
    assert len(fake_slack.calls_to("users.info")) == 1
    now[0] = 61
    directory.user("U7")
    assert len(fake_slack.calls_to("users.info")) == 2
    fake_slack.queue_error("users.info", "user_not_found")
    assert directory.user("U8") == User("U8")  # unknown: the id stands in, nothing cached
