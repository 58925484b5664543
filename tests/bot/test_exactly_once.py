"""Exactly once around a crash: a run that posted and died before recording it is not
repeated by the next run, which finds the post by the delivery key it carries (Slack
message metadata); where the platform cannot tell (Telegram, a Slack app without the
history scopes) the post is not made again: at most once, and the ledger says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import jobs
from bot.adapters.slack_post import DELIVERY_EVENT, SlackPoster, make_client
from bot.messages import Outgoing, Reply
from bot.posting import Poster, claiming, delivery_key
from commands.reports import Month
from storage import ledger
from tests.fakes.slack_api import FakeSlack
from tests.reportdata import seed_acme

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOV = Month(2026, 11)
ACME = "C0ACME"
PARENT_KEY = delivery_key("report", 1, "2026-11")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake
        fake.check()


@pytest.fixture
def slack_core(core: Any, clock: Any, slack: FakeSlack) -> Any:
    clock.set(DEC_1)
    core.senders.add(SlackPoster(make_client("xoxb-test-token", slack.url)))
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    seed_acme(core.sessions, platform="slack", workspace="T0FAKE", channel=ACME)
    return core


def _dead_run(core: Any, slack: FakeSlack, *, posted: bool, by: str | None = None) -> None:
    """A run that claimed Acme's report, maybe posted it, and died before recording it."""
    with core.sessions.begin() as s:
        ledger.claim(s, kind="report", account_id=1, key="2026-11", platform="slack",
                     channel=ACME, at=core.clock.now(), by=by)
    if posted:
        sender = core.senders.get("slack")
        sender.send(Outgoing(platform="slack", workspace="T0FAKE", channel=ACME,
                             reply=Reply(title="Acme Corp - November 2026 action report"),
                             delivery_key=PARENT_KEY))


def _row(core: Any, kind: str = "report") -> Any:
    with core.sessions.begin() as s:
        row = ledger.find(s, kind=kind, account_id=1, key="2026-11", channel=ACME)
        assert row is not None
        s.expunge(row)
        return row


def test_every_post_carries_its_delivery_key(slack_core: Any, slack: FakeSlack) -> None:
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    keys = [(c.json("metadata") or {}).get("event_payload", {}).get("delivery_key")
            for c in slack.calls_to("chat.postMessage")]
    assert keys[:3] == [PARENT_KEY, "report.thread:1:2026-11", "report.shared:1:2026-11"]
    assert all(c.json("metadata")["event_type"] == DELIVERY_EVENT
               for c in slack.calls_to("chat.postMessage"))


def test_a_leader_killed_after_posting_is_not_repeated(slack_core: Any, slack: FakeSlack) -> None:
    _dead_run(slack_core, slack, posted=True)
    slack_core.clock.advance(timedelta(hours=1))  # the claim went stale; another leader runs
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert len(slack.posts_with_key(PARENT_KEY)) == 1
    parent_ts = slack.posts_with_key(PARENT_KEY)[0]["ts"]
    for kind in ("report.thread", "report.shared"):  # the rest follows, in its thread
        (post,) = slack.posts_with_key(delivery_key(kind, 1, "2026-11"))
        assert post["thread_ts"] == parent_ts
    row = _row(slack_core)
    assert (row.status, row.message_ref, row.error) == ("posted", parent_ts, None)
    history = slack.calls_to("conversations.history")
    assert history and history[0].params["channel"] == ACME


def test_a_leader_killed_before_posting_is_posted_once(slack_core: Any, slack: FakeSlack) -> None:
    _dead_run(slack_core, slack, posted=False)
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert slack.posts_with_key(PARENT_KEY) == []  # the claim is fresh: someone may be posting
    slack_core.clock.advance(timedelta(hours=1))
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert len(slack.posts_with_key(PARENT_KEY)) == 1
    assert _row(slack_core).status == "posted"


