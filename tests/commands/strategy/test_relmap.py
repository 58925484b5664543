"""The relationship map: decision roles, reports-to tree, our owners, contact, the gaps and
the power / interest grid, in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from commands.strategy import relmap
from storage.models import Stakeholder
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def _row(id_: int, name: str, **kw: object) -> Stakeholder:
    return Stakeholder(id=id_, account_id=1, name=name, name_key=name.lower(), **kw)  # type: ignore[arg-type]


def test_the_chain_is_a_tree_and_survives_a_loop() -> None:
    rows = [_row(1, "CEO", power=5), _row(2, "CIO", reports_to_id=1, power=4),
            _row(3, "IT lead", reports_to_id=2), _row(4, "CFO", reports_to_id=1, power=5),
            _row(5, "A", reports_to_id=6), _row(6, "B", reports_to_id=5)]
    nodes = [(n.stakeholder.name, n.depth) for n in relmap.chain(rows)]
    assert nodes == [("CEO", 0), ("CFO", 1), ("CIO", 1), ("IT lead", 2), ("A", 0), ("B", 1)]


def test_gaps_on_known_data() -> None:
    today = date(2026, 11, 24)
    rows = [_row(1, "Wang", decision_role="decision_maker"),
            _row(2, "Li", reports_to_id=1, stance="blocker"),
            _row(3, "Zhou", reports_to_id=1, stance="champion", owner_id=7,
                 last_contact_on=today - timedelta(days=61)),
            _row(4, "Sun", reports_to_id=3, stance="champion", owner_id=7,
                 last_contact_on=today - timedelta(days=59))]
    found = [(g.code, g.values) for g in relmap.gaps(rows, today=today)]
    assert found == [
        ("dm_unowned", {"name": "Wang"}),
        ("blocker_unowned", {"name": "Li"}),
        ("champion_cold", {"name": "Zhou", "days": 61}),
        ("level_unowned", {"level": 1, "names": "Wang"}),
    ]
    assert [g.code for g in relmap.gaps([_row(1, "X", owner_id=2)], today=today)] == [
        "no_decision_maker"]
    assert relmap.gaps([], today=today) == []


def test_stakeholders_show_the_chain_and_its_gaps(acme: Conversation) -> None:
    acme.say('stakeholder add "Wang Jun" title=CEO decision=decision-maker power=5 interest=3')
    acme.say('stakeholder add "Li Wei" title=CIO role=influencer power=4 interest=5 '
             'stance=champion reports_to="Wang Jun" owner=@bob')
    acme.say('stakeholder add "Zhou Min" title=Procurement power=3 interest=2 stance=blocker '
             'reports_to="Li Wei"')
    text = acme.text("stakeholders")
    assert "Wang Jun · CEO · decision-maker · power 5 / interest 3 · nobody of ours" in text
    assert "    └ Li Wei · CIO · influencer · power 4 / interest 5 · champion · ours: bob" in text
    assert "        └ Zhou Min · Procurement" in text
    assert "Nobody of ours holds the relationship with the decision-maker Wang Jun" in text
    assert "Zhou Min is a blocker nobody owns" in text
    assert "Champion Li Wei has no contact on record" in text
    assert "Level 1 of the chain (Wang Jun) has nobody of ours on it." in text
    # Contact and owners close the gaps.
    assert "Contact with Li Wei recorded on 2026-11-20" in acme.text("stakeholder Li Wei met 2026-11-20")
    acme.say('stakeholder add "Wang Jun" owner=@dana')
    acme.say('stakeholder add "Zhou Min" owner=@alice')
    assert "No gaps" in acme.text("stakeholders")
    assert "Relationship map: 3 people, 0 gap(s)" in acme.text("account").replace("  ", "").replace(" :", ":")


def test_bad_map_input_is_explained_and_changes_nothing(acme: Conversation) -> None:
    acme.say('stakeholder add "Wang Jun"')
    acme.say('stakeholder add "Li Wei" reports_to="Wang Jun"')
    assert "is not a role in the decision" in acme.text('stakeholder add "Li Wei" decision=boss')
    loop = acme.say('stakeholder add "Wang Jun" reports_to="Li Wei"')
    assert loop.is_error and "already reports to Wang Jun" in loop.title
    assert acme.say('stakeholder add "Li Wei" reports_to="Nobody"').is_error
    assert "is not a past day" in acme.text("stakeholder Li Wei met tomorrow")
    assert acme.say("stakeholder Nobody met").is_error
    assert "    └ Li Wei" in acme.text("stakeholders")


def test_met_and_undo(acme: Conversation) -> None:
    acme.say('stakeholder add "Li Wei" stance=champion owner=@bob')
    acme.say("stakeholder Li Wei met")
    assert "met 0 days ago" in acme.text("stakeholders")
    acme.say("undo")
    assert "met 0 days ago" not in acme.text("stakeholders")
    # Removing a manager leaves their people in the chain; undo brings the manager back.
    acme.say('stakeholder add "Wang Jun"')
    acme.say('stakeholder add "Li Wei" reports_to="Wang Jun"')
    acme.say('stakeholder remove "Wang Jun"')
    assert "Wang Jun" not in acme.text("stakeholders")
    acme.say("undo")
    assert "Wang Jun" in acme.text("stakeholders")


def test_the_grid_is_a_png(acme: Conversation) -> None:
    acme.say('stakeholder add "Wang Jun" power=5 interest=3 stance=supporter')
    acme.say('stakeholder add "Li Wei" power=5 interest=3 stance=blocker')
    acme.say('stakeholder add "Zhou Min"')
    reply = acme.say("stakeholders grid")
    [png] = reply.attachments
    assert png.mime == "image/png" and png.content[:4] == b"\x89PNG" and len(png.content) > 5000
    text = reply.plain_text()
    assert "2 stakeholder(s) on the grid" in text and "Not on the grid" in text and "Zhou Min" in text
    assert any(b.command == "stakeholders grid" for b in acme.say("stakeholders").buttons)


def test_the_map_in_chinese(acme: Conversation) -> None:
    acme.say("account set lang=zh")
    acme.say('干系人 add "王军" 职位=总裁 决策角色=决策者 权力=5 兴趣=4')
    acme.say('干系人 add "李伟" 角色=影响者 态度=拥护者 汇报给="王军" 负责人=@bob')
    text = acme.text("干系人")
    assert "王军 · 总裁 · 决策者 · 权力 5 / 兴趣 4 · 我方无人对接" in text
    assert "└ 李伟 · 影响者 · 拥护者 · 我方：bob" in text
    assert "我方无人与决策者 王军 建立关系" in text
    assert "已记录" in acme.text("干系人 李伟 见过 昨天")
    reply = acme.say("干系人 矩阵")
    assert reply.attachments and reply.attachments[0].content[:4] == b"\x89PNG"
