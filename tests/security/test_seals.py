"""Sealed button values and modal metadata (bot/seals.py): what kambot made opens; anything
forged, altered, replayed elsewhere, pressed by another person or too old does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.seals import SEP, SealError, Seals, peek
from storage import access_repo

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


@pytest.fixture
def seals() -> Seals:
    return Seals(clock=FixedClock(NOW), key=lambda: b"k" * 32)


def button(seals: Seals, command: str = "done 2", channel: str = "C0ACME", account: int = 7,
           gen: int = 1_700_000_000) -> str:
    return seals.seal(purpose="button", platform="slack", channel=channel, command=command,
                      account_id=account, generation=gen)


def reason(seals: Seals, value: str, **kw: str) -> str:
    where = {"purpose": "button", "platform": "slack", "channel": "C0ACME", "user": "U1", **kw}
    with pytest.raises(SealError) as err:
        seals.open(value, **where)
    return err.value.reason


def test_a_button_opens_where_it_was_made(seals: Seals) -> None:
    opened = seals.open(button(seals), purpose="button", platform="slack", channel="C0ACME")
    assert (opened.command, opened.account_id, opened.generation) == ("done 2", 7, 1_700_000_000)


def test_forged_altered_and_replayed_values_do_not_open(seals: Seals) -> None:
    value = button(seals)
    tag, rest = value.split(SEP, 2)[1], value.split(SEP, 2)[2]
    assert reason(seals, "done 2") == "forged"  # a bare command, the old format
    assert reason(seals, '{"c": "C0ACME", "cmd": "done 2"}', purpose="home") == "forged"
    assert reason(seals, value.replace("done 2", "done 3")) == "forged"  # another task
    assert reason(seals, value[:-1] + "9") == "forged"
    assert reason(seals, value.replace(tag, "A" * len(tag))) == "forged"
    assert reason(seals, f"k1{SEP}{tag}{SEP}8{SEP}" + rest.split(SEP, 1)[1]) == "forged"  # account
    assert reason(seals, value, channel="C0UMBRA") == "forged"  # replayed into another channel
    assert reason(seals, value, platform="telegram") == "forged"
    assert reason(seals, value, purpose="home") == "forged"  # a message button is not a Home one
    other = Seals(clock=FixedClock(NOW), key=lambda: b"x" * 32)
    assert reason(other, value) == "forged"  # another deployment's key


def test_home_and_modal_values_are_bound_to_their_person(seals: Seals) -> None:
    home = seals.seal(purpose="home", platform="slack", channel="C0ACME", command="done 2",
                      account_id=7, user="U0ANN", carry_channel=True)
    claimed = peek(home)
    assert claimed is not None and claimed.channel == "C0ACME"
    assert seals.open(home, purpose="home", platform="slack", channel="C0ACME",
                      user="U0ANN").command == "done 2"
    assert reason(seals, home, purpose="home", channel="C0ACME", user="U0EVE") == "forged"
    assert reason(seals, home, purpose="home", channel="C0UMBRA", user="U0ANN") == "elsewhere"
    modal = seals.seal(purpose="modal:kam.reassign", platform="slack", channel="C0ACME",
                       user="U0ANN", extra={"number": "2"}, carry_channel=True)
    assert seals.open(modal, purpose="modal:kam.reassign", platform="slack", channel="C0ACME",
                      user="U0ANN").extra == {"number": "2"}
    assert reason(seals, modal, purpose="modal:kam.task", user="U0ANN") == "forged"
    assert reason(seals, modal, purpose="modal:kam.reassign", user="U0EVE") == "forged"
    claimed = peek(modal)
    assert claimed is not None
    altered = modal.replace(modal.split(SEP)[6], modal.split(SEP)[6][:-2] + "zz")
    assert reason(seals, altered, purpose="modal:kam.reassign", user="U0ANN") == "forged"


def test_values_expire(seals: Seals) -> None:
    clock = FixedClock(NOW)
    timed = Seals(clock=clock, key=lambda: b"k" * 32)
    value = button(timed)
    clock.advance(timedelta(days=59))
    assert timed.open(value, purpose="button", platform="slack", channel="C0ACME").command
    clock.advance(timedelta(days=2))
    assert reason(timed, value) == "expired"
    home = timed.seal(purpose="home", platform="slack", channel="C0ACME", command="done 1",
                      user="U1", carry_channel=True)
    clock.advance(timedelta(days=8))
    assert reason(timed, home, purpose="home") == "expired"


def test_a_telegram_button_fits_in_64_bytes(seals: Seals) -> None:
    for command in ("done 123", "reopen 99999", "reassign 12", "health", "open"):
        value = seals.seal(purpose="button", platform="telegram", channel="-1001234567890",
                           command=command, account_id=123_456, generation=1_790_000_000)
        assert len(value.encode()) <= 64, (command, len(value.encode()))


def test_the_key_is_made_once_and_kept_in_the_database(core) -> None:
    first = Seals.from_settings(clock=core.clock, secret=None, sessions=core.sessions)
    second = Seals.from_settings(clock=core.clock, secret=None, sessions=core.sessions)
    value = first.seal(purpose="button", platform="slack", channel="C1", command="open")
    assert second.open(value, purpose="button", platform="slack", channel="C1").command == "open"
    with core.sessions.begin() as session:
        stored = access_repo.secret(session, name="seal_key", at=NOW, make=lambda: "unused")
    assert stored != "unused" and len(stored) >= 43  # 32 random bytes
    configured = Seals.from_settings(clock=core.clock, secret="s3cret", sessions=core.sessions)
    with pytest.raises(SealError):
        configured.open(value, purpose="button", platform="slack", channel="C1")


def test_a_refused_value_is_logged_without_the_value_or_the_key(core, caplog) -> None:
    import logging

    from pydantic import SecretStr

    from bot.app import build_core
    from bot.messages import Incoming, User

    keyed = build_core(core.settings.model_copy(update={
        "KAMBOT_SECRET_KEY": SecretStr("key-that-must-not-show")}), clock=core.clock,
        engine=core.engine, migrate=False, health_alerts=False)
    forged = "k1~SECRETLOOKINGTAG~1~0~zzzz~~~done 1"
    caplog.set_level(logging.DEBUG)
    reply = keyed.dispatcher.handle(Incoming(
        platform="slack", workspace="T1", channel="C1", user=User("U9", "eve"), text="",
        key="forged-1", via="button", seal=forged))
    assert reply is not None and reply.is_error
    logged = caplog.text
    assert "refused a button value (forged)" in logged and "U9" in logged
    assert "SECRETLOOKINGTAG" not in logged and "key-that-must-not-show" not in logged
    text = repr(keyed.settings) + str(keyed.settings.model_dump())
    assert "key-that-must-not-show" not in text
