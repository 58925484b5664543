"""The customer page in a real browser: Debian's chromium driven by Playwright (no browser
download: ``executable_path`` is the system's). Skipped when chromium or Playwright is not
installed here; .ci/run installs chromium so CI runs it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.bot.page_support import B_CANARY, CANARY, World

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


@pytest.fixture
def p(world: World) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # A phone-sized window: the page must read there.
        context = browser.new_context(viewport={"width": 390, "height": 844})
        yield context.new_page()
        browser.close()


def test_the_customer_reads_both_languages_ticks_once_and_loses_a_revoked_link(
        world: World, p: Any) -> None:
    link = world.link()
    p.goto(link)
    body = p.inner_text("body")
    assert "Acme Corp: our joint plan" in body and "Send the org chart" in body
    assert CANARY not in body and B_CANARY not in body
    # Nothing wider than the phone's screen.
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    p.click("#other-language")
    assert "我们的联合计划" in p.inner_text("h1")
    p.goto(link + "?lang=en")
    item = p.locator("#action-1")
    item.locator("input[name=who]").fill("Li Wei")
    item.locator("button").click()
    p.wait_for_selector("#notice")
    assert "marked done" in p.inner_text("#notice")
    assert "✔ done" in p.inner_text("#action-1")
    p.reload()  # a reload does not send the form again
    assert world.told("acme-team", "Li Wei marked #1 Send the org chart done") == 1
    # Our own action has no tick box.
    assert p.locator("#action-2 form").count() == 0
    p.fill("#comment-form input[name=who]", "Li Wei")
    p.fill("#comment-form textarea", "Org chart sent")
    p.click("#comment-form button")
    p.wait_for_selector("#comments")
    assert world.told("acme-team", "Org chart sent") == 1
    world.chat.say("share revoke")
    p.goto(link)
    assert "expired or was revoked" in p.inner_text("body")


def test_a_link_of_account_b_shows_b_only(world: World, p: Any) -> None:
    p.goto(world.link(channel="umbra-team"))
    body = p.inner_text("body")
    assert "Umbra Foods" in body and B_CANARY in body
    assert "Acme" not in body and "Send the org chart" not in body and CANARY not in body
