"""Telegram HTML rendering: escaping, splitting under 4096, keyboards, callback data."""

from __future__ import annotations

from bot.messages import Attachment, Button, Item, Reply, Section, Tone
from bot.render.telegram import (
    CALLBACK_DATA_LIMIT,
    MAX_BUTTONS,
    CallbackStore,
    caption_html,
    render_telegram,
    tg_len,
)
from tests.fakes.telegram_api import html_visible_length


def test_text_is_escaped_and_structured() -> None:
    reply = Reply(
        title="Acme <Corp> & Co",
        tone=Tone.SUCCESS,
        sections=[
            Section(title="R&D", text="a < b > c\nsecond line",
                    fields=[("Tier", "<core>")], items=[Item("#3 Fix \"quote\" & bid")]),
        ],
        footer="as of 2026-11-24",
    )  # fmt: skip
    [message] = render_telegram(reply)
    assert message.html.splitlines() == [
        "✔ <b>Acme &lt;Corp&gt; &amp; Co</b>",
        "",
        "<b>R&amp;D</b>",
        "a &lt; b &gt; c",
        "second line",
        "<b>Tier</b>: &lt;core&gt;",
        '• #3 Fix "quote" &amp; bid',
        "",
        "<i>as of 2026-11-24</i>",
    ]
    html_visible_length(message.html)  # well-formed for Telegram
    assert message.keyboard == []


def test_long_replies_split_under_the_limit_at_line_boundaries() -> None:
    items = [Item(f"#{n} call the customer about <renewal> & payment " + "x" * 40,
                  [Button("Done", f"done {n}")]) for n in range(1, 301)]  # fmt: skip
    messages = render_telegram(Reply(title="Open", sections=[Section(items=items)]))
    assert len(messages) > 1
    seen = []
    for message in messages:
        assert html_visible_length(message.html) <= 4096
        lines = message.html.splitlines()
        assert all(line.startswith(("•", "<b>")) for line in lines if line)
        # each message carries the buttons of exactly the items it shows
        numbers = [line.split()[1] for line in lines if line.startswith("•")]
        assert [b.text for row in message.keyboard for b in row] == [
            f"Done {n[1:]}" for n in numbers
        ]
        assert sum(len(row) for row in message.keyboard) <= MAX_BUTTONS
        seen += numbers
    assert seen == [f"#{n}" for n in range(1, 301)]


def test_a_single_huge_line_is_cut_without_breaking_entities() -> None:
    text = "&<>" * 3000 + " 铁三角" * 500
    messages = render_telegram(Reply(sections=[Section(text=text)]))
    assert len(messages) >= 3
    total = 0
    for message in messages:
        length = html_visible_length(message.html)
        assert 0 < length <= 4096
        total += length
    assert total >= tg_len(text) - len(messages)  # only the spaces at cuts are dropped


def test_buttons_use_the_command_or_a_short_token() -> None:
    store = CallbackStore()
    long_command = 'task "' + "call the sponsor about the renewal " * 3 + '" owner=AR'
    reply = Reply(
        sections=[Section(items=[Item("#1 a", [Button("Done", "done 1")])])],
        buttons=[Button("Add it", long_command)],
    )
    [message] = render_telegram(reply, callbacks=store)
    datas = [b.callback_data for row in message.keyboard for b in row]
    assert datas[0] == "done 1"
    assert len(datas[1].encode()) <= CALLBACK_DATA_LIMIT
    assert store.decode(datas[1]) == long_command
    assert store.decode("done 1") == "done 1"
    assert CallbackStore().decode(datas[1]) is None  # a token from another process
    markup = message.reply_markup()
    assert markup == {"inline_keyboard": [[{"text": "Done", "callback_data": "done 1"}],
                                          [{"text": "Add it", "callback_data": datas[1]}]]}  # fmt: skip


def test_same_labels_are_told_apart() -> None:
    reply = Reply(sections=[Section(items=[
        Item("#1 a", [Button("Done", "done 1")]), Item("#2 b", [Button("Done", "done 2")]),
    ])])  # fmt: skip
    [message] = render_telegram(reply)
    assert [row[0].text for row in message.keyboard] == ["Done 1", "Done 2"]


def test_attachment_only_reply_has_no_text_message_and_captions_are_cut() -> None:
    reply = Reply(attachments=[Attachment("h.png", b"png", "image/png", "Health")])
    assert render_telegram(reply) == []
    caption = caption_html("<" * 2000)
    assert html_visible_length(caption) <= 1024
    assert caption.endswith("…")
