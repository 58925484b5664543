"""The console adapter and `kambot console` / `kambot demo` as a person or a script uses them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.adapters.console import ConsoleSession, logical_lines, mentions_in, run_console
from bot.app import Core
from bot.demo import seed_demo

SCRIPT = """\
account new "Acme Corp" tier=core
triangle AR=@alice SR=@bob FR=@carol
task "Send the revised quote" due=friday
task "Renew the support contract"
task "Install sensors" owner=@carol due=+3d
note Met their CIO.\\
ACTION: SR to prepare the demo by 2026-12-05\\
TODO confirm the payment schedule
open
done 1
handover AR @dave
open
"""


def test_logical_lines_join_backslash_continuations() -> None:
    assert list(logical_lines(["a\\\n", "b\n", "c\n"])) == ["a\nb", "c"]
    assert list(logical_lines(["tail\\"])) == ["tail"]


def test_mentions_in_console_text() -> None:
    found = mentions_in("triangle AR=@alice SR=@bob, ping @张三 not a@b.c")
    assert set(found) == {"@alice", "@bob", "@张三"}
    assert found["@alice"].id == "alice"


def test_switches_and_prompt(core: Core) -> None:
    session = ConsoleSession(core, channel="acme", user="alice")
    assert "globex" in (session.handle(":channel globex") or "")
    assert "bob" in (session.handle(":user @bob") or "")
    assert session.prompt() == "bob@#globex> "
    assert session.handle("   ") is None and session.handle("# a comment") is None
    assert "direct message" in (session.handle(":dm") or "")
    assert session.prompt() == "bob@dm> "
    assert ":channel" in (session.handle(":what") or "")


def test_piped_conversation_in_process(core: Core) -> None:
    out = io.StringIO()
    run_console(core, channel="acme", user="alice", stdin=io.StringIO(SCRIPT), stdout=out)
    text = out.getvalue()
    assert "alice@" not in text  # no prompt when stdin is not a terminal
    assert "Acme Corp is set up" in text
    assert 'Routed to SR because of "quote"' in text
    assert "2 action(s) found in the note" in text
    assert "✔ #1 Send the revised quote: done." in text
    assert "AR handed over from alice to dave" in text
    last_open = text.rsplit("Open on Acme Corp", 1)[1]
    assert "#2 Renew the support contract · dave" in last_open
    assert "#1 " not in last_open


def test_kambot_console_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"}
    env.pop("KAMBOT_LANGUAGE", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--channel", "acme", "--user", "alice"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Acme Corp is set up" in result.stdout
    assert "AR handed over from alice to dave" in result.stdout
    # The real bot checks health after each write: a new core account gets its yearly
    # executive visit task at once, posted in the channel.
    assert "── kambot posts in #acme ──" in result.stdout
    assert "yearly executive visit" in result.stdout
    # ... and, as a new key account, the onboarding playbook (4 tasks) in the reply.
    assert "Playbook started: New key-account onboarding (4 tasks)" in result.stdout
    # The database outlives the process: a second run sees the account.
    again = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--channel", "acme", "--user", "bob"],
        input="tasks all\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert "all 10 task(s)" in again.stdout


def test_kambot_demo_subprocess(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--database", str(tmp_path / "demo.db")],
        input="open\naccount\n:channel huaxing\n未完成\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Open on Acme Corp" in result.stdout and "overdue" in result.stdout
    assert "华星零售 未完成事项" in result.stdout


def test_demo_seed_is_believable_and_idempotent(core: Core) -> None:
    info = seed_demo(core)
    seed_demo(core)
    from sqlmodel import select

    from storage.models import Account, Note, Task

    with core.sessions.begin() as s:
        accounts = s.exec(select(Account)).all()
        assert {a.tier for a in accounts} == {"core", "important", "potential"}
        assert len(accounts) >= 3
        tasks = s.exec(select(Task)).all()
        today = core.clock.today()
        assert any(t.status == "done" for t in tasks)
        assert any(t.status == "open" and t.due_date and t.due_date < today for t in tasks)
        assert any(t.status == "open" and t.due_date and t.due_date >= today for t in tasks)
        assert len(s.exec(select(Note)).all()) >= 4
    assert info.channel == "acme" and info.user == "alice"


def test_console_keeps_display_names(core: Core) -> None:
    seed_demo(core)
    out = io.StringIO()
    run_console(core, channel="acme", user="alice", stdin=io.StringIO("open\n"), stdout=out)
    assert "Alice Chen" in out.getvalue()


def test_posting_a_transcript_file_from_the_console(core: Core, tmp_path: Path) -> None:
    session = ConsoleSession(core, channel="acme", user="alice")
    session.handle('account new "Acme Corp"')
    sample = Path(__file__).resolve().parents[1] / "commands" / "transcripts" / "support_review.srt"
    answer = session.handle(f":file {sample}") or ""
    assert "Transcript support_review.srt saved as note 1 on Acme Corp." in answer
    assert "[accept 1 1]" in answer
    assert "cannot read" in (session.handle(f":file {tmp_path / 'missing.vtt'}") or "")
    big = tmp_path / "big.vtt"
    big.write_bytes(b"WEBVTT\n" + b" " * (6 * 1024 * 1024))
    assert "big.vtt is 6.0 MB" in (session.handle(f":file {big}") or "")


def test_posts_made_by_a_command_come_after_its_reply(tmp_path):
    """A core account's rule announces its executive-visit task while `account new` is
    answered: the console prints the reply first, then the post, never the other way."""
    import io

    from bot.adapters.console import run_console
    from bot.app import build_core
    from bot.settings import Settings

    core = build_core(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}", _env_file=None),
                      auto_playbooks=True)
    out = io.StringIO()
    run_console(core, channel="acme", user="alice",
                stdin=io.StringIO('account new "Acme Corp" tier=core\n'), stdout=out)
    text = out.getvalue()
    assert text.startswith("✔ Acme Corp is set up")
    assert text.index("── kambot posts in #acme ──") > text.index("is set up")
    assert "yearly executive visit" in text


def test_backticks_do_not_reach_plain_text():
    from bot.messages import Reply, Section
    from bot.render.plain import render_plain
    from bot.render.telegram import shown

    reply = Reply(title="Give the note's number, e.g. `summarize 12`.",
                  sections=[Section(text="see `tasks`", code="a `literal` stays")])
    text = render_plain(reply)
    assert "summarize 12" in text and "`summarize" not in text and "`tasks`" not in text
    assert "a `literal` stays" in text
    assert shown("open in total (`tasks`).") == "open in total (tasks)."
