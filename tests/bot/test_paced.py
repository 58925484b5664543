"""Posting paced per channel by next-free time (bot/paced.py): on a fake clock, channels post
side by side, one channel never faster than its pace, and nobody waits on a busy channel
while another is free. No timing: the clock only moves when someone waits."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from bot.messages import Outgoing, Reply
from bot.outbox import Sent
from bot.paced import PacedRunner
from bot.posting import Poster


class FakeClock:
    """Monotonic seconds that move only when a thread waits (thread-safe)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()
        self.waits: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.now += max(seconds, 0.0)


@dataclass
class Channel:
    """Sends what it is given and notes the fake time of each post."""

    clock: FakeClock
    platform: str = "slack"
    posts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, out: Outgoing) -> Sent:
        with self._lock:
            self.posts[out.channel].append(self.clock.monotonic())
            return Sent(channel=out.channel, ref=str(len(self.posts[out.channel])))


class Chain:
    def __init__(self, poster: Poster, sender: Channel, channel: str, count: int) -> None:
        self.poster, self.sender = poster, sender
        self.platform, self.channel = "slack", channel
        self.left = count
        self.finished = 0

    def step(self) -> bool:
        self.poster.send(self.sender, Outgoing(platform="slack", workspace="T", channel=self.channel,
                                               reply=Reply(title="x")))
        self.left -= 1
        return self.left > 0

    def done(self) -> None:
        self.finished += 1


def _setup(workers: int) -> tuple[FakeClock, Poster, list[float], Channel, PacedRunner]:
    clock = FakeClock()
    poster_waits: list[float] = []

    def poster_sleep(seconds: float) -> None:  # a posting thread held up by its channel
        poster_waits.append(seconds)
        clock.sleep(seconds)

    poster = Poster(min_interval=1.0, sleep=poster_sleep, monotonic=clock.monotonic)
    sender = Channel(clock)
    runner = PacedRunner(poster, workers=workers, monotonic=clock.monotonic,
                         idle=lambda _cond, seconds: clock.sleep(seconds))
    return clock, poster, poster_waits, sender, runner


def test_two_channels_post_side_by_side_each_at_its_pace() -> None:
    clock, poster, poster_waits, sender, runner = _setup(workers=1)
    chains = [Chain(poster, sender, "CA", 3), Chain(poster, sender, "CB", 3)]
    for chain in chains:
        runner.add(chain)
    runner.close()

    # Both channels' three posts at 0, 1 and 2 s: side by side, not one after the other
    # (that would take 5 s), and never two in one channel within a second.
    assert dict(sender.posts) == {"CA": [0.0, 1.0, 2.0], "CB": [0.0, 1.0, 2.0]}
    assert clock.now == 2.0
    # The worker waited for the next channel to be free, never inside a busy channel.
    assert poster_waits == []
    assert [c.finished for c in chains] == [1, 1]


def test_a_busy_channel_does_not_hold_up_a_free_one() -> None:
    clock, poster, _waits, sender, runner = _setup(workers=1)
    runner.add(Chain(poster, sender, "CBUSY", 4))
    runner.add(Chain(poster, sender, "CFREE", 1))
    runner.add(Chain(poster, sender, "CLATE", 2))
    runner.close()

    assert sender.posts["CBUSY"] == [0.0, 1.0, 2.0, 3.0]
    assert sender.posts["CFREE"] == [0.0]  # not after the busy channel's posts
    assert sender.posts["CLATE"] == [0.0, 1.0]


def test_many_threads_many_channels_never_exceed_the_pace_and_post_everything_once() -> None:
    clock, poster, _waits, sender, runner = _setup(workers=4)
    chains = [Chain(poster, sender, f"C{i}", 3) for i in range(12)]
    for chain in chains:
        runner.add(chain)
    runner.close()

    assert sorted(sender.posts) == sorted(c.channel for c in chains)
    for times in sender.posts.values():
        assert len(times) == 3
        assert all(b - a >= 1.0 for a, b in zip(times, times[1:], strict=False))
    assert all(c.left == 0 and c.finished == 1 for c in chains)


def test_a_chain_that_fails_ends_and_the_others_go_on() -> None:
    clock, poster, _waits, sender, runner = _setup(workers=2)

    class Broken(Chain):
        def step(self) -> bool:
            raise RuntimeError("boom")

    broken = Broken(poster, sender, "CX", 3)
    fine = Chain(poster, sender, "CY", 2)
    runner.add(broken)
    runner.add(fine)
    runner.close()

    assert broken.finished == 1 and "CX" not in sender.posts
    assert sender.posts["CY"] == [0.0, 1.0]


def test_without_threads_close_runs_every_chain_in_the_callers_thread() -> None:
    clock, poster, poster_waits, sender, runner = _setup(workers=0)
    seen: set[int] = set()

    class Here(Chain):
        def step(self) -> bool:
            seen.add(threading.get_ident())
            return super().step()

    for name in ("CA", "CB"):
        runner.add(Here(poster, sender, name, 2))
    assert sender.posts == {}  # nothing runs before close()
    runner.close()
    assert seen == {threading.get_ident()}
    assert dict(sender.posts) == {"CA": [0.0, 1.0], "CB": [0.0, 1.0]} and poster_waits == []
