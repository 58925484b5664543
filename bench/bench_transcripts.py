"""Transcript files: how long reading one takes, and a whole import through the dispatcher.

Synthetic Teams-style WebVTT (voice tags, a speaker change every few cues, an action or a
decision now and then): a one-hour meeting (~1,000 cues, ~60 KB of text), and a file at
the 5 MB limit (read, then refused as longer than a note). Also a one-hour .docx and the
import of the one-hour VTT as a note with its proposals on SQLite.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime

from bot.adapters.console import mentions_in
from bot.app import build_core
from bot.clock import FixedClock
from bot.messages import Incoming, IncomingFile, User
from bot.settings import Settings
from commands.proposals import find_proposals
from commands.transcripts import read_transcript

SPEAKERS = ("Alice Wang", "Bob Li", "Carol Zhang", "Li Wei (Acme)")
LINES = (
    "so the main point for this quarter is the rollout in the northern stores",
    "we have seen the usage numbers go up since the last release",
    "ACTION: SR to send the revised quote by 2026-12-04",
    "Decision: we go ahead with the three-year plan",
    "I'll check with finance on the payment terms",
    "the delivery team needs another week for the acceptance tests",
)


def vtt(cues: int) -> bytes:
    out = ["WEBVTT", ""]
    for i in range(cues):
        start, end = i * 3.6, i * 3.6 + 3.5

        def ts(s: float) -> str:
            return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}"

        out += [f"{uuid.UUID(int=i)}/{i}-0", f"{ts(start)} --> {ts(end)}",
                f"<v {SPEAKERS[(i // 4) % 4]}>{LINES[i % len(LINES)]}</v>", ""]
    return "\n".join(out).encode()


def docx(paragraphs: int) -> bytes:
    from docx import Document

    document = Document()
    for i in range(paragraphs):
        if i % 3 == 0:
            document.add_paragraph(f"{SPEAKERS[(i // 3) % 4]}   {i // 60}:{i % 60:02d}")
        else:
            document.add_paragraph(LINES[i % len(LINES)])
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1 if runs > 1 else 0]


def main() -> None:
    hour = vtt(1000)
    transcript = read_transcript(hour, "hour.vtt")
    print(f"one-hour VTT: {len(hour) / 1024:.0f} KB, {len(transcript.turns)} turns, "
          f"{len(transcript.text) / 1024:.0f} KB of note text")
    p50, p95 = timed(lambda: read_transcript(hour, "hour.vtt"), 20)
    print(f"  read: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    p50, p95 = timed(lambda: find_proposals(transcript.turns, first_line=2,
                                            today=date(2026, 11, 24)), 20)
    found = find_proposals(transcript.turns, first_line=2, today=date(2026, 11, 24))
    print(f"  proposals ({len(found)}): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")

    big = vtt(40_000)[: 5 * 1024 * 1024]
    started = time.perf_counter()
    read_transcript(big, "big.vtt")
    print(f"5 MB VTT: read in {time.perf_counter() - started:.2f} s")

    word = docx(3000)
    p50, _ = timed(lambda: read_transcript(word, "hour.docx"), 5)
    print(f"one-hour .docx ({len(word) / 1024:.0f} KB): read p50 {p50 * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{folder}/bench.db")  # type: ignore[call-arg]
        core = build_core(settings, clock=FixedClock(datetime(2026, 11, 24, 10, tzinfo=UTC)),
                          health_alerts=False)

        def say(text: str, file: IncomingFile | None = None) -> None:
            reply = core.dispatcher.handle(Incoming(
                platform="console", workspace="bench", channel="acme",
                user=User(id="alice", name="Alice", username="alice"), text=text,
                key=uuid.uuid4().hex, mentions=mentions_in(text), file=file))
            assert reply is not None and not reply.is_error, reply and reply.plain_text()

        say('account new "Bench"')
        say("triangle AR=@alice SR=@bob FR=@carol")
        p50, p95 = timed(lambda: say("transcript", IncomingFile("hour.vtt", len(hour), hour)), 10)
        print(f"import of the one-hour VTT as a note with proposals (SQLite): "
              f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
