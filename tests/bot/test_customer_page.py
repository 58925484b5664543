"""The customer page over HTTP: a signed link shows the joint plan of its account only, a
done tick and a comment reach the account's channels once each, and an altered, expired
or revoked link is refused."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime

from bot.app import Core
from bot.clock import FixedClock
from bot.outbox import RecordingSender
from tests.bot.page_support import B_CANARY, CANARY, World, served
from tests.support import Conversation


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def post(url: str, **form: str) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data),  # noqa: S310
                                    timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_page_shows_the_joint_plan_in_both_languages_and_nothing_else(world: World) -> None:
    link = world.link()
    status, html = get(link)
    assert status == 200
    assert "Acme Corp: our joint plan" in html and "Send the org chart" in html
    assert "Install the pilot" in html and "your side · Li Wei" in html
    assert 'name="viewport"' in html
    assert CANARY not in html and B_CANARY not in html and "Umbra" not in html
    status, zh = get(link + "?lang=zh")
    assert status == 200 and "我们的联合计划" in zh and "贵方 · Li Wei" in zh and CANARY not in zh


def test_a_done_tick_and_a_comment_reach_the_channel_once(world: World) -> None:
    link = world.link()
    for _ in range(2):  # a double tap
        status, html = post(link + "/done", number="1", who="Li Wei", lang="en")
        assert status == 200
    assert world.told("acme-team", "Li Wei marked #1 Send the org chart done") == 1
    assert "✔ done" in get(link)[1]
    # Our own actions cannot be ticked from the page.
    post(link + "/done", number="2", who="Li Wei", lang="en")
    assert world.told("acme-team", "#2") == 0
    assert world.chat.text("tasks all").count("✔") == 1
    for _ in range(2):  # the same form sent twice
        post(link + "/comment", who="Li Wei", text="Org chart is in your inbox", nonce="n-1",
             number="1", lang="en")
    assert world.told("acme-team", "Li Wei commented on #1 Send the org chart") == 1
    assert world.told("umbra-team", "Li Wei") == 0


def test_altered_expired_and_revoked_links_are_refused(world: World, clock: FixedClock) -> None:
    link = world.link(days="3")
    assert get(link + "x")[0] == 404
    assert get(link.replace("/c/", "/c/A"))[0] == 404
    clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    status, html = get(link)
    assert status == 404 and "expired or was revoked" in html
    assert post(link + "/done", number="1", who="Li Wei")[0] == 404
    fresh = world.link()
    assert get(fresh)[0] == 200
    assert "1 link(s)" in world.chat.text("share revoke")
    assert get(fresh)[0] == 404


def test_a_link_of_one_account_never_shows_another(world: World) -> None:
    umbra = world.link(channel="umbra-team")
    html = get(umbra)[1]
    assert B_CANARY in html and "Umbra Foods" in html
    assert "Acme" not in html and "Send the org chart" not in html and CANARY not in html
    # Acme's task number 1 ticked through Umbra's link ticks Umbra's #1 only (its own).
    post(umbra + "/done", number="1", who="Zoe's client", lang="en")
    assert world.told("acme-team", "marked") == 0
    assert "Send the org chart" in get(world.link())[1]
    assert "✔ done" not in get(world.link())[1]


def test_share_is_for_the_team_and_private(world: World) -> None:
    reply = world.chat.say("share link 5")
    assert reply.private and "/c/" in reply.plain_text()
    world.chat.say('account link "Acme Corp" shared', channel="acme-joint")
    refused = world.chat.say("share link", user="liwei", channel="acme-joint")
    assert refused.is_error and "/c/" not in refused.plain_text()
    in_shared = world.chat.say("share link", channel="acme-joint")  # alice, the AR
    assert in_shared.confidential and "/c/" in in_shared.plain_text()
    assert world.chat.say("share link 999").is_error
    assert "2 live link(s)" in world.chat.text("share")


def test_on_the_demo_data_the_customer_ticks_one_off_and_the_team_sees_it(
        core: Core, chat: Conversation) -> None:
    from bot.demo import seed_demo

    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    seed_demo(core)
    with served(core) as base:
        core.settings.KAMBOT_PUBLIC_URL = base
        world = World(Conversation(core, channel="acme", user="alice"), sender, base)
        joint = world.chat.text("open", channel="acme-joint", user="liwei")
        assert "On their side" in joint and "Send the plant org chart" in joint
        assert "Confirm the payment schedule" not in joint  # internal
        link = world.link(channel="acme")
        html = get(link)[1]
        assert "Send the plant org chart" in html and "Prepare the renewal proposal" not in html
        from sqlmodel import select

        from storage.models import Task

        with core.sessions() as s:  # the demo's numbers follow what it seeds
            n = s.exec(select(Task.number).where(Task.title == "Send the plant org chart")).one()
        post(link + "/done", number=str(n), who="Li Wei", lang="en")
        assert world.told("acme", f"Li Wei marked #{n} Send the plant org chart done") == 1
        assert world.told("acme-joint", f"Li Wei marked #{n}") == 1
        assert "✔" in world.chat.text("tasks done")
        assert f"Li Wei (customer page) marked #{n} Send the plant org chart done" in \
            world.chat.text("history")
