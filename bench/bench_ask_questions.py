"""The question set's figures: the share answered right without a model, per language and
per place (channel, direct message, management channel), tuned and held-out apart.

    python -m bench ask_questions            (-v lists the tuned set's wrong answers;
                                              --heldout also the held-out set's)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_core
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import make_engine, upgrade
from tests.commands.ask import questionset
from tests.commands.ask.record import build


def main() -> None:
    verbose = "-v" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'questions.db'}"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
        core = build_core(settings, clock=FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
                          engine=engine, migrate=False, health_alerts=False)
        questionset.configure(core)
        with core.sessions.begin() as session:
            build(session)
        questions = questionset.load()
        started = time.perf_counter()
        outcomes = [questionset.ask(core, q) for q in questions]
        took = time.perf_counter() - started
        engine.dispose()
    table = questionset.score(outcomes)
    print(f"{len(outcomes)} questions, answered without a model "
          f"({took / len(outcomes) * 1000:.0f} ms a question on average, SQLite, through the dispatcher)")
    for part in ("tuned", "held-out", "all"):
        for key in ("en", "zh", "channel", "dm", "management"):
            if (part, key) in table:
                right, asked = table[(part, key)]
                print(f"  {part:9} {key:11} {right:4}/{asked:<4} {right / asked:6.1%}")
    print("  per file (right / asked):")
    files: dict[tuple[str, str], list[int]] = {}
    for o in outcomes:
        row = files.setdefault((o.question.source, o.question.lang), [0, 0])
        row[0] += o.right
        row[1] += 1
    for (source, lang), (right, asked) in sorted(files.items()):
        tag = "held-out" if any(o.question.heldout for o in outcomes if o.question.source == source) else "tuned"
        print(f"    {source:18} {lang:3} {tag:9} {right:4}/{asked:<4}")
    if verbose:
        for o in outcomes:
            # The held-out answers stay unseen while tuning, so that set keeps its worth.
            if not o.right and (not o.question.heldout or "--heldout" in sys.argv):
                tag = "held-out" if o.question.heldout else "tuned"
                print(f"\n[{tag} {o.question.lang} {o.question.place}] {o.question.ask}\n  "
                      + "; ".join(o.problems) + "\n  " + o.reply.replace("\n", "\n  ")[:600])


if __name__ == "__main__":
    main()
