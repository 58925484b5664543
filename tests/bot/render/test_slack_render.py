"""Reply -> Block Kit: native look, and never over a Slack limit whatever the reply holds."""

from __future__ import annotations

from bot.messages import Button, Item, Reply, Section, Style, Tone, person_mention
from bot.render.slack import ACTION_PREFIX, action_command, escape, render_slack, split_text
from tests.fakes.slack_api import MESSAGE_BLOCKS, check_blocks


def ok(messages):
    for m in messages:
        assert not check_blocks(m.blocks, limit=MESSAGE_BLOCKS, where="msg"), m.blocks
        assert m.text
    return messages


def test_title_sections_fields_footer():
    reply = Reply(
        title="Acme Corp",
        tone=Tone.SUCCESS,
        sections=[Section(title="Health", text="Green & steady <b>", fields=[("Tier", "core"), ("AR", person_mention("slack", "U1"))])],
        footer="3 open tasks",
    )
    [msg] = ok(render_slack(reply))
    kinds = [b["type"] for b in msg.blocks]
    assert kinds == ["header", "section", "section", "section", "context"]
    assert msg.blocks[0]["text"]["text"] == ":white_check_mark: Acme Corp"
    assert msg.blocks[2]["text"]["text"] == "Green &amp; steady &lt;b&gt;"
    assert msg.blocks[3]["fields"][1]["text"] == "*AR*\n<@U1>"
    assert "Acme Corp" in msg.text


def test_buttons_carry_the_command_and_unique_action_ids():
    reply = Reply(
        sections=[Section(items=[
            Item("#1 Send quote", [Button("Done", "done 1", Style.PRIMARY)]),
            Item("#2 Renewal call", [Button("Done", "done 2"), Button("Reassign", "reassign 2")]),
            Item("#3 no buttons"),
        ])],
        buttons=[Button("New task", "task")],
    )
    [msg] = ok(render_slack(reply))
    assert len(msg.blocks) == 4  # one block per item, whatever its buttons, and the actions
    elements = [b["accessory"] for b in msg.blocks if "accessory" in b]
    elements += [e for b in msg.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["type"] for e in elements] == ["button", "overflow", "button"]
    assert elements[0]["value"] == "done 1" and elements[0]["style"] == "primary"
    assert [o["value"] for o in elements[1]["options"]] == ["done 2", "reassign 2"]
    assert elements[2]["value"] == "task"
    ids = [e["action_id"] for e in elements]
    assert len(set(ids)) == len(ids) and all(i.startswith(ACTION_PREFIX) for i in ids)
    assert action_command({"selected_option": elements[1]["options"][1]}) == ("reassign 2", "Reassign")


def test_long_text_is_split_across_sections():
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(200))  # ~20 000 chars
    [msg] = ok(render_slack(Reply(sections=[Section(text=text)])))
    joined = "\n".join(b["text"]["text"] for b in msg.blocks)
    assert joined == text
    assert all(len(b["text"]["text"]) <= 3000 for b in msg.blocks)


def test_one_huge_line_is_cut_hard():
    assert all(len(c) <= 3000 for c in split_text("y" * 10_000))
    assert "".join(split_text("y" * 10_000)) == "y" * 10_000


def test_many_items_with_buttons_split_over_messages_never_over_50_blocks():
    many = [Button(f"B{j}", f"cmd{j} {{i}}") for j in range(6)]  # too many for a ⋯ menu
    items = [Item(f"#{i} task", [Button(b.label, b.command.format(i=i)) for b in many])
             for i in range(60)]
    messages = ok(render_slack(Reply(title="Tasks", sections=[Section(items=items)])))
    assert len(messages) == 3
    assert all(len(m.blocks) <= 50 for m in messages)
    values = [e["value"] for m in messages for b in m.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values[:2] == ["cmd0 0", "cmd1 0"] and len(values) == 360
    for m in messages:  # an item's line and its buttons stay together
        assert m.blocks[-1]["type"] == "actions"


def test_a_long_task_list_with_menus_fits_one_message():
    items = [Item(f"#{i} task", [Button("Done", f"done {i}"), Button("Reassign", f"reassign {i}")])
             for i in range(45)]
    [msg] = ok(render_slack(Reply(title="Open", sections=[Section(items=items)])))
    assert len(msg.blocks) == 46


def test_enormous_reply_is_summarised():
    items = [Item(f"#{i}", [Button("Done", f"done {i}")]) for i in range(500)]
    messages = ok(render_slack(Reply(sections=[Section(items=items)]), omitted=lambda n: f"{n} more"))
    assert len(messages) == 4
    last = messages[-1].blocks[-1]
    assert last["type"] == "context" and last["elements"][0]["text"].endswith("more")


def test_header_and_button_label_are_clipped():
    reply = Reply(title="T" * 400, buttons=[Button("L" * 200, "help")] * 30)
    [msg] = ok(render_slack(reply))
    assert len(msg.blocks[0]["text"]["text"]) == 150
    assert sum(len(b["elements"]) for b in msg.blocks if b["type"] == "actions") == 30


def test_escape_keeps_only_kambots_own_mentions():
    mine = person_mention("slack", "U12AB", name="Ann")
    assert escape(f"{mine} & <#C1|general> <script>") == "<@U12AB> &amp; &lt;#C1|general&gt; &lt;script&gt;"
    # Typed, stored or written by a model: shown as text, never a live token.
    assert escape("<@U12AB> <!channel> @here") == "&lt;@\u2060U12AB&gt; &lt;!channel&gt; @\u2060here"


def test_empty_reply_is_still_a_valid_message():
    [msg] = ok(render_slack(Reply()))
    assert msg.blocks