def test_the_next_run_of_the_same_work_recovers_at_once(
        slack_core: Any, slack: FakeSlack) -> None:
    """No waiting for the claim to go stale: a run of the same work (the job retried, or the
    next tick queued as a new job) takes over what the dead one left, asking Slack first."""
    _dead_run(slack_core, slack, posted=True, by="work:monthly-report")
    with claiming("work:commercial"):  # other work: the claim is fresh and not its to take
        jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert len(slack.posts_with_key(delivery_key("report.thread", 1, "2026-11"))) == 0
    with claiming("work:monthly-report"):
        jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert len(slack.posts_with_key(PARENT_KEY)) == 1
    assert len(slack.posts_with_key(delivery_key("report.thread", 1, "2026-11"))) == 1
    row = _row(slack_core)
    assert (row.claimed_by, row.status, row.attempts) == ("work:monthly-report", "posted", 2)


def test_a_thread_reply_in_doubt_is_looked_up_in_its_thread(
        slack_core: Any, slack: FakeSlack) -> None:
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    thread_key = delivery_key("report.thread", 1, "2026-11")
    with slack_core.sessions.begin() as s:  # as if its recording had been lost mid-way
        row = ledger.find(s, kind="report.thread", account_id=1, key="2026-11", channel=ACME)
        row.status, row.message_ref, row.posted_at = "claimed", None, None
        row.claimed_at = slack_core.clock.now() - timedelta(hours=1)
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert len(slack.posts_with_key(thread_key)) == 1
    assert slack.calls_to("conversations.replies")[0].params["ts"] == \
        slack.posts_with_key(PARENT_KEY)[0]["ts"]
    assert _row(slack_core, "report.thread").status == "posted"


def test_without_history_scopes_at_most_once(slack_core: Any, slack: FakeSlack) -> None:
    slack.forget_history("missing_scope")
    _dead_run(slack_core, slack, posted=False)  # it did not post, but nobody can tell
    slack_core.clock.advance(timedelta(hours=1))
    jobs.run_monthly_reports(slack_core, month=NOV, chart=False)
    assert slack.posts_with_key(PARENT_KEY) == []
    row = _row(slack_core)
    assert row.status == "posted" and row.message_ref is None
    assert row.error.startswith("not verified") and "missing_scope" in row.error


def test_telegram_cannot_tell_so_at_most_once(core: Any, clock: Any) -> None:
    telegram_fake = pytest.importorskip("tests.fakes.telegram_api")
    from bot.adapters.telegram_client import BotApi, TelegramSender
    clock.set(DEC_1)
    with telegram_fake.FakeTelegram() as fake:
        alice = fake.user(101, "Alice", username="alice")
        fake.message(fake.group(-5001, "Acme team"), alice, "hello")
        core.senders.add(TelegramSender(BotApi(fake.token, fake.api_url, sleep=lambda s: None)))
        core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
        seed_acme(core.sessions, platform="telegram", workspace="telegram", channel="-5001")
        with core.sessions.begin() as s:
            ledger.claim(s, kind="report", account_id=1, key="2026-11", platform="telegram",
                         channel="-5001", at=clock.now())
        clock.advance(timedelta(hours=1))
        jobs.run_monthly_reports(core, month=NOV, chart=False)
        assert fake.sent_messages(-5001) == []
    with core.sessions.begin() as s:
        row = ledger.find(s, kind="report", account_id=1, key="2026-11", channel="-5001")
        assert row is not None and row.status == "posted" and row.message_ref is None
        assert row.error is not None and "not verified" in row.error


def test_a_fresh_claim_of_another_claimant_is_left_alone(core: Any, clock: Any) -> None:
    kw: dict[str, Any] = {"kind": "alert", "account_id": 1, "key": "red:2026-11-24",
                          "platform": "slack", "channel": "C1"}
    with core.sessions.begin() as s:
        assert ledger.claim(s, at=clock.now(), by="work:account:1", **kw) is not None
    with core.sessions.begin() as s:
        assert ledger.claim(s, at=clock.now(), by="work:account:2", **kw) is None
        assert ledger.claim(s, at=clock.now(), **kw) is None
        again = ledger.claim(s, at=clock.now(), by="work:account:1", **kw)
        assert again is not None and ledger.in_doubt(again) and again.attempts == 2
