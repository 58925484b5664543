"""commands.routing: role names in both languages and routing a task by its wording."""

from __future__ import annotations

import pytest

from commands.routing import Route, parse_role, route_task


@pytest.mark.parametrize(
    ("token", "role"),
    [
        ("AR", "AR"),
        ("ar", "AR"),
        ("Ar", "AR"),
        ("ＡＲ", "AR"),
        ("account", "AR"),
        ("Account Manager", "AR"),
        ("客户经理", "AR"),
        ("客户负责人", "AR"),
        ("SR", "SR"),
        ("ｓｒ", "SR"),
        ("solution", "SR"),
        ("解决方案经理", "SR"),
        ("方案经理", "SR"),
        ("FR", "FR"),
        ("fulfillment", "FR"),
        ("fulfilment", "FR"),
        ("delivery", "FR"),
        ("交付经理", "FR"),
        ("交付负责人", "FR"),
        ("sponsor", "SPONSOR"),
        ("Executive  Sponsor", "SPONSOR"),
        ("高层负责人", "SPONSOR"),
        ("高层", "SPONSOR"),
        ("  sr  ", "SR"),
        ("\u3000交付经理\u3000", "FR"),
    ],
)
def test_parse_role(token: str, role: str) -> None:
    assert parse_role(token) == role


@pytest.mark.parametrize("token", ["", "bob", "@bob", "ARR", "A R", "经理", "sales", "PM", "😀"])
def test_parse_role_unknown(token: str) -> None:
    assert parse_role(token) is None


@pytest.mark.parametrize(
    ("title", "role", "keyword"),
    [
        # AR
        ("Strengthen the relationship with the CIO", "AR", "relationship"),
        ("Send the contract to legal", "AR", "contract"),
        ("Chase payment for Q3", "AR", "payment"),
        ("Resend invoices", "AR", "invoices"),
        ("Collection plan for overdue amounts", "AR", "Collection"),
        ("Prepare renewals for 2027", "AR", "renewals"),
        ("Renew the support agreement", "AR", "Renew"),
        ("Negotiate the discount", "AR", "Negotiate"),
        ("Plan an executive visit", "AR", "executive"),
        ("Upsell the analytics module", "AR", "Upsell"),
        ("Qualify the new opportunity", "AR", "opportunity"),
        # SR
        ("Collect requirements", "SR", "requirements"),
        ("Solution review", "SR", "Solution"),
        ("Design the integration", "SR", "Design"),
        ("Send quotes to Acme", "SR", "quotes"),
        ("Update the quotation", "SR", "quotation"),
        ("Prepare the bid", "SR", "bid"),
        ("Answer the RFP", "SR", "RFP"),
        ("Review the tender documents", "SR", "tender"),
        ("Write the proposal", "SR", "proposal"),
        ("Fix the technical issue", "SR", "technical"),
        ("Demo the new dashboard", "SR", "Demo"),
        ("Set up a POC", "SR", "POC"),
        ("Architecture review", "SR", "Architecture"),
        # FR
        ("Schedule delivery", "FR", "delivery"),
        ("Hardware delivered late", "FR", "delivered"),
        ("Installing the servers", "FR", "Installing"),
        ("Check logistics", "FR", "logistics"),
        ("Track the shipment", "FR", "shipment"),
        ("Sign the acceptance certificate", "FR", "acceptance"),
        ("Deploy v2", "FR", "Deploy"),
        ("Roll out to all sites", "FR", "Roll out"),
        ("Close incident 42", "FR", "incident"),
        ("Escalate the ticket", "FR", "ticket"),
        ("Improve support response", "FR", "support"),
        ("Post-mortem of the outage", "FR", "outage"),
        ("Training for new users", "FR", "Training"),
        # Chinese: substring match
        ("维护客户关系", "AR", "关系"),
        ("合同评审", "AR", "合同"),
        ("跟进回款计划", "AR", "回款"),
        ("确认付款时间", "AR", "付款"),
        ("续约谈判", "AR", "续约"),
        ("安排高层拜访", "AR", "高层"),
        ("挖掘新机会", "AR", "机会"),
        ("整理需求", "SR", "需求"),
        ("解决方案评审", "SR", "解决方案"),
        ("方案修改", "SR", "方案"),
        ("发报价", "SR", "报价"),
        ("准备标书", "SR", "标书"),
        ("安排产品演示", "SR", "演示"),
        ("交付验收", "FR", "交付"),
        ("完成验收", "FR", "验收"),
        ("系统上线", "FR", "上线"),
        ("处理故障工单", "FR", "故障"),
        ("售后培训", "FR", "售后"),
        ("运维交接", "FR", "运维"),
        # mixed and width
        ("安排demo演示", "SR", "demo"),
        ("ＱＵＯＴＥ for Acme", "SR", "ＱＵＯＴＥ"),
        ("Acme quote and contract", "SR", "quote"),  # the earliest keyword wins
        ("contract and quote", "AR", "contract"),
        ("验收测试", "FR", "验收"),
    ],
)
def test_route_task(title: str, role: str, keyword: str) -> None:
    assert route_task(title) == Route(role=role, keyword=keyword)
    assert keyword in title  # quoted as typed


@pytest.mark.parametrize(
    "title",
    [
        "",
        "Follow up with the team",
        "We discussed pricing",
        "bidet",
        "shipyard tour",
        "unsupported",
        "relationshipless",
        "跟进一下",
        "😀",
        "x" * 10_000,
    ],
)
def test_route_task_none(title: str) -> None:
    assert route_task(title) is None


def test_route_is_frozen() -> None:
    route = route_task("send the quote")
    assert route is not None
    with pytest.raises(AttributeError):
        route.role = "AR"  # type: ignore[misc]


def test_route_task_is_deterministic() -> None:
    titles = ["quote delivery contract", "合同交付报价", "demo 交付"]
    assert [route_task(t) for t in titles] == [route_task(t) for t in titles]
    assert route_task("demo 交付") == Route("SR", "demo")
