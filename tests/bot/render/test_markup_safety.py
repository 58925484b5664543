"""No text from a person or a model becomes a broadcast, a mention or a link on any platform.

Property tests over hostile text (Slack and Telegram markup, nesting tricks, full-width
look-alikes, lone surrogates) put anywhere a Reply holds text: only the mentions kambot
itself sealed (bot.messages.person_mention) come out live.
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages import Button, Item, Reply, Section, person_mention
from bot.render.plain import render_plain
from bot.render.slack import render_slack
from bot.render.telegram import render_telegram

HOSTILE = [
    "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@team>", "<!here|here>",
    "<@U123>", "<@W999|boss>", "<#C123|general>", "<https://evil.example|click>",
    "<mailto:a@b.c|mail>", "@channel", "@here", "@everyone", "@bob_sr", "<!chan", "nel>",
    "<", ">", "&", "&lt;!channel&gt;", "＜!channel＞", "<a href=\"tg://user?id=1\">x</a>",
    "<b>", "</b>", "<i>", "tg://user?id=42", "\ud800", "\udfff", "\ue000", "\ue001",
    "\ue000deadbeef\x1fslack\x1fU1\x1f\x1fx\ue001", "*", "_", "`", "~", "\n", " ", "x", "中文",
    "😀", "\u2060", "@", "!", "|", "^",
]
hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), max_size=30).map("".join)

# A live Slack token: a mention, broadcast, channel or link in angle brackets.
_SLACK_LIVE = re.compile(r"<[@!#]|<(?:https?|mailto|tel):")
_SLACK_AT = re.compile(r"(?<![\w@.+\-])@(?:channel|here|everyone)\b")
_TG_TAG = re.compile(r"<(/?)([a-z]+)")
_TG_MENTION = re.compile(r"(?<![\w@.+\-\u2060])@\w")


def reply_of(text: str, *, mention: str = "") -> Reply:
    return Reply(
        title=text,
        sections=[Section(title=text, text=f"{mention}{text}", fields=[(text, text)],
                          items=[Item(text), Item(text, buttons=[Button(text, "done 1")])])],
        buttons=[Button(text, f"task {text}"[:60])],
        footer=text,
    )


def slack_texts(blocks: list[dict]) -> list[str]:
    """Every mrkdwn string in the blocks (what Slack parses for mentions and links)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
                assert node.get("verbatim") is True
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_slack_never_sends_a_live_token_it_did_not_make(text):
    for msg in render_slack(reply_of(text)):
        json.dumps(msg.blocks, ensure_ascii=False).encode("utf-8")  # no lone surrogate left
        msg.text.encode("utf-8")
        for mrkdwn in [*slack_texts(msg.blocks), msg.text]:
            assert not _SLACK_LIVE.search(mrkdwn), mrkdwn
            assert not _SLACK_AT.search(mrkdwn), mrkdwn


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_slack_keeps_kambots_own_mention_live(text):
    mine = person_mention("slack", "U0ALICE", name="Alice")
    live = []
    for msg in render_slack(reply_of(text, mention=mine)):
        for mrkdwn in slack_texts(msg.blocks):
            live += re.findall(r"<[@!#][^>]*>", mrkdwn)
    assert live and set(live) == {"<@U0ALICE>"}


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_telegram_html_has_only_its_own_tags_and_no_pings(text):
    mine = person_mention("telegram", "42", username="alice_ar", name="Alice")
    messages = render_telegram(reply_of(text, mention=mine))
    pings = []
    for msg in messages:
        msg.html.encode("utf-8")
        for row in msg.keyboard:
            for button in row:
                button.text.encode("utf-8")
                button.callback_data.encode("utf-8")
        tags = {m.group(2) for m in _TG_TAG.finditer(msg.html)}
        assert tags <= {"b", "i"}, msg.html
        pings += _TG_MENTION.findall(msg.html)
    assert set(pings) == {"@a"}  # @alice_ar, kambot's own; nothing else pings


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_console_shows_text_as_written(text):
    out = render_plain(Reply(title=text))
    out.encode("utf-8")
    assert "\ue000" not in out and "\ue001" not in out


def test_a_broadcast_in_a_stored_title_is_quoted_back_inert(chat):
    chat.say('account new "Acme"')
    chat.say('task "Ping <!channel> and @here and <@U1> about <https://x.example|this>"')
    reply = chat.say("open")
    [msg] = render_slack(reply)
    for mrkdwn in slack_texts(msg.blocks) + [msg.text]:
        assert not _SLACK_LIVE.search(mrkdwn) and not _SLACK_AT.search(mrkdwn)
    html = "".join(m.html for m in render_telegram(reply))
    assert "&lt;!channel&gt;" in html and "@\u2060here" in html


def test_lone_surrogates_render_everywhere():
    reply = reply_of("a\ud800b\udfffc\ud83d\ude00")
    assert "a\ufffdb\ufffdc😀" in render_telegram(reply)[0].html
    assert all(json.dumps(m.blocks, ensure_ascii=False).encode() for m in render_slack(reply))
    assert "a\ufffdb" in render_plain(reply)


# --- commands composed from stored or model text ------------------------------------------

title_text = st.lists(st.sampled_from(['"', "＂", "“", "”", "「", "」", "『", "』", "«", "»", "'",
                                       " shared ", " owner=SR ", "due=2026-01-01", "共享", "＝",
                                       "\u3000", "\n", "x", "中"]) | st.text(max_size=6),
                      max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(title_text)
def test_a_quoted_title_is_one_argument_whatever_it_holds(title):
    from commands.parsing import fold_width, parse_command, quote_arg

    args = parse_command("task " + quote_arg(title) + " owner=AR")
    expected = " ".join(fold_width(title).split())
    assert args.options == {"owner": "AR"}
    if expected:
        assert args.words == [expected] or args.words == [expected.replace('"', "'")]
        assert args.quoted == [True]


def test_a_full_width_quote_in_a_proposed_title_does_not_share_the_task():
    from commands.ask.summarize import ProposedAction
    from commands.parsing import parse_command

    action = ProposedAction('Fix＂ shared ＂internal margin', "SR", None)
    args = parse_command(action.command())
    assert "shared" not in args.options and args.words == ['Fix" shared "internal margin']
    assert args.options == {"owner": "SR"}
    owner = ProposedAction("x", "<@U1|a shared b>", None).command()
    assert parse_command(owner).options == {"owner": "<@U1|a shared b>"}


def test_an_at_before_a_forged_mention_stays_quiet_on_every_platform() -> None:
    # Found by the property test above: "@" typed before a forged token made "@x" once the
    # token fell back to its name, because the two were quietened apart.
    forged = "@\ue000deadbeef\x1fslack\x1fU1\x1f\x1fx\ue001"
    html = "".join(m.html for m in render_telegram(reply_of(forged)))
    assert "x" in html and not _TG_MENTION.search(html)
    for msg in render_slack(reply_of(forged)):
        for mrkdwn in [*slack_texts(msg.blocks), msg.text]:
            assert not _SLACK_LIVE.search(mrkdwn) and not _SLACK_AT.search(mrkdwn)
