"""The monthly run against the fake Slack: Slack calls reuse their connections, and a run
that resumes after a partial one learns what is done from the ledger in one read, claims
only what is left, and posts nothing twice and nothing missed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import jobs
from bot.adapters.slack_post import SlackPoster, make_client
from bot.messages import Attachment, Outgoing, Reply
from bot.outbox import SendError, Sent
from bot.posting import Poster, delivery_key
from commands.reports import Month
from storage import ledger
from tests.fakes.slack_api import FakeSlack
from tests.reportdata import seed_acme, seed_quiet

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOV = Month(2026, 11)
ACME, QUIET = "C0ACME", "C0QUIET"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake
        fake.check()


def test_a_client_reuses_one_connection_for_many_calls(slack: FakeSlack) -> None:
    poster = SlackPoster(make_client("xoxb-test-token", slack.url))
    png = Attachment(filename="a.png", content=b"\x89PNG....", mime="image/png")
    for i in range(4):
        poster.send(Outgoing(platform="slack", workspace="T", channel="C1",
                             reply=Reply(title=f"r{i}", attachments=[png]),
                             delivery_key=f"k{i}"))
    # Each post is a message and a file (three calls and an upload): 16 requests.
    assert len(slack.calls) == 12 and len(slack.uploads) == 4
    assert slack.connections == 1
    # Slack's refusals still come back as the stock client raises them.
    slack.queue_error("chat.postMessage", "channel_not_found")
    with pytest.raises(SendError) as refused:
        poster.send(Outgoing(platform="slack", workspace="T", channel="C1", reply=Reply(title="x")))
    assert refused.value.permanent
    slack.queue_rate_limit("chat.postMessage", retry_after=0)  # retried after Retry-After
    sent = poster.send(Outgoing(platform="slack", workspace="T", channel="C1",
                                reply=Reply(title="y")))
    assert sent.ref and slack.connections == 1


class Flaky:
    """The Slack sender, refusing the posts ``refuse`` picks (a run that went part way)."""

    platform = "slack"

    def __init__(self, real: SlackPoster, refuse: Any) -> None:
        self.real, self.refuse = real, refuse

    def send(self, out: Outgoing) -> Sent:
        if self.refuse(out):
            raise SendError("slack: internal_error", permanent=True)
        return self.real.send(out)

    def find(self, out: Outgoing) -> Sent | None:
        return self.real.find(out)


@pytest.fixture
def two_accounts(core: Any, clock: Any, slack: FakeSlack) -> Any:
    clock.set(DEC_1)
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    acme = seed_acme(core.sessions, platform="slack", workspace="T0FAKE", channel=ACME)
    quiet = seed_quiet(core.sessions, platform="slack", channel=QUIET)
    return core, acme.account_id, quiet.account_id


def test_a_resumed_run_claims_only_what_is_left_and_posts_it_once(
        two_accounts: Any, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    core, acme, quiet = two_accounts
    real = SlackPoster(make_client("xoxb-test-token", slack.url))
    # The first run goes part way: Acme's shared version and Quiet's whole report fail.
    core.senders.add(Flaky(real, lambda out: out.delivery_key in {
        delivery_key("report.shared", acme, "2026-11"), delivery_key("report", quiet, "2026-11")}))
    first = jobs.run_monthly_reports(core, month=NOV, chart=False)
    assert (first.posted, first.failed) == (2, 2)
    parent_ts = slack.posts_with_key(delivery_key("report", acme, "2026-11"))[0]["ts"]

    claims: list[tuple[str, int, str]] = []
    claim = ledger.claim

    def counted(session: Any, **kw: Any) -> Any:
        claims.append((kw["kind"], kw["account_id"], kw["channel"]))
        return claim(session, **kw)

    monkeypatch.setattr(ledger, "claim", counted)
    core.senders.add(real)
    second = jobs.run_monthly_reports(core, month=NOV, chart=False)

    # Claimed: only what the first run did not post; what it did is known from one read.
    assert sorted(claims) == sorted([
        ("report.shared", acme, ACME), ("report", quiet, QUIET),
        ("report.thread", quiet, QUIET), ("report.shared", quiet, QUIET)])
    assert second.posted == 4 and second.failed == 0
    for account in (acme, quiet):
        for kind in ("report", "report.thread", "report.shared"):
            assert len(slack.posts_with_key(delivery_key(kind, account, "2026-11"))) == 1
    # Acme's shared version went into the thread the first run started.
    (shared,) = slack.posts_with_key(delivery_key("report.shared", acme, "2026-11"))
    assert shared["thread_ts"] == parent_ts

    claims.clear()
    calls = len(slack.calls)
    third = jobs.run_monthly_reports(core, month=NOV, chart=False)
    assert claims == [] and len(slack.calls) == calls and third.posted == 0


def test_a_run_posts_over_few_connections(two_accounts: Any, slack: FakeSlack) -> None:
    core, _acme, _quiet = two_accounts
    core.senders.add(SlackPoster(make_client("xoxb-test-token", slack.url)))
    summary = jobs.run_monthly_reports(core, month=NOV)
    assert summary.posted == 6
    requests = len(slack.calls) + len(slack.uploads)
    assert requests >= 6 + 3  # messages, and the charts' and files' uploads
    # One pooled client for every posting thread: never a connection per request.
    assert slack.connections <= jobs.POSTERS < requests
