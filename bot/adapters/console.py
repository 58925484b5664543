"""The console adapter: lines from stdin, plain-text replies on stdout.

``:channel X`` and ``:user Y`` switch who speaks where, ``:dm`` talks to the bot directly,
``:file PATH`` posts a file in the channel (a transcript, as on Slack or Telegram), a line ending in ``\\`` continues on the next one, and there is no prompt when stdin is
not a terminal, so a script can pipe a conversation in and read the replies.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.app import Core
from bot.messages import MAX_INPUT_CHARS, Incoming, IncomingFile, Outgoing, Platform, User, bounded
from bot.outbox import Sent
from bot.render.plain import render_plain

WORKSPACE = "local"
_MENTION = re.compile(r"(?<![\w@])@([\w.\-\u4e00-\u9fff]+)")


def console_user(name: str) -> User:
    # The console knows only a handle; a display name set elsewhere (the demo's "Alice
    # Chen") is kept, and a new person is shown by the handle.
    return User(id=name, name="", username=name)


def mentions_in(text: str) -> dict[str, User]:
    """In the console every ``@name`` names the console user ``name``."""
    return {f"@{m}": console_user(m) for m in _MENTION.findall(text)}


def logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Join lines that end in a backslash with the next one (keeping the line break)."""
    buffer: list[str] = []
    size = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.endswith("\\"):
            if size <= MAX_INPUT_CHARS:  # past the limit the line is refused anyway
                buffer.append(line[:-1])
                size += len(line)
            continue
        buffer.append(line)
        yield bounded("\n".join(buffer))
        buffer, size = [], 0
    if buffer:
        yield bounded("\n".join(buffer))


class ConsolePrinter:
    """The console's Sender: what the bot posts on its own (alerts, reports, reminders)
    is printed, marked with where it would go.

    A post never cuts into what the person is doing: while a command is being answered
    (:meth:`holding`) posts wait and come after the reply, in the order they were made; a
    post that arrives while the person is typing at the prompt is printed on its own lines
    and the prompt is drawn again (``prompt`` gives it).
    """

    platform = Platform.CONSOLE.value

    def __init__(self, stdout: TextIO, *, prompt: Callable[[], str] | None = None) -> None:
        self.stdout = stdout
        self.count = 0
        self.prompt = prompt
        self._lock = threading.RLock()
        self._held: list[str] | None = None

    def send(self, out: Outgoing) -> Sent:
        where = f"#{out.channel}" + (" (thread)" if out.thread else "")
        text = f"── kambot posts in {where} ──\n{render_plain(out.reply)}\n\n"
        with self._lock:
            self.count += 1
            if self._held is not None:
                self._held.append(text)
            elif self.prompt is not None:
                # The person is at the prompt: a fresh line, the post, the prompt again.
                self.stdout.write("\n" + text + self.prompt())
            else:
                self.stdout.write(text)
            self.stdout.flush()
            return Sent(channel=out.channel, ref=str(self.count))

    @contextmanager
    def holding(self) -> Iterator[list[str]]:
        """Posts made inside wait in the yielded list; the caller prints them after."""
        with self._lock:
            held: list[str] = []
            self._held = held
        try:
            yield held
        finally:
            with self._lock:
                self._held = None

    def write(self, text: str) -> None:
        with self._lock:
            self.stdout.write(text)
            self.stdout.flush()


class ConsoleSession:
    """One person at one console, switching channels and identities as told."""

    def __init__(self, core: Core, *, channel: str, user: str) -> None:
        self.core = core
        self.channel = channel
        self.user = user
        self.direct = False

    def incoming(self, text: str) -> Incoming:
        channel = f"dm:{self.user}" if self.direct else self.channel
        return Incoming(
            platform=Platform.CONSOLE.value,
            workspace=WORKSPACE,
            channel=channel,
            user=console_user(self.user),
            text=text,
            key=uuid.uuid4().hex,
            mentions=mentions_in(text),
            is_direct=self.direct,
            channel_name=channel,
        )

    def handle(self, text: str) -> str | None:
        """Answer one logical line; None for blank lines and comments."""
        text = bounded(text)
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            return None
        if stripped.startswith(":"):
            return self._switch(stripped)
        if self.direct and stripped.split()[0].lower() not in {"ask", "help", "问"}:
            text = f"ask {text}"
        reply = self.core.dispatcher.handle(self.incoming(text))
        if reply is not None and reply.confidential:
            # Slack shows it to the asker only, Telegram sends it as a direct message.
            return f"(only {self.user} sees this: the channel is shared with the customer)\n" \
                + render_plain(reply)
        return render_plain(reply) if reply is not None else None

    def _switch(self, line: str) -> str:
        word, _, value = line[1:].partition(" ")
        value = value.strip()
        if word == "channel" and value:
            self.channel, self.direct = value, False
            return f"(now in channel {value})"
        if word == "user" and value:
            self.user = value.lstrip("@")
            return f"(now speaking as {self.user})"
        if word == "dm":
            self.direct = True
            return f"(direct message to kambot as {self.user})"
        if word == "file" and value:
            return self._post_file(Path(value).expanduser())
        return "(console commands: :channel NAME, :user NAME, :dm, :file PATH, :quit)"

    def _post_file(self, path: Path) -> str:
        """Post a file in the channel, as a person shares one on Slack or Telegram."""
        from commands.transcripts import MAX_FILE_BYTES

        try:
            size = path.stat().st_size
            # like the platforms: a file over the limit is not even fetched
            content = path.read_bytes() if size <= MAX_FILE_BYTES else None
        except OSError as exc:
            return f"(cannot read {path}: {exc.strerror or exc})"
        incoming = replace(self.incoming("transcript"),
                           file=IncomingFile(path.name, size, content))
        reply = self.core.dispatcher.handle(incoming)
        return render_plain(reply) if reply is not None else ""

    def prompt(self) -> str:
        where = "dm" if self.direct else f"#{self.channel}"
        return f"{self.user}@{where}> "


def run_console(
    core: Core, *, channel: str, user: str, stdin: TextIO, stdout: TextIO, banner: str = ""
) -> int:
    session = ConsoleSession(core, channel=channel, user=user)
    interactive = stdin.isatty()
    printer = ConsolePrinter(stdout, prompt=session.prompt if interactive else None)
    core.senders.add(printer)
    if interactive and banner:
        stdout.write(banner + "\n")

    def read() -> Iterator[str]:
        while True:
            if interactive:
                printer.write(session.prompt())
            # Never more than the input limit in memory: the rest of a longer line is
            # skipped, and what was read is refused as too long by the dispatcher.
            line = stdin.readline(MAX_INPUT_CHARS + 2)
            if not line:
                return
            if len(line) >= MAX_INPUT_CHARS + 2 and not line.endswith("\n"):
                while (more := stdin.readline(MAX_INPUT_CHARS + 2)) and not more.endswith("\n"):
                    pass
                line += "\n"
            yield line

    for text in logical_lines(read()):
        if text.strip() in {":quit", ":exit", ":q"}:
            break
        printer.write(answer(session, printer, text))
    return 0


def answer(session: ConsoleSession, printer: ConsolePrinter, text: str) -> str:
    """What the console prints for one logical line: the reply first, then what kambot
    posted on its own because of it (a rule's task, a playbook, an alert)."""
    with printer.holding() as held:
        out = session.handle(text)
    return ("" if out is None else out + "\n\n") + "".join(held)
