"""The README's walk-throughs, run exactly as written through the console.

README.md marks each walk-through with ``<!-- walkthrough: NAME -->`` right before its
``text`` block. In the block a line ``user@#channel> command`` is typed (a command ending in
``\\`` goes on with the next line, as in the console); the lines after it, up to the next
prompt, are what the README shows of the reply. Each shown line must be a line of the
console's output, in order; ``…`` in a shown line stands for text the README leaves out.
The prompt shown must be the console's prompt at that point.

Each walk-through runs twice: in a fresh console (``kambot console``, as someone who has
just installed kambot) and in the demo right after ``kambot demo`` started (seeded data,
alice in #acme), on the database the tests run on (SQLite or PostgreSQL). The clock is the
tests' one, Tuesday 24 November 2026, which the README names.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.adapters.console import ConsolePrinter, ConsoleSession, answer, logical_lines
from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.demo import seed_demo
from bot.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
_MARK = re.compile(r"<!-- walkthrough: (\w+) -->\n```text\n(.*?)\n```", re.S)
_PROMPT = re.compile(r"^(\S+@(?:#\S+|dm))> (.*)$")


@dataclass
class Step:
    prompt: str
    lines: list[str]  # as typed, continuation lines included
    shown: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        return "\n".join(logical_lines(line + "\n" for line in self.lines))


def walkthroughs(text: str | None = None) -> dict[str, list[Step]]:
    text = README.read_text(encoding="utf-8") if text is None else text
    found: dict[str, list[Step]] = {}
    for name, block in _MARK.findall(text):
        steps: list[Step] = []
        for line in block.splitlines():
            match = _PROMPT.match(line)
            if match:
                steps.append(Step(match.group(1), [match.group(2)]))
            elif steps and steps[-1].lines[-1].endswith("\\") and not steps[-1].shown:
                steps[-1].lines.append(line)
            elif steps and line.strip():
                steps[-1].shown.append(line.rstrip())
            elif line.strip():
                raise AssertionError(f"walk-through {name}: a reply before any command: {line!r}")
        found[name] = steps
    return found


def _matches(shown: str, actual: str) -> bool:
    if "…" not in shown:
        return shown == actual
    at = 0
    for piece in shown.split("…"):
        piece = piece.strip() if not at else piece.rstrip()
        if not piece:
            continue
        found = actual.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def check_reply(step: Step, output: str) -> None:
    actual = [line.rstrip() for line in output.splitlines()]
    at = 0
    for shown in step.shown:
        while at < len(actual) and not _matches(shown, actual[at]):
            at += 1
        assert at < len(actual), (
            f"README shows, after {step.prompt}> {step.command!r}:\n  {shown!r}\n"
            f"but the console answered:\n{output}")
        at += 1


def run(core: Core, steps: list[Step], *, channel: str, user: str) -> None:
    session = ConsoleSession(core, channel=channel, user=user)
    printer = ConsolePrinter(io.StringIO())
    core.senders.add(printer)
    for step in steps:
        if not step.command.startswith(":"):
            assert step.prompt == session.prompt()[:-2], (
                f"README's prompt {step.prompt!r} before {step.command!r}; the console's "
                f"is {session.prompt()!r}")
        check_reply(step, answer(session, printer, step.command))


WALKTHROUGHS = walkthroughs()


def test_the_readme_has_both_walkthroughs():
    assert set(WALKTHROUGHS) >= {"en", "zh"}
    for steps in WALKTHROUGHS.values():
        assert len(steps) >= 10 and sum(len(s.shown) for s in steps) >= 10


@pytest.fixture
def live(settings: Settings, engine, clock: FixedClock) -> Core:
    # What `kambot console` and `kambot demo` build: rules and playbooks on every write.
    return build_core(settings.model_copy(update={"KAMBOT_ADMINS": ["console:alice"]}),
                      clock=clock, engine=engine, migrate=False, auto_playbooks=True)


@pytest.mark.parametrize("name", ["en", "zh"])
def test_walkthrough_in_a_fresh_console(live: Core, name: str):
    run(live, WALKTHROUGHS[name], channel="general", user="me")


@pytest.mark.parametrize("name", ["en", "zh"])
def test_walkthrough_after_the_demo(live: Core, name: str):
    info = seed_demo(live)
    run(live, WALKTHROUGHS[name], channel=info.channel, user=info.user)


def test_a_reply_that_drifted_from_the_readme_fails():
    steps = walkthroughs('<!-- walkthrough: x -->\n```text\nme@#general> help\n'
                         "✔ Something kambot never says\n```")["x"]
    with pytest.raises(AssertionError, match="README shows"):
        check_reply(steps[0], "kambot — help\n…")
